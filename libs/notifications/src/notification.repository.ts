import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Notification } from './entities/notification.entity';

/** Rows per statement of a bulk insert or update. */
const INSERT_CHUNK = 5000;

/** The in-app notifications. */
@Injectable()
export class NotificationRepository {
  constructor(@InjectRepository(Notification) private readonly notifications: Repository<Notification>) {}

  /** Inserts those not there yet (unique by dedupe key) in the caller's transaction; returns the new ones. */
  async insertOnce(manager: EntityManager, rows: Partial<Notification>[]): Promise<{ id: string; user_id: string }[]> {
    const result = await manager.createQueryBuilder().insert().into(Notification).values(rows).orIgnore().returning(['id', 'user_id']).execute();
    return result.raw as { id: string; user_id: string }[];
  }

  /**
   * The same for many rows at once (a breach sweep's batch): one statement per
   * INSERT_CHUNK rows, the rows as one JSON parameter. Returns the new ones with their key.
   */
  async insertMany(
    manager: EntityManager,
    rows: { userId: string; caseId: string | null; kind: string; title: string; body: string; dedupeKey: string }[],
  ): Promise<{ id: string; user_id: string; dedupe_key: string }[]> {
    const created: { id: string; user_id: string; dedupe_key: string }[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const inserted = await manager.query<{ id: string; user_id: string; dedupe_key: string }[]>(
        `INSERT INTO notification (user_id, case_id, kind, title, body, dedupe_key)
         SELECT r."userId", r."caseId", r.kind, r.title, r.body, r."dedupeKey"
           FROM jsonb_to_recordset($1::jsonb) AS r("userId" uuid, "caseId" uuid, kind varchar, title varchar, body varchar, "dedupeKey" varchar)
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, user_id, dedupe_key`,
        [JSON.stringify(chunk)],
      );
      created.push(...inserted);
    }
    return created;
  }

  async markDelivered(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
      await this.notifications.query('UPDATE notification SET delivered_at = now() WHERE id = ANY($1::uuid[])', [ids.slice(i, i + INSERT_CHUNK)]);
    }
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
