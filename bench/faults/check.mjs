// The fault campaign's checks (bench/faults/campaign.mjs), straight on the rows:
// - every acknowledged filing: its case, its report, its events (the first one case.reported), its deadlines;
// - every acknowledged accept: exactly one case.accepted event, the case at the acknowledged version or later;
// - every acknowledged assessment: its row and its event, once;
// - nothing half-written anywhere (acknowledged or not): no case without report (the bulk-inserted deadline
//   cases aside), none without events, no submitted case without a deadline; no filing stored twice;
// - every case's hash chain recomputed (dist/libs/timeline hash-chain verifyChain);
// - every breached deadline with exactly one deadline.breached event, no due deadline left pending.
// And the helpers that make deadlines fall due in bulk, as bench/deadlines.mjs does.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { verifyChain } = require(join(ROOT, 'dist/libs/timeline/src/hash-chain.js'));
const { deadlineJobId } = require(join(ROOT, 'dist/libs/jobs/src/job-registry.js'));
const { Queue } = require('bullmq');
const Redis = require('ioredis');

/** A due pending deadline older than this is a missed breach (the sweeper polls every 200 ms). */
const MISSED_AFTER_S = 15;

export async function checkDatabase(c, acks, tags = []) {
  const problems = [];
  let lost = 0;
  let duplicated = 0;

  // Filings.
  const fIds = acks.filings.map((f) => f.caseId);
  const { rows: fRows } = await c.query(
    `SELECT c.id, c.status,
            (SELECT count(*)::int FROM report r WHERE r.case_id = c.id) AS reports,
            (SELECT count(*)::int FROM case_event e WHERE e.case_id = c.id) AS events,
            (SELECT count(*)::int FROM case_event e WHERE e.case_id = c.id AND e.seq = 1 AND e.type = 'case.reported') AS reported,
            (SELECT count(*)::int FROM deadline d WHERE d.case_id = c.id) AS deadlines
       FROM "case" c WHERE c.id = ANY($1::uuid[])`,
    [fIds],
  );
  const fById = new Map(fRows.map((r) => [r.id, r]));
  for (const f of acks.filings) {
    const r = fById.get(f.caseId);
    const what = !r
      ? 'no case row'
      : r.reports < 1
        ? 'no report'
        : r.events < 1 || r.reported !== 1
          ? 'no case.reported event'
          : r.deadlines < 1
            ? 'no deadline'
            : null;
    if (what) {
      lost += 1;
      if (lost <= 10) problems.push(`acknowledged filing ${f.caseNo} (${f.phase}): ${what}`);
    }
  }
  const { rows: dupNames } = await c.query(
    `SELECT ch.name, count(*)::int AS n FROM child ch JOIN "case" k ON k.child_id = ch.id WHERE ch.name LIKE '压测%' GROUP BY ch.name HAVING count(*) > 1`,
  );
  for (const d of dupNames) {
    duplicated += d.n - 1;
    if (duplicated <= 10) problems.push(`one filing stored ${d.n} times`);
  }

  // Accept transitions.
  const aIds = acks.accepts.map((a) => a.caseId);
  const { rows: aRows } = await c.query(
    `SELECT c.id, c.version, (SELECT count(*)::int FROM case_event e WHERE e.case_id = c.id AND e.type = 'case.accepted') AS accepted
       FROM "case" c WHERE c.id = ANY($1::uuid[])`,
    [aIds],
  );
  const aById = new Map(aRows.map((r) => [r.id, r]));
  for (const a of acks.accepts) {
    const r = aById.get(a.caseId);
    if (!r || r.accepted === 0 || r.version < a.version) {
      lost += 1;
      if (lost <= 10) problems.push(`acknowledged accept of case ${a.caseId} (${a.phase}) not in the database`);
    } else if (r.accepted > 1) {
      duplicated += r.accepted - 1;
      problems.push(`case ${a.caseId} accepted ${r.accepted} times`);
    }
  }

  // Assessments.
  const sIds = acks.assessments.map((a) => a.caseId);
  const { rows: sRows } = await c.query(
    `SELECT c.id,
            (SELECT count(*)::int FROM assessment s WHERE s.case_id = c.id) AS rows,
            (SELECT count(*)::int FROM case_event e WHERE e.case_id = c.id AND e.type = 'assessment.recorded') AS events
       FROM "case" c WHERE c.id = ANY($1::uuid[])`,
    [sIds],
  );
  const sById = new Map(sRows.map((r) => [r.id, r]));
  for (const a of acks.assessments) {
    const r = sById.get(a.caseId);
    if (!r || r.rows < 1 || r.events < 1) {
      lost += 1;
      if (lost <= 10) problems.push(`acknowledged assessment of case ${a.caseId} (${a.phase}) not in the database`);
    } else if (r.rows > 1 || r.events > 1) {
      duplicated += Math.max(r.rows, r.events) - 1;
      problems.push(`case ${a.caseId}: one assessment stored ${Math.max(r.rows, r.events)} times`);
    }
  }

  // Half-written cases, acknowledged or not.
  const { rows: half } = await c.query(
    `SELECT
       (SELECT count(*)::int FROM "case" c WHERE c.case_no NOT LIKE 'FT%' AND NOT EXISTS (SELECT 1 FROM report r WHERE r.case_id = c.id)) AS without_report,
       (SELECT count(*)::int FROM "case" c WHERE c.case_no NOT LIKE 'FT%' AND NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = c.id)) AS without_events,
       (SELECT count(*)::int FROM "case" c WHERE c.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM deadline d WHERE d.case_id = c.id)) AS submitted_without_deadline,
       (SELECT count(*)::int FROM report r WHERE NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = r.case_id)) AS reports_without_events`,
  );
  const halfWritten = half[0];
  for (const [k, n] of Object.entries(halfWritten)) if (n > 0) problems.push(`half-written: ${n} case(s) ${k.replace(/_/g, ' ')}`);

  // Every hash chain, recomputed.
  const { rows: events } = await c.query(
    `SELECT case_id, seq, type, at, actor_id, actor_role, from_status, to_status, data, hash, prev_hash FROM case_event ORDER BY case_id, seq`,
  );
  let chains = 0;
  let broken = 0;
  for (let i = 0; i < events.length;) {
    let j = i;
    while (j < events.length && events[j].case_id === events[i].case_id) j += 1;
    const verdict = verifyChain(
      events.slice(i, j).map((e) => ({
        caseId: e.case_id,
        seq: e.seq,
        type: e.type,
        at: e.at,
        actor: { id: e.actor_id, role: e.actor_role },
        fromStatus: e.from_status,
        toStatus: e.to_status,
        data: e.data,
        prevHash: e.prev_hash,
        hash: e.hash,
      })),
    );
    chains += 1;
    if (!verdict.valid) {
      broken += 1;
      if (broken <= 5) problems.push(`case ${events[i].case_id}: hash chain broken at seq ${verdict.brokenAtSeq}`);
    }
    i = j;
  }

  // Breaches: everywhere (problems), and those of the bulk deadlines of this fault (the row's figures).
  const breachSql = (where) => `
    WITH d AS (SELECT d.id, d.status, d.due_at FROM deadline d JOIN "case" k ON k.id = d.case_id WHERE ${where}),
         ev AS (SELECT data->>'deadlineId' AS id, count(*)::int AS n FROM case_event WHERE type = 'deadline.breached' GROUP BY 1)
    SELECT count(*) FILTER (WHERE d.due_at <= now())::int AS due,
           count(*) FILTER (WHERE d.status = 'breached')::int AS breached,
           count(*) FILTER (WHERE d.status = 'pending' AND d.due_at < now() - make_interval(secs => ${MISSED_AFTER_S}))::int AS missed,
           count(*) FILTER (WHERE ev.n > 1)::int AS twice,
           count(*) FILTER (WHERE d.status = 'breached' AND ev.n IS NULL)::int AS without_event
      FROM d LEFT JOIN ev ON ev.id = d.id::text`;
  const [all] = (await c.query(breachSql('true'))).rows;
  if (all.missed) problems.push(`${all.missed} due deadline(s) still pending over ${MISSED_AFTER_S} s after their time`);
  if (all.twice) problems.push(`${all.twice} deadline(s) breached more than once`);
  if (all.without_event) problems.push(`${all.without_event} breached deadline(s) without their event`);
  let breaches = { breached: 0, missed: 0, twice: 0 };
  if (tags.length) {
    // (tags are hex: safe in the statement)
    const [t] = (await c.query(breachSql(`k.case_no LIKE ANY(ARRAY[${tags.map((g) => `'FT${g}-%'`).join(',')}])`))).rows;
    breaches = { deadlines: t.due, breached: t.breached, missed: t.missed + t.without_event, twice: t.twice };
  }

  const acknowledged = acks.filings.length + acks.accepts.length + acks.assessments.length;
  return { acknowledged, lost, duplicated, problems, halfWritten, chains, brokenChains: broken, breaches, allBreaches: all };
}

