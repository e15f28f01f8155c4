import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { DomainError, ErrorCode, FieldProblem } from '@shouhu/errors';

export class FieldProblemView implements FieldProblem {
  @ApiProperty({ example: 'child.birthDate', description: 'the input field, dotted for nested ones' }) field: string;
  @ApiProperty({ example: 'must not be in the future' }) message: string;
}

/** api.md's error body: the answer of every non-2xx response (the filter builds nothing else). */
export class ErrorBody {
  @ApiProperty({ type: 'integer', example: 400 }) statusCode: number;
  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.ValidationFailed }) code: ErrorCode;
  @ApiProperty({ example: 'child.birthDate must not be in the future' }) message: string;
  @ApiProperty({ type: [FieldProblemView] }) details: FieldProblem[];
  @ApiProperty({ example: '5f0c6b2e-8d1a-4c3e-9b7a-2f4d6e8a1c3b', description: 'also in the x-request-id header; quote it when reporting a problem' })
  requestId: string;
  /** A few errors add fields of their own (a 503 of /api/health names each dependency). */
  [extra: string]: unknown;
}

/** The statuses a route may declare, with what each means in this API (api.md "Errors"). */
const ERROR_RESPONSES = {
  400: [
    'VALIDATION_FAILED (details name each field) or MALFORMED_REQUEST; unknown fields are refused, not ignored',
    ErrorCode.ValidationFailed,
    'child.birthDate must not be in the future',
    [{ field: 'child.birthDate', message: 'must not be in the future' }],
  ],
  401: ['UNAUTHENTICATED: no bearer token, or a bad, expired or revoked one', ErrorCode.Unauthenticated, 'a valid bearer token is required', []],
  403: ['FORBIDDEN: the caller’s role may never do this', ErrorCode.Forbidden, 'role community_director may not do this', []],
  404: ['NOT_FOUND: no such record, or none in the caller’s scope (the answer is the same)', ErrorCode.NotFound, 'case not found', []],
  409: [
    'INVALID_TRANSITION (not allowed from the current state), STALE_VERSION (someone changed it first) or CONFLICT',
    ErrorCode.StaleVersion,
    'the case changed since you read it; reload it',
    [],
  ],
  422: [
    'A business rule refused it: MEASURES_OPEN, APPROVAL_PENDING, PLAN_INCOMPLETE, RISK_BELOW_FLOOR, CLOSURE_CONDITIONS_UNMET (one details[] entry per unmet condition), EVIDENCE_REQUIRED, SELF_APPROVAL, SELF_LOCKOUT or RULE_VIOLATION (the message says which rule)',
    ErrorCode.RuleViolation,
    'a rejection needs a reason',
    [],
  ],
  429: [
    'TOO_MANY_ATTEMPTS: too many failed sign-ins for this username or from this address; retry after the Retry-After header',
    ErrorCode.TooManyAttempts,
    'too many login attempts; try again in 900 s',
    [],
  ],
  503: [
    'SERVICE_UNAVAILABLE: PostgreSQL is out of reach; retry after the Retry-After header',
    ErrorCode.ServiceUnavailable,
    'the database is unavailable; retry shortly',
    [{ field: 'db', message: 'down' }],
  ],
} as const satisfies Record<number, readonly [string, ErrorCode, string, readonly FieldProblem[]]>;

export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** What a route means by a status where it is narrower than the general meaning (login's 401 is INVALID_CREDENTIALS). */
export interface ErrorOverride {
  description: string;
  code?: ErrorCode;
  message?: string;
}

/** Declares the error responses a route can give, each with the ErrorBody schema and an example. */
export function ApiErrors(statuses: ErrorStatus[], overrides: Partial<Record<ErrorStatus, ErrorOverride>> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => {
      const [description, code, message, details] = ERROR_RESPONSES[status];
      const override = overrides[status];
      return ApiResponse({
        status,
        description: override?.description ?? description,
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorBody) },
            example: {
              statusCode: status,
              code: override?.code ?? code,
              message: override?.message ?? message,
              details,
              requestId: '5f0c6b2e-8d1a-4c3e-9b7a-2f4d6e8a1c3b',
            },
          },
        },
      });
    }),
  );
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
    case ErrorCode.RiskBelowFloor:
    case ErrorCode.ClosureConditionsUnmet:
    case ErrorCode.EvidenceRequired:
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
