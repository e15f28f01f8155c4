import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@shouhu/config';
import { RedisClient, within } from '@shouhu/database';
import { DomainError, ErrorCode } from '@shouhu/errors';

/** Which counters an admitted attempt was counted in, so its outcome settles in the same place. */
export interface LoginTicket {
  store: 'redis' | 'memory';
  ipKey: string;
  userKey: string;
}

interface Counter {
  count: number;
  ttl: number;
}

interface Counts {
  ip: number;
  user: number;
  ipTtl: number;
  userTtl: number;
}

/** Decrements a counter only while it exists: a refund must not outlive its window as a key without expiry. */
const REFUND = `if redis.call('exists', KEYS[1]) == 1 then redis.call('decr', KEYS[1]) end return 1`;

/**
 * Fixed-window login throttling of failures per client IP and per username, in
 * Redis so every api replica shares it. Each attempt is counted when admitted (so
 * a burst of parallel guesses cannot all slip past the limit) and refunded when it
 * turns out not to be a failure (a wrong password needs nothing more: the count
 * stands). A successful login never counts against its address, where a street
 * office's thirty people share one NAT address.
 *
 * Redis down or slow (past REDIS_WAIT_MS) → the same limits, counted in
 * this process: logins keep working, and guessing stays throttled per replica.
 *
 * Every command touches one key (a MULTI or a script per counter): the address's and
 * the username's counters are independent, so they may live on different masters of a
 * Redis Cluster, and the key names are those of a single Redis.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly fallback = new MemoryCounters();
  private usingFallback = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  private key(kind: 'ip' | 'user', id: string): string {
    return `${this.config.QUEUE_PREFIX}:login:${kind}:${id}`;
  }

  /** Counts this attempt and refuses (429) when the address or the username is over its limit. */
  async admit(username: string, ip: string): Promise<LoginTicket> {
    const window = this.config.LOGIN_THROTTLE_WINDOW_SECONDS;
    const ipKey = this.key('ip', ip);
    const userKey = this.key('user', username);
    let ticket: LoginTicket;
    let counts: Counts;
    try {
      const [ip, user] = await this.bounded(this.countBoth(ipKey, userKey, window));
      counts = { ip: ip.count, user: user.count, ipTtl: ip.ttl, userTtl: user.ttl };
      ticket = { store: 'redis', ipKey, userKey };
      this.redisAnswered();
    } catch {
      this.redisFailed();
      const ipCount = this.fallback.incr(ipKey, window);
      const userCount = this.fallback.incr(userKey, window);
      counts = { ip: ipCount.count, user: userCount.count, ipTtl: ipCount.ttl, userTtl: userCount.ttl };
      ticket = { store: 'memory', ipKey, userKey };
    }
    // Counted before the check: the address's count includes this attempt.
    const ipOver = counts.ip > this.config.LOGIN_MAX_ATTEMPTS_PER_IP;
    const userOver = counts.user > this.config.LOGIN_MAX_FAILURES_PER_USERNAME;
    if (ipOver || userOver) {
      // A refused attempt is no failure: it must not extend anyone's lockout.
      await this.release(ticket);
      throw tooMany(ipOver ? counts.ipTtl : counts.userTtl, window);
    }
    return ticket;
  }

  /** The credentials were right: forget the username's failures and refund the address's count. */
  async succeeded(ticket: LoginTicket): Promise<void> {
    if (ticket.store === 'memory') {
      this.fallback.delete(ticket.userKey);
      this.fallback.refund(ticket.ipKey);
      return;
    }
    await this.quietly(Promise.all([this.redis.client.del(ticket.userKey), this.refund(ticket.ipKey)]));
  }

  /** The attempt ended without a verdict on the password (e.g. the database was down): it counts as nothing. */
  async release(ticket: LoginTicket): Promise<void> {
    if (ticket.store === 'memory') {
      this.fallback.refund(ticket.ipKey);
      this.fallback.refund(ticket.userKey);
      return;
    }
    await this.quietly(Promise.all([this.refund(ticket.ipKey), this.refund(ticket.userKey)]));
  }

  /**
   * Counts the attempt against both counters (each its own transaction). When only one of
   * them answered, that count is refunded (best effort) and the attempt falls back whole.
   */
  private async countBoth(ipKey: string, userKey: string, window: number): Promise<[Counter, Counter]> {
    const [ip, user] = await Promise.allSettled([this.count(ipKey, window), this.count(userKey, window)]);
    if (ip.status === 'fulfilled' && user.status === 'fulfilled') return [ip.value, user.value];
    if (ip.status === 'fulfilled') void this.quietly(this.refund(ipKey));
    if (user.status === 'fulfilled') void this.quietly(this.refund(userKey));
    throw new Error('login throttle: a counter did not answer');
  }

  /** One fixed-window counter: INCR, the window's expiry set by the first count, and the seconds left. */
  private async count(key: string, window: number): Promise<Counter> {
    const replies = await this.redis.client.multi().incr(key).expire(key, window, 'NX').ttl(key).exec();
    if (!replies || replies.some(([error]) => error)) throw new Error('login throttle: a command failed');
    return { count: Number(replies[0][1]), ttl: Number(replies[2][1]) };
  }

  private refund(key: string): Promise<unknown> {
    return this.redis.client.eval(REFUND, 1, key);
  }

  /** A refund that Redis misses leaves the attempt counted: the safe side. */
  private async quietly(command: Promise<unknown>): Promise<void> {
    try {
      await this.bounded(command);
    } catch {
      this.redisFailed();
    }
  }

  private bounded<T>(command: Promise<T>): Promise<T> {
    return within(this.config.REDIS_WAIT_MS, command);
  }

  private redisFailed(): void {
    if (this.usingFallback) return;
    this.usingFallback = true;
    this.logger.warn('redis is unreachable: login throttling falls back to this process’s own counters');
  }

  private redisAnswered(): void {
    if (!this.usingFallback) return;
    this.usingFallback = false;
    this.logger.log('redis answers again: login throttling is shared across replicas again');
  }
}

