// Gathers the pieces bench/run.sh wrote into one report, bench/results/latest.json:
//   node bench/collect.mjs <partsDir> <latest.json> <cases> <seconds>
// Per scenario: the app's figure, the ceiling's figure, their ratio, the errors, the data size.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const [dir, out, casesArg, secondsArg] = process.argv.slice(2);
const read = (name) => (existsSync(`${dir}/${name}`) ? JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')) : null);
const http = [...(read(`queue-${casesArg}.json`)?.results ?? []), ...(read('filing.json')?.results ?? [])];
const capture = read('capture.json') ?? {};
const end = read('end.json') ?? {};
const byKey = (key) => http.find((r) => r.key === key) ?? null;
const round = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toFixed(d)));
const ratio = (a, b) => (a && b ? round(a / b, 3) : null);
const app = (r) => (r ? { rps: round(r.rps, 1), p50Ms: r.p50, p99Ms: r.p99, requests: r.total, connections: r.connections } : null);
const live = byKey('health-live');
const scenarios = [];

for (const key of ['queue-supervisor', 'queue-district']) {
  const r = byKey(key);
  const pg = read(`pgbench-${key}.json`)?.results?.[0] ?? null;
  scenarios.push({
    name: key,
    title: r?.title ?? key,
    cases: r?.cases ?? Number(casesArg),
    connections: r?.connections ?? null,
    app: app(r),
    statements: capture[key]?.statements ?? null,
    ceilings: [
      { name: 'GET /api/health/live', rps: round(live?.rps, 1), p99Ms: live?.p99 ?? null, errors: live?.bad ?? null, ratio: ratio(r?.rps, live?.rps) },
      { name: 'pgbench, the same SQL', tps: round(pg?.tps, 1), connections: pg?.clients ?? null, errors: pg?.errors ?? null, ratio: ratio(r?.rps, pg?.tps) },
    ],
    ratio: ratio(r?.rps, pg?.tps),
    errors: r?.bad ?? null,
  });
}
const filingPg = read('pgbench-filing.json')?.results ?? [];
for (const r of http.filter((x) => x.key.startsWith('filing-'))) {
  const pg = filingPg.find((p) => p.wanted === r.connections) ?? null;
  scenarios.push({
    name: r.key,
    title: r.title,
    cases: r.cases ?? Number(casesArg),
    connections: r.connections,
    app: app(r),
    statements: capture.filing?.statements ?? null,
    statementConnections: capture.filing?.connections ?? null,
    ceilings: [
      {
        name: 'pgbench, the captured filing',
        tps: round(pg?.tps, 1),
        connections: pg?.clients ?? null,
        errors: pg?.errors ?? null,
        ratio: ratio(r.rps, pg?.tps),
      },
    ],
    ratio: ratio(r.rps, pg?.tps),
    errors: r.bad,
  });
}
const stats = read('stats.json');
if (stats)
  scenarios.push({
    name: 'stats',
    title: 'GET /api/stats (the whole district)',
    cases: stats.totalCases,
    app: { medianMs: round(stats.medianMs), bestMs: round(stats.bestMs), worstMs: round(stats.worstMs), runs: stats.runs },
    ceilings: [],
    ratio: null,
    errors: 0,
  });

const sizes = readdirSync(dir)
  .map((f) => /^queue-(\d+)\.json$/.exec(f))
  .filter(Boolean)
  .map((m) => {
    const results = read(m[0]).results;
    const p99 = (key) => results.find((r) => r.key === key)?.p99 ?? null;
    return { cases: results[0]?.cases ?? Number(m[1]), supervisorP99Ms: p99('queue-supervisor'), districtP99Ms: p99('queue-district') };
  })
  .sort((a, b) => a.cases - b.cases);
const inserts = readdirSync(dir)
  .filter((f) => /^insert-\d+\.json$/.test(f))
  .map((f) => read(f))
  .sort((a, b) => a.to - b.to);

const report = {
  date: new Date().toISOString(),
  cases: Number(casesArg),
  casesAtEnd: end.cases ?? null,
  secondsPerRun: Number(secondsArg),
  machine: {
    cpu: cpus()[0]?.model ?? null,
    cores: cpus().length,
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    postgres: end.postgres ?? null,
    node: process.version,
  },
  scenarios,
  queueBySize: sizes,
  memory: { apiRssMb: end.apiRssMb ?? null, workerRssMb: end.workerRssMb ?? null },
  uploads: read('uploads.json'),
  inserts,
  captured: capture,
};
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
