import { Injectable } from '@nestjs/common';
import { Actor, Role } from '@shouhu/access';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { EventType } from '@shouhu/timeline';
import { CaseQueriesService } from './case-queries.service';
import { CaseRecordRepository } from './case-record.repository';
import { CaseStaff } from './case-staff';
import { CaseWriter, WriteContext } from './case-writer';
import type { CaseDetailView } from './case.views';
import { CaseErrors } from './cases.errors';
import { ChildRepository } from './child.repository';
import { ApprovalKind, CaseStatus, DISTRICT_DECIDED_MEASURES, MeasureStatus, MeasureType, RiskLevel, VisitKind } from './domain';
import type { AddReportDto, AssessmentDto, MeasureDto, NoteDto, OutcomeFeedbackDto, PoliceDto, UpdateMeasureDto, VisitDto } from './dto/case.dto';
import type { Case } from './entities/case.entity';
import type { Measure } from './entities/measure.entity';
import type { LifecycleChange } from './lifecycle-hooks';
import { sortedUnique, union } from './lists';
import { checkIntake, checkReporter, reportRow } from './report-rules';
import { CaseAction } from './workflow';

/** The decision deadline's key of a district-decided measure. */
export const measureDecisionKey = (measureId: string) => `measure:${measureId}`;

/** The lifecycle change of a measure that is planned from now on (added, or approved by the district). */
export function measureAdded(m: Measure, ownerRole: Role | null): LifecycleChange {
  return { kind: 'measure_added', measureId: m.id, measureType: m.type, urgent: m.urgent, dueAt: m.dueAt, ownerId: m.ownerId, ownerRole };
}

/**
 * Work on a case that keeps its state, each on its own route: assessments, measures,
 * visits, notes, further reports and what the police were told. The workflow table
 * says who may record what in which state.
 */
@Injectable()
export class CaseRecordsService {
  constructor(
    private readonly writer: CaseWriter,
    private readonly records: CaseRecordRepository,
    private readonly staff: CaseStaff,
    private readonly children: ChildRepository,
    private readonly queries: CaseQueriesService,
  ) {}

