import { Injectable } from '@nestjs/common';
import { Actor, asSubject, defineAbilityFor, JurisdictionLevel, Role } from '@shouhu/access';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { OrgService } from '@shouhu/org';
import { EventType } from '@shouhu/timeline';
import { ApprovalRepository } from './approval.repository';
import { CaseQueriesService } from './case-queries.service';
import { CaseRecordRepository } from './case-record.repository';
import { caseScope } from './case-scope';
import { CaseStaff } from './case-staff';
import { CaseWriter, WriteContext } from './case-writer';
import { CaseRepository } from './case.repository';
import type { CaseDetailView } from './case.views';
import { CaseErrors } from './cases.errors';
import { ChildRepository } from './child.repository';
import { ClosureRules } from './closure-rules';
import { ApprovalKind, CaseFlag, CaseStatus, ClosureKind, isHighRisk } from './domain';
import {
  AcceptTransition,
  CompleteTransition,
  EscalateTransition,
  isComplete,
  MergeTransition,
  missingFields,
  RequestClosureTransition,
  SubmitTransition,
  TransferTransition,
  TransitionDto,
} from './dto/transition.dto';
import type { Case } from './entities/case.entity';
import { sortedUnique, union } from './lists';
import { checkRiskFloor, checkSubmittable } from './report-rules';
import { isBelowFloor, riskFloor, RiskFloor } from './statutory-rules';
import { CaseAction, ruleOf } from './workflow';

/**
 * The moves of the workflow table (POST /cases/:id/transitions): each checks the
 * role, the version the caller read, the state and the payload the table asks for,
 * in that order, then does what the action means.
 */
@Injectable()
export class CaseTransitionsService {
  constructor(
    private readonly writer: CaseWriter,
    private readonly cases: CaseRepository,
    private readonly records: CaseRecordRepository,
    private readonly approvals: ApprovalRepository,
    private readonly children: ChildRepository,
    private readonly staff: CaseStaff,
    private readonly org: OrgService,
    private readonly queries: CaseQueriesService,
    private readonly closure: ClosureRules,
  ) {}

  async transition(actor: Actor, id: string, dto: TransitionDto): Promise<CaseDetailView> {
    const rule = ruleOf(dto.action);
    await this.writer.write(actor, id, async (ctx) => {
      // A role that may never take the action hears so whatever version it sent.
      if (!rule.roles.includes(actor.role)) throw CaseErrors.roleForbidden(actor.role, dto.action);
      if (ctx.c.version !== dto.version) throw CaseErrors.staleVersion(dto.version, ctx.c.version);
      this.writer.judge(ctx, dto.action);
      if (!isComplete(dto)) throw CaseErrors.missing(missingFields(dto));
      await this.apply(ctx, dto);
    });
    return this.queries.get(actor, id);
  }

  /** What each action does; the switch names every action of the table (the lint fails on a missing one). */
  private async apply(ctx: WriteContext, dto: CompleteTransition): Promise<void> {
    switch (dto.action) {
      case CaseAction.Submit:
        return this.submit(ctx, dto);
      case CaseAction.Return:
        return this.writer.move(ctx, CaseStatus.Returned, EventType.CaseReturned, { reason: dto.reason });
      case CaseAction.Accept:
        return this.accept(ctx, dto);
      case CaseAction.StartIntervention:
        return this.startIntervention(ctx);
      case CaseAction.BeginFollowUp:
        return this.beginFollowUp(ctx);
      case CaseAction.RequestClosure:
        return this.requestClosure(ctx, dto);
      case CaseAction.CloseUnsubstantiated:
        if ((await this.records.countEvidence(ctx.c.id, ctx.manager)) === 0) throw CaseErrors.evidenceRequired();
        return this.writer.move(
          ctx,
          CaseStatus.Closed,
          EventType.CaseClosed,
          { kind: ClosureKind.Unsubstantiated, reason: dto.reason },
          { closedAt: new Date(), closureKind: ClosureKind.Unsubstantiated, closureReason: dto.reason ?? null },
        );
      case CaseAction.Reopen:
        return this.writer.move(
          ctx,
          CaseStatus.Assessing,
          EventType.CaseReopened,
          { reason: dto.reason },
          { closedAt: null, closureKind: null, closureReason: null, closureNote: null, mergedIntoId: null, flags: union(ctx.c.flags, [CaseFlag.Reopened]) },
        );
      case CaseAction.Transfer:
        return this.transfer(ctx, dto);
      case CaseAction.Merge:
        return this.merge(ctx, dto);
      case CaseAction.Escalate:
        return this.escalate(ctx, dto);
    }
  }

