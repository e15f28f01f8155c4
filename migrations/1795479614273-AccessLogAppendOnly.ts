import { MigrationInterface, QueryRunner } from 'typeorm';

/** Written by hand: identity reads are as unalterable as the timeline. */
export class AccessLogAppendOnly1795479614273 implements MigrationInterface {
  name = 'AccessLogAppendOnly1795479614273';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TRIGGER access_log_no_update_delete BEFORE UPDATE OR DELETE ON "access_log"
      FOR EACH ROW EXECUTE FUNCTION case_event_append_only()
    `);
    await queryRunner.query(`
      CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON "access_log"
      FOR EACH STATEMENT EXECUTE FUNCTION case_event_append_only()
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER access_log_no_truncate ON "access_log"`);
    await queryRunner.query(`DROP TRIGGER access_log_no_update_delete ON "access_log"`);
  }
}
