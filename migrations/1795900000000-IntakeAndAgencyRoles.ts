import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the roles hotline_intake (12345-6 热线接报员) and agency_liaison
 * (协同单位联络员) of issue 13 (domain.md §1).
 *
 * As in DistrictLeader1795700000200, ADD VALUE runs in this migration's own transaction
 * and nothing here uses the new values; later migrations and the seeder may.
 *
 * down() rebuilds the type without the two values, for every column of that type, and
 * refuses while a row still holds one of them.
 */
export class IntakeAndAgencyRoles1795900000000 implements MigrationInterface {
  name = 'IntakeAndAgencyRoles1795900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TYPE "public"."user_role" ADD VALUE IF NOT EXISTS 'hotline_intake' AFTER 'district_leader'`);
    await queryRunner.query(`ALTER TYPE "public"."user_role" ADD VALUE IF NOT EXISTS 'agency_liaison' AFTER 'hotline_intake'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const removed = ['hotline_intake', 'agency_liaison'];
    const columns: { table: string; column: string }[] = await queryRunner.query(`
      SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
       WHERE table_schema = 'public' AND udt_schema = 'public' AND udt_name = 'user_role'
       ORDER BY table_name, column_name
    `);
    const inUse: string[] = [];
    for (const { table, column } of columns) {
      const [{ n }]: { n: number }[] = await queryRunner.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}"::text = ANY($1)`, [removed]);
      if (n > 0) inUse.push(`${table}.${column} (${n})`);
    }
    if (inUse.length > 0) {
      throw new Error(`cannot remove the roles ${removed.join(', ')} while rows still hold them: ${inUse.join(', ')}; change those rows first`);
    }
    const labels: { label: string }[] = await queryRunner.query(
      `
      SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' AND t.typname = 'user_role' AND NOT (e.enumlabel = ANY($1))
       ORDER BY e.enumsortorder
    `,
      [removed],
    );
    await queryRunner.query(`ALTER TYPE "public"."user_role" RENAME TO "user_role_old"`);
    await queryRunner.query(`CREATE TYPE "public"."user_role" AS ENUM(${labels.map((l) => `'${l.label.replace(/'/g, "''")}'`).join(', ')})`);
    for (const { table, column } of columns) {
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE "public"."user_role" USING "${column}"::text::"public"."user_role"`);
    }
    await queryRunner.query(`DROP TYPE "public"."user_role_old"`);
  }
}
