import { alertsOf, ALERT_MIN_DENOMINATOR } from './stats-alerts';
import { discloseDistrict, disclosureCells, CellId, UNLOCATED } from './stats-disclosure';
import type { DistrictFigures } from './stats.repository';
import { statsView, ViewRequest } from './stats-view';
import { AlertIndicator, AlertScope, DistrictStats } from './stats.views';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const W1 = '00000000-0000-4000-8000-0000000000f1';

const tally = (rows: [string, string, number][]) => rows.map(([street, key, n]) => ({ street, key, n }));
const median = (hours: number | null, n: number) => ({ hours, n });

/**
 * Street A: 12 cases, B: 3, C: none. A has 6 accept_report deadlines concluded, 3 breached
 * (50%); B 2 concluded, 1 breached.
 */
const figures: DistrictFigures = {
  streets: [
    { id: A, name: '甲街道' },
    { id: B, name: '乙街道' },
    { id: C, name: '丙街道' },
  ],
  byStatus: tally([
    [A, 'assessing', 7],
    [A, 'submitted', 5],
    [B, 'submitted', 3],
  ]),
  byRisk: tally([
    [A, 'R2', 12],
    [B, 'R2', 1],
    [B, 'R3', 2],
  ]),
  byCategory: tally([
    [A, 'N02', 12],
    [B, 'V01', 3],
  ]),
  byReporter: tally([
    [A, 'mandatory_institution', 9],
    [A, 'public', 4],
    [B, 'guardian', 3],
  ]),
  bySexAge: tally([
    [A, 'female|6-11', 6],
    [A, 'male|6-11', 6],
    [B, 'female|3-5', 3],
  ]),
  breach: [
    { street: A, kind: 'accept_report', breached: 3, concluded: 6, all: 8 },
    { street: B, kind: 'accept_report', breached: 1, concluded: 2, all: 3 },
  ],
  medians: [
    { street: null, toAcceptance: median(5, 15), toAssessment: median(20, 8), toIntervention: median(null, 0) },
    { street: A, toAcceptance: median(4, 12), toAssessment: median(18, 6), toIntervention: median(null, 0) },
    { street: B, toAcceptance: median(9, 3), toAssessment: median(30, 2), toIntervention: median(null, 0) },
  ],
  reportDelay: [
    { street: null, delay: median(2.5, 9) },
    { street: A, delay: median(2.5, 9) },
  ],
  police: [
    { street: A, numerator: 6, denominator: 8 },
    { street: B, numerator: 2, denominator: 3 },
  ],
  feedback: [],
  rereport: [
    { street: A, numerator: 3, denominator: 12 },
    { street: B, numerator: 0, denominator: 3 },
  ],
  workers: [
    { id: W1, username: 'sup-a', role: 'street_supervisor', street: A, n: 7 },
    { id: W1, username: 'sup-a', role: 'street_supervisor', street: B, n: 2 },
  ],
};

const request = (streetId: string | null, thresholds = { breachRate: 0.2, rereportRate: 0.15 }): ViewRequest => ({
  districtId: '00000000-0000-4000-8000-0000000000d1',
  streetId,
  from: new Date('2026-01-01T00:00:00Z'),
  to: new Date('2026-07-01T00:00:00Z'),
  asOf: new Date('2026-07-02T08:00:00Z'),
  thresholds,
});

