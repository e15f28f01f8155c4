/**
 * The rules a year of the official calendar must meet, whether it comes from a shipped
 * file (config/calendar/<year>.json) or from PUT /api/calendar/:year. Pure: every
 * problem is returned with the field (and index) it is about, none is thrown.
 */
import { charCount, FieldProblem } from '@shouhu/errors';
import { CalendarYearData, dayNumber, isWeekend } from './working-calendar';

export const MIN_CALENDAR_YEAR = 2000;
export const MAX_CALENDAR_YEAR = 2100;
/** The longest `source` the table holds. */
export const MAX_SOURCE_CHARS = 300;
const MAX_DAYS = 366;

/** A year of the calendar as stored and served. */
export interface CalendarYear extends CalendarYearData {
  /** Where the dates come from (the notice's title and number, or why the year is provisional). */
  source: string | null;
  /** True while the year holds only the statutory holidays, before the State Council's notice. */
  provisional: boolean;
}

/** Whether `year` is a calendar year the product accepts (a whole number from 2000 to 2100). */
export function isCalendarYear(year: unknown): year is number {
  return typeof year === 'number' && Number.isInteger(year) && year >= MIN_CALENDAR_YEAR && year <= MAX_CALENDAR_YEAR;
}

/** What is wrong with one item of a list of dates, or null when it is a good one. */
function dayProblem(year: number, field: 'holidays' | 'workdays', item: unknown, seen: Map<number, number>): string | null {
  if (typeof item !== 'string') return 'must be a date (YYYY-MM-DD)';
  const n = dayNumber(item);
  if (n === null) return `${item.length > 20 ? `${item.slice(0, 20)}…` : item} is not a real date (YYYY-MM-DD)`;
  if (Number(item.slice(0, 4)) !== year) return `${item} is not in ${year}`;
  if (seen.has(n)) return `${item} is listed twice (also ${field}[${seen.get(n)}])`;
  if (field === 'workdays' && !isWeekend(n)) return `${item} is not a Saturday or Sunday`;
  return null;
}

/** Problems of one list of dates (`holidays` or `workdays`) of `year`. */
function listProblems(year: number, field: 'holidays' | 'workdays', value: unknown): { problems: FieldProblem[]; days: Map<number, number> } {
  const problems: FieldProblem[] = [];
  const days = new Map<number, number>();
  if (!Array.isArray(value)) return { problems: [{ field, message: 'must be an array of dates (YYYY-MM-DD)' }], days };
  if (value.length > MAX_DAYS) return { problems: [{ field, message: `must hold at most ${MAX_DAYS} dates` }], days };
  value.forEach((item: unknown, i) => {
    const problem = dayProblem(year, field, item, days);
    if (problem) problems.push({ field: `${field}[${i}]`, message: problem });
    else days.set(dayNumber(item as string) as number, i);
  });
  return { problems, days };
}

/**
 * Every problem of a year's holidays and make-up workdays: each a real date of that
 * year, none twice, none in both lists, make-up workdays only on Saturdays and Sundays
 * (holidays may fall on any day: the notice lists the whole break).
 */
export function calendarProblems(year: number, input: { holidays: unknown; workdays: unknown; source?: unknown; provisional?: unknown }): FieldProblem[] {
  const holidays = listProblems(year, 'holidays', input.holidays);
  const workdays = listProblems(year, 'workdays', input.workdays);
  const problems = [...holidays.problems, ...workdays.problems];
  for (const [n, i] of workdays.days) {
    const h = holidays.days.get(n);
    if (h !== undefined) problems.push({ field: `workdays[${i}]`, message: `${(input.workdays as string[])[i]} is also a holiday (holidays[${h}])` });
  }
  if (input.source !== undefined && input.source !== null) {
    if (typeof input.source !== 'string') problems.push({ field: 'source', message: 'must be a string' });
    else if (charCount(input.source) > MAX_SOURCE_CHARS) problems.push({ field: 'source', message: `must be at most ${MAX_SOURCE_CHARS} characters` });
  }
  if (input.provisional !== undefined && typeof input.provisional !== 'boolean') problems.push({ field: 'provisional', message: 'must be true or false' });
  return problems;
}

/** A valid year's data, normalised: dates ascending, source null when absent, provisional false when absent. */
export function normaliseCalendar(
  year: number,
  input: { holidays: readonly string[]; workdays: readonly string[]; source?: string | null; provisional?: boolean },
): CalendarYear {
  const sorted = (days: readonly string[]) => [...days].sort();
  return { year, holidays: sorted(input.holidays), workdays: sorted(input.workdays), source: input.source ?? null, provisional: input.provisional ?? false };
}

/** The keys a calendar file may have. */
const FILE_KEYS = new Set(['$comment', 'year', 'source', 'holidays', 'workdays', 'provisional']);

/**
 * A shipped calendar file's content, validated: an object whose `year` is the one its
 * name gives, with no unknown keys, and the rules of calendarProblems. Problems name
 * the field; the caller names the file.
 */
export function parseCalendarFile(expectedYear: number, content: unknown): { calendar: CalendarYear | null; problems: FieldProblem[] } {
  if (typeof content !== 'object' || content === null || Array.isArray(content))
    return { calendar: null, problems: [{ field: '', message: 'must be a JSON object' }] };
  const c = content as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(c)
    .filter((k) => !FILE_KEYS.has(k))
    .map((k) => ({ field: k, message: 'is not an allowed field' }));
  if (c.year !== expectedYear) problems.push({ field: 'year', message: `must be ${expectedYear}, the year the file is named for` });
  problems.push(...calendarProblems(expectedYear, { holidays: c.holidays, workdays: c.workdays, source: c.source, provisional: c.provisional }));
  if (problems.length) return { calendar: null, problems };
  return {
    calendar: normaliseCalendar(expectedYear, {
      holidays: c.holidays as string[],
      workdays: c.workdays as string[],
      source: (c.source as string | undefined) ?? null,
      provisional: c.provisional as boolean | undefined,
    }),
    problems,
  };
}
