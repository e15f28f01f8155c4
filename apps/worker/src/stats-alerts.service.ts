import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@shouhu/config';
import { safeErrorFields } from '@shouhu/errors';
import { AlertSweepOutcome, StatsAlertWatch } from '@shouhu/stats';

/**
 * Checks every district's indicator alerts every STATS_ALERT_CHECK_MS (the first check
 * one interval after start). Each worker process runs its own timer: the check itself
 * is safe to run in several at once (StatsAlertWatch locks each district and tells
 * district staff of a new alert once), and nothing is lost across restarts because
 * the open alerts live in PostgreSQL. A check never overlaps the previous one of the
 * same process. The log says what a check did, never what a district's figures are.
 */
@Injectable()
export class StatsAlertChecks implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StatsAlerts');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly watch: StatsAlertWatch,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.STATS_ALERT_CHECK_MS);
    // The timer alone does not keep the process alive; the queue connections do.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One check of every district, unless the previous one is still running. Failures are logged, and the next tick tries again. */
  async tick(): Promise<AlertSweepOutcome | null> {
    if (this.running) return null;
    const started = Date.now();
    const run = this.watch.checkAll().then(
      (outcome) => {
        if (outcome.raised || outcome.cleared || outcome.failed) this.logger.log({ msg: 'indicator alerts checked', ...outcome, ms: Date.now() - started });
        return outcome;
      },
      (error: unknown) => {
        this.logger.error({ msg: 'indicator alert check failed; the next check tries again', error: safeErrorFields(error) });
        return null;
      },
    );
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }
}
