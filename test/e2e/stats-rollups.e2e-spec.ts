/**
 * The indicator rollups (issue 14, point 4) equal the from-scratch SQL, suppression included,
 * on a randomised district: cases over three weeks at any time of day (drafts, unlocated cases,
 * every state), several reports per case (some filed weeks later), deadlines, re-reports of the
 * same child and linked cases; then transfers, merges, reopenings, a child's corrected birth date,
 * deadlines concluded, a new case of a child already reported and a deleted deadline, compared
 * both before the worker folds them (answered live) and after (answered from the rollups).
 * The seed is printed; STATS_SEED=<n> replays a run.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role } from '@shouhu/access';
import { dayText, DistrictStats, LIVE_DAYS, splitPeriod, StatsRollupRepository, StatsService } from '@shouhu/stats';
import { createOtherDistrict, openDataSource, OtherDistrict } from '../helpers/database';
import { startApi, TestApi } from '../helpers/test-app';

const H = 3600_000;
const D = 24 * H;
/** 2026-03-01 00:00 in Shanghai. */
const T0 = Date.parse('2026-02-28T16:00:00Z');
const SPAN_DAYS = 21;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The answer without its freshness stamp, which differs by construction. */
const comparable = (s: DistrictStats) => ({ ...s, asOf: undefined });

