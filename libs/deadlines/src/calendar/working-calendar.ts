/**
 * The official working-day calendar (domain.md §14) as plain arithmetic: no Nest, no
 * database. Days are calendar days in Asia/Shanghai (UTC+8 all year, no daylight
 * saving since 1991), written YYYY-MM-DD.
 *
 * The working-day deadline rule: N working days from an instant `from` fall due at the
 * END of the N-th working day after the day of `from` — 24:00 Asia/Shanghai, i.e.
 * 00:00 of the following day. The day of `from` itself never counts, as statutory
 * periods are counted (a report on a Friday morning, 1 wd: the end of the next working
 * day, even when that is a 调休 make-up Saturday).
 */

/** One year of the State Council's holiday notice: every day off, and the weekend days worked instead (调休). */
export interface CalendarYearData {
  year: number;
  /** Days off by the notice (the whole break, weekends included). */
  holidays: readonly string[];
  /** Saturdays and Sundays that are working days (调休 make-up days). */
  workdays: readonly string[];
}

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Far more than any policy asks (a year of working days spans well under 3 years). */
const MAX_WORKING_DAYS = 1000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD that is a real date, else null. */
export function dayNumber(day: string): number | null {
  const m = DATE.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Date.UTC rolls 02-30 over into March; a real date comes back unchanged. Years 0–99 would be mapped to 19xx.
  if (y < 1000 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY_MS;
}

/** The YYYY-MM-DD of a day number. */
export function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The day (in Asia/Shanghai) an instant falls on, as a day number. */
export function shanghaiDayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** The day (in Asia/Shanghai) an instant falls on, as YYYY-MM-DD. */
export function shanghaiDay(instant: Date): string {
  return dayString(shanghaiDayNumber(instant));
}

/** 0 = Sunday … 6 = Saturday, of a day number. */
export function weekdayOf(n: number): number {
  // 1970-01-01 was a Thursday.
  return (((n + 4) % 7) + 7) % 7;
}

export const isWeekend = (n: number): boolean => {
  const w = weekdayOf(n);
  return w === 0 || w === 6;
};

/** The instant 00:00 Asia/Shanghai of a day number (the end of the day before). */
export function shanghaiMidnight(n: number): Date {
  return new Date(n * DAY_MS - SHANGHAI_OFFSET_MS);
}

/**
 * Which days are working days: Monday to Friday unless the notice gives the day off,
 * plus the make-up Saturdays and Sundays. A year without data: Monday to Friday.
 */
export class WorkingCalendar {
  private readonly holidays = new Set<number>();
  private readonly workdays = new Set<number>();
  private readonly known = new Set<number>();

  constructor(years: Iterable<CalendarYearData> = []) {
    for (const y of years) {
      this.known.add(y.year);
      for (const d of y.holidays) this.add(this.holidays, d);
      for (const d of y.workdays) this.add(this.workdays, d);
    }
  }

  private add(into: Set<number>, day: string): void {
    const n = dayNumber(day);
    if (n === null) throw new RangeError(`not a date: ${day}`);
    into.add(n);
  }

  /** The years this calendar has data for, ascending. */
  get years(): number[] {
    return [...this.known].sort((a, b) => a - b);
  }

  hasYear(year: number): boolean {
    return this.known.has(year);
  }

  /** Whether a day (YYYY-MM-DD, or a day number) is a working day. */
  isWorkingDay(day: string | number): boolean {
    const n = typeof day === 'number' ? day : dayNumber(day);
    if (n === null) throw new RangeError(`not a date: ${String(day)}`);
    if (this.workdays.has(n)) return true;
    return !isWeekend(n) && !this.holidays.has(n);
  }

  /**
   * The end of the n-th working day after the day of `from` (Asia/Shanghai): the
   * due instant of an "n wd" deadline. n is a whole number ≥ 1.
   */
  addWorkingDays(from: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKING_DAYS) throw new RangeError(`working days must be a whole number from 1 to ${MAX_WORKING_DAYS}`);
    let day = shanghaiDayNumber(from);
    for (let counted = 0; counted < n;) {
      day += 1;
      if (this.isWorkingDay(day)) counted += 1;
    }
    return shanghaiMidnight(day + 1);
  }
}
