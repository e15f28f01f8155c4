/**
 * The breach sweep (EscalationService.breachDue) and the worker's sweeper loop (BreachSweeper),
 * against the real PostgreSQL and Redis: thousands of deadlines due at once, two sweepers side
 * by side (two module instances, two connection pools), one-deadline breaches racing them, a
 * case write holding a case. Each deadline is breached exactly once, with one event chained
 * onto its case's timeline and one notification per recipient, as the one-deadline breach does.
 *
 * The cases are inserted in bulk (as bench/bulk-cases.sql does): filing thousands through the
 * intake would take minutes. Tests of this tier run one file at a time (--runInBand), so no
 * other process sweeps the database meanwhile.
 */
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Role } from '@shouhu/access';
import { SWEEP_SLOT_LOCK, SWEEP_SLOTS } from '@shouhu/deadlines';
import { deadlineJobId } from '@shouhu/jobs';
import { EventType, GENESIS_HASH, TimelineService, verifyChain } from '@shouhu/timeline';
import { BreachSweeper, SWEEP_MIN_PAUSE_MS, SWEEP_POLL_MS } from '../../apps/worker/src/breach-sweeper.service';
import { createTree } from '../helpers/cases';
import { waitFor } from '../helpers/deadlines';
import { Services, startServices } from '../helpers/medium';

jest.setTimeout(120_000);

interface BedDeadline {
  id: string;
  caseId: string;
  kind: 'accept_report' | 'police_report';
  responsibleRole: Role;
  dueAt: Date;
}

interface Bed {
  caseIds: string[];
  deadlines: BedDeadline[];
}

