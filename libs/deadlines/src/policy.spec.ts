import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPolicy, DEFAULT_POLICY, DeadlineKind, loadPolicy, PolicyError, RISKS, SlaCalculator, SlaPolicy } from './policy';

/**
 * The SLA arithmetic of domain.md §6–7 with explicit instants: every `from` is a
 * fixed date, so nothing here depends on the clock.
 */
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-03-02T01:00:00.000Z');
const at = (ms: number, from = T0) => new Date(from.getTime() + ms);

const real = new SlaCalculator(buildPolicy(), 1);

/** Expects fn to throw a PolicyError whose message names `path`. */
function expectPolicyError(fn: () => unknown, path: string | RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PolicyError);
  expect((thrown as Error).message).toMatch(typeof path === 'string' ? new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : path);
}

describe('SlaCalculator: fixed windows (domain.md §6)', () => {
  it.each([
    ['R1', 1],
    ['R2', 4],
    ['R3', 24],
    ['R4', 72],
  ] as const)('accept_report %s falls due %i h after submission', (risk, hours) => {
    const due = real.due(DeadlineKind.AcceptReport, risk, T0);
    expect(due?.dueAt).toEqual(at(hours * HOUR));
    expect(real.windowMs(DeadlineKind.AcceptReport, risk)).toBe(hours * HOUR);
  });

  it.each([
    ['R1', 1],
    ['R2', 4],
    ['R3', 24],
    ['R4', 72],
  ] as const)('the accept_report reminder of %s goes out at 75%% of the window', (risk, hours) => {
    const due = real.due(DeadlineKind.AcceptReport, risk, T0);
    expect(due?.remindAt).toEqual(at(0.75 * hours * HOUR));
    expect(due!.remindAt.getTime()).toBeLessThan(due!.dueAt.getTime());
  });

  it('the other steps have the windows of the table', () => {
    const hoursOf = (kind: Parameters<SlaCalculator['windowMs']>[0]) => RISKS.map((r) => real.windowMs(kind, r)).map((w) => (w === null ? null : w / HOUR));
    expect(hoursOf(DeadlineKind.Assessment)).toEqual([24, 72, 168, 360]);
    expect(hoursOf(DeadlineKind.StartPlan)).toEqual([48, 48, 120, 120]);
    expect(hoursOf(DeadlineKind.PoliceFeedback)).toEqual([72, 72, 72, 72]);
    expect(hoursOf(DeadlineKind.Decision)).toEqual([72, 72, 120, 120]);
  });

  it('police_report exists only for R1 (1 h) and R2 (24 h)', () => {
    expect(real.due(DeadlineKind.PoliceReport, 'R1', T0)).toEqual({ dueAt: at(HOUR), remindAt: at(0.75 * HOUR) });
    expect(real.due(DeadlineKind.PoliceReport, 'R2', T0)).toEqual({ dueAt: at(DAY), remindAt: at(18 * HOUR) });
    expect(real.due(DeadlineKind.PoliceReport, 'R3', T0)).toBeNull();
    expect(real.due(DeadlineKind.PoliceReport, 'R4', T0)).toBeNull();
    expect(real.windowMs(DeadlineKind.PoliceReport, 'R3')).toBeNull();
  });

  it('SLA_TIME_SCALE 0.0001 turns 24 h into 8.64 s (and scales the reminder with it)', () => {
    const fast = new SlaCalculator(buildPolicy(), 0.0001);
    expect(fast.windowMs(DeadlineKind.AcceptReport, 'R3')).toBeCloseTo(8640, 6);
    const due = fast.due(DeadlineKind.AcceptReport, 'R3', T0);
    expect(due?.dueAt).toEqual(at(8640));
    expect(due?.remindAt).toEqual(at(6480));
    expect(fast.due(DeadlineKind.AcceptReport, 'R1', T0)?.dueAt).toEqual(at(360));
  });

  it('span() puts the reminder at 75% between any start and due time, and never before the start', () => {
    expect(real.span(T0, at(10 * DAY))).toEqual({ dueAt: at(10 * DAY), remindAt: at(7.5 * DAY) });
    // A due time already past: the reminder is the start itself.
    expect(real.span(T0, at(-HOUR))).toEqual({ dueAt: at(-HOUR), remindAt: T0 });
  });

  it('the second stage comes one first window after the breach, at least one scaled second', () => {
    expect(real.secondStageMs(HOUR)).toBe(HOUR);
    expect(real.secondStageMs(0)).toBe(1000);
    const fast = new SlaCalculator(buildPolicy(), 0.0005);
    expect(fast.secondStageMs(1800)).toBe(1800);
    expect(fast.secondStageMs(0)).toBeCloseTo(0.5, 6);
    const half = new SlaCalculator(buildPolicy({ secondStageFraction: 0.5 }), 1);
    expect(half.secondStageMs(4 * HOUR)).toBe(2 * HOUR);
  });
});

