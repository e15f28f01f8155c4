import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { WorkingCalendarYear } from '../entities/working-calendar.entity';
import type { CalendarYear } from './calendar-validation';

/** A stored year: the calendar, and who replaced it last and when. */
export interface StoredCalendarYear extends CalendarYear {
  updatedById: string | null;
  updatedAt: Date;
}

/** The dates as YYYY-MM-DD text, ascending (a date[] would come back as driver-parsed Dates). */
const COLUMNS = `year,
  ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(holidays) AS d ORDER BY d) AS holidays,
  ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(workdays) AS d ORDER BY d) AS workdays,
  source, provisional, updated_by_id, updated_at`;

interface Row {
  year: number;
  holidays: string[];
  workdays: string[];
  source: string | null;
  provisional: boolean;
  updated_by_id: string | null;
  updated_at: Date;
}

const fromRow = (r: Row): StoredCalendarYear => ({
  year: r.year,
  holidays: r.holidays,
  workdays: r.workdays,
  source: r.source,
  provisional: r.provisional,
  updatedById: r.updated_by_id,
  updatedAt: r.updated_at,
});

/** The working_calendar table. Each method is one statement on one pooled connection. */
@Injectable()
export class CalendarRepository {
  constructor(@InjectRepository(WorkingCalendarYear) private readonly repo: Repository<WorkingCalendarYear>) {}

  /** Inserts the years the table does not hold yet (never overwrites one); several processes may do it at once. Returns the years inserted. */
  async insertMissing(years: readonly CalendarYear[]): Promise<number[]> {
    if (years.length === 0) return [];
    const rows: { year: number }[] = await this.repo.query(
      `INSERT INTO working_calendar (year, holidays, workdays, source, provisional)
       SELECT y.year, ARRAY(SELECT jsonb_array_elements_text(y.holidays)::date), ARRAY(SELECT jsonb_array_elements_text(y.workdays)::date), y.source, y.provisional
         FROM jsonb_to_recordset($1::jsonb) AS y(year int, holidays jsonb, workdays jsonb, source varchar, provisional boolean)
       ON CONFLICT (year) DO NOTHING
       RETURNING year`,
      [JSON.stringify(years.map(({ year, holidays, workdays, source, provisional }) => ({ year, holidays, workdays, source, provisional })))],
    );
    return rows.map((r) => r.year).sort((a, b) => a - b);
  }

  async all(): Promise<StoredCalendarYear[]> {
    const rows: Row[] = await this.repo.query(`SELECT ${COLUMNS} FROM working_calendar ORDER BY year`);
    return rows.map(fromRow);
  }

  async one(year: number): Promise<StoredCalendarYear | null> {
    const rows: Row[] = await this.repo.query(`SELECT ${COLUMNS} FROM working_calendar WHERE year = $1`, [year]);
    return rows.length ? fromRow(rows[0]) : null;
  }

  /** Stores a year whole, in place of whatever the table held for it. */
  async replace(c: CalendarYear, updatedById: string): Promise<StoredCalendarYear> {
    const rows: Row[] = await this.repo.query(
      `INSERT INTO working_calendar (year, holidays, workdays, source, provisional, updated_by_id, updated_at)
       VALUES ($1, $2::date[], $3::date[], $4, $5, $6, now())
       ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays, source = EXCLUDED.source,
         provisional = EXCLUDED.provisional, updated_by_id = EXCLUDED.updated_by_id, updated_at = EXCLUDED.updated_at
       RETURNING ${COLUMNS}`,
      [c.year, c.holidays, c.workdays, c.source, c.provisional, updatedById],
    );
    return fromRow(rows[0]);
  }
}
