import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Actor, maskName, Role } from '@shouhu/access';
import { ageInYears } from './dto/validators';
import {
  ApprovalKind,
  ApprovalStatus,
  CaseFlag,
  CaseStatus,
  CATEGORY_CODES,
  ClosureCondition,
  ClosureKind,
  FeedbackChannel,
  GuardianRelation,
  MeasureStatus,
  MeasureType,
  NO_DEADLINE,
  PlacementDecision,
  ReporterType,
  RISK_LEVELS,
  RiskLevel,
  Sex,
  STATUS_LABELS,
  VisitKind,
} from './domain';
import type { Approval } from './entities/approval.entity';
import type { Assessment } from './entities/assessment.entity';
import type { Case } from './entities/case.entity';
import type { Child } from './entities/child.entity';
import type { Guardian } from './entities/guardian.entity';
import type { Measure } from './entities/measure.entity';
import type { Note } from './entities/note.entity';
import type { Report } from './entities/report.entity';
import type { OutcomeFeedback } from './entities/outcome-feedback.entity';
import type { Visit } from './entities/visit.entity';
import { closureConditions, closureFactsOf, riskFloor } from './statutory-rules';
import type { CaseDeadline } from './lifecycle-hooks';
import { CaseAction } from './workflow';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** An enum that may be null, as OpenAPI 3.0 says it: a type, null among the values, nullable. */
const nullableEnum = (values: readonly string[], description: string) => ({ type: 'string', enum: [...values, null], nullable: true, description }) as const;

/** One deadline of a case (the deadlines domain answers these: its DeadlineView schema). */
export const DEADLINE_VIEW_SCHEMA = 'DeadlineView';

export class NextDeadlineView {
  @ApiProperty({ example: 'accept_report', description: 'the deadline kind (DeadlineView.kind)' }) kind: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T09:30:00.000Z' }) dueAt: string;
  @ApiProperty({ description: 'dueAt has passed' }) overdue: boolean;
}

/** A case in a list (the triage queue): no identity beyond a masked name, an age and a sex. */
export class CaseSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'BA-2026-000123' }) caseNo: string;
  @ApiProperty({ enum: CaseStatus, enumName: 'CaseStatus' }) status: CaseStatus;
  @ApiProperty({ example: '已受理·核实评估', description: 'the status in Chinese' }) statusLabel: string;
  @ApiProperty({ enum: RiskLevel, enumName: 'RiskLevel' }) riskLevel: RiskLevel;
  @ApiProperty({ enum: CATEGORY_CODES, enumName: 'CategoryCode', isArray: true, example: ['V01', 'N02'] }) categories: string[];
  @ApiProperty({ type: 'integer', isArray: true, example: [4], description: '强制报告意见 Art.4 items 1–9' }) mandatoryItems: number[];
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null while the case is unlocated (a hotline report district staff have not routed yet)',
  })
  communityId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null exactly when communityId is' }) streetId: string | null;
  @ApiProperty({ format: 'uuid' }) districtId: string;
  @ApiProperty({ example: '张*明', description: 'the child’s name, masked' }) childDisplayName: string;
  @ApiProperty({ type: 'integer', example: 11 }) childAgeYears: number;
  @ApiProperty({ enum: Sex, enumName: 'Sex' }) childSex: Sex;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty({ format: 'date-time' }) reportedAt: string;
  @ApiProperty({ type: NextDeadlineView, nullable: true, description: 'the earliest pending deadline' }) nextDeadline: NextDeadlineView | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 before any breach; 1 one level up; 2 the district' }) escalationLevel: number;
  @ApiProperty({ enum: CaseFlag, enumName: 'CaseFlag', isArray: true }) flags: string[];
  @ApiProperty({ type: 'integer', minimum: 1, description: 'send it back with a transition (409 STALE_VERSION when someone changed the case first)' })
  version: number;
}

