import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the official working-day calendar, one row per year (issue 12, item 9;
 * domain.md §14). The api and the worker fill years missing here from config/calendar at
 * start; PUT /api/calendar/:year replaces a year.
 */
export class WorkingCalendar1795700000000 implements MigrationInterface {
  name = 'WorkingCalendar1795700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "working_calendar" (
        "year" integer NOT NULL,
        "holidays" date array NOT NULL,
        "workdays" date array NOT NULL,
        "source" character varying(300),
        "provisional" boolean NOT NULL DEFAULT false,
        "updated_by_id" uuid,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "working_calendar_year_range" CHECK ("year" BETWEEN 2000 AND 2100),
        CONSTRAINT "working_calendar_pkey" PRIMARY KEY ("year")
      )
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "working_calendar"`);
  }
}
