import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { Role } from '@shouhu/access';
import { Case, CaseDeadline, CaseLifecycleHooks, CaseStatus, DEADLINE_VIEW_SCHEMA, LifecycleEvent, MeasureType, NextDue } from '@shouhu/cases';
import { NotificationService } from '@shouhu/notifications';
import { DeadlineRepository } from './deadline.repository';
import { acceptorOf, KINDS_BY_STATUS, riskOf, stepsMet, stepsStarted, WantedDeadline } from './deadline-rules';
import { Deadline, DeadlineStatus } from './entities/deadline.entity';
import { DEADLINE_LABELS, DeadlineKind, SlaCalculator } from './policy';

export const SLA_CALCULATOR = Symbol('SLA_CALCULATOR');

/** What planFiling answers (the cases library's FilingDeadlines) and one of its rows. */
type FilingDeadlines = NonNullable<ReturnType<CaseLifecycleHooks['planFiling']>>;
type FilingDeadline = FilingDeadlines['rows'][number];

/** A deadline of a case (GET /api/cases/:id/deadlines and the case detail's deadlines[], which refers to it by name). */
@ApiSchema({ name: DEADLINE_VIEW_SCHEMA })
export class DeadlineView implements CaseDeadline {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: DeadlineKind, enumName: 'DeadlineKind' }) kind: string;
  @ApiProperty({ example: '受理 accept or return' }) label: string;
  @ApiProperty({ example: '', description: 'what the deadline is about within the case (a measure id, a visit number); empty for one-per-case steps' })
  refKey: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ format: 'date-time', description: 'when the responsible person is reminded' }) remindAt: string;
  @ApiProperty({ enum: DeadlineStatus, enumName: 'DeadlineStatus' }) status: DeadlineStatus;
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 before a breach; 1 one level up; 2 the district' }) escalationLevel: number;
  @ApiProperty({ enum: Role, enumName: 'Role' }) responsibleRole: Role;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) responsibleUserId: string | null;
  @ApiProperty({ description: 'still open, and breached or past dueAt' }) overdue: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) breachedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
}

export function deadlineView(d: Deadline, now = new Date()): DeadlineView {
  return {
    id: d.id,
    kind: d.kind,
    label: DEADLINE_LABELS[d.kind as DeadlineKind] ?? d.kind,
    refKey: d.refKey,
    dueAt: d.dueAt.toISOString(),
    remindAt: d.remindAt.toISOString(),
    status: d.status,
    escalationLevel: d.escalationLevel,
    responsibleRole: d.responsibleRole,
    responsibleUserId: d.responsibleUserId,
    overdue: d.closedAt === null && (d.status === DeadlineStatus.Breached || (d.status === DeadlineStatus.Pending && d.dueAt.getTime() < now.getTime())),
    breachedAt: d.breachedAt ? d.breachedAt.toISOString() : null,
    closedAt: d.closedAt ? d.closedAt.toISOString() : null,
  };
}

/**
 * Keeps a case's deadlines in step with the case, inside the transaction of each
 * change: meeting a step marks its deadline met, a state change cancels what no
 * longer applies, and new steps get their deadline from the policy.
 */
@Injectable()
export class DeadlineService implements CaseLifecycleHooks {
  constructor(
    private readonly deadlines: DeadlineRepository,
    @Inject(SLA_CALCULATOR) private readonly sla: SlaCalculator,
    private readonly notifications: NotificationService,
  ) {}

