/**
 * The answer of GET /api/stats for one scope (the district, or one street of it),
 * shaped from the district's figures and their suppression plan. Pure.
 */
import { DEADLINE_LABELS } from '@shouhu/deadlines';
import { alertsOf, AlertThresholds, RateInput } from './stats-alerts';
import { CellId, Dimension, streetIdsOf, UNLOCATED } from './stats-disclosure';
import type { DistrictFigures, MedianFigure } from './stats.repository';
import { Cell, Disclosure, isSmall, SMALL } from './suppression';
import { AlertIndicator, AlertScope, DistrictStats, Share, StatsAlertView, WorkerLoadView } from './stats.views';

export interface ViewRequest {
  districtId: string;
  /** null: the whole district. */
  streetId: string | null;
  from: Date;
  to: Date;
  asOf: Date;
  thresholds: AlertThresholds;
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/** A share as shown: withheld (null, `suppressed`) when its numerator or denominator is. */
export function shareOf(d: Disclosure, numerator: string, denominator: string): Share {
  const suppressed = d.isWithheld(numerator) || d.isWithheld(denominator);
  const den = d.value(denominator);
  return {
    numerator: d.cell(numerator),
    denominator: d.cell(denominator),
    share: suppressed || den === 0 ? null : round(d.value(numerator) / den, 4),
    suppressed,
  };
}

const stepLabel = (kind: string) => (DEADLINE_LABELS as Record<string, string | undefined>)[kind] ?? kind;

/** Sorting a caseload: the largest shown numbers first, the withheld after them, then by username. */
const byLoad = (a: WorkerLoadView, b: WorkerLoadView) => {
  const rank = (c: Cell) => (c === SMALL ? -1 : c);
  return rank(b.openCases) - rank(a.openCases) || (a.username < b.username ? -1 : a.username > b.username ? 1 : 0);
};

export function statsView(f: DistrictFigures, d: Disclosure, q: ViewRequest): DistrictStats {
  const s = q.streetId ?? undefined;
  const narrow = s !== undefined;
  const names = new Map(f.streets.map((x) => [x.id, x.name]));
  // Unlocated cases count in the district's figures but are no street of the answer (stats-disclosure.ts UNLOCATED).
  const streets = narrow ? [q.streetId as string] : streetIdsOf(f).filter((id) => id !== UNLOCATED);
  const suppressedMedians: string[] = [];

  const codes = (dim: Dimension, keys: string[]): Record<string, Cell> =>
    Object.fromEntries(
      [...new Set(keys)]
        .sort()
        .filter((k) => d.listed(CellId.code(dim, k, s)))
        .map((k) => [k, d.cell(CellId.code(dim, k, s))]),
    );
  const median = (field: string, m: MedianFigure | undefined): number | null => {
    if (!m || m.hours === null) return null;
    if (narrow && isSmall(m.n)) {
      suppressedMedians.push(field);
      return null;
    }
    return round(m.hours, 2);
  };

  // The kinds the scope has deadlines of (a withheld 0 is listed too: leaving it out would show it as 0).
  const kinds = [...new Set(f.breach.map((b) => b.kind))]
    .sort()
    .filter(
      (k) =>
        !narrow || f.breach.some((b) => b.kind === k && b.street === s) || d.isWithheld(CellId.breach('N', k, s)) || d.isWithheld(CellId.breach('D', k, s)),
    );
  const medians = f.medians.find((m) => m.street === (q.streetId ?? null));
  const delay = f.reportDelay.find((m) => m.street === (q.streetId ?? null));
  const sexAgeKeys = f.bySexAge.map((r) => r.key);

  const view: Omit<DistrictStats, 'alerts'> = {
    period: { from: q.from.toISOString(), to: q.to.toISOString() },
    scope: { districtId: q.districtId, streetId: q.streetId },
    asOf: q.asOf.toISOString(),
    totalCases: d.cell(narrow ? CellId.street(s) : CellId.total),
    byStatus: codes(
      'status',
      f.byStatus.map((r) => r.key),
    ),
    byCategory: codes(
      'cat',
      f.byCategory.map((r) => r.key),
    ),
    byReporterType: codes(
      'rep',
      f.byReporter.map((r) => r.key),
    ),
    byRiskLevel: codes(
      'risk',
      f.byRisk.map((r) => r.key),
    ),
    byStreet: streets.map((id) => ({ streetId: id, name: names.get(id) ?? '', cases: d.cell(CellId.street(id)) })),
    bySexAndAgeBand: [...new Set(sexAgeKeys)]
      .sort()
      .filter((k) => d.listed(CellId.code('sa', k, s)))
      .map((k) => {
        const [sex, ageBand] = k.split('|');
        return { sex, ageBand, cases: d.cell(CellId.code('sa', k, s)) };
      }),
    breachRateByStep: Object.fromEntries(kinds.map((k) => [k, shareOf(d, CellId.breach('N', k, s), CellId.breach('D', k, s))])),
    breachRateByStreet: streets.map((id) => ({
      streetId: id,
      name: names.get(id) ?? '',
      rate: shareOf(d, CellId.breach('N', null, id), CellId.breach('D', null, id)),
    })),
    medianHours: {
      reportToAcceptance: median('medianHours.reportToAcceptance', medians?.toAcceptance),
      reportToAssessment: median('medianHours.reportToAssessment', medians?.toAssessment),
      reportToIntervention: median('medianHours.reportToIntervention', medians?.toIntervention),
    },
    reportDelayHours: median('reportDelayHours', delay?.delay),
    suppressedMedians,
    policeToldOnTime: shareOf(d, CellId.ratio('po', 'N', s), CellId.ratio('po', 'D', s)),
    policeFeedbackWithin3Days: shareOf(d, CellId.ratio('fb', 'N', s), CellId.ratio('fb', 'D', s)),
    reReportWithin90Days: shareOf(d, CellId.ratio('rr', 'N', s), CellId.ratio('rr', 'D', s)),
    openCasesPerWorker: [...new Map(f.workers.map((w) => [w.id, w])).values()]
      .filter((w) => d.listed(CellId.worker(w.id, s)))
      .map((w) => ({ userId: w.id, username: w.username, role: w.role, openCases: d.cell(CellId.worker(w.id, s)) }))
      .sort(byLoad),
  };

  // The alert rule looks at the true counts; each alert shows its share as the answer does.
  const prefix = narrow ? `${names.get(s) ?? ''} ` : '';
  const rates: RateInput[] = [
    ...kinds.map((k) => ({
      indicator: AlertIndicator.BreachRate,
      scope: AlertScope.Step,
      key: k,
      subject: `${prefix}期限超时率 breach rate · ${stepLabel(k)}`,
      numerator: d.value(CellId.breach('N', k, s)),
      denominator: d.value(CellId.breach('D', k, s)),
      shown: view.breachRateByStep[k],
    })),
    ...view.breachRateByStreet.map((r) => ({
      indicator: AlertIndicator.BreachRate,
      scope: AlertScope.Street,
      key: r.streetId,
      subject: `${r.name} 期限超时率 breach rate`,
      numerator: d.value(CellId.breach('N', null, r.streetId)),
      denominator: d.value(CellId.breach('D', null, r.streetId)),
      shown: r.rate,
    })),
    {
      indicator: AlertIndicator.RereportRate,
      scope: narrow ? AlertScope.Street : AlertScope.District,
      key: q.streetId,
      subject: `${prefix}90日内重复报告率 re-report rate within 90 days`,
      numerator: d.value(CellId.ratio('rr', 'N', s)),
      denominator: d.value(CellId.ratio('rr', 'D', s)),
      shown: view.reReportWithin90Days,
    },
  ];
  const alerts: StatsAlertView[] = alertsOf(rates, q.thresholds);
  return { ...view, alerts };
}
