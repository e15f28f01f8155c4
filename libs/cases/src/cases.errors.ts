import { DomainError, ErrorCode, FieldProblem } from '@shouhu/errors';
import type { RiskFloor } from './statutory-rules';

export const CaseErrors = {
  notFound: () => DomainError.notFound('case'),
  roleForbidden: (role: string, action: string) => new DomainError(ErrorCode.Forbidden, `role ${role} may not ${action}`),
  invalidTransition: (action: string, status: string) => new DomainError(ErrorCode.InvalidTransition, `${action} is not allowed while the case is ${status}`),
  staleVersion: (given: number, current: number) =>
    new DomainError(ErrorCode.StaleVersion, `the case changed since version ${given}; it is now version ${current}: reload and retry`, [
      { field: 'version', message: `is ${given}, the case is at ${current}` },
    ]),
  missing: (fields: string[]) =>
    new DomainError(
      ErrorCode.ValidationFailed,
      `${fields.join(', ')} ${fields.length > 1 ? 'are' : 'is'} required`,
      fields.map((field): FieldProblem => ({ field, message: 'is required' })),
    ),
  invalid: (field: string, message: string) => DomainError.validation(field, message),
  rule: (message: string, field?: string) => new DomainError(ErrorCode.RuleViolation, message, field ? [{ field, message }] : []),
  measuresOpen: (count: number) =>
    new DomainError(ErrorCode.MeasuresOpen, `${count} measure${count > 1 ? 's are' : ' is'} still open: complete or cancel ${count > 1 ? 'them' : 'it'} first`),
  approvalPending: () => new DomainError(ErrorCode.ApprovalPending, 'this case already waits for a decision'),
  planIncomplete: (what: string) => new DomainError(ErrorCode.PlanIncomplete, `the intervention plan needs ${what}`),
  selfApproval: () => new DomainError(ErrorCode.SelfApproval, 'you cannot decide your own request'),
  riskBelowFloor: (field: string, floor: RiskFloor, message: string) =>
    new DomainError(ErrorCode.RiskBelowFloor, `the risk floor is ${floor.level} (${floor.reasons.join(', ')})`, [{ field, message }]),
  closureConditionsUnmet: (problems: FieldProblem[]) =>
    new DomainError(
      ErrorCode.ClosureConditionsUnmet,
      `the record does not meet ${problems.length} closure condition${problems.length > 1 ? 's' : ''}`,
      problems,
    ),
  evidenceRequired: () =>
    new DomainError(ErrorCode.EvidenceRequired, 'closing as not substantiated needs evidence: a visit record or an attachment', [
      { field: 'evidence', message: 'record a verification visit (or attach evidence) first' },
    ]),
  invalidInput: (problems: FieldProblem[]) => new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field} ${p.message}`).join('; '), problems),
};