  async afterChange(e: LifecycleEvent): Promise<NextDue | null> {
    const { manager, caseRow: c, change } = e;
    if (change.kind === 'related_report') {
      // Those who handle the case hear of it; the message names no child and no other case.
      await this.notifications.notify(manager, {
        kind: 'case.related_report',
        caseId: c.id,
        title: `${c.caseNo} 同一儿童在其他辖区被报告 (the child was reported elsewhere)`,
        body: '另一辖区就本案儿童提交了新的报告，已在服务端关联 (a new report on this child was filed in another jurisdiction and linked to this case).',
        recipients: [
          // An unlocated case has no street supervisor yet: its district staff hear of it.
          ...(c.streetId ? [{ role: Role.StreetSupervisor, jurisdictionId: c.streetId }] : []),
          { role: Role.DistrictStaff, jurisdictionId: c.districtId },
        ],
        cause: `related:${c.id}:${c.lastEventSeq}`,
      });
    }
    if (c.streetId === null && c.status === CaseStatus.Submitted && (change.kind === 'submitted' || change.kind === 'status')) {
      // An unlocated hotline report: district staff route it to a community (domain.md §1). Names no child and no place.
      await this.notifications.notify(manager, {
        kind: 'case.unlocated_report',
        caseId: c.id,
        title: `${c.caseNo} 未定位的热线报告待分派 (an unlocated hotline report waits to be routed)`,
        body: '请在个案队列中筛选“未定位”，以转移辖区 (transfer) 分派到社区 (filter the queue by unlocated and route it with transfer).',
        recipients: [{ role: Role.DistrictStaff, jurisdictionId: c.districtId }],
        cause: `unlocated:${c.id}`,
      });
    }
    const now = new Date();
    // A deadline closed here needs nothing from Redis: the sweeper reads only open rows, and a timer
    // left from before (a second stage, or one an earlier version armed) finds its row closed and does nothing.
    for (const step of stepsMet(change, c)) await this.deadlines.close(manager, c.id, step.kind, step.refKey, DeadlineStatus.Met);
    if (change.kind === 'measure_closed' && !change.done)
      await this.deadlines.close(manager, c.id, DeadlineKind.Measure, change.measureId, DeadlineStatus.Cancelled);
    if (change.kind === 'referral_closed')
      for (const kind of [DeadlineKind.ReferralResponse, DeadlineKind.ReferralCompletion])
        await this.deadlines.close(manager, c.id, kind, change.referralId, DeadlineStatus.Cancelled);
    if (change.kind === 'status' || change.kind === 'submitted') await this.deadlines.cancelExcept(manager, c.id, KINDS_BY_STATUS[c.status]);
    if (change.kind === 'transferred') await this.handOverAcceptance(e);
    if (change.kind === 'transferred') await this.deadlines.clearResponsible(manager, c.id, Role.CommunityDirector);

    const wanted = stepsStarted(change, c, now, e.records);
    const postWarning = this.postWarningVisit(e);
    if (postWarning) wanted.push(postWarning);
    if (c.status === CaseStatus.FollowUp && e.followUp && (change.kind === 'visit_recorded' || change.kind === 'status')) {
      const due = this.sla.nextVisitDue({
        risk: riskOf(c),
        followUpStartedAt: c.followUpStartedAt ?? now,
        visitsDone: e.followUp.visitsSinceFollowUp,
        lastVisitAt: e.followUp.lastVisitAt,
        categories: c.categories,
        warningLetterAt: e.followUp.warningLetterAt,
      });
      if (due) {
        wanted.push({
          kind: DeadlineKind.Visit,
          refKey: `visit-${e.followUp.visitsSinceFollowUp + 1}`,
          from: e.followUp.lastVisitAt ?? c.followUpStartedAt ?? now,
          dueAt: due,
          responsibleRole: Role.CommunityDirector,
          responsibleUserId: null,
        });
      }
    }
    for (const w of wanted) await this.create(e, w);

    const next = await this.deadlines.nextPending(manager, c.id);
    return next ? { dueAt: next.dueAt, kind: next.kind } : null;
  }

  /**
   * After a 告诫书 is done, a visit within 7 days and then the later points of its schedule,
   * whatever the state (domain.md §7). In follow-up the visit schedule already counts the
   * letter; elsewhere this deadline does, one point at a time: each visit after the letter
   * meets one and starts the next.
   */
  private postWarningVisit(e: LifecycleEvent): WantedDeadline | null {
    const { caseRow: c, change, records } = e;
    if (!records?.warningLetterAt || c.status === CaseStatus.FollowUp || c.status === CaseStatus.Closed) return null;
    const relevant = change.kind === 'visit_recorded' || (change.kind === 'measure_closed' && change.done && change.measureType === MeasureType.WarningLetter);
    if (!relevant) return null;
    const n = records.visitsSinceWarning;
    const days = this.sla.policy.afterWarningLetter.days;
    if (n >= days.length) return null;
    const day = 24 * 3600_000 * this.sla.timeScale;
    const letter = records.warningLetterAt;
    return {
      kind: DeadlineKind.Visit,
      refKey: `post-warning-${n + 1}`,
      from: n === 0 ? letter : (records.lastVisitAt ?? letter),
      dueAt: new Date(letter.getTime() + days[n] * day),
      responsibleRole: Role.CommunityDirector,
      responsibleUserId: null,
    };
  }

