import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { SqlCondition } from '@shouhu/database';
import { ReferralStatus } from './domain';
import { Referral } from './entities/referral.entity';

/** A referral with what its views need of its case, its child and its agency (one row, one query). */
export interface ReferralRow {
  referral: Referral;
  caseNo: string;
  caseDistrictId: string;
  categories: string[];
  agencyName: string;
  agencyKind: string;
  child: { name: string; sex: string; birthDate: string };
}

/** Who may see which referrals: a liaison its agency's, anyone else those of cases in its scope (SQL over the case alias `c`). */
export type ReferralReach = { agencyId: string } | { caseScope: SqlCondition };

export interface ReferralFilter {
  status?: ReferralStatus[];
  caseId?: string;
  /** Keyset: rows created before this (created_at, id). */
  before?: { at: string; id: string };
}

@Injectable()
export class ReferralRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private joined(manager: EntityManager, reach: ReferralReach) {
    const q = manager
      .getRepository(Referral)
      .createQueryBuilder('r')
      .innerJoin('case', 'c', 'c.id = r.case_id')
      .innerJoin('child', 'ch', 'ch.id = c.child_id')
      .innerJoin('agency', 'a', 'a.id = r.agency_id')
      .addSelect(['c.case_no AS c_case_no', 'c.district_id AS c_district_id', 'c.categories AS c_categories'])
      .addSelect(['a.name AS a_name', 'a.kind AS a_kind'])
      .addSelect(['ch.name AS ch_name', 'ch.sex AS ch_sex', "to_char(ch.birth_date, 'YYYY-MM-DD') AS ch_birth_date"]);
    if ('agencyId' in reach) q.where('r.agency_id = :reachAgency', { reachAgency: reach.agencyId });
    else q.where(reach.caseScope.sql, reach.caseScope.params);
    return q;
  }

  private static rowsOf(result: { entities: Referral[]; raw: Record<string, unknown>[] }): ReferralRow[] {
    return result.entities.map((referral, i) => {
      const raw = result.raw[i];
      return {
        referral,
        caseNo: raw.c_case_no as string,
        caseDistrictId: raw.c_district_id as string,
        categories: raw.c_categories as string[],
        agencyName: raw.a_name as string,
        agencyKind: raw.a_kind as string,
        child: { name: raw.ch_name as string, sex: raw.ch_sex as string, birthDate: raw.ch_birth_date as string },
      };
    });
  }

  async findWithin(id: string, reach: ReferralReach, manager: EntityManager = this.db.manager): Promise<ReferralRow | null> {
    const rows = ReferralRepository.rowsOf(await this.joined(manager, reach).andWhere('r.id = :rid', { rid: id }).getRawAndEntities());
    return rows[0] ?? null;
  }

  /** Newest first; `limit + 1` rows so the caller can tell whether there is more. */
  async list(reach: ReferralReach, filter: ReferralFilter, limit: number): Promise<ReferralRow[]> {
    const q = this.joined(this.db.manager, reach);
    if (filter.status?.length) q.andWhere('r.status IN (:...fStatus)', { fStatus: filter.status });
    if (filter.caseId) q.andWhere('r.case_id = :fCase', { fCase: filter.caseId });
    if (filter.before) q.andWhere('(r.created_at, r.id) < (:bAt, :bId)', { bAt: filter.before.at, bId: filter.before.id });
    q.orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1);
    return ReferralRepository.rowsOf(await q.getRawAndEntities());
  }

  /** Where a referral lives (its case), whoever asks: the services check the reach first. */
  caseOf(id: string, manager: EntityManager = this.db.manager): Promise<Pick<Referral, 'id' | 'caseId' | 'agencyId'> | null> {
    return manager.getRepository(Referral).findOne({ where: { id }, select: { id: true, caseId: true, agencyId: true } });
  }

  /** The row locked for the rest of the transaction (the case row is locked first, as in every case write). */
  lock(manager: EntityManager, id: string): Promise<Referral | null> {
    return manager.getRepository(Referral).createQueryBuilder('r').setLock('pessimistic_write').where('r.id = :id', { id }).getOne();
  }

  insert(manager: EntityManager, row: Partial<Referral>): Promise<Referral> {
    return manager.getRepository(Referral).save(Object.assign(new Referral(), row));
  }

  async update(manager: EntityManager, id: string, changes: Partial<Referral>): Promise<void> {
    await manager.getRepository(Referral).update({ id }, changes);
  }

  /** The measure exists on this case (a referral may carry one out). */
  async measureOfCase(manager: EntityManager, caseId: string, measureId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM measure WHERE id = $1 AND case_id = $2', [measureId, caseId]);
    return rows.length > 0;
  }
}
