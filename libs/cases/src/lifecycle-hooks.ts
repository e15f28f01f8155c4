import type { EntityManager } from 'typeorm';
import type { Actor, Role } from '@shouhu/access';
import type { ApprovalKind, CaseStatus, MeasureType } from './domain';
import type { Case } from './entities/case.entity';

/** What just happened to a case, for code that must follow it in the same transaction. */
export type LifecycleChange =
  | { kind: 'submitted' }
  | { kind: 'status'; from: CaseStatus; to: CaseStatus }
  | { kind: 'assessment_recorded' }
  /** A measure is planned (at once, or when the district approved it). */
  | { kind: 'measure_added'; measureId: string; measureType: MeasureType; urgent: boolean; dueAt: Date; ownerId: string | null; ownerRole: Role | null }
  | { kind: 'measure_closed'; measureId: string; measureType: MeasureType; done: boolean }
  | { kind: 'visit_recorded'; visitedAt: Date }
  /** `refKey` tells apart decisions of one kind that may wait side by side (one per district-decided measure). */
  | { kind: 'approval_requested'; approvalKind: ApprovalKind; refKey?: string; decidedByRole?: Role }
  | { kind: 'approval_decided'; approvalKind: ApprovalKind; refKey?: string }
  | { kind: 'outcome_feedback' }
  | { kind: 'police' }
  | { kind: 'report_added' }
  | { kind: 'transferred' }
  /** A report on this case's child opened a case in a scope this case's users may not cover. */
  | { kind: 'related_report' }
  /** A referral to an agency (domain.md §11): its liaisons answer by `respondBy`. */
  | { kind: 'referral_created'; referralId: string; agencyId: string; respondBy: Date }
  /** The agency accepted: the answer is in, and the work is due by `dueAt`. */
  | { kind: 'referral_accepted'; referralId: string; dueAt: Date }
  /** The referral ended: the agency declined or completed it, or the caseworker revoked it. */
  | { kind: 'referral_closed'; referralId: string; outcome: 'declined' | 'done' | 'revoked' };

/** Facts about the case that the visit schedule depends on. */
export interface FollowUpFacts {
  visitsSinceFollowUp: number;
  lastVisitAt: Date | null;
  warningLetterAt: Date | null;
}

/** Facts about the case's records that some deadlines depend on, whatever the state. */
export interface RecordFacts {
  /** When the last 告诫书 was done, and how many visits were recorded after it (and the latest). */
  warningLetterAt: Date | null;
  visitsSinceWarning: number;
  lastVisitAt: Date | null;
  /** A named mandatory reporter is owed the outcome (Art.11¶3). */
  outcomeFeedbackOwed: boolean;
  outcomeFeedbackGiven: boolean;
}

export interface LifecycleEvent {
  manager: EntityManager;
  /** The case as it is after the change. */
  caseRow: Case;
  actor: Actor;
  change: LifecycleChange;
  /** Present when the case is in follow-up. */
  followUp?: FollowUpFacts;
  /** Present after every change the case writer makes. */
  records?: RecordFacts;
}

/** The case's earliest pending deadline after the change, kept on the case row for the queue. */
export interface NextDue {
  dueAt: Date;
  kind: string;
}

/** A deadline as the case detail shows it: api.md's fields; the deadlines domain answers its fuller DeadlineView. */
export interface CaseDeadline {
  id: string;
  kind: string;
  dueAt: string;
  status: string;
  escalationLevel: number;
}

/** A deadline row a new case is filed with: made in memory (its id too), written in the filing's one statement. */
export interface FilingDeadline {
  id: string;
  caseId: string;
  kind: string;
  refKey: string;
  dueAt: Date;
  remindAt: Date;
  status: 'pending';
  escalationLevel: 0;
  responsibleRole: Role;
  responsibleUserId: string | null;
  createdAt: Date;
}

/** The deadlines of a case submitted at filing: the rows to write, their views for the detail, the earliest. */
export interface FilingDeadlines {
  rows: FilingDeadline[];
  views: CaseDeadline[];
  next: NextDue | null;
}

/**
 * The port through which the deadlines domain follows the case: called inside the
 * write's transaction after every change, so deadlines and the case never disagree.
 */
export interface CaseLifecycleHooks {
  afterChange(event: LifecycleEvent): Promise<NextDue | null>;
  /**
   * The deadlines a brand-new case submitted at filing starts with, computed without a
   * statement (nothing to close or cancel on a new case; they need no timer: the breach
   * sweeper reads them from the rows). Null when this filing needs afterChange (work in
   * the database beyond the rows, e.g. a notification): the caller takes the full path.
   */
  planFiling(caseRow: Case, now: Date): FilingDeadlines | null;
  /** The case's deadlines for its detail view. */
  deadlinesOf(caseId: string): Promise<CaseDeadline[]>;
}

export const CASE_LIFECYCLE_HOOKS = Symbol('CASE_LIFECYCLE_HOOKS');
