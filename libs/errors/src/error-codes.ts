/**
 * Every error code a client can see (api.md "Errors"). The API's exception filter
 * maps each to an HTTP status with an exhaustive switch, so adding a code without
 * deciding its status does not compile.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedRequest = 'MALFORMED_REQUEST',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  UsernameTaken = 'USERNAME_TAKEN',
  Conflict = 'CONFLICT',
  SelfLockout = 'SELF_LOCKOUT',
  /** The action is not allowed from the case's current state. */
  InvalidTransition = 'INVALID_TRANSITION',
  /** Someone changed the case since the caller read its version. */
  StaleVersion = 'STALE_VERSION',
  /** Follow-up cannot begin while a measure is still planned. */
  MeasuresOpen = 'MEASURES_OPEN',
  /** The step already waits for a decision. */
  ApprovalPending = 'APPROVAL_PENDING',
  /** The intervention plan needs an assessment and at least one measure. */
  PlanIncomplete = 'PLAN_INCOMPLETE',
  /** Nobody decides their own request. */
  SelfApproval = 'SELF_APPROVAL',
  /** The risk level is below the floor the report's items and categories set (domain.md §4). */
  RiskBelowFloor = 'RISK_BELOW_FLOOR',
  /** A risk_resolved closure whose conditions the record does not meet (domain.md §8); details[] names each. */
  ClosureConditionsUnmet = 'CLOSURE_CONDITIONS_UNMET',
  /** Closing as not substantiated needs evidence: a visit record or an attachment. */
  EvidenceRequired = 'EVIDENCE_REQUIRED',
  /** Another business rule of domain.md refused the request (the message says which). */
  RuleViolation = 'RULE_VIOLATION',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  TooManyAttempts = 'TOO_MANY_ATTEMPTS',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  InternalError = 'INTERNAL_ERROR',
}

export interface FieldProblem {
  field: string;
  message: string;
}
