/**
 * Helpers for test/e2e/deadlines.e2e-spec.ts: real worker processes spawned from
 * dist/, bounded polling, the deadlines queue as BullMQ sees it, and direct
 * counts of what the escalation steps wrote (events, notifications) per case.
 */
import { demoIds, DemoIds, expectStatus, sleep } from './cases';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Queue } from 'bullmq';
import type request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig } from '@shouhu/config';
import { JobName, openQueue, QueueName } from '@shouhu/jobs';
import type { EventType } from '@shouhu/timeline';
import { bearer, TestApi, tokenFor } from './test-app';

export const ROOT = resolve(__dirname, '../..');
export const WORKER_MAIN = join(ROOT, 'dist/apps/worker/src/main.js');
export { sleep };

/** A timer for Promise.race that does not keep the test process alive once the race is over. */
function deadline(ms: number): { elapsed: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((r) => (timer = setTimeout(r, ms)));
  return { elapsed, cancel: () => clearTimeout(timer) };
}

// ── Polling ────────────────────────────────────────────────────────────────

/**
 * Polls `probe` until it returns something truthy (returned) or the time is up
 * (an error naming what was awaited and the last value seen). Never sleeps longer
 * than `everyMs` past the moment the condition holds.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, { timeoutMs = 15_000, everyMs = 100 } = {}): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = await probe();
    if (last) return last as T;
    if (Date.now() >= until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await sleep(everyMs);
  }
}

// ── Worker processes ───────────────────────────────────────────────────────

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<WorkerProcess>();

/**
 * Spawns the compiled worker (dist/apps/worker/src/main.js) with the test
 * environment plus `env`, and resolves once it logged "worker started" (its
 * processors are consuming). Every worker started here is stopped by
 * stopAllWorkers(), and killed if the test process exits first.
 */
