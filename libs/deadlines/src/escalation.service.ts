import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { maskName, Role } from '@shouhu/access';
import { Case, CaseFlag, CaseWriter, Child, NO_DEADLINE } from '@shouhu/cases';
import { TransactionRunner } from '@shouhu/database';
import { deadlineJobId, JobName } from '@shouhu/jobs';
import { NotificationService, Recipient } from '@shouhu/notifications';
import { EventType, TimelineService } from '@shouhu/timeline';
import {
  claimDue,
  claimDueReminders,
  DueRow,
  markBreached,
  markReminded,
  msUntilNextDue,
  nextOpenByCase,
  SWEEP_BATCH,
  takeSweepSlot,
  updateCases,
} from './breach-sweep';
import { DeadlineRepository, parseUpcomingSteps } from './deadline.repository';
import { nextLevel } from './deadline-rules';
import { SLA_CALCULATOR } from './deadline.service';
import { BullDeadlineTimers } from './deadline-timers';
import { Deadline, DeadlineStatus } from './entities/deadline.entity';
import { DEADLINE_LABELS, DeadlineKind, SlaCalculator } from './policy';

export type Outcome = 'done' | 'noop' | 'not_due';

/**
 * How far before the last reconciler pass began the next one looks for timers armed meanwhile: covers a
 * breach sweep that began before it and committed after, and clocks a little apart.
 */
export const RECONCILE_MARGIN_MS = 5 * 60_000;
/** Second stages read from the database, and checked in Redis, at a time by the reconciler (DeadlineRepository.upcomingPages). */
const RECONCILE_PAGE = 2000;

/** What one breach sweep did: how many due deadlines it locked and breached (the same, unless one changed under it). */
export interface SweepOutcome {
  claimed: number;
  breached: number;
  /** The batch was full: more may be due at once. */
  more: boolean;
  /** Every sweep slot was held by other sweeps (SWEEP_SLOTS): nothing was looked at; sweep again shortly. */
  busy?: boolean;
}

/** What one reminder sweep did: how many due reminders it locked and sent. */
export interface ReminderSweepOutcome {
  claimed: number;
  reminded: number;
  /** The batch was full: more may be due at once. */
  more: boolean;
  /** Every sweep slot was held by other sweeps: nothing was looked at. */
  busy?: boolean;
}

/** The unit a role acts for on this case: the community, the street or the district; null when an unlocated case has none. */
function unitOf(role: Role, c: Case): string | null {
  switch (role) {
    case Role.CommunityDirector:
      return c.communityId;
    case Role.StreetSupervisor:
      return c.streetId;
    case Role.DistrictStaff:
    case Role.DistrictLeader:
    case Role.HotlineIntake:
    case Role.AgencyLiaison:
    case Role.Admin:
      return c.districtId;
  }
}

function responsible(d: Deadline, c: Case): Recipient {
  if (d.responsibleUserId) return { userId: d.responsibleUserId };
  // A referral's deadline falls to the liaisons of the agency it is addressed to (refKey: the referral).
  if (d.responsibleRole === Role.AgencyLiaison) return { referralId: d.refKey };
  return roleAt(d.responsibleRole, c);
}

/** Everyone with the role in the case's unit; an unlocated case has no community or street yet: its district staff instead. */
function roleAt(role: Role, c: Case): Recipient {
  const unit = unitOf(role, c);
  return unit ? { role, jurisdictionId: unit } : { role: Role.DistrictStaff, jurisdictionId: c.districtId };
}

/** Whether the deadline is already past the stage (or closed), so the stage has nothing left to do. */
function passed(d: Deadline, stage: 'remind' | 'due' | 'stage2'): boolean {
  if (stage === 'remind') return d.status !== DeadlineStatus.Pending || d.remindedAt !== null;
  if (stage === 'due') return d.status !== DeadlineStatus.Pending;
  return d.status !== DeadlineStatus.Breached || d.closedAt !== null || d.secondStageDoneAt !== null;
}

/** A reminder's notification: the case number, the step and its due time, the child's name masked. */
function reminderTitle(caseNo: string, kind: string): string {
  return `${caseNo} ${DEADLINE_LABELS[kind as DeadlineKind] ?? kind} 即将到期 (due soon)`;
}
function reminderBody(caseNo: string, childName: string | undefined, kind: string, dueAt: Date): string {
  return `${caseNo} ${maskName(childName ?? '')}: ${kind} due ${dueAt.toISOString()}`;
}

