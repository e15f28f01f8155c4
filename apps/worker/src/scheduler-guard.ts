import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { safeErrorFields } from '@shouhu/errors';

/**
 * How often each worker checks that its job schedulers still exist in Redis. A scheduler lives only
 * in Redis: a FLUSHALL, a Redis restored without its data or a failover to an empty replica loses it,
 * and nothing else re-creates it before a worker restarts (the fault campaign, RELIABILITY.md: the
 * reconciler and the heartbeat stopped for good after a FLUSHALL). Well under the reconciler's
 * period, so the timers are rebuilt within one period of Redis coming back.
 */
export const SCHEDULER_CHECK_MS = 10_000;

/**
 * Keeps one job scheduler in Redis: `ensure()` re-creates it when it is missing (upsert is idempotent
 * across workers; a new scheduler also runs its job at once). One check at a time: while Redis is away
 * the check waits on the queue's connection, and the next ones are skipped instead of piling up.
 */
export class SchedulerGuard {
  private readonly logger = new Logger('SchedulerGuard');
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly queue: Queue,
    private readonly schedulerId: string,
    private readonly upsert: () => Promise<unknown>,
  ) {}

  /** Checks every SCHEDULER_CHECK_MS (the timer does not keep the process alive). */
  start(): void {
    this.timer ??= setInterval(() => void this.ensure(), SCHEDULER_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-creates the scheduler when Redis no longer has it; true when it did. */
  async ensure(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      if (await this.queue.getJobScheduler(this.schedulerId)) return false;
      await this.upsert();
      this.logger.warn(`job scheduler ${this.schedulerId} was missing from Redis: re-created`);
      return true;
    } catch (error) {
      this.logger.warn({ msg: `could not check job scheduler ${this.schedulerId}; the next check tries again`, error: safeErrorFields(error) });
      return false;
    } finally {
      this.busy = false;
    }
  }
}