/** What a case summary is made of: these case fields and the child's name, sex and birth date. */
export type SummarySource = Pick<
  Case,
  | 'id'
  | 'caseNo'
  | 'status'
  | 'riskLevel'
  | 'categories'
  | 'mandatoryItems'
  | 'communityId'
  | 'streetId'
  | 'districtId'
  | 'assigneeId'
  | 'reportedAt'
  | 'nextDueAt'
  | 'nextDueKind'
  | 'escalationLevel'
  | 'flags'
  | 'version'
> & { child?: Pick<Child, 'name' | 'sex' | 'birthDate'> };

/** A case's summary, as the detail shows it. The queue's rows are rendered the same way by PostgreSQL (CaseRepository.listSql). */
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

export class ReporterView {
  @ApiProperty({ type: String, nullable: true, example: '李老师' }) name: string | null;
  @ApiProperty({ type: String, nullable: true, example: '新安小学' }) org: string | null;
  @ApiProperty({ type: String, nullable: true, example: '13800138000' }) phone: string | null;
}

/** What a reader of the case learns of a report's reporter. */
export const CONFIDENTIAL = 'confidential';

@ApiExtraModels(ReporterView)
export class ReportView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ReporterType, enumName: 'ReporterType' }) reporterType: ReporterType;
  @ApiProperty() anonymous: boolean;
  @ApiProperty({
    // OpenAPI 3.0 spells null only beside a type: the string branch carries it.
    oneOf: [{ $ref: getSchemaPath(ReporterView) }, { type: 'string', enum: [CONFIDENTIAL, null], nullable: true }],
    description: 'null for an anonymous report; the identity for its filer, the street supervisor and district staff; "confidential" for anyone else',
  })
  reporter: ReporterView | typeof CONFIDENTIAL | null;
  @ApiProperty({ format: 'date-time' }) discoveredAt: string;
  @ApiProperty({ type: String, nullable: true, example: '新安街道海旺社区' }) location: string | null;
  @ApiProperty({ type: String, nullable: true, example: '学生身上多处淤青，称被父亲殴打。' }) narrative: string | null;
  @ApiProperty({ enum: CATEGORY_CODES, enumName: 'CategoryCode', isArray: true }) categories: string[];
  @ApiProperty({ type: 'integer', isArray: true }) mandatoryItems: number[];
  @ApiProperty(nullableEnum(RISK_LEVELS, 'the reporter’s estimate')) riskEstimate: RiskLevel | null;
  @ApiProperty({ description: 'joined this case as a later report on the same child' }) linked: boolean;
  @ApiProperty({ format: 'uuid' }) filedById: string;
  @ApiProperty({ format: 'date-time' }) filedAt: string;
}

export function reportView(actor: Actor, r: Report): ReportView {
  const visible = mayseeReporter(actor, r);
  return {
    id: r.id,
    reporterType: r.reporterType,
    anonymous: r.anonymous,
    reporter: r.anonymous ? null : visible ? { name: r.reporterName, org: r.reporterOrg, phone: r.reporterPhone } : CONFIDENTIAL,
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

export class AssessmentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: '安全状况 safety' }) safety: string;
  @ApiProperty({ description: '监护状况 guardianship' }) guardianship: string;
  @ApiProperty({ description: '身心状况 physical and mental state' }) wellbeing: string;
  @ApiProperty({ enum: RiskLevel, enumName: 'RiskLevel' }) riskLevel: RiskLevel;
  @ApiProperty() summary: string;
  @ApiProperty(nullableEnum(Object.values(PlacementDecision), 'after temporary guardianship: return to the guardian or long-term placement'))
  placement: PlacementDecision | null;
  @ApiProperty({ format: 'uuid' }) assessedById: string;
  @ApiProperty({ format: 'date-time' }) assessedAt: string;
}

export const assessmentView = (a: Assessment): AssessmentView => ({
  id: a.id,
  safety: a.safety,
  guardianship: a.guardianship,
  wellbeing: a.wellbeing,
  riskLevel: a.riskLevel,
  summary: a.summary,
  placement: a.placement,
  assessedById: a.assessedById,
  assessedAt: a.assessedAt.toISOString(),
});

