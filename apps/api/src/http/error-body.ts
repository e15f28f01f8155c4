import { DomainError, ErrorCode, FieldProblem } from '@shouhu/errors';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details: FieldProblem[];
  requestId: string;
  [extra: string]: unknown;
}

/** The HTTP status of each error code: exhaustive, so a new code must choose one. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.MalformedRequest:
      return 400;
    case ErrorCode.InvalidCredentials:
    case ErrorCode.Unauthenticated:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.MethodNotAllowed:
      return 405;
    case ErrorCode.UsernameTaken:
    case ErrorCode.Conflict:
    case ErrorCode.InvalidTransition:
    case ErrorCode.StaleVersion:
      return 409;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.SelfLockout:
    case ErrorCode.MeasuresOpen:
    case ErrorCode.ApprovalPending:
    case ErrorCode.PlanIncomplete:
    case ErrorCode.SelfApproval:
    case ErrorCode.RuleViolation:
      return 422;
    case ErrorCode.TooManyAttempts:
      return 429;
    case ErrorCode.InternalError:
      return 500;
    case ErrorCode.ServiceUnavailable:
      return 503;
  }
}

/** The code for a plain HTTP status raised by the framework (unknown route, body too large…). */
export function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return ErrorCode.MalformedRequest;
    case 401:
      return ErrorCode.Unauthenticated;
    case 403:
      return ErrorCode.Forbidden;
    case 404:
      return ErrorCode.NotFound;
    case 405:
      return ErrorCode.MethodNotAllowed;
    case 409:
      return ErrorCode.Conflict;
    case 413:
      return ErrorCode.PayloadTooLarge;
    case 415:
      return ErrorCode.UnsupportedMediaType;
    case 429:
      return ErrorCode.TooManyAttempts;
    case 503:
      return ErrorCode.ServiceUnavailable;
    default:
      return status >= 500 ? ErrorCode.InternalError : ErrorCode.MalformedRequest;
  }
}

export { DomainError };