/**
 * N fresh cases (case_no FT<tag>-…) in the seeded district and one accept_report deadline each, due from leadS
 * to leadS + spreadS seconds from now (the reminder already sent), as bench/deadlines.mjs makes them.
 */
export async function insertDueDeadlines(c, { n, leadS, spreadS }) {
  const tag = Math.random().toString(16).slice(2, 8);
  await c.query('BEGIN');
  await c.query(
    `CREATE TEMP TABLE comm ON COMMIT DROP AS
       SELECT id, street_id, district_id, (row_number() OVER (ORDER BY code)) - 1 AS i FROM jurisdiction WHERE level = 'community'`,
  );
  await c.query(
    `INSERT INTO child (id, name, sex, birth_date, street_id)
     SELECT md5($1 || '-child-' || g)::uuid, '期限' || $1 || g, (ARRAY['female', 'male'])[1 + g % 2]::child_sex, date '2012-01-01' + (g % 3000), c.street_id
       FROM generate_series(1, $2::int) g JOIN comm c ON c.i = g % (SELECT count(*) FROM comm)`,
    [tag, n],
  );
  await c.query(
    `INSERT INTO "case" (id, case_no, status, risk_level, categories, child_id, community_id, street_id, district_id, created_by_id, reported_at, version)
     SELECT md5($1 || '-case-' || g)::uuid, 'FT' || $1 || '-' || lpad(g::text, 7, '0'), 'submitted', 'R2', ARRAY['N02']::varchar[],
            md5($1 || '-child-' || g)::uuid, c.id, c.street_id, c.district_id, (SELECT id FROM "user" WHERE username = 'admin'), now() - interval '1 day', 1
       FROM generate_series(1, $2::int) g JOIN comm c ON c.i = g % (SELECT count(*) FROM comm)`,
    [tag, n],
  );
  const { rows } = await c.query(
    `INSERT INTO deadline (case_id, kind, due_at, remind_at, reminded_at, status, responsible_role, created_at)
     SELECT md5($1 || '-case-' || g)::uuid, 'accept_report', d.due, d.due - interval '6 hours', now(), 'pending', 'street_supervisor', d.due - interval '1 day'
       FROM generate_series(1, $2::int) g,
            LATERAL (SELECT now() + make_interval(secs => $3::double precision + $4::double precision * (g - 1) / $2::int) AS due) d
     RETURNING due_at`,
    [tag, n, leadS, spreadS],
  );
  await c.query('COMMIT');
  const firstDue = new Date(Math.min(...rows.map((r) => r.due_at.getTime())));
  return { tag, firstDue };
}

