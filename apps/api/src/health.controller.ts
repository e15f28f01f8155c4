import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@shouhu/auth';
import { AppConfig } from '@shouhu/config';
import { DependencyProbe } from '@shouhu/database';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { JobMonitor } from '@shouhu/jobs';
import { ErrorBody } from './http/error-body';

type Up = 'up' | 'down';
const UP_DOWN = ['up', 'down'];

export class LiveView {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

export class HealthView {
  @ApiProperty({ enum: ['ok', 'degraded'], description: 'degraded: Redis or the worker is down; the api keeps serving' }) status: 'ok' | 'degraded';
  @ApiProperty({ enum: UP_DOWN, description: 'PostgreSQL (always up in a 200)' }) db: Up;
  @ApiProperty({ enum: UP_DOWN, description: 'Redis: timers and login throttles' }) redis: Up;
  @ApiProperty({ enum: UP_DOWN, description: 'a worker wrote its heartbeat recently (deadlines fire only while one runs)' }) worker: Up;
}

/** The 503 of GET /api/health: the error body, naming each dependency. */
export class HealthDownBody extends ErrorBody {
  @ApiProperty({ enum: ['error'] }) status: 'error';
  @ApiProperty({ enum: ['down'] }) db: Up;
  @ApiProperty({ enum: UP_DOWN }) redis: Up;
  @ApiProperty({ enum: UP_DOWN }) worker: Up;
}

/**
 * PostgreSQL is the truth: without it the API cannot serve (503). Redis holds
 * only timers and throttles: without it the API keeps serving, degraded (timers
 * are re-armed by the reconciler, login falls back to an in-process throttle).
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  private readonly redisWaitMs: number;

  constructor(
    private readonly probe: DependencyProbe,
    private readonly jobs: JobMonitor,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.redisWaitMs = Math.max(config.REDIS_WAIT_MS, 500);
  }

  @Public()
  @Get('live')
  @ApiOperation({ summary: '存活 (liveness): 200 while the process runs; no dependency is asked' })
  @ApiOkResponse({ type: LiveView })
  live(): LiveView {
    return { status: 'ok' };
  }

  @Public()
  @Get()
  @ApiOperation({ summary: '就绪 (readiness): 200 ok or degraded (Redis or the worker down); 503 only when PostgreSQL is down' })
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ type: HealthDownBody, description: 'SERVICE_UNAVAILABLE: PostgreSQL is down (Retry-After: 5)' })
  async check(): Promise<HealthView> {
    const [db, redis, worker] = await Promise.all([this.database(), this.redisUp(), this.worker()]);
    if (db === 'down') {
      throw new DomainError(ErrorCode.ServiceUnavailable, 'db is down', [{ field: 'db', message: 'down' }], {
        extra: { status: 'error', db, redis, worker },
        headers: { 'Retry-After': '5' },
      });
    }
    return { status: redis === 'up' && worker === 'up' ? 'ok' : 'degraded', db, redis, worker };
  }

  private async database(): Promise<Up> {
    return (await this.probe.databaseUp(2000)) ? 'up' : 'down';
  }

  private async redisUp(): Promise<Up> {
    return (await this.probe.redisUp(this.redisWaitMs)) ? 'up' : 'down';
  }

  /** A worker wrote its heartbeat recently (deadlines fire only while one runs). */
  private async worker(): Promise<Up> {
    return (await this.jobs.workerAlive(this.redisWaitMs)) ? 'up' : 'down';
  }
}
