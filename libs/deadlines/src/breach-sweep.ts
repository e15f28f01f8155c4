import type { EntityManager } from 'typeorm';
import type { Role } from '@shouhu/access';
import type { ChainHead } from '@shouhu/timeline';

/**
 * The set-based statements of a breach sweep (EscalationService.breachDue) and of a reminder
 * sweep (EscalationService.remindDue): a batch of due deadlines (or due reminders) claimed with
 * their cases locked without waiting, and what the one-deadline breach does, for the whole batch
 * in a few statements (its events: TimelineService.appendMany). Each statement takes its rows as arrays or
 * as one JSON parameter, so a batch of any size is one round trip per statement.
 */

/** Deadlines a sweep takes at most in one transaction. */
export const SWEEP_BATCH = 1000;

/**
 * Breach sweeps that run at once across every worker process of the database. Each sweep
 * first takes one of these slots (a transaction-level advisory lock, without waiting); when
 * all are taken it does nothing and its loop tries again after a short pause. Without the cap,
 * every worker added another two sweeps on the same database cores (a bench with two workers was
 * later than with one: p99 2.4 s against 0.67 s), so adding workers adds no sweeping capacity.
 */
export const SWEEP_SLOTS = 2;
/** The advisory-lock namespace of the sweep slots ("SWEP"); the slot number is the second key. */
export const SWEEP_SLOT_LOCK = 0x5357_4550;

/** Takes a free sweep slot for the transaction; false when all SWEEP_SLOTS are held (the caller sweeps later). */
export async function takeSweepSlot(manager: EntityManager, slots = SWEEP_SLOTS): Promise<boolean> {
  const rows: unknown[] = await manager.query(`SELECT s FROM generate_series(0, $2::int - 1) AS s WHERE pg_try_advisory_xact_lock($1::int, s) LIMIT 1`, [
    SWEEP_SLOT_LOCK,
    slots,
  ]);
  return rows.length > 0;
}

/** A due pending deadline, claimed with its case (and the child's name, for the masked name of the notification). */
export interface DueRow {
  id: string;
  case_id: string;
  kind: string;
  ref_key: string;
  due_at: Date;
  created_at: Date;
  responsible_role: Role;
  responsible_user_id: string | null;
  case_no: string;
  community_id: string | null;
  street_id: string | null;
  district_id: string;
  flags: string[];
  child_name: string;
}

/**
 * Locks up to `limit` pending deadlines that `due` selects, the earliest `order` first, and their cases,
 * skipping any row another transaction holds: a case write holding the case never waits for
 * a sweep (nor a sweep for it, so the two can never deadlock), and two sweepers never take
 * the same deadline. Lock order within the sweep does not matter since it never waits.
 */
function claim(manager: EntityManager, due: string, order: string, limit: number): Promise<DueRow[]> {
  return manager.query(
    `SELECT d.id, d.case_id, d.kind, d.ref_key, d.due_at, d.created_at, d.responsible_role, d.responsible_user_id,
            c.case_no, c.community_id, c.street_id, c.district_id, c.flags, ch.name AS child_name
       FROM deadline d
       JOIN "case" c ON c.id = d.case_id
       JOIN child ch ON ch.id = c.child_id
      WHERE ${due}
      ORDER BY ${order}
      LIMIT $1
        FOR UPDATE OF d, c SKIP LOCKED`,
    [limit],
  );
}

/** Up to `limit` pending deadlines whose time has come, oldest first, locked with their cases (claim). */
export function claimDue(manager: EntityManager, limit: number): Promise<DueRow[]> {
  return claim(manager, `d.status = 'pending' AND d.due_at <= now()`, 'd.due_at', limit);
}

/**
 * Up to `limit` pending deadlines whose reminder has fallen due and is not sent, earliest first, locked with their
 * cases (claim); read through deadline_reminder_due_idx. A deadline without a reminder before its due time has none
 * to send; one already due is past its reminder ("due soon"): its breach tells the same people, and more.
 */
export function claimDueReminders(manager: EntityManager, limit: number): Promise<DueRow[]> {
  return claim(
    manager,
    `d.status = 'pending' AND d.reminded_at IS NULL AND d.remind_at < d.due_at AND d.remind_at <= now() AND d.due_at > now()`,
    'd.remind_at',
    limit,
  );
}

/** Marks the claimed deadlines' reminders sent (they are locked, so still owed); returns the ids marked. */
export async function markReminded(manager: EntityManager, ids: string[]): Promise<Set<string>> {
  const [updated] = await manager.query<[{ id: string }[], number]>(
    `UPDATE deadline SET reminded_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending' AND reminded_at IS NULL RETURNING id`,
    [ids],
  );
  return new Set(updated.map((u) => u.id));
}