describe('SlaCalculator.nextVisitDue (domain.md §7)', () => {
  const start = T0;
  const base = { followUpStartedAt: start, lastVisitAt: null as Date | null, categories: ['N04'], warningLetterAt: null as Date | null };
  /** Day offsets from the start of follow-up of visits number 0..n-1, with no visit yet recorded after. */
  const schedule = (calc: SlaCalculator, risk: (typeof RISKS)[number], n: number, categories = ['N04']) =>
    Array.from({ length: n }, (_, visitsDone) => {
      const due = calc.nextVisitDue({ ...base, risk, visitsDone, categories });
      return due === null ? null : (due.getTime() - start.getTime()) / DAY;
    });

  it('R1: days 1, 3, 7, then weekly to day 30, then every 2 weeks to 3 months', () => {
    expect(schedule(real, 'R1', 10)).toEqual([1, 3, 7, 14, 21, 28, 42, 56, 70, 84]);
    // After three months: the policy's thenEveryDays.
    expect(schedule(real, 'R1', 12).slice(10)).toEqual([84 + 30, 84 + 60]);
  });

  it('R2: weekly for a month, then monthly to 6 months', () => {
    const days = schedule(real, 'R2', 9);
    expect(days.slice(0, 4)).toEqual([7, 14, 21, 28]);
    expect(days.slice(4)).toEqual([60, 90, 120, 150, 180]);
  });

  it('R3: monthly for 6 months, then quarterly', () => {
    expect(schedule(real, 'R3', 8)).toEqual([30, 60, 90, 120, 150, 180, 270, 360]);
  });

  it('R4: quarterly', () => {
    expect(schedule(real, 'R4', 3)).toEqual([90, 180, 270]);
  });

  it('D02 and N03 children are visited at least monthly, counted from the last visit', () => {
    expect(schedule(real, 'R4', 1, ['D02'])).toEqual([30]);
    expect(schedule(real, 'R4', 1, ['N03', 'D05'])).toEqual([30]);
    expect(schedule(real, 'R4', 1, ['D05'])).toEqual([90]);
    // After a visit on day 40, R4's second visit (day 180) is tightened to day 70.
    const lastVisitAt = at(40 * DAY);
    expect(real.nextVisitDue({ ...base, risk: 'R4', visitsDone: 1, lastVisitAt, categories: ['D02'] })).toEqual(at(70 * DAY));
    // A schedule already tighter than the cap keeps its own date (R1 day 3).
    expect(real.nextVisitDue({ ...base, risk: 'R1', visitsDone: 1, lastVisitAt: at(DAY), categories: ['D02'] })).toEqual(at(3 * DAY));
  });

  it('after a warning letter: a visit within 7 days, then monthly for 3 months', () => {
    const letter = at(2 * DAY);
    const next = (lastVisitAt: Date | null, visitsDone = 0) => real.nextVisitDue({ ...base, risk: 'R4', visitsDone, lastVisitAt, warningLetterAt: letter });
    // No visit since the letter: within 7 days of it.
    expect(next(null)).toEqual(at(7 * DAY, letter));
    // A visit before the letter does not count for it.
    expect(next(at(DAY))).toEqual(at(7 * DAY, letter));
    // The 7-day visit done on day 7 after the letter: then a month later (day 37).
    expect(next(at(7 * DAY, letter), 1)).toEqual(at(37 * DAY, letter));
    // A visit already on day 3 after the letter is the visit "within 7 days": the next is monthly, not again by day 7.
    expect(next(at(3 * DAY, letter), 1)).toEqual(at(37 * DAY, letter));
    // Visits on days 37 and 67: the last one at day 97.
    expect(next(at(37 * DAY, letter), 2)).toEqual(at(67 * DAY, letter));
    expect(next(at(67 * DAY, letter), 3)).toEqual(at(97 * DAY, letter));
    // The letter's schedule ends after three months; the risk level's own schedule (R4: day 90 from the start) carries on.
    expect(next(at(97 * DAY, letter), 1)).toEqual(at(180 * DAY));
  });

  it('takes the earliest of the risk schedule, the letter schedule and the category cap', () => {
    const letter = at(20 * DAY);
    // R1 visit 4 due day 14; the letter would ask for day 27; R1 wins.
    expect(real.nextVisitDue({ ...base, risk: 'R1', visitsDone: 3, lastVisitAt: at(7 * DAY), warningLetterAt: letter })).toEqual(at(14 * DAY));
    // R3 visit 1 due day 30; the letter's 7-day visit (day 27) wins.
    expect(real.nextVisitDue({ ...base, risk: 'R3', visitsDone: 0, warningLetterAt: letter })).toEqual(at(27 * DAY));
  });

  it('follows the time scale like every other window', () => {
    const fast = new SlaCalculator(buildPolicy(), 0.0001);
    // R1's first visit: 1 day → 8.64 s.
    expect(fast.nextVisitDue({ ...base, risk: 'R1', visitsDone: 0 })).toEqual(at(8640));
  });

  it('answers null when nothing is scheduled any more', () => {
    const finite = new SlaCalculator(buildPolicy({ visits: { R4: { days: [90], thenEveryDays: 0 } } }), 1);
    expect(finite.nextVisitDue({ ...base, risk: 'R4', visitsDone: 0 })).toEqual(at(90 * DAY));
    expect(finite.nextVisitDue({ ...base, risk: 'R4', visitsDone: 1, lastVisitAt: at(90 * DAY) })).toBeNull();
  });
});

