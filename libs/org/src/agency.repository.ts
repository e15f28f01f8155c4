import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Agency } from './entities/agency.entity';

/** The agency registry's rows. */
@Injectable()
export class AgencyRepository {
  constructor(@InjectRepository(Agency) private readonly repo: Repository<Agency>) {}

  /** A district's agencies (or one of them), in the order people look for them: kind, then name. */
  list(filter: { districtId: string; id?: string }, limit: number): Promise<Agency[]> {
    const q = this.repo.createQueryBuilder('a').where('a.district_id = :districtId', { districtId: filter.districtId });
    if (filter.id) q.andWhere('a.id = :id', { id: filter.id });
    return q.orderBy('a.kind', 'ASC').addOrderBy('a.name', 'ASC').limit(limit).getMany();
  }

  findById(id: string, manager: EntityManager = this.repo.manager): Promise<Agency | null> {
    return manager.getRepository(Agency).findOneBy({ id });
  }

  /** The row locked for this transaction, when it is in this district. */
  lockInDistrict(manager: EntityManager, id: string, districtId: string): Promise<Agency | null> {
    return manager
      .getRepository(Agency)
      .createQueryBuilder('a')
      .where('a.id = :id AND a.district_id = :districtId', { id, districtId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async insert(manager: EntityManager, row: Partial<Agency>): Promise<Agency> {
    return manager.getRepository(Agency).save(Object.assign(new Agency(), row));
  }

  async update(manager: EntityManager, id: string, changes: Partial<Agency>): Promise<void> {
    await manager.getRepository(Agency).update({ id }, changes);
  }

  /** Demo seeding: inserts the agencies missing by (district, name); returns how many were new. */
  async insertMissing(manager: EntityManager, rows: Partial<Agency>[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await manager.createQueryBuilder().insert().into(Agency).values(rows).orIgnore().returning(['id']).execute();
    return (result.raw as unknown[]).length;
  }

  ofDistrictByName(manager: EntityManager, districtId: string, names: string[]): Promise<Agency[]> {
    return manager
      .getRepository(Agency)
      .createQueryBuilder('a')
      .where('a.district_id = :districtId AND a.name IN (:...names)', { districtId, names })
      .getMany();
  }
}
