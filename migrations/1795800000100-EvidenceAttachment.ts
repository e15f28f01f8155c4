import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: evidence attachments (附件, issue 13 item 5). The file lies encrypted in
 * the attachment storage; the row holds its metadata and SHA-256. Nothing is deleted: a
 * trigger refuses DELETE and TRUNCATE, and an UPDATE may only retract a row once.
 */
export class EvidenceAttachment1795800000100 implements MigrationInterface {
  name = 'EvidenceAttachment1795800000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TYPE "public"."attachment_kind" AS ENUM('photo', 'medical', 'police', 'school', 'document', 'other')
    `);
    await queryRunner.query(`
      CREATE TABLE "attachment" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "kind" "public"."attachment_kind" NOT NULL,
        "file_name" character varying(255) NOT NULL,
        "size" bigint NOT NULL,
        "content_type" character varying(100) NOT NULL,
        "sha256" character(64) NOT NULL,
        "storage_key" character varying(200) NOT NULL,
        "key_id" character varying(64) NOT NULL,
        "note" character varying(1000),
        "uploaded_by_id" uuid NOT NULL,
        "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "retracted_at" TIMESTAMP WITH TIME ZONE,
        "retracted_by_id" uuid,
        "retraction_reason" character varying(1000),
        CONSTRAINT "PK_d2a80c3a8d467f08a750ac4b420" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(`CREATE INDEX "attachment_case_idx" ON "attachment" ("case_id", "uploaded_at")`);
    await queryRunner.query(`
      ALTER TABLE "attachment"
      ADD CONSTRAINT "FK_8d275604024969976deea609584" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
      ALTER TABLE "attachment"
      ADD CONSTRAINT "FK_98872340e922bc9a2efd5ae144a" FOREIGN KEY ("uploaded_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
      ALTER TABLE "attachment"
      ADD CONSTRAINT "FK_836cf5bf109d8b36a73866d36db" FOREIGN KEY ("retracted_by_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
    `);
    await queryRunner.query(`
      CREATE FUNCTION attachment_retract_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.retracted_at IS NULL AND NEW.retracted_at IS NOT NULL
           AND NEW.retracted_by_id IS NOT NULL AND NEW.retraction_reason IS NOT NULL
           AND (to_jsonb(NEW) - 'retracted_at' - 'retracted_by_id' - 'retraction_reason')
             = (to_jsonb(OLD) - 'retracted_at' - 'retracted_by_id' - 'retraction_reason') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'attachment rows are never deleted or changed, only retracted once' USING ERRCODE = 'P0001';
      END
      $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER attachment_retract_only BEFORE UPDATE OR DELETE ON "attachment"
      FOR EACH ROW EXECUTE FUNCTION attachment_retract_only()
    `);
    await queryRunner.query(`
      CREATE TRIGGER attachment_no_truncate BEFORE TRUNCATE ON "attachment"
      FOR EACH STATEMENT EXECUTE FUNCTION attachment_retract_only()
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER attachment_no_truncate ON "attachment"`);
    await queryRunner.query(`DROP TRIGGER attachment_retract_only ON "attachment"`);
    await queryRunner.query(`DROP FUNCTION attachment_retract_only()`);
    await queryRunner.query(`DROP TABLE "attachment"`);
    await queryRunner.query(`DROP TYPE "public"."attachment_kind"`);
  }
}