export class MeasureView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: MeasureType, enumName: 'MeasureType' }) type: MeasureType;
  @ApiProperty({ enum: MeasureStatus, enumName: 'MeasureStatus' }) status: MeasureStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerId: string | null;
  @ApiProperty({ type: String, nullable: true, example: '宝安区妇联' }) agency: string | null;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ description: 'protection_order: an urgent application (decided within 24 h)' }) urgent: boolean;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'set when done, cancelled or rejected' }) outcome: string | null;
  @ApiProperty({ format: 'uuid' }) createdById: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
}

export const measureView = (m: Measure): MeasureView => ({
  id: m.id,
  type: m.type,
  status: m.status,
  ownerId: m.ownerId,
  agency: m.agency,
  dueAt: m.dueAt.toISOString(),
  urgent: m.urgent,
  note: m.note,
  outcome: m.outcome,
  createdById: m.createdById,
  createdAt: m.createdAt.toISOString(),
  completedAt: iso(m.completedAt),
});

export class VisitView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: VisitKind, enumName: 'VisitKind', description: '核实走访 verification, 例行回访 routine, 告诫后回访 post_warning' }) kind: VisitKind;
  @ApiProperty({ format: 'date-time' }) visitedAt: string;
  @ApiProperty({ enum: RiskLevel, enumName: 'RiskLevel', description: 'the risk seen on this visit' }) riskLevel: RiskLevel;
  @ApiProperty({ example: '儿童安全，监护人配合。' }) outcome: string;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ format: 'uuid' }) visitorId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export const visitView = (v: Visit): VisitView => ({
  id: v.id,
  kind: v.kind,
  visitedAt: v.visitedAt.toISOString(),
  riskLevel: v.riskLevel,
  outcome: v.outcome,
  notes: v.notes,
  visitorId: v.visitorId,
  createdAt: v.createdAt.toISOString(),
});

export class OutcomeFeedbackView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: FeedbackChannel, enumName: 'FeedbackChannel' }) channel: FeedbackChannel;
  @ApiProperty({ format: 'date-time', description: 'when the reporting unit was told' }) at: string;
  @ApiProperty({ example: '已电话告知学校处置进展。' }) summary: string;
  @ApiProperty({ format: 'uuid' }) recordedById: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export const outcomeFeedbackView = (f: OutcomeFeedback): OutcomeFeedbackView => ({
  id: f.id,
  channel: f.channel,
  at: f.toldAt.toISOString(),
  summary: f.summary,
  recordedById: f.recordedById,
  recordedAt: f.createdAt.toISOString(),
});

export class RiskFloorView {
  @ApiProperty({ enum: RiskLevel, enumName: 'RiskLevel', description: 'the lowest risk level the report allows (domain.md §4)' }) level: RiskLevel;
  @ApiProperty({ type: [String], example: ['mandatory item 2'], description: 'what sets it' }) reasons: string[];
}

export class ClosureConditionView {
  @ApiProperty({ enum: ClosureCondition, enumName: 'ClosureCondition' }) code: ClosureCondition;
  @ApiProperty({ example: '最近两次走访风险均为低 (R4) the last two visits recorded R4' }) label: string;
  @ApiProperty() met: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'why it is not met' }) detail: string | null;
}

export class NoteView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '已电话联系学校班主任。' }) text: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export const noteView = (n: Note): NoteView => ({ id: n.id, text: n.text, authorId: n.authorId, createdAt: n.createdAt.toISOString() });

export class ApprovalView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: ApprovalKind, enumName: 'ApprovalKind' }) kind: ApprovalKind;
  @ApiProperty({ enum: ApprovalStatus, enumName: 'ApprovalStatus' }) status: ApprovalStatus;
  @ApiProperty({ enum: Role, enumName: 'Role', description: 'who decides (district staff may always decide)' }) decidedByRole: Role;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what the request carries (a closure’s reason and checklist)' }) payload: Record<
    string,
    unknown
  >;
  @ApiProperty({ format: 'uuid' }) requestedById: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedById: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) decisionReason: string | null;
}

