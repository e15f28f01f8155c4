import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { safeErrorFields } from '@shouhu/errors';
import { FOLD_LOCK, StatsService } from '@shouhu/stats';
import { BreachSweeper } from './breach-sweeper.service';

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
 * The rollups wait while deadlines fall due: no fold round begins while this process's breach sweeper
 * breached a deadline, or found the sweep slots held by other workers' sweeps, within this long
 * (BreachSweeper.sweepingWithin). A day's fold recomputes the day whole, and the breaches mark
 * their cases' days again and again; at 100,000 deadlines due within a minute, folds of 8 s each took
 * one of the database's two cores from the sweeps for the whole minute (the statement log showed them).
 * The indicators stay current meanwhile: an answer computes the marked days live (LIVE_DAYS).
 */
export const FOLD_YIELD_TO_SWEEPS_MS = 5_000;
/**
 * After a tick that folded every marked day in T ms, the next fold waits FOLD_REST_FACTOR × T (at most
 * FOLD_REST_MAX_MS), so that the folds take about a tenth of the time, whatever a day holds: a busy day is
 * marked again by every write, and each fold recomputes it whole (8 s a fold, every 15 s, on the bench's
 * day of 150,000 filings: half of a database core, taken from the filings); a fold that fails rests the
 * same. The figures stay current meanwhile (an answer computes the newest LIVE_DAYS marked days live);
 * a fold does not wait while some district has more marked days than that
 * (StatsService.rollupsBacklogged), nor after a round that left marks behind. A real district's day
 * folds in milliseconds: its folds keep to STATS_FOLD_EVERY_MS.
 */
export const FOLD_REST_FACTOR = 9;
export const FOLD_REST_MAX_MS = 60_000;
/**
 * How long a shutdown waits for a fold whose statement it cancelled: a day's fold ran up to its 30 s
 * statement timeout under the fault campaign's load, and the worker must exit within 10 s of SIGTERM
 * (RELIABILITY.md). A cancelled fold rolls back; its day stays marked for the next one.
 */
export const STATS_FOLD_SHUTDOWN_WAIT_MS = 1000;

/**
 * Keeps the indicator rollups current (issue 14, point 4): every STATS_FOLD_EVERY_MS, folds
 * the marked days into stats_rollup (StatsService.foldRollups, one connection at a time).
 * Safe in several workers at once: an advisory lock lets one of them fold, the others skip
 * the tick. A tick never overlaps the previous one of the same process. Nothing is lost
 * across restarts: the marks live in PostgreSQL until folded. The log says how many days
 * were folded, never a figure.
 */
@Injectable()
export class StatsRollupFolds implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('StatsRollups');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number | null> | null = null;
  private stopping = false;
  /** No fold before this instant (ms), unless the marks are backlogged (FOLD_REST_FACTOR). */
  private restUntil = 0;

  constructor(
    private readonly stats: StatsService,
    private readonly db: DataSource,
    private readonly sweeper: BreachSweeper,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), STATS_FOLD_EVERY_MS);
    this.timer.unref();
  }

  /**
   * First thing at shutdown (the connections close later, in onApplicationShutdown): a fold still running has its statement
   * cancelled (then waited for at most STATS_FOLD_SHUTDOWN_WAIT_MS), through the fold lock's holder (a fold runs only while its session holds the lock; should
   * another worker hold it meanwhile, its round fails the same harmless way and its next tick folds).
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const running = this.running;
    if (!running) return;
    const wait = () => new Promise<false>((resolve) => setTimeout(() => resolve(false), STATS_FOLD_SHUTDOWN_WAIT_MS).unref());
    await this.db
      .query(`SELECT pg_cancel_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1::oid AND objsubid = 1`, [
        FOLD_LOCK,
      ])
      .catch(() => undefined);
    await Promise.race([running, wait()]);
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
    if (Date.now() < this.restUntil && !(await this.stats.rollupsBacklogged().catch(() => true))) return 0;
    const run = this.foldAll();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  /** No fold before FOLD_REST_FACTOR × the time since `started` has passed again (at most FOLD_REST_MAX_MS). */
  private restAfter(started: number): void {
    this.restUntil = Date.now() + Math.min(FOLD_REST_MAX_MS, FOLD_REST_FACTOR * (Date.now() - started));
  }

  private async foldAll(): Promise<number | null> {
    const started = Date.now();
    let days = 0;
    try {
      // Asked before each day (a day's fold takes seconds at volume), not only before each round.
      const pause = () => this.stopping || this.sweeper.sweepingWithin(FOLD_YIELD_TO_SWEEPS_MS);
      for (let round = 0; round < MAX_ROUNDS_PER_TICK && !this.stopping; round += 1) {
        if (pause()) {
          this.logger.debug({ msg: 'indicator rollups wait: deadlines are falling due', days });
          break;
        }
        const folded = await this.stats.foldRollups(undefined, pause);
        if (!folded) return null;
        days += folded.days;
        if (!folded.more) {
          // Every mark folded: rest in proportion to what the fold cost.
          if (folded.days > 0) this.restAfter(started);
          break;
        }
      }
      if (days > 0) this.logger.debug({ msg: 'indicator rollups folded', days, ms: Date.now() - started });
      return days;
    } catch (error: unknown) {
      // A failed fold rests as one of its cost would: a day's fold that ran into its statement timeout
      // (30 s, under the bench's filings at 32 connections) was retried every tick, taking a database
      // core from the writes for as long as the day stayed that large.
      this.restAfter(started);
      this.logger.error({ msg: 'indicator rollup fold failed; a later tick tries again', error: safeErrorFields(error) });
      return null;
    }
  }
}