describe('the stats answer', () => {
  const d = discloseDistrict(figures);
  const district = statsView(figures, d, request(null));
  const streetA = statsView(figures, d, request(A));
  const streetB = statsView(figures, d, request(B));

  it('keeps district-wide totals as numbers and withholds the narrow counts of 1–4', () => {
    expect(district.totalCases).toBe(15);
    expect(district.byStatus).toEqual({ assessing: 7, submitted: 8 });
    expect(district.byReporterType).toEqual({ guardian: 3, mandatory_institution: 9, public: 4 });
    expect(district.byStreet).toEqual([
      { streetId: A, name: '甲街道', cases: expect.anything() as unknown },
      { streetId: B, name: '乙街道', cases: '<5' },
      { streetId: C, name: '丙街道', cases: 0 },
    ]);
    // B's 3 would be 15 − 12: so A's 12 is withheld too (C's 0 cannot be: an empty street's 0 hides nothing).
    expect(district.byStreet[0].cases).toBe('<5');
    expect(district.bySexAndAgeBand).toEqual(expect.arrayContaining([{ sex: 'female', ageBand: '3-5', cases: '<5' }]));
    expect(district.asOf).toBe('2026-07-02T08:00:00.000Z');
  });

  it('shows each street the same cells withheld as the district answer does', () => {
    expect(streetA.totalCases).toBe(district.byStreet[0].cases);
    expect(streetB.totalCases).toBe(district.byStreet[1].cases);
    expect(streetA.byStreet).toEqual([district.byStreet[0]]);
    expect(streetA.breachRateByStreet).toEqual([district.breachRateByStreet[0]]);
    // Every count of a street's answer that is 1–4 is "<5" (a 0 may be withheld with them).
    expect(streetB.byStatus.submitted).toBe('<5');
    expect(streetB.byRiskLevel).toMatchObject({ R2: '<5', R3: '<5' });
    expect(streetB.byReporterType.guardian).toBe('<5');
    for (const counts of [streetB.byStatus, streetB.byRiskLevel, streetB.byCategory, streetB.byReporterType]) {
      expect(Object.values(counts).every((c) => c === '<5')).toBe(true);
    }
  });

  it('leaves no withheld count that subtraction across all the answers recovers', () => {
    expect(d.result.unprotected).toBe(0);
    const { cells, relations } = disclosureCells(figures);
    const known = new Set(cells.filter((c) => c.kind !== 'virtual' && !d.isWithheld(c.id)).map((c) => c.id));
    for (let changed = true; changed;) {
      changed = false;
      for (const r of relations) {
        const unknown = [...r.parts, r.total].filter((id) => !known.has(id));
        if (unknown.length === 1) {
          known.add(unknown[0]);
          changed = true;
        }
      }
    }
    const recovered = cells.filter((c) => (d.isWithheld(c.id) || (c.kind === 'virtual' && c.value >= 1 && c.value <= 4)) && known.has(c.id));
    expect(recovered.map((c) => c.id)).toEqual([]);
  });

  it('withholds a share whose numerator or denominator is withheld, and a street’s medians over 1–4 values', () => {
    expect(streetB.policeToldOnTime).toEqual({ numerator: '<5', denominator: '<5', share: null, suppressed: true });
    expect(district.policeToldOnTime).toEqual({ numerator: 8, denominator: 11, share: 0.7273, suppressed: false });
    expect(streetB.medianHours).toEqual({ reportToAcceptance: null, reportToAssessment: null, reportToIntervention: null });
    expect(streetB.suppressedMedians).toEqual(['medianHours.reportToAcceptance', 'medianHours.reportToAssessment']);
    expect(streetA.medianHours).toEqual({ reportToAcceptance: 4, reportToAssessment: 18, reportToIntervention: null });
    expect(streetA.reportDelayHours).toBe(2.5);
    expect(district.medianHours.reportToAcceptance).toBe(5);
    expect(district.suppressedMedians).toEqual([]);
  });

  it('withholds open caseloads of 1–4 per worker', () => {
    expect(district.openCasesPerWorker).toEqual([{ userId: W1, username: 'sup-a', role: 'street_supervisor', openCases: 9 }]);
    expect(streetB.openCasesPerWorker).toEqual([{ userId: W1, username: 'sup-a', role: 'street_supervisor', openCases: '<5' }]);
    // 9 − 2 would give B's 2 away, so A's 7 is withheld with it.
    expect(streetA.openCasesPerWorker[0].openCases).toBe('<5');
  });

  it('alerts on a breach rate past the threshold over at least 5 deadlines, showing the share as the answer does', () => {
    const alerts = (v: DistrictStats) => v.alerts.map((a) => [a.indicator, a.scope, a.key, a.value]);
    // District step: 4 of 8 = 0.5 > 0.2. Street A: 3 of 6 = 0.5 (its counts withheld with B's). B: 2 deadlines, never.
    expect(alerts(district)).toEqual([
      [AlertIndicator.BreachRate, AlertScope.Step, 'accept_report', 0.5],
      [AlertIndicator.BreachRate, AlertScope.Street, A, null],
      // Re-reports: 3 of 15 = 0.2 > 0.15.
      [AlertIndicator.RereportRate, AlertScope.District, null, 0.2],
    ]);
    const streetAlert = district.alerts[1];
    expect(streetAlert).toMatchObject({ suppressed: true, numerator: '<5', threshold: 0.2, label: '甲街道 期限超时率 breach rate: 已隐藏 (withheld) > 20%' });
    expect(district.alerts[0].label).toMatch(/^期限超时率 breach rate · .*accept.*: 50% > 20%$/);
    expect(alerts(streetB)).toEqual([]);
    expect(alerts(statsView(figures, d, request(null, { breachRate: 0.5, rereportRate: 0.2 })))).toEqual([]);
  });
});

