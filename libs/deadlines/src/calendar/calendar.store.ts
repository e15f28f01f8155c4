import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@shouhu/config';
import { safeErrorFields } from '@shouhu/errors';
import { readCalendarDir } from './calendar-files';
import { CalendarRepository } from './calendar.repository';
import type { CalendarYear } from './calendar-validation';
import { WorkingCalendar } from './working-calendar';

/** How often a process re-reads the table, to see years other processes replaced. */
export const CALENDAR_REFRESH_MS = 60_000;

/**
 * The official calendar in memory, for the synchronous SLA arithmetic. At start it
 * reads the shipped files (a bad one stops the start), inserts the years the table
 * lacks, then loads the table, which is the truth from then on. It reloads after a
 * replacement in this process and every minute (replacements in other processes).
 * Should the table be out of reach, it keeps what it had (at start: the files).
 */
@Injectable()
export class CalendarStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CalendarStore.name);
  private calendar = new WorkingCalendar();
  private timer: NodeJS.Timeout | undefined;
  /** Each load takes a number; only the newest one started may install its answer. */
  private loads = 0;

  constructor(
    private readonly repo: CalendarRepository,
    private readonly config: AppConfig,
  ) {}

  /** The calendar as this process knows it now. */
  current(): WorkingCalendar {
    return this.calendar;
  }

  async onModuleInit(): Promise<void> {
    const shipped = readCalendarDir(this.config.CALENDAR_DIR);
    this.install(shipped);
    try {
      const inserted = await this.repo.insertMissing(shipped);
      if (inserted.length) this.logger.log(`calendar: loaded year(s) ${inserted.join(', ')} from ${this.config.CALENDAR_DIR}`);
      await this.refresh();
    } catch (error) {
      this.logger.error({
        msg: 'calendar: the working_calendar table is out of reach; deadlines use the shipped files until it answers',
        error: safeErrorFields(error),
      });
    }
    this.timer = setInterval(() => void this.refresh().catch((error: unknown) => this.refreshFailed(error)), CALENDAR_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reloads every year from the table. */
  async refresh(): Promise<void> {
    const load = ++this.loads;
    const years = await this.repo.all();
    // A load that started earlier but finished later must not undo a newer one (a replacement's).
    if (load === this.loads) this.install(years);
  }

  private install(years: readonly CalendarYear[]): void {
    this.calendar = new WorkingCalendar(years);
  }

  private refreshFailed(error: unknown): void {
    this.logger.warn({ msg: 'calendar: could not reload the working_calendar table; keeping the calendar loaded before', error: safeErrorFields(error) });
  }
}
