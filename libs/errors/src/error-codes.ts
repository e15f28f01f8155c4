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
