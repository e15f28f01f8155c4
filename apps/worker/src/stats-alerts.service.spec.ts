import { Logger } from '@nestjs/common';
import type { AppConfig } from '@shouhu/config';
import type { AlertSweepOutcome, StatsAlertWatch } from '@shouhu/stats';
import { StatsAlertChecks } from './stats-alerts.service';

type Outcome = AlertSweepOutcome;

/** A stand-in for the watch (its own e2e test runs it against PostgreSQL): each checkAll waits until the test settles it. */
class ControlledWatch {
  calls = 0;
  private pending: { resolve: (o: Outcome) => void; reject: (e: unknown) => void }[] = [];

  checkAll(): Promise<Outcome> {
    this.calls += 1;
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  finish(o: Outcome): void {
    this.pending.shift()?.resolve(o);
  }

  fail(e: unknown): void {
    this.pending.shift()?.reject(e);
  }
}

const outcome = (raised: number, cleared = 0): Outcome => ({ districts: 2, failed: 0, raised, cleared, notified: raised });
const flush = () => new Promise((r) => setImmediate(r));

describe('the worker’s indicator alert checks', () => {
  let watch: ControlledWatch;
  let checks: StatsAlertChecks;

  beforeEach(() => {
    watch = new ControlledWatch();
    checks = new StatsAlertChecks(watch as unknown as StatsAlertWatch, { STATS_ALERT_CHECK_MS: 60_000 } as AppConfig);
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs one check at a time: a tick while one runs does nothing', async () => {
    const first = checks.tick();
    await expect(checks.tick()).resolves.toBeNull();
    expect(watch.calls).toBe(1);
    watch.finish(outcome(1));
    await expect(first).resolves.toEqual(outcome(1));
    // The next tick checks again.
    const second = checks.tick();
    expect(watch.calls).toBe(2);
    watch.finish(outcome(0));
    await expect(second).resolves.toEqual(outcome(0));
  });

  it('logs what a check changed, and a failure with the error’s safe fields only; the next tick tries again', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const quiet = checks.tick();
    watch.finish(outcome(0));
    await quiet;
    expect(log).not.toHaveBeenCalled();

    const raised = checks.tick();
    watch.finish(outcome(2, 1));
    await raised;
    expect(log).toHaveBeenCalledWith(expect.objectContaining({ msg: 'indicator alerts checked', raised: 2, cleared: 1, districts: 2 }));

    const failing = checks.tick();
    watch.fail(
      Object.assign(new Error('duplicate key: Key (name)=(张小明)'), { name: 'QueryFailedError', driverError: { code: '23505', table: 'stats_alert' } }),
    );
    await expect(failing).resolves.toBeNull();
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ msg: expect.stringContaining('failed'), error: expect.objectContaining({ code: '23505' }) }));
    expect(JSON.stringify(error.mock.calls)).not.toContain('张小明');
    const after = checks.tick();
    expect(watch.calls).toBe(4);
    watch.finish(outcome(0));
    await after;
  });

  it('checks every STATS_ALERT_CHECK_MS from start, not at once, and stops at shutdown after the running check', async () => {
    jest.useFakeTimers();
    try {
      checks.onApplicationBootstrap();
      expect(watch.calls).toBe(0);
      jest.advanceTimersByTime(59_999);
      expect(watch.calls).toBe(0);
      jest.advanceTimersByTime(1);
      expect(watch.calls).toBe(1);
      let stopped = false;
      const shutdown = checks.onApplicationShutdown().then(() => (stopped = true));
      await Promise.resolve();
      expect(stopped).toBe(false);
      watch.finish(outcome(0));
      jest.useRealTimers();
      await flush();
      await shutdown;
      expect(stopped).toBe(true);
      jest.useFakeTimers();
      jest.advanceTimersByTime(10 * 60_000);
      expect(watch.calls).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
