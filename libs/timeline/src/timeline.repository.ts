import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CaseEvent } from './entities/case-event.entity';

/** The case events: appended, never updated or deleted (the database refuses both). */
@Injectable()
export class TimelineRepository {
  constructor(@InjectRepository(CaseEvent) private readonly events: Repository<CaseEvent>) {}

  /** The case's latest event (its sequence number and hash), read in the writer's transaction. */
  latest(manager: EntityManager, caseId: string): Promise<Pick<CaseEvent, 'seq' | 'hash'> | null> {
    return manager
      .getRepository(CaseEvent)
      .createQueryBuilder('e')
      .select(['e.seq', 'e.hash'])
      .where('e.case_id = :caseId', { caseId })
      .orderBy('e.seq', 'DESC')
      .limit(1)
      .getOne();
  }

  async insert(manager: EntityManager, row: CaseEvent): Promise<void> {
    // (`as never`: the entity's `case` relation is typed unknown, which the insert's partial type refuses.)
    await manager.getRepository(CaseEvent).insert(row as never);
  }

  /** Many rows in one statement (a batch of any size is one round trip). */
  async insertMany(manager: EntityManager, rows: CaseEvent[]): Promise<void> {
    if (!rows.length) return;
    await manager.query(
      `INSERT INTO case_event (case_id, seq, type, at, actor_id, actor_role, from_status, to_status, data, prev_hash, hash)
       SELECT e.case_id, e.seq, e.type, e.at, e.actor_id, e.actor_role, e.from_status, e.to_status, e.data, e.prev_hash, e.hash
         FROM jsonb_to_recordset($1::jsonb)
           AS e(case_id uuid, seq int, type varchar, at timestamptz, actor_id uuid, actor_role varchar, from_status varchar, to_status varchar,
                data jsonb, prev_hash char(64), hash char(64))`,
      [
        JSON.stringify(
          rows.map((r) => ({
            case_id: r.caseId,
            seq: r.seq,
            type: r.type,
            at: r.at.toISOString(),
            actor_id: r.actorId,
            actor_role: r.actorRole,
            from_status: r.fromStatus,
            to_status: r.toStatus,
            data: r.data,
            prev_hash: r.prevHash,
            hash: r.hash,
          })),
        ),
      ],
    );
  }

  ofCase(caseId: string): Promise<CaseEvent[]> {
    return this.events.find({ where: { caseId }, order: { seq: 'ASC' } });
  }
}
