import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: maker-checker for accounts that can read case content (issue 9,
 * item 4). Existing rows, and rows inserted without a status, are approved. The
 * user_event trail is append-only through the same trigger function as case_event.
 */
export class UserApproval1795600000000 implements MigrationInterface {
  name = 'UserApproval1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."user_status" AS ENUM('active', 'pending_approval', 'rejected')`);
    await queryRunner.query(`
      ALTER TABLE "user"
        ADD "status" "public"."user_status" NOT NULL DEFAULT 'active',
        ADD "pending_role" "public"."user_role",
        ADD "pending_jurisdiction_id" uuid,
        ADD "pending_password_hash" character varying(255),
        ADD "approval_requested_by" uuid,
        ADD "approval_requested_at" TIMESTAMP WITH TIME ZONE
    `);
    await queryRunner.query(`
      ALTER TABLE "user"
      ADD CONSTRAINT "user_pending_jurisdiction_id_fkey" FOREIGN KEY ("pending_jurisdiction_id") REFERENCES "jurisdiction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
      CREATE TABLE "user_event" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "user_id" uuid NOT NULL,
        "district_id" uuid NOT NULL,
        "actor_id" uuid,
        "actor_role" character varying(32) NOT NULL,
        "type" character varying(40) NOT NULL,
        "data" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "PK_4245a6b002b13f12e426d9db3ff" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(`CREATE INDEX "user_event_district_at_idx" ON "user_event" ("district_id", "at")`);
    await queryRunner.query(`CREATE INDEX "user_event_user_at_idx" ON "user_event" ("user_id", "at")`);
    await queryRunner.query(`
      CREATE TRIGGER user_event_no_update_delete BEFORE UPDATE OR DELETE ON "user_event"
      FOR EACH ROW EXECUTE FUNCTION case_event_append_only()
    `);
    await queryRunner.query(`
      CREATE TRIGGER user_event_no_truncate BEFORE TRUNCATE ON "user_event"
      FOR EACH STATEMENT EXECUTE FUNCTION case_event_append_only()
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER user_event_no_truncate ON "user_event"`);
    await queryRunner.query(`DROP TRIGGER user_event_no_update_delete ON "user_event"`);
    await queryRunner.query(`DROP TABLE "user_event"`);
    await queryRunner.query(`ALTER TABLE "user" DROP CONSTRAINT "user_pending_jurisdiction_id_fkey"`);
    await queryRunner.query(`
      ALTER TABLE "user"
        DROP COLUMN "approval_requested_at",
        DROP COLUMN "approval_requested_by",
        DROP COLUMN "pending_password_hash",
        DROP COLUMN "pending_jurisdiction_id",
        DROP COLUMN "pending_role",
        DROP COLUMN "status"
    `);
    await queryRunner.query(`DROP TYPE "public"."user_status"`);
  }
}