export const approvalView = (a: Approval): ApprovalView => ({
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

/** An approval in the approvals list, with what its case is. */
export class ApprovalListItemView extends ApprovalView {
  @ApiProperty({ example: 'BA-2026-000123' }) caseNo: string;
  @ApiProperty({ enum: RiskLevel, enumName: 'RiskLevel' }) riskLevel: RiskLevel;
}

export class ApprovalListView {
  @ApiProperty({ type: [ApprovalListItemView], description: 'oldest request first; at most 500' }) items: ApprovalListItemView[];
}

/** Full identity: the detail is only served to readers whose scope covers the case, and every read is logged. */
export class ChildView {
  @ApiProperty({ example: '张小明' }) name: string;
  @ApiProperty({ enum: Sex, enumName: 'Sex' }) sex: Sex;
  @ApiProperty({ format: 'date', example: '2015-04-02' }) birthDate: string;
  @ApiProperty({ type: String, nullable: true, example: '440306201504020021', description: 'national ID number' }) idNumber: string | null;
  @ApiProperty({ type: String, nullable: true, example: '宝安区新安街道海旺社区' }) address: string | null;
  @ApiProperty({ type: String, nullable: true, example: '新安小学' }) school: string | null;
}

/**
 * 监护人/家庭成员 (domain.md §13), with full identity: like the child's, only in the case
 * detail for readers whose scope covers the case, and every read is logged ('guardians').
 */
export class GuardianView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '张大强' }) name: string;
  @ApiProperty({
    enum: GuardianRelation,
    enumName: 'GuardianRelation',
    description:
      'father 父亲 · mother 母亲 · grandparent 祖父母/外祖父母 · sibling 兄弟姐妹 · other_relative 其他亲属 · foster 寄养/委托照护人 · institution 机构 · other 其他',
  })
  relation: GuardianRelation;
  @ApiProperty({ type: String, nullable: true, example: '13800138000' }) phone: string | null;
  @ApiProperty({ type: String, nullable: true, example: '11010519491231002X', description: 'national ID number' }) idNumber: string | null;
  @ApiProperty({ description: '与儿童同住 lives with the child' }) livesWithChild: boolean;
  @ApiProperty({ description: '疑似施害人 suspected perpetrator' }) suspectedPerpetrator: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export const guardianView = (g: Guardian, idNumber: string | null): GuardianView => ({
  id: g.id,
  name: g.name,
  relation: g.relation,
  phone: g.phone,
  idNumber,
  livesWithChild: g.livesWithChild,
  suspectedPerpetrator: g.suspectedPerpetrator,
  createdAt: g.createdAt.toISOString(),
  updatedAt: g.updatedAt.toISOString(),
});

export class PoliceView {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when police were told' }) reportedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: '接报回执号 receipt number' }) receiptNo: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'why police were not told, when they had to be' }) notReportedReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: '公安反馈 when police reported progress' }) feedbackAt: string | null;
  @ApiProperty({ type: String, nullable: true }) feedback: string | null;
}

export class ClosureView {
  @ApiProperty(nullableEnum(Object.values(ClosureKind), 'how the case ended')) kind: ClosureKind | null;
  @ApiProperty({ type: String, nullable: true, description: 'the closure reason code (risk_resolved, turned_18, moved_away, other) or the reason given' })
  reason: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'free text beside the reason code' }) note: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'merged: the case this one duplicated' }) mergedIntoId: string | null;
}

export interface DetailParts {
  idNumber: string | null;
  reports: Report[];
  assessments: Assessment[];
  measures: Measure[];
  visits: Visit[];
  notes: Note[];
  outcomeFeedback: OutcomeFeedback[];
  guardians: Guardian[];
  /** Each guardian's ID number, decrypted (by guardian id). */
  guardianIdNumbers: ReadonlyMap<string, string | null>;
  approvals: Approval[];
  allowedActions: CaseAction[];
  deadlines: CaseDeadline[];
  /** Cases of the same child elsewhere, already narrowed to those the reader's scope covers. */
  relatedCaseIds: string[];
}

