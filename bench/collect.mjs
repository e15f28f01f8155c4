// Gathers the pieces bench/run.sh wrote into one report, bench/results/latest.json:
//   node bench/collect.mjs <partsDir> <latest.json> <cases> <seconds>
// Per scenario: the app's figure, the ceiling's figure, their ratio, the errors, the data size.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const [dir, out, casesArg, secondsArg] = process.argv.slice(2);
const read = (name) => (existsSync(`${dir}/${name}`) ? JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')) : null);
const http = read(`queue-${casesArg}.json`)?.results ?? [];
const capture = read('capture.json') ?? {};
const end = read('end.json') ?? {};
// bench/settle.mjs: how long the restarted worker took to finish what the deadline scenario left it, and its peak RSS meanwhile.
const settle = read('settle.json');
const byKey = (key) => http.find((r) => r.key === key) ?? null;
const round = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toFixed(d)));
const ratio = (a, b) => (a && b ? round(a / b, 3) : null);
const app = (r) =>
  r
    ? {
        rps: round(r.rps, 1),
        p50Ms: r.p50,
        p99Ms: r.p99,
        requests: r.total,
        connections: r.connections,
        ...(r.runs ? { p99RunsMs: r.runs.map((x) => x.p99) } : {}),
        cpuMsPerRequest: r.cpuMsPerRequest ?? null,
      }
    : null;
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
      {
        name: 'GET /api/health/live',
        rps: round(live?.rps, 1),
        p99Ms: live?.p99 ?? null,
        errors: live?.bad ?? null,
        ratio: ratio(r?.rps, live?.rps),
        cpuMsPerRequest: live?.cpuMsPerRequest ?? null,
      },
      {
        name: 'pgbench, the same SQL',
        tps: round(pg?.tps, 1),
        connections: pg?.clients ?? null,
        errors: pg?.errors ?? null,
        ratio: ratio(r?.rps, pg?.tps),
        cpuMsPerRequest: pg?.cpuMsPerTx ?? null,
      },
    ],
    ratio: ratio(r?.rps, pg?.tps),
    errors: r?.bad ?? null,
  });
}
// The filing: at each concurrency the rounds' pairs (bench/run.sh: the app's run and pgbench's, one
// after the other); the pair with the median ratio stands for it, every pair's ratio beside it, the
// errors of all the app's runs counted.
const filingPairs = new Map();
for (const f of readdirSync(dir)) {
  const m = /^filing-(\d+)-(\d+)\.json$/.exec(f);
  if (!m) continue;
  const appRun = read(f)?.results?.[0] ?? null;
  const pg = read(`pgbench-filing-${m[1]}-${m[2]}.json`)?.results?.[0] ?? null;
  if (!appRun) continue;
  const pairs = filingPairs.get(Number(m[1])) ?? [];
  pairs.push({ round: Number(m[2]), app: appRun, pg, ratio: ratio(appRun.rps, pg?.tps) });
  filingPairs.set(Number(m[1]), pairs);
}
for (const [conns, pairs] of [...filingPairs].sort(([a], [b]) => a - b)) {
  pairs.sort((a, b) => a.round - b.round);
  const byRatio = [...pairs].sort((a, b) => (a.ratio ?? 0) - (b.ratio ?? 0));
  const { app: r, pg } = byRatio[Math.floor((byRatio.length - 1) / 2)];
  scenarios.push({
    name: `filing-${conns}`,
    title: r.title,
    cases: r.cases ?? Number(casesArg),
    connections: conns,
    app: { ...app(r), rounds: pairs.map((p) => ({ rps: round(p.app.rps, 1), p99Ms: p.app.p99, ceilingTps: round(p.pg?.tps, 1), ratio: p.ratio })) },
    statements: capture.filing?.statements ?? null,
    statementConnections: capture.filing?.connections ?? null,
    ceilings: [
      {
        name: 'pgbench, the captured filing',
        tps: round(pg?.tps, 1),
        connections: pg?.clients ?? null,
        errors: pairs.reduce((sum, p) => sum + (p.pg?.errors ?? 1), 0),
        ratio: ratio(r.rps, pg?.tps),
        cpuMsPerRequest: pg?.cpuMsPerTx ?? null,
      },
    ],
    ratio: ratio(r.rps, pg?.tps),
    ratioRuns: pairs.map((p) => p.ratio),
    errors: pairs.reduce((sum, p) => sum + (p.app.bad ?? 0), 0),
  });
}
const stats = read('stats.json');
if (stats)
  scenarios.push({
    name: 'stats',
    title: 'GET /api/stats (the whole district)',
    cases: stats.totalCases,
    app: {
      medianMs: round(stats.medianMs),
      bestMs: round(stats.bestMs),
      worstMs: round(stats.worstMs),
      runs: stats.runs,
      asOfAgeMaxS: round(stats.asOfMaxAgeS, 1),
      foldWaitS: round(stats.foldWaitS, 1),
    },
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
    const runs = (key) => results.find((r) => r.key === key)?.runs?.map((x) => x.p99) ?? null;
    return {
      cases: results[0]?.cases ?? Number(m[1]),
      supervisorP99Ms: p99('queue-supervisor'),
      districtP99Ms: p99('queue-district'),
      supervisorP99RunsMs: runs('queue-supervisor'),
      districtP99RunsMs: runs('queue-district'),
    };
  })
  .sort((a, b) => a.cases - b.cases);
const inserts = readdirSync(dir)
  .filter((f) => /^insert-\d+\.json$/.test(f))
  .map((f) => read(f))
  .sort((a, b) => a.to - b.to);