/** Runs a sweep again while its batch was full; what `count` says of each run, summed. */
async function drain<T extends { more: boolean }>(sweep: () => Promise<T>, count: (outcome: T) => number): Promise<number> {
  let n = 0;
  for (;;) {
    const outcome = await sweep();
    n += count(outcome);
    if (!outcome.more) return n;
  }
}

/** The parts of the case and the deadline that a swept row carries, as the recipient rules read them. */
function caseOf(d: DueRow): Case {
  return { id: d.case_id, communityId: d.community_id, streetId: d.street_id, districtId: d.district_id } as Case;
}
function deadlineOf(d: DueRow): Deadline {
  return { responsibleUserId: d.responsible_user_id, responsibleRole: d.responsible_role, refKey: d.ref_key } as Deadline;
}

/**
 * What happens when a deadline's time comes. Each step is one transaction that
 * locks the case, then moves the deadline row only if it is still where the step
 * expects it: a job that runs twice, or on two workers at once, finds nothing to
 * do the second time, so every effect happens once.
 */
@Injectable()
export class EscalationService {
  private readonly logger = new Logger(EscalationService.name);

  constructor(
    private readonly deadlines: DeadlineRepository,
    private readonly writer: CaseWriter,
    private readonly notifications: NotificationService,
    private readonly tx: TransactionRunner,
    private readonly timers: BullDeadlineTimers,
    @Inject(SLA_CALCULATOR) private readonly sla: SlaCalculator,
    private readonly db: DataSource,
    private readonly timeline: TimelineService,
  ) {}

  /**
   * The step runs with the case locked; `before` is the deadline as read before the lock (its window never changes).
   * A row already past the stage (a timer whose step a sweep or another worker did) is answered without a transaction:
   * a deadline never goes back to an earlier stage, so what the unlocked read says is done stays done.
   */
  private async locked(
    deadlineId: string,
    stage: 'remind' | 'due' | 'stage2',
    step: (manager: EntityManager, c: Case & { child?: Child }, before: Deadline) => Promise<Outcome>,
  ): Promise<Outcome> {
    const d = await this.deadlines.findById(deadlineId);
    if (!d || passed(d, stage)) return 'noop';
    return this.tx.run(async (manager) => {
      // Lock order case → deadline, the same as every case write.
      const c = await this.writer.lockForSystem(manager, d.caseId);
      if (!c) return 'noop';
      return step(manager, c, d);
    });
  }

  async remind(deadlineId: string): Promise<Outcome> {
    return this.locked(deadlineId, 'remind', async (manager, c) => {
      const d = await this.deadlines.claim(manager, deadlineId, 'remind');
      if (!d) return this.notYet(manager, deadlineId, 'remind');
      await this.notifications.notify(manager, {
        kind: 'deadline.reminder',
        caseId: c.id,
        title: reminderTitle(c.caseNo, d.kind),
        body: reminderBody(c.caseNo, c.child?.name, d.kind, d.dueAt),
        recipients: [responsible(d, c)],
        cause: `dl:${d.id}:remind`,
      });
      return 'done';
    });
  }

  async breach(deadlineId: string): Promise<Outcome> {
    return this.locked(deadlineId, 'due', async (manager, c, before) => {
      const window = Math.max(0, before.dueAt.getTime() - before.createdAt.getTime());
      const d = await this.deadlines.claim(manager, deadlineId, 'breach', this.sla.secondStageMs(window));
      if (!d) return this.notYet(manager, deadlineId, 'due');
      const next = await this.deadlines.nextPending(manager, c.id);
      await this.writer.recordSystemEvent(manager, c, {
        type: EventType.DeadlineBreached,
        data: {
          deadlineId: d.id,
          kind: d.kind,
          dueAt: d.dueAt.toISOString(),
          responsibleRole: d.responsibleRole,
          escalatedTo: nextLevel(d.responsibleRole),
          escalationLevel: 1,
        },
        flag: CaseFlag.DeadlineBreached,
        escalationLevel: 1,
        nextDue: next ? { dueAt: next.dueAt, kind: next.kind } : null,
      });
      const up = nextLevel(d.responsibleRole);
      await this.notifications.notify(manager, {
        kind: 'deadline.breached',
        caseId: c.id,
        title: `${c.caseNo} ${DEADLINE_LABELS[d.kind as DeadlineKind] ?? d.kind} 已超时 (overdue)`,
        body: `${c.caseNo} ${maskName(c.child?.name ?? '')}: ${d.kind} was due ${d.dueAt.toISOString()}; escalated to ${up}`,
        recipients: [responsible(d, c), roleAt(up, c)],
        cause: `dl:${d.id}:breach`,
      });
      const at = d.secondStageAt as Date;
      this.tx.afterCommit(manager, () => this.timers.scheduleSecondStage(d.id, at));
      return 'done';
    });
  }

