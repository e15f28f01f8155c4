import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { safeErrorFields } from '@shouhu/errors';
import { StatsService } from '@shouhu/stats';

/**
 * How often the worker folds the days the write path marked stale into the indicator rollups.
 * Freshness does not hang on it: an answer computes the newest marked days live (LIVE_DAYS), so
 * asOf stays the answer's time while fewer days than that wait. A busy day is marked again by
 * every write, and each fold recomputes it whole: folding every 2 s spent seconds of CPU a tick
 * on the bench's day of 100,000 breaches, taken from the breach sweeper.
 */
export const STATS_FOLD_EVERY_MS = 15_000;
/** At most this many batches per tick, so a backlog (a bulk load) never starves the timer. */
const MAX_ROUNDS_PER_TICK = 50;

/**
 * Keeps the indicator rollups current (issue 14, point 4): every STATS_FOLD_EVERY_MS, folds
 * the marked days into stats_rollup (StatsService.foldRollups, one connection at a time).
 * Safe in several workers at once: an advisory lock lets one of them fold, the others skip
 * the tick. A tick never overlaps the previous one of the same process. Nothing is lost
 * across restarts: the marks live in PostgreSQL until folded. The log says how many days
 * were folded, never a figure.
 */
@Injectable()
export class StatsRollupFolds implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StatsRollups');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number | null> | null = null;
  private stopping = false;

  constructor(private readonly stats: StatsService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), STATS_FOLD_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Folds until no marked day is left (or MAX_ROUNDS_PER_TICK batches); the days folded, or null when another process folds or it failed. */
  async tick(): Promise<number | null> {
    if (this.running) return null;
    const run = this.foldAll();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  private async foldAll(): Promise<number | null> {
    const started = Date.now();
    let days = 0;
    try {
      for (let round = 0; round < MAX_ROUNDS_PER_TICK && !this.stopping; round += 1) {
        const folded = await this.stats.foldRollups();
        if (!folded) return null;
        days += folded.days;
        if (!folded.more) break;
      }
      if (days > 0) this.logger.debug({ msg: 'indicator rollups folded', days, ms: Date.now() - started });
      return days;
    } catch (error: unknown) {
      this.logger.error({ msg: 'indicator rollup fold failed; the next tick tries again', error: safeErrorFields(error) });
      return null;
    }
  }
}
