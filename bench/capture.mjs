// Captures the exact SQL that one request sends, from PostgreSQL's statement log, and turns it
// into a pgbench script: node bench/capture.mjs <baseUrl> <serverLog> <outDir>
// bench/run.sh turns `log_statement = 'all'` on for the bench database only
// (ALTER DATABASE … SET), starts a capture api, runs this, then turns the log off again.
// Writes <outDir>/{filing,queue-supervisor,queue-district}.pgbench and capture.json
// (statements per request, and the statements themselves).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import pg from 'pg';

const [base, logFile, outDir] = process.argv.slice(2);
const password = process.env.DEMO_PASSWORD ?? 'shouhu-demo';

async function login(username) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return (await res.json()).accessToken;
}

/**
 * The backends connected to the bench database now (the api's pooled connections among them).
 * The server log is shared with every other database of the server (other benches capture at
 * the same time): only these backends' lines are the request's.
 */
async function ownBackends() {
  if (!db) return null;
  const { rows } = await db.query('SELECT pid::text AS pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return new Set(rows.map((r) => r.pid));
}

/** Log entries written while fn runs: [{ pid, sql, params }] for each executed statement. */
async function captured(fn) {
  const from = statSync(logFile).size;
  await fn();
  await new Promise((r) => setTimeout(r, 500));
  const own = await ownBackends();
  const text = readFileSync(logFile).subarray(from).toString('utf8');
  const entries = [];
  let cur = null;
  for (const line of text.split('\n')) {
    const m = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (\w+):\s+(.*)$/.exec(line);
    if (m) {
      cur = { pid: m[1], level: m[2], text: m[3] };
      entries.push(cur);
    } else if (cur && line.startsWith('\t')) cur.text += '\n' + line.slice(1);
  }
  const out = [];
  for (let i = 0; i < entries.length; i += 1) {
    const e = entries[i];
    if (e.level !== 'LOG' || (own && !own.has(e.pid))) continue;
    const m = /^(?:statement|execute [^:]*):\s*([\s\S]*)$/.exec(e.text);
    // A LISTEN is a session's subscription (the auth listener's connection), sent by no request.
    if (!m || /^\s*(?:UN)?LISTEN\b/i.test(m[1])) continue;
    const stmt = { pid: e.pid, sql: m[1].trim(), params: {} };
    const next = entries[i + 1];
    if (next && next.level === 'DETAIL' && next.pid === e.pid && next.text.startsWith('parameters:')) {
      for (const p of next.text.matchAll(/\$(\d+) = (NULL|'(?:[^']|'')*')/g)) stmt.params[p[1]] = p[2];
    }
    out.push(stmt);
  }
  return out;
}

/** The statement with its parameters in place as literals. */
function inline(stmt) {
  return stmt.sql.replace(/\$(\d+)\b/g, (all, n) => (n in stmt.params ? stmt.params[n] : all));
}

const UUID = /'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g;

/**
 * A pgbench script of the statements. Ids the database generated (INSERT … VALUES (DEFAULT, …)
 * RETURNING "id") are kept with \gset and used where the request used them; the values named
 * in `fresh` (the case number, the child’s name) end in a random 63-bit :k drawn for each
 * transaction, so that transactions never collide on a unique key or an advisory lock.
 */
async function script(stmts, fresh = []) {
  const text = stmts.map(inline);
  const first = new Map();
  text.forEach((sql, i) => {
    for (const m of sql.matchAll(UUID)) if (!first.has(m[1])) first.set(m[1], i);
  });
  const made = new Map();
  const gset = new Set();
  if (db) {
    for (let i = 0; i < text.length; i += 1) {
      const m = /^\s*INSERT INTO "?(\w+)"?\s*\(\s*"id"[\s\S]*VALUES \(DEFAULT\b[\s\S]*RETURNING "id"/.exec(text[i]);
      if (!m) continue;
      const later = [...first].filter(([, at]) => at > i).map(([u]) => u);
      const { rows } = await db.query(`SELECT id::text AS id FROM "${m[1]}" WHERE id::text = ANY($1::text[])`, [later]);
      if (rows.length === 0) continue;
      gset.add(i);
      made.set(rows[0].id, `:r${i}_id`);
    }
  }
  // Ids the application made itself (randomUUID) for the rows a statement inserts: fresh in
  // each transaction too, as the last 12 digits of the id, drawn per transaction (:u).
  const madeHere = new Map();
  if (db) {
    for (let i = 0; i < text.length; i += 1) {
      if (!/^\s*(?:WITH\b[\s\S]*\bAS \(\s*)?INSERT INTO/i.test(text[i])) continue;
      const news = [...first].filter(([u, at]) => at === i && !made.has(u)).map(([u]) => u);
      if (news.length === 0) continue;
      for (const [, table] of text[i].matchAll(/INSERT INTO "?(\w+)"?/g)) {
        const { rows } = await db.query(`SELECT id::text AS id FROM "${table}" WHERE id::text = ANY($1::text[])`, [news]);
        for (const r of rows) madeHere.set(r.id, `${r.id.slice(0, 24)}:u`);
      }
    }
  }
  const lines = [];
  if (fresh.length > 0) lines.push('\\set k random(1, 9000000000000000000)');
  if (madeHere.size > 0) lines.push('\\set u random(100000000000, 999999999999)');
  text.forEach((raw, i) => {
    let sql = raw;
    // pgbench (simple protocol) replaces :name inside quotes too, so types stay as they were.
    for (const [value, variable] of made) sql = sql.split(value).join(variable);
    for (const [value, variable] of madeHere) sql = sql.split(value).join(variable);
    for (const value of fresh) sql = sql.split(value).join(`${value.slice(0, 2)}:k`);
    // pgbench reads one statement per line: one line each.
    sql = sql.replace(/\s*\n\s*/g, ' ').replace(/;?\s*$/, '');
    lines.push(gset.has(i) ? `${sql} \\gset r${i}_` : `${sql};`);
  });
  return lines.join('\n') + '\n';
}

const db = process.env.DATABASE_URL ? new pg.Client({ connectionString: process.env.DATABASE_URL }) : null;
if (db) await db.connect();
const childName = `基准捕获${Date.now()}`;
const director = await login('dir-xa-01');
const sup = await login('sup-xa');
const district = await login('district1');
const me = await (await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${director}` } })).json();
// The steady state: each token used before (the api's token cache, ActorCache, answers the
// guard from memory once its listener is up), so the capture holds what every later request
// sends; a token's first request sends one statement more (the user lookup).
for (let round = 0; round < 2; round += 1) {
  for (const token of [director, sup, district]) await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  await new Promise((r) => setTimeout(r, 500));
}
const result = {};
let caseNo = null;
const filing = await captured(async () => {
  const res = await fetch(`${base}/api/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${director}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      communityId: me.jurisdiction.id,
      child: { name: childName, sex: 'female', birthDate: `${new Date().getUTCFullYear() - 12}-03-04` },
      categories: ['N04'],
      riskLevel: 'R3',
      report: { reporterType: 'internal_discovery', discoveredAt: new Date(Date.now() - 60_000).toISOString(), narrative: '压测 (benchmark)' },
    }),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`capture filing: ${res.status} ${JSON.stringify(body)}`);
  caseNo = body.caseNo ?? null;
});
const queue = async (name, path, token) => {
  const stmts = await captured(async () => {
    const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`capture ${path}: ${res.status}`);
    await res.arrayBuffer();
  });
  writeFileSync(`${outDir}/${name}.pgbench`, await script(stmts));
  result[name] = { path, statements: stmts.length, connections: new Set(stmts.map((s) => s.pid)).size, sql: stmts.map(inline) };
};
writeFileSync(`${outDir}/filing.pgbench`, await script(filing, caseNo ? [caseNo, childName] : [childName]));
result.filing = { path: 'POST /api/cases', statements: filing.length, connections: new Set(filing.map((s) => s.pid)).size, sql: filing.map(inline) };
await queue('queue-supervisor', '/api/cases', sup);
await queue('queue-district', '/api/cases?sort=dueAt&overdue=true', district);
writeFileSync(`${outDir}/capture.json`, JSON.stringify(result, null, 2) + '\n');
await db?.end();
console.log(
  `captured: filing ${result.filing.statements} statements on ${result.filing.connections} connections; queue ${result['queue-supervisor'].statements} / ${result['queue-district'].statements}`,
);