describe('buildPolicy', () => {
  it('without an override is the documented default, as a copy', () => {
    const p = buildPolicy();
    expect(p).toEqual(DEFAULT_POLICY);
    p.hours[DeadlineKind.AcceptReport].R1 = 99;
    p.visits.R1.days.push(999);
    expect(DEFAULT_POLICY.hours[DeadlineKind.AcceptReport].R1).toBe(1);
    expect(DEFAULT_POLICY.visits.R1.days).not.toContain(999);
    expect(buildPolicy().hours[DeadlineKind.AcceptReport].R1).toBe(1);
  });

  it('applies a valid override and keeps everything else', () => {
    const p = buildPolicy({
      hours: { accept_report: { R1: 2 }, police_report: { R3: 48 } },
      remindAtFraction: 0.5,
      visits: { R3: { days: [14, 28], thenEveryDays: 30 } },
      afterWarningLetter: { days: [3, 30], thenEveryDays: 0 },
      maxVisitIntervalDaysFor: { D07: 14 },
    });
    expect(p.hours.accept_report).toEqual({ R1: 2, R2: 4, R3: 24, R4: 72 });
    expect(p.hours.police_report).toEqual({ R1: 1, R2: 24, R3: 48 });
    expect(p.hours.assessment).toEqual(DEFAULT_POLICY.hours.assessment);
    expect(p.remindAtFraction).toBe(0.5);
    expect(p.secondStageFraction).toBe(DEFAULT_POLICY.secondStageFraction);
    expect(p.visits.R3).toEqual({ days: [14, 28], thenEveryDays: 30 });
    expect(p.visits.R1).toEqual(DEFAULT_POLICY.visits.R1);
    expect(p.afterWarningLetter).toEqual({ days: [3, 30], thenEveryDays: 0 });
    expect(p.maxVisitIntervalDaysFor).toEqual({ D02: 30, N03: 30, D07: 14 });

    const calc = new SlaCalculator(p, 1);
    expect(calc.due(DeadlineKind.AcceptReport, 'R1', T0)).toEqual({ dueAt: at(2 * HOUR), remindAt: at(HOUR) });
  });

  it.each<[string, unknown, string]>([
    ['an unknown top-level key', { reminderAt: 0.5 }, 'reminderAt'],
    ['an unknown step', { hours: { coffee_break: { R1: 1 } } }, 'hours.coffee_break'],
    ['negative hours', { hours: { accept_report: { R2: -4 } } }, 'hours.accept_report.R2'],
    ['zero hours', { hours: { assessment: { R1: 0 } } }, 'hours.assessment.R1'],
    ['hours as a string', { hours: { assessment: { R1: '24' } } }, 'hours.assessment.R1'],
    ['a bad risk level in hours', { hours: { accept_report: { R5: 1 } } }, 'hours.accept_report.R5'],
    ['a bad risk level in visits', { visits: { R0: { days: [1], thenEveryDays: 7 } } }, 'visits.R0'],
    ['visit days not increasing', { visits: { R1: { days: [1, 3, 3, 7], thenEveryDays: 7 } } }, 'visits.R1'],
    ['visit days decreasing', { visits: { R2: { days: [7, 14, 10], thenEveryDays: 30 } } }, 'visits.R2'],
    ['fractional visit days', { visits: { R2: { days: [1.5], thenEveryDays: 30 } } }, 'visits.R2'],
    ['a negative thenEveryDays', { visits: { R3: { days: [30], thenEveryDays: -1 } } }, 'visits.R3'],
    ['a bad warning-letter schedule', { afterWarningLetter: { days: [7, 1], thenEveryDays: 0 } }, 'afterWarningLetter'],
    ['a reminder fraction of 1', { remindAtFraction: 1 }, 'remindAtFraction'],
    ['a negative second-stage fraction', { secondStageFraction: -1 }, 'secondStageFraction'],
    ['a bad category cap', { maxVisitIntervalDaysFor: { X01: 30 } }, 'maxVisitIntervalDaysFor.X01'],
    ['a cap of zero days', { maxVisitIntervalDaysFor: { D02: 0 } }, 'maxVisitIntervalDaysFor.D02'],
  ])('refuses %s with a PolicyError naming the path', (_what, override, path) => {
    expectPolicyError(() => buildPolicy(override), path);
  });

  it.each<[string, unknown, string]>([
    ['null hours', { hours: null }, 'hours'],
    ['a step set to null', { hours: { accept_report: null } }, 'hours.accept_report'],
    ['a step set to a number', { hours: { accept_report: 4 } }, 'hours.accept_report'],
    ['null visits', { visits: null }, 'visits'],
    ['null category caps', { maxVisitIntervalDaysFor: null }, 'maxVisitIntervalDaysFor'],
  ])('refuses %s with a PolicyError naming the path (not a TypeError)', (_what, override, path) => {
    expectPolicyError(() => buildPolicy(override), path);
  });

  it.each([null, [], 'R1', 3])('refuses a policy that is not an object (%p)', (override) => {
    expectPolicyError(() => buildPolicy(override), /JSON object/);
  });
});

