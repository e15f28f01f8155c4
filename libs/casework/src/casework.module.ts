import { Module } from '@nestjs/common';
import { CasesModule } from '@shouhu/cases';
import { DeadlineService, DeadlinesCoreModule, EscalationService } from '@shouhu/deadlines';
import { NotificationsModule } from '@shouhu/notifications';

/**
 * Case work as the apps run it: the case lifecycle with its deadlines following every
 * change in the same transaction, notifications, and the escalation steps the worker
 * runs. The wiring lives here, above both domains, because each needs the other: the
 * cases call the deadlines through their lifecycle port, and escalation writes cases.
 */
@Module({
  imports: [DeadlinesCoreModule, CasesModule.forRoot({ imports: [DeadlinesCoreModule], hooks: DeadlineService }), NotificationsModule],
  providers: [EscalationService],
  exports: [CasesModule, DeadlinesCoreModule, NotificationsModule, EscalationService],
})
export class CaseworkModule {}
