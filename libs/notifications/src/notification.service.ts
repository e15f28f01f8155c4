import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { EntityManager } from 'typeorm';
import type { Actor, Role } from '@shouhu/access';
import { TransactionRunner } from '@shouhu/database';
import { DomainError } from '@shouhu/errors';
import { OrgService } from '@shouhu/org';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './channel';
import type { Notification } from './entities/notification.entity';
import { NotificationRepository } from './notification.repository';

/**
 * A user, or everyone active with a role in a jurisdiction. Recipients are staff users only:
 * a case's guardians and household members (libs/cases guardian rows) are never a recipient,
 * so a suspected perpetrator (domain.md §13) is never notified and never learns the reporter.
 */
export type Recipient =
  | { userId: string }
  | { role: Role; jurisdictionId: string }
  /** The active liaisons of an agency (协同单位, domain.md §11). */
  | { agencyId: string }
  /** The active liaisons of the agency a referral is addressed to (a referral's deadlines). */
  | { referralId: string };

export interface NotifyInput {
  kind: string;
  caseId: string | null;
  title: string;
  body: string;
  recipients: Recipient[];
  /** Identifies the cause; with the recipient it makes the notification unique. */
  cause: string;
}

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'deadline.breached' }) kind: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId: string | null;
  @ApiProperty({ example: 'BA-2026-000123 受理 accept or return 已超时 (overdue)' }) title: string;
  @ApiProperty() body: string;
  @ApiProperty() read: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class NotificationListView {
  @ApiProperty({ type: [NotificationView], description: 'newest first; at most 100' }) items: NotificationView[];
}

@Injectable()
export class NotificationService {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly org: OrgService,
    private readonly tx: TransactionRunner,
    @Inject(NOTIFICATION_CHANNELS) private readonly channels: NotificationChannel[],
  ) {}

  /**
   * Creates the notifications inside the caller's transaction, each at most once
   * per cause and recipient; channels deliver them after commit.
   */
  async notify(manager: EntityManager, input: NotifyInput): Promise<number> {
    const userIds = new Set<string>();
    for (const r of input.recipients) {
      for (const id of await this.resolve(r, manager)) userIds.add(id);
    }
    if (userIds.size === 0) return 0;
    const created = await this.notifications.insertOnce(
      manager,
      [...userIds].map((userId) => ({
        userId,
        caseId: input.caseId,
        kind: input.kind,
        title: input.title,
        body: input.body,
        dedupeKey: `${input.cause}:${userId}`,
      })),
    );
    if (created.length) {
      this.tx.afterCommit(manager, () => this.deliver(created.map((c) => ({ notificationId: c.id, userId: c.user_id, title: input.title, body: input.body }))));
    }
    return created.length;
  }

  /**
   * notify() for many inputs in the caller's transaction (a breach sweep's batch): each
   * distinct recipient resolved once, every row in one bulk insert, each at most once per
   * cause and recipient, delivered after commit. Returns how many were new, per input.
   */
  async notifyMany(manager: EntityManager, inputs: NotifyInput[]): Promise<number[]> {
    const resolved = new Map<string, string[]>();
    const rows: { userId: string; caseId: string | null; kind: string; title: string; body: string; dedupeKey: string }[] = [];
    const inputOf = new Map<string, number>();
    for (const [i, input] of inputs.entries()) {
      const userIds = new Set<string>();
      for (const r of input.recipients) {
        const key = JSON.stringify(r);
        let ids = resolved.get(key);
        if (!ids) {
          ids = await this.resolve(r, manager);
          resolved.set(key, ids);
        }
        for (const id of ids) userIds.add(id);
      }
      for (const userId of userIds) {
        const dedupeKey = `${input.cause}:${userId}`;
        if (inputOf.has(dedupeKey)) continue;
        inputOf.set(dedupeKey, i);
        rows.push({ userId, caseId: input.caseId, kind: input.kind, title: input.title, body: input.body, dedupeKey });
      }
    }
    const counts = inputs.map(() => 0);
    if (rows.length === 0) return counts;
    const created = await this.notifications.insertMany(manager, rows);
    for (const c of created) counts[inputOf.get(c.dedupe_key) as number] += 1;
    if (created.length) {
      this.tx.afterCommit(manager, () =>
        this.deliver(
          created.map((c) => {
            const input = inputs[inputOf.get(c.dedupe_key) as number];
            return { notificationId: c.id, userId: c.user_id, title: input.title, body: input.body };
          }),
        ),
      );
    }
    return counts;
  }

  private async resolve(r: Recipient, manager: EntityManager): Promise<string[]> {
    if ('userId' in r) return [r.userId];
    if ('agencyId' in r) return this.org.activeLiaisonIds(r.agencyId, manager);
    if ('referralId' in r) return this.org.activeLiaisonIdsOfReferral(r.referralId, manager);
    return this.org.activeUserIdsWithRole(r.role, r.jurisdictionId, manager);
  }

  private async deliver(messages: { notificationId: string; userId: string; title: string; body: string }[]): Promise<void> {
    for (const m of messages) {
      for (const channel of this.channels) await channel.deliver(m);
    }
    await this.notifications.markDelivered(messages.map((m) => m.notificationId));
  }

  async list(actor: Actor, unreadOnly: boolean, limit = 100): Promise<NotificationView[]> {
    const rows = await this.notifications.forUser(actor.id, unreadOnly, limit);
    return rows.map(view);
  }

  async markRead(actor: Actor, id: string): Promise<NotificationView> {
    const row = await this.notifications.findOfUser(id, actor.id);
    if (!row) throw DomainError.notFound('notification');
    if (!row.readAt) {
      row.readAt = new Date();
      await this.notifications.markRead(id, row.readAt);
    }
    return view(row);
  }
}

function view(n: Notification): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    caseId: n.caseId,
    title: n.title,
    body: n.body,
    read: n.readAt !== null,
    readAt: n.readAt ? n.readAt.toISOString() : null,
    createdAt: n.createdAt.toISOString(),
  };
}
