import { Injectable, Logger } from '@nestjs/common';
import type { Actor } from '@shouhu/access';
import { DomainError, ErrorCode, safeErrorFields } from '@shouhu/errors';
import { CalendarRepository, StoredCalendarYear } from './calendar.repository';
import { CalendarStore } from './calendar.store';
import { calendarProblems, isCalendarYear, normaliseCalendar } from './calendar-validation';
import { CalendarYearView, ReplaceCalendarDto } from './calendar.views';

const view = (c: StoredCalendarYear): CalendarYearView => ({
  year: c.year,
  holidays: [...c.holidays],
  workdays: [...c.workdays],
  source: c.source,
  provisional: c.provisional,
  updatedAt: c.updatedAt.toISOString(),
});

function checkYear(year: number): void {
  if (!isCalendarYear(year)) throw DomainError.validation('year', 'must be a whole year from 2000 to 2100');
}

/**
 * The official working-day calendar as the API serves it: read a year, replace a year.
 * A replacement applies to deadlines computed from then on; those already computed
 * keep their due time.
 */
@Injectable()
export class CalendarService {
  private readonly logger = new Logger(CalendarService.name);

  constructor(
    private readonly calendars: CalendarRepository,
    private readonly store: CalendarStore,
  ) {}

  async get(year: number): Promise<CalendarYearView> {
    checkYear(year);
    const found = await this.calendars.one(year);
    if (!found) throw new DomainError(ErrorCode.NotFound, `no calendar for ${year}`);
    return view(found);
  }

  async replace(actor: Actor, year: number, dto: ReplaceCalendarDto): Promise<CalendarYearView> {
    checkYear(year);
    const problems = calendarProblems(year, dto);
    if (problems.length) throw new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    const stored = await this.calendars.replace(normaliseCalendar(year, dto), actor.id);
    // This process computes new deadlines on it at once; the others within a minute.
    await this.store
      .refresh()
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'calendar: replaced, but this process could not reload it yet (the next reload will)', error: safeErrorFields(error) }),
      );
    this.logger.log(
      `calendar ${year} replaced by user ${actor.id} (${actor.role}): ${stored.holidays.length} holidays, ${stored.workdays.length} make-up workdays${stored.provisional ? ', provisional' : ''}`,
    );
    return view(stored);
  }
}
