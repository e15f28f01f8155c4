import { Injectable } from '@nestjs/common';
import { Actor, Role } from '@shouhu/access';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { EventType } from '@shouhu/timeline';
import { ApprovalRepository } from './approval.repository';
import { CaseQueriesService } from './case-queries.service';
import { caseScope } from './case-scope';
import { CaseRecordRepository } from './case-record.repository';
import { measureAdded, measureDecisionKey } from './case-records.service';
import { CaseWriter, WriteContext } from './case-writer';
import { ApprovalListItemView, approvalView, CaseDetailView } from './case.views';
import { CaseErrors } from './cases.errors';
import { ClosureRules } from './closure-rules';
import { ApprovalKind, ApprovalStatus, CaseStatus, ClosureKind, ClosureReason, MeasureStatus } from './domain';
import type { Approval } from './entities/approval.entity';
import type { LifecycleChange } from './lifecycle-hooks';
import type { ApprovalDecisionDto } from './dto/case.dto';
import { CaseAction } from './workflow';

/** The longest approvals list one answer carries. */
const APPROVAL_LIST_LIMIT = 500;

/**
 * Decisions on what waits for someone else (R1/R2 plans, closures): maker and checker
 * are never the same person, and an approval outside the caller's scope is as unknown
 * as one that does not exist.
 */
const approvalNotFound = () => DomainError.notFound('approval');

@Injectable()
export class CaseApprovalsService {
  constructor(
    private readonly writer: CaseWriter,
    private readonly approvals: ApprovalRepository,
    private readonly queries: CaseQueriesService,
    private readonly records: CaseRecordRepository,
    private readonly closure: ClosureRules,
  ) {}

  async decide(actor: Actor, approvalId: string, dto: ApprovalDecisionDto): Promise<CaseDetailView> {
    if (dto.decision === 'reject' && !dto.reason) throw CaseErrors.missing(['reason']);
    // One answer for an unknown approval and one of a case outside the caller's scope:
    // a difference would confirm that the case exists.
    const approval = await this.approvals.inScope(approvalId, caseScope(actor, 'update'));
    if (!approval) throw approvalNotFound();
    await this.writer.write(
      actor,
      approval.caseId,
      async (ctx) => {
        const { manager, c } = ctx;
        const current = await this.approvals.get(manager, approvalId);
        if (current.status !== ApprovalStatus.Pending) throw new DomainError(ErrorCode.InvalidTransition, `the approval is already ${current.status}`);
        if (actor.role !== current.decidedByRole && actor.role !== Role.DistrictStaff) {
          throw new DomainError(
            ErrorCode.Forbidden,
            `only ${current.decidedByRole === Role.DistrictStaff ? 'district staff' : 'the street supervisor or district staff'} decide this`,
          );
        }
        this.writer.judge(ctx, CaseAction.DecideApproval);
        if (current.requestedById === actor.id) throw CaseErrors.selfApproval();
        const approved = dto.decision === 'approve';
        await this.approvals.decide(manager, current.id, {
          status: approved ? ApprovalStatus.Approved : ApprovalStatus.Rejected,
          decidedById: actor.id,
          decidedAt: new Date(),
          decisionReason: dto.reason ?? null,
        });
        await this.writer.event(manager, c, actor, approved ? EventType.ApprovalApproved : EventType.ApprovalRejected, {
          data: { approvalId: current.id, kind: current.kind, reason: dto.reason ?? null },
        });
        if (current.kind === ApprovalKind.Measure) return this.decideMeasure(ctx, current, approved, dto.reason ?? null);
        if (!approved) {
          await this.writer.update(ctx, {});
          await this.writer.follow({ manager, caseRow: c, actor, change: { kind: 'approval_decided', approvalKind: current.kind } });
          return;
        }
        if (current.kind === ApprovalKind.StartIntervention) {
          await this.writer.move(
            ctx,
            CaseStatus.Intervening,
            EventType.CaseInterventionStarted,
            { approvalId: current.id },
            { interventionStartedAt: new Date() },
          );
        } else {
          // Code and free text stay apart: a concatenation of two bounded values overflows its column.
          const p = current.payload as { closureReason: ClosureReason; reason?: string | null };
          // The record may have changed since the request: its conditions must still hold.
          await this.closure.check(manager, c, p.closureReason, p.reason ?? null);
          const cancelled = await this.records.cancelOpenMeasures(manager, c.id, `结案时取消 cancelled at closure (${p.closureReason})`);
          for (const m of cancelled)
            await this.writer.event(manager, c, actor, EventType.MeasureCancelled, { data: { measureId: m.id, type: m.type, atClosure: true } });
          await this.writer.move(
            ctx,
            CaseStatus.Closed,
            EventType.CaseClosed,
            { kind: ClosureKind.Resolved, closureReason: p.closureReason, approvalId: current.id },
            { closedAt: new Date(), closureKind: ClosureKind.Resolved, closureReason: p.closureReason ?? null, closureNote: p.reason ?? null },
          );
        }
      },
      approvalNotFound,
    );
    return this.queries.get(actor, approval.caseId);
  }

  /** A district-decided measure: approved, it is planned and its deadlines start; rejected, it is recorded as such. */
  private async decideMeasure(ctx: WriteContext, approval: Approval, approved: boolean, reason: string | null): Promise<void> {
    const { manager, c, actor } = ctx;
    const measureId = (approval.payload as { measureId: string }).measureId;
    const m = await this.records.findMeasure(manager, c.id, measureId);
    if (!m) throw DomainError.notFound('measure');
    await this.writer.update(ctx, {});
    const decided: LifecycleChange = { kind: 'approval_decided', approvalKind: approval.kind, refKey: measureDecisionKey(m.id) };
    if (approved) {
      await this.records.planMeasure(manager, m.id);
      await this.writer.follow({ manager, caseRow: c, actor, change: decided });
      await this.writer.follow({ manager, caseRow: c, actor, change: measureAdded({ ...m, status: MeasureStatus.Planned }, null) });
    } else {
      await this.records.closeMeasure(manager, m.id, MeasureStatus.Rejected, reason ?? '区级不予批准 not approved by the district');
      await this.writer.follow({ manager, caseRow: c, actor, change: decided });
    }
  }

  async list(actor: Actor, status: ApprovalStatus | undefined): Promise<ApprovalListItemView[]> {
    const rows = await this.approvals.listInScope(caseScope(actor), status, APPROVAL_LIST_LIMIT);
    return rows.map((r) => ({ ...approvalView(r.approval), caseNo: r.caseNo, riskLevel: r.riskLevel }));
  }
}
