import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CaseEvent } from './entities/case-event.entity';
import { ChainVerdict, eventHash, GENESIS_HASH, verifyChain } from './hash-chain';

export interface NewEvent {
  caseId: string;
  /** The case's next sequence number, taken under the case row lock. */
  seq: number;
  type: string;
  actor: { id: string | null; role: string };
  fromStatus?: string | null;
  toStatus?: string | null;
  data?: Record<string, unknown>;
  at?: Date;
}

export interface TimelineEventView {
  seq: number;
  type: string;
  at: string;
  actor: { id: string | null; role: string };
  fromStatus: string | null;
  toStatus: string | null;
  data: Record<string, unknown>;
  hash: string;
  prevHash: string;
}

/** The append-only, hash-chained case timeline. */
@Injectable()
export class TimelineService {
  constructor(@InjectRepository(CaseEvent) private readonly events: Repository<CaseEvent>) {}

  /**
   * Appends an event inside the caller's transaction. The caller holds the case
   * row lock, so seq and the previous hash cannot race.
   */
  async append(manager: EntityManager, event: NewEvent): Promise<CaseEvent> {
    const prev = await manager
      .getRepository(CaseEvent)
      .createQueryBuilder('e')
      .select(['e.seq', 'e.hash'])
      .where('e.case_id = :caseId', { caseId: event.caseId })
      .orderBy('e.seq', 'DESC')
      .limit(1)
      .getOne();
    if ((prev?.seq ?? 0) + 1 !== event.seq) throw new Error(`timeline of case ${event.caseId}: expected seq ${(prev?.seq ?? 0) + 1}, got ${event.seq}`);
    // Postgres keeps microseconds, JavaScript milliseconds: hash what will be read back.
    const at = new Date(Math.floor((event.at ?? new Date()).getTime()));
    const row = Object.assign(new CaseEvent(), {
      caseId: event.caseId,
      seq: event.seq,
      type: event.type,
      at,
      actorId: event.actor.id,
      actorRole: event.actor.role,
      fromStatus: event.fromStatus ?? null,
      toStatus: event.toStatus ?? null,
      data: event.data ?? {},
      prevHash: prev?.hash ?? GENESIS_HASH,
    });
    row.hash = eventHash({ ...row, actor: event.actor });
    await manager.getRepository(CaseEvent).insert(row as never);
    return row;
  }

  async list(caseId: string): Promise<TimelineEventView[]> {
    const rows = await this.events.find({ where: { caseId }, order: { seq: 'ASC' } });
    return rows.map(toView);
  }

  async verify(caseId: string): Promise<ChainVerdict> {
    const rows = await this.events.find({ where: { caseId }, order: { seq: 'ASC' } });
    return verifyChain(rows.map((r) => ({ ...r, actor: { id: r.actorId, role: r.actorRole } })));
  }
}

function toView(r: CaseEvent): TimelineEventView {
  return {
    seq: r.seq,
    type: r.type,
    at: r.at.toISOString(),
    actor: { id: r.actorId, role: r.actorRole },
    fromStatus: r.fromStatus,
    toStatus: r.toStatus,
    data: r.data,
    hash: r.hash,
    prevHash: r.prevHash,
  };
}
