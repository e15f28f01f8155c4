import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EntityManager } from 'typeorm';
import { ReplicaReads } from '@shouhu/database';
import { CaseEvent } from './entities/case-event.entity';
import { EventType } from './event-type';
import { ChainVerdict, eventHash, GENESIS_HASH, verifyChain } from './hash-chain';
import { TimelineRepository } from './timeline.repository';

/**
 * A case's chain head as its writer read it under the case row lock: the last sequence number
 * taken on the case, and the sequence number and hash of its latest event (null when it has none).
 */
export interface ChainHead {
  lastSeq: number;
  hashSeq: number | null;
  lastHash: string | null;
}

export interface NewEvent {
  caseId: string;
  /** The case's next sequence number, taken under the case row lock. */
  seq: number;
  type: EventType;
  actor: { id: string | null; role: string };
  fromStatus?: string | null;
  toStatus?: string | null;
  data?: Record<string, unknown>;
  at?: Date;
}

export class TimelineActorView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the system (deadlines, escalations)' }) id: string | null;
  @ApiProperty({ example: 'street_supervisor', description: 'a role, or "system"' }) role: string;
}

export class TimelineEventView {
  @ApiProperty({ type: 'integer', minimum: 1, description: '1, 2, 3… within the case' }) seq: number;
  @ApiProperty({ example: 'case.accepted' }) type: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: TimelineActorView }) actor: TimelineActorView;
  @ApiProperty({ type: String, nullable: true, example: 'submitted' }) fromStatus: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'assessing' }) toStatus: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what the event carries; never a child’s identity' }) data: Record<string, unknown>;
  @ApiProperty({ description: 'SHA-256 (hex) over this event and prevHash' }) hash: string;
  @ApiProperty({ description: 'the hash of the event before (a fixed genesis value for seq 1)' }) prevHash: string;
}

/** GET /api/cases/:id/timeline: the events, oldest first, and whether their hash chain holds. */
export class TimelineView {
  @ApiProperty({ type: [TimelineEventView] }) events: TimelineEventView[];
  @ApiProperty({ description: 'the hash chain was recomputed and holds' }) verified: boolean;
}

export class ChainVerdictView implements ChainVerdict {
  @ApiProperty() valid: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'how many events were checked' }) events: number;
  @ApiPropertyOptional({ type: 'integer', description: 'the first event whose hash or link does not match (only when invalid)' }) brokenAtSeq?: number;
}

/** The append-only, hash-chained case timeline. */
@Injectable()
export class TimelineService {
  constructor(
    private readonly events: TimelineRepository,
    private readonly replicas: ReplicaReads,
  ) {}

  /**
   * Appends an event inside the caller's transaction. The caller holds the case
   * row lock, so seq and the previous hash cannot race.
   */
  async append(manager: EntityManager, event: NewEvent): Promise<CaseEvent> {
    const prev = await this.events.latest(manager, event.caseId);
    if ((prev?.seq ?? 0) + 1 !== event.seq) throw new Error(`timeline of case ${event.caseId}: expected seq ${(prev?.seq ?? 0) + 1}, got ${event.seq}`);
    const row = chainedRow(event, prev?.hash ?? GENESIS_HASH);
    await this.events.insert(manager, row);
    return row;
  }

  /**
   * Appends events of several cases inside the caller's transaction, in one statement: each case's
   * events chained in the order given after its head (`heads`, read by the caller under the case row
   * locks it holds). The same guard as append: a case's counter and its latest event agree.
   */
  async appendMany(manager: EntityManager, events: Omit<NewEvent, 'seq'>[], heads: Map<string, ChainHead>): Promise<CaseEvent[]> {
    const chain = new Map<string, { seq: number; hash: string }>();
    const rows = events.map((event) => {
      let prev = chain.get(event.caseId);
      if (!prev) {
        const head = heads.get(event.caseId);
        if (!head) throw new Error(`timeline of case ${event.caseId}: no chain head`);
        if ((head.hashSeq ?? 0) !== head.lastSeq)
          throw new Error(`timeline of case ${event.caseId}: expected seq ${(head.hashSeq ?? 0) + 1}, got ${head.lastSeq + 1}`);
        prev = { seq: head.lastSeq, hash: head.lastHash ?? GENESIS_HASH };
      }
      const row = chainedRow({ ...event, seq: prev.seq + 1 }, prev.hash);
      chain.set(event.caseId, { seq: row.seq, hash: row.hash });
      return row;
    });
    await this.events.insertMany(manager, rows);
    return rows;
  }

  /**
   * The first event of a case that is being created (seq 1, chained to the genesis hash),
   * hashed here without a statement: the caller writes it together with the case row.
   */
  firstEvent(event: Omit<NewEvent, 'seq'>): CaseEvent {
    return chainedRow({ ...event, seq: 1 }, GENESIS_HASH);
  }

  async list(caseId: string): Promise<TimelineEventView[]> {
    const rows = await this.ofCase(caseId);
    return rows.map(toView);
  }

  async verify(caseId: string): Promise<ChainVerdictView> {
    const rows = await this.ofCase(caseId);
    return verifyChain(rows.map((r) => ({ ...r, actor: { id: r.actorId, role: r.actorRole } })));
  }

  /** The case's events, oldest first, on a caught-up replica when there is one (ReplicaReads). */
  private ofCase(caseId: string): Promise<CaseEvent[]> {
    return this.replicas.read((m) => m.getRepository(CaseEvent).find({ where: { caseId }, order: { seq: 'ASC' } }));
  }
}

/** The event's row, chained to the hash of the event before it. */
function chainedRow(event: NewEvent, prevHash: string): CaseEvent {
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
    prevHash,
  });
  row.hash = eventHash({ ...row, actor: event.actor });
  return row;
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
