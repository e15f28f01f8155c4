export { LoggingChannel, NOTIFICATION_CHANNELS } from './channel';
export type { NotificationChannel, OutgoingMessage } from './channel';
export { Notification } from './entities/notification.entity';
export { NotificationListView, NotificationService, NotificationView } from './notification.service';
export type { NotifyInput, Recipient } from './notification.service';
export { NotificationsModule } from './notifications.module';
