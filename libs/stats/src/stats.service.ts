import { Inject, Injectable } from '@nestjs/common';
import { Actor, JurisdictionLevel } from '@shouhu/access';
import { AppConfig } from '@shouhu/config';
import { DeadlineKind, SLA_CALCULATOR, SlaCalculator } from '@shouhu/deadlines';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { AlertThresholds } from './stats-alerts';
import { discloseDistrict } from './stats-disclosure';
import { FoldRound, StatsRollupRepository } from './stats-rollup.repository';
import { StatsRepository, StatsWindows } from './stats.repository';
import { statsView } from './stats-view';
import { DistrictStats } from './stats.views';

export interface StatsQuery {
  from: Date;
  to: Date;
  streetId?: string;
}

/** Where the figures are taken: a district, or one street of it. */
export interface StatsScope {
  districtId: string;
  streetId: string | null;
}

type Risk = 'R1' | 'R2' | 'R3' | 'R4';

/**
 * The district's indicators (domain.md §10): who may see which scope, the policy
 * windows they are measured against, small-cell suppression (one plan for the
 * district and all its streets, stats-disclosure.ts), alerts, and the figures shaped
 * for the API and exports. The aggregates themselves are SQL in the StatsRepository.
 * De-identified throughout.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly rollups: StatsRollupRepository,
    @Inject(SLA_CALCULATOR) private readonly sla: SlaCalculator,
    private readonly config: AppConfig,
  ) {}

  /** District staff and leaders: their district (optionally one street); supervisors: their street only. */
  scopeOf(actor: Actor, streetId: string | undefined): StatsScope {
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
    return this.figuresFor(scope, q.from, q.to);
  }

  /** The figures of a scope, with no caller: the worker's alert check reads the district's through here. */
  async figuresFor(scope: StatsScope, from: Date, to: Date): Promise<DistrictStats> {
    const windows = this.windows();
    // From the rollups (whole days folded by the worker, the rest live); from scratch when they were folded with other windows.
    const rolled = await this.rollups.read(scope.districtId, from, to, windows);
    const { figures, asOf } = rolled ?? { figures: await this.stats.figures(scope.districtId, from, to, windows), asOf: new Date() };
    // One suppression plan for the whole district, whichever scope is shown: no two answers undo each other's.
    const disclosure = discloseDistrict(figures);
    return statsView(figures, disclosure, { ...scope, from, to, asOf, thresholds: this.thresholds() });
  }

  /** The figures from scratch (no rollups): the reference the rollups are tested against. */
  async figuresFromScratch(scope: StatsScope, from: Date, to: Date): Promise<DistrictStats> {
    const figures = await this.stats.figures(scope.districtId, from, to, this.windows());
    return statsView(figures, discloseDistrict(figures), { ...scope, from, to, asOf: new Date(), thresholds: this.thresholds() });
  }

  /** Whether some district has more marked days than an answer computes live: a fold should not wait then. */
  rollupsBacklogged(): Promise<boolean> {
    return this.rollups.backlogged();
  }

  /** One fold of the days the write path marked stale into the rollups (the worker's loop); null when another process is folding. */
  foldRollups(batch?: number, pause?: () => boolean): Promise<FoldRound | null> {
    return this.rollups.fold(this.windows(), batch, pause);
  }

  /** Every district, for the worker's alert check. */
  districtIds(): Promise<string[]> {
    return this.stats.districtIds();
  }

  thresholds(): AlertThresholds {
    return { breachRate: this.config.STATS_ALERT_BREACH_RATE, rereportRate: this.config.STATS_ALERT_REREPORT_RATE };
  }

  /** The policy's police and feedback windows in clock hours (time-scaled); a step without a clock window falls back as documented. */
  windows(): StatsWindows {
    const police = (risk: Risk) =>
      this.sla.clockHours(DeadlineKind.PoliceReport, risk) ?? this.sla.clockHours(DeadlineKind.PoliceReport, 'R2') ?? 24 * this.sla.timeScale;
    return {
      policeHours: { R1: police('R1'), R2: police('R2'), R3: police('R3'), R4: police('R4') },
      feedbackHours: this.sla.clockHours(DeadlineKind.PoliceFeedback, 'R1') ?? 72 * this.sla.timeScale,
    };
  }

  /** The same figures as rows (section, key, value) for CSV and XLSX; a withheld count is "<5", a withheld share empty. */
  rows(stats: DistrictStats): [string, string, string | number | null][] {
    const rows: [string, string, string | number | null][] = [
      ['period', 'from', stats.period.from],
      ['period', 'to', stats.period.to],
      ['period', 'asOf', stats.asOf],
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
    rows.push(['medianHours', 'reportDelay', stats.reportDelayHours]);
    rows.push(['share', 'policeToldOnTime', stats.policeToldOnTime.share]);
    rows.push(['share', 'policeFeedbackWithin3Days', stats.policeFeedbackWithin3Days.share]);
    rows.push(['share', 'reReportWithin90Days', stats.reReportWithin90Days.share]);
    for (const w of stats.openCasesPerWorker) rows.push(['openCasesPerWorker', w.username, w.openCases]);
    for (const a of stats.alerts) rows.push(['alert', a.label, a.value]);
    return rows;
  }
}
