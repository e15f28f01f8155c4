// Times GET /api/stats (the whole district) on the bench database: node bench/stats.mjs <baseUrl> [runs]
// BENCH_OUT=<file> writes the times as JSON (bench/run.sh collects them into latest.json).
// The answer comes from rollups the worker folds (issue 14, point 4): with DATABASE_URL set (bench/run.sh sets it),
// it first waits until the worker has folded every day the bulk load marked (stats_dirty empty, at most
// BENCH_STATS_FOLD_WAIT_S seconds, default 600) and reports how long that took, then times the steady state.
import { writeFileSync } from 'node:fs';
import pg from 'pg';

const base = process.argv[2] ?? 'http://127.0.0.1:3900';
const runs = Number(process.argv[3] ?? 5);

/** Seconds until no marked day is left to fold, or null without a database to ask. */
async function waitForFold() {
  if (!process.env.DATABASE_URL) return null;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const t0 = performance.now();
  const limit = Number(process.env.BENCH_STATS_FOLD_WAIT_S ?? 600) * 1000;
  try {
    for (;;) {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM stats_dirty');
      if (rows[0].n === 0) return (performance.now() - t0) / 1000;
      if (performance.now() - t0 > limit) {
        // Timed anyway: the answer computes the newest marked days live and says in asOf how old the rest is.
        console.warn(`stats: ${rows[0].n} mark(s) still not folded after ${limit / 1000} s; timing anyway`);
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await client.end();
  }
}

const foldWaitS = await waitForFold();
const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'district1', password: process.env.DEMO_PASSWORD ?? 'shouhu-demo' }),
});
const token = (await login.json()).accessToken;
const times = [];
let total = 0;
let staleS = 0;
for (let i = 0; i < runs; i += 1) {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/stats?from=2000-01-01`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  if (!res.ok) throw new Error(`stats: ${res.status} ${JSON.stringify(body)}`);
  times.push(performance.now() - t0);
  total = body.totalCases;
  staleS = Math.max(staleS, (Date.now() - Date.parse(body.asOf)) / 1000);
}
times.sort((a, b) => a - b);
console.log(
  `\n| GET /api/stats over ${total} cases | best ${times[0].toFixed(0)} ms | median ${times[Math.floor(times.length / 2)].toFixed(0)} ms | worst ${times[times.length - 1].toFixed(0)} ms | (${runs} runs; asOf at most ${staleS.toFixed(1)} s old${foldWaitS === null ? '' : `; folded ${foldWaitS.toFixed(1)} s after the load`}) |`,
);
if (process.env.BENCH_OUT)
  writeFileSync(
    process.env.BENCH_OUT,
    JSON.stringify(
      {
        runs,
        totalCases: total,
        bestMs: times[0],
        medianMs: times[Math.floor(times.length / 2)],
        worstMs: times[times.length - 1],
        asOfMaxAgeS: staleS,
        foldWaitS,
      },
      null,
      2,
    ) + '\n',
  );
