import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Guardian } from './entities/guardian.entity';

/** The guardians and household members of a case (监护人与家庭成员). */
@Injectable()
export class GuardianRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A case's guardians, in the order they were recorded. */
  ofCase(caseId: string, manager: EntityManager = this.db.manager): Promise<Guardian[]> {
    return manager.getRepository(Guardian).find({ where: { caseId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  insert(manager: EntityManager, row: Partial<Guardian>): Promise<Guardian> {
    return manager.getRepository(Guardian).save(Object.assign(new Guardian(), row));
  }

  /** The guardian, only as one of this case's (another case's guardian is "not found"). */
  find(manager: EntityManager, caseId: string, guardianId: string): Promise<Guardian | null> {
    return manager.getRepository(Guardian).findOneBy({ id: guardianId, caseId });
  }

  async update(manager: EntityManager, id: string, changes: Partial<Guardian>): Promise<void> {
    await manager.getRepository(Guardian).update({ id }, changes);
  }
}
