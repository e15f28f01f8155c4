import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '@shouhu/config';
import { JobHandlerRegistry } from './job-handler';
import { JobMonitor } from './job-monitor';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES } from './job-registry';

/** BullMQ on the configured Redis, every queue registered with the shared job options. */
@Module({})
export class JobsModule {
  static forRoot(): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            connection: { url: config.REDIS_URL, maxRetriesPerRequest: null, enableReadyCheck: true },
            prefix: config.QUEUE_PREFIX,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
      ],
      providers: [JobHandlerRegistry, JobMonitor],
      exports: [BullModule, JobHandlerRegistry, JobMonitor],
    };
  }
}
