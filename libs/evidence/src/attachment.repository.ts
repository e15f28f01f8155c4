import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Attachment } from './entities/attachment.entity';

/** The only place that touches the attachment table. */
@Injectable()
export class AttachmentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  insert(manager: EntityManager, row: Partial<Attachment>): Promise<Attachment> {
    return manager.getRepository(Attachment).save(Object.assign(new Attachment(), row));
  }

  ofCase(caseId: string): Promise<Attachment[]> {
    return this.db.getRepository(Attachment).find({ where: { caseId }, order: { uploadedAt: 'ASC', id: 'ASC' } });
  }

  find(caseId: string, id: string, manager: EntityManager = this.db.manager): Promise<Attachment | null> {
    return manager.getRepository(Attachment).findOneBy({ caseId, id });
  }

  /** Locks the row for a retraction (so two retractions cannot both pass). */
  lock(manager: EntityManager, caseId: string, id: string): Promise<Attachment | null> {
    return manager.getRepository(Attachment).findOne({ where: { caseId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async retract(manager: EntityManager, id: string, by: string, reason: string): Promise<void> {
    await manager.getRepository(Attachment).update({ id }, { retractedAt: new Date(), retractedById: by, retractionReason: reason });
  }
}
