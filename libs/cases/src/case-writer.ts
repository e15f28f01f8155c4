import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '@shouhu/access';
import { TransactionRunner } from '@shouhu/database';
import { DomainError } from '@shouhu/errors';
import { EventType, TimelineService } from '@shouhu/timeline';
import { CaseRecordRepository } from './case-record.repository';
import { caseScope } from './case-scope';
import { CaseRepository } from './case.repository';
import { CaseErrors } from './cases.errors';
import { CaseFlag, CaseStatus, NO_DEADLINE } from './domain';
import type { Case } from './entities/case.entity';
import type { Child } from './entities/child.entity';
import { CASE_LIFECYCLE_HOOKS, CaseLifecycleHooks, LifecycleEvent } from './lifecycle-hooks';
import { union } from './lists';
import { CaseAction, judge } from './workflow';

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
    await this.cases.updateCase(manager, c.id, { ...changes, status: to });
    await this.event(manager, c, actor, type, { from: c.status, to, data });
    await this.follow({ manager, caseRow: { ...c, ...changes, status: to }, actor, change: { kind: 'status', from: c.status, to } });
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

  /** Lets the deadlines follow the change (same transaction) and keeps the case's next due time. */
  async follow(event: Omit<LifecycleEvent, 'followUp'>): Promise<void> {
    const c = event.caseRow;
    const followUp = c.status === CaseStatus.FollowUp ? await this.records.followUpFacts(event.manager, c.id, c.followUpStartedAt ?? new Date()) : undefined;
    const next = await this.hooks.afterChange({ ...event, followUp });
    await this.cases.updateCase(event.manager, c.id, { nextDueAt: next?.dueAt ?? NO_DEADLINE, nextDueKind: next?.kind ?? null }, false);
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

function stripUndefined(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}
