import { Injectable } from '@nestjs/common';
import { Actor, Role } from '@shouhu/access';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { EventType } from '@shouhu/timeline';
import { CaseQueriesService } from './case-queries.service';
import { CaseRecordRepository } from './case-record.repository';
import { CaseStaff } from './case-staff';
import { CaseWriter } from './case-writer';
import type { CaseDetailView } from './case.views';
import { CaseErrors } from './cases.errors';
import { CaseFlag, MeasureStatus } from './domain';
import type { AddReportDto, AssessmentDto, MeasureDto, NoteDto, PoliceDto, UpdateMeasureDto, VisitDto } from './dto/case.dto';
import type { Case } from './entities/case.entity';
import { sortedUnique, union } from './lists';
import { checkReporter, reportRow } from './report-rules';
import { CaseAction } from './workflow';

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
    private readonly queries: CaseQueriesService,
  ) {}

  async recordAssessment(actor: Actor, id: string, dto: AssessmentDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.RecordAssessment);
      const a = await this.records.insertAssessment(ctx.manager, { ...dto, caseId: ctx.c.id, assessedById: actor.id });
      await this.writer.update(ctx, { riskLevel: dto.riskLevel, assessedAt: ctx.c.assessedAt ?? new Date() });
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.AssessmentRecorded, {
        data: { assessmentId: a.id, riskLevel: dto.riskLevel, previousRiskLevel: ctx.c.riskLevel },
      });
      await this.writer.follow({ manager: ctx.manager, caseRow: { ...ctx.c, riskLevel: dto.riskLevel }, actor, change: { kind: 'assessment_recorded' } });
    });
    return this.queries.get(actor, id);
  }

  async addMeasure(actor: Actor, id: string, dto: MeasureDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.AddMeasure);
      const owner = dto.ownerId ? await this.staff.assignable(ctx.manager, ctx.c, dto.ownerId, 'ownerId') : null;
      if (Date.parse(dto.dueAt) < Date.now() - 60_000) throw CaseErrors.invalid('dueAt', 'must not be in the past');
      const m = await this.records.insertMeasure(ctx.manager, {
        caseId: ctx.c.id,
        type: dto.type,
        ownerId: dto.ownerId ?? null,
        agency: dto.agency ?? null,
        dueAt: new Date(dto.dueAt),
        note: dto.note ?? null,
        status: MeasureStatus.Planned,
        createdById: actor.id,
      });
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.MeasureAdded, {
        data: { measureId: m.id, type: m.type, ownerId: m.ownerId, dueAt: m.dueAt.toISOString() },
      });
      await this.writer.follow({
        manager: ctx.manager,
        caseRow: ctx.c,
        actor,
        change: { kind: 'measure_added', measureId: m.id, dueAt: m.dueAt, ownerId: m.ownerId, ownerRole: owner?.role ?? null },
      });
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
      if (m.status !== MeasureStatus.Planned) throw new DomainError(ErrorCode.InvalidTransition, `the measure is already ${m.status}`);
      await this.records.closeMeasure(ctx.manager, m.id, dto.status, dto.outcome);
      await this.writer.event(ctx.manager, ctx.c, actor, dto.status === MeasureStatus.Done ? EventType.MeasureDone : EventType.MeasureCancelled, {
        data: { measureId: m.id, type: m.type },
      });
      await this.writer.follow({
        manager: ctx.manager,
        caseRow: ctx.c,
        actor,
        change: { kind: 'measure_closed', measureId: m.id, done: dto.status === MeasureStatus.Done },
      });
    });
    return this.queries.get(actor, id);
  }

  async addVisit(actor: Actor, id: string, dto: VisitDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.AddVisit);
      const v = await this.records.insertVisit(ctx.manager, {
        caseId: ctx.c.id,
        visitedAt: new Date(dto.visitedAt),
        riskLevel: dto.riskLevel,
        outcome: dto.outcome,
        notes: dto.notes ?? null,
        visitorId: actor.id,
      });
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.VisitRecorded, {
        data: { visitId: v.id, riskLevel: v.riskLevel, visitedAt: v.visitedAt.toISOString() },
      });
      await this.writer.follow({ manager: ctx.manager, caseRow: ctx.c, actor, change: { kind: 'visit_recorded', visitedAt: v.visitedAt } });
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
      if (changes.policeReportedAt) changes.flags = c.flags.filter((f) => f !== (CaseFlag.PoliceAlert as string));
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
