/**
 * Which deadlines a case should have after a change (domain.md §6): plain
 * functions from the case's facts to wanted and finished steps, so the rules can
 * be read and unit-tested without a database.
 */
import { Role } from '@shouhu/access';
import type { Case, LifecycleChange } from '@shouhu/cases';
import { ApprovalKind, CaseStatus, isHighRisk, isViolence } from '@shouhu/cases';
import { DeadlineKind, Risk } from './policy';

/** Kinds that may stay pending in each state; a state change cancels the others. */
export const KINDS_BY_STATUS: Record<CaseStatus, readonly DeadlineKind[]> = {
  [CaseStatus.Draft]: [],
  [CaseStatus.Submitted]: [DeadlineKind.AcceptReport, DeadlineKind.PoliceReport, DeadlineKind.PoliceFeedback],
  [CaseStatus.Returned]: [DeadlineKind.Resubmit, DeadlineKind.PoliceReport, DeadlineKind.PoliceFeedback],
  [CaseStatus.Assessing]: [
    DeadlineKind.Assessment,
    DeadlineKind.StartPlan,
    DeadlineKind.Decision,
    DeadlineKind.Measure,
    DeadlineKind.PoliceReport,
    DeadlineKind.PoliceFeedback,
  ],
  [CaseStatus.Intervening]: [DeadlineKind.Measure, DeadlineKind.PoliceReport, DeadlineKind.PoliceFeedback],
  [CaseStatus.FollowUp]: [DeadlineKind.Visit, DeadlineKind.Decision, DeadlineKind.PoliceReport, DeadlineKind.PoliceFeedback],
  [CaseStatus.Closed]: [],
};

/** One level up the chain: community → street → district (the second stage, to district leadership, is the escalation service's). */
export function nextLevel(role: Role): Role {
  return role === Role.CommunityDirector ? Role.StreetSupervisor : Role.DistrictStaff;
}

/** Police must be told (an alert deadline) for violence or mandatory items at R1/R2 until they are. */
export function policeAlertDue(c: Pick<Case, 'categories' | 'mandatoryItems' | 'riskLevel' | 'policeReportedAt' | 'policeNotReportedReason'>): boolean {
  const mandatory = c.categories.some(isViolence) || c.mandatoryItems.length > 0;
  return mandatory && isHighRisk(c.riskLevel) && !c.policeReportedAt;
}

/** Steps the change completes ("met"). */
export function stepsMet(
  change: LifecycleChange,
  c: Pick<Case, 'status' | 'policeReportedAt' | 'policeFeedbackAt'>,
): { kind: DeadlineKind; refKey?: string }[] {
  const met: { kind: DeadlineKind; refKey?: string }[] = [];
  if (change.kind === 'status') {
    if (change.from === CaseStatus.Submitted) met.push({ kind: DeadlineKind.AcceptReport });
    if (change.from === CaseStatus.Returned) met.push({ kind: DeadlineKind.Resubmit });
    if (change.to === CaseStatus.Intervening) met.push({ kind: DeadlineKind.StartPlan }, { kind: DeadlineKind.Decision });
    if (change.from === CaseStatus.FollowUp && change.to === CaseStatus.Closed) met.push({ kind: DeadlineKind.Decision });
  }
  if (change.kind === 'assessment_recorded') met.push({ kind: DeadlineKind.Assessment });
  if (change.kind === 'approval_requested' && change.approvalKind === ApprovalKind.StartIntervention) met.push({ kind: DeadlineKind.StartPlan });
  if (change.kind === 'approval_decided') met.push({ kind: DeadlineKind.Decision });
  if (change.kind === 'measure_closed' && change.done) met.push({ kind: DeadlineKind.Measure, refKey: change.measureId });
  if (change.kind === 'visit_recorded' && c.status === CaseStatus.FollowUp) met.push({ kind: DeadlineKind.Visit });
  if (c.policeReportedAt) met.push({ kind: DeadlineKind.PoliceReport });
  if (c.policeFeedbackAt) met.push({ kind: DeadlineKind.PoliceFeedback });
  return met;
}

export interface WantedDeadline {
  kind: DeadlineKind;
  refKey: string;
  /** The window starts here… */
  from: Date;
  /** …and either the policy's window for the kind and risk applies, or this due time. */
  dueAt?: Date;
  responsibleRole: Role;
  responsibleUserId: string | null;
}

/** Director-level steps fall to the community's directors (null: all of them). */
const director = (_c: Case): string | null => null;

/**
 * Deadlines the change starts. Creation is idempotent (one pending deadline per
 * step), so wanting a deadline that exists changes nothing.
 */
export function stepsStarted(change: LifecycleChange, c: Case, now: Date): WantedDeadline[] {
  const wanted: WantedDeadline[] = [];
  const entered = change.kind === 'status' ? change.to : change.kind === 'submitted' ? CaseStatus.Submitted : null;
  if (entered === CaseStatus.Submitted) {
    wanted.push({ kind: DeadlineKind.AcceptReport, refKey: '', from: now, responsibleRole: Role.StreetSupervisor, responsibleUserId: null });
  }
  if (entered === CaseStatus.Returned) {
    wanted.push({ kind: DeadlineKind.Resubmit, refKey: '', from: now, responsibleRole: Role.CommunityDirector, responsibleUserId: director(c) });
  }
  if (entered === CaseStatus.Assessing) {
    wanted.push({ kind: DeadlineKind.Assessment, refKey: '', from: now, responsibleRole: Role.StreetSupervisor, responsibleUserId: c.assigneeId });
  }
  if (change.kind === 'assessment_recorded' && c.status === CaseStatus.Assessing) {
    wanted.push({ kind: DeadlineKind.StartPlan, refKey: '', from: now, responsibleRole: Role.StreetSupervisor, responsibleUserId: c.assigneeId });
  }
  if (change.kind === 'approval_requested') {
    const decider = change.approvalKind === ApprovalKind.StartIntervention || isHighRisk(c.riskLevel) ? Role.DistrictStaff : Role.StreetSupervisor;
    wanted.push({ kind: DeadlineKind.Decision, refKey: change.approvalKind, from: now, responsibleRole: decider, responsibleUserId: null });
  }
  if (change.kind === 'approval_decided' && change.approvalKind === ApprovalKind.StartIntervention && c.status === CaseStatus.Assessing) {
    // A rejected plan has to be started again.
    wanted.push({ kind: DeadlineKind.StartPlan, refKey: '', from: now, responsibleRole: Role.StreetSupervisor, responsibleUserId: c.assigneeId });
  }
  if (change.kind === 'measure_added') {
    wanted.push({
      kind: DeadlineKind.Measure,
      refKey: change.measureId,
      from: now,
      dueAt: change.dueAt,
      responsibleRole: change.ownerRole ?? Role.StreetSupervisor,
      responsibleUserId: change.ownerId ?? c.assigneeId,
    });
  }
  const open = c.status !== CaseStatus.Closed && c.status !== CaseStatus.Draft;
  if (open && policeAlertDue(c)) {
    wanted.push({ kind: DeadlineKind.PoliceReport, refKey: '', from: c.reportedAt, responsibleRole: Role.CommunityDirector, responsibleUserId: director(c) });
  }
  if (open && c.policeReportedAt && !c.policeFeedbackAt) {
    wanted.push({
      kind: DeadlineKind.PoliceFeedback,
      refKey: '',
      from: c.policeReportedAt,
      responsibleRole: Role.CommunityDirector,
      responsibleUserId: director(c),
    });
  }
  return wanted;
}

export const riskOf = (c: Pick<Case, 'riskLevel'>) => c.riskLevel as Risk;
