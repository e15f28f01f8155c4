export * from './domain';
export { policeAlertOpen } from './statutory-rules';
export * from './dto/case.dto';
export * from './dto/transition.dto';
export { ageInYears, birthDateProblem, IsDateTime } from './dto/validators';
export { ageInYearsSql, ageParams, CaseRepository, CASE_FIELDS } from './case.repository';
export { caseScope } from './case-scope';
export { CaseApprovalsService } from './case-approvals.service';
export { CaseIntakeService } from './case-intake.service';
export type { CreateResult } from './case-intake.service';
export { CaseQueriesService } from './case-queries.service';
export { CaseRecordsService } from './case-records.service';
export { CaseGuardiansService, changedGuardianFields, GUARDIAN_FIELDS, guardianEventData } from './case-guardians.service';
export type { GuardianField } from './case-guardians.service';
export { CaseTransitionsService } from './case-transitions.service';
export { CaseWriter } from './case-writer';
export type { WriteContext } from './case-writer';
export {
  ApprovalListItemView,
  ApprovalListView,
  ApprovalView,
  AssessmentView,
  CaseDetailView,
  CaseListView,
  caseSummary,
  CaseSummaryView,
  ChildView,
  ClosureView,
  DEADLINE_VIEW_SCHEMA,
  FiledCaseView,
  GuardianView,
  MeasureView,
  NextDeadlineView,
  NoteView,
  PoliceView,
  ReporterView,
  ReportView,
  VisitView,
} from './case.views';
export { CaseErrors } from './cases.errors';
export { DemoCasesSeeder } from './demo-cases.seeder';
export { CASE_ENTITIES, CasesModule } from './cases.module';
export type { CasesModuleOptions } from './cases.module';
export { FIELD_CIPHER } from './field-cipher.provider';
export { Approval } from './entities/approval.entity';
export { Assessment } from './entities/assessment.entity';
export { Case } from './entities/case.entity';
export { CaseOwned } from './entities/case-owned';
export { CaseNumberCounter } from './entities/case-number.entity';
export { Child } from './entities/child.entity';
export { Guardian } from './entities/guardian.entity';
export { Measure } from './entities/measure.entity';
export { Note } from './entities/note.entity';
export { OutcomeFeedback } from './entities/outcome-feedback.entity';
export { Report } from './entities/report.entity';
export { Visit } from './entities/visit.entity';
export { CASE_LIFECYCLE_HOOKS } from './lifecycle-hooks';
export type { CaseDeadline, CaseLifecycleHooks, FollowUpFacts, LifecycleChange, LifecycleEvent, NextDue, RecordFacts } from './lifecycle-hooks';
export { actionsFor, CASE_ACTIONS, CaseAction, judge, ruleOf, toMermaid, TRANSITION_ACTIONS, TRANSITION_REQUIRES, WORKFLOW } from './workflow';
export type { ApprovalRule, TransitionAction, Verdict, WorkflowRule } from './workflow';
