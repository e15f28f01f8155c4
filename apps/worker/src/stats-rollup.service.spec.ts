import type { DataSource } from 'typeorm';
import type { StatsService } from '@shouhu/stats';
import type { BreachSweeper } from './breach-sweeper.service';
import { FOLD_YIELD_TO_SWEEPS_MS, StatsRollupFolds } from './stats-rollup.service';

/** Stand-ins for the fold (its own e2e test runs it against PostgreSQL) and the sweeper (test/medium runs it): only when a tick folds is tested here. */
function folds(round: () => { days: number; more: boolean }, busy: () => boolean) {
  const stats = { foldRollups: jest.fn(async () => round()) };
  const asked: number[] = [];
  const sweeper = {
    breachedWithin: (ms: number) => {
      asked.push(ms);
      return busy();
    },
  };
  return { stats, asked, folds: new StatsRollupFolds(stats as unknown as StatsService, {} as DataSource, sweeper as unknown as BreachSweeper) };
}

describe('the worker’s indicator rollup folds', () => {
  it('wait while deadlines fall due, and fold once the sweeps are quiet', async () => {
    let busy = true;
    const t = folds(
      () => ({ days: 3, more: false }),
      () => busy,
    );
    expect(await t.folds.tick()).toBe(0);
    expect(t.stats.foldRollups).not.toHaveBeenCalled();
    expect(t.asked).toEqual([FOLD_YIELD_TO_SWEEPS_MS]);
    busy = false;
    expect(await t.folds.tick()).toBe(3);
    expect(t.stats.foldRollups).toHaveBeenCalledTimes(1);
  });

  it('stop between the rounds of a backlog once deadlines begin to fall due', async () => {
    let rounds = 0;
    const t = folds(
      () => {
        rounds += 1;
        return { days: 200, more: true };
      },
      () => rounds >= 2,
    );
    expect(await t.folds.tick()).toBe(400);
    expect(t.stats.foldRollups).toHaveBeenCalledTimes(2);
  });
});