  /**
   * A due timer in a process whose breach sweeper runs: a deadline that is due and still
   * pending is the sweep's (handOff wakes it; the one-deadline breach would race it for the
   * same rows, a transaction per deadline); one already past its breach is nothing to do;
   * a timer that fired early is breach()'s (it re-arms the timer).
   */
  async dueOrHandOff(deadlineId: string, handOff: () => void): Promise<Outcome | 'swept'> {
    const [row] = await this.db.query<{ status: DeadlineStatus; due: boolean }[]>('SELECT status, due_at <= now() AS due FROM deadline WHERE id = $1', [
      deadlineId,
    ]);
    if (!row || row.status !== DeadlineStatus.Pending) return 'noop';
    if (!row.due) return this.breach(deadlineId);
    handOff();
    return 'swept';
  }

  /**
   * The breach sweep: what breach() does for one deadline, for up to `limit` due deadlines
   * at once, in one transaction of a few set-based statements. The deadlines and their cases
   * are locked without waiting (claimDue: SKIP LOCKED), so a sweep never deadlocks with a case
   * write and two sweepers never take the same row; what a sweep skips, the next one takes.
   * Per deadline, exactly as breach(): the row breached at level 1 with its second stage, one
   * `deadline.breached` event chained onto the case's timeline, the case flagged, escalated to
   * level 1 and its next due time kept, the responsible person and the level above notified
   * (once per cause and recipient), and the second-stage timer armed after commit.
   */
  async breachDue(limit = SWEEP_BATCH): Promise<SweepOutcome> {
    return this.tx.run(async (manager) => {
      if (!(await takeSweepSlot(manager))) return { claimed: 0, breached: 0, more: false, busy: true };
      const due = await claimDue(manager, limit);
      if (!due.length) return { claimed: 0, breached: 0, more: false };
      const stages = await markBreached(
        manager,
        due.map((d) => ({ id: d.id, secondStageMs: this.sla.secondStageMs(Math.max(0, d.due_at.getTime() - d.created_at.getTime())) })),
      );
      const breached = due.filter((d) => stages.has(d.id));
      if (!breached.length) return { claimed: due.length, breached: 0, more: due.length >= limit };
      const caseIds = [...new Set(breached.map((d) => d.case_id))];
      const next = await nextOpenByCase(manager, caseIds);
      const byCase = new Map<string, DueRow[]>();
      for (const d of breached) byCase.set(d.case_id, [...(byCase.get(d.case_id) ?? []), d]);
      const chains = await updateCases(
        manager,
        caseIds.map((id) => {
          const c = (byCase.get(id) as DueRow[])[0];
          const flag = CaseFlag.DeadlineBreached as string;
          return {
            id,
            events: (byCase.get(id) as DueRow[]).length,
            flags: c.flags.includes(flag) ? c.flags : [...new Set([...c.flags, flag])].sort(),
            level: 1,
            nextDueAt: next.get(id)?.dueAt ?? NO_DEADLINE,
            nextDueKind: next.get(id)?.kind ?? null,
          };
        }),
      );
      const at = new Date();
      const events = breached.map((d) => ({
        caseId: d.case_id,
        type: EventType.DeadlineBreached,
        actor: { id: null, role: 'system' },
        at,
        data: {
          deadlineId: d.id,
          kind: d.kind,
          dueAt: d.due_at.toISOString(),
          responsibleRole: d.responsible_role,
          escalatedTo: nextLevel(d.responsible_role),
          escalationLevel: 1,
        },
      }));
      await this.timeline.appendMany(manager, events, chains);
      await this.notifications.notifyMany(
        manager,
        breached.map((d) => {
          const c = caseOf(d);
          const up = nextLevel(d.responsible_role);
          return {
            kind: 'deadline.breached',
            caseId: d.case_id,
            title: `${d.case_no} ${DEADLINE_LABELS[d.kind as DeadlineKind] ?? d.kind} 已超时 (overdue)`,
            body: `${d.case_no} ${maskName(d.child_name ?? '')}: ${d.kind} was due ${d.due_at.toISOString()}; escalated to ${up}`,
            recipients: [responsible(deadlineOf(d), c), roleAt(up, c)],
            cause: `dl:${d.id}:breach`,
          };
        }),
      );
      const armed = breached.map((d) => ({ deadlineId: d.id, at: (stages.get(d.id) as { secondStageAt: Date }).secondStageAt }));
      this.tx.afterCommit(manager, () => this.timers.scheduleSecondStages(armed));
      return { claimed: due.length, breached: breached.length, more: due.length >= limit };
    });
  }

