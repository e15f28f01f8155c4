import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgModule } from '@shouhu/org';
import { LoggingChannel, NOTIFICATION_CHANNELS } from './channel';
import { Notification } from './entities/notification.entity';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';

@Module({
  imports: [TypeOrmModule.forFeature([Notification]), OrgModule],
  providers: [
    NotificationRepository,
    NotificationService,
    LoggingChannel,
    { provide: NOTIFICATION_CHANNELS, inject: [LoggingChannel], useFactory: (log: LoggingChannel) => [log] },
  ],
  exports: [NotificationService],
})
export class NotificationsModule {}
