import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Intake that discloses nothing (issue: hardening):
 * - one child may have several rows, one per scope that reported it, so a filing
 *   outside the first case's scope keeps the caller's own input (the keyed hash
 *   of the ID number stops being unique; it still finds every row of the child);
 * - cases of the same child in different scopes are linked on the server side;
 * - a closure's kind, reason code and free-text note are stored apart, never
 *   concatenated into one bounded column.
 */
export class IntakePrivacy1795600001000 implements MigrationInterface {
    name = 'IntakePrivacy1795600001000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."child_id_number_hmac_idx"`);
        await queryRunner.query(`
            CREATE INDEX "child_id_number_hmac_idx" ON "child" ("id_number_hmac")
            WHERE id_number_hmac IS NOT NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "case"
            ADD "related_case_ids" uuid array NOT NULL DEFAULT '{}'
        `);
        await queryRunner.query(`
            ALTER TABLE "case"
            ADD "closure_note" character varying(1000)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "case" DROP COLUMN "closure_note"`);
        await queryRunner.query(`ALTER TABLE "case" DROP COLUMN "related_case_ids"`);
        await queryRunner.query(`DROP INDEX "public"."child_id_number_hmac_idx"`);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "child_id_number_hmac_idx" ON "child" ("id_number_hmac")
            WHERE id_number_hmac IS NOT NULL
        `);
    }
}
