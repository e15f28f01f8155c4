import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor, Role } from '@shouhu/access';
import { TransactionRunner } from '@shouhu/database';
import { DomainError } from '@shouhu/errors';
import { CaseEvent, EventType, TimelineService } from '@shouhu/timeline';
import { ApprovalRepository } from './approval.repository';
import { CaseRecordRepository } from './case-record.repository';
import { caseScope } from './case-scope';
import { CaseRepository } from './case.repository';
import { CaseErrors } from './cases.errors';
import { ApprovalKind, ApprovalStatus, CaseFlag, CaseStatus, NO_DEADLINE } from './domain';
import type { Approval } from './entities/approval.entity';
import type { Case } from './entities/case.entity';
import type { Child } from './entities/child.entity';
import { CASE_LIFECYCLE_HOOKS, CaseLifecycleHooks, FilingDeadlines, LifecycleEvent } from './lifecycle-hooks';
import { union } from './lists';
import { policeAlertOpen } from './statutory-rules';
import { CaseAction, judge } from './workflow';

/** A new case's rows as the filing writes them (CaseWriter.planFiled). */
export interface FiledPlan {
  caseRow: Case;
  event: CaseEvent;
  deadlines: FilingDeadlines;
}

/** What a write works with: its transaction, who writes, and the case row it locked. */
export interface WriteContext {
  manager: EntityManager;
  actor: Actor;
  c: Case;
}

/** What an event records beside its type: the move of state, if any, and its data. */
export interface EventFacts {
  from?: CaseStatus;
  to?: CaseStatus;
  data?: Record<string, unknown>;
}

/**
 * How every change of a case is written: one transaction that locks the case in the
 * caller's scope, checks the workflow table, bumps the version, appends the timeline
 * event and lets the deadlines follow in the same transaction (they register the
 * after-commit work: timers). The services of each concern build on it.
 */
@Injectable()
export class CaseWriter {
  constructor(
    private readonly cases: CaseRepository,
    private readonly records: CaseRecordRepository,
    private readonly approvals: ApprovalRepository,
    private readonly tx: TransactionRunner,
    private readonly timeline: TimelineService,
    @Inject(CASE_LIFECYCLE_HOOKS) private readonly hooks: CaseLifecycleHooks,
  ) {}

  /**
   * One transaction: lock the case in the caller's scope, then the work. Not in scope:
   * `notFound()` (404), the same answer as for no such record.
   */
  async write(actor: Actor, id: string, work: (ctx: WriteContext) => Promise<void>, notFound: () => DomainError = CaseErrors.notFound): Promise<void> {
    await this.tx.run(async (manager) => {
      const c = await this.cases.lockInScope(manager, id, caseScope(actor, 'update'));
      if (!c) throw notFound();
      await work({ manager, actor, c });
    });
  }

  /** The workflow table's verdict on this action now: 403 for a role that may never take it, 409 for the wrong state. */
  judge(ctx: WriteContext, action: CaseAction): void {
    const verdict = judge(ctx.c.status, action, ctx.actor.role);
    if (verdict === 'role_forbidden') throw CaseErrors.roleForbidden(ctx.actor.role, action);
    if (verdict === 'invalid_state') throw CaseErrors.invalidTransition(action, ctx.c.status);
  }

  /** Applies changes to the locked case row and bumps its version. */
  update(ctx: WriteContext, changes: Partial<Case>, caseId: string = ctx.c.id): Promise<void> {
    return this.cases.updateCase(ctx.manager, caseId, changes);
  }

  /** Moves the case to `to`, records the event, lets the deadlines follow. */
  async move(ctx: WriteContext, to: CaseStatus, type: EventType, data: Record<string, unknown>, changes: Partial<Case> = {}): Promise<void> {
    const { manager, c, actor } = ctx;
    // A closed case refers nothing any more: what agencies still hold is revoked, each on the timeline (their deadlines close with the state).
    if (to === CaseStatus.Closed) {
      for (const r of await this.records.revokeOpenReferrals(manager, c.id, `结案时撤回 revoked at closure (${c.status} → closed)`))
        await this.event(manager, c, null, EventType.ReferralRevoked, {
          data: { referralId: r.id, agencyId: r.agencyId, from: r.status, atClosure: true },
        });
    }
    await this.cases.updateCase(manager, c.id, { ...changes, status: to });
    await this.event(manager, c, actor, type, { from: c.status, to, data });
    await this.follow({ manager, caseRow: { ...c, ...changes, status: to }, actor, change: { kind: 'status', from: c.status, to } });
  }

  /**
   * Asks for someone else's decision: the approval row, the version bump, the
   * `approval.requested` event and its decision deadline. `refKey` tells apart decisions
   * of one kind that wait side by side (one per district-decided measure).
   */
  async requestApproval(
    ctx: WriteContext,
    a: { kind: ApprovalKind; decidedByRole: Role; payload: Record<string, unknown>; refKey?: string; eventData?: Record<string, unknown> },
  ): Promise<Approval> {
    const { manager, c, actor } = ctx;
    const approval = await this.approvals.insert(manager, {
      caseId: c.id,
      kind: a.kind,
      status: ApprovalStatus.Pending,
      decidedByRole: a.decidedByRole,
      payload: a.payload,
      requestedById: actor.id,
    });
    await this.update(ctx, {});
    await this.event(manager, c, actor, EventType.ApprovalRequested, {
      data: { approvalId: approval.id, kind: approval.kind, decidedByRole: a.decidedByRole, ...a.eventData },
    });
    await this.follow({
      manager,
      caseRow: c,
      actor,
      change: { kind: 'approval_requested', approvalKind: approval.kind, refKey: a.refKey, decidedByRole: a.decidedByRole },
    });
    return approval;
  }

