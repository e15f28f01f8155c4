import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Where the figures are taken: a district, or one street of it. */
export interface StatsScope {
  districtId: string;
  streetId: string | null;
}

/** The policy windows the on-time shares are measured against, in hours (already time-scaled). */
export interface StatsWindows {
  policeHours: Record<'R1' | 'R2' | 'R3' | 'R4', number>;
  feedbackHours: number;
}

type Tally = { k: string; n: string }[];

/** The aggregates as PostgreSQL returns them (counts as text). */
export interface StatsFigures {
  totals: { n: string }[];
  byStatus: Tally;
  byCategory: Tally;
  byReporter: Tally;
  byRisk: Tally;
  byStreet: { id: string; name: string; n: string }[];
  bySexAge: { sex: string; band: string; n: string }[];
  breachStep: { kind: string; breached: string; concluded: string }[];
  breachStreet: { id: string; name: string; breached: string; concluded: string }[];
  medians: { acc: string | null; ass: string | null; int: string | null }[];
  police: { on_time: string; due: string }[];
  feedback: { within: string; told: string }[];
  rereport: { again: string; n: string }[];
  workers: { id: string; username: string; role: string; n: string }[];
}

const AGE_BANDS = `CASE
  WHEN age < 3 THEN '0-2' WHEN age < 6 THEN '3-5' WHEN age < 12 THEN '6-11'
  WHEN age < 14 THEN '12-13' WHEN age < 16 THEN '14-15' ELSE '16-17' END`;

/**
 * The district's indicators as SQL aggregates over the cases reported in the period
 * (drafts excluded): counts, shares and medians only; no names, no case rows. A
 * read model: it reads cases, reports, deadlines, jurisdictions and users together.
 */
@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async isStreetOf(streetId: string, districtId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM jurisdiction WHERE id = $1 AND level = 'street' AND district_id = $2`, [streetId, districtId]);
    return rows.length > 0;
  }

  async figures(scope: StatsScope, from: Date, to: Date, windows: StatsWindows): Promise<StatsFigures> {
    // The population: cases of the scope reported in [from, to), drafts excluded.
    const params = [scope.districtId, from, to, scope.streetId];
    const pop = `SELECT * FROM "case" WHERE district_id = $1 AND reported_at >= $2 AND reported_at < $3 AND ($4::uuid IS NULL OR street_id = $4) AND status <> 'draft'`;
    const run = <T>(sql: string, extra: unknown[] = []) => this.db.query<T[]>(`WITH pop AS (${pop}) ${sql}`, [...params, ...extra]);

    const [totals, byStatus, byCategory, byReporter, byRisk, byStreet, bySexAge, breachStep, breachStreet, medians, police, feedback, rereport, workers] =
      await Promise.all([
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
        run<{ id: string; name: string; n: string }>(
          `SELECT j.id, j.name, count(*) AS n FROM pop JOIN jurisdiction j ON j.id = pop.street_id GROUP BY 1, 2 ORDER BY j.name`,
        ),
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
          [windows.policeHours.R1, windows.policeHours.R2, windows.policeHours.R3, windows.policeHours.R4],
        ),
        run<{ within: string; told: string }>(
          `SELECT count(*) FILTER (WHERE police_feedback_at IS NOT NULL AND police_feedback_at <= police_reported_at + make_interval(secs => 3600 * $5::float8)) AS within,
                count(*) AS told
           FROM pop WHERE police_reported_at IS NOT NULL`,
          [windows.feedbackHours],
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

    return { totals, byStatus, byCategory, byReporter, byRisk, byStreet, bySexAge, breachStep, breachStreet, medians, police, feedback, rereport, workers };
  }
}
