import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor, asSubject, birthDateOfNationalId, defineAbilityFor, FieldCipher, isValidNationalId, JurisdictionLevel, Role, rulesToSql } from '@shouhu/access';
import { SqlCondition, TransactionRunner } from '@shouhu/database';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { AuditService, TimelineService } from '@shouhu/timeline';
import { CASE_FIELDS, CaseRepository } from './case.repository';
import { encodeCursor } from './case-list';
import { ApprovalListItemView, approvalView, caseDetail, CaseDetailView, CaseListView, caseSummary } from './case.views';
import { CaseErrors } from './cases.errors';
import type { AddReportDto, ApprovalDecisionDto, AssessmentDto, CreateCaseDto, ListCasesQuery, MeasureDto, NoteDto, PoliceDto, TransitionDto, UpdateMeasureDto, VisitDto } from './dto/case.dto';
import {
  ApprovalKind,
  ApprovalStatus,
  CaseFlag,
  CaseStatus,
  ClosureKind,
  isHighRisk,
  isViolence,
  MeasureStatus,
  MeasureType,
  NO_DEADLINE,
  RiskLevel,
} from './domain';
import { Approval } from './entities/approval.entity';
import { Assessment } from './entities/assessment.entity';
import { Case } from './entities/case.entity';
import { Child } from './entities/child.entity';
import { Measure } from './entities/measure.entity';
import { Note } from './entities/note.entity';
import { Report } from './entities/report.entity';
import { Visit } from './entities/visit.entity';
import { CASE_LIFECYCLE_HOOKS, CaseLifecycleHooks, LifecycleChange, LifecycleEvent } from './lifecycle-hooks';
import { actionsFor, CaseAction, judge, ruleOf, TransitionAction } from './workflow';

export const FIELD_CIPHER = Symbol('FIELD_CIPHER');

/** Measures the district decides (未成年人保护法 Art.92, 108): a plan with one needs district approval whatever the risk. */
export const DISTRICT_DECIDED_MEASURES: readonly MeasureType[] = [MeasureType.TemporaryGuardianship, MeasureType.RevokeGuardianship];

export interface CreateResult {
  detail: CaseDetailView;
  linkedToExisting: boolean;
  reopened: boolean;
}

/** What a write did, for the hooks that run in the same transaction (deadlines). */
interface WriteContext {
  manager: EntityManager;
  actor: Actor;
  c: Case;
}

