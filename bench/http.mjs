// HTTP benchmarks against a running api (bench/run.sh starts one on a bench database).
// node bench/http.mjs <baseUrl> [all|queue|read|filing]  → prints a Markdown table of req/s and
// latency; BENCH_OUT=<file> writes the same figures as JSON (bench/run.sh collects them into
// latest.json), with BENCH_CASES_NOW (the cases in the database) beside them.
// `queue`: the two queue requests; `read`: those and GET /api/health/live; `filing`: the filings.
// Before the queue requests, BENCH_WARMUP seconds (5) of each, not counted: the first size is
// measured right after the api started, and would otherwise pay for its warming up (compiling, the
// queue's pool connecting and preparing its statements) in its p99.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuWatch, outputOf, perRequest } from './cpu.mjs';

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

const result = (key, title, conns, x) => ({
  key,
  title,
  cases: process.env.BENCH_CASES_NOW ? Number(process.env.BENCH_CASES_NOW) : null,
  connections: conns,
  ...x,
});

// The load generator: wrk (C, epoll) when installed, which leaves the 2 cores to the api and
// PostgreSQL; autocannon (Node) otherwise, or with BENCH_LOADGEN=autocannon.
const useWrk = process.env.BENCH_LOADGEN !== 'autocannon' && spawnSync('wrk', ['--version']).error === undefined;

function autocannonRun(key, title, opts) {
  return new Promise((resolve, reject) => {
    const { path, body, ...rest } = opts;
    const conns = rest.connections ?? connections;
    const requests = body ? [{ setupRequest: (req) => ((req.body = body(String((n += 1)))), req) }] : undefined;
    autocannon({ url: base + path, connections: conns, duration: seconds, ...rest, ...(requests ? { requests } : {}) }, (err, r) => {
      if (err) return reject(err);
      resolve(result(key, title, conns, { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, bad: r.non2xx + r.errors + r.timeouts }));
    });
  });
}

const lua = (text) => `[==[${text}]==]`;
async function wrkRun(key, title, opts) {
  const conns = opts.connections ?? connections;
  const duration = opts.duration ?? seconds;
  const headers = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `wrk.headers[ ${lua(k)} ] = ${lua(v)}`)
    .join('\n');
  // A body made per request: the template's @N@ becomes "<thread>x<counter>" (unique per run with the pid).
  const script = `
wrk.method = ${lua(opts.method ?? 'GET')}
${headers}
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("tid", #threads) end
local counter = 0
local template = ${opts.body ? lua(opts.body('@N@')) : 'nil'}
request = function()
  if template == nil then return wrk.format() end
  counter = counter + 1
  local body = string.gsub(template, "@N@", "w" .. tid .. "x" .. counter)
  return wrk.format(nil, nil, nil, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests":%d,"duration":%d,"bad":%d,"status":%d,"p50":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end`;
  const file = join(tmpdir(), `shouhu-wrk-${process.pid}-${key}.lua`);
  writeFileSync(file, script);
  const threads = String(Math.min(2, conns));
  const out = await outputOf('wrk', ['-t', threads, '-c', String(conns), '-d', `${duration}s`, '--timeout', '60s', '-s', file, base + opts.path]);
  rmSync(file, { force: true });
  const line = /RESULT (\{.*\})/.exec(out.stdout ?? '');
  if (!line) throw new Error(`wrk ${key}: ${out.stderr || out.stdout}`);
  const r = JSON.parse(line[1]);
  const ms = (us) => Math.round(us / 100) / 10;
  return result(key, title, conns, { rps: r.requests / (r.duration / 1e6), p50: ms(r.p50), p99: ms(r.p99), total: r.requests, bad: r.bad });
}

// Each run also says where the CPU went, per request (bench/cpu.mjs): the api, the worker, PostgreSQL, Redis, the load generator.
const db = process.env.BENCH_DB ?? process.env.QUEUE_PREFIX ?? 'shouhu_bench';
async function run(key, title, opts) {
  const watch = cpuWatch(db);
  const r = useWrk ? await wrkRun(key, title, opts) : await autocannonRun(key, title, opts);
  return { ...r, cpuMsPerRequest: perRequest(watch.stop(), r.total) };
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
const warmup = Number(process.env.BENCH_WARMUP ?? 5);
if (mode !== 'filing') {
  if (warmup > 0) for (const [key, title, opts] of queues) await run(key, title, { ...opts, duration: warmup });
  // Each queue BENCH_QUEUE_RUNS (5) times, the two alternating; the run of the median p99 stands for
  // it, every run's figures beside it, the errors of all of them counted. One 10-second window on a
  // shared machine can fall on a stall of a second or two (the host, another process) that says
  // nothing of the queue; several show it as the outlier it is (with three, the same code's p99
  // at 10,000 cases ran from 33 to 58 ms within one run: one slow window of three moved the median).
  const rounds = Math.max(1, Number(process.env.BENCH_QUEUE_RUNS ?? 5));
  const byQueue = new Map(queues.map(([key]) => [key, []]));
  for (let i = 0; i < rounds; i++) for (const [key, title, opts] of queues) byQueue.get(key).push(await run(key, title, opts));
  for (const [key] of queues) {
    const runs = byQueue.get(key);
    const median = [...runs].sort((a, b) => a.p99 - b.p99)[Math.floor((runs.length - 1) / 2)];
    results.push({
      ...median,
      bad: runs.reduce((sum, r) => sum + r.bad, 0),
      runs: runs.map((r) => ({ rps: Math.round(r.rps), p50: r.p50, p99: r.p99, bad: r.bad })),
    });
  }
}
const filing = (conns) => ({
  method: 'POST',
  path: '/api/cases',
  connections: conns,
  headers: { authorization: `Bearer ${director}`, 'content-type': 'application/json' },
  body: (tag) =>
    JSON.stringify({
      communityId: me.jurisdiction.id,
      child: { name: `基准${process.pid}${tag}`, sex: 'female', birthDate: `${new Date().getUTCFullYear() - 12}-03-04` },
      categories: ['N04'],
      riskLevel: 'R3',
      report: { reporterType: 'internal_discovery', discoveredAt: new Date(Date.now() - 60_000).toISOString(), narrative: '压测 (benchmark)' },
    }),
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
