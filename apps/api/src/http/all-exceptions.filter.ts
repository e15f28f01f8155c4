import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, isDatabaseUnavailable, safeErrorFields } from '@shouhu/errors';
import { codeOfStatus, ErrorBody, statusOf } from './error-body';

/** Messages safe to show for framework errors; anything else gets a generic one. */
const FRAMEWORK_MESSAGES: Record<number, string> = {
  400: 'the request is malformed',
  404: 'no such route',
  405: 'method not allowed',
  413: 'the request body is too large',
  415: 'unsupported content type; send application/json',
};

/** Seconds a client should wait before retrying while PostgreSQL is unreachable. */
export const DB_RETRY_AFTER_SECONDS = 5;

/**
 * Turns every error into api.md's error body. Domain errors carry their code;
 * framework errors keep their 4xx status; PostgreSQL out of reach is a 503 with
 * Retry-After; anything else is a plain 500 with the request id, logged with its
 * stack and never shown to the client. A log line names the error's class,
 * SQLSTATE, constraint and stack frames only: never a message of the driver nor a
 * query parameter (they hold names, addresses, phones and narratives).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const requestId = String(request.id ?? '');
    const body = this.toBody(error, requestId);
    const route = request.routeOptions?.url ?? 'unknown route';
    if (body.statusCode >= 500 && body.code === ErrorCode.InternalError) {
      this.logger.error({ error: safeErrorFields(error), requestId, msg: `unhandled error on ${request.method} ${route}` });
    } else if (body.statusCode === 503 && !(error instanceof DomainError)) {
      this.logger.warn({ error: safeErrorFields(error), requestId, msg: `database unavailable on ${request.method} ${route}` });
      void reply.header('Retry-After', String(DB_RETRY_AFTER_SECONDS));
    }
    if (error instanceof DomainError) {
      for (const [name, value] of Object.entries(error.options.headers ?? {})) void reply.header(name, value);
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(error: unknown, requestId: string): ErrorBody {
    if (error instanceof DomainError) {
      return {
        statusCode: statusOf(error.code),
        code: error.code,
        message: error.message,
        details: error.details,
        requestId,
        ...(error.options.extra ?? {}),
      };
    }
    // Two writes that locked the same rows in opposite orders: PostgreSQL picks a victim; it may retry.
    const pgCode = (error as { driverError?: { code?: string } } | null)?.driverError?.code;
    if (pgCode === '40P01' || pgCode === '40001' || pgCode === '55P03') {
      return { statusCode: 409, code: ErrorCode.Conflict, message: 'a concurrent change got there first; reload and retry', details: [], requestId };
    }
    // Validation counts what the columns count; should a value still overflow, it is the input's fault, not a 500.
    if (pgCode === '22001') {
      return { statusCode: 400, code: ErrorCode.ValidationFailed, message: 'a value is longer than its field allows', details: [], requestId };
    }
    if (isDatabaseUnavailable(error)) {
      return {
        statusCode: 503,
        code: ErrorCode.ServiceUnavailable,
        message: 'the database is unavailable; retry shortly',
        details: [{ field: 'db', message: 'down' }],
        requestId,
      };
    }
    const status = frameworkStatus(error);
    if (status !== undefined && status < 500) {
      const code = codeOfStatus(status);
      return { statusCode: status, code, message: FRAMEWORK_MESSAGES[status] ?? messageOf(error, status), details: [], requestId };
    }
    return { statusCode: 500, code: ErrorCode.InternalError, message: 'internal error; quote the request id when reporting it', details: [], requestId };
  }
}

function frameworkStatus(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function messageOf(error: unknown, status: number): string {
  if (error instanceof HttpException) {
    const response = error.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return `request failed with status ${status}`;
}

/**
 * What Fastify answers itself, before any route or filter: a path with a malformed
 * percent-escape (FST_ERR_BAD_URL) or a path parameter over maxParamLength
 * (FST_ERR_MAX_PARAM_LENGTH). api.md's error body too, never Fastify's own (which
 * echoes the URL). Given to the FastifyAdapter as `frameworkErrors`.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const body: ErrorBody = {
    statusCode: 400,
    code: tooLong ? ErrorCode.ValidationFailed : ErrorCode.MalformedRequest,
    message: tooLong ? 'a path parameter is too long' : 'the URL path is not valid percent-encoded UTF-8',
    details: [{ field: 'path', message: tooLong ? 'has a parameter longer than 100 characters' : 'is not valid percent-encoded UTF-8' }],
    requestId: String(request.id ?? ''),
  };
  void reply
    .status(400)
    .header('x-request-id', body.requestId)
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json; charset=utf-8')
    .send(body);
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (a request line and
 * headers over 16 KB: 431; a malformed request: 400; too slow: 408), answered with
 * api.md's error body instead of Fastify's default. Given to the FastifyAdapter as
 * `clientErrorHandler`.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message, field] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request line and headers are too large (at most 16 KB)', 'headers']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive in time', 'request']
        : [400, 'the request is malformed', 'request'];
  const requestId = randomUUID();
  const body = JSON.stringify({ statusCode: status, code: ErrorCode.MalformedRequest, message, details: [{ field, message: 'is malformed' }], requestId });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
