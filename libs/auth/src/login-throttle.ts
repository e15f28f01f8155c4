import { Injectable } from '@nestjs/common';
import { AppConfig } from '@shouhu/config';
import { RedisClient } from '@shouhu/database';
import { DomainError, ErrorCode } from '@shouhu/errors';

/**
 * Fixed-window login throttling in Redis, shared by every api replica:
 * attempts per client IP, failures per username. Redis down → 503 rather
 * than unthrottled password guessing.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  private key(kind: 'ip' | 'user', id: string): string {
    return `${this.config.QUEUE_PREFIX}:login:${kind}:${id}`;
  }

  /** Counts this attempt against the IP and refuses when the IP or the username is over its limit. */
  async admit(username: string, ip: string): Promise<void> {
    const window = this.config.LOGIN_THROTTLE_WINDOW_SECONDS;
    const ipKey = this.key('ip', ip);
    const userKey = this.key('user', username);
    const replies = await this.run(() =>
      this.redis.client.multi().incr(ipKey).expire(ipKey, window, 'NX').get(userKey).ttl(ipKey).ttl(userKey).exec(),
    );
    const ipCount = Number(replies?.[0]?.[1] ?? 0);
    const userFailures = Number(replies?.[2]?.[1] ?? 0);
    if (ipCount > this.config.LOGIN_MAX_ATTEMPTS_PER_IP) throw tooMany(Number(replies?.[3]?.[1] ?? window));
    if (userFailures >= this.config.LOGIN_MAX_FAILURES_PER_USERNAME) throw tooMany(Number(replies?.[4]?.[1] ?? window));
  }

  async recordFailure(username: string): Promise<void> {
    const userKey = this.key('user', username);
    await this.run(() => this.redis.client.multi().incr(userKey).expire(userKey, this.config.LOGIN_THROTTLE_WINDOW_SECONDS, 'NX').exec());
  }

  async recordSuccess(username: string): Promise<void> {
    await this.run(() => this.redis.client.del(this.key('user', username)));
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch {
      throw new DomainError(ErrorCode.ServiceUnavailable, 'login is unavailable: redis is down', [{ field: 'redis', message: 'down' }]);
    }
  }
}

function tooMany(retryAfterSeconds: number): DomainError {
  const seconds = Math.max(1, retryAfterSeconds);
  return new DomainError(ErrorCode.TooManyAttempts, `too many login attempts; try again in ${seconds} s`, [], { headers: { 'Retry-After': String(seconds) } });
}
