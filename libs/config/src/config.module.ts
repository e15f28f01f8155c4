import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, processConfig } from './app-config';

@Global()
@Module({})
export class ConfigModule {
  /** Provides AppConfig; tests pass their own validated config. */
  static forRoot(config: AppConfig = processConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
