import { MigrationInterface, QueryRunner } from 'typeorm';

/** Written by hand: the indicator alerts the worker has raised, so each new one tells district staff once (issue 12, item 10). */
export class StatsAlert1795700000100 implements MigrationInterface {
  name = 'StatsAlert1795700000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "stats_alert" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "district_id" uuid NOT NULL,
        "indicator" character varying(20) NOT NULL,
        "scope" character varying(10) NOT NULL,
        "key" character varying(64) NOT NULL,
        "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "cleared_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_d07ac2c8f04dd09e16c13f497ba" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(`
      CREATE UNIQUE INDEX "stats_alert_open_key" ON "stats_alert" ("district_id", "indicator", "scope", "key")
      WHERE cleared_at IS NULL
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."stats_alert_open_key"`);
    await queryRunner.query(`DROP TABLE "stats_alert"`);
  }
}
