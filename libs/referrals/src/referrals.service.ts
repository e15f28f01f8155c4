import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, Role } from '@shouhu/access';
import { CaseAction, caseScope, CaseWriter } from '@shouhu/cases';
import type { Case, LifecycleChange } from '@shouhu/cases';
import { decodeCursor as decodeKeyset, encodeCursor as encodeKeyset, isCursorId, isCursorInstant, TransactionRunner } from '@shouhu/database';
import { SLA_CALCULATOR, SlaCalculator } from '@shouhu/deadlines';
import { DomainError } from '@shouhu/errors';
import { NotificationService } from '@shouhu/notifications';
import { AgencyService } from '@shouhu/org';
import { AuditService, EventType } from '@shouhu/timeline';
import { ReferralStatus, ReferralStep, REFERRAL_FLOW, stepAllowed } from './domain';
import type { CreateReferralDto, ListReferralsQuery, ReferralCompletionDto, ReferralResponseDto, ReferralRevocationDto } from './dto/referral.dto';
import type { Referral } from './entities/referral.entity';
import { ReferralErrors } from './referrals.errors';
import { ReferralReach, ReferralRepository, ReferralRow } from './referral.repository';
import { referralDetail, ReferralDetailView, ReferralListView, referralView, ReferralView } from './referral.views';

/** What a liaison's read of a referral shows of the child (the access log names it, as the cases do). */
export const REFERRAL_IDENTITY_FIELDS = ['child.name', 'child.age', 'child.sex'];

