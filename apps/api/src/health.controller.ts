import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '@shouhu/auth';
import { AppConfig } from '@shouhu/config';
import { RedisClient } from '@shouhu/database';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { HEARTBEAT_STALE_MS, heartbeatKey } from '@shouhu/jobs';

type Up = 'up' | 'down';

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness of PostgreSQL and Redis; 503 names what is down. `worker` is informational.' })
  @ApiOkResponse({ schema: { example: { status: 'ok', db: 'up', redis: 'up', worker: 'up' } } })
  @ApiServiceUnavailableResponse({ description: 'SERVICE_UNAVAILABLE with db/redis: "down"' })
  async check(): Promise<{ status: 'ok'; db: Up; redis: Up; worker: Up }> {
    const [db, redis, worker] = await Promise.all([this.database(), this.redisUp(), this.worker()]);
    if (db === 'down' || redis === 'down') {
      const down = [db === 'down' && 'db', redis === 'down' && 'redis'].filter((x): x is string => Boolean(x));
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`,
        down.map((field) => ({ field, message: 'down' })),
        { extra: { status: 'error', db, redis, worker } },
      );
    }
    return { status: 'ok', db, redis, worker };
  }

  private async database(): Promise<Up> {
    try {
      await within(2000, this.db.query('SELECT 1'));
      return 'up';
    } catch {
      return 'down';
    }
  }

  private async redisUp(): Promise<Up> {
    try {
      return (await within(2000, this.redis.client.ping())) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  /** A worker wrote its heartbeat recently (deadlines fire only while one runs). */
  private async worker(): Promise<Up> {
    try {
      const at = await within(2000, this.redis.client.get(heartbeatKey(this.config.QUEUE_PREFIX)));
      return at !== null && Date.now() - Number(at) < HEARTBEAT_STALE_MS ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }
}