/**
 * The case lifecycle: intake, every action of the workflow table, and the reads.
 * Each write is one transaction that locks the case row, checks the table, and
 * appends its timeline event.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly repo: CaseRepository,
    private readonly tx: TransactionRunner,
    private readonly timeline: TimelineService,
    private readonly audit: AuditService,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(CASE_LIFECYCLE_HOOKS) private readonly hooks: CaseLifecycleHooks,
  ) {}

  scope(actor: Actor, action: 'read' | 'update' = 'read'): SqlCondition {
    return rulesToSql(defineAbilityFor(actor), action, 'Case', CASE_FIELDS);
  }

  // ── Intake ────────────────────────────────────────────────────────────────

  /**
   * Files a report. The response never holds stored data the caller did not send:
   * a new case gets a child row of its own, made from the caller's input. A report
   * on a child whose open (or recently closed) case lies in the caller's scope joins
   * that case; one whose case lies outside it opens a case in the caller's scope,
   * linked to the other on the server side, and the other case's supervisor and
   * district staff are told. Nothing in the answer tells the caller about the other.
   */
  async create(actor: Actor, dto: CreateCaseDto): Promise<CreateResult> {
    const submit = dto.submit ?? true;
    const community = await this.repo.jurisdiction(dto.communityId);
    const placed = community && asSubject('Case', { districtId: community.districtId, streetId: community.streetId, communityId: community.communityId });
    const ability = defineAbilityFor(actor);
    if (!community || community.level !== JurisdictionLevel.Community || !ability.can('create', placed as never)) {
      throw new DomainError(ErrorCode.NotFound, 'no such community in your scope', [{ field: 'communityId', message: 'is not a community you may file for' }]);
    }
    this.checkChild(dto);
    this.checkReporter(dto.report, 'report');
    if (submit) this.checkSubmittable(dto.categories, dto.mandatoryItems ?? [], dto.report.narrative, dto.police, 'report.narrative', 'police');

    const streetId = community.streetId as string;
    const idHash = dto.child.idNumber ? this.cipher.matchHash(dto.child.idNumber) : null;
    const now = new Date();
    const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(now));
    const district = await this.repo.jurisdiction(community.districtId);
    const prefix = district?.casePrefix ?? district?.code ?? 'SH';
    // The number is taken before the transaction, in a statement of its own (committed at
    // once): inside, it would either hold the district's counter row until commit (every
    // filing of the district queued behind it) or ask the pool for a second connection
    // while holding one (a deadlock under load). A filing that fails or links leaves a gap.
    const n = await this.repo.nextCaseNumber(this.repo.manager, community.districtId, year);
    const updateScope = this.scope(actor, 'update');

    const result = await this.tx.run(async (manager) => {
      // Reports of one child arriving together must find each other, not race to insert the child.
      await this.repo.lockChildIdentity(manager, streetId, dto.child.name, dto.child.birthDate, idHash);
      const childIds = await this.repo.matchingChildIds(manager, idHash, streetId, dto.child.name, dto.child.birthDate);
      let related: Case | null = null;
      if (childIds.length && submit) {
        const existing = await this.repo.findLinkableCase(manager, childIds, updateScope);
        if (existing && ability.can('update', asSubject('Case', existing) as never)) return this.linkReport(manager, actor, existing, dto);
        related = existing;
      }
      const status = submit ? CaseStatus.Submitted : CaseStatus.Draft;
      const childRow = await manager.getRepository(Child).save(
        Object.assign(new Child(), {
          name: dto.child.name,
          sex: dto.child.sex,
          birthDate: dto.child.birthDate,
          idNumberCipher: dto.child.idNumber ? this.cipher.encrypt(dto.child.idNumber) : null,
          idNumberHmac: idHash,
          address: dto.child.address ?? null,
          school: dto.child.school ?? null,
          streetId,
        }),
      );
      const c = await manager.getRepository(Case).save(
        Object.assign(new Case(), {
          caseNo: `${prefix}-${year}-${String(n).padStart(6, '0')}`,
          status,
          riskLevel: dto.riskLevel,
          categories: dto.categories,
          mandatoryItems: sortedUnique(dto.mandatoryItems ?? []),
          childId: childRow.id,
          communityId: community.id,
          streetId,
          districtId: community.districtId,
          assigneeId: null,
          createdById: actor.id,
          reportedAt: now,
          flags: [],
          escalationLevel: 0,
          policeReportedAt: dto.police?.reportedAt ? new Date(dto.police.reportedAt) : null,
          policeReceiptNo: dto.police?.receiptNo ?? null,
          policeNotReportedReason: dto.police?.notReportedReason ?? null,
          relatedCaseIds: related ? [related.id] : [],
          lastEventSeq: 0,
          version: 1,
        }),
      );
      const report = await this.insertReport(manager, actor, c.id, dto.report, { categories: dto.categories, mandatoryItems: dto.mandatoryItems ?? [], riskEstimate: dto.riskLevel, linked: false });
      await this.event(manager, c, actor, submit ? 'case.reported' : 'case.filed', { to: status, data: { reportId: report.id, caseNo: c.caseNo, riskLevel: c.riskLevel, categories: c.categories } });
      if (submit) await this.follow({ manager, caseRow: c, actor, change: { kind: 'submitted' } });
      if (related) await this.linkAcrossScopes(manager, actor, related, c);
      return { caseId: c.id, linkedToExisting: false, reopened: false };
    });
    return this.resultOf(actor, result);
  }

  private async resultOf(actor: Actor, r: { caseId: string; linkedToExisting: boolean; reopened: boolean }): Promise<CreateResult> {
    // Both paths end on a case in the caller's scope: their new case or the one it joined.
    const c = await this.repo.findInScope(r.caseId, this.scope(actor));
    if (!c) throw CaseErrors.notFound();
    return { detail: await this.detailOf(actor, c), linkedToExisting: r.linkedToExisting, reopened: r.reopened };
  }

  /**
   * A report on a child whose case lies outside the caller's scope: the new case and
   * the other are linked both ways, the other case's timeline says a related report
   * arrived, and its street supervisor and district staff are told. The other case is
   * neither changed in state nor reopened: it is not the caller's to change.
   */
  private async linkAcrossScopes(manager: EntityManager, actor: Actor, other: Case, created: Case): Promise<void> {
    await this.repo.addRelatedCases(manager, other.id, [created.id]);
    // The event names no case: the other case's readers may not cover the new one (relatedCaseIds shows it to those who do).
    await this.event(manager, other, actor, 'case.related_report', { data: { reportedElsewhere: true } });
    await this.hooks.afterChange({ manager, caseRow: other, actor, change: { kind: 'related_report' } });
  }

  /** Duplicate intake in the caller's scope: the report joins the child's open case, or reopens one closed within 90 days. */
  private async linkReport(manager: EntityManager, actor: Actor, existing: Case, dto: CreateCaseDto) {
    const report = await this.insertReport(manager, actor, existing.id, dto.report, { categories: dto.categories, mandatoryItems: dto.mandatoryItems ?? [], riskEstimate: dto.riskLevel, linked: true });
    const changes: Partial<Case> = {
      categories: union(existing.categories, dto.categories),
      mandatoryItems: sortedUnique([...existing.mandatoryItems, ...(dto.mandatoryItems ?? [])]),
    };
    if (!existing.policeReportedAt && dto.police?.reportedAt) {
      changes.policeReportedAt = new Date(dto.police.reportedAt);
      changes.policeReceiptNo = dto.police.receiptNo ?? null;
    }
    const reopen = existing.status === CaseStatus.Closed;
    if (reopen) {
      Object.assign(changes, { status: CaseStatus.Assessing, closedAt: null, closureKind: null, closureReason: null, closureNote: null, flags: union(existing.flags, [CaseFlag.Reopened]) });
    }
    await this.repo.updateCase(manager, existing.id, changes);
    await this.event(manager, existing, actor, 'report.linked', { data: { reportId: report.id, reporterType: dto.report.reporterType } });
    if (reopen) {
      await this.event(manager, existing, actor, 'case.reopened', { from: CaseStatus.Closed, to: CaseStatus.Assessing, data: { reason: 'new report within the reopen window', reportId: report.id } });
      await this.follow({ manager, caseRow: { ...existing, ...changes } as Case, actor, change: { kind: 'status', from: CaseStatus.Closed, to: CaseStatus.Assessing } });
    }
    return { caseId: existing.id, linkedToExisting: true, reopened: reopen };
  }

  private checkChild(dto: CreateCaseDto): void {
    const id = dto.child.idNumber;
    if (id === undefined) return;
    if (!isValidNationalId(id)) throw CaseErrors.invalid('child.idNumber', 'is not a valid national ID number (check digit)');
    if (birthDateOfNationalId(id) !== dto.child.birthDate) throw CaseErrors.invalid('child.birthDate', 'does not match the birth date in child.idNumber');
  }

  private checkReporter(report: { anonymous?: boolean; reporterName?: string; reporterOrg?: string; reporterPhone?: string }, prefix: string): void {
    if (!report.anonymous) return;
    for (const field of ['reporterName', 'reporterOrg', 'reporterPhone'] as const) {
      if (report[field]) throw CaseErrors.invalid(`${prefix}.${field}`, 'must be empty for an anonymous report');
    }
  }

  /** A submitted report needs a narrative; violence or a mandatory item needs the police information (domain.md §5). */
  private checkSubmittable(categories: string[], mandatoryItems: number[], narrative: string | null | undefined, police: { reportedAt?: string | Date | null; notReportedReason?: string | null } | undefined, narrativeField: string, policeField: string): void {
    if (!narrative) throw CaseErrors.missing([narrativeField]);
    const policeDue = categories.some(isViolence) || mandatoryItems.length > 0;
    if (policeDue && !police?.reportedAt && !police?.notReportedReason) {
      throw new DomainError(ErrorCode.ValidationFailed, 'violence categories and mandatory items need when police were told, or why not', [
        { field: `${policeField}.reportedAt`, message: 'is required for V* categories or mandatory items (or give police.notReportedReason)' },
      ]);
    }
  }

  private insertReport(manager: EntityManager, actor: Actor, caseId: string, input: CreateCaseDto['report'], extra: { categories: string[]; mandatoryItems: number[]; riskEstimate: RiskLevel | null; linked: boolean }): Promise<Report> {
    const anonymous = input.anonymous ?? false;
    return manager.getRepository(Report).save(
      Object.assign(new Report(), {
        caseId,
        reporterType: input.reporterType,
        anonymous,
        reporterName: anonymous ? null : (input.reporterName ?? null),
        reporterOrg: anonymous ? null : (input.reporterOrg ?? null),
        reporterPhone: anonymous ? null : (input.reporterPhone ?? null),
        discoveredAt: new Date(input.discoveredAt),
        location: input.location ?? null,
        narrative: input.narrative ?? null,
        categories: extra.categories,
        mandatoryItems: sortedUnique(extra.mandatoryItems),
        riskEstimate: extra.riskEstimate,
        linked: extra.linked,
        filedById: actor.id,
      }),
    );
  }

  // ── Transitions ───────────────────────────────────────────────────────────

  async transition(actor: Actor, id: string, dto: TransitionDto): Promise<CaseDetailView> {
    const rule = ruleOf(dto.action);
    // null is as good as absent: validation lets null through optional fields.
    const missing = rule.requires.filter((f) => (dto as unknown as Record<string, unknown>)[f] == null);
    await this.write(actor, id, dto.action, async (ctx) => {
      // A role that may never take the action hears so whatever version it sent.
      if (!rule.roles.includes(actor.role)) throw CaseErrors.roleForbidden(actor.role, dto.action);
      if (ctx.c.version !== dto.version) throw CaseErrors.staleVersion(dto.version, ctx.c.version);
      this.judge(ctx, dto.action);
      if (missing.length) throw CaseErrors.missing(missing);
      await this.apply(ctx, dto);
    });
    return this.get(actor, id);
  }

  private async apply(ctx: WriteContext, dto: TransitionDto): Promise<void> {
    const action: TransitionAction = dto.action;
    switch (action) {
      case CaseAction.Submit:
        return this.submit(ctx, dto);
      case CaseAction.Return:
        return this.move(ctx, CaseStatus.Returned, 'case.returned', { reason: dto.reason });
      case CaseAction.Accept:
        return this.accept(ctx, dto);
      case CaseAction.StartIntervention:
        return this.startIntervention(ctx);
      case CaseAction.BeginFollowUp: {
        const open = await this.repo.openMeasureCount(ctx.manager, ctx.c.id);
        if (open > 0) throw CaseErrors.measuresOpen(open);
        return this.move(ctx, CaseStatus.FollowUp, 'case.follow_up_started', {}, { followUpStartedAt: new Date() });
      }
      case CaseAction.RequestClosure:
        return this.requestClosure(ctx, dto);
      case CaseAction.CloseUnsubstantiated:
        return this.move(ctx, CaseStatus.Closed, 'case.closed', { kind: ClosureKind.Unsubstantiated, reason: dto.reason }, { closedAt: new Date(), closureKind: ClosureKind.Unsubstantiated, closureReason: dto.reason ?? null });
      case CaseAction.Reopen:
        return this.move(ctx, CaseStatus.Assessing, 'case.reopened', { reason: dto.reason }, { closedAt: null, closureKind: null, closureReason: null, closureNote: null, mergedIntoId: null, flags: union(ctx.c.flags, [CaseFlag.Reopened]) });
      case CaseAction.Transfer:
        return this.transfer(ctx, dto);
      case CaseAction.Merge:
        return this.merge(ctx, dto);
      case CaseAction.Escalate: {
        const flags = union(ctx.c.flags, [CaseFlag.Escalated]);
        const escalationLevel = Math.min(ctx.c.escalationLevel + 1, 2);
        await this.repo.updateCase(ctx.manager, ctx.c.id, { flags, escalationLevel });
        await this.event(ctx.manager, ctx.c, ctx.actor, 'case.escalated', { data: { reason: dto.reason, escalationLevel } });
        return;
      }
    }
  }

  private async submit(ctx: WriteContext, dto: TransitionDto): Promise<void> {
    const { manager, c } = ctx;
    const first = await manager.getRepository(Report).findOneOrFail({ where: { caseId: c.id }, order: { filedAt: 'ASC' } });
    const narrative = dto.narrative ?? first.narrative;
    const police = {
      reportedAt: dto.police?.reportedAt ?? c.policeReportedAt,
      notReportedReason: dto.police?.notReportedReason ?? c.policeNotReportedReason,
    };
    this.checkSubmittable(c.categories, c.mandatoryItems, narrative, police, 'narrative', 'police');
    if (dto.narrative !== undefined) await manager.getRepository(Report).update({ id: first.id }, { narrative: dto.narrative });
    const changes: Partial<Case> = { riskLevel: dto.riskLevel ?? c.riskLevel };
    if (dto.police?.reportedAt) changes.policeReportedAt = new Date(dto.police.reportedAt);
    if (dto.police?.receiptNo) changes.policeReceiptNo = dto.police.receiptNo;
    if (dto.police?.notReportedReason) changes.policeNotReportedReason = dto.police.notReportedReason;
    // A draft's first submission is when it was reported.
    if (c.status === CaseStatus.Draft) changes.reportedAt = new Date();
    await this.move(ctx, CaseStatus.Submitted, c.status === CaseStatus.Draft ? 'case.reported' : 'case.resubmitted', { riskLevel: changes.riskLevel }, changes);
  }

  private async accept(ctx: WriteContext, dto: TransitionDto): Promise<void> {
    const assignee = await this.assignableUser(ctx, dto.assigneeId as string, 'assigneeId');
    await this.move(ctx, CaseStatus.Assessing, 'case.accepted', { riskLevel: dto.riskLevel, assigneeId: assignee.id, estimatedRiskLevel: ctx.c.riskLevel }, {
      riskLevel: dto.riskLevel,
      assigneeId: assignee.id,
      acceptedAt: new Date(),
    });
  }

  /** A user who may work on this case: active, in the case's street (directors of its community), not admin. */
  private async assignableUser(ctx: WriteContext, userId: string, field: string) {
    const c = ctx.c;
    const user = await this.repo.activeUserWithin(userId, { sql: '(j.street_id = :street OR j.id = :district)', params: { street: c.streetId, district: c.districtId } }, ctx.manager);
    const fits =
      user &&
      ((user.role === Role.CommunityDirector && user.jurisdiction?.id === c.communityId) ||
        user.role === Role.StreetSupervisor ||
        user.role === Role.DistrictStaff);
    if (!user || !fits) throw CaseErrors.invalid(field, 'must be an active director of the case’s community, its street supervisor or district staff');
    return user;
  }

  private async startIntervention(ctx: WriteContext): Promise<void> {
    const { manager, c, actor } = ctx;
    if (await this.repo.pendingApproval(manager, c.id)) throw CaseErrors.approvalPending();
    if (!(await this.repo.latestAssessment(manager, c.id))) throw CaseErrors.planIncomplete('a recorded assessment');
    const planned = await manager.getRepository(Measure).findBy({ caseId: c.id, status: MeasureStatus.Planned });
    if (planned.length === 0) throw CaseErrors.planIncomplete('at least one planned measure');
    // R1/R2 plans, and any plan with a measure only civil affairs may decide (临时监护, 撤销监护资格), go to the district.
    if (isHighRisk(c.riskLevel) || planned.some((m) => DISTRICT_DECIDED_MEASURES.includes(m.type))) {
      const approval = await manager.getRepository(Approval).save(
        Object.assign(new Approval(), { caseId: c.id, kind: ApprovalKind.StartIntervention, status: ApprovalStatus.Pending, decidedByRole: Role.DistrictStaff, payload: {}, requestedById: actor.id }),
      );
      await this.repo.updateCase(manager, c.id, {});
      await this.event(manager, c, actor, 'approval.requested', { data: { approvalId: approval.id, kind: approval.kind, decidedByRole: approval.decidedByRole } });
      await this.follow({ manager, caseRow: c, actor, change: { kind: 'approval_requested', approvalKind: approval.kind } });
      return;
    }
    await this.move(ctx, CaseStatus.Intervening, 'case.intervention_started', {}, { interventionStartedAt: new Date() });
  }

  private async requestClosure(ctx: WriteContext, dto: TransitionDto): Promise<void> {
    const { manager, c, actor } = ctx;
    if (await this.repo.pendingApproval(manager, c.id)) throw CaseErrors.approvalPending();
    const open = await this.repo.openMeasureCount(manager, c.id);
    if (open > 0) throw CaseErrors.measuresOpen(open);
    const decidedByRole = isHighRisk(c.riskLevel) ? Role.DistrictStaff : Role.StreetSupervisor;
    const approval = await manager.getRepository(Approval).save(
      Object.assign(new Approval(), {
        caseId: c.id,
        kind: ApprovalKind.Closure,
        status: ApprovalStatus.Pending,
        decidedByRole,
        payload: { closureReason: dto.closureReason, checklist: { ...dto.checklist }, reason: dto.reason ?? null },
        requestedById: actor.id,
      }),
    );
    await this.repo.updateCase(manager, c.id, {});
    await this.event(manager, c, actor, 'approval.requested', { data: { approvalId: approval.id, kind: approval.kind, decidedByRole, closureReason: dto.closureReason } });
    await this.follow({ manager, caseRow: c, actor, change: { kind: 'approval_requested', approvalKind: approval.kind } });
  }

  private async transfer(ctx: WriteContext, dto: TransitionDto): Promise<void> {
    const { manager, c, actor } = ctx;
    const target = await this.repo.jurisdiction(dto.communityId as string, manager);
    const ability = defineAbilityFor(actor);
    if (!target || target.level !== JurisdictionLevel.Community || !ability.can('update', asSubject('Case', { districtId: target.districtId, streetId: target.streetId, communityId: target.communityId }) as never)) {
      throw new DomainError(ErrorCode.NotFound, 'no such community in your scope', [{ field: 'communityId', message: 'is not a community of your district' }]);
    }
    if (target.id === c.communityId) throw CaseErrors.invalid('communityId', 'is already the case’s community');
    // The old community's director no longer handles it.
    const assigneeStays = c.assigneeId !== null && (await this.assigneeStillFits(manager, c.assigneeId, target.streetId as string, target.id));
    await this.repo.updateCase(manager, c.id, { communityId: target.id, streetId: target.streetId as string, assigneeId: assigneeStays ? c.assigneeId : null });
    // The child moved: intake matches a report without ID number in the new street from now on.
    if (target.streetId !== c.streetId) await manager.getRepository(Child).update({ id: c.childId }, { streetId: target.streetId as string });
    await this.event(manager, c, actor, 'case.transferred', { data: { fromCommunityId: c.communityId, toCommunityId: target.id, reason: dto.reason } });
    await this.follow({ manager, caseRow: { ...c, communityId: target.id, streetId: target.streetId as string }, actor, change: { kind: 'transferred' } });
  }

  private async assigneeStillFits(manager: EntityManager, userId: string, streetId: string, communityId: string): Promise<boolean> {
    const u = await this.repo.activeUserWithin(userId, { sql: 'TRUE', params: {} }, manager);
    if (!u?.jurisdiction) return false;
    if (u.role === Role.DistrictStaff) return true;
    if (u.role === Role.StreetSupervisor) return u.jurisdiction.id === streetId;
    return u.jurisdiction.id === communityId;
  }

  private async merge(ctx: WriteContext, dto: TransitionDto): Promise<void> {
    const { manager, c, actor } = ctx;
    if (dto.intoCaseId === c.id) throw CaseErrors.invalid('intoCaseId', 'must be another case');
    const target = await this.repo.lockInScope(manager, dto.intoCaseId as string, this.scope(actor, 'update'));
    if (!target) throw new DomainError(ErrorCode.NotFound, 'no such case in your scope', [{ field: 'intoCaseId', message: 'is not a case in your scope' }]);
    if (target.status === CaseStatus.Closed) throw CaseErrors.rule('a case can only be merged into an open case', 'intoCaseId');
    await manager.getRepository(Report).update({ caseId: c.id }, { caseId: target.id, linked: true });
    await this.repo.updateCase(manager, target.id, {
      categories: union(target.categories, c.categories),
      mandatoryItems: sortedUnique([...target.mandatoryItems, ...c.mandatoryItems]),
    });
    await this.move(ctx, CaseStatus.Closed, 'case.merged', { intoCaseId: target.id, intoCaseNo: target.caseNo, reason: dto.reason }, {
      closedAt: new Date(),
      closureKind: ClosureKind.Merged,
      closureReason: dto.reason ?? null,
      mergedIntoId: target.id,
    });
    await this.event(manager, target, actor, 'case.merge_received', { data: { fromCaseId: c.id, fromCaseNo: c.caseNo } });
  }

  /** Moves the case to `to`, records the event, runs the hooks. */
  private async move(ctx: WriteContext, to: CaseStatus, type: string, data: Record<string, unknown>, changes: Partial<Case> = {}): Promise<void> {
    const { manager, c, actor } = ctx;
    await this.repo.updateCase(manager, c.id, { ...changes, status: to });
    await this.event(manager, c, actor, type, { from: c.status, to, data });
    await this.follow({ manager, caseRow: { ...c, ...changes, status: to } as Case, actor, change: { kind: 'status', from: c.status, to } });
  }

  // ── Work on the case ──────────────────────────────────────────────────────

  async recordAssessment(actor: Actor, id: string, dto: AssessmentDto): Promise<CaseDetailView> {
    await this.write(actor, id, CaseAction.RecordAssessment, async (ctx) => {
      this.judge(ctx, CaseAction.RecordAssessment);
      const a = await ctx.manager.getRepository(Assessment).save(Object.assign(new Assessment(), { ...dto, caseId: ctx.c.id, assessedById: actor.id }));
      await this.repo.updateCase(ctx.manager, ctx.c.id, { riskLevel: dto.riskLevel, assessedAt: ctx.c.assessedAt ?? new Date() });
      await this.event(ctx.manager, ctx.c, actor, 'assessment.recorded', { data: { assessmentId: a.id, riskLevel: dto.riskLevel, previousRiskLevel: ctx.c.riskLevel } });
      await this.follow({ manager: ctx.manager, caseRow: { ...ctx.c, riskLevel: dto.riskLevel }, actor, change: { kind: 'assessment_recorded' } });
    });
    return this.get(actor, id);
  }

  async addMeasure(actor: Actor, id: string, dto: MeasureDto): Promise<CaseDetailView> {
    await this.write(actor, id, CaseAction.AddMeasure, async (ctx) => {
      this.judge(ctx, CaseAction.AddMeasure);
      const owner = dto.ownerId ? await this.assignableUser(ctx, dto.ownerId, 'ownerId') : null;
      if (Date.parse(dto.dueAt) < Date.now() - 60_000) throw CaseErrors.invalid('dueAt', 'must not be in the past');
      const m = await ctx.manager.getRepository(Measure).save(
        Object.assign(new Measure(), { caseId: ctx.c.id, type: dto.type, ownerId: dto.ownerId ?? null, agency: dto.agency ?? null, dueAt: new Date(dto.dueAt), note: dto.note ?? null, status: MeasureStatus.Planned, createdById: actor.id }),
      );
      await this.event(ctx.manager, ctx.c, actor, 'measure.added', { data: { measureId: m.id, type: m.type, ownerId: m.ownerId, dueAt: m.dueAt.toISOString() } });
      await this.follow({ manager: ctx.manager, caseRow: ctx.c, actor, change: { kind: 'measure_added', measureId: m.id, dueAt: m.dueAt, ownerId: m.ownerId, ownerRole: owner?.role ?? null } });
    });
    return this.get(actor, id);
  }

  async updateMeasure(actor: Actor, id: string, measureId: string, dto: UpdateMeasureDto): Promise<CaseDetailView> {
    await this.write(actor, id, CaseAction.UpdateMeasure, async (ctx) => {
      this.judge(ctx, CaseAction.UpdateMeasure);
      const m = await ctx.manager.getRepository(Measure).findOneBy({ id: measureId, caseId: ctx.c.id });
      if (!m) throw DomainError.notFound('measure');
      if (actor.role === Role.CommunityDirector && m.ownerId !== actor.id) throw new DomainError(ErrorCode.Forbidden, 'a director may only complete measures they own');
      if (m.status !== MeasureStatus.Planned) throw new DomainError(ErrorCode.InvalidTransition, `the measure is already ${m.status}`);
      await ctx.manager.getRepository(Measure).update({ id: m.id }, { status: dto.status, outcome: dto.outcome, completedAt: new Date() });
      await this.event(ctx.manager, ctx.c, actor, dto.status === MeasureStatus.Done ? 'measure.done' : 'measure.cancelled', { data: { measureId: m.id, type: m.type } });
      await this.follow({ manager: ctx.manager, caseRow: ctx.c, actor, change: { kind: 'measure_closed', measureId: m.id, done: dto.status === MeasureStatus.Done } });
    });
    return this.get(actor, id);
  }

  async addVisit(actor: Actor, id: string, dto: VisitDto): Promise<CaseDetailView> {
    await this.write(actor, id, CaseAction.AddVisit, async (ctx) => {
      this.judge(ctx, CaseAction.AddVisit);
      const v = await ctx.manager.getRepository(Visit).save(
        Object.assign(new Visit(), { caseId: ctx.c.id, visitedAt: new Date(dto.visitedAt), riskLevel: dto.riskLevel, outcome: dto.outcome, notes: dto.notes ?? null, visitorId: actor.id }),
      );
      await this.event(ctx.manager, ctx.c, actor, 'visit.recorded', { data: { visitId: v.id, riskLevel: v.riskLevel, visitedAt: v.visitedAt.toISOString() } });
      await this.follow({ manager: ctx.manager, caseRow: ctx.c, actor, change: { kind: 'visit_recorded', visitedAt: v.visitedAt } });
    });
    return this.get(actor, id);
  }

  async addNote(actor: Actor, id: string, dto: NoteDto): Promise<CaseDetailView> {
    await this.write(actor, id, CaseAction.AddNote, async (ctx) => {
      this.judge(ctx, CaseAction.AddNote);
      const n = await ctx.manager.getRepository(Note).save(Object.assign(new Note(), { caseId: ctx.c.id, text: dto.text, authorId: actor.id }));
      await this.event(ctx.manager, ctx.c, actor, 'note.added', { data: { noteId: n.id } });
    });
    return this.get(actor, id);
  }

  async addReport(actor: Actor, id: string, dto: AddReportDto): Promise<CaseDetailView> {
    this.checkReporter(dto, 'report');
    await this.write(actor, id, CaseAction.AddReport, async (ctx) => {
      this.judge(ctx, CaseAction.AddReport);
      const r = await this.insertReport(ctx.manager, actor, ctx.c.id, dto, { categories: dto.categories ?? [], mandatoryItems: dto.mandatoryItems ?? [], riskEstimate: dto.riskEstimate ?? null, linked: false });
      const changes: Partial<Case> = {
        categories: union(ctx.c.categories, dto.categories ?? []),
        mandatoryItems: sortedUnique([...ctx.c.mandatoryItems, ...(dto.mandatoryItems ?? [])]),
      };
      await this.repo.updateCase(ctx.manager, ctx.c.id, changes);
      await this.event(ctx.manager, ctx.c, actor, 'report.added', { data: { reportId: r.id, reporterType: r.reporterType, categories: r.categories } });
      await this.follow({ manager: ctx.manager, caseRow: { ...ctx.c, ...changes }, actor, change: { kind: 'report_added' } });
    });
    return this.get(actor, id);
  }

  async recordPolice(actor: Actor, id: string, dto: PoliceDto): Promise<CaseDetailView> {
    if (dto.reportedAt == null && dto.receiptNo == null && dto.feedbackAt == null && dto.feedback == null) {
      throw CaseErrors.missing(['reportedAt']);
    }
    if (dto.feedback != null && dto.feedbackAt == null) throw CaseErrors.missing(['feedbackAt']);
    await this.write(actor, id, CaseAction.RecordPolice, async (ctx) => {
      this.judge(ctx, CaseAction.RecordPolice);
      const c = ctx.c;
      const reportedAt = dto.reportedAt ? new Date(dto.reportedAt) : c.policeReportedAt;
      if (dto.feedbackAt && !reportedAt) throw CaseErrors.rule('police feedback needs the time police were told first', 'feedbackAt');
      if (dto.feedbackAt && reportedAt && Date.parse(dto.feedbackAt) < reportedAt.getTime()) throw CaseErrors.invalid('feedbackAt', 'must not be before police were told');
      const changes: Partial<Case> = {};
      if (dto.reportedAt) changes.policeReportedAt = new Date(dto.reportedAt);
      if (dto.receiptNo) changes.policeReceiptNo = dto.receiptNo;
      if (dto.feedbackAt) changes.policeFeedbackAt = new Date(dto.feedbackAt);
      if (dto.feedback) changes.policeFeedback = dto.feedback;
      if (changes.policeReportedAt) changes.flags = c.flags.filter((f) => f !== CaseFlag.PoliceAlert);
      await this.repo.updateCase(ctx.manager, c.id, changes);
      if (dto.reportedAt || dto.receiptNo) {
        await this.event(ctx.manager, c, actor, 'police.reported', { data: { reportedAt: dto.reportedAt ?? null, receiptNo: dto.receiptNo ?? null } });
      }
      if (dto.feedbackAt) await this.event(ctx.manager, c, actor, 'police.feedback', { data: { feedbackAt: dto.feedbackAt } });
      await this.follow({ manager: ctx.manager, caseRow: { ...c, ...changes }, actor, change: { kind: 'police' } });
    });
    return this.get(actor, id);
  }

  // ── Approvals ─────────────────────────────────────────────────────────────

  async decide(actor: Actor, approvalId: string, dto: ApprovalDecisionDto): Promise<CaseDetailView> {
    if (dto.decision === 'reject' && !dto.reason) throw CaseErrors.missing(['reason']);
    // One answer for an unknown approval and one of a case outside the caller's scope:
    // a difference would confirm that the case exists.
    const approval = await this.repo.approvalInScope(approvalId, this.scope(actor, 'update'));
    if (!approval) throw DomainError.notFound('approval');
    await this.write(actor, approval.caseId, CaseAction.DecideApproval, async (ctx) => {
      const { manager, c } = ctx;
      const current = await manager.getRepository(Approval).findOneByOrFail({ id: approvalId });
      if (current.status !== ApprovalStatus.Pending) throw new DomainError(ErrorCode.InvalidTransition, `the approval is already ${current.status}`);
      if (actor.role !== current.decidedByRole && actor.role !== Role.DistrictStaff) {
        throw new DomainError(ErrorCode.Forbidden, `only ${current.decidedByRole === Role.DistrictStaff ? 'district staff' : 'the street supervisor or district staff'} decide this`);
      }
      this.judge(ctx, CaseAction.DecideApproval);
      if (current.requestedById === actor.id) throw CaseErrors.selfApproval();
      const approved = dto.decision === 'approve';
      await manager.getRepository(Approval).update({ id: current.id }, {
        status: approved ? ApprovalStatus.Approved : ApprovalStatus.Rejected,
        decidedById: actor.id,
        decidedAt: new Date(),
        decisionReason: dto.reason ?? null,
      });
      await this.event(manager, c, actor, approved ? 'approval.approved' : 'approval.rejected', { data: { approvalId: current.id, kind: current.kind, reason: dto.reason ?? null } });
      if (!approved) {
        await this.repo.updateCase(manager, c.id, {});
        await this.follow({ manager, caseRow: c, actor, change: { kind: 'approval_decided', approvalKind: current.kind } });
        return;
      }
      if (current.kind === ApprovalKind.StartIntervention) {
        await this.move(ctx, CaseStatus.Intervening, 'case.intervention_started', { approvalId: current.id }, { interventionStartedAt: new Date() });
      } else {
        // Code and free text stay apart: a concatenation of two bounded values overflows its column.
        const p = current.payload as { closureReason?: string; reason?: string | null };
        await this.move(ctx, CaseStatus.Closed, 'case.closed', { kind: ClosureKind.Resolved, closureReason: p.closureReason, approvalId: current.id }, {
          closedAt: new Date(),
          closureKind: ClosureKind.Resolved,
          closureReason: p.closureReason ?? null,
          closureNote: p.reason ?? null,
        });
      }
    });
    return this.get(actor, approval.caseId);
  }

  async listApprovals(actor: Actor, status: ApprovalStatus | undefined): Promise<ApprovalListItemView[]> {
    const scope = this.scope(actor);
    const q = this.repo.manager
      .getRepository(Approval)
      .createQueryBuilder('a')
      .innerJoin(Case, 'c', 'c.id = a.case_id')
      .addSelect(['c.caseNo', 'c.riskLevel'])
      .where(scope.sql, scope.params)
      .orderBy('a.requested_at', 'ASC')
      .limit(500);
    if (status) q.andWhere('a.status = :status', { status });
    const rows = await q.getRawAndEntities();
    return rows.entities.map((a, i) => ({ ...approvalView(a), caseNo: rows.raw[i].c_case_no as string, riskLevel: rows.raw[i].c_risk_level as RiskLevel }));
  }

  // ── Reads ─────────────────────────────────────────────────────────────────

  async list(actor: Actor, query: ListCasesQuery): Promise<CaseListView> {
    const limit = query.limit ?? 50;
    const { rows, sort } = await this.repo.listPage(this.scope(actor), query, actor.id, limit);
    const page = rows.slice(0, limit);
    const now = new Date();
    return {
      items: page.map((c) => caseSummary(c, now)),
      nextCursor: rows.length > limit ? encodeCursor(sort, page[page.length - 1]) : null,
    };
  }

  /** 404 unless the case exists in the caller's scope (for routes that read beside the case). */
  async assertInScope(actor: Actor, id: string): Promise<void> {
    const c = await this.repo.findInScope(id, this.scope(actor));
    if (!c) throw CaseErrors.notFound();
  }

  async get(actor: Actor, id: string): Promise<CaseDetailView> {
    const c = await this.repo.findInScope(id, this.scope(actor));
    if (!c) throw CaseErrors.notFound();
    return this.detailOf(actor, c);
  }

  /** The full detail; every time it shows a child's identity or a reporter's, the read is logged. */
  private async detailOf(actor: Actor, c: Case & { child?: Child }): Promise<CaseDetailView> {
    const parts = await this.repo.children(c.id);
    const deadlines = await this.hooks.deadlinesOf(c.id);
    // A related case is shown only to a reader whose scope covers it too.
    const relatedCaseIds = await this.repo.idsWithin(c.relatedCaseIds ?? [], this.scope(actor));
    const child = c.child as Child;
    const detail = caseDetail(actor, c, {
      ...parts,
      relatedCaseIds,
      idNumber: child.idNumberCipher ? this.cipher.decrypt(child.idNumberCipher) : null,
      allowedActions: this.allowedActions(actor, c, parts),
      deadlines,
    });
    const fields = ['child.name', 'child.birthDate'];
    if (detail.child.idNumber) fields.push('child.idNumber');
    if (detail.child.address) fields.push('child.address');
    if (detail.child.school) fields.push('child.school');
    if (detail.reports.some((r) => r.reporter !== null && r.reporter !== 'confidential')) fields.push('reports.reporter');
    await this.audit.recordAccess({ at: new Date(), actorId: actor.id, actorRole: actor.role, caseId: c.id, districtId: c.districtId, fields });
    return detail;
  }

  /** What this caller may do now: the workflow table, then the case's own state of affairs. */
  allowedActions(actor: Actor, c: Case, parts: { measures: Measure[]; approvals: Approval[]; assessments: Assessment[] }): CaseAction[] {
    const pending = parts.approvals.find((a) => a.status === ApprovalStatus.Pending);
    const planned = parts.measures.filter((m) => m.status === MeasureStatus.Planned);
    return actionsFor(c.status, actor.role).filter((action) => {
      switch (action) {
        case CaseAction.StartIntervention:
          return !pending && parts.assessments.length > 0 && planned.length > 0;
        case CaseAction.BeginFollowUp:
          return planned.length === 0;
        case CaseAction.RequestClosure:
          return !pending && planned.length === 0;
        case CaseAction.DecideApproval:
          return !!pending && pending.requestedById !== actor.id && (actor.role === pending.decidedByRole || actor.role === Role.DistrictStaff);
        case CaseAction.UpdateMeasure:
          return actor.role === Role.CommunityDirector ? planned.some((m) => m.ownerId === actor.id) : planned.length > 0;
        default:
          return true;
      }
    });
  }

  // ── System processes (deadlines) ─────────────────────────────────────────

  /** Locks a case for a system process (no user scope); null when it does not exist. */
  lockForSystem(manager: EntityManager, caseId: string): Promise<(Case & { child?: Child }) | null> {
    return this.repo.lockWithChild(manager, caseId);
  }

  /**
   * Records what a system process did to a case (a breach, an escalation): the
   * timeline event, a flag, the escalation level and the next due time. The
   * version is not bumped: a flag does not invalidate what a user is doing.
   */
  async recordSystemEvent(manager: EntityManager, c: Case, e: { type: string; data: Record<string, unknown>; flag?: CaseFlag; escalationLevel?: number; nextDue: { dueAt: Date; kind: string } | null }): Promise<void> {
    const changes: Partial<Case> = { nextDueAt: e.nextDue?.dueAt ?? NO_DEADLINE, nextDueKind: e.nextDue?.kind ?? null };
    if (e.flag && !c.flags.includes(e.flag)) changes.flags = union(c.flags, [e.flag]);
    if (e.escalationLevel !== undefined && e.escalationLevel > c.escalationLevel) changes.escalationLevel = e.escalationLevel;
    await this.repo.updateCase(manager, c.id, changes, false);
    await this.event(manager, c, null, e.type, { data: e.data });
  }

  // ── Plumbing ──────────────────────────────────────────────────────────────

  /** One transaction: lock the case in the caller's scope (404 otherwise), then the work. */
  private async write(actor: Actor, id: string, action: CaseAction, work: (ctx: WriteContext) => Promise<void>): Promise<void> {
    await this.tx.run(async (manager) => {
      const c = await this.repo.lockInScope(manager, id, this.scope(actor, 'update'));
      if (!c) throw action === CaseAction.DecideApproval ? DomainError.notFound('approval') : CaseErrors.notFound();
      await work({ manager, actor, c });
    });
  }

  /** Lets the deadlines follow the change (same transaction) and keeps the case's next due time. */
  private async follow(event: Omit<LifecycleEvent, 'followUp'>): Promise<void> {
    const c = event.caseRow;
    const followUp = c.status === CaseStatus.FollowUp ? await this.repo.followUpFacts(event.manager, c.id, c.followUpStartedAt ?? new Date()) : undefined;
    const next = await this.hooks.afterChange({ ...event, followUp });
    await this.repo.updateCase(event.manager, c.id, { nextDueAt: next?.dueAt ?? NO_DEADLINE, nextDueKind: next?.kind ?? null }, false);
  }

  private judge(ctx: WriteContext, action: CaseAction): void {
    const verdict = judge(ctx.c.status, action, ctx.actor.role);
    if (verdict === 'role_forbidden') throw CaseErrors.roleForbidden(ctx.actor.role, action);
    if (verdict === 'invalid_state') throw CaseErrors.invalidTransition(action, ctx.c.status);
  }

  private async event(manager: EntityManager, c: Case, actor: Actor | null, type: string, e: { from?: CaseStatus; to?: CaseStatus; data?: Record<string, unknown> }): Promise<void> {
    const seq = await this.repo.takeEventSeq(manager, c.id);
    await this.timeline.append(manager, {
      caseId: c.id,
      seq,
      type,
      actor: actor ? { id: actor.id, role: actor.role } : { id: null, role: 'system' },
      fromStatus: e.from ?? null,
      toStatus: e.to ?? null,
      data: stripUndefined(e.data ?? {}),
    });
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function sortedUnique(items: number[]): number[] {
  return [...new Set(items)].sort((x, y) => x - y);
}

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

export type { LifecycleChange };
