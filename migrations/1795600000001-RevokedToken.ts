import { MigrationInterface, QueryRunner } from 'typeorm';

/** Written by hand: signed-out tokens (POST /api/auth/logout), kept until they expire (issue 9, item 13). */
export class RevokedToken1795600000001 implements MigrationInterface {
  name = 'RevokedToken1795600000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "revoked_token" (
        "jti" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_51805a32c382d2841b953c16880" PRIMARY KEY ("jti")
      )
    `);
    await queryRunner.query(`CREATE INDEX "revoked_token_expires_at_idx" ON "revoked_token" ("expires_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "revoked_token"`);
  }
}
