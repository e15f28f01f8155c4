/**
 * Which deadlines a case should have after a change (domain.md §6): plain
 * functions from the case's facts to wanted and finished steps, so the rules can
 * be read and unit-tested without a database.
 */
import { Role } from '@shouhu/access';
import type { Case, LifecycleChange, RecordFacts } from '@shouhu/cases';
import { ApprovalKind, CaseStatus, isHighRisk, MeasureType, policeAlertOpen } from '@shouhu/cases';
import { DeadlineKind, Risk } from './policy';

/** Kinds that may stay pending in each state; a state change cancels the others. */
export const KINDS_BY_STATUS: Record<CaseStatus, readonly DeadlineKind[]> = {
  [CaseStatus.Draft]: [],
  // A closure for turned_18 or moved_away may be requested from any active state: its decision deadline stays.
  [CaseStatus.Submitted]: [DeadlineKind.AcceptReport, DeadlineKind.PoliceReport, DeadlineKind.PoliceFeedback, DeadlineKind.Decision],
  [CaseStatus.Returned]: [DeadlineKind.Resubmit, DeadlineKind.PoliceReport, DeadlineKind.PoliceFeedback, DeadlineKind.Decision],
  [CaseStatus.Assessing]: [
    DeadlineKind.Assessment,
    DeadlineKind.StartPlan,
    DeadlineKind.Decision,
    DeadlineKind.Measure,
    DeadlineKind.ProtectionOrder,
    DeadlineKind.Visit,
    DeadlineKind.PoliceReport,
    DeadlineKind.PoliceFeedback,
    DeadlineKind.ReferralResponse,
    DeadlineKind.ReferralCompletion,
  ],
  [CaseStatus.Intervening]: [
    DeadlineKind.Measure,
    DeadlineKind.ProtectionOrder,
    DeadlineKind.Decision,
    DeadlineKind.Visit,
    DeadlineKind.OutcomeFeedback,
    DeadlineKind.PoliceReport,
    DeadlineKind.PoliceFeedback,
    DeadlineKind.ReferralResponse,
    DeadlineKind.ReferralCompletion,
  ],
  [CaseStatus.FollowUp]: [
    DeadlineKind.Visit,
    DeadlineKind.Decision,
    DeadlineKind.OutcomeFeedback,
    DeadlineKind.PoliceReport,
    DeadlineKind.PoliceFeedback,
    DeadlineKind.ReferralResponse,
    DeadlineKind.ReferralCompletion,
  ],
  [CaseStatus.Closed]: [],
};

/**
 * One level up the chain: community → street → district (the second stage, to district leadership, is the escalation service's).
 * An agency's overdue answer goes to the case's street supervisor, who referred it or oversees who did.
 */
export function nextLevel(role: Role): Role {
  return role === Role.CommunityDirector || role === Role.AgencyLiaison ? Role.StreetSupervisor : Role.DistrictStaff;
}

/** The police_report deadline is wanted exactly while the case's police alert stands: one rule, the cases domain's. */
export const policeAlertDue = policeAlertOpen;

/** The decision deadline's key: one per approval kind, or per measure for district-decided measures. */
const decisionKey = (change: { approvalKind: ApprovalKind; refKey?: string }) => change.refKey ?? change.approvalKind;

/** Steps the change completes ("met"). */
export function stepsMet(
  change: LifecycleChange,
  c: Pick<Case, 'status' | 'policeReportedAt' | 'policeFeedbackAt'>,
): { kind: DeadlineKind; refKey?: string }[] {
  const met: { kind: DeadlineKind; refKey?: string }[] = [];
  if (change.kind === 'status') {
    if (change.from === CaseStatus.Submitted) met.push({ kind: DeadlineKind.AcceptReport });
    if (change.from === CaseStatus.Returned) met.push({ kind: DeadlineKind.Resubmit });
    if (change.to === CaseStatus.Intervening)
      met.push({ kind: DeadlineKind.StartPlan }, { kind: DeadlineKind.Decision, refKey: ApprovalKind.StartIntervention });
    if (change.to === CaseStatus.Closed) met.push({ kind: DeadlineKind.Decision, refKey: ApprovalKind.Closure });
  }
  if (change.kind === 'assessment_recorded') met.push({ kind: DeadlineKind.Assessment });
  if (change.kind === 'approval_requested' && change.approvalKind === ApprovalKind.StartIntervention) met.push({ kind: DeadlineKind.StartPlan });
  if (change.kind === 'approval_decided') met.push({ kind: DeadlineKind.Decision, refKey: decisionKey(change) });
  if (change.kind === 'measure_closed' && change.done) met.push({ kind: DeadlineKind.Measure, refKey: change.measureId });
  if (change.kind === 'measure_closed' && change.done && change.measureType === MeasureType.ProtectionOrder)
    met.push({ kind: DeadlineKind.ProtectionOrder, refKey: change.measureId });
  // A visit in any working state meets the visit due (the schedule of follow-up, or the one after a 告诫书).
  if (change.kind === 'visit_recorded') met.push({ kind: DeadlineKind.Visit });
  if (change.kind === 'outcome_feedback') met.push({ kind: DeadlineKind.OutcomeFeedback });
  // A referral answered (accepted or declined) meets its response deadline; completed, its completion deadline.
  if (change.kind === 'referral_accepted' || (change.kind === 'referral_closed' && change.outcome === 'declined'))
    met.push({ kind: DeadlineKind.ReferralResponse, refKey: change.referralId });
  if (change.kind === 'referral_closed' && change.outcome === 'done') met.push({ kind: DeadlineKind.ReferralCompletion, refKey: change.referralId });
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
  /** protection_order: decided within the urgent window instead of the standard one. */
  urgent?: boolean;
  responsibleRole: Role;
  responsibleUserId: string | null;
}