  /** The assessment, or a reassessment while intervening or in follow-up; its risk level becomes the case's. */
  async recordAssessment(actor: Actor, id: string, dto: AssessmentDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.RecordAssessment);
      const reassessment = ctx.c.status !== CaseStatus.Assessing;
      const a = await this.records.insertAssessment(ctx.manager, { ...dto, placement: dto.placement ?? null, caseId: ctx.c.id, assessedById: actor.id });
      await this.writer.update(ctx, { riskLevel: dto.riskLevel, assessedAt: ctx.c.assessedAt ?? new Date() });
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.AssessmentRecorded, {
        data: { assessmentId: a.id, riskLevel: dto.riskLevel, previousRiskLevel: ctx.c.riskLevel, reassessment, placement: dto.placement },
      });
      await this.riskChanged(ctx, dto.riskLevel, { source: 'assessment', assessmentId: a.id });
      await this.writer.follow({ manager: ctx.manager, caseRow: { ...ctx.c, riskLevel: dto.riskLevel }, actor, change: { kind: 'assessment_recorded' } });
    });
    return this.queries.get(actor, id);
  }

  /** A `risk.changed` event when the case's current risk moves (domain.md §5). */
  private async riskChanged(ctx: WriteContext, to: RiskLevel, data: Record<string, unknown>): Promise<void> {
    if (to === ctx.c.riskLevel) return;
    await this.writer.event(ctx.manager, ctx.c, ctx.actor, EventType.RiskChanged, { data: { from: ctx.c.riskLevel, to, ...data } });
  }

  /**
   * A measure of the plan. 临时监护 and 撤销监护资格 wait for a district decision whenever they
   * are added (未成年人保护法 Art.92, 108): the measure is `pending_decision` and a `measure`
   * approval goes to district staff; it is planned (and its deadlines start) once approved.
   */
  async addMeasure(actor: Actor, id: string, dto: MeasureDto): Promise<CaseDetailView> {
    if (dto.urgent && dto.type !== MeasureType.ProtectionOrder) throw CaseErrors.invalid('urgent', 'applies to protection_order only');
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.AddMeasure);
      const owner = dto.ownerId ? await this.staff.assignable(ctx.manager, ctx.c, dto.ownerId, 'ownerId') : null;
      if (Date.parse(dto.dueAt) < Date.now() - 60_000) throw CaseErrors.invalid('dueAt', 'must not be in the past');
      const districtDecides = DISTRICT_DECIDED_MEASURES.includes(dto.type);
      const m = await this.records.insertMeasure(ctx.manager, {
        caseId: ctx.c.id,
        type: dto.type,
        ownerId: dto.ownerId ?? null,
        agency: dto.agency ?? null,
        dueAt: new Date(dto.dueAt),
        urgent: dto.urgent ?? false,
        note: dto.note ?? null,
        status: districtDecides ? MeasureStatus.PendingDecision : MeasureStatus.Planned,
        createdById: actor.id,
      });
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.MeasureAdded, {
        data: { measureId: m.id, type: m.type, ownerId: m.ownerId, dueAt: m.dueAt.toISOString(), urgent: m.urgent || undefined, status: m.status },
      });
      if (districtDecides) {
        await this.writer.requestApproval(ctx, {
          kind: ApprovalKind.Measure,
          decidedByRole: Role.DistrictStaff,
          payload: { measureId: m.id, type: m.type },
          refKey: measureDecisionKey(m.id),
          eventData: { measureId: m.id, type: m.type },
        });
        return;
      }
      await this.writer.follow({ manager: ctx.manager, caseRow: ctx.c, actor, change: measureAdded(m, owner?.role ?? null) });
    });
    return this.queries.get(actor, id);
  }

  async updateMeasure(actor: Actor, id: string, measureId: string, dto: UpdateMeasureDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.UpdateMeasure);
      const m = await this.records.findMeasure(ctx.manager, ctx.c.id, measureId);
      if (!m) throw DomainError.notFound('measure');
      if (actor.role === Role.CommunityDirector && m.ownerId !== actor.id)
        throw new DomainError(ErrorCode.Forbidden, 'a director may only complete measures they own');
      if (m.status === MeasureStatus.PendingDecision) throw new DomainError(ErrorCode.InvalidTransition, 'the measure waits for the district’s decision');
      if (m.status !== MeasureStatus.Planned) throw new DomainError(ErrorCode.InvalidTransition, `the measure is already ${m.status}`);
      await this.records.closeMeasure(ctx.manager, m.id, dto.status, dto.outcome);
      await this.writer.event(ctx.manager, ctx.c, actor, dto.status === MeasureStatus.Done ? EventType.MeasureDone : EventType.MeasureCancelled, {
        data: { measureId: m.id, type: m.type },
      });
      await this.writer.follow({
        manager: ctx.manager,
        caseRow: ctx.c,
        actor,
        change: { kind: 'measure_closed', measureId: m.id, measureType: m.type, done: dto.status === MeasureStatus.Done },
      });
    });
    return this.queries.get(actor, id);
  }

  /**
   * A visit in any working state (domain.md §5, §7). The latest visit's risk is the case's
   * current risk: a visit that is the latest recorded moves it (`risk.changed`); an earlier
   * one entered late does not.
   */
  async addVisit(actor: Actor, id: string, dto: VisitDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.AddVisit);
      const kind = dto.kind ?? (ctx.c.status === CaseStatus.Assessing ? VisitKind.Verification : VisitKind.Routine);
      const v = await this.records.insertVisit(ctx.manager, {
        caseId: ctx.c.id,
        kind,
        visitedAt: new Date(dto.visitedAt),
        riskLevel: dto.riskLevel,
        outcome: dto.outcome,
        notes: dto.notes ?? null,
        visitorId: actor.id,
      });
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.VisitRecorded, {
        data: { visitId: v.id, kind, riskLevel: v.riskLevel, visitedAt: v.visitedAt.toISOString() },
      });
      const latest = await this.records.isLatestVisit(ctx.manager, ctx.c.id, v);
      const riskLevel = latest ? v.riskLevel : ctx.c.riskLevel;
      if (riskLevel !== ctx.c.riskLevel) {
        await this.writer.update(ctx, { riskLevel });
        await this.riskChanged(ctx, riskLevel, { source: 'visit', visitId: v.id });
      }
      await this.writer.follow({ manager: ctx.manager, caseRow: { ...ctx.c, riskLevel }, actor, change: { kind: 'visit_recorded', visitedAt: v.visitedAt } });
    });
    return this.queries.get(actor, id);
  }

  /** The reporting unit was told the outcome (未成年人保护法 Art.11¶3); meets the outcome-feedback deadline. */
  async recordOutcomeFeedback(actor: Actor, id: string, dto: OutcomeFeedbackDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.RecordOutcomeFeedback);
      const f = await this.records.insertOutcomeFeedback(ctx.manager, {
        caseId: ctx.c.id,
        channel: dto.channel,
        toldAt: new Date(dto.at),
        summary: dto.summary,
        recordedById: actor.id,
      });
      await this.writer.update(ctx, {});
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.OutcomeFeedbackRecorded, {
        data: { feedbackId: f.id, channel: f.channel, at: f.toldAt.toISOString() },
      });
      await this.writer.follow({ manager: ctx.manager, caseRow: ctx.c, actor, change: { kind: 'outcome_feedback' } });
    });
    return this.queries.get(actor, id);
  }

  async addNote(actor: Actor, id: string, dto: NoteDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.AddNote);
      const n = await this.records.insertNote(ctx.manager, { caseId: ctx.c.id, text: dto.text, authorId: actor.id });
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.NoteAdded, { data: { noteId: n.id } });
    });
    return this.queries.get(actor, id);
  }

  async addReport(actor: Actor, id: string, dto: AddReportDto): Promise<CaseDetailView> {
    checkReporter(dto, 'report');
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.AddReport);
      const child = await this.children.ofCase(ctx.manager, ctx.c.childId);
      checkIntake(
        {
          categories: dto.categories ?? [],
          mandatoryItems: dto.mandatoryItems ?? [],
          needsEmergencyPlacement: dto.needsEmergencyPlacement,
          child,
          report: { reporterType: dto.reporterType, anonymous: dto.anonymous, discoveredAt: dto.discoveredAt },
          riskLevel: dto.riskEstimate ?? null,
        },
        { riskField: 'riskEstimate' },
      );
      const r = await this.records.insertReport(
        ctx.manager,
        reportRow(actor, ctx.c.id, dto, {
          categories: dto.categories ?? [],
          mandatoryItems: dto.mandatoryItems ?? [],
          riskEstimate: dto.riskEstimate ?? null,
          linked: false,
        }),
      );
      const changes: Partial<Case> = {
        categories: union(ctx.c.categories, dto.categories ?? []),
        mandatoryItems: sortedUnique([...ctx.c.mandatoryItems, ...(dto.mandatoryItems ?? [])]),
        needsEmergencyPlacement: ctx.c.needsEmergencyPlacement || (dto.needsEmergencyPlacement ?? false),
      };
      await this.writer.update(ctx, changes);
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.ReportAdded, {
        data: { reportId: r.id, reporterType: r.reporterType, categories: r.categories },
      });
      await this.writer.follow({ manager: ctx.manager, caseRow: { ...ctx.c, ...changes }, actor, change: { kind: 'report_added' } });
    });
    return this.queries.get(actor, id);
  }

  async recordPolice(actor: Actor, id: string, dto: PoliceDto): Promise<CaseDetailView> {
    if (dto.reportedAt == null && dto.receiptNo == null && dto.feedbackAt == null && dto.feedback == null) {
      throw CaseErrors.missing(['reportedAt']);
    }
    if (dto.feedback != null && dto.feedbackAt == null) throw CaseErrors.missing(['feedbackAt']);
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.RecordPolice);
      const c = ctx.c;
      const reportedAt = dto.reportedAt ? new Date(dto.reportedAt) : c.policeReportedAt;
      if (dto.feedbackAt && !reportedAt) throw CaseErrors.rule('police feedback needs the time police were told first', 'feedbackAt');
      if (dto.feedbackAt && reportedAt && Date.parse(dto.feedbackAt) < reportedAt.getTime())
        throw CaseErrors.invalid('feedbackAt', 'must not be before police were told');
      const changes: Partial<Case> = {};
      if (dto.reportedAt) changes.policeReportedAt = new Date(dto.reportedAt);
      if (dto.receiptNo) changes.policeReceiptNo = dto.receiptNo;
      if (dto.feedbackAt) changes.policeFeedbackAt = new Date(dto.feedbackAt);
      if (dto.feedback) changes.policeFeedback = dto.feedback;
      // The police_alert flag follows from the record (CaseWriter.follow).
      await this.writer.update(ctx, changes);
      if (dto.reportedAt || dto.receiptNo) {
        await this.writer.event(ctx.manager, c, actor, EventType.PoliceReported, {
          data: { reportedAt: dto.reportedAt ?? null, receiptNo: dto.receiptNo ?? null },
        });
      }
      if (dto.feedbackAt) await this.writer.event(ctx.manager, c, actor, EventType.PoliceFeedback, { data: { feedbackAt: dto.feedbackAt } });
      await this.writer.follow({ manager: ctx.manager, caseRow: { ...c, ...changes }, actor, change: { kind: 'police' } });
    });
    return this.queries.get(actor, id);
  }
}
