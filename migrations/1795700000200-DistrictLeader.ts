import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the district_leader role (区分管领导, issue 12 item 8), which the second
 * stage of an escalation reaches.
 *
 * ADD VALUE runs inside this migration's transaction (PostgreSQL 12+ allows it), but a
 * new enum value cannot be used before the transaction that added it commits. The
 * migrations run with transaction 'each' (scripts/db.ts), so the value is usable by the
 * seeder and by any later migration; nothing here uses it.
 *
 * PostgreSQL cannot drop an enum value: down() rebuilds the type without it, for every
 * column of that type (user.role, user.pending_role, approval.decided_by_role,
 * deadline.responsible_role and any added since), and refuses while a row still holds it.
 */
export class DistrictLeader1795700000200 implements MigrationInterface {
  name = 'DistrictLeader1795700000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TYPE "public"."user_role" ADD VALUE IF NOT EXISTS 'district_leader' AFTER 'district_staff'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const columns: { table: string; column: string }[] = await queryRunner.query(`
      SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
       WHERE table_schema = 'public' AND udt_schema = 'public' AND udt_name = 'user_role'
       ORDER BY table_name, column_name
    `);
    const inUse: string[] = [];
    for (const { table, column } of columns) {
      const [{ n }]: { n: number }[] = await queryRunner.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}" = 'district_leader'`);
      if (n > 0) inUse.push(`${table}.${column} (${n})`);
    }
    if (inUse.length > 0) {
      throw new Error(`cannot remove the role district_leader while rows still hold it: ${inUse.join(', ')}; change those rows first`);
    }
    const labels: { label: string }[] = await queryRunner.query(`
      SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' AND t.typname = 'user_role' AND e.enumlabel <> 'district_leader'
       ORDER BY e.enumsortorder
    `);
    await queryRunner.query(`ALTER TYPE "public"."user_role" RENAME TO "user_role_old"`);
    await queryRunner.query(`CREATE TYPE "public"."user_role" AS ENUM(${labels.map((l) => `'${l.label.replace(/'/g, "''")}'`).join(', ')})`);
    for (const { table, column } of columns) {
      await queryRunner.query(`ALTER TABLE "${table}" ALTER COLUMN "${column}" TYPE "public"."user_role" USING "${column}"::text::"public"."user_role"`);
    }
    await queryRunner.query(`DROP TYPE "public"."user_role_old"`);
  }
}
