import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the rules the law sets, enforced on the record (issue 12).
 * - visits have a kind (verification, routine, post_warning);
 * - a measure may be urgent (a protection order decided within 24 h), and the district-decided
 *   measures wait in `pending_decision` until a `measure` approval is decided (`rejected` if refused);
 * - a report may state that the child needs emergency placement (part of the risk floor);
 * - an assessment may record where the child goes after temporary guardianship;
 * - the reporting unit's outcome feedback (Art.11¶3) is a record of its own.
 * New enum values are appended (ALTER TYPE … ADD VALUE); nothing uses them in this transaction.
 */
export class StatutoryRules1795700000300 implements MigrationInterface {
  name = 'StatutoryRules1795700000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."visit_kind" AS ENUM('verification', 'routine', 'post_warning')`);
    await queryRunner.query(`ALTER TABLE "visit" ADD "kind" "public"."visit_kind" NOT NULL DEFAULT 'routine'`);
    await queryRunner.query(`ALTER TABLE "measure" ADD "urgent" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TYPE "public"."measure_status" ADD VALUE IF NOT EXISTS 'pending_decision'`);
    await queryRunner.query(`ALTER TYPE "public"."measure_status" ADD VALUE IF NOT EXISTS 'rejected'`);
    await queryRunner.query(`ALTER TYPE "public"."approval_kind" ADD VALUE IF NOT EXISTS 'measure'`);
    await queryRunner.query(`ALTER TABLE "case" ADD "needs_emergency_placement" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE TYPE "public"."placement_decision" AS ENUM('return_to_guardian', 'long_term_placement')`);
    await queryRunner.query(`ALTER TABLE "assessment" ADD "placement" "public"."placement_decision"`);
    await queryRunner.query(`CREATE TYPE "public"."feedback_channel" AS ENUM('phone', 'letter', 'in_person', 'system')`);
    await queryRunner.query(`
      CREATE TABLE "outcome_feedback" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "channel" "public"."feedback_channel" NOT NULL,
        "told_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "summary" character varying(2000) NOT NULL,
        "recorded_by_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_f12c79d93746e3b0afd43bf3a19" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(`CREATE INDEX "outcome_feedback_case_idx" ON "outcome_feedback" ("case_id", "told_at")`);
    await queryRunner.query(`
      ALTER TABLE "outcome_feedback" ADD CONSTRAINT "FK_18c2583fc9d23bc1a2f07d7ccc2"
      FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
      ALTER TABLE "outcome_feedback" ADD CONSTRAINT "FK_4e442fa6f6ef2f73813cd6eaf57"
      FOREIGN KEY ("recorded_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outcome_feedback"`);
    await queryRunner.query(`DROP TYPE "public"."feedback_channel"`);
    await queryRunner.query(`ALTER TABLE "assessment" DROP COLUMN "placement"`);
    await queryRunner.query(`DROP TYPE "public"."placement_decision"`);
    await queryRunner.query(`ALTER TABLE "case" DROP COLUMN "needs_emergency_placement"`);
    await queryRunner.query(`ALTER TABLE "measure" DROP COLUMN "urgent"`);
    await queryRunner.query(`ALTER TABLE "visit" DROP COLUMN "kind"`);
    await queryRunner.query(`DROP TYPE "public"."visit_kind"`);
    // Enum values added to measure_status and approval_kind stay: PostgreSQL cannot drop an enum value.
  }
}
