import { MigrationInterface, QueryRunner } from "typeorm";

export class AccessLog1795479614272 implements MigrationInterface {
    name = 'AccessLog1795479614272'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "access_log" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "actor_id" uuid NOT NULL,
                "actor_role" character varying(32) NOT NULL,
                "case_id" uuid NOT NULL,
                "district_id" uuid NOT NULL,
                "fields" character varying(40) array NOT NULL,
                CONSTRAINT "PK_bd09621fb73b42d9e32b85ae41f" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "access_log_actor_idx" ON "access_log" ("actor_id", "at")
        `);
        await queryRunner.query(`
            CREATE INDEX "access_log_case_idx" ON "access_log" ("case_id", "at")
        `);
        await queryRunner.query(`
            CREATE INDEX "access_log_at_idx" ON "access_log" ("at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."access_log_at_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."access_log_case_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."access_log_actor_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "access_log"
        `);
    }

}