  private async submit(ctx: WriteContext, dto: SubmitTransition): Promise<void> {
    const { manager, c } = ctx;
    const first = await this.records.firstReport(manager, c.id);
    const narrative = dto.narrative ?? first.narrative;
    const police = {
      reportedAt: dto.police?.reportedAt ?? c.policeReportedAt,
      notReportedReason: dto.police?.notReportedReason ?? c.policeNotReportedReason,
    };
    checkSubmittable(c.categories, c.mandatoryItems, narrative, police, 'narrative', 'police');
    checkRiskFloor(dto.riskLevel ?? c.riskLevel, riskFloor(c), 'riskLevel');
    if (dto.narrative !== undefined) await this.records.setNarrative(manager, first.id, dto.narrative);
    const changes: Partial<Case> = { riskLevel: dto.riskLevel ?? c.riskLevel };
    if (dto.police?.reportedAt) changes.policeReportedAt = new Date(dto.police.reportedAt);
    if (dto.police?.receiptNo) changes.policeReceiptNo = dto.police.receiptNo;
    if (dto.police?.notReportedReason) changes.policeNotReportedReason = dto.police.notReportedReason;
    // A draft's first submission is when it was reported.
    if (c.status === CaseStatus.Draft) changes.reportedAt = new Date();
    await this.writer.move(
      ctx,
      CaseStatus.Submitted,
      c.status === CaseStatus.Draft ? EventType.CaseReported : EventType.CaseResubmitted,
      { riskLevel: changes.riskLevel },
      changes,
    );
  }

  /** The supervisor confirms the risk; below the floor only with a written reason, which goes on the timeline (domain.md §4). */
  private async accept(ctx: WriteContext, dto: CompleteTransition<AcceptTransition>): Promise<void> {
    // Only a case with a street has a supervisor to accept it: an unlocated report is routed (transfer) first.
    if (ctx.c.communityId === null)
      throw CaseErrors.rule('an unlocated case cannot be accepted: district staff route it to a community with transfer first', 'communityId');
    const floor = riskFloor(ctx.c);
    const belowFloor = isBelowFloor(dto.riskLevel, floor);
    if (belowFloor && !dto.reason) {
      throw CaseErrors.riskBelowFloor('reason', floor as RiskFloor, `is required to confirm ${dto.riskLevel} below the risk floor ${floor?.level}`);
    }
    const assignee = await this.staff.assignable(ctx.manager, ctx.c, dto.assigneeId, 'assigneeId');
    await this.writer.move(
      ctx,
      CaseStatus.Assessing,
      EventType.CaseAccepted,
      {
        riskLevel: dto.riskLevel,
        assigneeId: assignee.id,
        estimatedRiskLevel: ctx.c.riskLevel,
        riskFloor: floor?.level,
        belowFloor: belowFloor ? { floor: floor?.level, floorReasons: floor?.reasons, reason: dto.reason } : undefined,
        reason: belowFloor ? undefined : dto.reason,
      },
      { riskLevel: dto.riskLevel, assigneeId: assignee.id, acceptedAt: new Date() },
    );
  }

  private async startIntervention(ctx: WriteContext): Promise<void> {
    const { manager, c } = ctx;
    if (await this.approvals.pending(manager, c.id, [ApprovalKind.StartIntervention])) throw CaseErrors.approvalPending();
    if (!(await this.records.latestAssessment(manager, c.id))) throw CaseErrors.planIncomplete('a recorded assessment');
    const planned = await this.records.plannedMeasures(manager, c.id);
    if (planned.length === 0) throw CaseErrors.planIncomplete('at least one planned measure');
    // R1/R2 plans go to the district. (临时监护 and 撤销监护资格 get a district decision of their own when added.)
    if (isHighRisk(c.riskLevel)) {
      await this.writer.requestApproval(ctx, { kind: ApprovalKind.StartIntervention, decidedByRole: Role.DistrictStaff, payload: {} });
      return;
    }
    await this.writer.move(ctx, CaseStatus.Intervening, EventType.CaseInterventionStarted, {}, { interventionStartedAt: new Date() });
  }

  private async beginFollowUp(ctx: WriteContext): Promise<void> {
    const open = await this.records.openMeasureCount(ctx.manager, ctx.c.id);
    if (open > 0) throw CaseErrors.measuresOpen(open);
    await this.writer.move(ctx, CaseStatus.FollowUp, EventType.CaseFollowUpStarted, {}, { followUpStartedAt: new Date() });
  }

