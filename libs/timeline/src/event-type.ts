/**
 * Every event type of the audit trail, in one place: the case timeline's events and
 * the user account events (type user.*) that the district's audit export shows beside
 * them. The stored value is the string; a new event type is added here first.
 */
export enum EventType {
  // ── A case's lifecycle ──
  /** A draft was saved (not yet reported). */
  CaseFiled = 'case.filed',
  /** A report was filed, or a draft submitted for the first time. */
  CaseReported = 'case.reported',
  CaseResubmitted = 'case.resubmitted',
  CaseReturned = 'case.returned',
  CaseAccepted = 'case.accepted',
  CaseInterventionStarted = 'case.intervention_started',
  CaseFollowUpStarted = 'case.follow_up_started',
  CaseClosed = 'case.closed',
  CaseReopened = 'case.reopened',
  CaseTransferred = 'case.transferred',
  CaseMerged = 'case.merged',
  CaseMergeReceived = 'case.merge_received',
  CaseEscalated = 'case.escalated',
  /** The same child was reported in a scope this case's users may not cover. */
  CaseRelatedReport = 'case.related_report',

  // ── Work on a case ──
  ReportLinked = 'report.linked',
  ReportAdded = 'report.added',
  AssessmentRecorded = 'assessment.recorded',
  MeasureAdded = 'measure.added',
  MeasureDone = 'measure.done',
  MeasureCancelled = 'measure.cancelled',
  VisitRecorded = 'visit.recorded',
  /** The case's current risk changed (a visit or an assessment saw another level). */
  RiskChanged = 'risk.changed',
  /** The reporting unit was told the outcome (Art.11¶3). */
  OutcomeFeedbackRecorded = 'outcome.feedback_recorded',
  NoteAdded = 'note.added',
  /** A guardian or household member was recorded (data: ids, relation and flags; never a name, phone or ID number). */
  GuardianAdded = 'guardian.added',
  /** A guardian's record changed (data: which fields, the relation and flags; never their values otherwise). */
  GuardianUpdated = 'guardian.updated',
  /** Evidence was attached (data: attachmentId, kind, contentType, size, sha256; never the file name, which may name the child). */
  AttachmentAdded = 'attachment.added',
  /** An attachment was withdrawn: hidden, never deleted (data: attachmentId, kind, reason). */
  AttachmentRetracted = 'attachment.retracted',
  /** A need or a measure referred to another agency (协同办理, domain.md §11). Data: referralId, agencyId, agency kind, times; never the service, the note or the child. */
  ReferralCreated = 'referral.created',
  ReferralAccepted = 'referral.accepted',
  /** Data as created, plus that a reason was given (the reason itself stays on the referral). */
  ReferralDeclined = 'referral.declined',
  ReferralCompleted = 'referral.completed',
  /** Revoked by the caseworker, or by the system when the case closes (atClosure). */
  ReferralRevoked = 'referral.revoked',
  PoliceReported = 'police.reported',
  PoliceFeedback = 'police.feedback',
  ApprovalRequested = 'approval.requested',
  ApprovalApproved = 'approval.approved',
  ApprovalRejected = 'approval.rejected',

  // ── Deadlines (the system acts) ──
  DeadlineBreached = 'deadline.breached',
  DeadlineEscalated = 'deadline.escalated',

  // ── User accounts (maker-checker) ──
  UserCreated = 'user.created',
  UserUpdated = 'user.updated',
  UserDeactivated = 'user.deactivated',
  UserReactivated = 'user.reactivated',
  UserApprovalRequested = 'user.approval_requested',
  UserChangeRequested = 'user.change_requested',
  UserChangeWithdrawn = 'user.change_withdrawn',
  UserChangeApplied = 'user.change_applied',
  UserPasswordChanged = 'user.password_changed',
  UserApproved = 'user.approved',
  UserRejected = 'user.rejected',

  // ── Agencies (admin; on the same audit trail as users) ──
  AgencyCreated = 'agency.created',
  AgencyUpdated = 'agency.updated',
}

export const EVENT_TYPES: readonly EventType[] = Object.values(EventType);
