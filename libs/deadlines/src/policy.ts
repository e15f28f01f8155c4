/**
 * The deadline policy of domain.md §6–7 as data. The shipped config/sla-policy.json is
 * THE default (its numbers live nowhere else); SLA_POLICY_FILE may name another file,
 * a partial override merged onto it. Both are validated at start, errors naming the path.
 *
 * Durations are strings: "<n>h" clock hours, "<n>d" clock days of 24 h, "<n>wd" working
 * days on the official calendar (calendar/working-calendar.ts states the rule). The
 * configured SLA_TIME_SCALE multiplies every duration (0.0001 turns 24 h into about 9 s
 * for demos and tests); for working days it scales the calendar's answer.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_SLA_POLICY_FILE } from '@shouhu/config';
import { WorkingCalendar } from './calendar/working-calendar';

export type Risk = 'R1' | 'R2' | 'R3' | 'R4';
export const RISKS: readonly Risk[] = ['R1', 'R2', 'R3', 'R4'];

export enum DeadlineKind {
  /** Police told, for V* categories and mandatory items. */
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
  /** The reporting unit told the outcome after the plan starts (Art.11¶3 反馈; mandatory reporters). */
  OutcomeFeedback = 'outcome_feedback',
  /** A protection-order application decided: 24 h if urgent, else 72 h (反家庭暴力法 Art.28). */
  ProtectionOrder = 'protection_order',
  /** An agency answers (accepts or declines) a referral (domain.md §6, §11). */
  ReferralResponse = 'referral_response',
  /** An accepted referral carried out by its due date (given, or the policy's default window). */
  ReferralCompletion = 'referral_completion',
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
  [DeadlineKind.OutcomeFeedback]: '反馈报告单位 outcome told to the reporting unit',
  [DeadlineKind.ProtectionOrder]: '保护令裁定 protection order decided',
  [DeadlineKind.ReferralResponse]: '协同单位答复转介 agency answers the referral',
  [DeadlineKind.ReferralCompletion]: '协同单位办结转介 agency completes the referral',
};

/** Steps whose due time is their own (a measure's, a visit's, a completion's) or set otherwise than per risk level. */
const NOT_WINDOWED = [DeadlineKind.Measure, DeadlineKind.Visit, DeadlineKind.ProtectionOrder, DeadlineKind.ReferralCompletion] as const;
/** The steps whose window the policy sets per risk level (`windows`). */
export type WindowKind = Exclude<DeadlineKind, (typeof NOT_WINDOWED)[number]>;
export const WINDOW_KINDS: readonly WindowKind[] = DEADLINE_KINDS.filter((k): k is WindowKind => !(NOT_WINDOWED as readonly DeadlineKind[]).includes(k));

export interface VisitSchedule {
  /** Days after follow-up starts, in order. */
  days: number[];
  /** After the listed days: one visit every this many days (0: none). */
  thenEveryDays: number;
}