describe('the breach sweep (services, real PostgreSQL and Redis)', () => {
  let a: Services;
  let b: Services;
  let districtId: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([startServices(), startServices()]);
    // A district of its own: thousands of breached cases and their notifications must not reach the demo
    // district's users, whose queues and bells the browser tests read in the same database.
    ({ districtId } = await createTree(a.db, {
      streets: { n: 2, s: 1 },
      users: { staff: 'district', supN: 'n', supS: 's', dirN1: 'n-1', dirN2: 'n-2', dirS1: 's-1' },
    }));
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  /**
   * `n` submitted cases of the test's own district, each with an accept_report deadline (the street
   * supervisor's) and every `second`-th also a police_report one (the community director's),
   * due at `dueAt(i)`; the first `withEvents` cases already have a timeline event. Their reminders
   * were sent, unless `remindAt` says when each one's falls due (the police_report's with its case's).
   */
  async function bed(
    n: number,
    dueAt: (i: number) => Date,
    { second = 3, withEvents = 0, remindAt }: { second?: number; withEvents?: number; remindAt?: (i: number) => Date } = {},
  ): Promise<Bed> {
    const tag = randomBytes(4).toString('hex');
    const params = [tag, n, districtId];
    await a.db.query(
      `WITH comm AS (SELECT id, street_id, row_number() OVER (ORDER BY code) - 1 AS i FROM jurisdiction WHERE level = 'community' AND district_id = $3),
            k AS (SELECT count(*) AS n FROM comm)
       INSERT INTO child (id, name, sex, birth_date, street_id)
       SELECT md5($1 || '-child-' || g)::uuid, '扫描' || $1 || g, 'female', date '2015-01-01', c.street_id
         FROM generate_series(1, $2::int) g JOIN comm c ON c.i = g % (SELECT n FROM k)`,
      params,
    );
    await a.db.query(
      `WITH comm AS (SELECT id, street_id, district_id, row_number() OVER (ORDER BY code) - 1 AS i FROM jurisdiction WHERE level = 'community' AND district_id = $3),
            k AS (SELECT count(*) AS n FROM comm)
       INSERT INTO "case" (id, case_no, status, risk_level, categories, child_id, community_id, street_id, district_id, created_by_id, reported_at, version)
       SELECT md5($1 || '-case-' || g)::uuid, 'SW' || $1 || lpad(g::text, 6, '0'), 'submitted', 'R1', ARRAY['V01']::varchar[],
              md5($1 || '-child-' || g)::uuid, c.id, c.street_id, c.district_id, (SELECT id FROM "user" WHERE username = 'admin'), now() - interval '2 hours', 1
         FROM generate_series(1, $2::int) g JOIN comm c ON c.i = g % (SELECT n FROM k)`,
      params,
    );
    const caseIds: string[] = (
      await a.db.query<{ id: string }[]>(`SELECT md5($1 || '-case-' || g)::uuid AS id FROM generate_series(1, $2::int) g ORDER BY g`, [tag, n])
    ).map((r) => r.id);
    // Some cases already have a timeline: the sweep's events chain onto it.
    const timeline = a.module.get(TimelineService, { strict: false });
    for (const caseId of caseIds.slice(0, withEvents)) {
      await a.db.transaction(async (manager) => {
        await manager.query('UPDATE "case" SET last_event_seq = 1 WHERE id = $1', [caseId]);
        await timeline.append(manager, { caseId, seq: 1, type: EventType.CaseReported, actor: { id: null, role: 'system' }, data: {} });
      });
    }
    const rows: { caseId: string; kind: BedDeadline['kind']; role: Role; dueAt: Date; remindAt: Date | null }[] = [];
    caseIds.forEach((caseId, i) => {
      const remind = remindAt?.(i) ?? null;
      rows.push({ caseId, kind: 'accept_report', role: Role.StreetSupervisor, dueAt: dueAt(i), remindAt: remind });
      if (i % second === 0)
        rows.push({ caseId, kind: 'police_report', role: Role.CommunityDirector, dueAt: new Date(dueAt(i).getTime() + 7), remindAt: remind });
    });
    const inserted: { id: string; case_id: string; kind: BedDeadline['kind']; responsible_role: Role; due_at: Date }[] = await a.db.query(
      `INSERT INTO deadline (case_id, kind, due_at, remind_at, status, responsible_role, reminded_at, created_at)
       SELECT r."caseId", r.kind, r."dueAt", coalesce(r."remindAt", r."dueAt" - interval '15 minutes'), 'pending', r.role::user_role,
              CASE WHEN r."remindAt" IS NULL THEN now() END, r."dueAt" - interval '1 hour'
         FROM jsonb_to_recordset($1::jsonb) AS r("caseId" uuid, kind varchar, role varchar, "dueAt" timestamptz, "remindAt" timestamptz)
       RETURNING id, case_id, kind, responsible_role, due_at`,
      [JSON.stringify(rows)],
    );
    // The queue's next due time, as a filing keeps it.
    await a.db.query(
      `UPDATE "case" c SET next_due_at = n.due, next_due_kind = n.kind
         FROM (SELECT DISTINCT ON (case_id) case_id, due_at AS due, kind FROM deadline WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, due_at) n
        WHERE c.id = n.case_id`,
      [caseIds],
    );
    return {
      caseIds,
      deadlines: inserted.map((d) => ({ id: d.id, caseId: d.case_id, kind: d.kind, responsibleRole: d.responsible_role, dueAt: d.due_at })),
    };
  }

  /** Who a role-addressed notification reaches: active, approved users of the role in the unit. */
  async function reached(role: Role, jurisdictionId: string): Promise<string[]> {
    const rows = await a.db.query<{ id: string }[]>(
      `SELECT id FROM "user" WHERE role = $1 AND jurisdiction_id = $2 AND active AND status = 'active' ORDER BY id`,
      [role, jurisdictionId],
    );
    return rows.map((r) => r.id);
  }

  /** Checks everything a breach leaves, for every deadline of the bed: once each, chained, told to the right people. */
  async function expectBreachedOnce(s: Bed): Promise<void> {
    const ids = s.deadlines.map((d) => d.id);
    const rows = await a.db.query<{ id: string; status: string; escalation_level: number; due_at: Date; breached_at: Date; second_stage_at: Date }[]>(
      'SELECT id, status, escalation_level, due_at, breached_at, second_stage_at FROM deadline WHERE id = ANY($1::uuid[])',
      [ids],
    );
    expect(rows).toHaveLength(ids.length);
    for (const r of rows) {
      expect({ id: r.id, status: r.status, level: r.escalation_level }).toEqual({ id: r.id, status: 'breached', level: 1 });
      expect(r.breached_at.getTime()).toBeGreaterThanOrEqual(r.due_at.getTime());
      // The second window is as long as the first (one hour here).
      expect(r.second_stage_at.getTime() - r.breached_at.getTime()).toBeGreaterThanOrEqual(3600_000 - 50);
    }

    // One deadline.breached event per deadline, by the system, with the breach's facts.
    const events = await a.db.query<
      {
        case_id: string;
        seq: number;
        type: string;
        at: Date;
        actor_id: string | null;
        actor_role: string;
        from_status: string | null;
        to_status: string | null;
        data: Record<string, unknown>;
        prev_hash: string;
        hash: string;
      }[]
    >(
      'SELECT case_id, seq, type, at, actor_id, actor_role, from_status, to_status, data, prev_hash, hash FROM case_event WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, seq',
      [s.caseIds],
    );
    const breaches = events.filter((e) => e.type === (EventType.DeadlineBreached as string));
    expect(breaches).toHaveLength(ids.length);
    const byDeadline = new Map(breaches.map((e) => [e.data.deadlineId as string, e]));
    expect(byDeadline.size).toBe(ids.length);
    for (const d of s.deadlines) {
      const e = byDeadline.get(d.id);
      expect(e).toMatchObject({
        case_id: d.caseId,
        actor_id: null,
        actor_role: 'system',
        data: {
          deadlineId: d.id,
          kind: d.kind,
          dueAt: d.dueAt.toISOString(),
          responsibleRole: d.responsibleRole,
          escalatedTo: d.responsibleRole === Role.StreetSupervisor ? Role.DistrictStaff : Role.StreetSupervisor,
          escalationLevel: 1,
        },
      });
    }
    // Every case's chain holds: sequence 1, 2, 3… and each hash over the one before.
    const byCase = new Map<string, typeof events>();
    for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e]);
    expect(byCase.size).toBe(s.caseIds.length);
    for (const [caseId, chain] of byCase) {
      const verdict = verifyChain(
        chain.map((e) => ({
          ...e,
          caseId: e.case_id,
          fromStatus: e.from_status,
          toStatus: e.to_status,
          prevHash: e.prev_hash,
          actor: { id: e.actor_id, role: e.actor_role },
        })),
      );
      expect({ caseId, ...verdict }).toEqual({ caseId, valid: true, events: chain.length });
      expect(chain[0].prev_hash).toBe(GENESIS_HASH);
    }

    // The case rows: flagged, escalated, the version a user works with kept, the counter at the last event, the overdue step next.
    const cases = await a.db.query<
      {
        id: string;
        case_no: string;
        flags: string[];
        escalation_level: number;
        version: number;
        last_event_seq: number;
        next_due_at: Date;
        next_due_kind: string;
        community_id: string;
        street_id: string;
        child_name: string;
      }[]
    >(
      `SELECT c.id, c.case_no, c.flags, c.escalation_level, c.version, c.last_event_seq, c.next_due_at, c.next_due_kind, c.community_id, c.street_id, ch.name AS child_name
         FROM "case" c JOIN child ch ON ch.id = c.child_id WHERE c.id = ANY($1::uuid[])`,
      [s.caseIds],
    );
    const caseById = new Map(cases.map((c) => [c.id, c]));
    for (const c of cases) {
      const own = s.deadlines.filter((d) => d.caseId === c.id).sort((x, y) => x.dueAt.getTime() - y.dueAt.getTime());
      expect({
        id: c.id,
        flags: c.flags,
        level: c.escalation_level,
        version: c.version,
        seq: c.last_event_seq,
        next: c.next_due_at.getTime(),
        kind: c.next_due_kind,
      }).toEqual({
        id: c.id,
        flags: ['deadline_breached'],
        level: 1,
        version: 1,
        seq: (byCase.get(c.id) ?? []).length,
        next: own[0].dueAt.getTime(),
        kind: own[0].kind,
      });
    }

    // The breach told the responsible role and the level above, each person once; the case number, never the child's name.
    const notes = await a.db.query<{ user_id: string; kind: string; dedupe_key: string; title: string; body: string; case_id: string }[]>(
      `SELECT user_id, kind, dedupe_key, title, body, case_id FROM notification WHERE case_id = ANY($1::uuid[])`,
      [s.caseIds],
    );
    const toDeadline = new Map<string, string[]>();
    for (const n of notes) {
      const m = /^dl:([0-9a-f-]{36}):breach:([0-9a-f-]{36})$/.exec(n.dedupe_key);
      expect(m && m[2] === n.user_id && n.kind === 'deadline.breached').toBe(true);
      toDeadline.set((m as RegExpExecArray)[1], [...(toDeadline.get((m as RegExpExecArray)[1]) ?? []), n.user_id]);
      const c = caseById.get(n.case_id) as (typeof cases)[number];
      expect(n.title).toContain(c.case_no);
      expect(`${n.title} ${n.body}`).not.toContain(c.child_name);
    }
    const units = new Map<string, string[]>();
    const usersOf = async (role: Role, unit: string) => {
      const key = `${role}@${unit}`;
      if (!units.has(key)) units.set(key, await reached(role, unit));
      return units.get(key) as string[];
    };
    for (const d of s.deadlines) {
      const c = caseById.get(d.caseId) as (typeof cases)[number];
      const expected =
        d.kind === 'accept_report'
          ? [...(await usersOf(Role.StreetSupervisor, c.street_id)), ...(await usersOf(Role.DistrictStaff, districtId))]
          : [...(await usersOf(Role.CommunityDirector, c.community_id)), ...(await usersOf(Role.StreetSupervisor, c.street_id))];
      expect(expected.length).toBeGreaterThan(0);
      expect({ id: d.id, to: (toDeadline.get(d.id) ?? []).sort() }).toEqual({ id: d.id, to: [...new Set(expected)].sort() });
    }
  }

  /** Sweeps until nothing is due; the number breached. */
  async function sweepAll(s: Services, limit: number): Promise<number> {
    let n = 0;
    for (;;) {
      const r = await s.escalation.breachDue(limit);
      n += r.breached;
      // Every sweep slot held by the other sweeps: this one looks again shortly, as the worker's loop does.
      if (r.busy) await new Promise((resolve) => setTimeout(resolve, 10));
      else if (!r.more && r.claimed === 0) return n;
    }
  }

  it('2,000 deadlines due at once, two sweepers side by side, one-deadline breaches racing them, a case held by a write: each breached exactly once', async () => {
    const now = Date.now();
    const s = await bed(1500, (i) => new Date(now - 1000 - (i % 600) * 100), { withEvents: 100 });
    expect(s.deadlines).toHaveLength(2000);
    const [{ t0 }] = await a.db.query<{ t0: Date }[]>('SELECT now() AS t0');

    // A case write holds one case (with two deadlines): the sweeps skip it, they never wait for it.
    const held = s.caseIds[3];
    const holder = a.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT id FROM "case" WHERE id = $1 FOR UPDATE', [held]);

    const racers = s.deadlines.filter((d) => d.caseId !== held && s.deadlines.indexOf(d) % 40 === 0).map((d) => d.id);
    let swept: number[];
    let raced: string[];
    try {
      [swept, raced] = await Promise.all([
        Promise.all([sweepAll(a, 300), sweepAll(b, 300), sweepAll(a, 200)]),
        Promise.all(racers.map((id, i) => (i % 2 ? a : b).escalation.breach(id))),
      ]);
      // The held case's deadlines wait, pending, for a sweep after the write.
      const waiting = await a.db.query<{ status: string }[]>('SELECT status FROM deadline WHERE case_id = $1', [held]);
      expect(waiting.map((w) => w.status)).toEqual(['pending', 'pending']);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    const after = await sweepAll(b, 300);
    expect(after).toBeGreaterThanOrEqual(2);

    // Every breach since t0 was done once, by one of the sweeps or one of the racing one-deadline breaches.
    const [{ n }] = await a.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM deadline WHERE breached_at >= $1', [t0]);
    const sum = swept.reduce((x, y) => x + y, 0) + after + raced.filter((o) => o === 'done').length;
    expect(sum).toBe(n);
    expect(raced.every((o) => o === 'done' || o === 'noop')).toBe(true);
    await expectBreachedOnce(s);

    // The second-stage timers were armed after commit, in the queue of the sweep that breached each.
    const sample = s.deadlines.filter((_, i) => i % 50 === 0);
    await waitFor(
      'the second-stage timers of the sample',
      async () => {
        for (const d of sample) {
          const states = await Promise.all([a.queue, b.queue].map((q: Queue) => q.getJobState(deadlineJobId(d.id, 'stage2'))));
          if (!states.includes('delayed')) return false;
        }
        return true;
      },
      { timeoutMs: 10_000 },
    );

    // Run again, by a sweep or by a timer: nothing changes.
    const before = await a.db.query('SELECT count(*)::int AS n FROM case_event WHERE case_id = ANY($1::uuid[])', [s.caseIds]);
    expect(await a.escalation.breachDue()).toMatchObject({ breached: 0 });
    for (const d of sample) expect(await b.escalation.breach(d.id)).toBe('noop');
    expect(await a.db.query('SELECT count(*)::int AS n FROM case_event WHERE case_id = ANY($1::uuid[])', [s.caseIds])).toEqual(before);
  });

  it('at most SWEEP_SLOTS sweeps run at once across processes: with every slot held a sweep takes nothing and says so; once one is free, it sweeps', async () => {
    const now = Date.now();
    const s = await bed(6, () => new Date(now - 1000));
    const pending = async () =>
      (await a.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM deadline WHERE case_id = ANY($1::uuid[]) AND status = 'pending'`, [s.caseIds]))[0].n;
    // Another process's sweeps hold the slots (session-level here, so that one can be let go).
    const holder = a.db.createQueryRunner();
    await holder.connect();
    try {
      for (let slot = 0; slot < SWEEP_SLOTS; slot += 1) await holder.query('SELECT pg_advisory_lock($1::int, $2::int)', [SWEEP_SLOT_LOCK, slot]);
      expect(await b.escalation.breachDue()).toEqual({ claimed: 0, breached: 0, more: false, busy: true });
      expect(await a.escalation.breachDue()).toMatchObject({ claimed: 0, busy: true });
      expect(await pending()).toBe(s.deadlines.length);
      // One slot freed (the others still held): a sweep takes it and breaches what is due.
      await holder.query('SELECT pg_advisory_unlock($1::int, $2::int)', [SWEEP_SLOT_LOCK, SWEEP_SLOTS - 1]);
      expect(await sweepAll(b, 1000)).toBeGreaterThanOrEqual(s.deadlines.length);
      expect(await pending()).toBe(0);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      await holder.release();
    }
    await expectBreachedOnce(s);
  });

  it('a later deadline of a case keeps the case’s next due time, and the one-deadline breach and the sweep leave the same facts', async () => {
    const now = Date.now();
    // Two beds alike: one breached deadline by deadline, one by the sweep.
    const one = await bed(6, () => new Date(now - 2000), { second: 2, withEvents: 6 });
    const swept = await bed(6, () => new Date(now - 2000), { second: 2, withEvents: 6 });
    // A step due tomorrow on every case: the case's next due time after the breach is the breached step's (still open, overdue).
    for (const caseId of [...one.caseIds, ...swept.caseIds]) {
      await a.db.query(
        `INSERT INTO deadline (case_id, kind, due_at, remind_at, status, responsible_role) VALUES ($1, 'assessment', now() + interval '1 day', now() + interval '18 hours', 'pending', 'street_supervisor')`,
        [caseId],
      );
    }
    for (const d of one.deadlines) expect(await a.escalation.breach(d.id)).toBe('done');
    await sweepAll(b, 1000);
    await expectBreachedOnce(one);
    await expectBreachedOnce(swept);
  });

  describe('the worker’s sweeper loop', () => {
    let sweepers: BreachSweeper[] = [];
    afterEach(async () => {
      await Promise.all(sweepers.map((w) => w.onApplicationShutdown()));
      sweepers = [];
    });

    it('two sweepers breach deadlines as they fall due, each once and on time; after shutdown they take nothing', async () => {
      sweepers = [new BreachSweeper(a.escalation), new BreachSweeper(b.escalation)];
      expect(sweepers.some((w) => w.sweepingWithin(60_000))).toBe(false);
      for (const w of sweepers) w.onApplicationBootstrap();
      expect(sweepers.every((w) => w.running)).toBe(true);
      // Due from 0.5 s to 2.5 s after the bed's deadlines are written (its cases and their first events before).
      let start = 0;
      const s = await bed(400, (i) => new Date((start ||= Date.now() + 500) + i * 5), { withEvents: 50 });
      await waitFor(
        'every deadline of the bed breached',
        async () => {
          const [{ n }] = await a.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM deadline WHERE id = ANY($1::uuid[]) AND status = 'breached'`, [
            s.deadlines.map((d) => d.id),
          ]);
          return n === s.deadlines.length;
        },
        { timeoutMs: 30_000 },
      );
      await expectBreachedOnce(s);
      // The worker's rollup folds ask this (they wait while deadlines fall due).
      expect(sweepers.some((w) => w.sweepingWithin(60_000))).toBe(true);
      // On time: breached within the sleep bound and a sweep's time of falling due (generous on a shared, noisy machine), never before.
      const [late] = await a.db.query<{ min: number; p99: number }[]>(
        `SELECT min(extract(epoch FROM breached_at - due_at) * 1000)::float AS min,
                percentile_disc(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM breached_at - due_at) * 1000)::float AS p99
           FROM deadline WHERE id = ANY($1::uuid[])`,
        [s.deadlines.map((d) => d.id)],
      );
      expect(late.min).toBeGreaterThanOrEqual(0);
      expect(late.p99).toBeLessThan(SWEEP_POLL_MS + SWEEP_MIN_PAUSE_MS + 2000);

      await Promise.all(sweepers.map((w) => w.onApplicationShutdown()));
      expect(sweepers.some((w) => w.running)).toBe(false);
      const later = await bed(3, () => new Date(Date.now() - 10));
      await new Promise((r) => setTimeout(r, 3 * SWEEP_POLL_MS));
      const rows = await a.db.query<{ status: string }[]>('SELECT status FROM deadline WHERE id = ANY($1::uuid[])', [later.deadlines.map((d) => d.id)]);
      expect(rows.map((r) => r.status)).toEqual(later.deadlines.map(() => 'pending'));
      await sweepAll(a, 100);
      await expectBreachedOnce(later);
    });

    it('two sweepers send reminders as they fall due: each once, on time, to the one responsible, by case number only; none after its deadline breached', async () => {
      sweepers = [new BreachSweeper(a.escalation), new BreachSweeper(b.escalation)];
      for (const w of sweepers) w.onApplicationBootstrap();
      // Reminders due from 0.5 s to 1.5 s after the bed is written, their deadlines an hour after that…
      let start = 0;
      const s = await bed(200, (i) => new Date((start ||= Date.now() + 500) + 3600_000 + i * 5), { remindAt: (i) => new Date(start + i * 5), second: 4 });
      // …and a deadline already past whose reminder was never sent: it breaches, and its reminder is not sent after.
      const past = await bed(1, () => new Date(Date.now() - 1000), { remindAt: () => new Date(Date.now() - 2000), second: 10 });
      const ids = s.deadlines.map((d) => d.id);
      await waitFor(
        'every reminder of the bed sent',
        async () => {
          const [{ n }] = await a.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM deadline WHERE id = ANY($1::uuid[]) AND reminded_at IS NOT NULL`, [
            ids,
          ]);
          return n === ids.length;
        },
        { timeoutMs: 30_000 },
      );
      await waitFor(
        'the past deadline breached',
        async () => (await a.db.query<{ status: string }[]>('SELECT status FROM deadline WHERE id = $1', [past.deadlines[0].id]))[0].status === 'breached',
      );
      const [pastRow] = await a.db.query<{ reminded_at: Date | null }[]>('SELECT reminded_at FROM deadline WHERE id = $1', [past.deadlines[0].id]);
      expect(pastRow.reminded_at).toBeNull();

      // Still pending, sent at or after the reminder's time, within the sleep bound (generous on a shared, noisy machine).
      const rows = await a.db.query<{ status: string; early: number; p99: number }[]>(
        `SELECT status, count(*) FILTER (WHERE reminded_at < remind_at)::int AS early,
                percentile_disc(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM reminded_at - remind_at) * 1000)::float AS p99
           FROM deadline WHERE id = ANY($1::uuid[]) GROUP BY status`,
        [ids],
      );
      expect(rows).toEqual([{ status: 'pending', early: 0, p99: expect.any(Number) }]);
      expect(rows[0].p99).toBeLessThan(SWEEP_POLL_MS + SWEEP_MIN_PAUSE_MS + 2000);

      // Each reminder told the one responsible (the role in its unit), each person once; the case number, never the child's name.
      const cases = new Map(
        (
          await a.db.query<{ id: string; case_no: string; community_id: string; street_id: string; child_name: string }[]>(
            'SELECT c.id, c.case_no, c.community_id, c.street_id, ch.name AS child_name FROM "case" c JOIN child ch ON ch.id = c.child_id WHERE c.id = ANY($1::uuid[])',
            [[...s.caseIds, ...past.caseIds]],
          )
        ).map((c) => [c.id, c]),
      );
      const notes = await a.db.query<{ user_id: string; kind: string; dedupe_key: string; title: string; body: string; case_id: string }[]>(
        `SELECT user_id, kind, dedupe_key, title, body, case_id FROM notification WHERE case_id = ANY($1::uuid[]) AND kind = 'deadline.reminder'`,
        [[...s.caseIds, ...past.caseIds]],
      );
      const toDeadline = new Map<string, string[]>();
      for (const n of notes) {
        const m = /^dl:([0-9a-f-]{36}):remind:([0-9a-f-]{36})$/.exec(n.dedupe_key) as RegExpExecArray;
        expect(m?.[2]).toBe(n.user_id);
        toDeadline.set(m[1], [...(toDeadline.get(m[1]) ?? []), n.user_id]);
        const c = cases.get(n.case_id) as { case_no: string; child_name: string };
        expect(n.title).toContain(c.case_no);
        expect(`${n.title} ${n.body}`).not.toContain(c.child_name);
      }
      expect(toDeadline.has(past.deadlines[0].id)).toBe(false);
      for (const d of s.deadlines) {
        const c = cases.get(d.caseId) as { community_id: string; street_id: string };
        const expected = d.kind === 'accept_report' ? await reached(Role.StreetSupervisor, c.street_id) : await reached(Role.CommunityDirector, c.community_id);
        expect(expected.length).toBeGreaterThan(0);
        expect({ id: d.id, to: (toDeadline.get(d.id) ?? []).sort() }).toEqual({ id: d.id, to: expected });
      }
      // No timer was queued for any of it.
      for (const d of s.deadlines.slice(0, 20))
        for (const q of [a.queue, b.queue] as Queue[]) expect(await q.getJobState(deadlineJobId(d.id, 'remind'))).toBe('unknown');
    });

    it('a due timer hands a due deadline to a running sweeper and wakes it; an early one re-arms; a done one is nothing to do', async () => {
      const sweeper = new BreachSweeper(a.escalation);
      sweepers = [sweeper];
      const s = await bed(2, (i) => (i === 0 ? new Date(Date.now() - 100) : new Date(Date.now() + 3600_000)), { second: 10 });
      const due = s.deadlines.find((d) => d.caseId === s.caseIds[0] && d.kind === 'accept_report') as BedDeadline;
      const early = s.deadlines.find((d) => d.caseId === s.caseIds[1]) as BedDeadline;
      let woken = 0;
      expect(await a.escalation.dueOrHandOff(due.id, () => (woken += 1))).toBe('swept');
      expect(woken).toBe(1);
      expect(await a.escalation.dueOrHandOff(early.id, () => (woken += 1))).toBe('not_due');
      expect(woken).toBe(1);
      sweeper.onApplicationBootstrap();
      await waitFor(
        'the due deadline swept',
        async () => (await a.db.query<{ status: string }[]>('SELECT status FROM deadline WHERE id = $1', [due.id]))[0].status === 'breached',
      );
      expect(await a.escalation.dueOrHandOff(due.id, () => (woken += 1))).toBe('noop');
      expect(woken).toBe(1);
      const [{ status }] = await a.db.query<{ status: string }[]>('SELECT status FROM deadline WHERE id = $1', [early.id]);
      expect(status).toBe('pending');
    });
  });
});
