import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CALENDAR_DIR, DEFAULT_SLA_POLICY_FILE } from '@shouhu/config';
import { readCalendarDir } from './calendar/calendar-files';
import { WorkingCalendar } from './calendar/working-calendar';
import {
  buildPolicy,
  DEADLINE_KINDS,
  DEADLINE_LABELS,
  DeadlineKind,
  loadPolicy,
  parseCompletePolicy,
  parseDuration,
  PolicyError,
  RISKS,
  shippedPolicy,
  SlaCalculator,
  SlaPolicy,
  WINDOW_KINDS,
} from './policy';

/**
 * The SLA arithmetic of domain.md §6–7 with explicit instants: every `from` is a
 * fixed date, so nothing here depends on the clock. The policy is the shipped
 * config/sla-policy.json; the calendar the shipped config/calendar files.
 */
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-03-02T01:00:00.000Z');
const at = (ms: number, from = T0) => new Date(from.getTime() + ms);

const real = new SlaCalculator(buildPolicy(), 1);
const official = new WorkingCalendar(readCalendarDir(DEFAULT_CALENDAR_DIR));
const onCalendar = (scale = 1, policy: SlaPolicy = buildPolicy()) => new SlaCalculator(policy, scale, () => official);

/** An instant written in Beijing time. */
const bj = (local: string) => new Date(`${local}+08:00`);
/** 24:00 Beijing time of a day: when a working-day deadline ending that day falls due. */
const endOf = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY);

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

describe('the shipped policy (config/sla-policy.json, the only place the numbers live)', () => {
  it('loads, validates and holds the windows of domain.md §6', () => {
    const p = shippedPolicy();
    expect(p.windows).toEqual({
      police_report: { R1: '1h', R2: '24h', R3: '24h', R4: '24h' },
      accept_report: { R1: '1h', R2: '4h', R3: '24h', R4: '72h' },
      resubmit: { R1: '2h', R2: '8h', R3: '48h', R4: '72h' },
      assessment: { R1: '24h', R2: '3d', R3: '7d', R4: '15d' },
      start_plan: { R1: '2d', R2: '2d', R3: '5d', R4: '5d' },
      police_feedback: { R1: '3d', R2: '3d', R3: '3d', R4: '3d' },
      decision: { R1: '3d', R2: '3d', R3: '5d', R4: '5d' },
      outcome_feedback: { R1: '5wd', R2: '5wd', R3: '5wd', R4: '5wd' },
      referral_response: { R1: '24h', R2: '24h', R3: '72h', R4: '72h' },
    });
    expect(p.protectionOrder).toEqual({ urgent: '24h', standard: '72h' });
    expect(p.remindAtFraction).toBe(0.75);
    expect(p.secondStageFraction).toBe(1);
    expect(p.visits.R4).toEqual({ days: [90], thenEveryDays: 90 });
    expect(p.afterWarningLetter).toEqual({ days: [7, 37, 67, 97], thenEveryDays: 0 });
    expect(p.maxVisitIntervalDaysFor).toEqual({ D02: 30, N03: 30 });
  });

  it('is the file itself: the same values as its JSON, every step with a window', () => {
    const { $comment, ...file } = JSON.parse(readFileSync(DEFAULT_SLA_POLICY_FILE, 'utf8')) as Record<string, unknown>;
    expect(typeof $comment).toBe('string');
    expect(shippedPolicy()).toEqual(file);
    expect(Object.keys(shippedPolicy().windows).sort()).toEqual([...WINDOW_KINDS].sort());
    expect(buildPolicy()).toEqual(shippedPolicy());
    expect(loadPolicy(DEFAULT_SLA_POLICY_FILE)).toEqual(shippedPolicy());
  });

  it('hands out copies: changing one changes neither the next nor the file', () => {
    const p = shippedPolicy();
    p.windows.accept_report.R1 = '99h';
    p.visits.R1.days.push(999);
    expect(shippedPolicy().windows.accept_report.R1).toBe('1h');
    expect(buildPolicy().visits.R1.days).not.toContain(999);
  });

  it('labels the new kinds, in Chinese with English beside', () => {
    expect(DEADLINE_KINDS).toEqual(expect.arrayContaining([DeadlineKind.OutcomeFeedback, DeadlineKind.ProtectionOrder]));
    expect(DEADLINE_LABELS[DeadlineKind.OutcomeFeedback]).toBe('反馈报告单位 outcome told to the reporting unit');
    expect(DEADLINE_LABELS[DeadlineKind.ProtectionOrder]).toBe('保护令裁定 protection order decided');
  });
});