export interface SlaPolicy {
  /** The window of each step per risk level, as a duration ("4h", "3d", "5wd"); a missing risk level has no deadline. */
  windows: Record<WindowKind, Partial<Record<Risk, string>>>;
  /** A protection-order application is decided within these (反家庭暴力法 Art.28), not by risk level. */
  protectionOrder: { urgent: string; standard: string };
  /** An accepted referral is done by the due date the caseworker gave, else within `default` of the referral (协同办理). */
  referralCompletion: { default: string };
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

export class PolicyError extends Error {}

// ── Durations ────────────────────────────────────────────────────────────────

export type DurationUnit = 'h' | 'd' | 'wd';
export interface Duration {
  amount: number;
  unit: DurationUnit;
}

const DURATION = /^(\d{1,6}(?:\.\d{1,9})?)(h|d|wd)$/;
/** The longest window any unit may express: a leap year. */
const MAX_DAYS = 366;
const DURATION_RULE = 'must be a duration "<n>h", "<n>d" or "<n>wd" (n > 0, a whole number for wd, at most 366 days)';

/** A duration string parsed, or null when it is not one: "<n>h", "<n>d" or "<n>wd", n > 0 (whole for wd), at most 366 days. */
export function parseDuration(text: unknown): Duration | null {
  if (typeof text !== 'string') return null;
  const m = DURATION.exec(text);
  if (!m) return null;
  const amount = Number(m[1]);
  const unit = m[2] as DurationUnit;
  if (!(amount > 0)) return null;
  if (unit === 'wd' && !Number.isInteger(amount)) return null;
  if ((unit === 'h' ? amount / 24 : amount) > MAX_DAYS) return null;
  return { amount, unit };
}

function durationAt(where: string, v: unknown): string {
  if (parseDuration(v) === null) throw new PolicyError(`${where}: ${DURATION_RULE} (got ${JSON.stringify(v)?.slice(0, 40)})`);
  return v as string;
}

// ── Parsing and merging ──────────────────────────────────────────────────────

const POLICY_KEYS = [
  '$comment',
  'windows',
  'hours',
  'protectionOrder',
  'referralCompletion',
  'remindAtFraction',
  'secondStageFraction',
  'visits',
  'afterWarningLetter',
  'maxVisitIntervalDaysFor',
] as const;
type PolicyKey = (typeof POLICY_KEYS)[number];
/** What the shipped file must set: everything but the comment and the legacy `hours`. */
const REQUIRED_KEYS: readonly PolicyKey[] = POLICY_KEYS.filter((k) => k !== '$comment' && k !== 'hours');

/** Before durations, overrides gave plain numbers of hours under `hours`; such files keep working. */
function isLegacyHours(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 24 * MAX_DAYS;
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

/** Validates every key `o` sets and applies it onto `policy` (which it changes). */
function applyPolicy(policy: SlaPolicy, o: Record<string, unknown>): SlaPolicy {
  for (const key of Object.keys(o)) if (!(POLICY_KEYS as readonly string[]).includes(key)) throw new PolicyError(`unknown policy key "${key}"`);
  if (o.$comment !== undefined && typeof o.$comment !== 'string') throw new PolicyError('$comment: must be a string');
  const windows = policy.windows as Record<string, Partial<Record<Risk, string>>>;
  const eachWindow = (section: 'hours' | 'windows', value: (where: string, v: unknown) => string) => {
    for (const [kind, byRisk] of Object.entries(objectAt(section, o[section]))) {
      if (!(WINDOW_KINDS as readonly string[]).includes(kind)) throw new PolicyError(`${section}.${kind}: not a step with a window per risk level`);
      for (const [risk, v] of Object.entries(objectAt(`${section}.${kind}`, byRisk))) {
        if (!RISKS.includes(risk as Risk)) throw new PolicyError(`${section}.${kind}.${risk}: not a risk level`);
        windows[kind][risk as Risk] = value(`${section}.${kind}.${risk}`, v);
      }
    }
  };
  if (o.hours !== undefined)
    eachWindow('hours', (where, h) => {
      if (!isLegacyHours(h)) throw new PolicyError(`${where}: must be a number of hours > 0 (or use "windows" with durations such as "24h")`);
      return `${h}h`;
    });
  if (o.windows !== undefined) eachWindow('windows', durationAt);
  if (o.protectionOrder !== undefined) {
    for (const [key, v] of Object.entries(objectAt('protectionOrder', o.protectionOrder))) {
      if (key !== 'urgent' && key !== 'standard') throw new PolicyError(`protectionOrder.${key}: must be "urgent" or "standard"`);
      policy.protectionOrder[key] = durationAt(`protectionOrder.${key}`, v);
    }
  }
  if (o.referralCompletion !== undefined) {
    for (const [key, v] of Object.entries(objectAt('referralCompletion', o.referralCompletion))) {
      if (key !== 'default') throw new PolicyError(`referralCompletion.${key}: must be "default"`);
      policy.referralCompletion.default = durationAt('referralCompletion.default', v);
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

/**
 * A complete policy (the shipped file): every key set, every step of `windows`, both
 * protection-order durations and the visit schedule of every risk level.
 */
export function parseCompletePolicy(raw: unknown): SlaPolicy {
  const o = objectAt('the policy', raw);
  for (const key of REQUIRED_KEYS) if (o[key] === undefined) throw new PolicyError(`${key}: missing`);
  const windows = objectAt('windows', o.windows);
  for (const kind of WINDOW_KINDS) if (windows[kind] === undefined) throw new PolicyError(`windows.${kind}: missing`);
  const protectionOrder = objectAt('protectionOrder', o.protectionOrder);
  for (const key of ['urgent', 'standard']) if (protectionOrder[key] === undefined) throw new PolicyError(`protectionOrder.${key}: missing`);
  if (objectAt('referralCompletion', o.referralCompletion).default === undefined) throw new PolicyError('referralCompletion.default: missing');
  const visits = objectAt('visits', o.visits);
  for (const risk of RISKS) if (visits[risk] === undefined) throw new PolicyError(`visits.${risk}: missing`);
  const skeleton: SlaPolicy = {
    windows: Object.fromEntries(WINDOW_KINDS.map((k) => [k, {}])) as SlaPolicy['windows'],
    protectionOrder: { urgent: '', standard: '' },
    referralCompletion: { default: '' },
    remindAtFraction: 0,
    secondStageFraction: 0,
    visits: {} as SlaPolicy['visits'],
    afterWarningLetter: { days: [], thenEveryDays: 0 },
    maxVisitIntervalDaysFor: {},
  };
  return applyPolicy(skeleton, o);
}

/** An override merged onto a base policy (which stays unchanged), validated; errors name the path. */
export function mergePolicy(base: SlaPolicy, override: unknown): SlaPolicy {
  if (typeof override !== 'object' || override === null || Array.isArray(override)) throw new PolicyError('the policy must be a JSON object');
  return applyPolicy(structuredClone(base), override as Record<string, unknown>);
}

function readPolicyFile<T>(label: string, file: string, parse: (raw: unknown) => T): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PolicyError(`${label} ${file}: ${(error as Error).message}`);
  }
  try {
    return parse(raw);
  } catch (error) {
    throw new PolicyError(`${label} ${file}: ${(error as Error).message}`);
  }
}

let shipped: SlaPolicy | undefined;

/** The shipped default policy (config/sla-policy.json), read and validated once; a copy each call. */
export function shippedPolicy(): SlaPolicy {
  shipped ??= readPolicyFile('the shipped SLA policy', DEFAULT_SLA_POLICY_FILE, parseCompletePolicy);
  return structuredClone(shipped);
}

/** The shipped policy with an override merged onto it (none: the shipped policy). */
export function buildPolicy(override: unknown = {}): SlaPolicy {
  return mergePolicy(shippedPolicy(), override);
}

/** The policy of SLA_POLICY_FILE: the shipped file itself, or another file merged onto it as a partial override. */
export function loadPolicy(file: string | undefined): SlaPolicy {
  if (!file || resolve(file) === resolve(DEFAULT_SLA_POLICY_FILE)) return shippedPolicy();
  const base = shippedPolicy();
  return readPolicyFile('SLA_POLICY_FILE', file, (raw) => mergePolicy(base, raw));
}

// ── Arithmetic ───────────────────────────────────────────────────────────────

const HOUR_MS = 3600_000;
/** Without a calendar: Monday to Friday are the working days. */
const WEEKDAYS_ONLY = new WorkingCalendar();

/** A deadline and its reminder. */
export interface Due {
  dueAt: Date;
  remindAt: Date;
}

/** Pure SLA arithmetic: when a step falls due and when to remind, on a scaled clock and the official calendar. */
export class SlaCalculator {
  constructor(
    readonly policy: SlaPolicy,
    readonly timeScale: number,
    /** The calendar as it is now (the CalendarStore's; it changes when district staff replace a year). */
    private readonly calendar: () => WorkingCalendar = () => WEEKDAYS_ONLY,
  ) {}

  private entry(kind: WindowKind, risk: Risk): Duration | null {
    const text = this.policy.windows[kind]?.[risk];
    return text === undefined ? null : this.parse(text);
  }

  private parse(duration: string): Duration {
    const d = parseDuration(duration);
    if (!d) throw new PolicyError(`duration ${JSON.stringify(duration)}: ${DURATION_RULE}`);
    return d;
  }

  /** The scaled length in ms of a clock duration (h, d); null for working days. */
  private clockMs(d: Duration): number | null {
    if (d.unit === 'wd') return null;
    return d.amount * (d.unit === 'd' ? 24 : 1) * HOUR_MS * this.timeScale;
  }

  /** The window of a step for a risk level in ms (scaled) when it is in clock hours or days; null for working days or no window. */
  windowMs(kind: WindowKind, risk: Risk): number | null {
    const d = this.entry(kind, risk);
    return d === null ? null : this.clockMs(d);
  }

  /**
   * The window in clock hours of a step for a risk level, SCALED by SLA_TIME_SCALE (as
   * the deadlines themselves are); null when it is in working days or the step has none.
   */
  clockHours(kind: WindowKind, risk: Risk): number | null {
    const d = this.entry(kind, risk);
    return d === null || d.unit === 'wd' ? null : d.amount * (d.unit === 'd' ? 24 : 1) * this.timeScale;
  }

  /** When a step started at `from` falls due for a risk level (h, d or wd), with its reminder; null when the step has no window for it. */
  due(kind: WindowKind, risk: Risk, from: Date): Due | null {
    const d = this.entry(kind, risk);
    return d === null ? null : this.after(d, from);
  }

  /** The deadline of any duration string ("36h", "2d", "5wd") from `from`; a PolicyError when it is not one. */
  dueIn(duration: string, from: Date): Due {
    return this.after(this.parse(duration), from);
  }

  /** A protection-order application (反家庭暴力法 Art.28): decided within the urgent or the standard window. */
  protectionOrderDue(urgent: boolean, from: Date): Due {
    return this.dueIn(urgent ? this.policy.protectionOrder.urgent : this.policy.protectionOrder.standard, from);
  }

  /**
   * A referral's two due times (domain.md §6, §11), both from the moment it is made: the
   * agency answers by `respondBy` (the referral_response window of the case's risk level),
   * and carries it out by the due date the caseworker gave, else by the policy's default.
   * A given due date before the answer is due is refused by the caller, not moved here.
   */
  referralDue(risk: Risk, from: Date, dueAt?: Date): { respondBy: Due; dueAt: Date } {
    const respondBy = this.due(DeadlineKind.ReferralResponse, risk, from) ?? this.dueIn(this.policy.windows.referral_response.R4 ?? '72h', from);
    return { respondBy, dueAt: dueAt ?? this.dueIn(this.policy.referralCompletion.default, from).dueAt };
  }

  private after(d: Duration, from: Date): Due {
    const clock = this.clockMs(d);
    if (clock !== null) return this.span(from, new Date(from.getTime() + clock));
    // Working days: the end of the n-th working day after the day of `from`; the time scale shrinks that span.
    const end = this.calendar().addWorkingDays(from, d.amount);
    return this.span(from, new Date(from.getTime() + (end.getTime() - from.getTime()) * this.timeScale));
  }

  /** Deadline and reminder between a start and a due time (reminder at the policy's fraction). */
  span(from: Date, dueAt: Date): Due {
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
