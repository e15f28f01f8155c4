import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: case numbers from one PostgreSQL sequence (issue 14, point 2). A filing
 * takes its number with nextval in the same statement as its advisory lock, instead of a
 * statement of its own on the per-district counter before the transaction. One global
 * sequence: numbers stay unique and increasing, gaps were already allowed (a filing that
 * fails or links). It starts after the highest number handed out so far (the counters', and
 * any case number's own), so no new number repeats an old one. MAXVALUE keeps the number
 * within case.case_no (varchar 24: a prefix of at most 8, "-", the year, "-", 10 digits).
 * case_number_counter stays (read by nothing now) so that `down` can go back to it.
 */
export class CaseNumberSequence1796000000000 implements MigrationInterface {
  name = 'CaseNumberSequence1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE "case_number_seq" AS bigint MINVALUE 1 MAXVALUE 9999999999 NO CYCLE`);
    await queryRunner.query(`
      SELECT setval('case_number_seq', 1 + GREATEST(
        COALESCE((SELECT max(last) FROM case_number_counter), 0),
        COALESCE((SELECT max(substring(case_no FROM '-([0-9]{1,10})$')::bigint) FROM "case"), 0)
      ), false)
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Back to the per-district counters: each starts after the highest number its district used.
    await queryRunner.query(`
      INSERT INTO case_number_counter (district_id, year, last)
      SELECT district_id, extract(year FROM reported_at AT TIME ZONE 'Asia/Shanghai')::smallint, max(substring(case_no FROM '-([0-9]{1,10})$')::bigint)
        FROM "case" WHERE case_no ~ '-[0-9]{1,10}$' GROUP BY 1, 2
      ON CONFLICT (district_id, year) DO UPDATE SET last = GREATEST(case_number_counter.last, EXCLUDED.last)
    `);
    await queryRunner.query(`DROP SEQUENCE "case_number_seq"`);
  }
}
