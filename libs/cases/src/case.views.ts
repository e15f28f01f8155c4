import { Actor, maskName, Role } from '@shouhu/access';
import { ageInYears } from './dto/validators';
import { ApprovalStatus, CaseStatus, NO_DEADLINE, STATUS_LABELS } from './domain';
import type { Approval } from './entities/approval.entity';
import type { Assessment } from './entities/assessment.entity';
import type { Case } from './entities/case.entity';
import type { Child } from './entities/child.entity';
import type { Measure } from './entities/measure.entity';
import type { Note } from './entities/note.entity';
import type { Report } from './entities/report.entity';
import type { Visit } from './entities/visit.entity';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export interface CaseSummaryView {
  id: string;
  caseNo: string;
  status: CaseStatus;
  statusLabel: string;
  riskLevel: string;
  categories: string[];
  mandatoryItems: number[];
  communityId: string;
  streetId: string;
  districtId: string;
  childDisplayName: string;
  childAgeYears: number;
  childSex: string;
  assigneeId: string | null;
  reportedAt: string;
  nextDeadline: { kind: string; dueAt: string; overdue: boolean } | null;
  escalationLevel: number;
  flags: string[];
  version: number;
}

/** What a case summary is made of: these case fields and the child's name, sex and birth date. */
export type SummarySource = Pick<
  Case,
  'id' | 'caseNo' | 'status' | 'riskLevel' | 'categories' | 'mandatoryItems' | 'communityId' | 'streetId' | 'districtId' | 'assigneeId' | 'reportedAt' | 'nextDueAt' | 'nextDueKind' | 'escalationLevel' | 'flags' | 'version'
> & { child?: Pick<Child, 'name' | 'sex' | 'birthDate'> };

export function caseSummary(c: SummarySource, now = new Date()): CaseSummaryView {
  const child = c.child as Pick<Child, 'name' | 'sex' | 'birthDate'>;
  const hasDeadline = c.nextDueAt.getTime() < NO_DEADLINE.getTime();
  return {
    id: c.id,
    caseNo: c.caseNo,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
    riskLevel: c.riskLevel,
    categories: c.categories,
    mandatoryItems: c.mandatoryItems,
    communityId: c.communityId,
    streetId: c.streetId,
    districtId: c.districtId,
    childDisplayName: maskName(child.name),
    childAgeYears: ageInYears(child.birthDate, now),
    childSex: child.sex,
    assigneeId: c.assigneeId,
    reportedAt: c.reportedAt.toISOString(),
    nextDeadline: hasDeadline ? { kind: c.nextDueKind ?? 'deadline', dueAt: c.nextDueAt.toISOString(), overdue: c.nextDueAt.getTime() < now.getTime() } : null,
    escalationLevel: c.escalationLevel,
    flags: c.flags,
    version: c.version,
  };
}

/** Who may see a report's reporter: its filer, the street supervisor and district staff (domain.md §2). */
export function mayseeReporter(actor: Actor, report: Report): boolean {
  return actor.role === Role.StreetSupervisor || actor.role === Role.DistrictStaff || report.filedById === actor.id;
}

export function reportView(actor: Actor, r: Report) {
  const visible = mayseeReporter(actor, r);
  return {
    id: r.id,
    reporterType: r.reporterType,
    anonymous: r.anonymous,
    reporter: r.anonymous ? null : visible ? { name: r.reporterName, org: r.reporterOrg, phone: r.reporterPhone } : 'confidential',
    discoveredAt: r.discoveredAt.toISOString(),
    location: r.location,
    narrative: r.narrative,
    categories: r.categories,
    mandatoryItems: r.mandatoryItems,
    riskEstimate: r.riskEstimate,
    linked: r.linked,
    filedById: r.filedById,
    filedAt: r.filedAt.toISOString(),
  };
}

export const assessmentView = (a: Assessment) => ({
  id: a.id,
  safety: a.safety,
  guardianship: a.guardianship,
  wellbeing: a.wellbeing,
  riskLevel: a.riskLevel,
  summary: a.summary,
  assessedById: a.assessedById,
  assessedAt: a.assessedAt.toISOString(),
});

export const measureView = (m: Measure) => ({
  id: m.id,
  type: m.type,
  status: m.status,
  ownerId: m.ownerId,
  agency: m.agency,
  dueAt: m.dueAt.toISOString(),
  note: m.note,
  outcome: m.outcome,
  createdById: m.createdById,
  createdAt: m.createdAt.toISOString(),
  completedAt: iso(m.completedAt),
});

export const visitView = (v: Visit) => ({
  id: v.id,
  visitedAt: v.visitedAt.toISOString(),
  riskLevel: v.riskLevel,
  outcome: v.outcome,
  notes: v.notes,
  visitorId: v.visitorId,
  createdAt: v.createdAt.toISOString(),
});

export const noteView = (n: Note) => ({ id: n.id, text: n.text, authorId: n.authorId, createdAt: n.createdAt.toISOString() });

export const approvalView = (a: Approval) => ({
  id: a.id,
  caseId: a.caseId,
  kind: a.kind,
  status: a.status,
  decidedByRole: a.decidedByRole,
  payload: a.payload,
  requestedById: a.requestedById,
  requestedAt: a.requestedAt.toISOString(),
  decidedById: a.decidedById,
  decidedAt: iso(a.decidedAt),
  decisionReason: a.decisionReason,
});

export interface DetailParts {
  idNumber: string | null;
  reports: Report[];
  assessments: Assessment[];
  measures: Measure[];
  visits: Visit[];
  notes: Note[];
  approvals: Approval[];
  allowedActions: string[];
  deadlines: unknown[];
  /** Cases of the same child elsewhere, already narrowed to those the reader's scope covers. */
  relatedCaseIds: string[];
}

export function caseDetail(actor: Actor, c: Case & { child?: Child }, parts: DetailParts) {
  const child = c.child as Child;
  const assessment = parts.assessments.length ? parts.assessments[parts.assessments.length - 1] : null;
  return {
    ...caseSummary(c),
    child: {
      name: child.name,
      sex: child.sex,
      birthDate: child.birthDate,
      idNumber: parts.idNumber,
      address: child.address,
      school: child.school,
    },
    reports: parts.reports.map((r) => reportView(actor, r)),
    assessment: assessment ? assessmentView(assessment) : null,
    assessments: parts.assessments.map(assessmentView),
    measures: parts.measures.map(measureView),
    visits: parts.visits.map(visitView),
    notes: parts.notes.map(noteView),
    approvals: parts.approvals.map(approvalView),
    pendingApproval: parts.approvals.filter((a) => a.status === ApprovalStatus.Pending).map(approvalView)[0] ?? null,
    deadlines: parts.deadlines,
    police: {
      reportedAt: iso(c.policeReportedAt),
      receiptNo: c.policeReceiptNo,
      notReportedReason: c.policeNotReportedReason,
      feedbackAt: iso(c.policeFeedbackAt),
      feedback: c.policeFeedback,
    },
    relatedCaseIds: parts.relatedCaseIds,
    closure: c.status === CaseStatus.Closed ? { kind: c.closureKind, reason: c.closureReason, note: c.closureNote, closedAt: iso(c.closedAt), mergedIntoId: c.mergedIntoId } : null,
    acceptedAt: iso(c.acceptedAt),
    assessedAt: iso(c.assessedAt),
    interventionStartedAt: iso(c.interventionStartedAt),
    followUpStartedAt: iso(c.followUpStartedAt),
    createdById: c.createdById,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    allowedActions: parts.allowedActions,
  };
}

export type CaseDetailView = ReturnType<typeof caseDetail>;