/** How many deadlines of the tag's cases are breached and how many still pending. */
export async function dueProgress(c, tag) {
  const { rows } = await c.query(
    `SELECT count(*) FILTER (WHERE d.status = 'breached')::int AS breached, count(*) FILTER (WHERE d.status = 'pending')::int AS pending
       FROM deadline d JOIN "case" k ON k.id = d.case_id WHERE k.case_no LIKE $1`,
    [`FT${tag}-%`],
  );
  return rows[0];
}

/**
 * The timers Redis should hold and does not: each future second stage (the rows the reconciler re-arms:
 * libs/deadlines DeadlineRepository.upcomingPages; reminders and due steps have none, the sweeper reads
 * them from the rows) and the two job schedulers (the reconciler, the heartbeat).
 */
export async function timersMissing(c, redis, prefix) {
  const { rows } = await c.query(
    `SELECT id, 'stage2' AS stage FROM deadline WHERE status = 'breached' AND closed_at IS NULL AND second_stage_done_at IS NULL AND second_stage_at > now() + interval '2 seconds'`,
  );
  let timers = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const pipe = redis.pipeline();
    for (const r of rows.slice(i, i + 1000)) pipe.exists(`${prefix}:deadlines:${deadlineJobId(r.id, r.stage)}`);
    const res = await pipe.exec();
    timers += res.filter(([err, n]) => err || n !== 1).length;
  }
  const schedulers = [];
  for (const [queue, id] of [
    ['deadlines', 'deadline-reconciler'],
    ['maintenance', 'worker-heartbeat'],
  ]) {
    const connection = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 });
    const q = new Queue(queue, { connection, prefix });
    const s = await q.getJobScheduler(id).catch(() => null);
    await q.close();
    connection.disconnect();
    if (!s) schedulers.push(id);
  }
  return { total: timers + schedulers.length, timers, of: rows.length, schedulers };
}
