import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createApiApp } from '../../apps/api/src/app';
import { AppConfig, configWith } from '@shouhu/config';

export const DEMO_PASSWORD = 'shouhu-demo';

export interface TestApi {
  app: NestFastifyApplication;
  http: TestAgent;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * The real API on the test database and Redis (npm test sets them up), in
 * process, with generous login limits unless a test sets its own.
 */
export async function startApi(overrides: Record<string, string> = {}): Promise<TestApi> {
  const config = configWith({ LOGIN_MAX_ATTEMPTS_PER_IP: '100000', LOGIN_MAX_FAILURES_PER_USERNAME: '1000', ...overrides });
  const app = await createApiApp(config, { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, http: request(app.getHttpServer()), config, close: () => app.close() };
}

const tokens = new Map<string, string>();

/** A bearer token for a demo (or test-created) user; cached per username. */
export async function tokenFor(api: TestApi, username: string, password = DEMO_PASSWORD): Promise<string> {
  const cached = tokens.get(`${username}:${password}`);
  if (cached) return cached;
  const res = await api.http.post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  tokens.set(`${username}:${password}`, res.body.accessToken);
  return res.body.accessToken as string;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Expects api.md's error body with this status and code. */
export function expectError(res: request.Response, status: number, code: string): void {
  if (res.status !== status || res.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  expect(typeof res.body.message).toBe('string');
  expect(Array.isArray(res.body.details)).toBe(true);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}
