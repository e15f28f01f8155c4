// Times GET /api/stats (the whole district) on the bench database: node bench/stats.mjs <baseUrl> [runs]
// BENCH_OUT=<file> writes the times as JSON (bench/run.sh collects them into latest.json).
import { writeFileSync } from 'node:fs';

const base = process.argv[2] ?? 'http://127.0.0.1:3900';
const runs = Number(process.argv[3] ?? 5);
const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'district1', password: process.env.DEMO_PASSWORD ?? 'shouhu-demo' }),
});
const token = (await login.json()).accessToken;
const times = [];
let total = 0;
for (let i = 0; i < runs; i += 1) {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/stats?from=2000-01-01`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  if (!res.ok) throw new Error(`stats: ${res.status} ${JSON.stringify(body)}`);
  times.push(performance.now() - t0);
  total = body.totalCases;
}
times.sort((a, b) => a - b);
console.log(
  `\n| GET /api/stats over ${total} cases | best ${times[0].toFixed(0)} ms | median ${times[Math.floor(times.length / 2)].toFixed(0)} ms | worst ${times[times.length - 1].toFixed(0)} ms | (${runs} runs) |`,
);
if (process.env.BENCH_OUT)
  writeFileSync(
    process.env.BENCH_OUT,
    JSON.stringify({ runs, totalCases: total, bestMs: times[0], medianMs: times[Math.floor(times.length / 2)], worstMs: times[times.length - 1] }, null, 2) +
      '\n',
  );
