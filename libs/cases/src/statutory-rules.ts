/**
 * The rules the law sets on a report and on closure (domain.md §2–4, §8), as pure
 * functions of the record: no Nest, no database, so each can be read and unit-tested.
 * The services gather the facts and turn a problem list into a 4xx. The console bundles this
 * file and domain.ts as they are (its intake form runs the same checks): keep both free of
 * value imports from Nest or the other libraries.
 */
import {
  CaseStatus,
  CLOSURE_CONDITION_LABELS,
  ClosureCondition,
  isMandatoryReporter,
  MeasureStatus,
  MeasureType,
  OPEN_MEASURE_STATUSES,
  policeMustBeTold,
  ReporterType,
  RISK_LEVELS,
  RiskLevel,
  Sex,
} from './domain';

const SHANGHAI = 'Asia/Shanghai';

/** A problem with one field of the input (the shape of the API's details[]; kept here so the console can import this file). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The calendar day of an instant in China (YYYY-MM-DD). */
// Made once: building an Intl.DateTimeFormat costs more than formatting with it (2.8 % of a filing's CPU when made per call).
const CHINA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: SHANGHAI, year: 'numeric', month: '2-digit', day: '2-digit' });

export function dayInChina(at: Date): string {
  return CHINA_DAY.format(at);
}

/** Whole years of age on a day (YYYY-MM-DD), from a birth date (YYYY-MM-DD); a 29 February birthday counts from 1 March. */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

export interface IntakeFacts {
  categories: readonly string[];
  mandatoryItems: readonly number[];
  child: { sex: Sex; birthDate: string };
  report: { reporterType: ReporterType; anonymous?: boolean; discoveredAt: string | Date };
}

/**
 * What intake refuses (domain.md §2–3): anonymity other than a member of the public's,
 * N02 for a child of 8 or more, N03 for one of 16 or more, mandatory items 2 and 3
 * against the child's sex and age. Ages are on the discovery date. Empty: nothing wrong.
 */
export function intakeProblems(f: IntakeFacts, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = (field: string) => `${prefix}${field}`;
  if (f.report.anonymous && f.report.reporterType !== ReporterType.Public) {
    problems.push({ field: at('report.anonymous'), message: 'only a member of the public (reporterType public) may report anonymously' });
  }
  const discovered = typeof f.report.discoveredAt === 'string' ? new Date(f.report.discoveredAt) : f.report.discoveredAt;
  if (Number.isNaN(discovered.getTime())) return problems;
  const age = ageOn(f.child.birthDate, dayInChina(discovered));
  if (f.categories.includes('N02') && age >= 8) {
    problems.push({ field: at('categories'), message: `N02 (无人照料) needs a child under 8 on the discovery date; the child was ${age}` });
  }
  if (f.categories.includes('N03') && age >= 16) {
    problems.push({ field: at('categories'), message: `N03 (未满16周岁单独生活) needs a child under 16 on the discovery date; the child was ${age}` });
  }
  const girlOrUnknown = f.child.sex !== Sex.Male;
  if (f.mandatoryItems.includes(2) && !(girlOrUnknown && age < 14)) {
    problems.push({ field: at('mandatoryItems'), message: `item 2 concerns a girl (or sex unknown) under 14; the child is ${f.child.sex}, ${age}` });
  }
  if (f.mandatoryItems.includes(3) && !(girlOrUnknown && age >= 14)) {
    problems.push({ field: at('mandatoryItems'), message: `item 3 concerns a girl (or sex unknown) of 14 or more; the child is ${f.child.sex}, ${age}` });
  }
  return problems;
}

/**
 * The police alert stands (domain.md §6): police must be told — every V category or
 * mandatory item, at every risk level — and have not been, on a reported, open case.
 * The case's `police_alert` flag and its `police_report` deadline both follow it.
 */
export function policeAlertOpen(c: {
  status: CaseStatus;
  categories: readonly string[];
  mandatoryItems: readonly number[];
  policeReportedAt: Date | null;
}): boolean {
  return c.status !== CaseStatus.Draft && c.status !== CaseStatus.Closed && policeMustBeTold(c.categories, c.mandatoryItems) && !c.policeReportedAt;
}

export interface RiskFloor {
  level: RiskLevel;
  /** What sets it, e.g. "mandatory item 2", "N02", "emergency placement needed". */
  reasons: string[];
}

const R1_ITEMS = [1, 2, 3, 5, 7];
const R2_ITEMS = [4, 6, 8, 9];
const R2_CATEGORIES = ['V01', 'V02', 'V03', 'N03'];

/**
 * The lowest risk level a report may carry (domain.md §4, proposed): mandatory items
 * 1–3, 5, 7, N02 or a stated need for emergency placement → R1; items 4, 6, 8, 9,
 * V01–V03 or N03 → R2. Null: no floor.
 */
export function riskFloor(f: { categories: readonly string[]; mandatoryItems: readonly number[]; needsEmergencyPlacement?: boolean }): RiskFloor | null {
  const r1 = [
    ...f.mandatoryItems.filter((i) => R1_ITEMS.includes(i)).map((i) => `mandatory item ${i}`),
    ...(f.categories.includes('N02') ? ['N02'] : []),
    ...(f.needsEmergencyPlacement ? ['emergency placement needed'] : []),
  ];
  if (r1.length) return { level: RiskLevel.R1, reasons: r1 };
  const r2 = [
    ...f.mandatoryItems.filter((i) => R2_ITEMS.includes(i)).map((i) => `mandatory item ${i}`),
    ...f.categories.filter((c) => R2_CATEGORIES.includes(c)),
  ];
  return r2.length ? { level: RiskLevel.R2, reasons: r2 } : null;
}