export async function startWorker(env: Record<string, string>, timeoutMs = 20_000): Promise<WorkerProcess> {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: build first (scripts/test.sh does unless SHOUHU_NO_BUILD=1)`);
  const child = spawn(process.execPath, [WORKER_MAIN], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let started = false;
  let onStarted: () => void = () => undefined;
  const startedOnce = new Promise<void>((r) => (onStarted = r));
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (lines.length > 60) lines.shift();
      if (!started && line.includes('"msg":"worker started"')) {
        started = true;
        onStarted();
      }
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  let stopping: Promise<void> | undefined;
  const worker: WorkerProcess = {
    pid: child.pid as number,
    child,
    output: () => lines.join('\n'),
    stop() {
      stopping ??= (async () => {
        running.delete(worker);
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const grace = deadline(8_000);
        const done = await Promise.race([exited.then(() => true), grace.elapsed.then(() => false)]);
        grace.cancel();
        if (!done) {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
  running.add(worker);

  const limit = deadline(timeoutMs);
  const outcome = await Promise.race([
    startedOnce.then(() => 'started' as const),
    exited.then((code) => `exited with code ${code}` as const),
    limit.elapsed.then(() => `did not start within ${timeoutMs} ms` as const),
  ]);
  limit.cancel();
  if (outcome !== 'started') {
    await worker.stop();
    throw new Error(`worker ${outcome}:\n${worker.output()}`);
  }
  return worker;
}

/** Stops every worker this process started (SIGTERM, then SIGKILL after 8 s). */
export async function stopAllWorkers(): Promise<void> {
  await Promise.all([...running].map((w) => w.stop()));
}

process.once('exit', () => {
  for (const w of running) if (w.child.exitCode === null) w.child.kill('SIGKILL');
});

// ── The deadlines queue ────────────────────────────────────────────────────

/** The deadlines queue on the configuration's Redis and prefix (what the API and workers use). */
export function deadlinesQueue(config: AppConfig): Queue {
  return openQueue(config, QueueName.Deadlines);
}

/**
 * Hands the workers a few jobs that touch the database and change nothing (a due
 * timer of a deadline that does not exist), and waits until they are done: the
 * workers are then consuming, warm, and connected to PostgreSQL.
 */
export async function warmUp(queue: Queue, jobs = 8): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < jobs; i += 1) {
    const jobId = `warmup-${randomUUID()}`;
    await queue.add(JobName.DeadlineDue, { deadlineId: randomUUID() }, { jobId });
    ids.push(jobId);
  }
  for (const jobId of ids) {
    const job = await finishedJob(queue, jobId, 20_000);
    if (job.state !== 'completed' || job.returnvalue !== 'noop') throw new Error(`warm-up job ${jobId}: ${JSON.stringify(job)}`);
  }
}

/** Waits until a job has finished (completed or failed) and returns its state and return value. */
export async function finishedJob(queue: Queue, jobId: string, timeoutMs = 10_000): Promise<{ state: string; returnvalue: unknown; failedReason?: string }> {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const job = await queue.getJob(jobId);
      if (!job?.finishedOn) return null;
      return { state: await job.getState(), returnvalue: job.returnvalue as unknown, failedReason: job.failedReason };
    },
    { timeoutMs },
  );
}

// ── The API ────────────────────────────────────────────────────────────────

/** Ids of the demo district's jurisdictions (the same lookup the case tests use). */
export type DemoPlaces = DemoIds;
export const demoPlaces = (api: TestApi): Promise<DemoPlaces> => demoIds(api);

export { expectStatus };

export async function apiGet(api: TestApi, as: string, path: string): Promise<request.Response> {
  return api.http.get(path).set(bearer(await tokenFor(api, as)));
}

export async function apiPost(api: TestApi, as: string, path: string, body: object = {}): Promise<request.Response> {
  return api.http
    .post(path)
    .set(bearer(await tokenFor(api, as)))
    .send(body);
}

export interface FiledCase {
  id: string;
  caseNo: string;
  version: number;
  reportedAt: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export type CaseKind =
  /** R1 family violence, police not told (with the reason why): accept_report and police_report, both 1 h. */
  | 'r1-violence-no-police'
  /** R1 child under 8 alone: accept_report (1 h) only. */
  | 'r1-neglect'
  /** R4 welfare need: accept_report in 72 h only. */
  | 'r4-welfare';

/** A case body for POST /api/cases: a child no other test uses, submitted. */
export function deadlineCaseBody(communityId: string, kind: CaseKind): Record<string, unknown> {
  const tag = randomBytes(4).toString('hex');
  const age = 3 + (randomBytes(1)[0] % 10);
  const birth = new Date(Date.now() - (age * 365 + (randomBytes(1)[0] % 300)) * 24 * 3600_000).toISOString().slice(0, 10);
  const base = {
    communityId,
    child: { name: `期限${tag}`, sex: 'male', birthDate: birth, address: '测试路8号' },
    report: {
      reporterType: 'internal_discovery',
      reporterName: '走访人',
      discoveredAt: new Date(Date.now() - 3600_000).toISOString(),
      location: '测试小区',
      narrative: '入户走访时发现。',
    },
    submit: true,
  };
  switch (kind) {
    case 'r1-violence-no-police':
      return {
        ...base,
        categories: ['V01'],
        riskLevel: 'R1',
        report: { ...base.report, reporterType: 'mandatory_institution', reporterOrg: '测试小学', narrative: '儿童身上多处淤青，疑似家庭暴力。' },
        police: { notReportedReason: '监护人在场，先行安置儿童后再报警。' },
      };
    case 'r1-neglect':
      return {
        ...base,
        categories: ['N04'],
        riskLevel: 'R1',
        child: { ...base.child, birthDate: new Date(Date.now() - 5 * 365 * 24 * 3600_000).toISOString().slice(0, 10) },
      };
    case 'r4-welfare':
      return { ...base, categories: ['D05'], riskLevel: 'R4' };
  }
}

/** Files a case through the API (201) and returns the case detail. */
export async function fileCase(api: TestApi, as: string, communityId: string, kind: CaseKind): Promise<FiledCase> {
  const res = await apiPost(api, as, '/api/cases', deadlineCaseBody(communityId, kind));
  expectStatus(res, 201);
  return res.body as FiledCase;
}

export interface DeadlineRow {
  id: string;
  kind: string;
  refKey: string;
  dueAt: string;
  remindAt: string;
  status: 'pending' | 'met' | 'breached' | 'cancelled';
  escalationLevel: number;
  overdue: boolean;
  breachedAt: string | null;
  closedAt: string | null;
}

/** GET /api/cases/:id/deadlines. */
export async function deadlinesOf(api: TestApi, as: string, caseId: string): Promise<DeadlineRow[]> {
  const res = await apiGet(api, as, `/api/cases/${caseId}/deadlines`);
  expectStatus(res, 200);
  return res.body as DeadlineRow[];
}

export async function deadlineOf(api: TestApi, as: string, caseId: string, kind: string): Promise<DeadlineRow> {
  const rows = (await deadlinesOf(api, as, caseId)).filter((d) => d.kind === kind);
  if (rows.length !== 1) throw new Error(`expected one ${kind} deadline on case ${caseId}, found ${JSON.stringify(rows)}`);
  return rows[0];
}

// ── What the escalation steps wrote, straight from the database ────────────

export interface EventRow {
  seq: number;
  type: EventType;
  data: Record<string, unknown>;
}

export interface NotificationRow {
  id: string;
  userId: string;
  kind: string;
  dedupeKey: string;
}

/** Counts of events and notifications per case, read from PostgreSQL. */
export class Ledger {
  constructor(readonly db: DataSource) {}

  static of(api: TestApi): Ledger {
    return new Ledger(api.app.get(DataSource));
  }

  async events(caseId: string, type?: EventType): Promise<EventRow[]> {
    const rows: EventRow[] = await this.db.query(
      `SELECT seq, type, data FROM case_event WHERE case_id = $1 ${type ? 'AND type = $2' : ''} ORDER BY seq`,
      type ? [caseId, type] : [caseId],
    );
    return rows;
  }

  /** Events of a type about one deadline (data.deadlineId). */
  async eventsFor(caseId: string, type: EventType, deadlineId: string): Promise<EventRow[]> {
    return (await this.events(caseId, type)).filter((e) => e.data.deadlineId === deadlineId);
  }

  async notifications(caseId: string): Promise<NotificationRow[]> {
    return this.db.query(`SELECT id, user_id AS "userId", kind, dedupe_key AS "dedupeKey" FROM notification WHERE case_id = $1 ORDER BY created_at, id`, [
      caseId,
    ]);
  }

  /** Everything that may only happen once, as a comparable snapshot. */
  async snapshot(caseIds: string[]): Promise<Record<string, { events: number; notifications: number; deadlines: string }>> {
    const out: Record<string, { events: number; notifications: number; deadlines: string }> = {};
    for (const id of caseIds) {
      const deadlines: { id: string; status: string; escalation_level: number; reminded_at: Date | null; second_stage_done_at: Date | null }[] =
        await this.db.query('SELECT id, status, escalation_level, reminded_at, second_stage_done_at FROM deadline WHERE case_id = $1 ORDER BY id', [id]);
      out[id] = {
        events: (await this.events(id)).length,
        notifications: (await this.notifications(id)).length,
        deadlines: JSON.stringify(deadlines),
      };
    }
    return out;
  }

  async userId(username: string): Promise<string> {
    const [row]: { id: string }[] = await this.db.query('SELECT id FROM "user" WHERE username = $1', [username]);
    if (!row) throw new Error(`no user ${username}`);
    return row.id;
  }

  /** Active, approved users of a role in a jurisdiction (who a role-addressed notification reaches: OrgService.activeUserIdsWithRole). */
  async activeUserIds(role: string, jurisdictionId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM "user" WHERE role = $1 AND jurisdiction_id = $2 AND active AND status = 'active' ORDER BY id`,
      [role, jurisdictionId],
    );
    return rows.map((r) => r.id);
  }
}

// ── /metrics ───────────────────────────────────────────────────────────────

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition into samples (comments skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}
