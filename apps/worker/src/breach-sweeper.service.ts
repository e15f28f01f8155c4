import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { safeErrorFields } from '@shouhu/errors';
import { EscalationService, SWEEP_SLOTS } from '@shouhu/deadlines';

/** Longest sleep between two sweeps while nothing is due (a deadline filed meanwhile is due, or owes its reminder, in minutes at the least). */
export const SWEEP_POLL_MS = 200;
/** Shortest pause between two sweeps while deadlines keep falling due: each sweep then takes what fell due meanwhile in one transaction. */
export const SWEEP_MIN_PAUSE_MS = 20;
/** Pause after a failed sweep (the database away): the next one tries again. */
export const SWEEP_ERROR_PAUSE_MS = 1000;
/**
 * Sweep loops per worker process: as many as sweeps may run at once database-wide (SWEEP_SLOTS,
 * two), so that one worker alone fills them: while one loop waits on its statements or its
 * after-commit work (notifications delivered, second-stage timers armed), the other sweeps
 * on a second connection (the database writes of a sweep then use two cores, not one).
 * With more workers, a loop that finds every slot held pauses SWEEP_MIN_PAUSE_MS and tries again.
 */
export const SWEEP_LOOPS = SWEEP_SLOTS;

/**
 * The breach sweeper: in each worker process, SWEEP_LOOPS loops that send every reminder that fell due
 * (EscalationService.remindDue) and breach every due pending deadline (EscalationService.breachDue),
 * in batches of one transaction each, then sleep until the next deadline falls due or owes its reminder
 * (read from the rows, at most SWEEP_POLL_MS, at least SWEEP_MIN_PAUSE_MS), or until a due timer wakes
 * them. Reminders and due deadlines have no timer of their own: only a due timer armed by an
 * older version still fires, and wakes the loops. A full batch is followed by the next at once.
 * Several workers sweep side by side: the rows each takes are locked with SKIP LOCKED, so none is taken twice.
 * The log says how a sweep failed (the error's safe fields), never what a case holds.
 */
@Injectable()
export class BreachSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BreachSweeper');
  private stopped = true;
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  /** When a sweep of this process last breached a deadline, or found every sweep slot held by others' (0: never). */
  private lastSweepingAt = 0;

  constructor(private readonly escalation: EscalationService) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.loops = Array.from({ length: SWEEP_LOOPS }, () => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Whether the loops run (due timers then hand their deadline to them). */
  get running(): boolean {
    return !this.stopped;
  }

  /**
   * Whether deadlines were falling due within the last `ms`, and background work should wait: a sweep of this process
   * breached one, or found every sweep slot held by other processes' sweeps. With two workers, one of them often holds
   * both slots through a wave of breaches; the other, breaching nothing itself, folded the rollups meanwhile (a fold of
   * the wave's day, taking a database core from the sweeps: lateness p99 4.5 s in the bench).
   */
  sweepingWithin(ms: number): boolean {
    return this.lastSweepingAt > 0 && Date.now() - this.lastSweepingAt < ms;
  }

  /** Shortens the current sleep to the shortest pause (a due timer fired for a deadline the sweeper may not know of yet). */
  wake(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let pause: number;
      try {
        const reminded = await this.escalation.remindDue();
        if (reminded.more) continue;
        const swept = await this.escalation.breachDue();
        if (swept.breached > 0 || swept.busy) this.lastSweepingAt = Date.now();
        if (swept.more) continue;
        if (swept.busy || reminded.busy) {
          // Other sweeps hold every slot: they take what is due; look again shortly, should one end.
          if (!this.stopped) await this.sleep(SWEEP_MIN_PAUSE_MS);
          continue;
        }
        const ms = await this.escalation.msUntilNextDue();
        pause = ms === null ? SWEEP_POLL_MS : Math.min(SWEEP_POLL_MS, Math.max(SWEEP_MIN_PAUSE_MS, Math.ceil(ms)));
      } catch (error) {
        this.logger.error({ msg: 'breach sweep failed; the next sweep tries again', error: safeErrorFields(error) });
        pause = SWEEP_ERROR_PAUSE_MS;
      }
      if (!this.stopped) await this.sleep(pause);
    }
  }

  /** Sleeps `ms`; a wake ends it SWEEP_MIN_PAUSE_MS after it began (at once if that has passed), a shutdown at once. */
  private sleep(ms: number): Promise<void> {
    const began = Date.now();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const wake = () => {
        this.wakers.delete(wake);
        clearTimeout(timer);
        timer = setTimeout(done, this.stopped ? 0 : Math.max(0, began + SWEEP_MIN_PAUSE_MS - Date.now()));
      };
      this.wakers.add(wake);
      timer = setTimeout(done, ms);
    });
  }
}
