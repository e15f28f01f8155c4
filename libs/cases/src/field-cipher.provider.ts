import type { Provider } from '@nestjs/common';
import { FieldCipher } from '@shouhu/access';
import { AppConfig } from '@shouhu/config';

/** The cipher of the child's ID number (encrypted at rest, matched by a keyed hash). */
export const FIELD_CIPHER = Symbol('FIELD_CIPHER');

export const fieldCipherProvider: Provider = {
  provide: FIELD_CIPHER,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => FieldCipher.fromConfig(config),
};
