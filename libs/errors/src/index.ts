export { DomainError } from './domain-error';
export { ErrorCode } from './error-codes';
export type { FieldProblem } from './error-codes';
