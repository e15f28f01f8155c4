// Deadlines on time at volume (issue 14, point 5): BENCH_DEADLINES (default 100,000) deadlines of as many fresh
// cases fall due spread over BENCH_DEADLINE_SPREAD_S (60) seconds, starting BENCH_DEADLINE_LEAD_S (10) seconds after
// they are inserted; this script starts its own worker processes (dist/apps/worker/src/main.js: stop any other worker
// of the database first), once with 1 worker and once with 2 (BENCH_DEADLINE_WORKERS, default "1,2"), waits until
// every deadline is breached (or BENCH_DEADLINE_TIMEOUT_S, default 240), and measures from the rows: how many were
// breached, any breached twice (more than one deadline.breached event for a deadline), any without its event, any
// whose breach notifications are not exactly one per recipient (the street's supervisors and the district's staff),
// the lateness breached_at − due_at (p50, p99, max), and each worker's RSS at the end. BENCH_DEADLINE_LEAD_S (30)
// leaves time to insert the deadlines and their timers before the first falls due.
//   DATABASE_URL=<migrated and seeded bench database> REDIS_URL=… QUEUE_PREFIX=… [BENCH_OUT=<file>] node bench/deadlines.mjs
// The rows only, as the breach sweeper takes them (BENCH_DEADLINE_TIMERS=1 also arms each one's BullMQ due timer, as a
// filing does: 100,000 timers added in the lead time, then as many backstop jobs beside the sweep); the cases are
// inserted in bulk, as bench/bulk-cases.sql does, in the seeded district. Prints one Markdown line per run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssMb } from './cpu.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { Queue } = require('bullmq');
const Redis = require('ioredis');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER_MAIN = join(ROOT, 'dist/apps/worker/src/main.js');
const { deadlineJobId, heartbeatKey } = require(join(ROOT, 'dist/libs/jobs/src/job-registry.js'));

const N = Number(process.env.BENCH_DEADLINES ?? 100_000);
const SPREAD_S = Number(process.env.BENCH_DEADLINE_SPREAD_S ?? 60);
const LEAD_S = Number(process.env.BENCH_DEADLINE_LEAD_S ?? 30);
const TIMEOUT_S = Number(process.env.BENCH_DEADLINE_TIMEOUT_S ?? 240);
const WORKERS = (process.env.BENCH_DEADLINE_WORKERS ?? '1,2')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const TIMERS = process.env.BENCH_DEADLINE_TIMERS === '1';
const { DATABASE_URL, REDIS_URL, QUEUE_PREFIX } = process.env;
if (!DATABASE_URL || !REDIS_URL || !QUEUE_PREFIX) throw new Error('DATABASE_URL, REDIS_URL and QUEUE_PREFIX are required');

