import { Inject, Injectable } from '@nestjs/common';
import { Actor, FieldCipher, Role } from '@shouhu/access';
import { AccessLog, AuditService } from '@shouhu/timeline';
import { ApprovalRepository } from './approval.repository';
import { encodeCursor } from './case-list';
import { CaseRecordRepository } from './case-record.repository';
import { caseScope } from './case-scope';
import { CaseRepository } from './case.repository';
import { caseDetail, CaseDetailView, CaseListView } from './case.views';
import { CaseErrors } from './cases.errors';
import { ApprovalKind, ApprovalStatus, CaseStatus, MeasureStatus, OPEN_MEASURE_STATUSES } from './domain';
import type { ListCasesQuery } from './dto/case.dto';
import type { Approval } from './entities/approval.entity';
import type { Assessment } from './entities/assessment.entity';
import type { Case } from './entities/case.entity';
import type { Child } from './entities/child.entity';
import type { Guardian } from './entities/guardian.entity';
import type { Measure } from './entities/measure.entity';
import type { Report } from './entities/report.entity';
import { FIELD_CIPHER } from './field-cipher.provider';
import { GuardianRepository } from './guardian.repository';
import { CASE_LIFECYCLE_HOOKS, CaseDeadline, CaseLifecycleHooks } from './lifecycle-hooks';
import { actionsFor, CaseAction } from './workflow';

/**
 * The reads: the queue, a case's detail with what the caller may do next, and the
 * access log of every read that shows a child's or a reporter's identity.
 */
