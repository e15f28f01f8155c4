import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Notification } from './entities/notification.entity';

/** The in-app notifications. */
@Injectable()
export class NotificationRepository {
  constructor(@InjectRepository(Notification) private readonly notifications: Repository<Notification>) {}

  /** Inserts those not there yet (unique by dedupe key) in the caller's transaction; returns the new ones. */
  async insertOnce(manager: EntityManager, rows: Partial<Notification>[]): Promise<{ id: string; user_id: string }[]> {
    const result = await manager.createQueryBuilder().insert().into(Notification).values(rows).orIgnore().returning(['id', 'user_id']).execute();
    return result.raw as { id: string; user_id: string }[];
  }

  async markDelivered(ids: string[]): Promise<void> {
    await this.notifications
      .createQueryBuilder()
      .update()
      .set({ deliveredAt: () => 'now()' })
      .where('id IN (:...ids)', { ids })
      .execute();
  }

  /** A user's notifications, newest first. */
  forUser(userId: string, unreadOnly: boolean, limit: number): Promise<Notification[]> {
    return this.notifications.find({
      where: { userId, ...(unreadOnly ? { readAt: IsNull() } : {}) },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  findOfUser(id: string, userId: string): Promise<Notification | null> {
    return this.notifications.findOneBy({ id, userId });
  }

  async markRead(id: string, at: Date): Promise<void> {
    await this.notifications.update({ id }, { readAt: at });
  }
}
