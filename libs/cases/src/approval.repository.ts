import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { SqlCondition } from '@shouhu/database';
import { ApprovalKind, ApprovalStatus, RiskLevel } from './domain';
import { Approval } from './entities/approval.entity';
import { Case } from './entities/case.entity';

/** An approval as the list shows it: with its case's number and risk level. */
export interface ApprovalListRow {
  approval: Approval;
  caseNo: string;
  riskLevel: RiskLevel;
}

/** The approvals: steps that wait for someone else's decision. */
@Injectable()
export class ApprovalRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  insert(manager: EntityManager, row: Partial<Approval>): Promise<Approval> {
    return manager.getRepository(Approval).save(Object.assign(new Approval(), row));
  }

  /** The approval by id (its case is locked by the caller). */
  get(manager: EntityManager, id: string): Promise<Approval> {
    return manager.getRepository(Approval).findOneByOrFail({ id });
  }

  async decide(manager: EntityManager, id: string, decision: Pick<Approval, 'status' | 'decidedById' | 'decidedAt' | 'decisionReason'>): Promise<void> {
    await manager.getRepository(Approval).update({ id }, decision);
  }

  /** The case's pending approval of one of these kinds (a measure's decision does not hold up the plan or a closure request of its own). */
  pending(manager: EntityManager, caseId: string, kinds: readonly ApprovalKind[]): Promise<Approval | null> {
    return manager.getRepository(Approval).findOneBy({ caseId, status: ApprovalStatus.Pending, kind: In([...kinds]) });
  }

  ofCase(caseId: string, manager: EntityManager = this.db.manager): Promise<Approval[]> {
    return manager.getRepository(Approval).find({ where: { caseId }, order: { requestedAt: 'ASC' } });
  }

  /** The approval when its case lies inside the scope; null for unknown and out-of-scope alike. */
  inScope(id: string, scope: SqlCondition): Promise<Approval | null> {
    return this.db.manager
      .getRepository(Approval)
      .createQueryBuilder('a')
      .innerJoin(Case, 'c', 'c.id = a.case_id')
      .where('a.id = :approvalId', { approvalId: id })
      .andWhere(scope.sql, scope.params)
      .getOne();
  }

  /** Approvals of cases inside the scope, oldest request first. */
  async listInScope(scope: SqlCondition, status: ApprovalStatus | undefined, limit: number): Promise<ApprovalListRow[]> {
    const q = this.db.manager
      .getRepository(Approval)
      .createQueryBuilder('a')
      .innerJoin(Case, 'c', 'c.id = a.case_id')
      .addSelect(['c.caseNo', 'c.riskLevel'])
      .where(scope.sql, scope.params)
      .orderBy('a.requested_at', 'ASC')
      .limit(limit);
    if (status) q.andWhere('a.status = :status', { status });
    const rows = await q.getRawAndEntities<{ c_case_no: string; c_risk_level: RiskLevel }>();
    return rows.entities.map((approval, i) => ({ approval, caseNo: rows.raw[i].c_case_no, riskLevel: rows.raw[i].c_risk_level }));
  }
}
