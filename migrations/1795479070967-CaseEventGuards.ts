import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (TypeORM does not generate these): the timeline's foreign key to
 * its case, the trigger that makes case_event append-only, and the GIN index of
 * the category filter.
 */
export class CaseEventGuards1795479070967 implements MigrationInterface {
  name = 'CaseEventGuards1795479070967';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "case_event"
      ADD CONSTRAINT "case_event_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT
    `);
    await queryRunner.query(`
      CREATE FUNCTION case_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER case_event_no_update_delete BEFORE UPDATE OR DELETE ON "case_event"
      FOR EACH ROW EXECUTE FUNCTION case_event_append_only()
    `);
    await queryRunner.query(`
      CREATE TRIGGER case_event_no_truncate BEFORE TRUNCATE ON "case_event"
      FOR EACH STATEMENT EXECUTE FUNCTION case_event_append_only()
    `);
    await queryRunner.query(`CREATE INDEX "case_categories_idx" ON "case" USING gin ("categories")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "case_categories_idx"`);
    await queryRunner.query(`DROP TRIGGER case_event_no_truncate ON "case_event"`);
    await queryRunner.query(`DROP TRIGGER case_event_no_update_delete ON "case_event"`);
    await queryRunner.query(`DROP FUNCTION case_event_append_only()`);
    await queryRunner.query(`ALTER TABLE "case_event" DROP CONSTRAINT "case_event_case_id_fkey"`);
  }
}
