import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import { AppConfig, processConfig } from '@shouhu/config';
import { ApiModule, requestIdFor } from './api.module';
import { AllExceptionsFilter, answerClientError, answerFrameworkError } from './http/all-exceptions.filter';
import { serveConsole } from './http/console';
import { HttpMetrics } from './http/http-metrics';
import { installNestingLimit } from './http/nesting';
import { createValidationPipe } from './http/validation';
import { createOpenApiDocument } from './openapi';

/**
 * Builds the HTTP application (Fastify: about 25% more requests per second than
 * Express on this stack, see README). Used by main.ts and by the e2e tests.
 */
export async function createApiApp(config: AppConfig = processConfig(), options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    genReqId: (req: IncomingMessage) => {
      const id = requestIdFor(req);
      (req as IncomingMessage & { id?: string }).id = id;
      return id;
    },
    logger: false,
    // What Fastify and Node refuse before any route (a bad URL, a too-long head) gets api.md's error body too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  else app.useLogger(false);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // No answer of the API may rest in a browser's or a proxy's cache: it may hold a child's identity.
    // (Only the console's own files say otherwise, see serveConsole.)
    void reply.header('cache-control', 'no-store');
  });
  installNestingLimit(fastify);
  // The security headers, built once: @fastify/helmet rebuilt helmet's middleware (and parsed the
  // policy anew) on every request, 3 % of a filing's CPU.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // The console and the docs UI load scripts from files only; antd writes its styles inline.
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));

  app.get(HttpMetrics).install(fastify);
  await serveConsole(app, config.CONSOLE_DIR);
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  SwaggerModule.setup('api/docs', app, createOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
