/**
 * The deadline policy of domain.md §6–7 as data. Durations are in hours; the
 * configured SLA_TIME_SCALE multiplies every one of them (0.0001 turns 24 h into
 * about 9 s for demos and tests). A JSON file (SLA_POLICY_FILE) may override any
 * part; it is validated at start.
 */
import { readFileSync } from 'node:fs';

export type Risk = 'R1' | 'R2' | 'R3' | 'R4';
export const RISKS: readonly Risk[] = ['R1', 'R2', 'R3', 'R4'];

export enum DeadlineKind {
  /** Police told, for V* categories and mandatory items (R1/R2). */
  PoliceReport = 'police_report',
  /** submitted → accepted or returned. */
  AcceptReport = 'accept_report',
  /** returned → completed and submitted again by the director (proposed). */
  Resubmit = 'resubmit',
  /** An assessment recorded after acceptance. */
  Assessment = 'assessment',
  /** The plan started after the assessment. */
  StartPlan = 'start_plan',
  /** Police report progress within 3 days of being told. */
  PoliceFeedback = 'police_feedback',
  /** A measure by its own due date. */
  Measure = 'measure',
  /** The next follow-up visit. */
  Visit = 'visit',
  /** A pending approval (R1/R2 plan or closure) decided. */
  Decision = 'decision',
}

export const DEADLINE_KINDS: readonly DeadlineKind[] = Object.values(DeadlineKind);

export const DEADLINE_LABELS: Record<DeadlineKind, string> = {
  [DeadlineKind.PoliceReport]: '报警 police told',
  [DeadlineKind.AcceptReport]: '受理 accept or return',
  [DeadlineKind.Resubmit]: '补充后重新提交 complete and resubmit',
  [DeadlineKind.Assessment]: '核实评估 assessment',
  [DeadlineKind.StartPlan]: '开始处置 start the plan',
  [DeadlineKind.PoliceFeedback]: '公安反馈 police feedback',
  [DeadlineKind.Measure]: '处置措施 measure',
  [DeadlineKind.Visit]: '回访 follow-up visit',
  [DeadlineKind.Decision]: '审批 decision',
};

export interface VisitSchedule {
  /** Days after follow-up starts, in order. */
  days: number[];
  /** After the listed days: one visit every this many days (0: none). */
  thenEveryDays: number;
}

export interface SlaPolicy {
  /** Hours per risk level for each step with a fixed window. */
  hours: Record<Exclude<DeadlineKind, DeadlineKind.Measure | DeadlineKind.Visit>, Partial<Record<Risk, number>>>;
  /** The reminder goes out at this fraction of the window. */
  remindAtFraction: number;
  /** After a breach, the second stage (district leadership) comes this fraction of the first window later. */
  secondStageFraction: number;
  visits: Record<Risk, VisitSchedule>;
  /** 告诫书: a visit within 7 days, then monthly for 3 months. */
  afterWarningLetter: VisitSchedule;
  /** D02 / N03 children: at least monthly. */
  maxVisitIntervalDaysFor: Record<string, number>;
}

const D = 24;

export const DEFAULT_POLICY: SlaPolicy = {
  hours: {
    [DeadlineKind.PoliceReport]: { R1: 1, R2: 24 },
    [DeadlineKind.AcceptReport]: { R1: 1, R2: 4, R3: 24, R4: 72 },
    [DeadlineKind.Resubmit]: { R1: 2, R2: 8, R3: 48, R4: 72 },
    [DeadlineKind.Assessment]: { R1: 24, R2: 3 * D, R3: 7 * D, R4: 15 * D },
    [DeadlineKind.StartPlan]: { R1: 2 * D, R2: 2 * D, R3: 5 * D, R4: 5 * D },
    [DeadlineKind.PoliceFeedback]: { R1: 3 * D, R2: 3 * D, R3: 3 * D, R4: 3 * D },
    [DeadlineKind.Decision]: { R1: 3 * D, R2: 3 * D, R3: 5 * D, R4: 5 * D },
  },
  remindAtFraction: 0.75,
  secondStageFraction: 1,
  visits: {
    R1: { days: [1, 3, 7, 14, 21, 28, 42, 56, 70, 84], thenEveryDays: 30 },
    R2: { days: [7, 14, 21, 28, 60, 90, 120, 150, 180], thenEveryDays: 30 },
    R3: { days: [30, 60, 90, 120, 150, 180], thenEveryDays: 90 },
    R4: { days: [90], thenEveryDays: 90 },
  },
  afterWarningLetter: { days: [7, 37, 67, 97], thenEveryDays: 0 },
  maxVisitIntervalDaysFor: { D02: 30, N03: 30 },
};

