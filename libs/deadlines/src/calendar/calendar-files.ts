/**
 * The shipped official calendars: one JSON file per year in CALENDAR_DIR
 * (config/calendar/<year>.json), each validated like a PUT of that year.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CalendarYear, isCalendarYear, parseCalendarFile } from './calendar-validation';

export class CalendarFileError extends Error {}

const FILE = /^(\d{4})\.json$/;

/**
 * Every <year>.json of `dir`, validated. Throws a CalendarFileError naming the file and
 * each bad field (so a bad file stops the start, as a bad setting does); other files are ignored.
 */
export function readCalendarDir(dir: string): CalendarYear[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new CalendarFileError(`CALENDAR_DIR ${dir}: ${(error as Error).message}`);
  }
  const years: CalendarYear[] = [];
  for (const name of names.sort()) {
    const m = FILE.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    const year = Number(m[1]);
    if (!isCalendarYear(year)) throw new CalendarFileError(`${file}: the year must be from 2000 to 2100`);
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new CalendarFileError(`${file}: ${(error as Error).message}`);
    }
    const { calendar, problems } = parseCalendarFile(year, content);
    if (!calendar) throw new CalendarFileError(`${file}: ${problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ')}`);
    years.push(calendar);
  }
  return years;
}
