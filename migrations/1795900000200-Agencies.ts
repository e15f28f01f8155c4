import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the agency registry (协同单位, domain.md §1 and §11; issue 13, item 2) and
 * the agency of each agency_liaison account. A liaison belongs to exactly one agency and no
 * other role belongs to any (user_agency_liaison_check). Liaison accounts made before this
 * migration would fail the check: none can exist (the role came without a way to create one
 * that could be used), and the migration refuses to run while one does.
 */
export class Agencies1795900000200 implements MigrationInterface {
  name = 'Agencies1795900000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const [{ n }]: { n: number }[] = await queryRunner.query(`SELECT count(*)::int AS n FROM "user" WHERE role = 'agency_liaison'`);
    if (n > 0) throw new Error(`${n} agency_liaison account(s) exist without an agency; remove or change them first`);
    await queryRunner.query(
      `CREATE TYPE "public"."agency_kind" AS ENUM('police', 'procuratorate', 'court', 'education', 'health', 'womens_federation', 'youth_league', 'disabled_persons', 'other')`,
    );
    await queryRunner.query(`
      CREATE TABLE "agency" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "kind" "public"."agency_kind" NOT NULL,
        "name" character varying(100) NOT NULL,
        "district_id" uuid NOT NULL,
        "active" boolean NOT NULL DEFAULT true,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_ab1244724d1c216e9720635a2e5" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(`CREATE UNIQUE INDEX "agency_district_name_key" ON "agency" ("district_id", "name")`);
    await queryRunner.query(`
      ALTER TABLE "agency" ADD CONSTRAINT "FK_e274a11be52dd3c4f4f1ad4c7e8"
      FOREIGN KEY ("district_id") REFERENCES "jurisdiction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
    await queryRunner.query(`ALTER TABLE "user" ADD "agency_id" uuid`);
    await queryRunner.query(`CREATE INDEX "user_agency_id_idx" ON "user" ("agency_id")`);
    await queryRunner.query(`
      ALTER TABLE "user" ADD CONSTRAINT "FK_da38a07feb5a323fd8e5e3a232e"
      FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
    await queryRunner.query(`ALTER TABLE "user" ADD CONSTRAINT "user_agency_liaison_check" CHECK ((role = 'agency_liaison') = (agency_id IS NOT NULL))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user" DROP CONSTRAINT "user_agency_liaison_check"`);
    await queryRunner.query(`ALTER TABLE "user" DROP CONSTRAINT "FK_da38a07feb5a323fd8e5e3a232e"`);
    await queryRunner.query(`DROP INDEX "public"."user_agency_id_idx"`);
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "agency_id"`);
    await queryRunner.query(`DROP TABLE "agency"`);
    await queryRunner.query(`DROP TYPE "public"."agency_kind"`);
  }
}
