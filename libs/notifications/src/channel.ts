import { Injectable, Logger } from '@nestjs/common';

export interface OutgoingMessage {
  notificationId: string;
  userId: string;
  title: string;
  body: string;
}

/**
 * Where SMS or e-mail gateways plug in. Shouhu ships only the logging channel:
 * nothing pretends to send a message it did not send.
 */
export interface NotificationChannel {
  readonly name: string;
  deliver(message: OutgoingMessage): Promise<void>;
}

export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');

/** Writes each message to the structured log (no SMS/e-mail gateway is configured). */
@Injectable()
export class LoggingChannel implements NotificationChannel {
  readonly name = 'log';
  private readonly logger = new Logger('Notifications');

  deliver(message: OutgoingMessage): Promise<void> {
    this.logger.log({
      msg: 'notification (log channel, not sent)',
      channel: this.name,
      notificationId: message.notificationId,
      userId: message.userId,
      title: message.title,
    });
    return Promise.resolve();
  }
}