  /** Appends the case's next timeline event (the case row is locked, so its sequence cannot race). */
  async event(manager: EntityManager, c: Case, actor: Actor | null, type: EventType, e: EventFacts): Promise<void> {
    const seq = await this.cases.takeEventSeq(manager, c.id);
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

  /**
   * A new case filed (submitted, or a draft), planned in memory for one statement
   * (CaseRepository.filingStatement): its first event (seq 1, hashed here), its deadlines from
   * the hooks, and the case row as event() and follow() would leave it (last_event_seq 1,
   * the next due time, the police flag). Null when the deadlines need the full path: the
   * caller then writes through insert, event() and follow().
   */
  planFiled(actor: Actor, c: Case, type: EventType, e: EventFacts, now: Date): FiledPlan | null {
    // A draft has no deadlines yet (they start when it is submitted): nothing to ask the hooks.
    const deadlines = c.status === CaseStatus.Draft ? { rows: [], views: [], next: null } : this.hooks.planFiling(c, now);
    if (!deadlines) return null;
    const alert = policeAlertOpen(c);
    const caseRow: Case = {
      ...c,
      lastEventSeq: 1,
      nextDueAt: deadlines.next?.dueAt ?? NO_DEADLINE,
      nextDueKind: deadlines.next?.kind ?? null,
      flags: alert ? union(c.flags, [CaseFlag.PoliceAlert]) : c.flags.filter((f) => f !== (CaseFlag.PoliceAlert as string)),
    };
    const event = this.timeline.firstEvent({
      caseId: c.id,
      type,
      actor: { id: actor.id, role: actor.role },
      fromStatus: e.from ?? null,
      toStatus: e.to ?? null,
      data: stripUndefined(e.data ?? {}),
      at: now,
    });
    return { caseRow, event, deadlines };
  }

  /**
   * Lets the deadlines follow the change (same transaction) and keeps the case's next due
   * time and its police flag: `police_alert` stands while police must be told and are not.
   */
  async follow(event: Omit<LifecycleEvent, 'followUp' | 'records'>): Promise<void> {
    const c = event.caseRow;
    const followUp = c.status === CaseStatus.FollowUp ? await this.records.followUpFacts(event.manager, c.id, c.followUpStartedAt ?? new Date()) : undefined;
    const records = needsRecordFacts(event.change) ? await this.records.recordFacts(event.manager, c.id) : undefined;
    const next = await this.hooks.afterChange({ ...event, followUp, records });
    const changes: Partial<Case> = { nextDueAt: next?.dueAt ?? NO_DEADLINE, nextDueKind: next?.kind ?? null };
    const alert = policeAlertOpen(c);
    if (alert !== c.flags.includes(CaseFlag.PoliceAlert)) {
      changes.flags = alert ? union(c.flags, [CaseFlag.PoliceAlert]) : c.flags.filter((f) => f !== (CaseFlag.PoliceAlert as string));
    }
    await this.cases.updateCase(event.manager, c.id, changes, false);
  }

  /** Tells the deadlines domain of a change that leaves the case's own fields and due time alone (a related report elsewhere). */
  async notify(event: Omit<LifecycleEvent, 'followUp'>): Promise<void> {
    await this.hooks.afterChange(event);
  }

  // ── System processes (deadlines) ─────────────────────────────────────────

  /** Locks a case for a system process (no user scope); null when it does not exist. */
  lockForSystem(manager: EntityManager, caseId: string): Promise<(Case & { child?: Child }) | null> {
    return this.cases.lockWithChild(manager, caseId);
  }

  /**
   * Records what a system process did to a case (a breach, an escalation): the
   * timeline event, a flag, the escalation level and the next due time. The
   * version is not bumped: a flag does not invalidate what a user is doing.
   */
  async recordSystemEvent(
    manager: EntityManager,
    c: Case,
    e: {
      type: EventType.DeadlineBreached | EventType.DeadlineEscalated;
      data: Record<string, unknown>;
      flag?: CaseFlag;
      escalationLevel?: number;
      nextDue: { dueAt: Date; kind: string } | null;
    },
  ): Promise<void> {
    const changes: Partial<Case> = { nextDueAt: e.nextDue?.dueAt ?? NO_DEADLINE, nextDueKind: e.nextDue?.kind ?? null };
    if (e.flag && !c.flags.includes(e.flag)) changes.flags = union(c.flags, [e.flag]);
    if (e.escalationLevel !== undefined && e.escalationLevel > c.escalationLevel) changes.escalationLevel = e.escalationLevel;
    await this.cases.updateCase(manager, c.id, changes, false);
    await this.event(manager, c, null, e.type, { data: e.data });
  }
}

/** Changes after which deadlines read the case's records (warning letter, visits, outcome feedback owed). */
function needsRecordFacts(change: LifecycleEvent['change']): boolean {
  return (
    change.kind === 'visit_recorded' ||
    change.kind === 'measure_closed' ||
    change.kind === 'outcome_feedback' ||
    change.kind === 'report_added' ||
    (change.kind === 'status' && change.to === CaseStatus.Intervening)
  );
}

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}