/** A case with everything about it that this reader may see, and what this reader may do now. */
export class CaseDetailView extends CaseSummaryView {
  @ApiProperty({ type: ChildView }) child: ChildView;
  @ApiProperty({ type: [GuardianView], description: '监护人与家庭成员, in the order recorded; identity as the child’s (detail only, every read logged)' })
  guardians: GuardianView[];
  @ApiProperty({ type: [ReportView], description: 'oldest first' }) reports: ReportView[];
  @ApiProperty({ type: AssessmentView, nullable: true, description: 'the latest assessment' }) assessment: AssessmentView | null;
  @ApiProperty({ type: [AssessmentView], description: 'every assessment, oldest first (reassessments included)' }) assessments: AssessmentView[];
  @ApiProperty({ type: [MeasureView] }) measures: MeasureView[];
  @ApiProperty({ type: [VisitView] }) visits: VisitView[];
  @ApiProperty({ type: [NoteView] }) notes: NoteView[];
  @ApiProperty({ type: [OutcomeFeedbackView], description: '反馈: when and how the reporting unit was told the outcome (Art.11¶3)' })
  outcomeFeedback: OutcomeFeedbackView[];
  @ApiProperty({ type: RiskFloorView, nullable: true, description: 'the risk floor the reports set; null: none' }) riskFloor: RiskFloorView | null;
  @ApiProperty({
    type: [ClosureConditionView],
    description: 'the conditions of a risk_resolved closure (domain.md §8), computed from the record; empty once closed',
  })
  closureConditions: ClosureConditionView[];
  @ApiProperty({ type: [ApprovalView] }) approvals: ApprovalView[];
  @ApiProperty({ type: ApprovalView, nullable: true, description: 'the approval the case waits for' }) pendingApproval: ApprovalView | null;
  @ApiProperty({ type: 'array', items: { $ref: getSchemaPath(DEADLINE_VIEW_SCHEMA) } }) deadlines: CaseDeadline[];
  @ApiProperty({ type: PoliceView }) police: PoliceView;
  @ApiProperty({ type: 'string', format: 'uuid', isArray: true, description: 'cases of the same child that this reader’s scope also covers' })
  relatedCaseIds: string[];
  @ApiProperty({ type: ClosureView, nullable: true, description: 'set while the case is closed' }) closure: ClosureView | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acceptedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) assessedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) interventionStartedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) followUpStartedAt: string | null;
  @ApiProperty({ format: 'uuid' }) createdById: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ enum: CaseAction, enumName: 'CaseAction', isArray: true, description: 'what this caller may do now' }) allowedActions: CaseAction[];
}

/** POST /api/cases: the case the report went to, and how it got there. */
export class FiledCaseView extends CaseDetailView {
  @ApiProperty({ description: 'true (status 200): the report joined the child’s open case in the caller’s scope instead of opening one' })
  linkedToExisting: boolean;
  @ApiProperty({ description: 'true: that case was closed within the reopen window and is open again' }) reopened: boolean;
}

export class CaseListView {
  @ApiProperty({ type: [CaseSummaryView] }) items: CaseSummaryView[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}

export function caseDetail(actor: Actor, c: Case & { child?: Child }, parts: DetailParts): CaseDetailView {
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
    guardians: parts.guardians.map((g) => guardianView(g, parts.guardianIdNumbers.get(g.id) ?? null)),
    reports: parts.reports.map((r) => reportView(actor, r)),
    assessment: assessment ? assessmentView(assessment) : null,
    assessments: parts.assessments.map(assessmentView),
    measures: parts.measures.map(measureView),
    visits: parts.visits.map(visitView),
    notes: parts.notes.map(noteView),
    outcomeFeedback: parts.outcomeFeedback.map(outcomeFeedbackView),
    riskFloor: riskFloor(c),
    closureConditions: c.status === CaseStatus.Closed ? [] : closureConditions(closureFactsOf(c, parts)),
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
    closure:
      c.status === CaseStatus.Closed
        ? { kind: c.closureKind, reason: c.closureReason, note: c.closureNote, closedAt: iso(c.closedAt), mergedIntoId: c.mergedIntoId }
        : null,
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