@Injectable()
export class CaseQueriesService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly records: CaseRecordRepository,
    private readonly approvals: ApprovalRepository,
    private readonly guardians: GuardianRepository,
    private readonly audit: AuditService,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(CASE_LIFECYCLE_HOOKS) private readonly hooks: CaseLifecycleHooks,
  ) {}

  /** The queue page (CaseListView) for callers inside the api: the seeders. */
  async list(actor: Actor, query: ListCasesQuery): Promise<CaseListView> {
    return JSON.parse(await this.listJson(actor, query)) as CaseListView;
  }

  /**
   * The queue page as the JSON text of a CaseListView: PostgreSQL renders the items
   * (CaseRepository.listSql), and the cursor is made from the last one's fields.
   */
  async listJson(actor: Actor, query: ListCasesQuery): Promise<string> {
    const limit = query.limit ?? 50;
    const { page, sort } = await this.cases.listPage(caseScope(actor), query, actor.id, limit, new Date());
    // An item the SQL rendered as null would be missing from the page, silently: never served.
    if (page.broken) throw new Error('a queue item was rendered as null');
    const nextCursor = page.fetched > limit && page.last ? encodeCursor(sort, page.last) : null;
    return `{"items":[${page.items ?? ''}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }

  /** 404 unless the case exists in the caller's scope (for routes that read beside the case). */
  async assertInScope(actor: Actor, id: string): Promise<void> {
    const c = await this.cases.findInScope(id, caseScope(actor));
    if (!c) throw CaseErrors.notFound();
  }

  async get(actor: Actor, id: string): Promise<CaseDetailView> {
    const c = await this.cases.findInScope(id, caseScope(actor));
    if (!c) throw CaseErrors.notFound();
    return this.detailOf(actor, c);
  }

  /** The full detail; every time it shows a child's identity or a reporter's, the read is logged. */
  private async detailOf(actor: Actor, c: Case & { child?: Child }): Promise<CaseDetailView> {
    const [records, approvals, guardians, evidence] = await Promise.all([
      this.records.ofCase(c.id),
      this.approvals.ofCase(c.id),
      this.guardians.ofCase(c.id),
      this.records.countEvidence(c.id),
    ]);
    const parts = { ...records, approvals, guardians, evidence };
    const deadlines = await this.hooks.deadlinesOf(c.id);
    // A related case is shown only to a reader whose scope covers it too.
    const relatedCaseIds = await this.cases.idsWithin(c.relatedCaseIds ?? [], caseScope(actor));
    const child = c.child as Child;
    const detail = caseDetail(actor, c, {
      ...parts,
      relatedCaseIds,
      idNumber: child.idNumberCipher ? this.cipher.decrypt(child.idNumberCipher) : null,
      guardianIdNumbers: new Map(guardians.map((g) => [g.id, g.idNumberCipher ? this.cipher.decrypt(g.idNumberCipher) : null])),
      allowedActions: this.allowedActions(actor, c, parts),
      deadlines,
    });
    await this.audit.recordAccess(accessEntry(actor, c, detail, new Date()));
    return detail;
  }

  /**
   * The detail of a case being filed, built from the rows the filing writes (nothing is read
   * back): one report, its deadlines, no other record. With it, the access-log entry the
   * filing writes in the same statement, as detailOf logs every read of a detail.
   */
  filedDetail(
    actor: Actor,
    c: Case & { child: Child },
    report: Report,
    deadlines: CaseDeadline[],
    idNumber: string | null,
    now: Date,
  ): { detail: CaseDetailView; access: Omit<AccessLog, 'id'> } {
    const parts = {
      reports: [report],
      assessments: [],
      measures: [],
      visits: [],
      notes: [],
      outcomeFeedback: [],
      approvals: [],
      guardians: [],
      evidence: 0,
      openReferrals: 0,
    };
    const detail = caseDetail(actor, c, {
      ...parts,
      relatedCaseIds: [],
      idNumber,
      guardianIdNumbers: new Map(),
      allowedActions: this.allowedActions(actor, c, parts),
      deadlines,
    });
    return { detail, access: accessEntry(actor, c, detail, now) };
  }

  /** What this caller may do now: the workflow table, then the case's own state of affairs. */
  allowedActions(
    actor: Actor,
    c: Case,
    parts: { measures: Measure[]; approvals: Approval[]; assessments: Assessment[]; guardians: Guardian[]; evidence: number; openReferrals: number },
  ): CaseAction[] {
    const pendingAll = parts.approvals.filter((a) => a.status === ApprovalStatus.Pending);
    // A measure's decision holds up neither the plan nor a closure request.
    const pending = pendingAll.find((a) => a.kind !== ApprovalKind.Measure);
    const planned = parts.measures.filter((m) => m.status === MeasureStatus.Planned);
    const open = parts.measures.filter((m) => OPEN_MEASURE_STATUSES.includes(m.status));
    return actionsFor(c.status, actor.role).filter((action) => {
      switch (action) {
        case CaseAction.StartIntervention:
          return !pending && parts.assessments.length > 0 && planned.length > 0;
        case CaseAction.BeginFollowUp:
          return open.length === 0;
        case CaseAction.RequestClosure:
          // In follow-up with nothing open (risk_resolved, other); elsewhere only turned_18 or moved_away apply.
          return !pending && (c.status !== CaseStatus.FollowUp || open.length === 0);
        case CaseAction.CloseUnsubstantiated:
          return parts.evidence > 0;
        case CaseAction.DecideApproval:
          return pendingAll.some((p) => p.requestedById !== actor.id && (actor.role === p.decidedByRole || actor.role === Role.DistrictStaff));
        case CaseAction.UpdateMeasure:
          return actor.role === Role.CommunityDirector ? planned.some((m) => m.ownerId === actor.id) : planned.length > 0;
        case CaseAction.UpdateGuardian:
          return parts.guardians.length > 0;
        case CaseAction.Accept:
          // An unlocated report is routed (transfer) before anyone can accept it.
          return c.communityId !== null;
        // The workflow table's word is the whole answer for these.
        case CaseAction.Submit:
        case CaseAction.Return:
        case CaseAction.Reopen:
        case CaseAction.Transfer:
        case CaseAction.Merge:
        case CaseAction.Escalate:
        case CaseAction.RecordAssessment:
        case CaseAction.AddMeasure:
        case CaseAction.AddVisit:
        case CaseAction.AddNote:
        case CaseAction.AddReport:
        case CaseAction.RecordPolice:
        case CaseAction.RecordOutcomeFeedback:
        case CaseAction.AddGuardian:
        case CaseAction.Refer:
          return true;
        case CaseAction.RevokeReferral:
          return parts.openReferrals > 0;
      }
    });
  }
}

/** The access-log entry of a detail: which identities it showed (domain.md §9). */
function accessEntry(actor: Actor, c: Pick<Case, 'id' | 'districtId'>, detail: CaseDetailView, at: Date): Omit<AccessLog, 'id'> {
  const fields = ['child.name', 'child.birthDate'];
  if (detail.child.idNumber) fields.push('child.idNumber');
  if (detail.child.address) fields.push('child.address');
  if (detail.child.school) fields.push('child.school');
  // Guardians' identity follows the child's rules (domain.md §9): logged whenever the detail shows any.
  if (detail.guardians.length) fields.push('guardians');
  if (detail.reports.some((r) => r.reporter !== null && r.reporter !== 'confidential')) fields.push('reports.reporter');
  // Where it happened, as told (an unlocated report's only place): read like the child's address.
  if (detail.reports.some((r) => r.location)) fields.push('reports.location');
  return { at, actorId: actor.id, actorRole: actor.role, caseId: c.id, districtId: c.districtId, fields };
}
