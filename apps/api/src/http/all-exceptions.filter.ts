import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { codeOfStatus, ErrorBody, statusOf } from './error-body';

/** Messages safe to show for framework errors; anything else gets a generic one. */
const FRAMEWORK_MESSAGES: Record<number, string> = {
  400: 'the request is malformed',
  404: 'no such route',
  405: 'method not allowed',
  413: 'the request body is too large',
  415: 'unsupported content type; send application/json',
};

/**
 * Turns every error into api.md's error body. Domain errors carry their code;
 * framework errors keep their 4xx status; anything else is a plain 500 with the
 * request id, logged with its stack and never shown to the client.
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
    if (body.statusCode >= 500 && body.code === ErrorCode.InternalError) {
      this.logger.error({ err: error, requestId, msg: `unhandled error on ${request.method} ${request.url}` });
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
