import { MigrationInterface, QueryRunner } from "typeorm";

export class CasesDeadlinesNotifications1795479070966 implements MigrationInterface {
    name = 'CasesDeadlinesNotifications1795479070966'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."child_sex" AS ENUM('female', 'male', 'unknown')
        `);
        await queryRunner.query(`
            CREATE TABLE "child" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(50) NOT NULL,
                "sex" "public"."child_sex" NOT NULL,
                "birth_date" date NOT NULL,
                "id_number_cipher" text,
                "id_number_hmac" character(64),
                "address" character varying(200),
                "school" character varying(100),
                "street_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_4609b9b323ca37c6bc435ec4b6b" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "child_id_number_hmac_idx" ON "child" ("id_number_hmac")
            WHERE id_number_hmac IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "child_name_birth_street_idx" ON "child" ("street_id", "name", "birth_date")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."case_status" AS ENUM(
                'draft',
                'submitted',
                'returned',
                'assessing',
                'intervening',
                'follow_up',
                'closed'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."risk_level" AS ENUM('R1', 'R2', 'R3', 'R4')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."closure_kind" AS ENUM('resolved', 'unsubstantiated', 'merged')
        `);
        await queryRunner.query(`
            CREATE TABLE "case" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_no" character varying(24) NOT NULL,
                "status" "public"."case_status" NOT NULL,
                "risk_level" "public"."risk_level" NOT NULL,
                "categories" character varying(3) array NOT NULL,
                "mandatory_items" smallint array NOT NULL DEFAULT '{}',
                "child_id" uuid NOT NULL,
                "community_id" uuid NOT NULL,
                "street_id" uuid NOT NULL,
                "district_id" uuid NOT NULL,
                "assignee_id" uuid,
                "created_by_id" uuid NOT NULL,
                "reported_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "accepted_at" TIMESTAMP WITH TIME ZONE,
                "assessed_at" TIMESTAMP WITH TIME ZONE,
                "intervention_started_at" TIMESTAMP WITH TIME ZONE,
                "follow_up_started_at" TIMESTAMP WITH TIME ZONE,
                "closed_at" TIMESTAMP WITH TIME ZONE,
                "closure_kind" "public"."closure_kind",
                "closure_reason" character varying(1000),
                "merged_into_id" uuid,
                "flags" character varying(32) array NOT NULL DEFAULT '{}',
                "escalation_level" smallint NOT NULL DEFAULT '0',
                "police_reported_at" TIMESTAMP WITH TIME ZONE,
                "police_receipt_no" character varying(64),
                "police_not_reported_reason" character varying(1000),
                "police_feedback_at" TIMESTAMP WITH TIME ZONE,
                "police_feedback" character varying(2000),
                "next_due_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT '9999-12-31 00:00:00+00',
                "next_due_kind" character varying(40),
                "last_event_seq" integer NOT NULL DEFAULT '0',
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "case_categories_nonempty" CHECK (cardinality(categories) > 0),
                CONSTRAINT "PK_a1b20a2aef6fc438389d2c4aca0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "case_case_no_key" ON "case" ("case_no")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_assignee_idx" ON "case" ("assignee_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_child_idx" ON "case" ("child_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_community_risk_idx" ON "case" (
                "community_id",
                "risk_level",
                "reported_at",
                "id"
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "case_district_risk_idx" ON "case" ("district_id", "risk_level", "reported_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_street_risk_idx" ON "case" ("street_id", "risk_level", "reported_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_community_due_idx" ON "case" ("community_id", "next_due_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_district_due_idx" ON "case" ("district_id", "next_due_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_street_due_idx" ON "case" ("street_id", "next_due_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_community_reported_idx" ON "case" ("community_id", "reported_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_district_reported_idx" ON "case" ("district_id", "reported_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_street_reported_idx" ON "case" ("street_id", "reported_at", "id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."approval_kind" AS ENUM('start_intervention', 'closure')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."approval_status" AS ENUM('pending', 'approved', 'rejected')
        `);
        await queryRunner.query(`
            CREATE TABLE "approval" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "kind" "public"."approval_kind" NOT NULL,
                "status" "public"."approval_status" NOT NULL DEFAULT 'pending',
                "decided_by_role" "public"."user_role" NOT NULL,
                "payload" jsonb NOT NULL DEFAULT '{}',
                "requested_by_id" uuid NOT NULL,
                "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "decided_by_id" uuid,
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "decision_reason" character varying(1000),
                CONSTRAINT "PK_97bfd1cd9dff3c1302229da6b5c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "approval_status_requested_idx" ON "approval" ("status", "requested_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "approval_one_pending_per_case" ON "approval" ("case_id")
            WHERE status = 'pending'
        `);
        await queryRunner.query(`
            CREATE INDEX "approval_case_idx" ON "approval" ("case_id", "status")
        `);
        await queryRunner.query(`
            CREATE TABLE "assessment" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "safety" text NOT NULL,
                "guardianship" text NOT NULL,
                "wellbeing" text NOT NULL,
                "risk_level" "public"."risk_level" NOT NULL,
                "summary" text NOT NULL,
                "assessed_by_id" uuid NOT NULL,
                "assessed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c511a7dc128256876b6b1719401" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "assessment_case_idx" ON "assessment" ("case_id", "assessed_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "case_number_counter" (
                "district_id" uuid NOT NULL,
                "year" smallint NOT NULL,
                "last" integer NOT NULL,
                CONSTRAINT "PK_c086ce349fabd23bec4acec7f7c" PRIMARY KEY ("district_id", "year")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."measure_type" AS ENUM(
                'police_report',
                'warning_letter',
                'protection_order',
                'temporary_guardianship',
                'emergency_placement',
                'revoke_guardianship',
                'medical',
                'counseling',
                'legal_aid',
                'welfare_subsidy',
                'school_support',
                'family_guidance',
                'referral_other'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."measure_status" AS ENUM('planned', 'done', 'cancelled')
        `);
        await queryRunner.query(`
            CREATE TABLE "measure" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "type" "public"."measure_type" NOT NULL,
                "status" "public"."measure_status" NOT NULL DEFAULT 'planned',
                "owner_id" uuid,
                "agency" character varying(100),
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "note" character varying(2000),
                "outcome" character varying(2000),
                "created_by_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_ddc1ad2a86717cedc808809423e" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "measure_case_idx" ON "measure" ("case_id", "status")
        `);
        await queryRunner.query(`
            CREATE TABLE "note" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "text" text NOT NULL,
                "author_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_96d0c172a4fba276b1bbed43058" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "note_case_idx" ON "note" ("case_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "visit" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "visited_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "risk_level" "public"."risk_level" NOT NULL,
                "outcome" character varying(2000) NOT NULL,
                "notes" text,
                "visitor_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c9919ef5a07627657c535d8eb88" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "visit_case_idx" ON "visit" ("case_id", "visited_at")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."deadline_status" AS ENUM('pending', 'met', 'breached', 'cancelled')
        `);
        await queryRunner.query(`
            CREATE TABLE "deadline" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "kind" character varying(40) NOT NULL,
                "ref_key" character varying(64) NOT NULL DEFAULT '',
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "remind_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "status" "public"."deadline_status" NOT NULL DEFAULT 'pending',
                "escalation_level" smallint NOT NULL DEFAULT '0',
                "responsible_role" "public"."user_role" NOT NULL,
                "responsible_user_id" uuid,
                "second_stage_at" TIMESTAMP WITH TIME ZONE,
                "reminded_at" TIMESTAMP WITH TIME ZONE,
                "breached_at" TIMESTAMP WITH TIME ZONE,
                "second_stage_done_at" TIMESTAMP WITH TIME ZONE,
                "closed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9b68db28fc035ed8a84691bfbaf" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "deadline_one_pending_per_step" ON "deadline" ("case_id", "kind", "ref_key")
            WHERE status = 'pending'
        `);
        await queryRunner.query(`
            CREATE INDEX "deadline_status_due_idx" ON "deadline" ("status", "due_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "deadline_case_idx" ON "deadline" ("case_id", "status")
        `);
        await queryRunner.query(`
            CREATE TABLE "notification" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "case_id" uuid,
                "kind" character varying(40) NOT NULL,
                "title" character varying(200) NOT NULL,
                "body" character varying(1000) NOT NULL,
                "dedupe_key" character varying(200) NOT NULL,
                "read_at" TIMESTAMP WITH TIME ZONE,
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_705b6c7cdf9b2c2ff7ac7872cb7" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "notification_dedupe_key" ON "notification" ("dedupe_key")
        `);
        await queryRunner.query(`
            CREATE INDEX "notification_user_idx" ON "notification" ("user_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "case_event" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "case_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "type" character varying(40) NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "actor_id" uuid,
                "actor_role" character varying(32) NOT NULL,
                "from_status" character varying(20),
                "to_status" character varying(20),
                "data" jsonb NOT NULL DEFAULT '{}',
                "prev_hash" character(64) NOT NULL,
                "hash" character(64) NOT NULL,
                CONSTRAINT "PK_5b6e18b2d4fd178711a2269645e" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "case_event_actor_idx" ON "case_event" ("actor_id", "at")
        `);
        await queryRunner.query(`
            CREATE INDEX "case_event_at_idx" ON "case_event" ("at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "case_event_case_seq_key" ON "case_event" ("case_id", "seq")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."reporter_type" AS ENUM(
                'mandatory_institution',
                'mandatory_staff',
                'guardian',
                'public',
                'child_self',
                'hotline',
                'internal_discovery',
                'agency_referral'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "report" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "case_id" uuid NOT NULL,
                "reporter_type" "public"."reporter_type" NOT NULL,
                "anonymous" boolean NOT NULL DEFAULT false,
                "reporter_name" character varying(50),
                "reporter_org" character varying(100),
                "reporter_phone" character varying(30),
                "discovered_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "location" character varying(200),
                "narrative" text,
                "categories" character varying(3) array NOT NULL DEFAULT '{}',
                "mandatory_items" smallint array NOT NULL DEFAULT '{}',
                "risk_estimate" "public"."risk_level",
                "linked" boolean NOT NULL DEFAULT false,
                "filed_by_id" uuid NOT NULL,
                "filed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_99e4d0bea58cba73c57f935a546" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "report_case_idx" ON "report" ("case_id", "filed_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "jurisdiction"
            ADD "case_prefix" character varying(8)
        `);
        await queryRunner.query(`
            ALTER TABLE "case"
            ADD CONSTRAINT "FK_c1693332e4d37f51f161e9c9f5f" FOREIGN KEY ("child_id") REFERENCES "child"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "case"
            ADD CONSTRAINT "FK_72d80a7d079f3ac808d5c63e622" FOREIGN KEY ("community_id") REFERENCES "jurisdiction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "case"
            ADD CONSTRAINT "FK_f038174207991f4eb0ecd6862af" FOREIGN KEY ("street_id") REFERENCES "jurisdiction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "case"
            ADD CONSTRAINT "FK_196dd4ac52dfda134b685f2270b" FOREIGN KEY ("district_id") REFERENCES "jurisdiction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "case"
            ADD CONSTRAINT "FK_bbc1f51254130f6f65d719ba66c" FOREIGN KEY ("assignee_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "case"
            ADD CONSTRAINT "FK_afccf0ab0d520e52a920b387f16" FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "approval"
            ADD CONSTRAINT "FK_2965aa565819ebfedde2d76bb1b" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "approval"
            ADD CONSTRAINT "FK_822b3c0351c4bad0172d7e4f65b" FOREIGN KEY ("requested_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "assessment"
            ADD CONSTRAINT "FK_b252f66572122ec6d3d1c59df72" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "assessment"
            ADD CONSTRAINT "FK_9d7bf17c297f02dda57f6f87ec2" FOREIGN KEY ("assessed_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "measure"
            ADD CONSTRAINT "FK_0afa79ea3cf9f055cfeb1e4184e" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "measure"
            ADD CONSTRAINT "FK_beb768d880fffaa7dc1aca5678d" FOREIGN KEY ("owner_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "note"
            ADD CONSTRAINT "FK_90f18950bda5b495f793c2e8bd1" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "note"
            ADD CONSTRAINT "FK_665a6b343c55b13e2aba74ef613" FOREIGN KEY ("author_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "visit"
            ADD CONSTRAINT "FK_fd0573a65d24c28bdccac014886" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "visit"
            ADD CONSTRAINT "FK_bb09824dba7ceada6993c88af76" FOREIGN KEY ("visitor_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "notification"
            ADD CONSTRAINT "FK_928b7aa1754e08e1ed7052cb9d8" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "report"
            ADD CONSTRAINT "FK_287cf630122c58bbd704f12489a" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "report"
            ADD CONSTRAINT "FK_495f7c7a80146abe4450181c1ce" FOREIGN KEY ("filed_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "report" DROP CONSTRAINT "FK_495f7c7a80146abe4450181c1ce"
        `);
        await queryRunner.query(`
            ALTER TABLE "report" DROP CONSTRAINT "FK_287cf630122c58bbd704f12489a"
        `);
        await queryRunner.query(`
            ALTER TABLE "notification" DROP CONSTRAINT "FK_928b7aa1754e08e1ed7052cb9d8"
        `);
        await queryRunner.query(`
            ALTER TABLE "visit" DROP CONSTRAINT "FK_bb09824dba7ceada6993c88af76"
        `);
        await queryRunner.query(`
            ALTER TABLE "visit" DROP CONSTRAINT "FK_fd0573a65d24c28bdccac014886"
        `);
        await queryRunner.query(`
            ALTER TABLE "note" DROP CONSTRAINT "FK_665a6b343c55b13e2aba74ef613"
        `);
        await queryRunner.query(`
            ALTER TABLE "note" DROP CONSTRAINT "FK_90f18950bda5b495f793c2e8bd1"
        `);
        await queryRunner.query(`
            ALTER TABLE "measure" DROP CONSTRAINT "FK_beb768d880fffaa7dc1aca5678d"
        `);
        await queryRunner.query(`
            ALTER TABLE "measure" DROP CONSTRAINT "FK_0afa79ea3cf9f055cfeb1e4184e"
        `);
        await queryRunner.query(`
            ALTER TABLE "assessment" DROP CONSTRAINT "FK_9d7bf17c297f02dda57f6f87ec2"
        `);
        await queryRunner.query(`
            ALTER TABLE "assessment" DROP CONSTRAINT "FK_b252f66572122ec6d3d1c59df72"
        `);
        await queryRunner.query(`
            ALTER TABLE "approval" DROP CONSTRAINT "FK_822b3c0351c4bad0172d7e4f65b"
        `);
        await queryRunner.query(`
            ALTER TABLE "approval" DROP CONSTRAINT "FK_2965aa565819ebfedde2d76bb1b"
        `);
        await queryRunner.query(`
            ALTER TABLE "case" DROP CONSTRAINT "FK_afccf0ab0d520e52a920b387f16"
        `);
        await queryRunner.query(`
            ALTER TABLE "case" DROP CONSTRAINT "FK_bbc1f51254130f6f65d719ba66c"
        `);
        await queryRunner.query(`
            ALTER TABLE "case" DROP CONSTRAINT "FK_196dd4ac52dfda134b685f2270b"
        `);
        await queryRunner.query(`
            ALTER TABLE "case" DROP CONSTRAINT "FK_f038174207991f4eb0ecd6862af"
        `);
        await queryRunner.query(`
            ALTER TABLE "case" DROP CONSTRAINT "FK_72d80a7d079f3ac808d5c63e622"
        `);
        await queryRunner.query(`
            ALTER TABLE "case" DROP CONSTRAINT "FK_c1693332e4d37f51f161e9c9f5f"
        `);
        await queryRunner.query(`
            ALTER TABLE "jurisdiction" DROP COLUMN "case_prefix"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."report_case_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "report"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."reporter_type"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_event_case_seq_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_event_at_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_event_actor_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "case_event"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notification_user_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."notification_dedupe_key"
        `);
        await queryRunner.query(`
            DROP TABLE "notification"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."deadline_case_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."deadline_status_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."deadline_one_pending_per_step"
        `);
        await queryRunner.query(`
            DROP TABLE "deadline"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."deadline_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."visit_case_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "visit"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."note_case_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "note"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."measure_case_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "measure"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."measure_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."measure_type"
        `);
        await queryRunner.query(`
            DROP TABLE "case_number_counter"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."assessment_case_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "assessment"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."approval_case_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."approval_one_pending_per_case"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."approval_status_requested_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "approval"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."approval_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."approval_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_street_reported_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_district_reported_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_community_reported_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_street_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_district_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_community_due_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_street_risk_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_district_risk_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_community_risk_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_child_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_assignee_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."case_case_no_key"
        `);
        await queryRunner.query(`
            DROP TABLE "case"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."closure_kind"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."risk_level"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."case_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."child_name_birth_street_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."child_id_number_hmac_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "child"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."child_sex"
        `);
    }

}
