import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { StatsService } from '@shouhu/stats';
import type { BreachSweeper } from './breach-sweeper.service';
import { FOLD_REST_FACTOR, FOLD_REST_MAX_MS, FOLD_YIELD_TO_SWEEPS_MS, StatsRollupFolds } from './stats-rollup.service';

/** Stand-ins for the fold (its own e2e test runs it against PostgreSQL) and the sweeper (test/medium runs it): only when a tick folds is tested here. */
function folds(round: () => { days: number; more: boolean }, busy: () => boolean, backlogged = () => false) {
  const stats = { foldRollups: jest.fn(async () => round()), rollupsBacklogged: jest.fn(async () => backlogged()) };
  const asked: number[] = [];
  const sweeper = {
    sweepingWithin: (ms: number) => {
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

  describe('rest after a fold in proportion to its cost', () => {
    let now = 1_000_000;
    beforeEach(() => {
      now = 1_000_000;
      jest.spyOn(Date, 'now').mockImplementation(() => now);
    });
    afterEach(() => jest.restoreAllMocks());

    it('a fold of 1 s: no other for FOLD_REST_FACTOR s, unless the marks are backlogged; then folds again', async () => {
      let backlogged = false;
      const t = folds(
        () => {
          now += 1000;
          return { days: 1, more: false };
        },
        () => false,
        () => backlogged,
      );
      expect(await t.folds.tick()).toBe(1);
      now += FOLD_REST_FACTOR * 1000 - 1;
      expect(await t.folds.tick()).toBe(0);
      expect(t.stats.foldRollups).toHaveBeenCalledTimes(1);
      expect(t.stats.rollupsBacklogged).toHaveBeenCalledTimes(1);
      // More marked days than an answer computes live: the fold does not wait.
      backlogged = true;
      expect(await t.folds.tick()).toBe(1);
      backlogged = false;
      now += FOLD_REST_FACTOR * 1000;
      expect(await t.folds.tick()).toBe(1);
      expect(t.stats.foldRollups).toHaveBeenCalledTimes(3);
    });

    it('a fold that fails (its statement ran into the timeout) rests as a fold of its cost, instead of running again next tick', async () => {
      let fail = true;
      const t = folds(
        () => {
          now += 30_000;
          if (fail) throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
          return { days: 1, more: false };
        },
        () => false,
      );
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      expect(await t.folds.tick()).toBeNull();
      now += FOLD_REST_MAX_MS - 1;
      expect(await t.folds.tick()).toBe(0);
      expect(t.stats.foldRollups).toHaveBeenCalledTimes(1);
      now += 1;
      fail = false;
      expect(await t.folds.tick()).toBe(1);
      expect(t.stats.foldRollups).toHaveBeenCalledTimes(2);
    });

    it('rests at most FOLD_REST_MAX_MS; not after a tick that folded nothing or left marks behind', async () => {
      let cost = 60_000;
      let result = { days: 1, more: false };
      let busy = false;
      const t = folds(
        () => {
          now += cost;
          if (result.more) busy = true;
          return result;
        },
        () => busy,
      );
      expect(await t.folds.tick()).toBe(1);
      now += FOLD_REST_MAX_MS - 1;
      expect(await t.folds.tick()).toBe(0);
      expect(t.stats.foldRollups).toHaveBeenCalledTimes(1);
      now += 1;
      // Nothing was marked: no rest.
      cost = 5000;
      result = { days: 0, more: false };
      expect(await t.folds.tick()).toBe(0);
      expect(await t.folds.tick()).toBe(0);
      expect(t.stats.foldRollups).toHaveBeenCalledTimes(3);
      // A round cut short (deadlines began to fall due) leaves marks: once the sweeps are quiet, the next tick folds at once.
      result = { days: 200, more: true };
      expect(await t.folds.tick()).toBe(200);
      busy = false;
      result = { days: 5, more: false };
      expect(await t.folds.tick()).toBe(5);
      expect(t.stats.foldRollups).toHaveBeenCalledTimes(5);
    });
  });
});
