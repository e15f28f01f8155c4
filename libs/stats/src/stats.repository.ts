import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ReplicaReads } from '@shouhu/database';
import { UNLOCATED } from './stats-disclosure';

/** The policy windows the on-time shares are measured against, in hours (already time-scaled). */
export interface StatsWindows {
  policeHours: Record<'R1' | 'R2' | 'R3' | 'R4', number>;
  feedbackHours: number;
}

/** A count by street and code (a status, a category, "female|6-11"…). */
export interface StreetTally {
  street: string;
  key: string;
  n: number;
}

/** A median and how many values it was taken over. */
export interface MedianFigure {
  hours: number | null;
  n: number;
}

/** A numerator over a denominator, for one street. */
export interface StreetRatio {
  street: string;
  numerator: number;
  denominator: number;
}

/** Medians for one street, or for the district (street null). */
export interface MedianRow {
  street: string | null;
  toAcceptance: MedianFigure;
  toAssessment: MedianFigure;
  toIntervention: MedianFigure;
}

/**
 * The district's figures, every count split by street (the district's are their sums),
 * so that one suppression plan covers the district and each of its streets. Counts
 * only: no names, no case rows.
 */
export interface DistrictFigures {
  /** Every street of the district, cases or not, by name. */
  streets: { id: string; name: string }[];
  byStatus: StreetTally[];
  byRisk: StreetTally[];
  byCategory: StreetTally[];
  /** Every report that reached the system in the period (first, further and linked reports alike). */
  byReporter: StreetTally[];
  /** key "<sex>|<age band>" */
  bySexAge: StreetTally[];
  /** Deadlines by street and kind: breached of concluded (met or breached); `all` counts pending and cancelled too. */
  breach: { street: string; kind: string; breached: number; concluded: number; all: number }[];
  medians: MedianRow[];
  /** Discovery → report filed, for mandatory reporters: by street, and for the district (street null). */
  reportDelay: { street: string | null; delay: MedianFigure }[];
  police: StreetRatio[];
  feedback: StreetRatio[];
  rereport: StreetRatio[];
  /** Open cases now, by assignee and street. */
  workers: { id: string; username: string; role: string; street: string; n: number }[];
}

export const AGE_BANDS = `CASE
  WHEN age < 3 THEN '0-2' WHEN age < 6 THEN '3-5' WHEN age < 12 THEN '6-11'
  WHEN age < 14 THEN '12-13' WHEN age < 16 THEN '14-15' ELSE '16-17' END`;

/**
 * An interval in the units the medians are taken in: whole 36 s (0.01 h, the precision the answer shows), rounded
 * half away from zero. Each interval is rounded first and the median taken over the rounded values, so the rollups'
 * value→count distributions give exactly the same median as this SQL.
 */
export const CENTIHOURS = (interval: string) => `round(extract(epoch FROM ${interval}) / 36)`;
const HOURS = (interval: string) => `${CENTIHOURS(interval)}::float8 / 100`;

/* SQL over $1 district, [$2, $3) period. */
// The population: cases of the district reported in [from, to), drafts excluded.
export const POPULATION = `SELECT * FROM "case" WHERE district_id = $1 AND reported_at >= $2 AND reported_at < $3 AND status <> 'draft'`;
// The reports of the period: a report counts when it reached the system as a report, i.e. when it was filed or,
// for a draft's report, when the case was submitted: greatest(filed_at, reported_at) in [from, to). Two disjoint
// parts, each on an index: the period's cases (every report filed before `to`), and reports filed in the period
// on cases reported before it (further and linked reports on older cases).
export const PERIOD_REPORTS = `SELECT r.reporter_type, r.discovered_at, r.filed_at, pop.street_id
                   FROM pop JOIN report r ON r.case_id = pop.id WHERE r.filed_at < $3
                 UNION ALL
                 SELECT r.reporter_type, r.discovered_at, r.filed_at, c.street_id
                   FROM "case" c JOIN report r ON r.case_id = c.id
                  WHERE c.district_id = $1 AND c.reported_at < $2 AND c.status <> 'draft' AND r.filed_at >= $2 AND r.filed_at < $3`;

/** A case's street in the figures: unlocated cases (no street yet) go to the UNLOCATED bucket. */
const streetKey = (s: string | null): string => s ?? UNLOCATED;

