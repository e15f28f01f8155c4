import type { EntityManager } from 'typeorm';
import type { Actor, Role } from '@shouhu/access';
import type { ApprovalKind, CaseStatus } from './domain';
import type { Case } from './entities/case.entity';

/** What just happened to a case, for code that must follow it in the same transaction. */
export type LifecycleChange =
  | { kind: 'submitted' }
  | { kind: 'status'; from: CaseStatus; to: CaseStatus }
  | { kind: 'assessment_recorded' }
  | { kind: 'measure_added'; measureId: string; dueAt: Date; ownerId: string | null; ownerRole: Role | null }
  | { kind: 'measure_closed'; measureId: string; done: boolean }
  | { kind: 'visit_recorded'; visitedAt: Date }
  | { kind: 'approval_requested'; approvalKind: ApprovalKind }
  | { kind: 'approval_decided'; approvalKind: ApprovalKind }
  | { kind: 'police' }
  | { kind: 'report_added' }
  | { kind: 'transferred' }
  /** A report on this case's child opened a case in a scope this case's users may not cover. */
  | { kind: 'related_report' };

/** Facts about the case that the visit schedule depends on. */
export interface FollowUpFacts {
  visitsSinceFollowUp: number;
  lastVisitAt: Date | null;
  warningLetterAt: Date | null;
}

export interface LifecycleEvent {
  manager: EntityManager;
  /** The case as it is after the change. */
  caseRow: Case;
  actor: Actor;
  change: LifecycleChange;
  /** Present when the case is in follow-up. */
  followUp?: FollowUpFacts;
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

/**
 * The port through which the deadlines domain follows the case: called inside the
 * write's transaction after every change, so deadlines and the case never disagree.
 */
export interface CaseLifecycleHooks {
  afterChange(event: LifecycleEvent): Promise<NextDue | null>;
  /** The case's deadlines for its detail view. */
  deadlinesOf(caseId: string): Promise<CaseDeadline[]>;
}

export const CASE_LIFECYCLE_HOOKS = Symbol('CASE_LIFECYCLE_HOOKS');