describe('loadPolicy', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'shouhu-policy-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('without a file is the default policy', () => {
    expect(loadPolicy(undefined)).toEqual(DEFAULT_POLICY);
    expect(loadPolicy('')).toEqual(DEFAULT_POLICY);
  });

  it('reads and validates a JSON file', () => {
    const p: SlaPolicy = loadPolicy(file('ok.json', JSON.stringify({ hours: { accept_report: { R3: 12 } }, secondStageFraction: 2 })));
    expect(p.hours.accept_report.R3).toBe(12);
    expect(p.hours.accept_report.R1).toBe(1);
    expect(p.secondStageFraction).toBe(2);
  });

  it('refuses invalid JSON, naming the file', () => {
    const path = file('broken.json', '{ "hours": { "accept_report": { "R1": 1, } }');
    expectPolicyError(() => loadPolicy(path), `SLA_POLICY_FILE ${path}`);
  });

  it('refuses a valid JSON file with an invalid policy, naming the file and the path', () => {
    const path = file('bad.json', JSON.stringify({ hours: { accept_report: { R1: -1 } } }));
    expectPolicyError(() => loadPolicy(path), `SLA_POLICY_FILE ${path}`);
    expectPolicyError(() => loadPolicy(path), 'hours.accept_report.R1');
  });

  it('refuses a file that does not exist, naming it', () => {
    const path = join(dir, 'missing.json');
    expectPolicyError(() => loadPolicy(path), `SLA_POLICY_FILE ${path}`);
  });
});
