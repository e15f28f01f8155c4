import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One year of the official working-day calendar (domain.md §14). The shipped files of
 * CALENDAR_DIR fill years the table does not hold yet; from then on the row is the
 * truth, and PUT /api/calendar/:year replaces it.
 */
@Entity('working_calendar')
@Check('working_calendar_year_range', '"year" BETWEEN 2000 AND 2100')
export class WorkingCalendarYear {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'working_calendar_pkey' })
  year: number;

  /** Days off by the State Council's notice (the whole break, weekends included). */
  @Column({ type: 'date', array: true })
  holidays: string[];

  /** Saturdays and Sundays worked instead (调休 make-up days). */
  @Column({ type: 'date', array: true })
  workdays: string[];

  @Column({ type: 'varchar', length: 300, nullable: true })
  source: string | null;

  /** Only the statutory holidays, before the year's notice is published. */
  @Column({ type: 'boolean', default: false })
  provisional: boolean;

  /** Who replaced the year last (null: loaded from the shipped file). */
  @Column({ type: 'uuid', nullable: true })
  updatedById: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
