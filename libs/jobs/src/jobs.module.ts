import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '@shouhu/config';
import { JobHandlerRegistry } from './job-handler';
import { JobMonitor } from './job-monitor';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES } from './job-registry';
import { QueueConnection, QueueConnectionModule, queuePrefix } from './queue-connection';

/**
 * BullMQ on the configured Redis (or Redis Cluster), every queue registered with the shared
 * job options and its own prefix (hash-tagged on a cluster: see queuePrefix).
 */
@Module({})
export class JobsModule {
  static forRoot(): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      imports: [
        DiscoveryModule,
        QueueConnectionModule,
        BullModule.forRootAsync({
          imports: [QueueConnectionModule],
          inject: [AppConfig, QueueConnection],
          useFactory: (config: AppConfig, queues: QueueConnection) => ({
            connection: queues.connection,
            prefix: config.QUEUE_PREFIX,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueueAsync(
          ...QUEUE_NAMES.map((name) => ({ name, inject: [AppConfig], useFactory: (config: AppConfig) => ({ prefix: queuePrefix(config, name) }) })),
        ),
      ],
      providers: [JobHandlerRegistry, JobMonitor],
      exports: [BullModule, JobHandlerRegistry, JobMonitor],
    };
  }
}