const say = (msg) => process.stderr.write(`[deadlines] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const db = new Client({ connectionString: DATABASE_URL });
await db.connect();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const queue = new Queue('deadlines', { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix: QUEUE_PREFIX });
const one = async (sql, params) => (await db.query(sql, params)).rows[0];

/** Spawns a worker and resolves once some worker wrote the heartbeat after it started (its queues are consumed). */
async function startWorker() {
  const since = Date.now();
  const child = spawn(process.execPath, [WORKER_MAIN], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  for (let i = 0; i < 150; i += 1) {
    if (child.exitCode !== null) throw new Error(`the worker exited with code ${child.exitCode}`);
    if (Number((await redis.get(heartbeatKey(QUEUE_PREFIX))) ?? 0) >= since) return { child, exited };
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('the worker did not start within 30 s');
}

/** Waits until nothing else is due in the database (the workers' start-up sweep of older rows), so the measure sees only this run's rows. */
async function settle() {
  for (let i = 0; i < 600; i += 1) {
    const { n } = await one(`SELECT count(*)::int AS n FROM deadline WHERE status = 'pending' AND due_at <= now() + interval '1 second'`);
    if (n === 0) return;
    await sleep(500);
  }
  throw new Error('older due deadlines are still pending after 5 minutes');
}

/** N fresh cases (own tag) in the seeded district, inserted before the run (their next due time is kept by the sweep when it breaches). */
async function insertCases(tag) {
  const t = Date.now();
  await db.query('BEGIN');
  await db.query(
    `CREATE TEMP TABLE comm ON COMMIT DROP AS
       SELECT id, street_id, district_id, (row_number() OVER (ORDER BY code)) - 1 AS i FROM jurisdiction WHERE level = 'community'`,
  );
  await db.query(
    `INSERT INTO child (id, name, sex, birth_date, street_id)
     SELECT md5($1 || '-child-' || g)::uuid, '期限压测' || g, (ARRAY['female', 'male'])[1 + g % 2]::child_sex, date '2012-01-01' + (g % 3000), c.street_id
       FROM generate_series(1, $2::int) g JOIN comm c ON c.i = g % (SELECT count(*) FROM comm)`,
    [tag, N],
  );
  await db.query(
    `INSERT INTO "case" (id, case_no, status, risk_level, categories, child_id, community_id, street_id, district_id, created_by_id, reported_at, version)
     SELECT md5($1 || '-case-' || g)::uuid, 'DL' || $1 || '-' || lpad(g::text, 7, '0'), 'submitted', 'R2', ARRAY['N02']::varchar[],
            md5($1 || '-child-' || g)::uuid, c.id, c.street_id, c.district_id, (SELECT id FROM "user" WHERE username = 'admin'),
            now() - make_interval(mins => g % 43200), 1
       FROM generate_series(1, $2::int) g JOIN comm c ON c.i = g % (SELECT count(*) FROM comm)`,
    [tag, N],
  );
  await db.query('COMMIT');
  say(`inserted ${N} cases in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/**
 * One accept_report deadline per case, due from LEAD_S to LEAD_S + SPREAD_S seconds after this statement; a one-day
 * window (its second stage a day later); the reminder already sent. Then, like a filing, each one's due timer.
 */
async function insertDeadlines(tag) {
  const t = Date.now();
  const { rows } = await db.query(
    `INSERT INTO deadline (case_id, kind, due_at, remind_at, reminded_at, status, responsible_role, created_at)
     SELECT md5($1 || '-case-' || g)::uuid, 'accept_report', d.due, d.due - interval '6 hours', now(), 'pending', 'street_supervisor', d.due - interval '1 day'
       FROM generate_series(1, $2::int) g,
            LATERAL (SELECT now() + make_interval(secs => $3::double precision + $4::double precision * (g - 1) / $2::int) AS due) d
     RETURNING id, case_id, due_at`,
    [tag, N, LEAD_S, SPREAD_S],
  );
  await db.query('DROP TABLE IF EXISTS mine');
  await db.query('CREATE TEMP TABLE mine (id uuid PRIMARY KEY, case_id uuid)');
  await db.query('INSERT INTO mine SELECT * FROM unnest($1::uuid[], $2::uuid[])', [rows.map((r) => r.id), rows.map((r) => r.case_id)]);
  await db.query('ANALYZE mine');
  if (TIMERS) {
    const now = Date.now();
    for (let i = 0; i < rows.length; i += 1000) {
      await queue.addBulk(
        rows.slice(i, i + 1000).map((r) => ({
          name: 'deadline.due',
          data: { deadlineId: r.id },
          opts: { jobId: deadlineJobId(r.id, 'due'), delay: Math.max(0, r.due_at.getTime() - now), removeOnComplete: { age: 3600, count: 5000 } },
        })),
      );
    }
  }
  const times = rows.map((r) => r.due_at.getTime());
  const first = new Date(times.reduce((a, b) => Math.min(a, b)));
  say(
    `inserted ${N} deadlines${TIMERS ? ' and their due timers' : ''} in ${((Date.now() - t) / 1000).toFixed(1)} s; the first falls due in ${((first.getTime() - Date.now()) / 1000).toFixed(1)} s`,
  );
  return { first, last: new Date(times.reduce((a, b) => Math.max(a, b))) };
}

/** What the rows say about this run's deadlines. */
async function measure() {
  const mine = `SELECT d.* FROM deadline d JOIN mine m ON m.id = d.id`;
  const late = await one(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'breached')::int AS breached,
            count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE breached_at < due_at)::int AS early,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM breached_at - due_at) * 1000) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM breached_at - due_at) * 1000) AS p99,
            max(extract(epoch FROM breached_at - due_at) * 1000) AS max
       FROM (${mine}) d`,
  );
  const events = await one(
    `SELECT count(*) FILTER (WHERE e.n > 1)::int AS twice, count(*) FILTER (WHERE e.n IS NULL)::int AS missing
       FROM (${mine}) d
       LEFT JOIN (SELECT data->>'deadlineId' AS id, count(*) AS n FROM case_event
                   WHERE type = 'deadline.breached' AND case_id IN (SELECT case_id FROM (${mine}) x) GROUP BY 1) e ON e.id = d.id::text`,
  );
  // One notification per recipient: the street's active supervisors and the district's active staff.
  const notes = await one(
    `WITH d AS (${mine}),
          want AS (SELECT d.id, (SELECT count(*) FROM "user" u WHERE u.active AND u.status = 'active' AND
                                   ((u.role = 'street_supervisor' AND u.jurisdiction_id = c.street_id) OR (u.role = 'district_staff' AND u.jurisdiction_id = c.district_id))) AS n
                     FROM d JOIN "case" c ON c.id = d.case_id),
          got AS (SELECT split_part(dedupe_key, ':', 2) AS id, count(*) AS n FROM notification
                   WHERE kind = 'deadline.breached' AND case_id IN (SELECT case_id FROM d) GROUP BY 1)
     SELECT count(*) FILTER (WHERE coalesce(got.n, 0) <> want.n)::int AS wrong, coalesce(sum(got.n), 0)::int AS total
       FROM want LEFT JOIN got ON got.id = want.id::text`,
  );
  return { late, events, notes };
}

const runs = [];
try {
  for (const workers of WORKERS) {
    say(`${workers} worker(s): starting…`);
    const procs = [];
    for (let i = 0; i < workers; i += 1) procs.push(await startWorker());
    const tag = randomBytes(3).toString('hex');
    await insertCases(tag);
    await settle();
    const { first: firstDue, last: lastDue } = await insertDeadlines(tag);
    const until = firstDue.getTime() + SPREAD_S * 1000 + TIMEOUT_S * 1000;
    let left = N;
    for (;;) {
      // (By the status and due index: nothing else is due in this range.)
      ({ n: left } = await one(`SELECT count(*)::int AS n FROM deadline WHERE status = 'pending' AND due_at BETWEEN $1 AND $2`, [firstDue, lastDue]));
      if (left === 0 || Date.now() > until) break;
      await sleep(1000);
    }
    const drainedAt = Date.now();
    const rss = procs.map((p) => rssMb(p.child.pid));
    const { late, events, notes } = await measure();
    const run = {
      workers,
      deadlines: late.total,
      spreadSeconds: SPREAD_S,
      timers: TIMERS,
      breached: late.breached,
      pendingLeft: late.pending,
      breachedEarly: late.early,
      breachedTwice: events.twice,
      withoutEvent: events.missing,
      notifications: notes.total,
      deadlinesWithWrongNotifications: notes.wrong,
      latenessMs: { p50: Math.round(late.p50 ?? NaN), p99: Math.round(late.p99 ?? NaN), max: Math.round(late.max ?? NaN) },
      drainedSecondsAfterLastDue: Math.round((drainedAt - (firstDue.getTime() + SPREAD_S * 1000)) / 100) / 10,
      workerRssMb: rss,
      ok: late.breached === late.total && events.twice === 0 && events.missing === 0 && notes.wrong === 0 && late.early === 0 && (late.p99 ?? Infinity) <= 1000,
    };
    runs.push(run);
    console.log(
      `| deadlines: ${run.deadlines} due over ${SPREAD_S} s, ${workers} worker(s) | breached ${run.breached}, twice ${run.breachedTwice}, without event ${run.withoutEvent}, wrong notifications ${run.deadlinesWithWrongNotifications} | lateness p50 ${run.latenessMs.p50} ms, p99 ${run.latenessMs.p99} ms, max ${run.latenessMs.max} ms | worker RSS ${rss.join(' / ')} MB | ${run.ok ? 'met' : 'NOT met'} (p99 ≤ 1 s, each once) |`,
    );
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.race([Promise.all(procs.map((p) => p.exited)), sleep(10_000)]);
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
} finally {
  await queue.close();
  redis.disconnect();
  await db.end();
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${JSON.stringify({ deadlines: N, spreadSeconds: SPREAD_S, runs }, null, 2)}\n`);
