import { Logger } from 'nestjs-pino';
import { ConfigError } from '@shouhu/config';
import { createWorker } from './worker';

createWorker()
  .then((app) => app.get(Logger).log('worker started'))
  .catch((error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `worker failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