const num = (v: unknown): number => Number(v ?? 0);
const hours = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The district's indicators as SQL aggregates over the cases reported in the period
 * (drafts excluded). A read model: it reads cases, reports, deadlines, jurisdictions
 * and users together.
 */
@Injectable()
export class StatsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly replicas: ReplicaReads,
  ) {}

  async isStreetOf(streetId: string, districtId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM jurisdiction WHERE id = $1 AND level = 'street' AND district_id = $2`, [streetId, districtId]);
    return rows.length > 0;
  }

  /** Every district (the worker checks each one's alerts). */
  async districtIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM jurisdiction WHERE level = 'district' ORDER BY id`);
    return rows.map((r) => r.id);
  }

  /** From scratch, on a caught-up replica when there is one (ReplicaReads; its statements then run one after another on one connection). */
  figures(districtId: string, from: Date, to: Date, windows: StatsWindows): Promise<DistrictFigures> {
    return this.replicas.read((db) => this.figuresOn(db, districtId, from, to, windows));
  }

  private async figuresOn(db: EntityManager, districtId: string, from: Date, to: Date, windows: StatsWindows): Promise<DistrictFigures> {
    const params = [districtId, from, to];
    const pop = POPULATION;
    const reports = PERIOD_REPORTS;
    const run = <T>(sql: string, extra: unknown[] = []) => db.query<T[]>(`WITH pop AS (${pop}), rep AS (${reports}) ${sql}`, [...params, ...extra]);
    const tally = async (sql: string): Promise<StreetTally[]> =>
      (await run<{ s: string | null; k: string; n: string }>(sql)).map((r) => ({ street: streetKey(r.s), key: r.k, n: num(r.n) }));
    type Ratio = { s: string | null; a: string; b: string };
    const ratio = async (sql: string, extra: unknown[] = []): Promise<StreetRatio[]> =>
      (await run<Ratio>(sql, extra)).map((r) => ({ street: streetKey(r.s), numerator: num(r.a), denominator: num(r.b) }));

    const [streets, byStatus, byRisk, byCategory, byReporter, bySexAge, breach, medians, reportDelay, police, feedback, rereport, workers] = await Promise.all([
      db.query<{ id: string; name: string }[]>(`SELECT id, name FROM jurisdiction WHERE level = 'street' AND district_id = $1 ORDER BY name, id`, [districtId]),
      tally(`SELECT street_id AS s, status::text AS k, count(*) AS n FROM pop GROUP BY 1, 2`),
      tally(`SELECT street_id AS s, risk_level::text AS k, count(*) AS n FROM pop GROUP BY 1, 2`),
      tally(`SELECT street_id AS s, cat AS k, count(*) AS n FROM pop, unnest(pop.categories) AS cat GROUP BY 1, 2`),
      tally(`SELECT street_id AS s, reporter_type::text AS k, count(*) AS n FROM rep GROUP BY 1, 2`),
      tally(
        `SELECT s, sex || '|' || ${AGE_BANDS} AS k, count(*) AS n
           FROM (SELECT pop.street_id AS s, ch.sex::text AS sex,
                        date_part('year', age((pop.reported_at AT TIME ZONE 'Asia/Shanghai')::date, ch.birth_date))::int AS age
                   FROM pop JOIN child ch ON ch.id = pop.child_id) x
          GROUP BY 1, 2`,
      ),
      run<{ s: string | null; k: string; breached: string; concluded: string; n: string }>(
        `SELECT pop.street_id AS s, d.kind AS k, count(*) FILTER (WHERE d.status = 'breached') AS breached,
                count(*) FILTER (WHERE d.status IN ('met', 'breached')) AS concluded, count(*) AS n
           FROM pop JOIN deadline d ON d.case_id = pop.id GROUP BY 1, 2`,
      ),
      run<{ s: string | null; acc: string | null; acc_n: string; ass: string | null; ass_n: string; int: string | null; int_n: string }>(
        `SELECT street_id AS s,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ${HOURS('accepted_at - reported_at')}) AS acc, count(accepted_at) AS acc_n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ${HOURS('assessed_at - reported_at')}) AS ass, count(assessed_at) AS ass_n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY ${HOURS('intervention_started_at - reported_at')}) AS int,
                count(intervention_started_at) AS int_n
           FROM pop GROUP BY GROUPING SETS ((street_id), ())
         HAVING GROUPING(street_id) = 1 OR street_id IS NOT NULL`,
      ),
      run<{ s: string | null; h: string | null; n: string }>(
        `SELECT street_id AS s, percentile_cont(0.5) WITHIN GROUP (ORDER BY ${HOURS('filed_at - discovered_at')}) AS h, count(*) AS n
           FROM rep WHERE reporter_type IN ('mandatory_institution', 'mandatory_staff')
          GROUP BY GROUPING SETS ((street_id), ())
         HAVING GROUPING(street_id) = 1 OR street_id IS NOT NULL`,
      ),
      ratio(
        `SELECT street_id AS s,
                count(*) FILTER (WHERE police_reported_at IS NOT NULL AND police_reported_at <= reported_at + make_interval(secs => 3600 *
                  CASE risk_level WHEN 'R1' THEN $4::float8 WHEN 'R2' THEN $5::float8 WHEN 'R3' THEN $6::float8 ELSE $7::float8 END)) AS a,
                count(*) AS b
           FROM pop
          WHERE cardinality(mandatory_items) > 0 OR EXISTS (SELECT 1 FROM unnest(categories) c WHERE c LIKE 'V%')
          GROUP BY 1`,
        [windows.policeHours.R1, windows.policeHours.R2, windows.policeHours.R3, windows.policeHours.R4],
      ),
      ratio(
        `SELECT street_id AS s,
                count(*) FILTER (WHERE police_feedback_at IS NOT NULL AND police_feedback_at <= police_reported_at + make_interval(secs => 3600 * $4::float8)) AS a,
                count(*) AS b
           FROM pop WHERE police_reported_at IS NOT NULL GROUP BY 1`,
        [windows.feedbackHours],
      ),
      // Re-reported within 90 days: a further report on the case, or the same child's next case (window function, no per-case
      // lookups), or a later case of the child filed in another scope and linked at intake (related_case_ids).
      ratio(
        `, nxt AS (SELECT id, lead(reported_at) OVER (PARTITION BY child_id ORDER BY reported_at, id) AS next_at
                      FROM "case" WHERE district_id = $1 AND status <> 'draft'),
           extra AS (SELECT r.case_id FROM report r JOIN pop ON pop.id = r.case_id
                      WHERE r.filed_at <= pop.reported_at + interval '90 days' GROUP BY r.case_id HAVING count(*) > 1)
         SELECT pop.street_id AS s,
                count(*) FILTER (WHERE e.case_id IS NOT NULL OR n.next_at <= pop.reported_at + interval '90 days'
                                  OR EXISTS (SELECT 1 FROM "case" r WHERE r.id = ANY(pop.related_case_ids) AND r.status <> 'draft'
                                              AND r.reported_at > pop.reported_at AND r.reported_at <= pop.reported_at + interval '90 days')) AS a,
                count(*) AS b
           FROM pop JOIN nxt n ON n.id = pop.id LEFT JOIN extra e ON e.case_id = pop.id
          GROUP BY 1`,
      ),
      // The caseload now (not the period's): open cases by assignee and street.
      db.query<{ id: string; username: string; role: string; s: string | null; n: string }[]>(
        `SELECT u.id, u.username, u.role::text AS role, c.street_id AS s, count(*) AS n
           FROM "case" c JOIN "user" u ON u.id = c.assignee_id
          WHERE c.district_id = $1 AND c.status NOT IN ('closed', 'draft')
          GROUP BY 1, 2, 3, 4 ORDER BY u.username, u.id, c.street_id`,
        [districtId],
      ),
    ]);

    return {
      streets,
      byStatus,
      byRisk,
      byCategory,
      byReporter,
      bySexAge,
      breach: breach.map((r) => ({ street: streetKey(r.s), kind: r.k, breached: num(r.breached), concluded: num(r.concluded), all: num(r.n) })),
      medians: medians.map((r) => ({
        street: r.s,
        toAcceptance: { hours: hours(r.acc), n: num(r.acc_n) },
        toAssessment: { hours: hours(r.ass), n: num(r.ass_n) },
        toIntervention: { hours: hours(r.int), n: num(r.int_n) },
      })),
      reportDelay: reportDelay.map((r) => ({ street: r.s, delay: { hours: hours(r.h), n: num(r.n) } })),
      police,
      feedback,
      rereport,
      workers: workers.map((r) => ({ id: r.id, username: r.username, role: r.role, street: streetKey(r.s), n: num(r.n) })),
    };
  }
}