/** R1 is the highest risk: a level is below the floor when it is less urgent. */
export function isBelowFloor(level: RiskLevel, floor: RiskFloor | null): boolean {
  return floor !== null && RISK_LEVELS.indexOf(level) > RISK_LEVELS.indexOf(floor.level);
}

export interface ClosureFacts {
  /** Risk levels of the visits, oldest first. */
  visitRisks: readonly RiskLevel[];
  measures: readonly { type: MeasureType; status: MeasureStatus; createdAt: Date }[];
  /** Referrals to other agencies not yet done, declined or revoked. */
  openReferrals: number;
  policeReportedAt: Date | null;
  policeFeedbackAt: Date | null;
  reports: readonly { reporterType: ReporterType; anonymous: boolean }[];
  outcomeFeedbackCount: number;
  /** When placement decisions were recorded with an assessment. */
  placementDecisionsAt: readonly Date[];
}

export interface ClosureConditionState {
  code: ClosureCondition;
  label: string;
  met: boolean;
  /** Why it is not met, for people. */
  detail: string | null;
}

/**
 * The conditions of a `risk_resolved` closure (domain.md §8), evaluated on the record.
 * Conditions that do not apply (no police told, no mandatory reporter, no temporary
 * guardianship) are not listed.
 */
export function closureConditions(f: ClosureFacts): ClosureConditionState[] {
  const out: ClosureConditionState[] = [];
  const add = (code: ClosureCondition, met: boolean, detail: string) =>
    out.push({ code, label: CLOSURE_CONDITION_LABELS[code], met, detail: met ? null : detail });

  const lastTwo = f.visitRisks.slice(-2);
  add(
    ClosureCondition.RiskLowOnTwoVisits,
    lastTwo.length === 2 && lastTwo.every((r) => r === RiskLevel.R4),
    lastTwo.length < 2 ? `${lastTwo.length} visit(s) recorded; two are needed` : `the last two visits recorded ${lastTwo.join(', ')}`,
  );
  const openMeasures = f.measures.filter((m) => OPEN_MEASURE_STATUSES.includes(m.status)).length;
  add(
    ClosureCondition.MeasuresFinished,
    openMeasures === 0 && f.openReferrals === 0,
    [openMeasures ? `${openMeasures} measure(s) still open` : '', f.openReferrals ? `${f.openReferrals} referral(s) still open` : '']
      .filter(Boolean)
      .join('; '),
  );
  if (f.policeReportedAt) {
    add(ClosureCondition.PoliceFeedbackRecorded, f.policeFeedbackAt !== null, 'police were told, and their feedback is not recorded');
  }
  if (owesOutcomeFeedback(f.reports)) {
    add(ClosureCondition.ReporterToldOutcome, f.outcomeFeedbackCount > 0, 'the mandatory reporter has not been told the outcome (POST /outcome-feedback)');
  }
  const guardianship = f.measures.filter(
    (m) => m.type === MeasureType.TemporaryGuardianship && (m.status === MeasureStatus.Done || m.status === MeasureStatus.Planned),
  );
  if (guardianship.length) {
    const since = Math.max(...guardianship.map((m) => m.createdAt.getTime()));
    add(
      ClosureCondition.PlacementAfterGuardianship,
      f.placementDecisionsAt.some((at) => at.getTime() >= since),
      'after temporary guardianship, record an assessment with a placement decision (return to guardian or long-term placement)',
    );
  }
  return out;
}

/** The facts of domain.md §8 in a case's record, referrals to other agencies included. */
export function closureFactsOf(
  c: { policeReportedAt: Date | null; policeFeedbackAt: Date | null },
  r: {
    visits: readonly { visitedAt: Date; createdAt: Date; riskLevel: RiskLevel }[];
    measures: ClosureFacts['measures'];
    reports: ClosureFacts['reports'];
    outcomeFeedback: readonly unknown[];
    assessments: readonly { placement: string | null; assessedAt: Date }[];
    /** Referrals still pending or accepted (none when the record does not say). */
    openReferrals?: number;
  },
): ClosureFacts {
  return {
    visitRisks: [...r.visits]
      .sort((a, b) => a.visitedAt.getTime() - b.visitedAt.getTime() || a.createdAt.getTime() - b.createdAt.getTime())
      .map((v) => v.riskLevel),
    measures: r.measures,
    openReferrals: r.openReferrals ?? 0,
    policeReportedAt: c.policeReportedAt,
    policeFeedbackAt: c.policeFeedbackAt,
    reports: r.reports,
    outcomeFeedbackCount: r.outcomeFeedback.length,
    placementDecisionsAt: r.assessments.filter((a) => a.placement !== null).map((a) => a.assessedAt),
  };
}

/** A mandatory reporter who gave their name is owed the outcome (Art.11¶3). */
export function owesOutcomeFeedback(reports: readonly { reporterType: ReporterType; anonymous: boolean }[]): boolean {
  return reports.some((r) => isMandatoryReporter(r.reporterType) && !r.anonymous);
}