export class PolicyError extends Error {}

function isHours(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 24 * 366;
}

/** A JSON object (not null, not an array) at `where`, else a PolicyError naming it. */
function objectAt(where: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PolicyError(`${where}: must be a JSON object`);
  return v as Record<string, unknown>;
}

function checkSchedule(where: string, s: unknown): VisitSchedule {
  const v = s as VisitSchedule;
  if (
    !v ||
    !Array.isArray(v.days) ||
    !v.days.every((d, i) => Number.isInteger(d) && d > 0 && (i === 0 || d > v.days[i - 1])) ||
    !Number.isInteger(v.thenEveryDays) ||
    v.thenEveryDays < 0
  ) {
    throw new PolicyError(`${where}: needs increasing positive whole "days" and a whole "thenEveryDays" ≥ 0`);
  }
  return { days: [...v.days], thenEveryDays: v.thenEveryDays };
}

/** Merges an override onto the defaults and validates the result; errors name the path. */
export function buildPolicy(override: unknown = {}): SlaPolicy {
  if (typeof override !== 'object' || override === null || Array.isArray(override)) throw new PolicyError('the policy must be a JSON object');
  const o = override as Partial<Record<keyof SlaPolicy, unknown>>;
  const known = new Set(Object.keys(DEFAULT_POLICY));
  for (const key of Object.keys(o)) if (!known.has(key)) throw new PolicyError(`unknown policy key "${key}"`);
  const policy: SlaPolicy = structuredClone(DEFAULT_POLICY);
  if (o.hours !== undefined) {
    for (const [kind, byRisk] of Object.entries(objectAt('hours', o.hours))) {
      if (!(kind in policy.hours)) throw new PolicyError(`hours.${kind}: not a step with a fixed window`);
      for (const [risk, h] of Object.entries(objectAt(`hours.${kind}`, byRisk))) {
        if (!RISKS.includes(risk as Risk)) throw new PolicyError(`hours.${kind}.${risk}: not a risk level`);
        if (!isHours(h)) throw new PolicyError(`hours.${kind}.${risk}: must be a number of hours > 0`);
        (policy.hours as Record<string, Partial<Record<Risk, number>>>)[kind][risk as Risk] = h;
      }
    }
  }
  for (const key of ['remindAtFraction', 'secondStageFraction'] as const) {
    if (o[key] !== undefined) {
      const v = o[key];
      if (typeof v !== 'number' || !(v > 0) || v > (key === 'remindAtFraction' ? 0.99 : 10)) throw new PolicyError(`${key}: out of range`);
      policy[key] = v;
    }
  }
  if (o.visits !== undefined) {
    for (const [risk, s] of Object.entries(objectAt('visits', o.visits))) {
      if (!RISKS.includes(risk as Risk)) throw new PolicyError(`visits.${risk}: not a risk level`);
      policy.visits[risk as Risk] = checkSchedule(`visits.${risk}`, s);
    }
  }
  if (o.afterWarningLetter !== undefined) policy.afterWarningLetter = checkSchedule('afterWarningLetter', o.afterWarningLetter);
  if (o.maxVisitIntervalDaysFor !== undefined) {
    for (const [cat, days] of Object.entries(objectAt('maxVisitIntervalDaysFor', o.maxVisitIntervalDaysFor))) {
      if (!/^[VND]\d{2}$/.test(cat) || !Number.isInteger(days) || (days as number) <= 0)
        throw new PolicyError(`maxVisitIntervalDaysFor.${cat}: needs a category code and whole days > 0`);
      policy.maxVisitIntervalDaysFor[cat] = days as number;
    }
  }
  return policy;
}

