import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Role } from '@shouhu/access';
import { CaseRecordRepository, CaseRecords } from './case-record.repository';
import { CaseErrors } from './cases.errors';
import { ChildRepository } from './child.repository';
import { CaseStatus, ClosureReason, isHighRisk, OPEN_MEASURE_STATUSES } from './domain';
import type { Case } from './entities/case.entity';
import { ageOn, closureConditions, closureFactsOf, dayInChina } from './statutory-rules';

/**
 * Closure checked against the record, not ticked (domain.md §8): when each closure
 * reason may be requested, and what a `risk_resolved` closure needs. Run when the
 * closure is requested and again when it is approved (the record may have changed).
 */
@Injectable()
export class ClosureRules {
  constructor(
    private readonly records: CaseRecordRepository,
    private readonly children: ChildRepository,
  ) {}

  /**
   * Checks a closure for this reason against the record (read once) and answers who decides it:
   * the district for a case that was ever high-risk (R1/R2 now, confirmed at an assessment, or
   * seen on a visit), the street supervisor otherwise. A case whose risk came down on later
   * visits is still closed by the level that oversaw it.
   */
  async check(manager: EntityManager, c: Case, reason: ClosureReason, note: string | null): Promise<Role> {
    const record = await this.records.ofCase(c.id, manager);
    await this.checkReason(manager, c, record, reason, note);
    const seen = [c.riskLevel, ...record.assessments.map((a) => a.riskLevel), ...record.visits.map((v) => v.riskLevel)];
    return seen.some(isHighRisk) ? Role.DistrictStaff : Role.StreetSupervisor;
  }

  private async checkReason(manager: EntityManager, c: Case, record: CaseRecords, reason: ClosureReason, note: string | null): Promise<void> {
    switch (reason) {
      case ClosureReason.RiskResolved: {
        if (c.status !== CaseStatus.FollowUp) throw CaseErrors.invalidTransition('request_closure (risk_resolved)', c.status);
        const unmet = closureConditions(closureFactsOf(c, record)).filter((x) => !x.met);
        if (unmet.length) throw CaseErrors.closureConditionsUnmet(unmet.map((x) => ({ field: x.code, message: `${x.label}: ${x.detail ?? 'not met'}` })));
        return;
      }
      case ClosureReason.Other: {
        if (c.status !== CaseStatus.FollowUp) throw CaseErrors.invalidTransition('request_closure (other)', c.status);
        if (!note) throw CaseErrors.missing(['reason']);
        const open = record.measures.filter((m) => OPEN_MEASURE_STATUSES.includes(m.status)).length;
        if (open > 0) throw CaseErrors.measuresOpen(open);
        if (record.openReferrals > 0)
          throw CaseErrors.closureConditionsUnmet([
            { field: 'measures_finished', message: `${record.openReferrals} referral(s) to other agencies still pending or accepted: revoke them or wait` },
          ]);
        return;
      }
      case ClosureReason.TurnedEighteen: {
        const child = await this.children.ofCase(manager, c.childId);
        const age = ageOn(child.birthDate, dayInChina(new Date()));
        if (age < 18) {
          throw CaseErrors.closureConditionsUnmet([
            { field: 'child.birthDate', message: `the child is ${age}: turned_18 needs the 18th birthday to have passed` },
          ]);
        }
        return;
      }
      case ClosureReason.MovedAway:
        if (!note) throw CaseErrors.missing(['reason']);
        return;
    }
  }
}