/**
 * 协同办理 (domain.md §11): a supervisor or district staff refers a measure or a need of a
 * case to an agency; the agency's liaison accepts or declines it, then completes it; the
 * caseworker may revoke it while it is open. Every step locks the case (as every case write
 * does), is an event on its timeline and moves the referral's deadlines in the same transaction.
 *
 * A liaison has no case scope at all: it reaches a referral through its agency only, and a
 * referral of another agency is as unknown as one that does not exist (404).
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly referrals: ReferralRepository,
    private readonly writer: CaseWriter,
    private readonly agencies: AgencyService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly tx: TransactionRunner,
    @Inject(SLA_CALCULATOR) private readonly sla: SlaCalculator,
  ) {}

  /** Which referrals the caller reaches: a liaison its agency's, everyone else those of cases in its scope. */
  private reach(actor: Actor, action: 'read' | 'update' = 'read'): ReferralReach {
    if (actor.role === Role.AgencyLiaison) return { agencyId: actor.agencyId ?? '00000000-0000-0000-0000-000000000000' };
    return { caseScope: caseScope(actor, action) };
  }

  async create(actor: Actor, caseId: string, dto: CreateReferralDto): Promise<ReferralView> {
    const now = new Date();
    const dueAt = dto.dueAt !== undefined ? new Date(dto.dueAt) : undefined;
    if (dueAt && dueAt.getTime() <= now.getTime()) throw DomainError.validation('dueAt', 'must be in the future');
    let id = '';
    await this.writer.write(actor, caseId, async (ctx) => {
      const { manager, c } = ctx;
      this.writer.judge(ctx, CaseAction.Refer);
      const agency = await this.agencies.find(dto.agencyId, manager);
      // Another district's agency is as unknown to this case as one that does not exist.
      if (!agency || agency.districtId !== c.districtId) throw ReferralErrors.agencyUnusable('is not an agency of the case’s district');
      if (!agency.active) throw ReferralErrors.agencyUnusable('is an agency that is no longer active');
      if (dto.measureId && !(await this.referrals.measureOfCase(manager, c.id, dto.measureId))) throw ReferralErrors.measureNotOfCase();
      const due = this.sla.referralDue(c.riskLevel, now, dueAt);
      const r = await this.referrals.insert(manager, {
        caseId: c.id,
        agencyId: agency.id,
        service: dto.service,
        note: dto.note,
        measureId: dto.measureId ?? null,
        status: ReferralStatus.Pending,
        respondBy: due.respondBy.dueAt,
        dueAt: due.dueAt,
        createdById: actor.id,
      });
      id = r.id;
      // Ids, kind and times only: the service and note are free text and may name the child.
      await this.writer.event(manager, c, actor, EventType.ReferralCreated, {
        data: {
          referralId: r.id,
          agencyId: agency.id,
          agencyKind: agency.kind,
          measureId: r.measureId ?? undefined,
          respondBy: r.respondBy.toISOString(),
          dueAt: r.dueAt.toISOString(),
        },
      });
      await this.follow(manager, c, actor, { kind: 'referral_created', referralId: r.id, agencyId: agency.id, respondBy: r.respondBy });
      await this.notifications.notify(manager, {
        kind: 'referral.created',
        caseId: c.id,
        title: `${c.caseNo} 新的转介，请于 ${r.respondBy.toISOString()} 前答复 (a new referral: accept or decline by then)`,
        body: `${c.caseNo}: 请在协同单位收件箱中查看并答复 (open it in your agency’s inbox and answer).`,
        recipients: [{ agencyId: agency.id }],
        cause: `referral:${r.id}:created`,
      });
    });
    return this.view(actor, id);
  }

  async list(actor: Actor, query: ListReferralsQuery): Promise<ReferralListView> {
    const limit = query.limit ?? 50;
    const rows = await this.referrals.list(
      this.reach(actor),
      { status: query.status, caseId: query.caseId, before: query.cursor ? decodeCursor(query.cursor) : undefined },
      limit,
    );
    const page = rows.slice(0, limit);
    const now = new Date();
    const last = page[page.length - 1];
    return {
      items: page.map((r) => referralView(r, now)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.referral) : null,
    };
  }

  /** The referral and the need-to-know view of its case; the read of the child's name is logged. */
  async get(actor: Actor, id: string): Promise<ReferralDetailView> {
    const row = await this.referrals.findWithin(id, this.reach(actor));
    if (!row) throw ReferralErrors.notFound();
    await this.audit.recordAccess({
      at: new Date(),
      actorId: actor.id,
      actorRole: actor.role,
      caseId: row.referral.caseId,
      districtId: row.caseDistrictId,
      fields: REFERRAL_IDENTITY_FIELDS,
    });
    return referralDetail(row);
  }

  /** The liaison accepts (the completion deadline starts) or declines with a reason. */
  async respond(actor: Actor, id: string, dto: ReferralResponseDto): Promise<ReferralView> {
    const step = dto.decision === 'accept' ? ReferralStep.Accept : ReferralStep.Decline;
    await this.asLiaison(actor, id, step, async (manager, c, r) => {
      const now = new Date();
      const accepted = step === ReferralStep.Accept;
      await this.referrals.update(manager, r.id, {
        status: REFERRAL_FLOW[step].to,
        respondedAt: now,
        respondedById: actor.id,
        declineReason: accepted ? null : dto.reason,
      });
      await this.writer.event(manager, c, actor, accepted ? EventType.ReferralAccepted : EventType.ReferralDeclined, {
        data: { referralId: r.id, agencyId: r.agencyId, ...(accepted ? { dueAt: r.dueAt.toISOString() } : {}) },
      });
      await this.follow(
        manager,
        c,
        actor,
        accepted ? { kind: 'referral_accepted', referralId: r.id, dueAt: r.dueAt } : { kind: 'referral_closed', referralId: r.id, outcome: 'declined' },
      );
      await this.tellCaseworker(manager, c, r, accepted ? 'accepted' : 'declined');
    });
    return this.view(actor, id);
  }

  async complete(actor: Actor, id: string, dto: ReferralCompletionDto): Promise<ReferralView> {
    await this.asLiaison(actor, id, ReferralStep.Complete, async (manager, c, r) => {
      await this.referrals.update(manager, r.id, { status: ReferralStatus.Done, completedAt: new Date(), completedById: actor.id, outcome: dto.outcome });
      await this.writer.event(manager, c, actor, EventType.ReferralCompleted, { data: { referralId: r.id, agencyId: r.agencyId } });
      await this.follow(manager, c, actor, { kind: 'referral_closed', referralId: r.id, outcome: 'done' });
      await this.tellCaseworker(manager, c, r, 'done');
    });
    return this.view(actor, id);
  }

  /** The caseworker withdraws a referral still pending or accepted. */
  async revoke(actor: Actor, id: string, dto: ReferralRevocationDto): Promise<ReferralView> {
    const found = await this.referrals.findWithin(id, this.reach(actor, 'update'));
    if (!found) throw ReferralErrors.notFound();
    await this.writer.write(
      actor,
      found.referral.caseId,
      async (ctx) => {
        const { manager, c } = ctx;
        this.writer.judge(ctx, CaseAction.RevokeReferral);
        const r = await this.referrals.lock(manager, id);
        if (!r) throw ReferralErrors.notFound();
        if (!stepAllowed(ReferralStep.Revoke, r.status)) throw ReferralErrors.invalidState(ReferralStep.Revoke, r.status);
        await this.referrals.update(manager, r.id, { status: ReferralStatus.Revoked, revokedAt: new Date(), revokedById: actor.id, revokeReason: dto.reason });
        await this.writer.event(manager, c, actor, EventType.ReferralRevoked, { data: { referralId: r.id, agencyId: r.agencyId, from: r.status } });
        await this.follow(manager, c, actor, { kind: 'referral_closed', referralId: r.id, outcome: 'revoked' });
        await this.notifications.notify(manager, {
          kind: 'referral.revoked',
          caseId: c.id,
          title: `${c.caseNo} 转介已撤回 (the referral was revoked)`,
          body: `${c.caseNo}: 个案工作人员撤回了该转介，无需再办理 (the caseworker withdrew it: nothing more to do).`,
          recipients: [{ agencyId: r.agencyId }],
          cause: `referral:${r.id}:revoked`,
        });
      },
      ReferralErrors.notFound,
    );
    return this.view(actor, id);
  }

  /**
   * A liaison's step: the referral must be its agency's (404 otherwise), and in a state the
   * step allows (409). The case is locked first (as every case write does), then the referral.
   */
  private async asLiaison(actor: Actor, id: string, step: ReferralStep, work: (manager: EntityManager, c: Case, r: Referral) => Promise<void>): Promise<void> {
    const found = await this.referrals.findWithin(id, this.reach(actor));
    if (!found) throw ReferralErrors.notFound();
    await this.tx.run(async (manager) => {
      const c = await this.writer.lockForSystem(manager, found.referral.caseId);
      const r = await this.referrals.lock(manager, id);
      if (!c || !r || r.agencyId !== actor.agencyId) throw ReferralErrors.notFound();
      if (!stepAllowed(step, r.status)) throw ReferralErrors.invalidState(step, r.status);
      await work(manager, c, r);
    });
  }

  private follow(manager: EntityManager, c: Case, actor: Actor, change: LifecycleChange): Promise<void> {
    return this.writer.follow({ manager, caseRow: c, actor, change });
  }

  /** Who referred it hears of the agency's answer and of its completion. */
  private async tellCaseworker(manager: EntityManager, c: Case, r: Referral, what: 'accepted' | 'declined' | 'done'): Promise<void> {
    const label = { accepted: '已接收 accepted', declined: '被拒绝 declined', done: '已办结 completed' }[what];
    await this.notifications.notify(manager, {
      kind: `referral.${what}`,
      caseId: c.id,
      title: `${c.caseNo} 转介${label}`,
      body: `${c.caseNo}: 协同单位答复了转介 (the agency answered the referral): ${what}.`,
      recipients: [{ userId: r.createdById }],
      cause: `referral:${r.id}:${what}`,
    });
  }

  private async view(actor: Actor, id: string): Promise<ReferralView> {
    const row = (await this.referrals.findWithin(id, this.reach(actor))) as ReferralRow;
    return referralView(row);
  }
}

/** Keyset cursor of the list: the last row's (createdAt, id). */
function encodeCursor(r: Referral): string {
  return encodeKeyset({ t: r.createdAt.toISOString(), id: r.id });
}

function decodeCursor(raw: string): { at: string; id: string } {
  const c = decodeKeyset(raw);
  if (c !== null && isCursorId(c.id) && isCursorInstant(c.t)) return { at: c.t, id: c.id };
  throw ReferralErrors.badCursor();
}
