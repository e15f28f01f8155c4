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

  ofCase(caseId: string): Promise<CaseEvent[]> {
    return this.events.find({ where: { caseId }, order: { seq: 'ASC' } });
  }
}
