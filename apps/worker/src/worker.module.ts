import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { AppConfig, ConfigModule } from '@shouhu/config';
import { DatabaseModule } from '@shouhu/database';
import { JobHandlerRegistry, JobsModule } from '@shouhu/jobs';
import { CaseworkModule } from '@shouhu/deadlines';
import { DeadlineJobs } from './deadline-jobs.service';
import { HeartbeatService } from './heartbeat.service';
import { DeadlinesProcessor } from './processors/deadlines.processor';
import { MaintenanceProcessor } from './processors/maintenance.processor';

@Module({})
export class WorkerModule implements OnModuleInit {
  constructor(private readonly registry: JobHandlerRegistry) {}

  /** Refuses to start when a job name has no handler or two. */
  onModuleInit(): void {
    this.registry.load();
  }

  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (c: AppConfig) => ({ pinoHttp: { level: c.LOG_LEVEL, timestamp: stdTimeFunctions.isoTime } }) }),
        DatabaseModule,
        JobsModule.forRoot(),
        CaseworkModule,
      ],
      providers: [HeartbeatService, DeadlineJobs, MaintenanceProcessor, DeadlinesProcessor],
    };
  }
}
