import { MigrationInterface, QueryRunner } from 'typeorm';

/** A case's day in the figures: the Shanghai calendar day of an instant. */
const day = (ts: string) => `((${ts}) AT TIME ZONE 'Asia/Shanghai')::date`;

/**
 * The (district, day) pairs a set of changed case rows `r` makes stale: the case's own day; the days of the same
 * child's cases reported up to 90 days before it (their re-report numerator looks at the next case of the child;
 * for a statement of many rows, 90 days before the earliest up to the latest: more days than needed, never fewer);
 * the days of the cases linked to it (related_case_ids, linked both ways at intake); and the days its reports
 * count on (greatest(filed_at, reported_at)). Written as semi-joins (IN), not joins from `r`: while a bulk insert
 * runs on a table whose statistics still say it is small, a join from the transition table was planned as a nested
 * loop over sequential scans (35 s for 20,000 cases in one statement); a semi-join reads the table once.
 */
const caseMarks = `
  SELECT r.district_id, ${day('r.reported_at')} AS day FROM r WHERE r.reported_at IS NOT NULL
  UNION
  SELECT c.district_id, ${day('c.reported_at')} FROM "case" c
   WHERE c.child_id IN (SELECT child_id FROM r WHERE r.reported_at IS NOT NULL)
     AND c.reported_at >= (SELECT min(reported_at) FROM r) - interval '90 days' AND c.reported_at <= (SELECT max(reported_at) FROM r)
  UNION
  SELECT c.district_id, ${day('c.reported_at')} FROM "case" c WHERE c.id IN (SELECT unnest(r.related_case_ids) FROM r) AND c.reported_at IS NOT NULL
  UNION
  SELECT r.district_id, ${day('greatest(p.filed_at, r.reported_at)')} FROM r JOIN report p ON p.case_id = r.id WHERE r.reported_at IS NOT NULL`;

/** The columns of a case the figures read (a change to any other, e.g. next_due_at, marks nothing). */
const CASE_COLUMNS = [
  'status',
  'risk_level',
  'categories',
  'mandatory_items',
  'child_id',
  'street_id',
  'district_id',
  'reported_at',
  'accepted_at',
  'assessed_at',
  'intervention_started_at',
  'police_reported_at',
  'police_feedback_at',
  'related_case_ids',
];
const changed = (cols: string[]) => `(${cols.map((c) => `o.${c}`).join(', ')}) IS DISTINCT FROM (${cols.map((c) => `n.${c}`).join(', ')})`;

/**
 * A statement-level trigger function: `rows` is the SQL of the changed rows (as `r`), per operation, and `marks` the
 * (district_id, day) pairs they make stale. Statement-level with transition tables, so a bulk load marks each day once.
 */
const markFunction = (name: string, rows: { insert: string | null; update: string; delete: string | null }, marks: string) => {
  const branch = (sql: string) => `INSERT INTO stats_dirty (district_id, day) SELECT DISTINCT m.district_id, m.day FROM (WITH r AS (${sql}) ${marks}) m
          WHERE m.district_id IS NOT NULL AND m.day IS NOT NULL;`;
  return `
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        ${branch(rows.update)}
      ${rows.insert ? `ELSIF TG_OP = 'INSERT' THEN\n        ${branch(rows.insert)}` : ''}
      ${rows.delete ? `ELSIF TG_OP = 'DELETE' THEN\n        ${branch(rows.delete)}` : ''}
      END IF;
      RETURN NULL;
    END
    $fn$`;
};

/** Changed rows of an UPDATE: the old and the new version of each row whose listed columns changed. */
const updatedRows = (cols: string[]) =>
  `SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${changed(cols)}
   UNION ALL SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${changed(cols)}`;

/**
 * Written by hand (issue 14, point 4): the indicators from rollups. `stats_rollup` holds, per district, Shanghai day
 * (of the case's reported_at, or of a report's arrival) and street, every additive part of GET /api/stats (counts,
 * numerators and denominators, and value→count distributions of the intervals the medians are taken over, at the
 * 0.01 h the answer shows). Row-changing statements on case, report, deadline and child mark the days they make stale
 * in `stats_dirty` (an append-only log: no unique key, so concurrent filings never wait on each other); the worker
 * folds marked days into `stats_rollup` and deletes their marks; `stats_rollup_state` records the policy windows the
 * on-time numerators were folded with and when the last fold round started.
 */
