import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import { AppConfig, ConfigModule, REDACTED_LOG_PATHS, withLogFormat } from '@shouhu/config';
import { DatabaseModule } from '@shouhu/database';
import { JobHandlerRegistry, JobsModule } from '@shouhu/jobs';
import { CaseworkModule } from '@shouhu/casework';
import { StatsModule } from '@shouhu/stats';
import { BreachSweeper } from './breach-sweeper.service';
import { DeadlineJobs } from './deadline-jobs.service';
import { HeartbeatService } from './heartbeat.service';
import { DeadlinesProcessor } from './processors/deadlines.processor';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { StatsAlertChecks } from './stats-alerts.service';
import { StatsRollupFolds } from './stats-rollup.service';

/** The worker's pino options, whichever the format. */
export const workerLoggerOptions = (config: AppConfig) => ({
  level: config.LOG_LEVEL,
  timestamp: stdTimeFunctions.isoTime,
  redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
});

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
        // JSON lines, identity keys censored as in the api; pretty-printed at a terminal in development (withLogFormat).
        LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: (c: AppConfig) => ({ pinoHttp: withLogFormat(workerLoggerOptions(c), c.NODE_ENV) }) }),
        DatabaseModule,
        JobsModule.forRoot(),
        CaseworkModule,
        StatsModule,
      ],
      providers: [HeartbeatService, BreachSweeper, DeadlineJobs, MaintenanceProcessor, DeadlinesProcessor, StatsAlertChecks, StatsRollupFolds],
    };
  }
}