/** Breaches the claimed deadlines (still pending: they are locked); returns each one's breach and second-stage instants. */
export async function markBreached(
  manager: EntityManager,
  rows: { id: string; secondStageMs: number }[],
): Promise<Map<string, { breachedAt: Date; secondStageAt: Date }>> {
  const [updated] = await manager.query<[{ id: string; breached_at: Date; second_stage_at: Date }[], number]>(
    `UPDATE deadline d
        SET status = 'breached', escalation_level = 1, breached_at = now(), second_stage_at = now() + make_interval(secs => s.ms / 1000)
       FROM unnest($1::uuid[], $2::double precision[]) AS s(id, ms)
      WHERE d.id = s.id AND d.status = 'pending'
      RETURNING d.id, d.breached_at, d.second_stage_at`,
    [rows.map((r) => r.id), rows.map((r) => r.secondStageMs)],
  );
  return new Map(updated.map((u) => [u.id, { breachedAt: u.breached_at, secondStageAt: u.second_stage_at }]));
}

/** Each case's earliest open deadline (pending, or breached and still unmet), as DeadlineRepository.nextPending reads it for one. */
export async function nextOpenByCase(manager: EntityManager, caseIds: string[]): Promise<Map<string, { dueAt: Date; kind: string }>> {
  const rows: { case_id: string; due_at: Date; kind: string }[] = await manager.query(
    `SELECT c.id AS case_id, n.due_at, n.kind
       FROM unnest($1::uuid[]) AS c(id)
       JOIN LATERAL (
         SELECT due_at, kind FROM deadline
          WHERE case_id = c.id AND (status = 'pending' OR (status = 'breached' AND closed_at IS NULL))
          ORDER BY due_at, kind LIMIT 1
       ) n ON true`,
    [caseIds],
  );
  return new Map(rows.map((r) => [r.case_id, { dueAt: r.due_at, kind: r.kind }]));
}

/**
 * Each case's row after the sweep: `events` more timeline sequence numbers taken, the flag,
 * the escalation level at least `level`, the next due time. The version is not bumped (a
 * flag does not invalidate what a user is doing), as CaseWriter.recordSystemEvent does.
 * Returns each case's chain head before the sweep's events (TimelineService.appendMany continues it).
 */
export async function updateCases(
  manager: EntityManager,
  updates: { id: string; events: number; flags: string[]; level: number; nextDueAt: Date; nextDueKind: string | null }[],
): Promise<Map<string, ChainHead>> {
  const [rows] = await manager.query<[{ id: string; last_event_seq: number; events: number; seq: number | null; hash: string | null }[], number]>(
    `WITH u AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS u(id uuid, events int, flags varchar[], level smallint, "nextDueAt" timestamptz, "nextDueKind" varchar)
     )
     UPDATE "case" c
        SET last_event_seq = c.last_event_seq + u.events,
            flags = u.flags,
            escalation_level = GREATEST(c.escalation_level, u.level),
            next_due_at = u."nextDueAt",
            next_due_kind = u."nextDueKind",
            updated_at = now()
       FROM u
       LEFT JOIN LATERAL (SELECT seq, hash FROM case_event e WHERE e.case_id = u.id ORDER BY seq DESC LIMIT 1) last ON true
      WHERE c.id = u.id
      RETURNING c.id, c.last_event_seq, u.events, last.seq, last.hash`,
    [JSON.stringify(updates)],
  );
  return new Map(rows.map((r) => [r.id, { lastSeq: r.last_event_seq - r.events, lastHash: r.hash, hashSeq: r.seq }]));
}

/**
 * Milliseconds until the earliest pending deadline falls due or owes its reminder (0 when one does now), or null
 * when none is pending. Each minimum is read from the first entry of its index (deadline_status_due_idx,
 * deadline_reminder_due_idx).
 */
export async function msUntilNextDue(manager: EntityManager): Promise<number | null> {
  const [row] = await manager.query<{ ms: number | null }[]>(
    `SELECT GREATEST(0, EXTRACT(EPOCH FROM (LEAST(
              (SELECT min(due_at) FROM deadline WHERE status = 'pending'),
              (SELECT min(remind_at) FROM deadline WHERE status = 'pending' AND reminded_at IS NULL AND remind_at < due_at)
            ) - clock_timestamp())) * 1000)::double precision AS ms`,
  );
  return row?.ms ?? null;
}
