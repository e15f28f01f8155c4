import { MigrationInterface, QueryRunner } from 'typeorm';

/** Written by hand: a case's guardians and household members (监护人与家庭成员, domain.md §13; issue 13, item 4). */
export class Guardians1795800000000 implements MigrationInterface {
  name = 'Guardians1795800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TYPE "public"."guardian_relation" AS ENUM('father', 'mother', 'grandparent', 'sibling', 'other_relative', 'foster', 'institution', 'other')`,
    );
    await queryRunner.query(`
      CREATE TABLE "guardian" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "name" character varying(50) NOT NULL,
        "relation" "public"."guardian_relation" NOT NULL,
        "phone" character varying(32),
        "id_number_cipher" text,
        "id_number_hmac" character(64),
        "lives_with_child" boolean NOT NULL,
        "suspected_perpetrator" boolean NOT NULL,
        "created_by_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_5eb51ec9378bc6b07702717160e" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(`CREATE INDEX "guardian_case_idx" ON "guardian" ("case_id", "created_at")`);
    await queryRunner.query(`CREATE INDEX "guardian_id_number_hmac_idx" ON "guardian" ("id_number_hmac") WHERE id_number_hmac IS NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE "guardian" ADD CONSTRAINT "FK_b97f8cef799d2e0372e98cbccbd"
      FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
      ALTER TABLE "guardian" ADD CONSTRAINT "FK_e2ad4eaf3bfbe19c0ed32e3faa8"
      FOREIGN KEY ("created_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "guardian"`);
    await queryRunner.query(`DROP TYPE "public"."guardian_relation"`);
  }
}
