import { MigrationInterface, QueryRunner } from "typeorm";

export class Foundation1795478221992 implements MigrationInterface {
    name = 'Foundation1795478221992'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."jurisdiction_level" AS ENUM('district', 'street', 'community')
        `);
        await queryRunner.query(`
            CREATE TABLE "jurisdiction" (
                "id" uuid NOT NULL,
                "code" character varying(32) NOT NULL,
                "name" character varying(100) NOT NULL,
                "level" "public"."jurisdiction_level" NOT NULL,
                "parent_id" uuid,
                "district_id" uuid NOT NULL,
                "street_id" uuid,
                "community_id" uuid,
                "path" character varying(400) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "jurisdiction_shape" CHECK (
                    (
                        level = 'district'
                        AND parent_id IS NULL
                        AND district_id = id
                        AND street_id IS NULL
                        AND community_id IS NULL
                    )
                    OR (
                        level = 'street'
                        AND parent_id = district_id
                        AND street_id = id
                        AND community_id IS NULL
                    )
                    OR (
                        level = 'community'
                        AND parent_id = street_id
                        AND community_id = id
                    )
                ),
                CONSTRAINT "PK_0f85126272d91bb550d40207022" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "jurisdiction_code_key" ON "jurisdiction" ("code")
        `);
        await queryRunner.query(`
            CREATE INDEX "jurisdiction_parent_id_idx" ON "jurisdiction" ("parent_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "jurisdiction_district_id_idx" ON "jurisdiction" ("district_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "jurisdiction_street_id_idx" ON "jurisdiction" ("street_id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."user_role" AS ENUM(
                'community_director',
                'street_supervisor',
                'district_staff',
                'admin'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "user" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "username" character varying(64) NOT NULL,
                "display_name" character varying(100) NOT NULL,
                "role" "public"."user_role" NOT NULL,
                "jurisdiction_id" uuid NOT NULL,
                "password_hash" character varying(255) NOT NULL,
                "credentials_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "active" boolean NOT NULL DEFAULT true,
                "last_login_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_cace4a159ff9f2512dd42373760" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "user_username_key" ON "user" ("username")
        `);
        await queryRunner.query(`
            CREATE INDEX "user_jurisdiction_id_idx" ON "user" ("jurisdiction_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "jurisdiction"
            ADD CONSTRAINT "FK_5ecf6902e9ba2fc03a895cbff25" FOREIGN KEY ("parent_id") REFERENCES "jurisdiction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "user"
            ADD CONSTRAINT "FK_b3a823b9efe77d582ab154abd46" FOREIGN KEY ("jurisdiction_id") REFERENCES "jurisdiction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "user" DROP CONSTRAINT "FK_b3a823b9efe77d582ab154abd46"
        `);
        await queryRunner.query(`
            ALTER TABLE "jurisdiction" DROP CONSTRAINT "FK_5ecf6902e9ba2fc03a895cbff25"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."user_jurisdiction_id_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."user_username_key"
        `);
        await queryRunner.query(`
            DROP TABLE "user"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."user_role"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."jurisdiction_street_id_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."jurisdiction_district_id_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."jurisdiction_parent_id_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."jurisdiction_code_key"
        `);
        await queryRunner.query(`
            DROP TABLE "jurisdiction"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."jurisdiction_level"
        `);
    }

}