/**
 * Fixed-window counters in this process's memory, the stand-in while Redis is
 * unreachable. Bounded: past `maxKeys` the expired ones go first, then the oldest.
 */
export class MemoryCounters {
  private readonly counters = new Map<string, { count: number; expiresAt: number }>();

  constructor(
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds one; the window starts with the first count. Answers the count and the seconds left. */
  incr(key: string, windowSeconds: number): { count: number; ttl: number } {
    const now = this.now();
    let entry = this.live(key, now);
    if (!entry) {
      if (this.counters.size >= this.maxKeys) this.prune(now);
      entry = { count: 0, expiresAt: now + windowSeconds * 1000 };
      this.counters.set(key, entry);
    }
    entry.count += 1;
    return { count: entry.count, ttl: Math.ceil((entry.expiresAt - now) / 1000) };
  }

  refund(key: string): void {
    const entry = this.live(key, this.now());
    if (entry && entry.count > 0) entry.count -= 1;
  }

  delete(key: string): void {
    this.counters.delete(key);
  }

  get size(): number {
    return this.counters.size;
  }

  private live(key: string, now: number) {
    const entry = this.counters.get(key);
    if (entry && entry.expiresAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune(now: number): void {
    for (const [key, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(key);
    // Still full: drop the oldest windows (Map keeps insertion order).
    for (const key of this.counters.keys()) {
      if (this.counters.size < this.maxKeys) break;
      this.counters.delete(key);
    }
  }
}

function tooMany(ttlSeconds: number, window: number): DomainError {
  // TTL is -1 or -2 when the key has no expiry or is gone: fall back to the whole window.
  const seconds = ttlSeconds > 0 ? ttlSeconds : window;
  return new DomainError(ErrorCode.TooManyAttempts, `too many login attempts; try again in ${seconds} s`, [], { headers: { 'Retry-After': String(seconds) } });
}