  /**
   * A closure request, checked against the record (domain.md §8): `risk_resolved` and
   * `other` from follow-up, `risk_resolved` only when every condition holds (422
   * CLOSURE_CONDITIONS_UNMET, one detail per unmet condition); `turned_18` (from the
   * birth date) and `moved_away` from any active state. The body's checklist is ignored.
   */
  private async requestClosure(ctx: WriteContext, dto: CompleteTransition<RequestClosureTransition>): Promise<void> {
    const { manager, c } = ctx;
    if (await this.approvals.pending(manager, c.id, [ApprovalKind.Closure, ApprovalKind.StartIntervention])) throw CaseErrors.approvalPending();
    const decidedByRole = await this.closure.check(manager, c, dto.closureReason, dto.reason ?? null);
    await this.writer.requestApproval(ctx, {
      kind: ApprovalKind.Closure,
      decidedByRole,
      payload: { closureReason: dto.closureReason, reason: dto.reason ?? null },
      eventData: { closureReason: dto.closureReason },
    });
  }

  private async transfer(ctx: WriteContext, dto: CompleteTransition<TransferTransition>): Promise<void> {
    const { manager, c, actor } = ctx;
    const target = await this.org.jurisdiction(dto.communityId, manager);
    const ability = defineAbilityFor(actor);
    if (
      !target ||
      target.level !== JurisdictionLevel.Community ||
      !ability.can('update', asSubject('Case', { districtId: target.districtId, streetId: target.streetId, communityId: target.communityId }))
    ) {
      throw new DomainError(ErrorCode.NotFound, 'no such community in your scope', [{ field: 'communityId', message: 'is not a community of your district' }]);
    }
    if (target.id === c.communityId) throw CaseErrors.invalid('communityId', 'is already the case’s community');
    const streetId = target.streetId as string;
    // The old community's director no longer handles it.
    const assigneeStays = c.assigneeId !== null && (await this.staff.stillFits(manager, c.assigneeId, streetId, target.id));
    await this.writer.update(ctx, { communityId: target.id, streetId, assigneeId: assigneeStays ? c.assigneeId : null });
    // The child moved (or an unlocated report found its place): intake matches a report without ID number in the new street from now on.
    if (target.streetId !== c.streetId) await this.children.moveToStreet(manager, c.childId, streetId);
    await this.writer.event(manager, c, actor, EventType.CaseTransferred, {
      data: { fromCommunityId: c.communityId, toCommunityId: target.id, reason: dto.reason },
    });
    await this.writer.follow({ manager, caseRow: { ...c, communityId: target.id, streetId }, actor, change: { kind: 'transferred' } });
  }

  private async merge(ctx: WriteContext, dto: CompleteTransition<MergeTransition>): Promise<void> {
    const { manager, c, actor } = ctx;
    if (dto.intoCaseId === c.id) throw CaseErrors.invalid('intoCaseId', 'must be another case');
    const target = await this.cases.lockInScope(manager, dto.intoCaseId, caseScope(actor, 'update'));
    if (!target) throw new DomainError(ErrorCode.NotFound, 'no such case in your scope', [{ field: 'intoCaseId', message: 'is not a case in your scope' }]);
    if (target.status === CaseStatus.Closed) throw CaseErrors.rule('a case can only be merged into an open case', 'intoCaseId');
    // A closed case has its place: an unlocated duplicate takes the place of the case it joins.
    if (c.communityId === null && target.communityId === null)
      throw CaseErrors.rule('two unlocated cases cannot be merged: route one of them with transfer first', 'intoCaseId');
    const place = c.communityId === null ? { communityId: target.communityId, streetId: target.streetId } : {};
    await this.records.moveReports(manager, c.id, target.id);
    await this.writer.update(
      ctx,
      { categories: union(target.categories, c.categories), mandatoryItems: sortedUnique([...target.mandatoryItems, ...c.mandatoryItems]) },
      target.id,
    );
    await this.writer.move(
      ctx,
      CaseStatus.Closed,
      EventType.CaseMerged,
      { intoCaseId: target.id, intoCaseNo: target.caseNo, reason: dto.reason },
      { ...place, closedAt: new Date(), closureKind: ClosureKind.Merged, closureReason: dto.reason ?? null, mergedIntoId: target.id },
    );
    await this.writer.event(manager, target, actor, EventType.CaseMergeReceived, { data: { fromCaseId: c.id, fromCaseNo: c.caseNo } });
  }

  private async escalate(ctx: WriteContext, dto: CompleteTransition<EscalateTransition>): Promise<void> {
    const flags = union(ctx.c.flags, [CaseFlag.Escalated]);
    const escalationLevel = Math.min(ctx.c.escalationLevel + 1, 2);
    await this.writer.update(ctx, { flags, escalationLevel });
    await this.writer.event(ctx.manager, ctx.c, ctx.actor, EventType.CaseEscalated, { data: { reason: dto.reason, escalationLevel } });
  }
}
