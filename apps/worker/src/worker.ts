import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { AppConfig, processConfig } from '@shouhu/config';
import { WorkerModule } from './worker.module';

/** The worker: an application context with BullMQ processors and no HTTP. */
export async function createWorker(config: AppConfig = processConfig(), options: { logger?: boolean } = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  else app.useLogger(false);
  app.enableShutdownHooks();
  return app;
}