  /**
   * The reminder sweep: what remind() does for one deadline, for up to `limit` deadlines whose reminder fell due,
   * in one transaction. Claimed as the breach sweep claims (claimDueReminders: SKIP LOCKED, within a sweep slot);
   * each reminder marked sent and the responsible person told (once per cause and recipient). A reminder needs no
   * timer: the sweeper reads the next one from the rows, as it reads the next due deadline, so a request that makes
   * a deadline sends nothing to Redis, and reminders go out while Redis is away.
   */
  async remindDue(limit = SWEEP_BATCH): Promise<ReminderSweepOutcome> {
    return this.tx.run(async (manager) => {
      if (!(await takeSweepSlot(manager))) return { claimed: 0, reminded: 0, more: false, busy: true };
      const due = await claimDueReminders(manager, limit);
      if (!due.length) return { claimed: 0, reminded: 0, more: false };
      const marked = await markReminded(
        manager,
        due.map((d) => d.id),
      );
      const reminded = due.filter((d) => marked.has(d.id));
      await this.notifications.notifyMany(
        manager,
        reminded.map((d) => ({
          kind: 'deadline.reminder',
          caseId: d.case_id,
          title: reminderTitle(d.case_no, d.kind),
          body: reminderBody(d.case_no, d.child_name, d.kind, d.due_at),
          recipients: [responsible(deadlineOf(d), caseOf(d))],
          cause: `dl:${d.id}:remind`,
        })),
      );
      return { claimed: due.length, reminded: reminded.length, more: due.length >= limit };
    });
  }

  /** Milliseconds until the next pending deadline falls due (0: one is due now), or null when none is pending: how long a sweeper may sleep. */
  msUntilNextDue(): Promise<number | null> {
    return msUntilNextDue(this.db.manager);
  }

  /**
   * Still unmet after the second window: district leadership (domain.md §6). The district's
   * leaders are told, and district staff too (they act on it). A district without a
   * leader account still records the escalation, and its staff are told that nobody
   * above them was reached.
   */
  async secondStage(deadlineId: string): Promise<Outcome> {
    return this.locked(deadlineId, 'stage2', async (manager, c) => {
      const d = await this.deadlines.claim(manager, deadlineId, 'stage2');
      if (!d) return this.notYet(manager, deadlineId, 'stage2');
      const step = DEADLINE_LABELS[d.kind as DeadlineKind] ?? d.kind;
      const body = `${c.caseNo} ${maskName(c.child?.name ?? '')}: ${d.kind} was due ${d.dueAt.toISOString()} and is still open`;
      const cause = `dl:${d.id}:stage2`;
      const title = `${c.caseNo} ${step} 超时未办，已升级至区分管领导 (escalated to district leadership)`;
      const leadersNotified = await this.notifications.notify(manager, {
        kind: 'deadline.escalated',
        caseId: c.id,
        title,
        body,
        recipients: [{ role: Role.DistrictLeader, jurisdictionId: c.districtId }],
        cause,
      });
      await this.notifications.notify(manager, {
        kind: 'deadline.escalated',
        caseId: c.id,
        title:
          leadersNotified > 0
            ? title
            : `${c.caseNo} ${step} 超时未办，本区无可通知的分管领导账号 (escalated to district leadership, but the district has no active district leader account)`,
        body,
        recipients: [{ role: Role.DistrictStaff, jurisdictionId: c.districtId }],
        cause,
      });
      const next = await this.deadlines.nextPending(manager, c.id);
      await this.writer.recordSystemEvent(manager, c, {
        type: EventType.DeadlineEscalated,
        data: {
          deadlineId: d.id,
          kind: d.kind,
          dueAt: d.dueAt.toISOString(),
          escalatedTo: Role.DistrictLeader,
          escalationLevel: 2,
          leadersNotified,
        },
        flag: CaseFlag.Escalated,
        escalationLevel: 2,
        nextDue: next ? { dueAt: next.dueAt, kind: next.kind } : null,
      });
      return 'done';
    });
  }

