import { ClosureCondition, MeasureStatus, MeasureType, ReporterType, RiskLevel, Sex } from './domain';
import {
  ageOn,
  closureConditions,
  closureFactsOf,
  ClosureFacts,
  dayInChina,
  intakeProblems,
  IntakeFacts,
  isBelowFloor,
  owesOutcomeFeedback,
  riskFloor,
} from './statutory-rules';

/** The statutory rules of domain.md §2–4 and §8 on plain facts: no database, no clock. */

const intake = (over: Partial<IntakeFacts> & { age?: number; sex?: Sex } = {}): IntakeFacts => {
  const discoveredAt = '2026-06-15T10:00:00+08:00';
  const age = over.age ?? 10;
  return {
    categories: over.categories ?? ['N04'],
    mandatoryItems: over.mandatoryItems ?? [],
    child: over.child ?? { sex: over.sex ?? Sex.Female, birthDate: `${2026 - age}-06-15` },
    report: over.report ?? { reporterType: ReporterType.MandatoryInstitution, anonymous: false, discoveredAt },
  };
};
const fields = (facts: IntakeFacts) => intakeProblems(facts).map((p) => p.field);

describe('ages', () => {
  it('counts whole years on the day in China, the birthday itself included', () => {
    expect(ageOn('2018-06-15', '2026-06-14')).toBe(7);
    expect(ageOn('2018-06-15', '2026-06-15')).toBe(8);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it('takes the day in Asia/Shanghai, not in UTC', () => {
    expect(dayInChina(new Date('2026-06-14T17:30:00Z'))).toBe('2026-06-15');
    expect(dayInChina(new Date('2026-06-14T15:30:00Z'))).toBe('2026-06-14');
  });
});

describe('intakeProblems', () => {
  it('lets only a member of the public report anonymously', () => {
    const report = (reporterType: ReporterType) => ({ reporterType, anonymous: true, discoveredAt: '2026-06-15T10:00:00+08:00' });
    expect(fields(intake({ report: report(ReporterType.Public) }))).toEqual([]);
    for (const t of [ReporterType.MandatoryInstitution, ReporterType.MandatoryStaff, ReporterType.Guardian, ReporterType.InternalDiscovery]) {
      expect(fields(intake({ report: report(t) }))).toEqual(['report.anonymous']);
    }
  });

  it('N02 needs a child under 8 and N03 one under 16, on the discovery date', () => {
    expect(fields(intake({ categories: ['N02'], age: 7 }))).toEqual([]);
    expect(fields(intake({ categories: ['N02'], age: 8 }))).toEqual(['categories']);
    expect(fields(intake({ categories: ['N03'], age: 15 }))).toEqual([]);
    expect(fields(intake({ categories: ['N03'], age: 16 }))).toEqual(['categories']);
    // The birthday falls the day after discovery: still 7.
    const facts = intake({ categories: ['N02'], child: { sex: Sex.Male, birthDate: '2018-06-16' } });
    expect(fields(facts)).toEqual([]);
  });

  it('item 2 concerns a girl or a child of unknown sex under 14; item 3 one of 14 or more', () => {
    expect(fields(intake({ mandatoryItems: [2], age: 13 }))).toEqual([]);
    expect(fields(intake({ mandatoryItems: [2], age: 13, sex: Sex.Unknown }))).toEqual([]);
    expect(fields(intake({ mandatoryItems: [2], age: 14 }))).toEqual(['mandatoryItems']);
    expect(fields(intake({ mandatoryItems: [2], age: 10, sex: Sex.Male }))).toEqual(['mandatoryItems']);
    expect(fields(intake({ mandatoryItems: [3], age: 14 }))).toEqual([]);
    expect(fields(intake({ mandatoryItems: [3], age: 13 }))).toEqual(['mandatoryItems']);
    expect(fields(intake({ mandatoryItems: [3], age: 15, sex: Sex.Male }))).toEqual(['mandatoryItems']);
  });

  it('names every problem at once, under the prefix given', () => {
    const facts = intake({
      categories: ['N02', 'N03'],
      mandatoryItems: [2],
      age: 16,
      report: { reporterType: ReporterType.Guardian, anonymous: true, discoveredAt: '2026-06-15T10:00:00+08:00' },
    });
    expect(intakeProblems(facts, 'x.').map((p) => p.field)).toEqual(['x.report.anonymous', 'x.categories', 'x.categories', 'x.mandatoryItems']);
  });
});

describe('riskFloor', () => {
  it('is R1 for items 1–3, 5, 7, N02 or a stated need for emergency placement', () => {
    for (const item of [1, 2, 3, 5, 7]) expect(riskFloor({ categories: ['D05'], mandatoryItems: [item] })?.level).toBe(RiskLevel.R1);
    expect(riskFloor({ categories: ['N02'], mandatoryItems: [] })).toEqual({ level: RiskLevel.R1, reasons: ['N02'] });
    expect(riskFloor({ categories: ['D05'], mandatoryItems: [], needsEmergencyPlacement: true })).toEqual({
      level: RiskLevel.R1,
      reasons: ['emergency placement needed'],
    });
  });

  it('is R2 for items 4, 6, 8, 9, V01–V03 or N03; none otherwise', () => {
    for (const item of [4, 6, 8, 9]) expect(riskFloor({ categories: ['D05'], mandatoryItems: [item] })?.level).toBe(RiskLevel.R2);
    for (const c of ['V01', 'V02', 'V03', 'N03']) expect(riskFloor({ categories: [c], mandatoryItems: [] })?.level).toBe(RiskLevel.R2);
    expect(riskFloor({ categories: ['V04', 'N04', 'D05'], mandatoryItems: [] })).toBeNull();
    // The highest floor wins and names what sets it.
    expect(riskFloor({ categories: ['V01', 'N02'], mandatoryItems: [4, 2] })).toEqual({ level: RiskLevel.R1, reasons: ['mandatory item 2', 'N02'] });
  });

  it('says which levels lie below it', () => {
    const r2 = riskFloor({ categories: ['V01'], mandatoryItems: [] });
    expect(isBelowFloor(RiskLevel.R1, r2)).toBe(false);
    expect(isBelowFloor(RiskLevel.R2, r2)).toBe(false);
    expect(isBelowFloor(RiskLevel.R3, r2)).toBe(true);
    expect(isBelowFloor(RiskLevel.R4, null)).toBe(false);
  });
});

describe('closureConditions', () => {
  const base: ClosureFacts = {
    visitRisks: [RiskLevel.R2, RiskLevel.R4, RiskLevel.R4],
    measures: [{ type: MeasureType.Counseling, status: MeasureStatus.Done, createdAt: new Date('2026-05-01T00:00:00Z') }],
    openReferrals: 0,
    policeReportedAt: null,
    policeFeedbackAt: null,
    reports: [{ reporterType: ReporterType.InternalDiscovery, anonymous: false }],
    outcomeFeedbackCount: 0,
    placementDecisionsAt: [],
  };
  const unmet = (f: ClosureFacts) =>
    closureConditions(f)
      .filter((c) => !c.met)
      .map((c) => c.code);

  it('holds on a record that meets every condition; lists only the conditions that apply', () => {
    expect(unmet(base)).toEqual([]);
    expect(closureConditions(base).map((c) => c.code)).toEqual([ClosureCondition.RiskLowOnTwoVisits, ClosureCondition.MeasuresFinished]);
  });

  it('needs the last two visits at R4', () => {
    expect(unmet({ ...base, visitRisks: [RiskLevel.R4, RiskLevel.R4, RiskLevel.R3] })).toEqual([ClosureCondition.RiskLowOnTwoVisits]);
    expect(unmet({ ...base, visitRisks: [RiskLevel.R4] })).toEqual([ClosureCondition.RiskLowOnTwoVisits]);
  });

  it('needs every measure done, cancelled or rejected, and no open referral', () => {
    for (const status of [MeasureStatus.Planned, MeasureStatus.PendingDecision]) {
      expect(unmet({ ...base, measures: [{ ...base.measures[0], status }] })).toEqual([ClosureCondition.MeasuresFinished]);
    }
    expect(unmet({ ...base, measures: [{ ...base.measures[0], status: MeasureStatus.Rejected }] })).toEqual([]);
    expect(unmet({ ...base, openReferrals: 1 })).toEqual([ClosureCondition.MeasuresFinished]);
  });

  it('needs police feedback once police were told', () => {
    const told = new Date('2026-05-02T00:00:00Z');
    expect(unmet({ ...base, policeReportedAt: told })).toEqual([ClosureCondition.PoliceFeedbackRecorded]);
    expect(unmet({ ...base, policeReportedAt: told, policeFeedbackAt: told })).toEqual([]);
  });

  it('needs the outcome told to a named mandatory reporter (not to an anonymous or a non-mandatory one)', () => {
    const mandatory = { ...base, reports: [...base.reports, { reporterType: ReporterType.MandatoryStaff, anonymous: false }] };
    expect(unmet(mandatory)).toEqual([ClosureCondition.ReporterToldOutcome]);
    expect(unmet({ ...mandatory, outcomeFeedbackCount: 1 })).toEqual([]);
    expect(owesOutcomeFeedback([{ reporterType: ReporterType.Public, anonymous: true }])).toBe(false);
  });

  it('after temporary guardianship, needs a placement decision recorded after it', () => {
    const at = new Date('2026-05-10T00:00:00Z');
    const guardianship = { ...base, measures: [{ type: MeasureType.TemporaryGuardianship, status: MeasureStatus.Done, createdAt: at }] };
    expect(unmet(guardianship)).toEqual([ClosureCondition.PlacementAfterGuardianship]);
    expect(unmet({ ...guardianship, placementDecisionsAt: [new Date('2026-05-01T00:00:00Z')] })).toEqual([ClosureCondition.PlacementAfterGuardianship]);
    expect(unmet({ ...guardianship, placementDecisionsAt: [new Date('2026-05-20T00:00:00Z')] })).toEqual([]);
    // A rejected guardianship never happened.
    expect(unmet({ ...base, measures: [{ type: MeasureType.TemporaryGuardianship, status: MeasureStatus.Rejected, createdAt: at }] })).toEqual([]);
  });
});

describe('closureFactsOf', () => {
  const record = {
    visits: [],
    measures: [],
    reports: [],
    outcomeFeedback: [],
    assessments: [],
  };
  const c = { policeReportedAt: null, policeFeedbackAt: null };

  it('counts the referrals the record holds open, and none when the record does not say', () => {
    expect(closureFactsOf(c, { ...record, openReferrals: 2 }).openReferrals).toBe(2);
    expect(closureFactsOf(c, record).openReferrals).toBe(0);
    const unmet = closureConditions(closureFactsOf(c, { ...record, openReferrals: 2 })).find((x) => x.code === ClosureCondition.MeasuresFinished);
    expect(unmet).toMatchObject({ met: false, detail: '2 referral(s) still open' });
  });
});