// What issue targets the run shows met: each says what it asks, what the run measured, and met
// true/false, or null when this run did not measure it (e.g. a run smaller than a million cases).
const MILLION = 1_000_000;
const filings = scenarios.filter((x) => x.name.startsWith('filing-'));
const statsScenario = scenarios.find((x) => x.name === 'stats') ?? null;
const largest = sizes.at(-1) ?? null;
const smallest = sizes.find((x) => x.cases >= 10_000) ?? null;
// bench/deadlines.mjs: per worker count, the deadlines, what the rows show, the lateness.
const deadlinesRaw = read('deadlines.json');
const deadlines = deadlinesRaw && {
  ...deadlinesRaw,
  runs: (deadlinesRaw.runs ?? []).map((d) => ({
    workers: d.workers,
    deadlines: d.deadlines,
    breached: d.breached,
    duplicates: d.breachedTwice,
    // Anything but "breached once, on time or after, with its one event and its notifications".
    faults: d.breachedTwice + d.withoutEvent + d.deadlinesWithWrongNotifications + d.pendingLeft + d.breachedEarly,
    latenessP50Ms: d.latenessMs?.p50 ?? null,
    latenessP99Ms: d.latenessMs?.p99 ?? null,
    latenessMaxMs: d.latenessMs?.max ?? null,
    workerRssMb: Array.isArray(d.workerRssMb) ? Math.max(...d.workerRssMb) : d.workerRssMb,
  })),
};
const targets = [];
const target = (id, text, value, met) => targets.push({ id, text, value, met });
if (filings.length > 0) {
  const worst = Math.min(...filings.map((f) => f.ratio ?? 0));
  target('filing-ratio', 'filing ≥ 50 % of its pgbench ceiling at every concurrency', `lowest ${Math.round(worst * 100)} %`, worst >= 0.5);
  const st = capture.filing?.statements ?? null;
  const cn = capture.filing?.connections ?? null;
  target(
    'filing-statements',
    'a filing sends ≤ 10 statements on one connection',
    `${st} statements on ${cn} connection(s)`,
    st !== null && st <= 10 && cn === 1,
  );
  const errors = filings.reduce((a, f) => a + (f.errors ?? 0), 0);
  target('filing-errors', 'no filing fails at 1, 8, 32 or 128 connections', `${errors} errors`, errors === 0);
}
if (largest) {
  const at1M = largest.cases >= MILLION;
  const p99 = Math.max(largest.supervisorP99Ms ?? Infinity, largest.districtP99Ms ?? Infinity);
  target('queue-p99', 'both queues p99 ≤ 50 ms at 20 connections with 1,000,000 cases', `${p99} ms at ${largest.cases} cases`, at1M ? p99 <= 50 : null);
  if (smallest && smallest !== largest) {
    const growth = (k) => (largest[k] && smallest[k] ? largest[k] / smallest[k] : Infinity);
    const worst = Math.max(growth('supervisorP99Ms'), growth('districtP99Ms'));
    target(
      'queue-flat',
      'queue p99 at 1,000,000 ≤ 1.5 × its p99 at 10,000',
      `× ${worst.toFixed(2)} (${smallest.cases} → ${largest.cases} cases)`,
      at1M ? worst <= 1.5 : null,
    );
  }
}
if (statsScenario) {
  const at1M = (statsScenario.cases ?? 0) >= MILLION;
  const ms = statsScenario.app.worstMs;
  target('stats', 'GET /api/stats for the district ≤ 300 ms over 1,000,000 cases', `worst ${ms} ms over ${statsScenario.cases} cases`, at1M ? ms <= 300 : null);
  const age = statsScenario.app.asOfAgeMaxS;
  if (age !== undefined && age !== null) target('stats-fresh', 'the figures’ asOf never older than 60 s', `oldest ${age} s`, age <= 60);
}
if (deadlines?.runs?.length) {
  for (const d of deadlines.runs) {
    const once = d.breached === d.deadlines && d.faults === 0;
    target(
      `deadlines-${d.workers}`,
      `${d.deadlines} deadlines due within a minute, ${d.workers} worker(s): each breached once, lateness p99 ≤ 1 s`,
      `${d.breached} breached, ${d.duplicates} twice, ${d.faults} faults, lateness p99 ${d.latenessP99Ms} ms`,
      once && d.latenessP99Ms <= 1000,
    );
  }
}
if (end.apiRssMb !== undefined) {
  target(
    'memory',
    'api RSS ≤ 300 MB and worker RSS ≤ 250 MB at the end of the run',
    `api ${end.apiRssMb} MB, worker ${end.workerRssMb} MB${settle ? ` (${settle.settled ? 'settled' : 'not settled'} ${settle.settledS} s after its restart${settle.reconciled ? ', its reconciler pass included' : settle.reconciled === false ? ', no reconciler pass' : ''}; peak ${settle.peakRssMb} MB meanwhile)` : ''}`,
    end.apiRssMb <= 300 && end.workerRssMb <= 250,
  );
}

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
  memory: {
    apiRssMb: end.apiRssMb ?? null,
    workerRssMb: end.workerRssMb ?? null,
    ...(settle
      ? { workerSettledS: settle.settledS, workerSettled: settle.settled, workerReconciled: settle.reconciled, workerPeakRssMb: settle.peakRssMb }
      : {}),
  },
  uploads: read('uploads.json'),
  // bench/console.mjs: the console's queue to its 50th row in Chromium (its own budget, not issue 14's).
  console: read('console.json'),
  inserts,
  deadlines,
  targets,
  captured: capture,
};
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