  /** The row is still open but its time has not come (a timer that fired early): re-arm it. */
  private async notYet(manager: EntityManager, deadlineId: string, stage: 'remind' | 'due' | 'stage2'): Promise<Outcome> {
    const d = await this.deadlines.findById(deadlineId, manager);
    if (!d || d.closedAt) return 'noop';
    const at =
      stage === 'remind'
        ? d.status === DeadlineStatus.Pending && !d.remindedAt
          ? d.remindAt
          : null
        : stage === 'due'
          ? d.status === DeadlineStatus.Pending
            ? d.dueAt
            : null
          : d.status === DeadlineStatus.Breached && !d.secondStageDoneAt
            ? d.secondStageAt
            : null;
    if (!at || at.getTime() <= Date.now()) return 'noop';
    const name = stage === 'remind' ? JobName.DeadlineRemind : stage === 'due' ? JobName.DeadlineDue : JobName.DeadlineSecondStage;
    this.tx.afterCommit(manager, () => this.timers.rearm(name, deadlineId, stage, at));
    return 'not_due';
  }

  /**
   * The reconciler: processes every step whose time has passed (timers lost
   * with Redis, or a worker that was down), then re-creates missing timers of
   * future second stages (reminders and due steps need none: the sweeper reads
   * them from the rows). Returns what it did.
   *
   * Which timers it checks: those armed since the last pass began (RECONCILE_MARGIN_MS before it),
   * as Redis remembers that instant beside the timers; all of them when Redis does not (a first
   * pass, or Redis lost its data). A timer goes missing in two ways: its arming failed after the
   * commit (Redis away: the row's creation or breach is then recent), or Redis lost it, and the
   * instant with it. Checking every open timer each minute instead (200,000 second stages after a
   * busy day) held the worker and Redis for seconds of every minute, and deadlines fell due late.
   */
  async reconcile(graceMs = 2000): Promise<{ processed: number; rescheduled: number; checked: number; full: boolean }> {
    let processed = 0;
    const late = await this.deadlines.late(graceMs);
    // Late reminders first (a reminder whose deadline is breached is never sent), then every due deadline, both by the sweeps, then second stages.
    if (late.some((t) => t.stage === 'remind'))
      processed += await drain(
        () => this.remindDue(),
        (o) => o.reminded,
      );
    if (late.some((t) => t.stage === 'due'))
      processed += await drain(
        () => this.breachDue(),
        (o) => o.breached,
      );
    for (const { id } of late.filter((t) => t.stage === 'stage2')) if ((await this.secondStage(id)) === 'done') processed += 1;
    let rescheduled = 0;
    const [{ began }] = await this.db.query<{ began: Date }[]>('SELECT now() AS began');
    const last = await this.timers.reconciledAt();
    const since = last ? new Date(last.getTime() - RECONCILE_MARGIN_MS) : undefined;
    const checked = await this.deadlines.upcomingPages(since, RECONCILE_PAGE, async (page) => {
      const outside = parseUpcomingSteps(await this.timers.secondStagesNotDelayed(page.steps));
      if (!outside.length) return;
      const jobIds = outside.map((t) => deadlineJobId(t.deadlineId, 'stage2'));
      const present = await this.timers.queuedOutsideDelayed(jobIds);
      // A page's missing timers in a few round trips (one by one, 12,000 timers lost with a FLUSHALL took over a minute: the fault campaign).
      const missing = outside.filter((_, i) => !present.has(jobIds[i]));
      await this.timers.restore(missing.map((t) => ({ name: JobName.DeadlineSecondStage, deadlineId: t.deadlineId, stage: 'stage2' as const, at: t.at })));
      rescheduled += missing.length;
    });
    await this.timers.markReconciled(began);
    if (processed || rescheduled) this.logger.log(`reconciler: processed ${processed} late step(s), re-created ${rescheduled} timer(s)`);
    return { processed, rescheduled, checked, full: last === null };
  }
}
