import { MigrationInterface, QueryRunner } from 'typeorm';

/** Written by hand: referrals of a case to an agency (转介/协同办理, domain.md §11; issue 13, item 3). */
export class Referrals1795900000300 implements MigrationInterface {
  name = 'Referrals1795900000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."referral_status" AS ENUM('pending', 'accepted', 'declined', 'done', 'revoked')`);
    await queryRunner.query(`
      CREATE TABLE "referral" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "agency_id" uuid NOT NULL,
        "service" character varying(100) NOT NULL,
        "note" character varying(2000) NOT NULL,
        "measure_id" uuid,
        "status" "public"."referral_status" NOT NULL DEFAULT 'pending',
        "respond_by" TIMESTAMP WITH TIME ZONE NOT NULL,
        "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_by_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "responded_at" TIMESTAMP WITH TIME ZONE,
        "responded_by_id" uuid,
        "decline_reason" character varying(500),
        "completed_at" TIMESTAMP WITH TIME ZONE,
        "completed_by_id" uuid,
        "outcome" character varying(2000),
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "revoked_by_id" uuid,
        "revoke_reason" character varying(500),
        CONSTRAINT "PK_a2d3e935a6591168066defec5ad" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(`CREATE INDEX "referral_case_idx" ON "referral" ("case_id", "created_at")`);
    await queryRunner.query(`CREATE INDEX "referral_agency_status_idx" ON "referral" ("agency_id", "status", "created_at")`);
    const fks: [string, string, string][] = [
      ['FK_a3c42a65967c8a70e3ae1e1b6b6', 'case_id', 'case'],
      ['FK_ed988294e7def8b2766eaca477b', 'agency_id', 'agency'],
      ['FK_8c18c69c86f7142eec3e5645475', 'measure_id', 'measure'],
      ['FK_80e53822d22e8181b55aca2eb1f', 'created_by_id', 'user'],
      ['FK_bbd865232817b6ced8d5f15d8a6', 'responded_by_id', 'user'],
      ['FK_a04cddc3bda9ae1e2e81b1dee19', 'completed_by_id', 'user'],
      ['FK_5c2234e7e8e62b9588950b5a057', 'revoked_by_id', 'user'],
    ];
    for (const [name, column, table] of fks) {
      await queryRunner.query(
        `ALTER TABLE "referral" ADD CONSTRAINT "${name}" FOREIGN KEY ("${column}") REFERENCES "${table}"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "referral"`);
    await queryRunner.query(`DROP TYPE "public"."referral_status"`);
  }
}
