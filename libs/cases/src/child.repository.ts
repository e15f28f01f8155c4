import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { preparedQuery } from '@shouhu/database';
import { Child } from './entities/child.entity';

/**
 * How intake recognises a child reported before, as SQL conditions on `child` rows (each appends its
 * values to `params`): by the keyed hash of the ID number; or, without one, by name and birth date in
 * the street (child.street_id, the match scope). ChildRepository.matchingIds and the new child's
 * filing statement (CaseRepository.filingStatement) both ask with these.
 */
export const CHILD_MATCH = {
  byId: (idHash: string, params: unknown[]) => `id_number_hmac = $${params.push(idHash)}`,
  byName: (m: { streetId: string; name: string; birthDate: string }, params: unknown[]) =>
    `street_id = CAST($${params.push(m.streetId)} AS uuid) AND name = $${params.push(m.name)}` +
    ` AND birth_date = CAST($${params.push(m.birthDate)} AS date) AND id_number_hmac IS NULL`,
};

/** The child rows: one per case filed, matched across cases by the keyed hash of the ID number or by name and birth date. */
@Injectable()
export class ChildRepository {
  /**
   * The rows of a child already reported: every row with the same keyed hash of the
   * ID number; else, without an ID number, the rows of the same name and birth date
   * in the street (CHILD_MATCH). A child reported in several scopes has a row in each.
   */
  async matchingIds(manager: EntityManager, idHash: string | null, streetId: string, name: string, birthDate: string): Promise<string[]> {
    if (idHash) {
      const params: unknown[] = [];
      const byId = await preparedQuery<{ id: string }>(manager, `SELECT id FROM child WHERE ${CHILD_MATCH.byId(idHash, params)}`, params);
      if (byId.length) return byId.map((r) => r.id);
    }
    const params: unknown[] = [];
    const byName = await preparedQuery<{ id: string }>(
      manager,
      `SELECT id FROM child WHERE ${CHILD_MATCH.byName({ streetId, name, birthDate }, params)}`,
      params,
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