export class StatsRollups1796000000100 implements MigrationInterface {
  name = 'StatsRollups1796000000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "stats_rollup" (
        "district_id" uuid NOT NULL,
        "day" date NOT NULL,
        "street" text NOT NULL,
        "metric" text NOT NULL,
        "key" text NOT NULL,
        "n" bigint NOT NULL,
        CONSTRAINT "stats_rollup_pkey" PRIMARY KEY ("district_id", "day", "street", "metric", "key")
      )
    `);
    // The same parts summed per calendar month (month: its first day), kept with the days: a year's answer reads 12 rows a part, not 365.
    await queryRunner.query(`
      CREATE TABLE "stats_rollup_month" (
        "district_id" uuid NOT NULL,
        "month" date NOT NULL,
        "street" text NOT NULL,
        "metric" text NOT NULL,
        "key" text NOT NULL,
        "n" bigint NOT NULL,
        CONSTRAINT "stats_rollup_month_pkey" PRIMARY KEY ("district_id", "month", "street", "metric", "key")
      )
    `);
    await queryRunner.query(`
      CREATE TABLE "stats_dirty" (
        "district_id" uuid NOT NULL,
        "day" date NOT NULL,
        "marked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
      )
    `);
    await queryRunner.query(`CREATE INDEX "stats_dirty_district_day_idx" ON "stats_dirty" ("district_id", "day")`);
    await queryRunner.query(`
      CREATE TABLE "stats_rollup_state" (
        "id" smallint NOT NULL DEFAULT 1,
        "windows" text,
        "folded_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "stats_rollup_state_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "stats_rollup_state_one_row" CHECK ("id" = 1)
      )
    `);
    await queryRunner.query(`INSERT INTO "stats_rollup_state" (id) VALUES (1)`);
    // The reports that arrived in a day on cases reported before it (further and linked reports): without it, every
    // day's fold and every answer's partial days scan all reports.
    await queryRunner.query(`CREATE INDEX "report_filed_at_idx" ON "report" ("filed_at")`);

    const caseRows = `SELECT id, district_id, child_id, reported_at, related_case_ids FROM`;
    await queryRunner.query(
      markFunction(
        'stats_mark_case',
        {
          insert: `${caseRows} new_rows`,
          update: `SELECT id, district_id, child_id, reported_at, related_case_ids FROM (${updatedRows(CASE_COLUMNS)}) u`,
          delete: `${caseRows} old_rows`,
        },
        caseMarks,
      ),
    );
    // A report counts on the day it arrived (greatest(filed_at, reported_at)) and in its case's re-report numerator.
    const reportMarks = `SELECT c.district_id, ${day('c.reported_at')} AS day FROM r JOIN "case" c ON c.id = r.case_id WHERE c.reported_at IS NOT NULL
                         UNION SELECT c.district_id, ${day('greatest(r.filed_at, c.reported_at)')} FROM r JOIN "case" c ON c.id = r.case_id
                          WHERE c.reported_at IS NOT NULL`;
    await queryRunner.query(
      markFunction(
        'stats_mark_report',
        {
          insert: 'SELECT case_id, filed_at FROM new_rows',
          update: `SELECT case_id, filed_at FROM (${updatedRows(['case_id', 'reporter_type', 'discovered_at', 'filed_at'])}) u`,
          delete: 'SELECT case_id, filed_at FROM old_rows',
        },
        reportMarks,
      ),
    );
    const ofCase = `SELECT c.district_id, ${day('c.reported_at')} AS day FROM r JOIN "case" c ON c.id = r.case_id WHERE c.reported_at IS NOT NULL`;
    await queryRunner.query(
      markFunction(
        'stats_mark_deadline',
        {
          insert: 'SELECT case_id FROM new_rows',
          update: `SELECT case_id FROM (${updatedRows(['case_id', 'kind', 'status'])}) u`,
          delete: 'SELECT case_id FROM old_rows',
        },
        ofCase,
      ),
    );
    // A child's sex and birth date make the sex × age band of every case of the child.
    await queryRunner.query(
      markFunction(
        'stats_mark_child',
        { insert: null, update: `SELECT id FROM (${updatedRows(['sex', 'birth_date'])}) u`, delete: null },
        `SELECT c.district_id, ${day('c.reported_at')} AS day FROM r JOIN "case" c ON c.child_id = r.id WHERE c.reported_at IS NOT NULL`,
      ),
    );
    const triggers: [string, string, ('INSERT' | 'UPDATE' | 'DELETE')[]][] = [
      ['case', 'stats_mark_case', ['INSERT', 'UPDATE', 'DELETE']],
      ['report', 'stats_mark_report', ['INSERT', 'UPDATE', 'DELETE']],
      ['deadline', 'stats_mark_deadline', ['INSERT', 'UPDATE', 'DELETE']],
      ['child', 'stats_mark_child', ['UPDATE']],
    ];
    for (const [table, fn, ops] of triggers) {
      for (const op of ops) {
        const referencing = { INSERT: 'NEW TABLE AS new_rows', UPDATE: 'OLD TABLE AS old_rows NEW TABLE AS new_rows', DELETE: 'OLD TABLE AS old_rows' }[op];
        await queryRunner.query(
          `CREATE TRIGGER "${table}_stats_mark_${op.toLowerCase()}" AFTER ${op} ON "${table}" REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
        );
      }
    }
    // Every day that has figures today is stale until the worker's first fold.
    await queryRunner.query(`
      INSERT INTO stats_dirty (district_id, day)
      SELECT district_id, ${day('reported_at')} FROM "case" WHERE reported_at IS NOT NULL
      UNION
      SELECT c.district_id, ${day('greatest(r.filed_at, c.reported_at)')} FROM report r JOIN "case" c ON c.id = r.case_id WHERE c.reported_at IS NOT NULL
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, ops] of [
      ['case', ['insert', 'update', 'delete']],
      ['report', ['insert', 'update', 'delete']],
      ['deadline', ['insert', 'update', 'delete']],
      ['child', ['update']],
    ] as const) {
      for (const op of ops) await queryRunner.query(`DROP TRIGGER IF EXISTS "${table}_stats_mark_${op}" ON "${table}"`);
    }
    for (const fn of ['stats_mark_case', 'stats_mark_report', 'stats_mark_deadline', 'stats_mark_child']) await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    await queryRunner.query(`DROP INDEX "report_filed_at_idx"`);
    await queryRunner.query(`DROP TABLE "stats_rollup_state"`);
    await queryRunner.query(`DROP TABLE "stats_dirty"`);
    await queryRunner.query(`DROP TABLE "stats_rollup_month"`);
    await queryRunner.query(`DROP TABLE "stats_rollup"`);
  }
}
