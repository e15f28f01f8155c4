import { ErrorCode, FieldProblem } from './error-codes';

/** An error a domain raises on purpose; its code decides the HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: FieldProblem[] = [],
    readonly options: {
      /** Extra response headers, e.g. Retry-After. */
      headers?: Record<string, string>;
      /** Extra top-level fields of the error body (health names each dependency). */
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(field: string, message: string): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, `${field} ${message}`, [{ field, message }]);
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} not found`);
  }
}
