import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: unlocated cases (issue 13, item 1; domain.md §1). The 12345-6 hotline
 * may file a report whose community it does not know (`communityId: null` + the report's
 * location); district staff route it to a community with `transfer`. Until then the case
 * has a district but no street and no community.
 *
 * The CHECK keeps that state narrow: street and community are null together, and only
 * before acceptance (draft, submitted, returned). Every case from acceptance on has its
 * place, as before. The report's location (report.location) already exists: it is kept
 * like the child's address (plain column, never logged).
 *
 * down() refuses while an unlocated case exists: route it first.
 */
export class UnlocatedCases1795900000100 implements MigrationInterface {
  name = 'UnlocatedCases1795900000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "case" ALTER COLUMN "community_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "case" ALTER COLUMN "street_id" DROP NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE "case" ADD CONSTRAINT "case_unlocated_before_acceptance" CHECK (
        (community_id IS NULL) = (street_id IS NULL)
        AND (community_id IS NOT NULL OR status IN ('draft', 'submitted', 'returned'))
      )
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const [{ n }]: { n: number }[] = await queryRunner.query(`SELECT count(*)::int AS n FROM "case" WHERE community_id IS NULL OR street_id IS NULL`);
    if (n > 0) throw new Error(`cannot make case.community_id and case.street_id NOT NULL while ${n} unlocated case(s) exist; route them with transfer first`);
    await queryRunner.query(`ALTER TABLE "case" DROP CONSTRAINT "case_unlocated_before_acceptance"`);
    await queryRunner.query(`ALTER TABLE "case" ALTER COLUMN "street_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "case" ALTER COLUMN "community_id" SET NOT NULL`);
  }
}
