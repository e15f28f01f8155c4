export { DomainError } from './domain-error';
export { ErrorCode } from './error-codes';
export type { FieldProblem } from './error-codes';
export { isDatabaseError, isDatabaseUnavailable, safeErrorFields } from './safe-error';
export type { SafeErrorFields } from './safe-error';
export { charCount, MaxChars, MinChars } from './text-length';
