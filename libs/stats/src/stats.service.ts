import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor, JurisdictionLevel } from '@shouhu/access';
import { DeadlineKind, SLA_CALCULATOR, SlaCalculator } from '@shouhu/deadlines';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { DistrictStats, Share } from './stats.views';

export interface StatsQuery {
  from: Date;
  to: Date;
  streetId?: string;
}

const AGE_BANDS = `CASE
  WHEN age < 3 THEN '0-2' WHEN age < 6 THEN '3-5' WHEN age < 12 THEN '6-11'
  WHEN age < 14 THEN '12-13' WHEN age < 16 THEN '14-15' ELSE '16-17' END`;

const share = (numerator: number, denominator: number): Share => ({ numerator, denominator, share: denominator === 0 ? null : Math.round((numerator / denominator) * 10000) / 10000 });
const hours = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

/**
 * The district's indicators (domain.md §10), computed by aggregates in SQL over
 * the cases reported in the period (drafts excluded). De-identified: counts,
 * shares and medians only; no names, no case rows.
 */
@Injectable()
export class StatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SLA_CALCULATOR) private readonly sla: SlaCalculator,
  ) {}

  /** District staff: their district (optionally one street); supervisors: their street only. */
  scopeOf(actor: Actor, streetId: string | undefined): { districtId: string; streetId: string | null } {
    if (actor.level === JurisdictionLevel.Street) {
      if (streetId && streetId !== actor.streetId) throw new DomainError(ErrorCode.NotFound, 'no such street in your scope', [{ field: 'streetId', message: 'is not your street' }]);
      return { districtId: actor.districtId, streetId: actor.streetId };
    }
    return { districtId: actor.districtId, streetId: streetId ?? null };
  }

  async compute(actor: Actor, q: StatsQuery): Promise<DistrictStats> {
    const scope = this.scopeOf(actor, q.streetId);
    if (scope.streetId) {
      const [street] = await this.db.query(`SELECT 1 FROM jurisdiction WHERE id = $1 AND level = 'street' AND district_id = $2`, [scope.streetId, scope.districtId]);
      if (!street) throw new DomainError(ErrorCode.NotFound, 'no such street in your scope', [{ field: 'streetId', message: 'is not a street of your district' }]);
    }
    // The population: cases of the scope reported in [from, to), drafts excluded.
    const params = [scope.districtId, q.from, q.to, scope.streetId];
    const pop = `SELECT * FROM "case" WHERE district_id = $1 AND reported_at >= $2 AND reported_at < $3 AND ($4::uuid IS NULL OR street_id = $4) AND status <> 'draft'`;
    const run = <T = Record<string, unknown>>(sql: string, extra: unknown[] = []) => this.db.query(`WITH pop AS (${pop}) ${sql}`, [...params, ...extra]) as Promise<T[]>;

    const scale = this.sla.timeScale;
    const policeWindowHours = (risk: 'R1' | 'R2' | 'R3' | 'R4') => (this.sla.policy.hours[DeadlineKind.PoliceReport][risk] ?? this.sla.policy.hours[DeadlineKind.PoliceReport].R2 ?? 24) * scale;
    const feedbackHours = (this.sla.policy.hours[DeadlineKind.PoliceFeedback].R1 ?? 72) * scale;

    const [totals, byStatus, byCategory, byReporter, byRisk, byStreet, bySexAge, breachStep, breachStreet, medians, police, feedback, rereport, workers] = await Promise.all([
      run<{ n: string }>(`SELECT count(*) AS n FROM pop`),
      run<{ k: string; n: string }>(`SELECT status::text AS k, count(*) AS n FROM pop GROUP BY 1`),
      run<{ k: string; n: string }>(`SELECT cat AS k, count(*) AS n FROM pop, unnest(pop.categories) AS cat GROUP BY 1`),
      // The reporter type of each case's first report: one sort of the population's reports, not a lookup per case.
      run<{ k: string; n: string }>(
        `SELECT reporter_type::text AS k, count(*) AS n
           FROM (SELECT DISTINCT ON (r.case_id) r.reporter_type FROM report r JOIN pop ON pop.id = r.case_id ORDER BY r.case_id, r.filed_at) first
          GROUP BY 1`,
      ),
      run<{ k: string; n: string }>(`SELECT risk_level::text AS k, count(*) AS n FROM pop GROUP BY 1`),
      run<{ id: string; name: string; n: string }>(`SELECT j.id, j.name, count(*) AS n FROM pop JOIN jurisdiction j ON j.id = pop.street_id GROUP BY 1, 2 ORDER BY j.name`),
      run<{ sex: string; band: string; n: string }>(
        `SELECT sex, ${AGE_BANDS} AS band, count(*) AS n
           FROM (SELECT ch.sex::text AS sex, date_part('year', age((pop.reported_at AT TIME ZONE 'Asia/Shanghai')::date, ch.birth_date))::int AS age
                   FROM pop JOIN child ch ON ch.id = pop.child_id) x
          GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
      run<{ kind: string; breached: string; concluded: string }>(
        `SELECT d.kind, count(*) FILTER (WHERE d.status = 'breached') AS breached, count(*) FILTER (WHERE d.status IN ('met', 'breached')) AS concluded
           FROM pop JOIN deadline d ON d.case_id = pop.id GROUP BY 1 ORDER BY 1`,
      ),
      run<{ id: string; name: string; breached: string; concluded: string }>(
        `SELECT j.id, j.name, count(*) FILTER (WHERE d.status = 'breached') AS breached, count(*) FILTER (WHERE d.status IN ('met', 'breached')) AS concluded
           FROM pop JOIN deadline d ON d.case_id = pop.id JOIN jurisdiction j ON j.id = pop.street_id GROUP BY 1, 2 ORDER BY j.name`,
      ),
      run<{ acc: string | null; ass: string | null; int: string | null }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM accepted_at - reported_at) / 3600) AS acc,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM assessed_at - reported_at) / 3600) AS ass,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM intervention_started_at - reported_at) / 3600) AS int
           FROM pop`,
      ),
      run<{ on_time: string; due: string }>(
        `SELECT count(*) FILTER (WHERE police_reported_at IS NOT NULL AND police_reported_at <= reported_at + make_interval(secs => 3600 *
                  CASE risk_level WHEN 'R1' THEN $5::float8 WHEN 'R2' THEN $6::float8 WHEN 'R3' THEN $7::float8 ELSE $8::float8 END)) AS on_time,
                count(*) AS due
           FROM pop
          WHERE cardinality(mandatory_items) > 0 OR EXISTS (SELECT 1 FROM unnest(categories) c WHERE c LIKE 'V%')`,
        [policeWindowHours('R1'), policeWindowHours('R2'), policeWindowHours('R3'), policeWindowHours('R4')],
      ),
      run<{ within: string; told: string }>(
        `SELECT count(*) FILTER (WHERE police_feedback_at IS NOT NULL AND police_feedback_at <= police_reported_at + make_interval(secs => 3600 * $5::float8)) AS within,
                count(*) AS told
           FROM pop WHERE police_reported_at IS NOT NULL`,
        [feedbackHours],
      ),
      // Re-reported within 90 days: a further report on the case, or the same child's next case (window function, no per-case
      // lookups), or a later case of the child filed in another scope and linked at intake (related_case_ids).
      run<{ again: string; n: string }>(
        `, nxt AS (SELECT id, lead(reported_at) OVER (PARTITION BY child_id ORDER BY reported_at, id) AS next_at
                      FROM "case" WHERE district_id = $1 AND status <> 'draft'),
           extra AS (SELECT r.case_id FROM report r JOIN pop ON pop.id = r.case_id
                      WHERE r.filed_at <= pop.reported_at + interval '90 days' GROUP BY r.case_id HAVING count(*) > 1)
         SELECT count(*) FILTER (WHERE e.case_id IS NOT NULL OR n.next_at <= pop.reported_at + interval '90 days'
                                  OR EXISTS (SELECT 1 FROM "case" r WHERE r.id = ANY(pop.related_case_ids) AND r.status <> 'draft'
                                              AND r.reported_at > pop.reported_at AND r.reported_at <= pop.reported_at + interval '90 days')) AS again,
                count(*) AS n
           FROM pop JOIN nxt n ON n.id = pop.id LEFT JOIN extra e ON e.case_id = pop.id`,
      ),
      run<{ id: string; username: string; role: string; n: string }>(
        `SELECT u.id, u.username, u.role::text AS role, count(*) AS n
           FROM "case" c JOIN "user" u ON u.id = c.assignee_id
          WHERE c.district_id = $1 AND ($4::uuid IS NULL OR c.street_id = $4) AND c.status NOT IN ('closed', 'draft')
            AND $2::timestamptz IS NOT NULL AND $3::timestamptz IS NOT NULL
          GROUP BY 1, 2, 3 ORDER BY n DESC, u.username`,
      ),
    ]);

    const tally = (rows: { k: string; n: string }[]) => Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
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
