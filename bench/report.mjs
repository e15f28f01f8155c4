// The Markdown report of a benchmark run: node bench/report.mjs [bench/results/latest.json]
// (bench/run.sh prints it at the end of every run; the README's performance section is this text).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? new URL('./results/latest.json', import.meta.url).pathname;
const r = JSON.parse(readFileSync(file, 'utf8'));
const n = (x, d = 0) => (x === null || x === undefined ? '—' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(0)} %`);
const lines = [];
const m = r.machine;
lines.push(`Benchmark of ${r.date.slice(0, 10)}: ${n(r.cases)} cases (${n(r.casesAtEnd)} at the end), ${r.secondsPerRun} s per run.`);
lines.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; PostgreSQL ${m.postgres}; Node ${m.node}.`);
lines.push('');
lines.push('| scenario | cases | connections | app req/s | p50 ms | p99 ms | errors | ceiling | ceiling req/s | ratio |');
lines.push('|---|---:|---:|---:|---:|---:|---:|---|---:|---:|');
for (const s of r.scenarios) {
  if (s.name === 'stats') continue;
  const ceilings = s.ceilings.length > 0 ? s.ceilings : [{ name: '—' }];
  ceilings.forEach((c, i) => {
    const head =
      i === 0
        ? `| ${s.title}${s.statements ? ` (${s.statements} statements)` : ''} | ${n(s.cases)} | ${n(s.connections)} | ${n(s.app?.rps)} | ${n(s.app?.p50Ms)} | ${n(s.app?.p99Ms)} | ${n(s.errors)}`
        : '| ″ | | | | | |';
    const where = c.connections !== undefined && c.connections !== null ? ` (${c.connections} conn.${c.errors ? `, ${c.errors} errors` : ''})` : '';
    lines.push(`${head} | ${c.name}${where} | ${n(c.tps ?? c.rps)} | ${pct(c.ratio)} |`);
  });
}
const stats = r.scenarios.find((s) => s.name === 'stats');
if (stats)
  lines.push(
    `| GET /api/stats (the whole district) | ${n(stats.cases)} | 1 | — | ${n(stats.app.medianMs)} (median of ${stats.app.runs}) | ${n(stats.app.worstMs)} (worst) | ${n(stats.errors)} | — | — | — |`,
  );
lines.push('');
if (r.queueBySize.length > 0) {
  lines.push('| cases | supervisor queue p99 ms | district overdue p99 ms |');
  lines.push('|---:|---:|---:|');
  for (const q of r.queueBySize) lines.push(`| ${n(q.cases)} | ${n(q.supervisorP99Ms)} | ${n(q.districtP99Ms)} |`);
  lines.push('');
}
if (r.uploads?.rows?.length > 0) {
  lines.push('| uploads at once | created | seconds | api RSS before MB | peak MB | after MB |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const u of r.uploads.rows)
    lines.push(`| ${u.files} | ${u.created}/${r.uploads.uploads} | ${n(u.seconds, 1)} | ${n(u.rssBeforeMb)} | ${n(u.rssPeakMb)} | ${n(u.rssAfterMb)} |`);
  lines.push('');
}
lines.push(`Memory at the end of the run: api RSS ${n(r.memory.apiRssMb)} MB, worker RSS ${n(r.memory.workerRssMb)} MB.`);
if (r.captured?.filing)
  lines.push(`A filing sends ${r.captured.filing.statements} statements on ${r.captured.filing.connections} connection(s) (captured from the statement log).`);
console.log(lines.join('\n'));
