// The Markdown report of a benchmark run: node bench/report.mjs [bench/results/latest.json] [--readme README.md]
// bench/run.sh prints it at the end of every run and, with --readme, writes it into the README
// between the markers <!-- bench:begin --> and <!-- bench:end --> (the performance section is
// generated, never edited by hand).
import { readFileSync, writeFileSync } from 'node:fs';
import { ROLES } from './cpu.mjs';

const args = process.argv.slice(2);
const readmeAt = args.indexOf('--readme');
const readme = readmeAt >= 0 ? args.splice(readmeAt, 2)[1] : null;
const file = args[0] ?? new URL('./results/latest.json', import.meta.url).pathname;
const r = JSON.parse(readFileSync(file, 'utf8'));
const n = (x, d = 0) => (x === null || x === undefined ? '—' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(0)} %`);
const lines = [];
const m = r.machine;
const yes = (t) => (t.met === true ? '**met**' : t.met === false ? '**not met**' : 'not measured at this size');
lines.push(`Benchmark of ${r.date.slice(0, 10)}: ${n(r.cases)} cases (${n(r.casesAtEnd)} at the end), ${r.secondsPerRun} s per run.`);
lines.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; PostgreSQL ${m.postgres}; Node ${m.node}.`);
lines.push('');
if (r.targets?.length > 0) {
  const met = r.targets.filter((t) => t.met === true).length;
  lines.push(`Targets (issue 14): ${met} of ${r.targets.length} met in this run.`);
  lines.push('');
  lines.push('| target | this run | |');
  lines.push('|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.text} | ${t.value} | ${yes(t)} |`);
  lines.push('');
}
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
    // The filing: the pair of runs with the median ratio, every round's ratio beside it (bench/collect.mjs).
    const rounds = s.ratioRuns?.length > 1 ? ` (rounds: ${s.ratioRuns.map(pct).join(', ')})` : '';
    lines.push(`${head} | ${c.name}${where} | ${n(c.tps ?? c.rps)} | ${pct(c.ratio)}${rounds} |`);
  });
}
const stats = r.scenarios.find((s) => s.name === 'stats');
if (stats)
  lines.push(
    `| GET /api/stats (the whole district) | ${n(stats.cases)} | 1 | — | ${n(stats.app.medianMs)} (median of ${stats.app.runs}) | ${n(stats.app.worstMs)} (worst) | ${n(stats.errors)} | — | — | — |`,
  );
lines.push('');
// Where the CPU went (bench/cpu.mjs): what each process used during the run over the requests (or
// pgbench's transactions) it served. The ceilings' own figures sit under the scenario they bound.
const cpuRows = r.scenarios.flatMap((s) => [
  ...(s.app?.cpuMsPerRequest ? [[s.title, s.connections, s.app.cpuMsPerRequest]] : []),
  ...s.ceilings.filter((c) => c.cpuMsPerRequest).map((c) => [`″ ceiling: ${c.name}`, c.connections ?? s.connections, c.cpuMsPerRequest]),
]);
if (cpuRows.length > 0) {
  lines.push('CPU per request in ms (bench/cpu.mjs: each process’s time during the run, over the requests or transactions served):');
  lines.push('');
  lines.push('| scenario | connections | api | worker | PostgreSQL backends | PostgreSQL background | Redis | load generator | total |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [title, conns, c] of cpuRows) {
    const total = ROLES.reduce((sum, role) => sum + (c[role] ?? 0), 0);
    lines.push(`| ${title} | ${n(conns)} | ${ROLES.map((role) => n(c[role], 2)).join(' | ')} | ${n(total, 2)} |`);
  }
  lines.push('');
}
if (r.queueBySize.length > 0) {
  // Each figure the median of the runs at that size (bench/http.mjs, BENCH_QUEUE_RUNS), every run's beside it.
  const withRuns = (p99, runs) => (runs?.length > 1 ? `${n(p99)} (runs: ${runs.map((x) => n(x)).join(', ')})` : n(p99));
  lines.push('| cases | supervisor queue p99 ms (median of the runs) | district overdue p99 ms (median of the runs) |');
  lines.push('|---:|---:|---:|');
  for (const q of r.queueBySize)
    lines.push(`| ${n(q.cases)} | ${withRuns(q.supervisorP99Ms, q.supervisorP99RunsMs)} | ${withRuns(q.districtP99Ms, q.districtP99RunsMs)} |`);
  lines.push('');
}
if (r.uploads?.rows?.length > 0) {
  lines.push('| uploads at once | created | seconds | api RSS before MB | peak MB | after MB |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const u of r.uploads.rows)
    lines.push(`| ${u.files} | ${u.created}/${r.uploads.uploads} | ${n(u.seconds, 1)} | ${n(u.rssBeforeMb)} | ${n(u.rssPeakMb)} | ${n(u.rssAfterMb)} |`);
  lines.push('');
}
if (r.deadlines?.runs?.length > 0) {
  lines.push(
    '| deadlines due within a minute | workers | breached | breached twice | other faults | lateness p50 ms | p99 ms | max ms | worker RSS MB (largest) |',
  );
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const d of r.deadlines.runs)
    lines.push(
      `| ${n(d.deadlines)} | ${d.workers} | ${n(d.breached)} | ${n(d.duplicates)} | ${n(d.faults - d.duplicates)} | ${n(d.latenessP50Ms)} | ${n(d.latenessP99Ms)} | ${n(d.latenessMaxMs)} | ${n(d.workerRssMb)} |`,
    );
  lines.push('');
}
if (r.console)
  lines.push(
    `The console in Chromium: the supervisor's queue shows its 50th row ${n(r.console.firstMs)} ms after the first navigation, median ${n(r.console.medianMs)} ms over ${r.console.runs} (budget ${n(r.console.budgetMs)} ms: ${r.console.met ? '**met**' : '**not met**'}).`,
  );
lines.push(
  `Memory at the end of the run: api RSS ${n(r.memory.apiRssMb)} MB, worker RSS ${n(r.memory.workerRssMb)} MB` +
    (r.memory.workerSettledS === undefined
      ? '.'
      : ` (restarted after the deadline scenario, ${r.memory.workerSettled ? `it had ${r.memory.workerReconciled ? 'made its reconciler pass and had ' : ''}nothing left waiting or running` : 'it still had work waiting'} ${n(r.memory.workerSettledS)} s later; its RSS peaked at ${n(r.memory.workerPeakRssMb)} MB meanwhile).`),
);
if (r.captured?.filing)
  lines.push(`A filing sends ${r.captured.filing.statements} statements on ${r.captured.filing.connections} connection(s) (captured from the statement log).`);
const text = lines.join('\n');
console.log(text);
if (readme) {
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const doc = readFileSync(readme, 'utf8');
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${readme} has no ${begin} … ${end} section`);
  const block = `${begin}\n<!-- generated by node bench/report.mjs --readme from bench/results/latest.json: do not edit by hand -->\n\n${text}\n\n![queue p99 against data size](bench/results/queue-p99.svg)\n\n`;
  writeFileSync(readme, doc.slice(0, a) + block + doc.slice(b));
}
