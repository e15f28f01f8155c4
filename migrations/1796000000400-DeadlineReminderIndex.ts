import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: the reminders a deadline still owes, by when they fall due. The breach sweeper
 * now sends reminders from the rows, as it breaches deadlines (EscalationService.remindDue), instead
 * of one Redis timer per reminder armed by the request that made the deadline; it asks for the next
 * one every sweep, and this index answers that from its first entry. Partial: a sent reminder, a
 * deadline no longer pending and one without a reminder before its due time leave it.
 */
export class DeadlineReminderIndex1796000000400 implements MigrationInterface {
  name = 'DeadlineReminderIndex1796000000400';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "deadline_reminder_due_idx" ON "deadline" ("remind_at") WHERE status = 'pending' AND reminded_at IS NULL AND remind_at < due_at`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "deadline_reminder_due_idx"`);
  }
}
