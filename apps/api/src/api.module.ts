import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';
import { AuthModule } from '@shouhu/auth';
import { AppConfig, ConfigModule, REDACTED_LOG_PATHS, withLogFormat } from '@shouhu/config';
import { DatabaseModule } from '@shouhu/database';
import { OrgModule } from '@shouhu/org';
import { CaseworkModule } from '@shouhu/casework';
import { JobsModule } from '@shouhu/jobs';
import { StatsModule } from '@shouhu/stats';
import { ReferralsModule } from '@shouhu/referrals';
import { AgenciesController } from './agencies.controller';
import { ApprovalsController } from './approvals.controller';
import { ReferralsController } from './referrals.controller';
import { AttachmentsController, MultipartUploads } from './attachments.controller';
// Until tsconfig.json maps @shouhu/evidence, the lib is imported by its path.
import { EvidenceModule } from '@shouhu/evidence';
import { AuditController } from './audit.controller';
import { CalendarController } from './calendar.controller';
import { CasesController } from './cases.controller';
import { NotificationsController } from './notifications.controller';
import { StatsController } from './stats.controller';
import { AuthController } from './auth.controller';
import { HealthController } from './health.controller';
import { HttpMetrics } from './http/http-metrics';
import { MetricsController } from './metrics.controller';
import { JurisdictionsController } from './jurisdictions.controller';
import { loggedUrl } from './http/log-url';
import { UsersController } from './users.controller';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** A caller's X-Request-Id when it looks sane, else a new one. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

// The paths pino censors (identity keys at any of four levels): shared with the worker.
export { REDACTED_LOG_PATHS };

/**
 * Structured JSON logs; every line of a request carries its request id. At a terminal in
 * development (npm start) the same lines, redacted alike, are pretty-printed (withLogFormat).
 */
export function loggerModule() {
  return LoggerModule.forRootAsync({
    inject: [AppConfig],
    useFactory: (config: AppConfig) => ({
      pinoHttp: withLogFormat(apiLoggerOptions(config), config.NODE_ENV),
    }),
  });
}

/** The api's pino-http options, whichever the format. */
export function apiLoggerOptions(config: AppConfig): Options {
  return {
    level: config.LOG_LEVEL,
    // Fastify already assigned the id (see createApiApp); reuse it.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? requestIdFor(req),
    customAttributeKeys: { reqId: 'requestId' },
    // Bind the request id to every line logged while handling the request.
    quietReqLogger: true,
    // The request (method and path) goes into its completion line only, when that line is written:
    // bound to a child logger of its own, it was serialised and redacted on every request, whatever
    // the level (3 % of a queue request's CPU at LOG_LEVEL=warn).
    quietResLogger: true,
    customSuccessObject: (req: IncomingMessage, _res: unknown, value: object) => ({ req, ...value }),
    customErrorObject: (req: IncomingMessage, _res: unknown, _error: Error, value: object) => ({ req, ...value }),
    timestamp: stdTimeFunctions.isoTime,
    // The second belt: code logs no identity (safeErrorFields), and should a value slip into a line anyway, these keys are censored.
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    serializers: {
      // The query's values stay out of the line (loggedUrl): a search may hold a child's name.
      req: (req: { id: string; method: string; url: string }) => ({ method: req.method, url: loggedUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: unknown, res: { statusCode: number }, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  };
}

@Module({})
export class ApiModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(),
        DatabaseModule,
        JobsModule.forRoot(),
        OrgModule,
        AuthModule,
        CaseworkModule,
        StatsModule,
        EvidenceModule,
        ReferralsModule,
      ],
      controllers: [
        AuthController,
        UsersController,
        JurisdictionsController,
        CasesController,
        AttachmentsController,
        AgenciesController,
        ReferralsController,
        ApprovalsController,
        AuditController,
        NotificationsController,
        StatsController,
        CalendarController,
        HealthController,
        MetricsController,
      ],
      providers: [HttpMetrics, MultipartUploads],
    };
  }
}