describe('indicator rollups equal the from-scratch SQL (randomised)', () => {
  const seed = Number(process.env.STATS_SEED ?? Date.now() % 1_000_000_007);
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const between = (a: number, b: number) => a + Math.floor(rand() * (b - a));

  let api: TestApi;
  let db: DataSource;
  let other: OtherDistrict;
  let stats: StatsService;
  let rollups: StatsRollupRepository;
  let districtId: string;
  const streets: { id: string; communities: string[] }[] = [];
  const children: string[] = [];
  const cases: { id: string; child: string; reportedAt: number; street: string | null }[] = [];
  let author: string;

  async function foldAll(): Promise<number> {
    let days = 0;
    const until = Date.now() + 60_000;
    for (;;) {
      const round = await stats.foldRollups(50);
      if (!round) {
        // Another process (a worker of another test file) holds the fold lock: wait for it.
        if (Date.now() > until) throw new Error('another process kept the fold lock for a minute');
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      days += round.days;
      if (!round.more) return days;
    }
  }

  async function insertCase(childId: string, reportedAt: number, at: { street: string | null; community: string | null }, related: string[] = []) {
    let place = at;
    const id = randomUUID();
    const status = pick(['draft', 'submitted', 'returned', 'assessing', 'intervening', 'follow_up', 'closed', 'closed']);
    // Unlocated cases are drafts, submitted or returned (case_unlocated_before_acceptance).
    if (place.street === null && !['draft', 'submitted', 'returned'].includes(status)) place = randomLocated();
    const hours = (p: number, max: number) => (chance(p) ? new Date(reportedAt + Math.floor(rand() * max * H)) : null);
    const accepted = status === 'draft' || status === 'submitted' ? null : hours(0.9, 30);
    const police = hours(0.5, 40);
    await db.query(
      `INSERT INTO "case" (id, case_no, status, risk_level, categories, mandatory_items, child_id, community_id, street_id, district_id, created_by_id,
                           reported_at, accepted_at, assessed_at, intervention_started_at, police_reported_at, police_feedback_at, related_case_ids,
                           closed_at, closure_kind)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        id,
        `RR-${seed}-${cases.length}`,
        status,
        pick(['R1', 'R2', 'R3', 'R4']),
        [...new Set([pick(['V01', 'V02', 'N02', 'N03', 'D05', 'D08']), pick(['V01', 'N03', 'D02'])])].slice(0, between(1, 3)),
        chance(0.3) ? [between(1, 9)] : [],
        childId,
        place.community,
        place.street,
        districtId,
        author,
        new Date(reportedAt),
        accepted,
        accepted && chance(0.7) ? new Date(accepted.getTime() + Math.floor(rand() * 100 * H)) : null,
        accepted && chance(0.5) ? new Date(accepted.getTime() + Math.floor(rand() * 200 * H)) : null,
        police,
        police && chance(0.6) ? new Date(police.getTime() + Math.floor(rand() * 120 * H)) : null,
        related,
        status === 'closed' ? new Date(reportedAt + 5 * D) : null,
        status === 'closed' ? 'resolved' : null,
      ],
    );
    cases.push({ id, child: childId, reportedAt, street: place.street });
    // The first report at filing (discovered up to two days before); sometimes further reports, a few of them months later.
    await report(id, reportedAt, reportedAt - Math.floor(rand() * 48 * H));
    for (let r = between(0, 3); r > 0; r -= 1) {
      const later = reportedAt + Math.floor(rand() * (chance(0.2) ? 120 : 20) * D);
      await report(id, later, later - Math.floor(rand() * 10 * H));
    }
    for (const kind of ['accept_report', 'assessment', 'start_plan', 'police_feedback'])
      if (chance(0.6)) await deadline(id, kind, pick(['pending', 'met', 'met', 'breached', 'cancelled']));
    return id;
  }

  async function report(caseId: string, filedAt: number, discoveredAt: number) {
    await db.query(`INSERT INTO report (case_id, reporter_type, discovered_at, filed_at, filed_by_id) VALUES ($1, $2, $3, $4, $5)`, [
      caseId,
      pick(['mandatory_institution', 'mandatory_staff', 'guardian', 'public', 'hotline']),
      new Date(discoveredAt),
      new Date(filedAt),
      author,
    ]);
  }

  async function deadline(caseId: string, kind: string, status: string) {
    await db.query(
      `INSERT INTO deadline (case_id, kind, due_at, remind_at, status, responsible_role, closed_at)
       VALUES ($1, $2, now(), now(), $3::deadline_status, 'street_supervisor', CASE WHEN $3::text IN ('pending') THEN NULL ELSE now() END)`,
      [caseId, kind, status],
    );
  }

  const randomLocated = () => {
    const s = pick(streets);
    return { street: s.id as string | null, community: pick(s.communities) as string | null };
  };
  const randomPlace = () => (chance(0.12) ? { street: null, community: null } : randomLocated());

  /** Periods: the whole span, day-aligned ranges (rollups only), ranges with partial days at both ends, one partial day, an empty one. */
  function periods(): [Date, Date][] {
    const list: [Date, Date][] = [
      [new Date(T0 - 10 * D), new Date(T0 + 200 * D)],
      [new Date(T0 + 2 * D), new Date(T0 + 15 * D)],
      // Ending late in a day (read as the whole day less the rest of it), early in one (live), and now (the dashboard's default).
      [new Date(T0 + 2 * D), new Date(T0 + 9 * D + 20 * H + 17 * 60_000)],
      [new Date(T0 + D), new Date(T0 + 12 * D + 3 * H)],
      [new Date(T0 - 10 * D), new Date()],
      [new Date(T0 + 5 * D), new Date(T0 + 6 * D)],
      [new Date(T0 + 3 * D), new Date(T0 + 3 * D)],
    ];
    for (let i = 0; i < 5; i += 1) {
      const a = T0 + Math.floor(rand() * SPAN_DAYS * D);
      const b = a + Math.floor(rand() * (SPAN_DAYS + 30) * D);
      list.push([new Date(a), new Date(b)]);
    }
    const a = T0 + between(0, SPAN_DAYS) * D + Math.floor(rand() * 20 * H);
    list.push([new Date(a), new Date(a + Math.floor(rand() * 3 * H) + 1)]);
    return list;
  }

  /** The oldest mark of the marked whole days of the period past the LIVE_DAYS newest (read as last folded), if any. */
  async function staleSince(from: Date, to: Date): Promise<Date | null> {
    const { whole } = splitPeriod(from, to);
    if (!whole) return null;
    const [row] = await db.query<{ at: Date | null }[]>(
      `SELECT min(at) AS at FROM (SELECT day, min(marked_at) AS at FROM stats_dirty WHERE district_id = $1 AND day >= $2 AND day < $3
                                   GROUP BY day ORDER BY day DESC OFFSET $4) x`,
      [districtId, dayText(whole[0]), dayText(whole[1]), LIVE_DAYS],
    );
    return row.at ? new Date(row.at) : null;
  }

  /** Every period, for the district and for each street: the rollups' answer equals the from-scratch one, and is fresh. */
  async function expectEqual(stage: string): Promise<number> {
    let compared = 0;
    for (const [from, to] of periods()) {
      for (const streetId of [null, ...streets.map((s) => s.id)]) {
        const scope = { districtId, streetId };
        // The answer comes from the rollups (folded with this policy's windows), not from the from-scratch fallback.
        expect(await rollups.read(districtId, from, to, stats.windows())).not.toBeNull();
        const rolled = await stats.figuresFor(scope, from, to);
        const scratch = await stats.figuresFromScratch(scope, from, to);
        const where = `${stage}: seed ${seed}, [${from.toISOString()}, ${to.toISOString()}), street ${streetId ?? 'all'}`;
        expect(Date.now() - Date.parse(rolled.asOf)).toBeLessThan(60_000);
        const stale = await staleSince(from, to);
        if (stale) {
          // More marked days than an answer computes live: the oldest are read as last folded, and asOf says since when.
          expect({ where, asOf: rolled.asOf }).toEqual({ where, asOf: stale.toISOString() });
          continue;
        }
        expect({ where, answer: comparable(rolled) }).toEqual({ where, answer: comparable(scratch) });
        compared += 1;
      }
    }
    return compared;
  }

  beforeAll(async () => {
    console.log(`stats-rollups seed: ${seed} (STATS_SEED=${seed} replays it)`);
    api = await startApi();
    stats = api.app.get(StatsService);
    rollups = api.app.get(StatsRollupRepository);
    db = await openDataSource(api.config);
    other = await createOtherDistrict(db);
    districtId = other.district.id;
    author = other.users[Role.StreetSupervisor].id;
    streets.push({ id: other.street.id, communities: [other.community.id] });
    // The rollups folded with this policy's windows before the data arrives: what follows is marked, not yet folded.
    await foldAll();
    for (const [i, name] of ['甲', '乙'].entries()) {
      const streetId = randomUUID();
      const communityId = randomUUID();
      await db.query(
        `INSERT INTO jurisdiction (id, code, name, level, parent_id, district_id, street_id, community_id, path) VALUES
           ($1, $3 || '-R' || $5, $6 || '街道', 'street', $4, $4, $1, NULL, $6 || '街道'),
           ($2, $3 || '-R' || $5 || '-01', $6 || '社区', 'community', $1, $4, $1, $2, $6 || '街道 / ' || $6 || '社区')`,
        [streetId, communityId, other.district.code, districtId, String(i), name],
      );
      streets.push({ id: streetId, communities: [communityId] });
    }
    for (let i = 0; i < 70; i += 1) {
      const id = randomUUID();
      const birth = new Date(Date.parse('2008-03-10') + Math.floor(rand() * 17 * 365 * D)).toISOString().slice(0, 10);
      await db.query(`INSERT INTO child (id, name, sex, birth_date, street_id) VALUES ($1, $2, $3, $4, $5)`, [
        id,
        `统计随机${i}`,
        pick(['female', 'male', 'unknown']),
        birth,
        pick(streets).id,
      ]);
      children.push(id);
    }
    // Many cases in a few streets and days: small cells (suppressed) and large ones both.
    for (let i = 0; i < 180; i += 1) {
      const reportedAt = T0 + Math.floor(rand() * SPAN_DAYS * D);
      await insertCase(pick(children), reportedAt, randomPlace());
    }
    // Linked both ways, as intake links a report on a child whose case lies elsewhere.
    for (let i = 0; i < 6; i += 1) {
      const older = pick(cases);
      const newer = await insertCase(older.child, older.reportedAt + Math.floor(rand() * 100 * D), randomPlace(), [older.id]);
      await db.query(`UPDATE "case" SET related_case_ids = related_case_ids || $2::uuid WHERE id = $1`, [older.id, newer]);
    }
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    await api?.close();
  });

  it('answers live before any fold, then from the rollups after', async () => {
    // Live: whatever the rollups hold, the marked days are computed from scratch in the same snapshot.
    expect(await expectEqual('unfolded')).toBeGreaterThan(0);
    expect(await foldAll()).toBeGreaterThan(0);
    const [{ n }] = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM stats_dirty WHERE district_id = $1`, [districtId]);
    expect(Number(n)).toBe(0);
    const [{ rows }] = await db.query<{ rows: string }[]>(`SELECT count(*) AS rows FROM stats_rollup WHERE district_id = $1`, [districtId]);
    expect(Number(rows)).toBeGreaterThan(100);
    expect(await expectEqual('folded')).toBeGreaterThan(0);
  }, 300_000);

  it('stays equal through transfers, merges, reopenings, corrections and re-reports, before and after the fold', async () => {
    await foldAll();
    const movable = cases.filter((c) => c.street !== null);
    for (let i = 0; i < 12; i += 1) {
      // A transfer: the child moved to another street (or an unlocated report found its place).
      const c = pick(cases);
      const to = pick(streets);
      await db.query(`UPDATE "case" SET street_id = $2, community_id = $3 WHERE id = $1`, [c.id, to.id, to.communities[0]]);
      c.street = to.id;
    }
    for (let i = 0; i < 6; i += 1) {
      // A merge: the duplicate's reports move to the case it joins, which takes its categories; the duplicate closes.
      const dup = pick(movable);
      const into = pick(cases.filter((c) => c.id !== dup.id));
      await db.query(`UPDATE report SET case_id = $2 WHERE case_id = $1`, [dup.id, into.id]);
      await db.query(`UPDATE "case" SET categories = ARRAY(SELECT DISTINCT unnest(categories || $2::varchar[])) WHERE id = $1`, [into.id, ['N02']]);
      await db.query(
        `UPDATE "case" SET status = 'closed', closed_at = now(), closure_kind = 'merged', merged_into_id = $2 WHERE id = $1 AND status <> 'draft'`,
        [dup.id, into.id],
      );
    }
    // Reopenings: closed → assessing.
    await db.query(
      `UPDATE "case" SET status = 'assessing', closed_at = NULL, closure_kind = NULL
        WHERE id IN (SELECT id FROM "case" WHERE district_id = $1 AND status = 'closed' AND closure_kind = 'resolved' ORDER BY id LIMIT 5)`,
      [districtId],
    );
    // A child's birth date and sex corrected; a draft submitted; deadlines concluded and one deleted; risk confirmed.
    await db.query(`UPDATE child SET birth_date = birth_date - 800, sex = 'female' WHERE id = $1`, [pick(children)]);
    await db.query(`UPDATE "case" SET status = 'submitted' WHERE id IN (SELECT id FROM "case" WHERE district_id = $1 AND status = 'draft' LIMIT 3)`, [
      districtId,
    ]);
    await db.query(
      `UPDATE deadline SET status = 'breached', closed_at = now()
        WHERE id IN (SELECT d.id FROM deadline d JOIN "case" c ON c.id = d.case_id WHERE c.district_id = $1 AND d.status = 'pending' LIMIT 8)`,
      [districtId],
    );
    await db.query(`DELETE FROM deadline WHERE id IN (SELECT d.id FROM deadline d JOIN "case" c ON c.id = d.case_id WHERE c.district_id = $1 LIMIT 2)`, [
      districtId,
    ]);
    await db.query(`UPDATE "case" SET risk_level = 'R1', accepted_at = reported_at + interval '90 minutes' WHERE id = $1`, [pick(cases).id]);
    // Re-reports: a new case of a child already reported (the older case's day changes), a further report weeks later.
    for (let i = 0; i < 5; i += 1) {
      const older = pick(cases);
      await insertCase(older.child, older.reportedAt + Math.floor(rand() * 95 * D), randomPlace());
    }
    const late = pick(cases);
    await report(late.id, late.reportedAt + 30 * D, late.reportedAt + 29 * D);

    expect(await expectEqual('changed, unfolded')).toBeGreaterThan(0);
    expect(await foldAll()).toBeGreaterThan(0);
    expect(await expectEqual('changed, folded')).toBeGreaterThan(0);
  }, 300_000);

  it('says how fresh: a day left unfolded past the live limit is read as last folded, and asOf is its oldest mark', async () => {
    await foldAll();
    expect(await stats.rollupsBacklogged()).toBe(false);
    // As many marked days as an answer computes live: not backlogged (the worker's fold may rest).
    const live = Array.from({ length: LIVE_DAYS }, (_, i) => new Date(T0 + i * D).toISOString().slice(0, 10));
    await db.query(`INSERT INTO stats_dirty (district_id, day) SELECT $1, d::date FROM unnest($2::text[]) d`, [districtId, live]);
    expect(await stats.rollupsBacklogged()).toBe(false);
    // Stale rollups for a day outside the live limit are visible through asOf, never silently: mark 70 days, fold none.
    const marks = Array.from({ length: 70 }, (_, i) => new Date(T0 + (i - 40) * D).toISOString().slice(0, 10));
    await db.query(`INSERT INTO stats_dirty (district_id, day, marked_at) SELECT $1, d::date, now() - interval '2 minutes' FROM unnest($2::text[]) d`, [
      districtId,
      marks,
    ]);
    const answer = await stats.figuresFor({ districtId, streetId: null }, new Date(T0 - 45 * D), new Date(T0 + 40 * D));
    expect(Date.now() - Date.parse(answer.asOf)).toBeGreaterThanOrEqual(110_000);
    // Backlogged: the worker folds at once, rest or not.
    expect(await stats.rollupsBacklogged()).toBe(true);
    // Folded, the answer is fresh again and still equal.
    await foldAll();
    const fresh = await stats.figuresFor({ districtId, streetId: null }, new Date(T0 - 45 * D), new Date(T0 + 40 * D));
    expect(Date.now() - Date.parse(fresh.asOf)).toBeLessThan(60_000);
    expect(comparable(fresh)).toEqual(comparable(await stats.figuresFromScratch({ districtId, streetId: null }, new Date(T0 - 45 * D), new Date(T0 + 40 * D))));
  }, 120_000);

  it('a fold asked to pause (deadlines falling due) stops before its next day, leaving the rest marked for a later round', async () => {
    await foldAll();
    const marks = Array.from({ length: 5 }, (_, i) => new Date(T0 + (i - 2) * D).toISOString().slice(0, 10));
    await db.query(`INSERT INTO stats_dirty (district_id, day) SELECT $1, d::date FROM unnest($2::text[]) d`, [districtId, marks]);
    let asked = 0;
    const until = Date.now() + 60_000;
    let round = await stats.foldRollups(50, () => ++asked > 2);
    while (!round && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      round = await stats.foldRollups(50, () => ++asked > 2);
    }
    expect(round).toEqual({ days: 2, more: true });
    const left = async () =>
      Number((await db.query<{ n: string }[]>(`SELECT count(DISTINCT day) AS n FROM stats_dirty WHERE district_id = $1`, [districtId]))[0].n);
    expect(await left()).toBeGreaterThan(0);
    await foldAll();
    expect(await left()).toBe(0);
    expect(await expectEqual('folded')).toBeGreaterThan(0);
  }, 120_000);
});
