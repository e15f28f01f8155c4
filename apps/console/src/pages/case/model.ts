/**
 * The case-page family's view of the API (case detail, approvals, users, jurisdictions,
 * timeline, audit, stats). The shell's api/types.ts describes the summary and a core of
 * the detail; this adds what these pages read (assessments, approvals, deadlines with
 * their state, related cases, closure …). Shapes follow what /api answers (api.md and
 * libs/cases/src/case.views.ts).
 */
import type { CaseDetailShape, CaseSummaryShape, DeadlineShape, TimelineEventShape } from '../../api/types';
import type { RiskLevel, Role } from '../../i18n/labels';

export type { CaseSummaryShape };

export interface AssessmentView {
  id: string;
  safety: string;
  guardianship: string;
  wellbeing: string;
  riskLevel: RiskLevel;
  summary: string;
  /** After temporary guardianship: return_to_guardian | long_term_placement. */
  placement?: string | null;
  assessedById: string;
  assessedAt: string;
}

export interface ApprovalView {
  id: string;
  caseId: string;
  /** A measure approval (临时监护, 撤销监护资格) may wait beside a plan or closure approval. */
  kind: 'start_intervention' | 'closure' | 'measure';
  status: 'pending' | 'approved' | 'rejected';
  decidedByRole: Role;
  payload: { closureReason?: string; checklist?: Record<string, boolean>; reason?: string | null; measureId?: string; type?: string } & Record<string, unknown>;
  requestedById: string;
  requestedAt: string;
  decidedById: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  /** Present in GET /api/approvals. */
  caseNo?: string;
  riskLevel?: RiskLevel;
}

export interface DeadlineView extends DeadlineShape {
  label?: string;
  refKey?: string;
  remindAt?: string;
  responsibleRole?: string;
  responsibleUserId?: string | null;
  overdue?: boolean;
  breachedAt?: string | null;
  closedAt?: string | null;
}

/** The lowest risk the case's reports allow (domain.md §4). */
export interface RiskFloorView {
  level: RiskLevel;
  /** "mandatory item 2", "N02", "emergency placement needed". */
  reasons: string[];
}

/** One condition of a risk_resolved closure (domain.md §8), computed by the server from the record. */
export interface ClosureConditionView {
  code: string;
  /** Chinese with English beside it. */
  label: string;
  met: boolean;
  /** Why it is not met (English; the console translates what it knows). */
  detail: string | null;
}

/** 反馈: when and how the reporting unit was told the outcome (Art.11¶3). */
export interface OutcomeFeedbackView {
  id: string;
  channel: string;
  at: string;
  summary: string;
  recordedById: string;
  recordedAt: string;
}

export interface CaseFull extends Omit<CaseDetailShape, 'assessment' | 'deadlines' | 'pendingApproval' | 'closure'> {
  assessment: AssessmentView | null;
  assessments?: AssessmentView[];
  approvals?: ApprovalView[];
  pendingApproval?: ApprovalView | null;
  deadlines: DeadlineView[];
  relatedCaseIds?: string[];
  closure?: { kind: string | null; reason: string | null; note?: string | null; closedAt: string | null; mergedIntoId?: string | null } | null;
  acceptedAt?: string | null;
  assessedAt?: string | null;
  interventionStartedAt?: string | null;
  followUpStartedAt?: string | null;
  createdById?: string;
  guardians?: GuardianView[];
  riskFloor?: RiskFloorView | null;
  /** Empty once closed. */
  closureConditions?: ClosureConditionView[];
  outcomeFeedback?: OutcomeFeedbackView[];
}

export interface GuardianView {
  id: string;
  name: string;
  relation: string;
  phone?: string | null;
  idNumber?: string | null;
  livesWithChild: boolean;
  /** 疑似施害人: never notified, never shown the reporter (guardians are not users). */
  suspectedPerpetrator: boolean;
  createdAt?: string;
  updatedAt?: string;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  roleLabel?: string;
  jurisdiction: { id: string; code?: string; level: string; name: string; path?: string };
  active: boolean;
  status: 'active' | 'pending_approval' | 'rejected';
  pendingChange: { role: Role | null; jurisdiction: { id: string; name: string; path?: string; level?: string } | null; password: boolean } | null;
  approvalRequestedBy: string | null;
  approvalRequestedAt: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface JurisdictionNode {
  id: string;
  code: string;
  level: 'district' | 'street' | 'community';
  name: string;
  path: string;
  parentId: string | null;
  children: JurisdictionNode[];
}

export interface TimelineEvent extends TimelineEventShape {
  hash?: string;
  prevHash?: string;
}

export interface TimelineVerify {
  valid: boolean;
  events: number;
  brokenAtSeq?: number | null;
}

/** Transitions (POST /api/cases/:id/transitions) vs. work on the case (own routes). */
export const TRANSITION_ACTIONS = [
  'submit',
  'return',
  'accept',
  'start_intervention',
  'begin_follow_up',
  'request_closure',
  'close_unsubstantiated',
  'reopen',
  'transfer',
  'merge',
  'escalate',
] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

export const WORK_ACTIONS = [
  'record_assessment',
  'add_measure',
  'update_measure',
  'add_visit',
  'add_note',
  'add_report',
  'record_police',
  'record_outcome_feedback',
  'add_guardian',
  'update_guardian',
] as const;
export type WorkAction = (typeof WORK_ACTIONS)[number];

export const isTransition = (a: string): a is TransitionAction => (TRANSITION_ACTIONS as readonly string[]).includes(a);

export const OPEN_STATUSES = ['draft', 'submitted', 'returned', 'assessing', 'intervening', 'follow_up'] as const;
export const isHighRisk = (r: string | null | undefined): boolean => r === 'R1' || r === 'R2';

/** Measures only civil affairs may decide (domain.md §5): each waits for a district decision whenever it is added. */
export { DISTRICT_DECIDED_MEASURES } from '../../i18n/labels';