describe('alertsOf', () => {
  const shown = (numerator: number, denominator: number) => ({ numerator, denominator, share: numerator / denominator, suppressed: false });
  const rate = (numerator: number, denominator: number, indicator = AlertIndicator.BreachRate) => ({
    indicator,
    scope: AlertScope.District,
    key: null,
    subject: 'x',
    numerator,
    denominator,
    shown: shown(numerator, denominator),
  });
  const t = { breachRate: 0.2, rereportRate: 0.15 };

  it('ignores rates over fewer than 5', () => {
    expect(ALERT_MIN_DENOMINATOR).toBe(5);
    expect(alertsOf([rate(4, 4)], t)).toEqual([]);
    expect(alertsOf([rate(2, 5)], t)).toHaveLength(1);
  });

  it('alerts strictly above the threshold of its indicator', () => {
    expect(alertsOf([rate(1, 5)], t)).toEqual([]);
    expect(alertsOf([rate(2, 10, AlertIndicator.RereportRate)], t)).toHaveLength(1);
    expect(alertsOf([rate(3, 20, AlertIndicator.RereportRate)], t)).toEqual([]);
    expect(alertsOf([rate(2, 10, AlertIndicator.RereportRate)], t)[0]).toMatchObject({ threshold: 0.15, value: 0.2, label: 'x: 20% > 15%' });
  });

  it('knows the cell ids it is given', () => {
    expect(CellId.ratio('rr', 'D', A)).toBe(CellId.street(A));
  });
});

describe('unlocated cases (hotline reports with no street yet)', () => {
  // Two submitted unlocated cases beside the figures above: their own bucket in every tally.
  const withUnlocated: DistrictFigures = {
    ...figures,
    byStatus: [...figures.byStatus, ...tally([[UNLOCATED, 'submitted', 2]])],
    byRisk: [...figures.byRisk, ...tally([[UNLOCATED, 'R3', 2]])],
    byCategory: [...figures.byCategory, ...tally([[UNLOCATED, 'N04', 2]])],
    byReporter: [...figures.byReporter, ...tally([[UNLOCATED, 'hotline', 2]])],
    bySexAge: [...figures.bySexAge, ...tally([[UNLOCATED, 'female|6-11', 2]])],
    breach: [...figures.breach, { street: UNLOCATED, kind: 'accept_report', breached: 0, concluded: 0, all: 2 }],
  };
  const d = discloseDistrict(withUnlocated);
  const district = statsView(withUnlocated, d, request(null));

  it('count in the district’s totals and codes', () => {
    expect(district.totalCases).toBe(17);
    expect(district.byStatus).toEqual({ assessing: 7, submitted: 10 });
    expect(district.byReporterType).toMatchObject({ hotline: 2 });
  });

  it('are listed in no street, and their bucket is protected like a street (the total minus the streets would show it)', () => {
    expect(district.byStreet.map((s) => s.streetId)).toEqual([A, B, C]);
    expect(district.breachRateByStreet.map((s) => s.streetId)).toEqual([A, B, C]);
    expect(d.isWithheld(CellId.street(UNLOCATED))).toBe(true);
    // What the listed streets show cannot be subtracted from the total to find the 2: some other street is withheld with it.
    const shown = district.byStreet.map((s) => s.cases);
    expect(shown.some((c) => typeof c !== 'number')).toBe(true);
  });

  it('leave a street’s own answer unchanged', () => {
    expect(statsView(withUnlocated, d, request(B)).totalCases).toBe(statsView(figures, discloseDistrict(figures), request(B)).totalCases);
  });
});
