import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { preparedQuery } from '@shouhu/database';
import { Child } from './entities/child.entity';

/** The child rows: one per case filed, matched across cases by the keyed hash of the ID number or by name and birth date. */
@Injectable()
export class ChildRepository {
  /**
   * The rows of a child already reported: every row with the same keyed hash of the
   * ID number; else, without an ID number, the rows of the same name and birth date
   * in the street. A child reported in several scopes has a row in each. (A new child's filing
   * asks the same in its insert: CaseRepository.insertFiling.)
   */
  async matchingIds(manager: EntityManager, idHash: string | null, streetId: string, name: string, birthDate: string): Promise<string[]> {
    if (idHash) {
      const byId = await preparedQuery<{ id: string }>(manager, 'SELECT id FROM child WHERE id_number_hmac = $1', [idHash]);
      if (byId.length) return byId.map((r) => r.id);
    }
    const byName = await preparedQuery<{ id: string }>(
      manager,
      'SELECT id FROM child WHERE street_id = $1 AND name = $2 AND birth_date = $3 AND id_number_hmac IS NULL',
      [streetId, name, birthDate],
    );
    return byName.map((r) => r.id);
  }

  /** The case's child row (its sex and birth date are what the statutory checks need). */
  ofCase(manager: EntityManager, childId: string): Promise<Child> {
    return manager.getRepository(Child).findOneByOrFail({ id: childId });
  }

  insert(manager: EntityManager, row: Partial<Child>): Promise<Child> {
    return manager.getRepository(Child).save(Object.assign(new Child(), row));
  }

  /** The child moved: intake matches a report without ID number in the new street from now on. */
  async moveToStreet(manager: EntityManager, childId: string, streetId: string): Promise<void> {
    await manager.getRepository(Child).update({ id: childId }, { streetId });
  }
}
