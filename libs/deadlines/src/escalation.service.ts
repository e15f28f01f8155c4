import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { maskName, Role } from '@shouhu/access';
import { Case, CaseFlag, CaseWriter, Child } from '@shouhu/cases';
import { TransactionRunner } from '@shouhu/database';
import { deadlineJobId, JobName } from '@shouhu/jobs';
import { NotificationService, Recipient } from '@shouhu/notifications';
import { EventType } from '@shouhu/timeline';
import { DeadlineRepository } from './deadline.repository';
import { nextLevel } from './deadline-rules';
import { SLA_CALCULATOR } from './deadline.service';
import { BullDeadlineTimers } from './deadline-timers';
import { Deadline, DeadlineStatus } from './entities/deadline.entity';
import { DEADLINE_LABELS, DeadlineKind, SlaCalculator } from './policy';

export type Outcome = 'done' | 'noop' | 'not_due';

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
  ) {}

  /** The step runs with the case locked; `before` is the deadline as read before the lock (its window never changes). */
  private async locked(
    deadlineId: string,
    step: (manager: EntityManager, c: Case & { child?: Child }, before: Deadline) => Promise<Outcome>,
  ): Promise<Outcome> {
    const d = await this.deadlines.findById(deadlineId);
    if (!d) return 'noop';
    return this.tx.run(async (manager) => {
      // Lock order case → deadline, the same as every case write.
      const c = await this.writer.lockForSystem(manager, d.caseId);
      if (!c) return 'noop';
      return step(manager, c, d);
    });
  }

  async remind(deadlineId: string): Promise<Outcome> {
    return this.locked(deadlineId, async (manager, c) => {
      const d = await this.deadlines.claim(manager, deadlineId, 'remind');
      if (!d) return this.notYet(manager, deadlineId, 'remind');
      await this.notifications.notify(manager, {
        kind: 'deadline.reminder',
        caseId: c.id,
        title: `${c.caseNo} ${DEADLINE_LABELS[d.kind as DeadlineKind] ?? d.kind} 即将到期 (due soon)`,
        body: `${c.caseNo} ${maskName(c.child?.name ?? '')}: ${d.kind} due ${d.dueAt.toISOString()}`,
        recipients: [responsible(d, c)],
        cause: `dl:${d.id}:remind`,
      });
      return 'done';
    });
  }

  async breach(deadlineId: string): Promise<Outcome> {
    return this.locked(deadlineId, async (manager, c, before) => {
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
   * Still unmet after the second window: district leadership (domain.md §6). The district's
   * leaders are told, and district staff too (they act on it). A district without a
   * leader account still records the escalation, and its staff are told that nobody
   * above them was reached.
   */
  async secondStage(deadlineId: string): Promise<Outcome> {
    return this.locked(deadlineId, async (manager, c) => {
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
   * future steps. Returns what it did.
   */
  async reconcile(graceMs = 2000): Promise<{ processed: number; rescheduled: number }> {
    let processed = 0;
    const late = await this.deadlines.late(graceMs);
    for (const { id, stage } of late) {
      const outcome = stage === 'remind' ? await this.remind(id) : stage === 'due' ? await this.breach(id) : await this.secondStage(id);
      if (outcome === 'done') processed += 1;
    }
    let rescheduled = 0;
    const upcoming = await this.deadlines.upcoming();
    for (let i = 0; i < upcoming.length; i += 200) {
      const batch = upcoming.slice(i, i + 200);
      const ids = batch.map((t) => deadlineJobId(t.id, t.stage));
      const present = await this.timers.existing(ids);
      for (const t of batch) {
        if (present.has(deadlineJobId(t.id, t.stage))) continue;
        const name = t.stage === 'remind' ? JobName.DeadlineRemind : t.stage === 'due' ? JobName.DeadlineDue : JobName.DeadlineSecondStage;
        await this.timers.replace(name, t.id, t.stage, t.at);
        rescheduled += 1;
      }
    }
    if (processed || rescheduled) this.logger.log(`reconciler: processed ${processed} late step(s), re-created ${rescheduled} timer(s)`);
    return { processed, rescheduled };
  }
}
