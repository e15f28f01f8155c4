import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CALENDAR_DIR } from '@shouhu/config';
import { CalendarFileError, readCalendarDir } from './calendar-files';
import { calendarProblems, CalendarYear, parseCalendarFile } from './calendar-validation';
import { dayNumber, shanghaiDay, WorkingCalendar } from './working-calendar';

/**
 * The official calendar (domain.md §14) and the working-day deadline rule, on the
 * shipped files: 2026 from the State Council's notice (国办发明电〔2025〕7号), 2027
 * provisional (statutory holidays only). Every instant is fixed; nothing reads the clock.
 */
const shipped = readCalendarDir(DEFAULT_CALENDAR_DIR);
const calendar = new WorkingCalendar(shipped);
const year = (y: number) => shipped.find((c) => c.year === y) as CalendarYear;

/** An instant written in Beijing time. */
const bj = (local: string) => new Date(`${local}+08:00`);
/** The due instant of a working-day deadline that ends with `day`: 24:00 Beijing time, i.e. 00:00 of the next day. */
const endOf = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000);

describe('the shipped calendar files', () => {
  it('hold 2026 and 2027, valid', () => {
    expect(shipped.map((c) => c.year)).toEqual([2026, 2027]);
  });

  it('2026 is the State Council notice: 33 days off in seven breaks and six make-up days', () => {
    const c = year(2026);
    expect(c.provisional).toBe(false);
    expect(c.source).toMatch(/国办发明电〔2025〕7号/);
    const range = (from: string, to: string) => {
      const days: string[] = [];
      for (let n = dayNumber(from) as number; n <= (dayNumber(to) as number); n += 1) days.push(new Date(n * 86_400_000).toISOString().slice(0, 10));
      return days;
    };
    expect(c.holidays).toEqual([
      ...range('2026-01-01', '2026-01-03'), // 元旦
      ...range('2026-02-15', '2026-02-23'), // 春节: 腊月二十八 to 正月初七
      ...range('2026-04-04', '2026-04-06'), // 清明节
      ...range('2026-05-01', '2026-05-05'), // 劳动节
      ...range('2026-06-19', '2026-06-21'), // 端午节
      ...range('2026-09-25', '2026-09-27'), // 中秋节
      ...range('2026-10-01', '2026-10-07'), // 国庆节
    ]);
    expect(c.holidays).toHaveLength(33);
    expect(c.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('2027 is provisional: only the statutory holidays fixed by date, lunar ones converted, no make-up days', () => {
    const c = year(2027);
    expect(c.provisional).toBe(true);
    expect(c.source).toMatch(/provisional/);
    // 除夕 and 初一–初三: the new moon of 2027-02-06 15:56 UTC is 23:56 in Beijing, so 正月初一 is 02-06
    // (Meeus ch. 49; ICU 78's Chinese calendar says 02-07, wrongly). 端午 = 五月初五 (new moon 06-05 03:40 Beijing),
    // 中秋 = 八月十五 (new moon 09-01 01:41 Beijing), 清明 = the sun at 15° (04-05 08:14 Beijing).
    expect(c.holidays).toEqual([
      '2027-01-01',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-04-05',
      '2027-05-01',
      '2027-05-02',
      '2027-06-09',
      '2027-09-15',
      '2027-10-01',
      '2027-10-02',
      '2027-10-03',
    ]);
    expect(c.workdays).toEqual([]);
  });
});

describe('WorkingCalendar.isWorkingDay', () => {
  it.each([
    ['2026-02-13', true, 'Friday before the Spring Festival'],
    ['2026-02-14', true, 'make-up Saturday'],
    ['2026-02-15', false, 'Sunday, first day of the break'],
    ['2026-02-16', false, 'Monday of the break (除夕)'],
    ['2026-02-17', false, '春节'],
    ['2026-02-23', false, 'Monday, last day of the break'],
    ['2026-02-24', true, 'Tuesday after the break'],
    ['2026-02-28', true, 'make-up Saturday'],
    ['2026-03-01', false, 'plain Sunday'],
    ['2026-03-07', false, 'plain Saturday'],
    ['2026-03-09', true, 'plain Monday'],
    ['2026-01-04', true, 'make-up Sunday after 元旦'],
    ['2026-05-09', true, 'make-up Saturday after 劳动节'],
    ['2026-09-20', true, 'make-up Sunday before 国庆节'],
    ['2026-10-07', false, 'Wednesday of the National Day break'],
    ['2026-10-08', true, 'Thursday after it'],
    ['2026-10-10', true, 'make-up Saturday after 国庆节'],
    ['2027-02-08', false, 'provisional 2027: 初三, a Monday'],
    ['2027-02-09', true, 'provisional 2027: the Tuesday after'],
  ])('%s → %s (%s)', (day, working) => {
    expect(calendar.isWorkingDay(day)).toBe(working);
  });

  it('a year without data has Monday to Friday as working days', () => {
    expect(calendar.hasYear(2030)).toBe(false);
    expect(calendar.isWorkingDay('2030-01-01')).toBe(true); // a Tuesday; no notice known, so no holiday
    expect(calendar.isWorkingDay('2030-01-05')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2030-01-06')).toBe(false); // Sunday
    const empty = new WorkingCalendar();
    expect(empty.years).toEqual([]);
    expect(empty.isWorkingDay('2026-02-16')).toBe(true);
    expect(empty.isWorkingDay('2026-02-14')).toBe(false);
  });

  it('refuses a date that is not one', () => {
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => new WorkingCalendar([{ year: 2026, holidays: ['2026-13-01'], workdays: [] }])).toThrow(RangeError);
  });
});

describe('the working-day deadline rule: the end (24:00 Beijing) of the n-th working day after the day of the start', () => {
  it('Friday 2026-02-13 10:00, 1 wd → the end of the make-up Saturday 2026-02-14', () => {
    expect(calendar.addWorkingDays(bj('2026-02-13T10:00:00'), 1)).toEqual(endOf('2026-02-14'));
    expect(endOf('2026-02-14').toISOString()).toBe('2026-02-14T16:00:00.000Z');
  });

  it('from the make-up Saturday, 1 wd → across the Spring Festival break (02-15 to 02-23) to the end of Tuesday 2026-02-24', () => {
    expect(calendar.addWorkingDays(bj('2026-02-14T09:00:00'), 1)).toEqual(endOf('2026-02-24'));
    expect(calendar.addWorkingDays(bj('2026-02-13T10:00:00'), 2)).toEqual(endOf('2026-02-24'));
    // Thursday 02-12, 5 wd: 02-13, 02-14, 02-24, 02-25, 02-26.
    expect(calendar.addWorkingDays(bj('2026-02-12T16:00:00'), 5)).toEqual(endOf('2026-02-26'));
    // Started during the break: the first working day after it counts.
    expect(calendar.addWorkingDays(bj('2026-02-17T12:00:00'), 1)).toEqual(endOf('2026-02-24'));
  });

  it('the start day never counts, whatever the hour; the day is the one in Beijing', () => {
    expect(calendar.addWorkingDays(bj('2026-02-13T00:00:00'), 1)).toEqual(endOf('2026-02-14'));
    expect(calendar.addWorkingDays(bj('2026-02-13T23:59:59'), 1)).toEqual(endOf('2026-02-14'));
    // 16:30 UTC on 02-13 is already 00:30 on Saturday 02-14 in Beijing.
    expect(shanghaiDay(new Date('2026-02-13T16:30:00Z'))).toBe('2026-02-14');
    expect(calendar.addWorkingDays(new Date('2026-02-13T16:30:00Z'), 1)).toEqual(endOf('2026-02-24'));
    expect(calendar.addWorkingDays(new Date('2026-02-13T15:59:59Z'), 1)).toEqual(endOf('2026-02-14'));
  });

  it('counts the other make-up days of the 2026 notice', () => {
    // Friday 02-27 → Saturday 02-28.
    expect(calendar.addWorkingDays(bj('2026-02-27T15:00:00'), 1)).toEqual(endOf('2026-02-28'));
    // Friday 05-08 → Saturday 05-09; Thursday 04-30 → after 劳动节 (05-01 to 05-05), Wednesday 05-06.
    expect(calendar.addWorkingDays(bj('2026-05-08T15:00:00'), 1)).toEqual(endOf('2026-05-09'));
    expect(calendar.addWorkingDays(bj('2026-04-30T15:00:00'), 1)).toEqual(endOf('2026-05-06'));
    // Friday 09-18 → Sunday 09-20 (Saturday 09-19 is off).
    expect(calendar.addWorkingDays(bj('2026-09-18T15:00:00'), 1)).toEqual(endOf('2026-09-20'));
    // Wednesday 09-30, 3 wd → 10-08, 10-09 and the make-up Saturday 10-10.
    expect(calendar.addWorkingDays(bj('2026-09-30T15:00:00'), 3)).toEqual(endOf('2026-10-10'));
    // Before the 中秋 break (09-25 to 09-27): Thursday 09-24 → Monday 09-28.
    expect(calendar.addWorkingDays(bj('2026-09-24T15:00:00'), 1)).toEqual(endOf('2026-09-28'));
  });

  it('5 wd (outcome feedback) across the Spring Festival', () => {
    // Monday 02-09: 02-10, 02-11, 02-12, 02-13, 02-14 (make-up Saturday).
    expect(calendar.addWorkingDays(bj('2026-02-09T11:00:00'), 5)).toEqual(endOf('2026-02-14'));
    // Tuesday 02-10: …, 02-14, then 02-24.
    expect(calendar.addWorkingDays(bj('2026-02-10T11:00:00'), 5)).toEqual(endOf('2026-02-24'));
  });

  it('crosses year boundaries, into a year with data and into one without', () => {
    // 2025 has no data here (weekdays); 2026 starts with 元旦 01-01 to 01-03 and the make-up Sunday 01-04.
    expect(calendar.addWorkingDays(bj('2025-12-31T10:00:00'), 1)).toEqual(endOf('2026-01-04'));
    // Thursday 2026-12-31 → 2027-01-01 is 元旦 (Friday) → Monday 2027-01-04.
    expect(calendar.addWorkingDays(bj('2026-12-31T10:00:00'), 1)).toEqual(endOf('2027-01-04'));
    // Friday 2027-12-31 → 2028 has no data: Monday 2028-01-03.
    expect(calendar.addWorkingDays(bj('2027-12-31T10:00:00'), 1)).toEqual(endOf('2028-01-03'));
  });

  it('a year without data counts Monday to Friday', () => {
    expect(calendar.addWorkingDays(bj('2030-01-04T10:00:00'), 1)).toEqual(endOf('2030-01-07'));
    expect(calendar.addWorkingDays(bj('2030-01-04T10:00:00'), 5)).toEqual(endOf('2030-01-11'));
    expect(new WorkingCalendar().addWorkingDays(bj('2026-02-13T10:00:00'), 1)).toEqual(endOf('2026-02-16'));
  });

  it.each([0, -1, 1.5, Number.NaN, 1001])('refuses %p working days', (n) => {
    expect(() => calendar.addWorkingDays(bj('2026-02-13T10:00:00'), n)).toThrow(RangeError);
  });
});

describe('calendarProblems (the files and the PUT body alike)', () => {
  const ok = { holidays: ['2026-02-16', '2026-02-15'], workdays: ['2026-02-14'] };

  it('accepts a valid year, sorted or not, holidays on any day', () => {
    expect(calendarProblems(2026, ok)).toEqual([]);
    expect(calendarProblems(2026, { holidays: [], workdays: [], source: null, provisional: true })).toEqual([]);
    expect(calendarProblems(2026, { ...year(2026) })).toEqual([]);
    expect(calendarProblems(2027, { ...year(2027) })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, { field: string; message: string | RegExp }]>([
    ['holidays not an array', { holidays: '2026-02-15' }, { field: 'holidays', message: 'must be an array of dates (YYYY-MM-DD)' }],
    ['workdays missing', { workdays: undefined }, { field: 'workdays', message: 'must be an array of dates (YYYY-MM-DD)' }],
    ['a date that is not a string', { holidays: ['2026-02-15', 20260216] }, { field: 'holidays[1]', message: 'must be a date (YYYY-MM-DD)' }],
    ['a date that does not exist', { holidays: ['2026-02-30'] }, { field: 'holidays[0]', message: '2026-02-30 is not a real date (YYYY-MM-DD)' }],
    ['a date in another format', { workdays: ['2026-2-14'] }, { field: 'workdays[0]', message: '2026-2-14 is not a real date (YYYY-MM-DD)' }],
    ['a date of another year', { holidays: ['2026-02-15', '2027-01-01'] }, { field: 'holidays[1]', message: '2027-01-01 is not in 2026' }],
    [
      'a date twice',
      { holidays: ['2026-02-15', '2026-02-16', '2026-02-15'] },
      { field: 'holidays[2]', message: '2026-02-15 is listed twice (also holidays[0])' },
    ],
    [
      'a make-up workday on a weekday',
      { workdays: ['2026-02-14', '2026-02-28', '2026-02-16'] },
      { field: 'workdays[2]', message: '2026-02-16 is not a Saturday or Sunday' },
    ],
    [
      'a day in both lists',
      { holidays: ['2026-02-14'], workdays: ['2026-02-14'] },
      { field: 'workdays[0]', message: '2026-02-14 is also a holiday (holidays[0])' },
    ],
    ['too many dates', { holidays: Array.from({ length: 367 }, () => '2026-01-01') }, { field: 'holidays', message: 'must hold at most 366 dates' }],
    ['a source that is not text', { source: 7 }, { field: 'source', message: 'must be a string' }],
    ['a source too long', { source: '国'.repeat(301) }, { field: 'source', message: 'must be at most 300 characters' }],
    ['provisional not a boolean', { provisional: 'yes' }, { field: 'provisional', message: 'must be true or false' }],
  ])('names the field of %s', (_what, change, problem) => {
    expect(calendarProblems(2026, { ...ok, ...change })).toEqual([problem]);
  });

  it('reports every problem at once, each with its index', () => {
    const problems = calendarProblems(2026, { holidays: ['2026-02-15', 'soon', '2025-12-31'], workdays: ['2026-02-16', '2026-02-15'] });
    expect(problems.map((p) => p.field)).toEqual(['holidays[1]', 'holidays[2]', 'workdays[0]', 'workdays[1]']);
  });
});

describe('calendar files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shouhu-calendar-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: unknown) => writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));

  it('reads every <year>.json, sorted, normalised, and ignores other files', () => {
    write('2031.json', { year: 2031, holidays: ['2031-10-02', '2031-10-01'], workdays: [], $comment: 'a test year' });
    write('README.md', '# not a calendar');
    write('2031.json.bak', '{');
    expect(readCalendarDir(dir)).toEqual([{ year: 2031, holidays: ['2031-10-01', '2031-10-02'], workdays: [], source: null, provisional: false }]);
  });

  it('refuses a bad file, naming the file and each bad field', () => {
    write('2031.json', { year: 2031, holidays: ['2031-02-30'], workdays: ['2031-01-06'], note: 'x' });
    expect(() => readCalendarDir(dir)).toThrow(CalendarFileError);
    expect(() => readCalendarDir(dir)).toThrow(
      `${join(dir, '2031.json')}: note: is not an allowed field; holidays[0]: 2031-02-30 is not a real date (YYYY-MM-DD); workdays[0]: 2031-01-06 is not a Saturday or Sunday`,
    );
  });

  it('refuses a file whose year is not the one of its name, invalid JSON, a year out of range and a missing directory', () => {
    write('2031.json', { year: 2032, holidays: [], workdays: [] });
    expect(() => readCalendarDir(dir)).toThrow(/2031\.json: year: must be 2031/);
    write('2031.json', '{ "year": 2031,');
    expect(() => readCalendarDir(dir)).toThrow(/2031\.json: .*JSON/);
    rmSync(join(dir, '2031.json'));
    write('1999.json', { year: 1999, holidays: [], workdays: [] });
    expect(() => readCalendarDir(dir)).toThrow(/1999\.json: the year must be from 2000 to 2100/);
    expect(() => readCalendarDir(join(dir, 'missing'))).toThrow(/CALENDAR_DIR .*missing/);
  });

  it('parseCalendarFile refuses what is not an object', () => {
    expect(parseCalendarFile(2026, [])).toEqual({ calendar: null, problems: [{ field: '', message: 'must be a JSON object' }] });
  });
});
