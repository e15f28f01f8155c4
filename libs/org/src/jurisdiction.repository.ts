import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { FieldMap } from '@shouhu/access';
import type { SqlCondition } from '@shouhu/database';
import { Jurisdiction } from './entities/jurisdiction.entity';

/** Rule fields of the Jurisdiction subject → columns of alias `j`. */
export const JURISDICTION_FIELDS: FieldMap = {
  id: 'j.id',
  districtId: 'j.district_id',
  streetId: 'j.street_id',
  communityId: 'j.community_id',
};

@Injectable()
export class JurisdictionRepository {
  constructor(@InjectRepository(Jurisdiction) private readonly repo: Repository<Jurisdiction>) {}

  listWithin(scope: SqlCondition): Promise<Jurisdiction[]> {
    return this.repo.createQueryBuilder('j').where(scope.sql, scope.params).orderBy('j.level', 'ASC').addOrderBy('j.code', 'ASC').getMany();
  }

  findWithin(id: string, scope: SqlCondition): Promise<Jurisdiction | null> {
    return this.repo.createQueryBuilder('j').where('j.id = :id', { id }).andWhere(scope.sql, scope.params).getOne();
  }

  findById(id: string, manager: EntityManager = this.repo.manager): Promise<Jurisdiction | null> {
    return manager.getRepository(Jurisdiction).findOneBy({ id });
  }

  /** Inserts the rows that are missing (by code); returns how many were new. */
  async insertMissing(rows: Jurisdiction[], manager: EntityManager): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await manager.createQueryBuilder().insert().into(Jurisdiction).values(rows).orIgnore().returning(['id']).execute();
    return (result.raw as unknown[]).length;
  }

  async setCasePrefixIfMissing(code: string, prefix: string, manager: EntityManager): Promise<void> {
    await manager
      .getRepository(Jurisdiction)
      .createQueryBuilder()
      .update()
      .set({ casePrefix: prefix })
      .where('code = :code AND case_prefix IS NULL', { code })
      .execute();
  }

  findByCodes(codes: string[], manager: EntityManager): Promise<Jurisdiction[]> {
    return manager.getRepository(Jurisdiction).createQueryBuilder('j').where('j.code IN (:...codes)', { codes }).getMany();
  }
}