export function loadPolicy(file: string | undefined): SlaPolicy {
  if (!file) return buildPolicy();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PolicyError(`SLA_POLICY_FILE ${file}: ${(error as Error).message}`);
  }
  try {
    return buildPolicy(parsed);
  } catch (error) {
    throw new PolicyError(`SLA_POLICY_FILE ${file}: ${(error as Error).message}`);
  }
}

const HOUR_MS = 3600_000;

/** Pure SLA arithmetic: when a step falls due and when to remind, on a scaled clock. */
export class SlaCalculator {
  constructor(
    readonly policy: SlaPolicy,
    readonly timeScale: number,
  ) {}

  /** The window of a fixed step for a risk level, in ms (scaled); null when the step has none for this risk. */
  windowMs(kind: keyof SlaPolicy['hours'], risk: Risk): number | null {
    const h = this.policy.hours[kind][risk];
    return h === undefined ? null : h * HOUR_MS * this.timeScale;
  }

  due(kind: keyof SlaPolicy['hours'], risk: Risk, from: Date): { dueAt: Date; remindAt: Date } | null {
    const w = this.windowMs(kind, risk);
    return w === null ? null : this.span(from, new Date(from.getTime() + w));
  }

  /** Deadline and reminder between a start and a due time (reminder at the policy's fraction). */
  span(from: Date, dueAt: Date): { dueAt: Date; remindAt: Date } {
    const window = Math.max(0, dueAt.getTime() - from.getTime());
    return { dueAt, remindAt: new Date(from.getTime() + Math.floor(window * this.policy.remindAtFraction)) };
  }

  /** How long after a breach the second stage falls due. */
  secondStageMs(firstWindowMs: number): number {
    return Math.max(1000 * this.timeScale, Math.floor(firstWindowMs * this.policy.secondStageFraction));
  }

  /**
   * The due time of the next follow-up visit: the schedule of the risk level (or
   * after a warning letter), counted from the start of follow-up, tightened to
   * the maximum interval for some categories. `visitsDone` visits already counted.
   */
  nextVisitDue(opts: {
    risk: Risk;
    followUpStartedAt: Date;
    visitsDone: number;
    lastVisitAt: Date | null;
    categories: string[];
    warningLetterAt: Date | null;
  }): Date | null {
    const day = 24 * HOUR_MS * this.timeScale;
    const offsetDays = (s: VisitSchedule, n: number): number | null => {
      if (n < s.days.length) return s.days[n];
      if (s.thenEveryDays === 0) return null;
      return s.days[s.days.length - 1] + (n - s.days.length + 1) * s.thenEveryDays;
    };
    const candidates: number[] = [];
    const base = offsetDays(this.policy.visits[opts.risk], opts.visitsDone);
    if (base !== null) candidates.push(opts.followUpStartedAt.getTime() + base * day);
    if (opts.warningLetterAt) {
      // Visits after the letter, counted from it. A visit since the letter counts for the
      // point whose window it falls in (after the point before, up to the point itself):
      // a visit on day 3 is the visit "within 7 days", so the next is the monthly one.
      const s = this.policy.afterWarningLetter;
      const letter = opts.warningLetterAt.getTime();
      const since = opts.lastVisitAt && opts.lastVisitAt.getTime() > letter ? opts.lastVisitAt.getTime() : null;
      for (let n = 0; ; n += 1) {
        const d = offsetDays(s, n);
        if (d === null) break;
        const windowStart = n === 0 ? letter : letter + (offsetDays(s, n - 1) as number) * day;
        if (since === null || windowStart >= since) {
          candidates.push(letter + d * day);
          break;
        }
      }
    }
    const maxInterval = Math.min(...opts.categories.map((c) => this.policy.maxVisitIntervalDaysFor[c] ?? Infinity));
    if (Number.isFinite(maxInterval)) {
      candidates.push((opts.lastVisitAt ?? opts.followUpStartedAt).getTime() + maxInterval * day);
    }
    return candidates.length ? new Date(Math.min(...candidates)) : null;
  }
}