/** Who accepts or returns a report: the street supervisor; district staff while the case is unlocated (no street). */
export const acceptorOf = (c: Pick<Case, 'streetId'>): Role => (c.streetId ? Role.StreetSupervisor : Role.DistrictStaff);

/** Director-level steps fall to the community's directors (null: all of them). */
const director = (_c: Case): string | null => null;

/**
 * Deadlines the change starts. Creation is idempotent (one pending deadline per
 * step), so wanting a deadline that exists changes nothing.
 */
export function stepsStarted(change: LifecycleChange, c: Case, now: Date, records?: RecordFacts): WantedDeadline[] {
  const wanted: WantedDeadline[] = [];
  const entered = change.kind === 'status' ? change.to : change.kind === 'submitted' ? CaseStatus.Submitted : null;
  if (entered === CaseStatus.Submitted) {
    // An unlocated report (no street yet) waits for district staff to route it (transfer hands the step to the street).
    wanted.push({ kind: DeadlineKind.AcceptReport, refKey: '', from: now, responsibleRole: acceptorOf(c), responsibleUserId: null });
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
    const decider =
      change.decidedByRole ?? (change.approvalKind !== ApprovalKind.Closure || isHighRisk(c.riskLevel) ? Role.DistrictStaff : Role.StreetSupervisor);
    wanted.push({ kind: DeadlineKind.Decision, refKey: decisionKey(change), from: now, responsibleRole: decider, responsibleUserId: null });
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
    if (change.measureType === MeasureType.ProtectionOrder) {
      // 反家庭暴力法 Art.28: the court decides within 72 h, 24 h if urgent; the caseworker records the decision.
      wanted.push({
        kind: DeadlineKind.ProtectionOrder,
        refKey: change.measureId,
        from: now,
        urgent: change.urgent,
        responsibleRole: Role.StreetSupervisor,
        responsibleUserId: c.assigneeId,
      });
    }
  }
  // 协同办理: the agency's liaisons answer, then carry out what they accepted (one deadline per referral and step).
  if (change.kind === 'referral_created') {
    const { referralId, respondBy } = change;
    wanted.push({
      kind: DeadlineKind.ReferralResponse,
      refKey: referralId,
      from: now,
      dueAt: respondBy,
      responsibleRole: Role.AgencyLiaison,
      responsibleUserId: null,
    });
  }
  if (change.kind === 'referral_accepted') {
    const { referralId, dueAt } = change;
    wanted.push({ kind: DeadlineKind.ReferralCompletion, refKey: referralId, from: now, dueAt, responsibleRole: Role.AgencyLiaison, responsibleUserId: null });
  }
  // The reporting unit is told the outcome within 5 working days of the plan's start (mandatory reporters, Art.11¶3).
  const planRunning = c.status === CaseStatus.Intervening || c.status === CaseStatus.FollowUp;
  const feedbackChange = (change.kind === 'status' && change.to === CaseStatus.Intervening) || change.kind === 'report_added';
  if (planRunning && feedbackChange && records?.outcomeFeedbackOwed && !records.outcomeFeedbackGiven) {
    wanted.push({
      kind: DeadlineKind.OutcomeFeedback,
      refKey: '',
      from: change.kind === 'status' ? now : (c.interventionStartedAt ?? now),
      responsibleRole: Role.StreetSupervisor,
      responsibleUserId: c.assigneeId,
    });
  }
  const open = c.status !== CaseStatus.Closed && c.status !== CaseStatus.Draft;
  if (policeAlertDue(c)) {
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
