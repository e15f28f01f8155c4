import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '@shouhu/config';

/**
 * Options for a Redis connection. BullMQ workers need maxRetriesPerRequest null;
 * request-path clients fail fast instead of queueing commands while Redis is down.
 */
export function redisOptions(kind: 'request' | 'queue'): RedisOptions {
  return kind === 'queue'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, commandTimeout: 2000 };
}

/** The shared request-path Redis client (login throttling, health). */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.client = new Redis(config.REDIS_URL, { ...redisOptions('request'), lazyConnect: false });
    // Errors surface on the commands that fail; without a listener ioredis logs each retry.
    this.client.on('error', () => undefined);
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
