// The ceiling: pgbench replaying a captured script (bench/capture.mjs) on the bench database.
//   node bench/pgbench.mjs <databaseUrl> <script.pgbench> <connections,…> <seconds> <out.json>
// Connections are capped below the server's max_connections (what the api, the worker and
// everyone else hold, plus a margin); the connections actually used are reported.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpuWatch, outputOf, perRequest } from './cpu.mjs';

const [url, file, list, secondsArg, out] = process.argv.slice(2);
const seconds = Number(secondsArg);
const u = new URL(url);
const env = {
  ...process.env,
  PGHOST: u.hostname,
  PGPORT: u.port || '5432',
  PGUSER: decodeURIComponent(u.username),
  PGPASSWORD: decodeURIComponent(u.password),
  PGDATABASE: u.pathname.slice(1),
};
const bin = process.env.PG_BIN ? `${process.env.PG_BIN}/` : '';
const psql = (sql) => execFileSync(`${bin}psql`, ['-Atc', sql], { env, encoding: 'utf8' }).trim();
const results = [];
for (const wanted of list
  .split(',')
  .map(Number)
  .filter((c) => c > 0)) {
  const free = Number(psql("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")) - 15;
  const clients = Math.max(1, Math.min(wanted, free));
  const watch = cpuWatch(env.PGDATABASE);
  const run = await outputOf(`${bin}pgbench`, ['-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), '-f', file], { env });
  const used = watch.stop();
  const text = `${run.stdout}\n${run.stderr}`;
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : null;
  };
  const tps = num(/tps = ([\d.]+) \(without initial connection time\)/);
  const failed = num(/number of failed transactions: (\d+)/) ?? 0;
  const aborted = (text.match(/client \d+ aborted/g) ?? []).length;
  const transactions = num(/number of transactions actually processed: (\d+)/);
  const r = {
    wanted,
    clients,
    tps,
    latencyMs: num(/latency average = ([\d.]+) ms/),
    transactions,
    // Where the CPU went per transaction (bench/cpu.mjs): PostgreSQL's, and pgbench's own as the load generator.
    cpuMsPerTx: perRequest(used, transactions),
    errors: failed + aborted + (tps === null ? 1 : 0),
  };
  if (r.errors > 0)
    r.message = text
      .split('\n')
      .filter((l) => /error|abort/i.test(l))
      .slice(0, 3)
      .join(' | ');
  results.push(r);
  console.log(
    `pgbench ${file.split('/').pop()} ${clients}/${wanted} connections: ${tps === null ? 'failed' : tps.toFixed(0) + ' tps'}, errors ${r.errors}${r.message ? ' — ' + r.message : ''}`,
  );
}
writeFileSync(
  out,
  JSON.stringify({ script: file, seconds, cases: process.env.BENCH_CASES_NOW ? Number(process.env.BENCH_CASES_NOW) : null, results }, null, 2) + '\n',
);
