// HTTP benchmarks against a running api (bench/run.sh starts one on a bench database).
// node bench/http.mjs <baseUrl> [all|queue|read|filing]  → prints a Markdown table of req/s and
// latency; BENCH_OUT=<file> writes the same figures as JSON (bench/run.sh collects them into
// latest.json), with BENCH_CASES_NOW (the cases in the database) beside them.
// `queue`: the two queue requests; `read`: those and GET /api/health/live; `filing`: the filings.
// Before the queue requests, BENCH_WARMUP seconds (1) of each, not counted.
import { writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const base = process.argv[2] ?? 'http://127.0.0.1:3900';
const mode = process.argv[3] ?? 'all';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);

async function login(username) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: process.env.DEMO_PASSWORD ?? 'shouhu-demo' }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return (await res.json()).accessToken;
}

function run(key, title, opts) {
  return new Promise((resolve, reject) => {
    const { path, ...rest } = opts;
    const conns = rest.connections ?? connections;
    autocannon({ url: base + path, connections, duration: seconds, ...rest }, (err, r) => {
      if (err) return reject(err);
      const bad = r.non2xx + r.errors + r.timeouts;
      resolve({
        key,
        title,
        cases: process.env.BENCH_CASES_NOW ? Number(process.env.BENCH_CASES_NOW) : null,
        connections: conns,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        total: r.requests.total,
        bad,
      });
    });
  });
}

const sup = await login('sup-xa');
const district = await login('district1');
const director = await login('dir-xa-01');
const me = await (await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${director}` } })).json();
let n = 0;
const results = [];
const queues = [
  ['queue-supervisor', 'GET /api/cases (supervisor’s default queue, 50 per page)', { path: '/api/cases', headers: { authorization: `Bearer ${sup}` } }],
  [
    'queue-district',
    'GET /api/cases?sort=dueAt&overdue=true (district)',
    { path: '/api/cases?sort=dueAt&overdue=true', headers: { authorization: `Bearer ${district}` } },
  ],
];
const warmup = Number(process.env.BENCH_WARMUP ?? 1);
if (mode !== 'filing') {
  if (warmup > 0) for (const [key, title, opts] of queues) await run(key, title, { ...opts, duration: warmup });
  for (const [key, title, opts] of queues) results.push(await run(key, title, opts));
}
const filing = (conns) => ({
  method: 'POST',
  path: '/api/cases',
  connections: conns,
  headers: { authorization: `Bearer ${director}`, 'content-type': 'application/json' },
  requests: [
    {
      setupRequest: (req) => {
        n += 1;
        req.body = JSON.stringify({
          communityId: me.jurisdiction.id,
          child: { name: `基准${process.pid}x${n}`, sex: 'female', birthDate: `${new Date().getUTCFullYear() - 12}-03-04` },
          categories: ['N04'],
          riskLevel: 'R3',
          report: { reporterType: 'internal_discovery', discoveredAt: new Date(Date.now() - 60_000).toISOString(), narrative: '压测 (benchmark)' },
        });
        return req;
      },
    },
  ],
});
if (mode === 'all' || mode === 'read') {
  results.push(await run('health-live', 'GET /api/health/live (the framework’s floor)', { path: '/api/health/live' }));
}
if (mode === 'all' || mode === 'filing') {
  // Filings at each of BENCH_FILING_CONNECTIONS, also beyond the pool size (DB_POOL_SIZE, 10 by
  // default): requests may queue, none may fail.
  for (const conns of (process.env.BENCH_FILING_CONNECTIONS ?? '1,8,32,128')
    .split(',')
    .map(Number)
    .filter((c) => c > 0)) {
    results.push(await run(`filing-${conns}`, `POST /api/cases at ${conns} connections`, filing(conns)));
  }
}
console.log(`\n${connections} connections, ${seconds} s each, against ${base}\n`);
console.log('| request | connections | req/s | p50 ms | p99 ms | requests | non-2xx/errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.title} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.total} | ${r.bad} |`);
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ seconds, results }, null, 2) + '\n');
if (results.some((r) => r.bad > 0)) process.exitCode = 1;
