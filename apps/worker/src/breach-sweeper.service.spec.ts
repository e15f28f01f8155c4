import type { EscalationService } from '@shouhu/deadlines';
import { BreachSweeper } from './breach-sweeper.service';

/**
 * When the sweeper says deadlines are falling due (the rollup folds wait then). A stand-in for the escalation service
 * answers its sweeps: the sweeps themselves run against PostgreSQL in test/medium/deadline-sweeper.medium-spec.ts.
 */
function sweeperAnswering(breach: () => { claimed: number; breached: number; more: boolean; busy?: boolean }) {
  let sweeps = 0;
  const escalation = {
    remindDue: jest.fn(async () => ({ claimed: 0, reminded: 0, more: false })),
    breachDue: jest.fn(async () => {
      sweeps += 1;
      return breach();
    }),
    msUntilNextDue: jest.fn(async () => null),
  };
  return { sweeper: new BreachSweeper(escalation as unknown as EscalationService), sweeps: () => sweeps };
}

async function untilSweeps(count: () => number, n: number): Promise<void> {
  const until = Date.now() + 5_000;
  while (count() < n) {
    if (Date.now() > until) throw new Error(`fewer than ${n} sweeps in 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the breach sweeper says whether deadlines are falling due', () => {
  it('not while its sweeps find nothing due', async () => {
    const t = sweeperAnswering(() => ({ claimed: 0, breached: 0, more: false }));
    t.sweeper.onApplicationBootstrap();
    try {
      await untilSweeps(t.sweeps, 4);
      expect(t.sweeper.sweepingWithin(60_000)).toBe(false);
    } finally {
      await t.sweeper.onApplicationShutdown();
    }
  });

  it('once a sweep of its own breached one', async () => {
    let breached = 0;
    const t = sweeperAnswering(() => ({ claimed: breached, breached, more: false }));
    t.sweeper.onApplicationBootstrap();
    try {
      await untilSweeps(t.sweeps, 2);
      expect(t.sweeper.sweepingWithin(60_000)).toBe(false);
      breached = 3;
      const seen = t.sweeps();
      await untilSweeps(t.sweeps, seen + 2);
      expect(t.sweeper.sweepingWithin(60_000)).toBe(true);
    } finally {
      await t.sweeper.onApplicationShutdown();
    }
  });

  it('once its sweeps find every slot held by other workers’ sweeps, though it breaches none itself', async () => {
    const t = sweeperAnswering(() => ({ claimed: 0, breached: 0, more: false, busy: true }));
    t.sweeper.onApplicationBootstrap();
    try {
      await untilSweeps(t.sweeps, 2);
      expect(t.sweeper.sweepingWithin(60_000)).toBe(true);
      expect(t.sweeper.sweepingWithin(0)).toBe(false);
    } finally {
      await t.sweeper.onApplicationShutdown();
    }
  });
});
