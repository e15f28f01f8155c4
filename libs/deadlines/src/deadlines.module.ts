import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@shouhu/config';
import { NotificationsModule } from '@shouhu/notifications';
import { DeadlineRepository } from './deadline.repository';
import { DEADLINE_TIMERS, DeadlineService, SLA_CALCULATOR } from './deadline.service';
import { BullDeadlineTimers } from './deadline-timers';
import { Deadline } from './entities/deadline.entity';
import { loadPolicy, SlaCalculator } from './policy';

/** Deadline rows, the SLA policy (validated at start) and their timers. */
@Module({
  imports: [TypeOrmModule.forFeature([Deadline]), NotificationsModule],
  providers: [
    DeadlineRepository,
    DeadlineService,
    BullDeadlineTimers,
    { provide: DEADLINE_TIMERS, useExisting: BullDeadlineTimers },
    {
      provide: SLA_CALCULATOR,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SlaCalculator(loadPolicy(config.SLA_POLICY_FILE), config.SLA_TIME_SCALE),
    },
  ],
  exports: [DeadlineService, DeadlineRepository, BullDeadlineTimers, SLA_CALCULATOR],
})
export class DeadlinesCoreModule {}