  /**
   * A transferred report that waits for acceptance: the accept step passes to whoever accepts
   * in the case's new place (acceptorOf: the street supervisor once an unlocated report is
   * routed), with the same due and reminder times. The old row is cancelled; a breached one
   * stays breached and the new acceptor gets a window of its own.
   */
  private async handOverAcceptance(e: LifecycleEvent): Promise<void> {
    const { manager, caseRow: c } = e;
    if (c.status !== CaseStatus.Submitted) return;
    const rows = (await this.deadlines.close(manager, c.id, DeadlineKind.AcceptReport, '', DeadlineStatus.Cancelled)) as unknown as Record<string, unknown>[];
    for (const r of rows) {
      const wasPending = r.status === DeadlineStatus.Cancelled;
      const responsibleRole = acceptorOf(c);
      if (wasPending)
        await this.deadlines.insertIfAbsent(manager, {
          caseId: c.id,
          kind: DeadlineKind.AcceptReport,
          refKey: '',
          dueAt: r.due_at as Date,
          remindAt: r.remind_at as Date,
          status: DeadlineStatus.Pending,
          escalationLevel: 0,
          responsibleRole,
          responsibleUserId: null,
        });
      else await this.create(e, { kind: DeadlineKind.AcceptReport, refKey: '', from: new Date(), responsibleRole, responsibleUserId: null });
    }
  }

  /**
   * A case submitted at filing (CaseLifecycleHooks.planFiling): what afterChange would do for
   * `submitted` on a case with no deadlines yet, in memory. Null for an unlocated report (its
   * district staff are notified: afterChange does that).
   */
  planFiling(c: Case, now: Date): FilingDeadlines | null {
    if (c.streetId === null || c.status !== CaseStatus.Submitted) return null;
    const rows: FilingDeadline[] = [];
    for (const w of stepsStarted({ kind: 'submitted' }, c, now)) {
      const span = this.spanOf(c, w);
      if (!span) continue;
      const { kind, refKey, responsibleRole, responsibleUserId } = w;
      rows.push({
        id: randomUUID(),
        caseId: c.id,
        kind,
        refKey,
        ...span,
        status: 'pending',
        escalationLevel: 0,
        responsibleRole,
        responsibleUserId,
        createdAt: now,
      });
    }
    const full = rows.map((r) =>
      Object.assign(new Deadline(), r, {
        status: DeadlineStatus.Pending,
        secondStageAt: null,
        remindedAt: null,
        breachedAt: null,
        secondStageDoneAt: null,
        closedAt: null,
      }),
    );
    const views = full.map((d) => deadlineView(d, now));
    // Deadlines due at the same instant in the order of their kinds, as every read orders them (DeadlineRepository).
    const first = [...rows].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.kind.localeCompare(b.kind))[0];
    return {
      rows,
      views: views.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.kind.localeCompare(b.kind)),
      next: first ? { dueAt: first.dueAt, kind: first.kind } : null,
    };
  }

  private spanOf(c: Case, w: WantedDeadline): { dueAt: Date; remindAt: Date } | null {
    return w.dueAt
      ? this.sla.span(w.from, w.dueAt)
      : w.kind === DeadlineKind.ProtectionOrder
        ? this.sla.protectionOrderDue(w.urgent ?? false, w.from)
        : this.sla.due(w.kind as Parameters<SlaCalculator['due']>[0], riskOf(c), w.from);
  }

  private async create(e: LifecycleEvent, w: WantedDeadline): Promise<Deadline | null> {
    const span = this.spanOf(e.caseRow, w);
    if (!span) return null;
    // A step that is already pending (or breached and still open) keeps its deadline.
    if (w.refKey === '' && (await this.deadlines.hasOpen(e.manager, e.caseRow.id, w.kind))) return null;
    return this.deadlines.insertIfAbsent(e.manager, {
      caseId: e.caseRow.id,
      kind: w.kind,
      refKey: w.refKey,
      dueAt: span.dueAt,
      remindAt: span.remindAt,
      status: DeadlineStatus.Pending,
      escalationLevel: 0,
      responsibleRole: w.responsibleRole,
      responsibleUserId: w.responsibleUserId,
    });
  }

  /** Open deadlines (pending, breached) by kind and status, for /metrics. */
  countsByKind(): Promise<{ kind: string; status: string; n: number }[]> {
    return this.deadlines.countsByKind();
  }

  async deadlinesOf(caseId: string): Promise<DeadlineView[]> {
    const now = new Date();
    return (await this.deadlines.listForCase(caseId)).map((d) => deadlineView(d, now));
  }
}
