import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@shouhu/config';
import { NotificationsModule } from '@shouhu/notifications';
import { CalendarRepository } from './calendar/calendar.repository';
import { CalendarService } from './calendar/calendar.service';
import { CalendarStore } from './calendar/calendar.store';
import { DeadlineRepository } from './deadline.repository';
import { DeadlineService, SLA_CALCULATOR } from './deadline.service';
import { BullDeadlineTimers } from './deadline-timers';
import { Deadline } from './entities/deadline.entity';
import { WorkingCalendarYear } from './entities/working-calendar.entity';
import { loadPolicy, SlaCalculator } from './policy';

/** Deadline rows, the SLA policy (validated at start), the official working-day calendar and the deadlines' timers. */
@Module({
  imports: [TypeOrmModule.forFeature([Deadline, WorkingCalendarYear]), NotificationsModule],
  providers: [
    DeadlineRepository,
    DeadlineService,
    BullDeadlineTimers,
    CalendarRepository,
    CalendarStore,
    CalendarService,
    {
      provide: SLA_CALCULATOR,
      inject: [AppConfig, CalendarStore],
      useFactory: (config: AppConfig, calendar: CalendarStore) =>
        new SlaCalculator(loadPolicy(config.SLA_POLICY_FILE), config.SLA_TIME_SCALE, () => calendar.current()),
    },
  ],
  exports: [DeadlineService, DeadlineRepository, BullDeadlineTimers, SLA_CALCULATOR, CalendarService, CalendarStore],
})
export class DeadlinesCoreModule {}
