import { Inject, Injectable } from '@nestjs/common';
import { Actor, JurisdictionLevel } from '@shouhu/access';
import { DeadlineKind, SLA_CALCULATOR, SlaCalculator } from '@shouhu/deadlines';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { StatsRepository, StatsWindows } from './stats.repository';
import { DistrictStats, Share } from './stats.views';

export interface StatsQuery {
  from: Date;
  to: Date;
  streetId?: string;
}

const share = (numerator: number, denominator: number): Share => ({
  numerator,
  denominator,
  share: denominator === 0 ? null : Math.round((numerator / denominator) * 10000) / 10000,
});
const hours = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

/**
 * The district's indicators (domain.md §10): who may see which scope, the policy
 * windows they are measured against, and the figures shaped for the API and exports.
 * The aggregates themselves are SQL in the StatsRepository. De-identified throughout.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    @Inject(SLA_CALCULATOR) private readonly sla: SlaCalculator,
  ) {}

  /** District staff: their district (optionally one street); supervisors: their street only. */
  scopeOf(actor: Actor, streetId: string | undefined): { districtId: string; streetId: string | null } {
    if (actor.level === JurisdictionLevel.Street) {
      if (streetId && streetId !== actor.streetId)
        throw new DomainError(ErrorCode.NotFound, 'no such street in your scope', [{ field: 'streetId', message: 'is not your street' }]);
      return { districtId: actor.districtId, streetId: actor.streetId };
    }
    return { districtId: actor.districtId, streetId: streetId ?? null };
  }

  async compute(actor: Actor, q: StatsQuery): Promise<DistrictStats> {
    const scope = this.scopeOf(actor, q.streetId);
    if (scope.streetId && !(await this.stats.isStreetOf(scope.streetId, scope.districtId))) {
      throw new DomainError(ErrorCode.NotFound, 'no such street in your scope', [{ field: 'streetId', message: 'is not a street of your district' }]);
    }
    const scale = this.sla.timeScale;
    const policeWindowHours = (risk: 'R1' | 'R2' | 'R3' | 'R4') =>
      (this.sla.policy.hours[DeadlineKind.PoliceReport][risk] ?? this.sla.policy.hours[DeadlineKind.PoliceReport].R2 ?? 24) * scale;
    const windows: StatsWindows = {
      policeHours: { R1: policeWindowHours('R1'), R2: policeWindowHours('R2'), R3: policeWindowHours('R3'), R4: policeWindowHours('R4') },
      feedbackHours: (this.sla.policy.hours[DeadlineKind.PoliceFeedback].R1 ?? 72) * scale,
    };
    const { totals, byStatus, byCategory, byReporter, byRisk, byStreet, bySexAge, breachStep, breachStreet, medians, police, feedback, rereport, workers } =
      await this.stats.figures(scope, q.from, q.to, windows);

    const tally = (rows: { k: string; n: string }[]): Record<string, number> =>
      Object.fromEntries(rows.map((r): [string, number] => [r.k, Number(r.n)]).sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      period: { from: q.from.toISOString(), to: q.to.toISOString() },
      scope,
      totalCases: Number(totals[0].n),
      byStatus: tally(byStatus),
      byCategory: tally(byCategory),
      byReporterType: tally(byReporter),
      byRiskLevel: tally(byRisk),
      byStreet: byStreet.map((r) => ({ streetId: r.id, name: r.name, cases: Number(r.n) })),
      bySexAndAgeBand: bySexAge.map((r) => ({ sex: r.sex, ageBand: r.band, cases: Number(r.n) })),
      breachRateByStep: Object.fromEntries(breachStep.map((r) => [r.kind, share(Number(r.breached), Number(r.concluded))])),
      breachRateByStreet: breachStreet.map((r) => ({ streetId: r.id, name: r.name, rate: share(Number(r.breached), Number(r.concluded)) })),
      medianHours: { reportToAcceptance: hours(medians[0].acc), reportToAssessment: hours(medians[0].ass), reportToIntervention: hours(medians[0].int) },
      policeToldOnTime: share(Number(police[0].on_time), Number(police[0].due)),
      policeFeedbackWithin3Days: share(Number(feedback[0].within), Number(feedback[0].told)),
      reReportWithin90Days: share(Number(rereport[0].again), Number(rereport[0].n)),
      openCasesPerWorker: workers.map((r) => ({ userId: r.id, username: r.username, role: r.role, openCases: Number(r.n) })),
    };
  }

  /** The same figures as rows (section, key, value) for CSV and XLSX. */
  rows(stats: DistrictStats): [string, string, string | number | null][] {
    const rows: [string, string, string | number | null][] = [
      ['period', 'from', stats.period.from],
      ['period', 'to', stats.period.to],
      ['scope', 'streetId', stats.scope.streetId ?? 'all'],
      ['total', 'cases', stats.totalCases],
    ];
    for (const [k, v] of Object.entries(stats.byStatus)) rows.push(['byStatus', k, v]);
    for (const [k, v] of Object.entries(stats.byCategory)) rows.push(['byCategory', k, v]);
    for (const [k, v] of Object.entries(stats.byReporterType)) rows.push(['byReporterType', k, v]);
    for (const [k, v] of Object.entries(stats.byRiskLevel)) rows.push(['byRiskLevel', k, v]);
    for (const s of stats.byStreet) rows.push(['byStreet', s.name, s.cases]);
    for (const s of stats.bySexAndAgeBand) rows.push(['bySexAndAgeBand', `${s.sex} ${s.ageBand}`, s.cases]);
    for (const [k, v] of Object.entries(stats.breachRateByStep)) rows.push(['breachRateByStep', k, v.share]);
    for (const s of stats.breachRateByStreet) rows.push(['breachRateByStreet', s.name, s.rate.share]);
    rows.push(['medianHours', 'reportToAcceptance', stats.medianHours.reportToAcceptance]);
    rows.push(['medianHours', 'reportToAssessment', stats.medianHours.reportToAssessment]);
    rows.push(['medianHours', 'reportToIntervention', stats.medianHours.reportToIntervention]);
    rows.push(['share', 'policeToldOnTime', stats.policeToldOnTime.share]);
    rows.push(['share', 'policeFeedbackWithin3Days', stats.policeFeedbackWithin3Days.share]);
    rows.push(['share', 'reReportWithin90Days', stats.reReportWithin90Days.share]);
    for (const w of stats.openCasesPerWorker) rows.push(['openCasesPerWorker', w.username, w.openCases]);
    return rows;
  }
}
