/**
 * Two api processes and two workers (compiled, from dist/) on one primary and its streaming replica
 * (npm run test:cluster). Filings and transitions go through both apis, and each write is read back
 * at once through the OTHER api (read-your-own-writes across processes); the due deadlines are
 * breached once each by the two workers; the apis read on the replica. A timed mixed load gives the
 * figures SCALING.md quotes (req/s, replica lag), printed and written to .shouhu/cluster/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ApiProcess, spawnApi } from '../helpers/processes';
import { deadlineCaseBody, startWorker, waitFor, WorkerProcess } from '../helpers/deadlines';

const SCALE = '0.002'; // 1 h → 7.2 s
const QUEUE_PREFIX = `${process.env.QUEUE_PREFIX ?? 'shouhu-test'}:scale`;
const ENV = { SLA_TIME_SCALE: SCALE, QUEUE_PREFIX, LOGIN_MAX_ATTEMPTS_PER_IP: '100000' };
const PASSWORD = 'shouhu-demo';
const LOAD_MS = Number(process.env.CLUSTER_LOAD_MS ?? 8000);

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

describe('two apis and two workers on a primary and a replica (cluster)', () => {
  let apis: ApiProcess[] = [];
  let workers: WorkerProcess[] = [];
  let primary: Client;
  let replica: Client;
  const tokens = new Map<string, string>();

  async function call(api: number, method: string, path: string, as: string | null, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (as) headers.authorization = `Bearer ${await token(as)}`;
    const res = await fetch(`${apis[api].url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  }

  async function token(username: string): Promise<string> {
    const known = tokens.get(username);
    if (known) return known;
    const res = await call(0, 'POST', '/api/auth/login', null, { username, password: PASSWORD });
    if (res.status !== 200) throw new Error(`login as ${username}: ${res.status}`);
    tokens.set(username, res.body.accessToken);
    return res.body.accessToken;
  }

  function ok(res: Answer, status: number, what: string): Answer {
    if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  beforeAll(async () => {
    primary = new Client({ connectionString: process.env.DATABASE_URL });
    replica = new Client({ connectionString: (process.env.DATABASE_REPLICA_URLS ?? '').split(',')[0] });
    await Promise.all([primary.connect(), replica.connect()]);
    // Generous start-up bounds: four Node processes starting at once on a small, busy machine.
    apis = await Promise.all([spawnApi({ ...ENV, LOG_LEVEL: 'warn' }, 60_000), spawnApi({ ...ENV, LOG_LEVEL: 'warn' }, 60_000)]);
    workers = await Promise.all([startWorker(ENV, 60_000), startWorker(ENV, 60_000)]);
  }, 150_000);

  afterAll(async () => {
    await Promise.all([...apis.map((a) => a.stop()), ...workers.map((w) => w.stop())]);
    await Promise.all([primary?.end(), replica?.end()].map((p) => p?.catch(() => undefined)));
  });

  it('files and moves cases through both apis, each write seen at once through the other; due deadlines breached once; reads on the replica', async () => {
    const tree = ok(await call(0, 'GET', '/api/jurisdictions', 'district1'), 200, 'jurisdictions').body as { code: string; id: string; children?: unknown[] }[];
    const byCode = new Map<string, string>();
    const walk = (nodes: { code: string; id: string; children?: unknown[] }[]) =>
      nodes.forEach((n) => (byCode.set(n.code, n.id), walk((n.children ?? []) as typeof nodes)));
    walk(tree);
    const community = byCode.get('440306-XA-01') as string;
    const [{ id: supId }] = (await primary.query(`SELECT id FROM "user" WHERE username = 'sup-xa'`)).rows as { id: string }[];

    const accepted: string[] = [];
    const left: string[] = [];
    for (let i = 0; i < 16; i++) {
      const via = i % 2;
      const other = 1 - via;
      const filed = ok(await call(via, 'POST', '/api/cases', 'dir-xa-01', deadlineCaseBody(community, 'r1-neglect')), 201, 'filing').body;
      // The other process reads it at once: the replica has replayed the filing, or the primary answers.
      const seen = ok(await call(other, 'GET', `/api/cases/${filed.id}`, 'sup-xa'), 200, 'detail through the other api').body;
      expect({ status: seen.status, version: seen.version }).toEqual({ status: filed.status, version: filed.version });
      if (i % 4 === 3) {
        left.push(filed.id);
        continue;
      }
      const moved = ok(
        await call(other, 'POST', `/api/cases/${filed.id}/transitions`, 'sup-xa', {
          action: 'accept',
          version: filed.version,
          riskLevel: 'R2',
          assigneeId: supId,
        }),
        200,
        'accept',
      ).body;
      const back = ok(await call(via, 'GET', `/api/cases/${filed.id}`, 'sup-xa'), 200, 'detail after the transition').body;
      expect({ status: back.status, version: back.version }).toEqual({ status: moved.status, version: moved.version });
      const queue = ok(await call(via, 'GET', `/api/cases?limit=100&status=${moved.status}`, 'sup-xa'), 200, 'queue').body;
      expect(queue.items.find((s: { id: string }) => s.id === filed.id)?.version).toBe(moved.version);
      accepted.push(filed.id);
    }

    // The apis' pools hold connections on the replica: their reads went there.
    const { rows: onReplica } = await replica.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'shouhu' AND backend_type = 'client backend'`,
    );
    expect(onReplica[0].n).toBeGreaterThan(0);

    // The cases nobody accepted: their accept_report deadline (1 h, 7.2 s here) breaches, once, whichever worker gets it.
    await waitFor(
      'every due accept_report deadline breached',
      async () => {
        const { rows } = await primary.query(
          `SELECT count(*)::int AS n FROM deadline WHERE case_id = ANY($1) AND kind = 'accept_report' AND status = 'breached'`,
          [left],
        );
        return rows[0].n === left.length;
      },
      { timeoutMs: 45_000, everyMs: 250 },
    );
    // Give a duplicate (a second worker, a retried job) time to show itself.
    await new Promise((r) => setTimeout(r, 1500));
    const { rows: breaches } = await primary.query<{ case_id: string; n: number }>(
      `SELECT c.id AS case_id, (SELECT count(*)::int FROM case_event e WHERE e.case_id = c.id AND e.type = 'deadline.breached') AS n
         FROM "case" c WHERE c.id = ANY($1)`,
      [[...left, ...accepted]],
    );
    const count = new Map(breaches.map((r) => [r.case_id, r.n]));
    for (const id of left) expect({ id, breaches: count.get(id) }).toEqual({ id, breaches: 1 });
    for (const id of accepted) {
      const { rows } = await primary.query(`SELECT status FROM deadline WHERE case_id = $1 AND kind = 'accept_report'`, [id]);
      expect(rows.map((r) => r.status)).toEqual(['met']);
    }

    // Every case's hash chain holds (the chain verified through an api: on the replica).
    for (const id of [...left, ...accepted]) {
      const verdict = ok(await call(0, 'GET', `/api/cases/${id}/timeline/verify`, 'district1'), 200, 'verify').body;
      expect(verdict.valid).toBe(true);
    }
  });

  it('carries a mixed load through both apis without a 5xx (the figures SCALING.md quotes)', async () => {
    const tree = ok(await call(1, 'GET', '/api/jurisdictions', 'district1'), 200, 'jurisdictions').body as { code: string; id: string; children?: unknown[] }[];
    const codes = new Map<string, string>();
    const walk = (nodes: { code: string; id: string; children?: unknown[] }[]) =>
      nodes.forEach((n) => (codes.set(n.code, n.id), walk((n.children ?? []) as typeof nodes)));
    walk(tree);
    const community = codes.get('440306-XA-01') as string;
    const ids: string[] = [];
    const statuses = new Map<number, number>();
    const kinds = { filing: 0, note: 0, detail: 0, queue: 0 };
    let lagBytes = 0;
    let lagMs = 0;
    const sampler = setInterval(() => {
      void primary
        .query<{ bytes: string | null; ms: number | null }>(
          `SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))::text AS bytes, max(extract(epoch FROM replay_lag) * 1000)::float8 AS ms FROM pg_stat_replication`,
        )
        .then(({ rows }) => {
          lagBytes = Math.max(lagBytes, Number(rows[0]?.bytes ?? 0));
          lagMs = Math.max(lagMs, Number(rows[0]?.ms ?? 0));
        })
        .catch(() => undefined);
    }, 100);
    const until = Date.now() + LOAD_MS;
    const started = Date.now();
    let n = 0;
    const client = async (k: number) => {
      for (let i = 0; Date.now() < until; i++) {
        const api = (k + i) % 2;
        const pick = (k * 7 + i) % 10;
        let res: Answer;
        if (pick === 0 || ids.length === 0) {
          kinds.filing++;
          res = await call(api, 'POST', '/api/cases', 'dir-xa-01', deadlineCaseBody(community, 'r4-welfare'));
          if (res.status === 201) ids.push(res.body.id);
        } else if (pick === 1) {
          kinds.note++;
          res = await call(api, 'POST', `/api/cases/${ids[i % ids.length]}/notes`, 'sup-xa', { text: `负载 load ${i}` });
        } else if (pick < 6) {
          kinds.detail++;
          res = await call(api, 'GET', `/api/cases/${ids[i % ids.length]}`, 'sup-xa');
        } else {
          kinds.queue++;
          res = await call(api, 'GET', '/api/cases?limit=20', 'sup-xa');
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        n++;
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(client));
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const figures = {
      at: new Date().toISOString(),
      loadSeconds: Math.round(seconds * 10) / 10,
      concurrency: 8,
      requests: n,
      requestsPerSecond: Math.round(n / seconds),
      mix: kinds,
      statuses: Object.fromEntries(statuses),
      replicaLagMaxBytes: lagBytes,
      replicaLagMaxMs: Math.round(lagMs * 10) / 10,
      apis: 2,
      workers: 2,
    };
    console.log(`cluster figures: ${JSON.stringify(figures)}`);
    const dir = join(__dirname, '..', '..', '.shouhu', 'cluster');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), JSON.stringify(figures, null, 2) + '\n');
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200]));
  });
});