describe('durations', () => {
  it.each([
    ['1h', { amount: 1, unit: 'h' }],
    ['0.5h', { amount: 0.5, unit: 'h' }],
    ['0.0001h', { amount: 0.0001, unit: 'h' }],
    ['72h', { amount: 72, unit: 'h' }],
    ['3d', { amount: 3, unit: 'd' }],
    ['1.5d', { amount: 1.5, unit: 'd' }],
    ['5wd', { amount: 5, unit: 'wd' }],
    ['366d', { amount: 366, unit: 'd' }],
    ['8784h', { amount: 8784, unit: 'h' }],
  ])('%s is %p', (text, duration) => {
    expect(parseDuration(text)).toEqual(duration);
  });

  it.each(['0h', '0wd', '-1h', '1.5wd', '1 h', '1H', 'h', '24', '', '1e3h', '+1d', '367d', '8785h', '367wd', '1w', '1dd', ' 1d'])('"%s" is not one', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it.each([24, null, undefined, ['1h'], { h: 1 }])('%p is not one', (value) => {
    expect(parseDuration(value)).toBeNull();
  });
});

describe('SlaCalculator: windows in clock hours and days (domain.md §6)', () => {
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

  it('the other steps have the windows of the table ("d" is 24 clock hours)', () => {
    const hoursOf = (kind: Parameters<SlaCalculator['windowMs']>[0]) => RISKS.map((r) => real.windowMs(kind, r)).map((w) => (w === null ? null : w / HOUR));
    expect(hoursOf(DeadlineKind.Assessment)).toEqual([24, 72, 168, 360]);
    expect(hoursOf(DeadlineKind.StartPlan)).toEqual([48, 48, 120, 120]);
    expect(hoursOf(DeadlineKind.PoliceFeedback)).toEqual([72, 72, 72, 72]);
    expect(hoursOf(DeadlineKind.Decision)).toEqual([72, 72, 120, 120]);
    expect(real.due(DeadlineKind.Assessment, 'R3', T0)?.dueAt).toEqual(at(7 * DAY));
  });

  it('police_report: 1 h at R1, 24 h at every other level (the alert applies at every risk level)', () => {
    expect(real.due(DeadlineKind.PoliceReport, 'R1', T0)).toEqual({ dueAt: at(HOUR), remindAt: at(0.75 * HOUR) });
    for (const risk of ['R2', 'R3', 'R4'] as const) expect(real.due(DeadlineKind.PoliceReport, risk, T0)).toEqual({ dueAt: at(DAY), remindAt: at(18 * HOUR) });
  });

  it('a step without a window for a risk level has no deadline', () => {
    const partial = new SlaCalculator(buildPolicy(), 1);
    delete partial.policy.windows.resubmit.R4;
    expect(partial.due(DeadlineKind.Resubmit, 'R4', T0)).toBeNull();
    expect(partial.windowMs(DeadlineKind.Resubmit, 'R4')).toBeNull();
    expect(partial.clockHours(DeadlineKind.Resubmit, 'R4')).toBeNull();
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

describe('SlaCalculator.clockHours (the windows statistics measure against)', () => {
  it('gives the clock hours of h and d windows, scaled like the deadlines', () => {
    expect(RISKS.map((r) => real.clockHours(DeadlineKind.PoliceReport, r))).toEqual([1, 24, 24, 24]);
    expect(RISKS.map((r) => real.clockHours(DeadlineKind.PoliceFeedback, r))).toEqual([72, 72, 72, 72]);
    expect(real.clockHours(DeadlineKind.Assessment, 'R4')).toBe(360);
    const fast = new SlaCalculator(buildPolicy(), 0.0005);
    // As the statistics computed it before: policy hours × SLA_TIME_SCALE.
    expect(fast.clockHours(DeadlineKind.PoliceReport, 'R2')).toBe(24 * 0.0005);
    expect(fast.clockHours(DeadlineKind.PoliceFeedback, 'R1')).toBe(72 * 0.0005);
  });

  it('is null for a window in working days (no fixed number of hours)', () => {
    expect(real.clockHours(DeadlineKind.OutcomeFeedback, 'R1')).toBeNull();
    expect(real.windowMs(DeadlineKind.OutcomeFeedback, 'R1')).toBeNull();
  });
});

describe('SlaCalculator: working days on the official calendar', () => {
  it('outcome_feedback is 5 wd at every level: from Tuesday 2026-02-10 across the Spring Festival to the end of 2026-02-24', () => {
    const calc = onCalendar();
    const from = bj('2026-02-10T11:00:00');
    for (const risk of RISKS) {
      const due = calc.due(DeadlineKind.OutcomeFeedback, risk, from);
      expect(due?.dueAt).toEqual(endOf('2026-02-24'));
      // The reminder at 75% of the real span (13 days 13 hours).
      expect(due?.remindAt).toEqual(new Date(from.getTime() + Math.floor((endOf('2026-02-24').getTime() - from.getTime()) * 0.75)));
    }
  });

  it('counts the make-up Saturday 2026-02-14: 1 wd from Friday 02-13 ends with it', () => {
    expect(onCalendar().dueIn('1wd', bj('2026-02-13T10:00:00')).dueAt).toEqual(endOf('2026-02-14'));
    expect(onCalendar().dueIn('1wd', bj('2026-02-14T10:00:00')).dueAt).toEqual(endOf('2026-02-24'));
    expect(onCalendar().dueIn('5wd', bj('2026-02-09T10:00:00')).dueAt).toEqual(endOf('2026-02-14'));
  });

  it('follows the calendar the store holds now (a replaced year applies to the next deadline)', () => {
    let current = official;
    const calc = new SlaCalculator(buildPolicy(), 1, () => current);
    const from = bj('2026-02-13T10:00:00');
    expect(calc.dueIn('1wd', from).dueAt).toEqual(endOf('2026-02-14'));
    current = new WorkingCalendar([{ year: 2026, holidays: ['2026-02-16'], workdays: [] }]);
    expect(calc.dueIn('1wd', from).dueAt).toEqual(endOf('2026-02-17'));
  });

  it('without a calendar, Monday to Friday are the working days', () => {
    expect(real.dueIn('1wd', bj('2026-02-13T10:00:00')).dueAt).toEqual(endOf('2026-02-16'));
  });

  it('SLA_TIME_SCALE scales the span the calendar gives', () => {
    const from = bj('2026-02-13T10:00:00');
    const span = endOf('2026-02-24').getTime() - from.getTime();
    const fast = onCalendar(0.001);
    expect(fast.dueIn('2wd', from).dueAt).toEqual(new Date(from.getTime() + span * 0.001));
    expect(fast.due(DeadlineKind.OutcomeFeedback, 'R2', bj('2026-02-10T11:00:00'))?.dueAt).toEqual(
      new Date(bj('2026-02-10T11:00:00').getTime() + (endOf('2026-02-24').getTime() - bj('2026-02-10T11:00:00').getTime()) * 0.001),
    );
  });

  it('a window in working days may replace any step’s clock window', () => {
    const calc = onCalendar(1, buildPolicy({ windows: { accept_report: { R4: '1wd' } } }));
    expect(calc.due(DeadlineKind.AcceptReport, 'R4', bj('2026-02-13T10:00:00'))?.dueAt).toEqual(endOf('2026-02-14'));
    expect(calc.clockHours(DeadlineKind.AcceptReport, 'R4')).toBeNull();
    expect(calc.clockHours(DeadlineKind.AcceptReport, 'R3')).toBe(24);
  });
});

describe('SlaCalculator.dueIn and protectionOrderDue', () => {
  it('dueIn takes any duration', () => {
    expect(real.dueIn('36h', T0)).toEqual({ dueAt: at(36 * HOUR), remindAt: at(27 * HOUR) });
    expect(real.dueIn('2d', T0).dueAt).toEqual(at(2 * DAY));
    expect(new SlaCalculator(buildPolicy(), 0.5).dueIn('2d', T0).dueAt).toEqual(at(DAY));
  });

  it.each(['', '3 days', '0h', '1.5wd'])('dueIn refuses %p with a PolicyError', (text) => {
    expectPolicyError(() => real.dueIn(text, T0), 'duration');
  });

  it('a protection order is decided within 24 h if urgent, else 72 h (反家庭暴力法 Art.28)', () => {
    expect(real.protectionOrderDue(true, T0)).toEqual({ dueAt: at(24 * HOUR), remindAt: at(18 * HOUR) });
    expect(real.protectionOrderDue(false, T0)).toEqual({ dueAt: at(72 * HOUR), remindAt: at(54 * HOUR) });
    expect(new SlaCalculator(buildPolicy(), 0.0001).protectionOrderDue(true, T0).dueAt).toEqual(at(8640));
    const own = new SlaCalculator(buildPolicy({ protectionOrder: { urgent: '12h' } }), 1);
    expect(own.protectionOrderDue(true, T0).dueAt).toEqual(at(12 * HOUR));
    expect(own.protectionOrderDue(false, T0).dueAt).toEqual(at(72 * HOUR));
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

describe('buildPolicy (an override merged onto the shipped policy)', () => {
  it('applies a valid override and keeps everything else', () => {
    const p = buildPolicy({
      windows: { accept_report: { R1: '2h' }, outcome_feedback: { R1: '3wd' }, assessment: { R4: '10d' } },
      protectionOrder: { standard: '48h' },
      remindAtFraction: 0.5,
      visits: { R3: { days: [14, 28], thenEveryDays: 30 } },
      afterWarningLetter: { days: [3, 30], thenEveryDays: 0 },
      maxVisitIntervalDaysFor: { D07: 14 },
    });
    const shipped = shippedPolicy();
    expect(p.windows.accept_report).toEqual({ R1: '2h', R2: '4h', R3: '24h', R4: '72h' });
    expect(p.windows.outcome_feedback).toEqual({ R1: '3wd', R2: '5wd', R3: '5wd', R4: '5wd' });
    expect(p.windows.assessment).toEqual({ ...shipped.windows.assessment, R4: '10d' });
    expect(p.windows.police_report).toEqual(shipped.windows.police_report);
    expect(p.protectionOrder).toEqual({ urgent: '24h', standard: '48h' });
    expect(p.remindAtFraction).toBe(0.5);
    expect(p.secondStageFraction).toBe(shipped.secondStageFraction);
    expect(p.visits.R3).toEqual({ days: [14, 28], thenEveryDays: 30 });
    expect(p.visits.R1).toEqual(shipped.visits.R1);
    expect(p.afterWarningLetter).toEqual({ days: [3, 30], thenEveryDays: 0 });
    expect(p.maxVisitIntervalDaysFor).toEqual({ D02: 30, N03: 30, D07: 14 });

    const calc = new SlaCalculator(p, 1);
    expect(calc.due(DeadlineKind.AcceptReport, 'R1', T0)).toEqual({ dueAt: at(2 * HOUR), remindAt: at(HOUR) });
  });

  it('still reads the numbers of hours older override files give under "hours"', () => {
    const p = buildPolicy({ hours: { accept_report: { R1: 0.0001 }, police_report: { R3: 48 } } });
    expect(p.windows.accept_report.R1).toBe('0.0001h');
    expect(p.windows.police_report.R3).toBe('48h');
    expect(new SlaCalculator(p, 1).due(DeadlineKind.AcceptReport, 'R1', T0)?.dueAt).toEqual(at(360));
  });

  it.each<[string, unknown, string]>([
    ['an unknown top-level key', { reminderAt: 0.5 }, 'reminderAt'],
    ['an unknown step', { windows: { coffee_break: { R1: '1h' } } }, 'windows.coffee_break'],
    ['a step without risk levels (visits)', { windows: { visit: { R1: '1d' } } }, 'windows.visit'],
    ['a duration without a unit', { windows: { accept_report: { R2: '4' } } }, 'windows.accept_report.R2'],
    ['a number instead of a duration', { windows: { accept_report: { R2: 4 } } }, 'windows.accept_report.R2'],
    ['a negative duration', { windows: { accept_report: { R2: '-4h' } } }, 'windows.accept_report.R2'],
    ['a zero duration', { windows: { assessment: { R1: '0d' } } }, 'windows.assessment.R1'],
    ['fractional working days', { windows: { outcome_feedback: { R1: '2.5wd' } } }, 'windows.outcome_feedback.R1'],
    ['an unknown unit', { windows: { decision: { R1: '3w' } } }, 'windows.decision.R1'],
    ['more than a year', { windows: { decision: { R1: '400d' } } }, 'windows.decision.R1'],
    ['a bad risk level in windows', { windows: { accept_report: { R5: '1h' } } }, 'windows.accept_report.R5'],
    ['a bad protection-order key', { protectionOrder: { emergency: '1h' } }, 'protectionOrder.emergency'],
    ['a bad protection-order duration', { protectionOrder: { urgent: 24 } }, 'protectionOrder.urgent'],
    ['legacy negative hours', { hours: { accept_report: { R2: -4 } } }, 'hours.accept_report.R2'],
    ['legacy hours as a string', { hours: { assessment: { R1: '24' } } }, 'hours.assessment.R1'],
    ['a legacy unknown step', { hours: { coffee_break: { R1: 1 } } }, 'hours.coffee_break'],
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
    ['a comment that is not text', { $comment: 1 }, '$comment'],
  ])('refuses %s with a PolicyError naming the path', (_what, override, path) => {
    expectPolicyError(() => buildPolicy(override), path);
  });

  it.each<[string, unknown, string]>([
    ['null windows', { windows: null }, 'windows'],
    ['a step set to null', { windows: { accept_report: null } }, 'windows.accept_report'],
    ['a step set to a string', { windows: { accept_report: '4h' } }, 'windows.accept_report'],
    ['null protection order', { protectionOrder: null }, 'protectionOrder'],
    ['null legacy hours', { hours: null }, 'hours'],
    ['null visits', { visits: null }, 'visits'],
    ['null category caps', { maxVisitIntervalDaysFor: null }, 'maxVisitIntervalDaysFor'],
  ])('refuses %s with a PolicyError naming the path (not a TypeError)', (_what, override, path) => {
    expectPolicyError(() => buildPolicy(override), path);
  });

  it.each([null, [], 'R1', 3])('refuses a policy that is not an object (%p)', (override) => {
    expectPolicyError(() => buildPolicy(override), /JSON object/);
  });
});

describe('parseCompletePolicy (what the shipped file must hold)', () => {
  const file = () => JSON.parse(readFileSync(DEFAULT_SLA_POLICY_FILE, 'utf8')) as Record<string, Record<string, unknown>>;

  it('accepts the shipped file', () => {
    expect(parseCompletePolicy(file())).toEqual(shippedPolicy());
  });

  it.each<[string, (f: Record<string, Record<string, unknown>>) => void, string]>([
    ['a missing top-level key', (f) => delete f.remindAtFraction, 'remindAtFraction: missing'],
    ['a missing step', (f) => delete f.windows.outcome_feedback, 'windows.outcome_feedback: missing'],
    ['a missing protection-order window', (f) => delete f.protectionOrder.urgent, 'protectionOrder.urgent: missing'],
    ['a missing visit schedule', (f) => delete f.visits.R2, 'visits.R2: missing'],
    ['a bad duration', (f) => ((f.windows.decision as Record<string, unknown>).R3 = '5 days'), 'windows.decision.R3'],
  ])('refuses %s', (_what, change, path) => {
    const f = file();
    change(f);
    expectPolicyError(() => parseCompletePolicy(f), path);
  });
});

describe('loadPolicy (SLA_POLICY_FILE)', () => {
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

  it('without a file, or naming the shipped one, is the shipped policy', () => {
    expect(loadPolicy(undefined)).toEqual(shippedPolicy());
    expect(loadPolicy('')).toEqual(shippedPolicy());
    expect(loadPolicy(DEFAULT_SLA_POLICY_FILE)).toEqual(shippedPolicy());
  });

  it('another file is a partial override merged onto the shipped policy', () => {
    const p: SlaPolicy = loadPolicy(
      file(
        'ok.json',
        JSON.stringify({ $comment: 'our district', windows: { accept_report: { R3: '12h' } }, secondStageFraction: 2, hours: { resubmit: { R1: 3 } } }),
      ),
    );
    expect(p.windows.accept_report).toEqual({ ...shippedPolicy().windows.accept_report, R3: '12h' });
    expect(p.windows.resubmit.R1).toBe('3h');
    expect(p.secondStageFraction).toBe(2);
    expect(p.visits).toEqual(shippedPolicy().visits);
  });

  it('refuses invalid JSON, naming the file', () => {
    const path = file('broken.json', '{ "windows": { "accept_report": { "R1": "1h", } }');
    expectPolicyError(() => loadPolicy(path), `SLA_POLICY_FILE ${path}`);
  });

  it('refuses a valid JSON file with an invalid policy, naming the file and the path', () => {
    const path = file('bad.json', JSON.stringify({ windows: { accept_report: { R1: '-1h' } } }));
    expectPolicyError(() => loadPolicy(path), `SLA_POLICY_FILE ${path}`);
    expectPolicyError(() => loadPolicy(path), 'windows.accept_report.R1');
  });

  it('refuses a file that does not exist, naming it', () => {
    const path = join(dir, 'missing.json');
    expectPolicyError(() => loadPolicy(path), `SLA_POLICY_FILE ${path}`);
  });
});
