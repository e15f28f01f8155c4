/**
 * District indicators against a dataset whose every figure was computed by hand
 * (the comments say how). The data lives in a district of its own, written
 * straight to the database with exact times.
 */
import { randomUUID } from 'node:crypto';
import { Test, TestingModule } from '@nestjs/testing';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import { Role } from '@shouhu/access';
import { configWith } from '@shouhu/config';
import { StatsAlertWatch } from '@shouhu/stats';
import { StatsAlertChecks } from '../../apps/worker/src/stats-alerts.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { CaseClient, caseBody, createTree, TestTree, uniqueChildName } from '../helpers/cases';
import { createOtherDistrict, openDataSource, OtherDistrict } from '../helpers/database';
import { jsonSchema } from '../helpers/openapi-schema';
import { bearer, startApi, TestApi, tokenFor } from '../helpers/test-app';

const H = 3600_000;
const D = 24 * H;
const at = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs);

describe('district indicators (监测评估)', () => {
  let api: TestApi;
  let db: DataSource;
  let other: OtherDistrict;
  let streetA: string;
  let streetB: string;
  let communityA: string;
  let communityB: string;
  let u1: string;
  let u2: string;
  let staff: Record<string, string>;

  async function child(name: string, sex: 'female' | 'male', birthDate: string, streetId: string): Promise<string> {
    const id = randomUUID();
    await db.query(`INSERT INTO child (id, name, sex, birth_date, street_id) VALUES ($1, $2, $3, $4, $5)`, [id, name, sex, birthDate, streetId]);
    return id;
  }

  async function kase(c: {
    no: string;
    status: string;
    risk: string;
    categories: string[];
    items?: number[];
    childId: string;
    street: 'A' | 'B';
    reportedAt: Date;
    acceptedAt?: Date;
    assessedAt?: Date;
    interventionAt?: Date;
    policeAt?: Date;
    feedbackAt?: Date;
    assignee?: string;
    reporter: string;
    discoveredAt?: Date;
  }): Promise<string> {
    const id = randomUUID();
    await db.query(
      `INSERT INTO "case" (id, case_no, status, risk_level, categories, mandatory_items, child_id, community_id, street_id, district_id, created_by_id,
                           reported_at, accepted_at, assessed_at, intervention_started_at, police_reported_at, police_feedback_at, assignee_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        id,
        c.no,
        c.status,
        c.risk,
        c.categories,
        c.items ?? [],
        c.childId,
        c.street === 'A' ? communityA : communityB,
        c.street === 'A' ? streetA : streetB,
        other.district.id,
        u1,
        c.reportedAt,
        c.acceptedAt ?? null,
        c.assessedAt ?? null,
        c.interventionAt ?? null,
        c.policeAt ?? null,
        c.feedbackAt ?? null,
        c.assignee ?? null,
      ],
    );
    await report(id, c.reporter, c.reportedAt, c.discoveredAt);
    return id;
  }

  async function report(caseId: string, reporterType: string, filedAt: Date, discoveredAt = filedAt): Promise<void> {
    await db.query(`INSERT INTO report (case_id, reporter_type, discovered_at, filed_at, filed_by_id) VALUES ($1, $2, $3, $4, $5)`, [
      caseId,
      reporterType,
      discoveredAt,
      filedAt,
      u1,
    ]);
  }

  async function deadline(caseId: string, kind: string, status: string): Promise<void> {
    await db.query(
      `INSERT INTO deadline (case_id, kind, due_at, remind_at, status, responsible_role, closed_at) VALUES ($1, $2, now(), now(), $3::deadline_status, 'street_supervisor', CASE WHEN $3::text = 'pending' THEN NULL ELSE now() END)`,
      [caseId, kind, status],
    );
  }

  beforeAll(async () => {
    api = await startApi();
    db = await openDataSource(api.config);
    other = await createOtherDistrict(db);
    streetA = other.street.id;
    communityA = other.community.id;
    // A second street with one community.
    streetB = randomUUID();
    communityB = randomUUID();
    await db.query(
      `INSERT INTO jurisdiction (id, code, name, level, parent_id, district_id, street_id, community_id, path) VALUES
         ($1, $3 || '-B', '乙街道', 'street', $4, $4, $1, NULL, '乙街道'),
         ($2, $3 || '-B-01', '乙社区', 'community', $1, $4, $1, $2, '乙街道 / 乙社区')`,
      [streetB, communityB, other.district.code, other.district.id],
    );
    u1 = other.users[Role.StreetSupervisor].id;
    u2 = other.users[Role.CommunityDirector].id;
    // A supervisor of street B, to see the street scoping.
    const { identifiers } = await db
      .query(
        `INSERT INTO "user" (username, display_name, role, jurisdiction_id, password_hash) SELECT $1, '乙街道督导员', 'street_supervisor', $2, password_hash FROM "user" WHERE id = $3 RETURNING id`,
        [`${other.users[Role.StreetSupervisor].username}-b`, streetB, u1],
      )
      .then((rows: { id: string }[]) => ({ identifiers: rows }));
    expect(identifiers).toHaveLength(1);
    staff = {
      district: await tokenFor(api, other.users[Role.DistrictStaff].username, other.password),
      supervisorA: await tokenFor(api, other.users[Role.StreetSupervisor].username, other.password),
      supervisorB: await tokenFor(api, `${other.users[Role.StreetSupervisor].username}-b`, other.password),
    };

    // c1 & c7: the same girl (born 2015-06-01; 10 at both reports) in street A.
    const girl = await child('甲一', 'female', '2015-06-01', streetA);
    const c1 = await kase({
      no: `${other.district.code}-1`,
      status: 'closed',
      risk: 'R1',
      categories: ['V01'],
      items: [4],
      childId: girl,
      street: 'A',
      reporter: 'mandatory_institution',
      // Found 6 h before the school reported it: the only mandatory report of the period.
      discoveredAt: at('2026-02-01T00:00:00Z', -6 * H),
      reportedAt: at('2026-02-01T00:00:00Z'),
      acceptedAt: at('2026-02-01T00:00:00Z', 2 * H),
      assessedAt: at('2026-02-01T00:00:00Z', 10 * H),
      interventionAt: at('2026-02-01T00:00:00Z', 30 * H),
      policeAt: at('2026-02-01T00:00:00Z', 0.5 * H),
      feedbackAt: at('2026-02-01T00:00:00Z', 0.5 * H + 2 * D),
      assignee: u1,
    });
    const c7 = await kase({
      no: `${other.district.code}-7`,
      status: 'submitted',
      risk: 'R3',
      categories: ['N04'],
      childId: girl,
      street: 'A',
      reporter: 'hotline',
      reportedAt: at('2026-03-15T00:00:00Z'),
    });
    // c2: a boy born 2012-01-15 (14), street A.
    const c2 = await kase({
      no: `${other.district.code}-2`,
      status: 'assessing',
      risk: 'R2',
      categories: ['N02', 'D05'],
      childId: await child('甲二', 'male', '2012-01-15', streetA),
      street: 'A',
      reporter: 'internal_discovery',
      reportedAt: at('2026-03-01T00:00:00Z'),
      acceptedAt: at('2026-03-01T00:00:00Z', 4 * H),
      assessedAt: at('2026-03-01T00:00:00Z', 20 * H),
      assignee: u1,
    });
    // c3: a girl born 2021-04-10 (5), street B; police told 30 h after (R2 window 24 h: late), feedback 5 days later (late).
    const c3 = await kase({
      no: `${other.district.code}-3`,
      status: 'intervening',
      risk: 'R2',
      categories: ['V03'],
      childId: await child('乙三', 'female', '2021-04-10', streetB),
      street: 'B',
      reporter: 'public',
      // Not a mandatory reporter: its 30 h do not count towards reportDelayHours.
      discoveredAt: at('2026-04-10T00:00:00Z', -30 * H),
      reportedAt: at('2026-04-10T00:00:00Z'),
      acceptedAt: at('2026-04-10T00:00:00Z', 6 * H),
      assessedAt: at('2026-04-10T00:00:00Z', 30 * H),
      interventionAt: at('2026-04-10T00:00:00Z', 50 * H),
      policeAt: at('2026-04-10T00:00:00Z', 30 * H),
      feedbackAt: at('2026-04-10T00:00:00Z', 30 * H + 5 * D),
      assignee: u2,
    });
    // c4: a boy born 2009-05-06, reported 2026-05-05 (still 16), street B; a second report 10 days later.
    const c4 = await kase({
      no: `${other.district.code}-4`,
      status: 'submitted',
      risk: 'R4',
      categories: ['D08'],
      childId: await child('乙四', 'male', '2009-05-06', streetB),
      street: 'B',
      reporter: 'guardian',
      reportedAt: at('2026-05-05T00:00:00Z'),
    });
    await report(c4, 'guardian', at('2026-05-05T00:00:00Z', 10 * D));
    // Outside the population: reported before the period, and a draft.
    await kase({
      no: `${other.district.code}-5`,
      status: 'closed',
      risk: 'R3',
      categories: ['N02'],
      childId: await child('甲五', 'male', '2014-01-01', streetA),
      street: 'A',
      reporter: 'public',
      reportedAt: at('2025-12-01T00:00:00Z'),
      assignee: u2,
    });
    await kase({
      no: `${other.district.code}-6`,
      status: 'draft',
      risk: 'R3',
      categories: ['N02'],
      childId: await child('甲六', 'male', '2014-01-01', streetA),
      street: 'A',
      reporter: 'public',
      reportedAt: at('2026-02-10T00:00:00Z'),
    });

    for (const [c, kind, status] of [
      [c1, 'accept_report', 'met'],
      [c1, 'assessment', 'met'],
      [c1, 'police_feedback', 'met'],
      [c2, 'accept_report', 'breached'],
      [c2, 'assessment', 'pending'],
      [c3, 'accept_report', 'met'],
      [c3, 'assessment', 'breached'],
      [c3, 'start_plan', 'breached'],
      [c3, 'police_feedback', 'breached'],
      [c4, 'accept_report', 'pending'],
      [c7, 'accept_report', 'cancelled'],
    ] as const)
      await deadline(c, kind, status);
  }, 60_000);

  afterAll(async () => {
    await db?.query(`DELETE FROM deadline WHERE case_id IN (SELECT id FROM "case" WHERE district_id = $1)`, [other.district.id]).catch(() => undefined);
    await db?.destroy();
    await api?.close();
  });

  const PERIOD = 'from=2026-01-01&to=2026-07-01';
  const get = (token: string, query: string) => api.http.get(`/api/stats?${query}`).set(bearer(token));

  it('computes every figure of the district as worked out by hand', async () => {
    const before = Date.now();
    const res = await get(staff.district, PERIOD).expect(200);
    const s = res.body;
    expect(Date.parse(s.asOf)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(s.asOf)).toBeLessThanOrEqual(Date.now());
    // Population: c1, c2, c3, c4, c7 (c5 before the period, c6 a draft). District-wide counts are numbers.
    expect(s.totalCases).toBe(5);
    expect(s.byStatus).toEqual({ assessing: 1, closed: 1, intervening: 1, submitted: 2 });
    expect(s.byCategory).toEqual({ D05: 1, D08: 1, N02: 1, N04: 1, V01: 1, V03: 1 });
    // Every report of the period, not each case's first: c4's second report (10 days later) counts too.
    expect(s.byReporterType).toEqual({ guardian: 2, hotline: 1, internal_discovery: 1, mandatory_institution: 1, public: 1 });
    expect(s.byRiskLevel).toEqual({ R1: 1, R2: 2, R3: 1, R4: 1 });
    // Narrower than the district: streets of 3 and 2 cases are withheld.
    expect(s.byStreet.map((x: { streetId: string; cases: unknown }) => [x.streetId, x.cases]).sort()).toEqual(
      [
        [streetA, '<5'],
        [streetB, '<5'],
      ].sort(),
    );
    expect(s.bySexAndAgeBand).toEqual(
      expect.arrayContaining([
        { sex: 'female', ageBand: '6-11', cases: '<5' },
        { sex: 'female', ageBand: '3-5', cases: '<5' },
        { sex: 'male', ageBand: '14-15', cases: '<5' },
        { sex: 'male', ageBand: '16-17', cases: '<5' },
      ]),
    );
    expect(s.bySexAndAgeBand).toHaveLength(4);
    // Breaches among concluded deadlines (met or breached; pending and cancelled do not count): district-wide, numbers.
    expect(s.breachRateByStep).toEqual({
      accept_report: { numerator: 1, denominator: 3, share: 0.3333, suppressed: false },
      assessment: { numerator: 1, denominator: 2, share: 0.5, suppressed: false },
      police_feedback: { numerator: 1, denominator: 2, share: 0.5, suppressed: false },
      start_plan: { numerator: 1, denominator: 1, share: 1, suppressed: false },
    });
    // By street (A: 1 of 4, B: 3 of 4): counts of 1–4, so the shares are withheld too.
    const byStreet = Object.fromEntries(s.breachRateByStreet.map((x: { streetId: string; rate: unknown }) => [x.streetId, x.rate]));
    expect(byStreet[streetA]).toEqual({ numerator: '<5', denominator: '<5', share: null, suppressed: true });
    expect(byStreet[streetB]).toEqual({ numerator: '<5', denominator: '<5', share: null, suppressed: true });
    // Medians: acceptance 2, 4, 6 h → 4; assessment 10, 20, 30 h → 20; intervention 30, 50 h → 40.
    expect(s.medianHours).toEqual({ reportToAcceptance: 4, reportToAssessment: 20, reportToIntervention: 40 });
    // Discovery → report for mandatory reporters: c1's school, 6 h (c3's public reporter is not counted).
    expect(s.reportDelayHours).toBe(6);
    expect(s.suppressedMedians).toEqual([]);
    // Police: c1 (V01, item 4) told after 0.5 h of a 1 h window; c3 (V03) after 30 h of a 24 h window.
    expect(s.policeToldOnTime).toEqual({ numerator: 1, denominator: 2, share: 0.5, suppressed: false });
    // Feedback: c1 after 2 days, c3 after 5.
    expect(s.policeFeedbackWithin3Days).toEqual({ numerator: 1, denominator: 2, share: 0.5, suppressed: false });
    // Re-reports within 90 days: c1 (the same girl again in c7 six weeks later) and c4 (a second report after 10 days).
    expect(s.reReportWithin90Days).toEqual({ numerator: 2, denominator: 5, share: 0.4, suppressed: false });
    // Open caseload now: c2 (u1) and c3 (u2), one each: withheld; c1 and c5 are closed.
    expect(s.openCasesPerWorker.map((w: { userId: string; openCases: unknown }) => [w.userId, w.openCases]).sort()).toEqual(
      [
        [u1, '<5'],
        [u2, '<5'],
      ].sort(),
    );
    // The re-report rate (2 of 5) is past 0.15; no breach rate is taken over 5 or more deadlines.
    expect(s.alerts).toEqual([
      {
        indicator: 'rereport_rate',
        scope: 'district',
        key: null,
        value: 0.4,
        threshold: 0.15,
        numerator: 2,
        denominator: 5,
        suppressed: false,
        label: '90日内重复报告率 re-report rate within 90 days: 40% > 15%',
      },
    ]);
  });

  it('is de-identified: no names, no ID numbers, no case rows', async () => {
    const res = await get(staff.district, PERIOD).expect(200);
    const text = JSON.stringify(res.body);
    for (const name of ['甲一', '甲二', '乙三', '乙四']) expect(text).not.toContain(name);
    expect(text).not.toContain(`${other.district.code}-1`);
  });

  it('narrows to one street, withholding every count of 1–4, and keeps supervisors to their own', async () => {
    const b = (await get(staff.district, `${PERIOD}&streetId=${streetB}`).expect(200)).body;
    expect(b.scope.streetId).toBe(streetB);
    expect(b.totalCases).toBe('<5');
    expect(b.byStreet).toEqual([{ streetId: streetB, name: '乙街道', cases: '<5' }]);
    expect(b.byStatus).toMatchObject({ intervening: '<5', submitted: '<5' });
    for (const counts of [b.byStatus, b.byCategory, b.byReporterType, b.byRiskLevel]) {
      for (const v of Object.values(counts)) expect(v).toBe('<5');
    }
    expect(b.reReportWithin90Days).toEqual({ numerator: '<5', denominator: '<5', share: null, suppressed: true });
    // Each median of street B is over one case: withheld, and said so.
    expect(b.medianHours).toEqual({ reportToAcceptance: null, reportToAssessment: null, reportToIntervention: null });
    expect(b.suppressedMedians).toEqual(['medianHours.reportToAcceptance', 'medianHours.reportToAssessment', 'medianHours.reportToIntervention']);
    // The street's answer withholds what the district's does: its total is the district's street cell.
    const whole = (await get(staff.district, PERIOD).expect(200)).body;
    expect(whole.byStreet.find((x: { streetId: string }) => x.streetId === streetB)).toEqual(b.byStreet[0]);

    const a = (await get(staff.supervisorA, PERIOD).expect(200)).body;
    expect(a.totalCases).toBe('<5');
    expect(a.scope.streetId).toBe(streetA);
    expect(a.byStreet.map((x: { streetId: string }) => x.streetId)).toEqual([streetA]);
    expect((await get(staff.supervisorB, PERIOD).expect(200)).body.totalCases).toBe('<5');
    const refused = await get(staff.supervisorA, `${PERIOD}&streetId=${streetB}`).expect(404);
    expect(refused.body.details[0].field).toBe('streetId');
  });

  it('validates the period', async () => {
    expect((await get(staff.district, 'from=2026-07-01&to=2026-01-01').expect(400)).body.details[0].field).toBe('from');
    expect((await get(staff.district, 'from=last-year').expect(400)).body.details[0].field).toBe('from');
  });

  it('exports the same figures as CSV and XLSX', async () => {
    const csv = await api.http.get(`/api/stats/export?${PERIOD}&format=csv`).set(bearer(staff.district)).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('section,key,value');
    expect(lines).toEqual(
      expect.arrayContaining([
        'total,cases,5',
        'byStatus,submitted,2',
        'breachRateByStep,accept_report,0.3333',
        'medianHours,reportToAssessment,20',
        'share,reReportWithin90Days,0.4',
        'medianHours,reportDelay,6',
        'byStreet,乙街道,<5',
        'byReporterType,guardian,2',
      ]),
    );

    const xlsx = await api.http
      .get(`/api/stats/export?${PERIOD}&format=xlsx`)
      .set(bearer(staff.district))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const rows: unknown[][] = [];
    book.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['section', 'key', 'value']);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['total', 'cases', 5],
        ['medianHours', 'reportToIntervention', 40],
        ['share', 'policeToldOnTime', 0.5],
        ['byStreet', '测试街道', '<5'],
      ]),
    );
    expect(rows.length).toBe(lines.length);
  });
});

/**
 * Suppression with counts on both sides of 5, every report counted, and the alerts:
 * in the API answer (a threshold set low by config) and raised by the worker's check,
 * which tells district staff once however many workers check at once.
 *
 * District S, reported 10 days ago: street X 7 cases, Y 3, W 6 (16); girls aged 8 in X and W,
 * boys aged 8 in Y. One accept_report deadline per case: X 1 of 7 breached, W 1 of 6, Y none.
 */
describe('district indicators: suppression, reports, alerts', () => {
  let api: TestApi;
  let lowApi: TestApi;
  let db: DataSource;
  let tree: TestTree;
  let linkTree: TestTree;
  let cc: CaseClient;
  const deadlinesOf: Record<'X' | 'Y' | 'W', string[]> = { X: [], Y: [], W: [] };
  const tenDaysAgo = new Date(Date.now() - 10 * D);

  async function seedStreet(key: 'X' | 'Y' | 'W', cases: number, sex: 'female' | 'male', breached: number): Promise<void> {
    const streetId = tree.streets[key.toLowerCase()];
    const communityId = tree.communities[`${key.toLowerCase()}-1`];
    const birth = new Date(tenDaysAgo.getTime() - 8.5 * 365 * D).toISOString().slice(0, 10);
    for (let i = 0; i < cases; i += 1) {
      const childId = randomUUID();
      await db.query(`INSERT INTO child (id, name, sex, birth_date, street_id) VALUES ($1, $2, $3, $4, $5)`, [childId, `统计${key}${i}`, sex, birth, streetId]);
      const [{ id }] = await db.query<{ id: string }[]>(
        `INSERT INTO "case" (case_no, status, risk_level, categories, child_id, community_id, street_id, district_id, created_by_id, reported_at)
         VALUES ($1, 'assessing', 'R3', '{N04}', $2, $3, $4, $5, $6, $7) RETURNING id`,
        [`${tree.casePrefix}-${key}${i}`, childId, communityId, streetId, tree.districtId, tree.users.staff.id, tenDaysAgo],
      );
      await db.query(`INSERT INTO report (case_id, reporter_type, discovered_at, filed_at, filed_by_id) VALUES ($1, 'public', $2, $2, $3)`, [
        id,
        tenDaysAgo,
        tree.users.staff.id,
      ]);
      const [d] = await db.query<{ id: string }[]>(
        `INSERT INTO deadline (case_id, kind, due_at, remind_at, status, responsible_role, closed_at)
         VALUES ($1, 'accept_report', now(), now(), $2::deadline_status, 'street_supervisor', now()) RETURNING id`,
        [id, i < breached ? 'breached' : 'met'],
      );
      deadlinesOf[key].push(d.id);
    }
  }

  const get = (as: TestApi, token: string, query = '') =>
    as.http.get(`/api/stats?from=${new Date(Date.now() - 30 * D).toISOString()}${query}`).set(bearer(token));

  beforeAll(async () => {
    api = await startApi();
    // The same figures against a breach threshold of 10%.
    lowApi = await startApi({ STATS_ALERT_BREACH_RATE: '0.1' });
    db = await openDataSource(api.config);
    tree = await createTree(db, { streets: { x: 1, y: 1, w: 1 }, users: { staff: 'district', supY: 'y', supX: 'x' } });
    linkTree = await createTree(db, { streets: { l: 1 }, users: { staff: 'district', dir: 'l-1' } });
    // The district's leader (区分管领导): reads the indicators and hears of alerts like staff.
    const [leader] = await db.query<{ id: string; username: string }[]>(
      `INSERT INTO "user" (username, display_name, role, jurisdiction_id, password_hash, active, credentials_changed_at)
       SELECT username || '-leader', '测试 leader', 'district_leader', jurisdiction_id, password_hash, true, now() - interval '1 minute' FROM "user" WHERE id = $1
       RETURNING id, username`,
      [tree.users.staff.id],
    );
    tree.users.leader = leader;
    cc = new CaseClient(api);
    cc.addTree(tree);
    cc.addTree(linkTree);
    await seedStreet('X', 7, 'female', 1);
    await seedStreet('Y', 3, 'male', 0);
    await seedStreet('W', 6, 'female', 1);
  }, 60_000);

  afterAll(async () => {
    for (const t of [tree, linkTree].filter(Boolean))
      await db?.query(`DELETE FROM deadline WHERE case_id IN (SELECT id FROM "case" WHERE district_id = $1)`, [t.districtId]).catch(() => undefined);
    await db?.destroy();
    await api?.close();
    await lowApi?.close();
  });

  it('withholds counts of 1–4 and, where one would follow from a total, a second count; shows 0 and the others', async () => {
    const s = (await get(api, await cc.token(tree.users.staff.username)).expect(200)).body;
    expect(s.totalCases).toBe(16);
    expect(s.byStatus).toEqual({ assessing: 16 });
    const streets = Object.fromEntries(s.byStreet.map((x: { name: string; cases: unknown }) => [x.name, x.cases]));
    // Y's 3 is withheld, and W's 6 with it (else 16 − 7 − 6 gives Y away); X's 7 stays.
    expect(streets).toEqual({ x街道: 7, y街道: '<5', w街道: '<5' });
    // Both sex × age cells are withheld: the boys (3), and so the girls (13 = 16 − 3).
    expect(s.bySexAndAgeBand).toEqual(
      expect.arrayContaining([
        { sex: 'male', ageBand: '6-11', cases: '<5' },
        { sex: 'female', ageBand: '6-11', cases: '<5' },
      ]),
    );
    // Street breach counts: 1 of 7, 0 of 3, 1 of 6: all withheld with their shares.
    for (const r of s.breachRateByStreet) expect(r.rate).toMatchObject({ share: null, suppressed: true });
    // District-wide: 2 of 16.
    expect(s.breachRateByStep.accept_report).toEqual({ numerator: 2, denominator: 16, share: 0.125, suppressed: false });
    expect(s.alerts).toEqual([]);
    // The district's leader reads the same answer.
    const leader = (await get(api, await cc.token(tree.users.leader.username)).expect(200)).body;
    expect({ ...leader, asOf: s.asOf, period: s.period }).toEqual(s);

    // Street X's own answer shows the same cell: 7; its girls 7; street Y's answer withholds everything.
    const x = (await get(api, await cc.token(tree.users.supX.username)).expect(200)).body;
    expect(x.totalCases).toBe(7);
    expect(x.bySexAndAgeBand).toEqual([{ sex: 'female', ageBand: '6-11', cases: 7 }]);
    expect(x.byStatus).toEqual({ assessing: 7 });
    const y = (await get(api, await cc.token(tree.users.supY.username)).expect(200)).body;
    expect(y.totalCases).toBe('<5');
    expect(y.byStatus).toEqual({ assessing: '<5' });
    expect(y.bySexAndAgeBand).toEqual(expect.arrayContaining([{ sex: 'male', ageBand: '6-11', cases: '<5' }]));
    expect(y.breachRateByStep.accept_report).toMatchObject({ denominator: '<5', share: null, suppressed: true });
  });

  it('alerts when a breach rate passes the configured threshold (rates over fewer than 5 deadlines never do)', async () => {
    const s = (await get(lowApi, await cc.token(tree.users.staff.username)).expect(200)).body;
    expect(s.alerts.map((a: { indicator: string; scope: string; key: string | null }) => [a.indicator, a.scope, a.key])).toEqual([
      ['breach_rate', 'step', 'accept_report'],
      // Streets by name: W (1 of 6), X (1 of 7); Y's 0 of 3 is over fewer than 5.
      ['breach_rate', 'street', tree.streets.w],
      ['breach_rate', 'street', tree.streets.x],
    ]);
    // The step's rate is district-wide; the streets' are withheld like their shares, and still past the threshold.
    expect(s.alerts[0]).toMatchObject({ value: 0.125, threshold: 0.1, numerator: 2, denominator: 16, suppressed: false });
    expect(s.alerts[2]).toMatchObject({ value: null, threshold: 0.1, suppressed: true, label: 'x街道 期限超时率 breach rate: 已隐藏 (withheld) > 10%' });
    // Nothing about a child: no name, no case number.
    expect(JSON.stringify(s.alerts)).not.toMatch(/统计[XYW]|-X0/);
  });

  it('counts a report linked to an open case under its reporter type, and the mandatory reporter’s delay', async () => {
    const child = { name: uniqueChildName(), birthDate: '2016-03-02', sex: 'female' };
    const community = linkTree.communities['l-1'];
    const first = await cc.file(linkTree.users.dir.username, community, {
      child,
      categories: ['N04'],
      report: { reporterType: 'mandatory_staff', reporterOrg: '测试小学', discoveredAt: new Date(Date.now() - 5 * H).toISOString() },
    });
    const again = await cc.post(
      linkTree.users.dir.username,
      '/api/cases',
      caseBody(community, { child, categories: ['N04'], report: { reporterType: 'guardian' } }),
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.id, linkedToExisting: true });

    const s = (await get(api, await cc.token(linkTree.users.staff.username)).expect(200)).body;
    expect(s.totalCases).toBe(1);
    // One case, two reports: both counted, each under its own reporter type.
    expect(s.byReporterType).toEqual({ guardian: 1, mandatory_staff: 1 });
    // Only the mandatory reporter's report: found 5 h before it was filed.
    expect(s.reportDelayHours).toBeCloseTo(5, 1);
  });

  it('answers as the OpenAPI document says, "<5" cells and alerts included', async () => {
    const document = (await lowApi.http.get('/api/docs-json').expect(200)).body as { components: { schemas: Record<string, unknown> } };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: { schemas: jsonSchema(document.components.schemas) } });
    const validate = ajv.compile({ $ref: 'doc#/components/schemas/DistrictStats' });
    const cell = (document.components.schemas.StreetCountView as { properties: { cases: unknown } }).properties.cases;
    expect(cell).toMatchObject({
      oneOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', enum: ['<5'] },
      ],
    });

    const answers = [
      (await get(lowApi, await cc.token(tree.users.staff.username)).expect(200)).body,
      (await get(lowApi, await cc.token(tree.users.supY.username)).expect(200)).body,
      (await get(lowApi, await cc.token(tree.users.supX.username)).expect(200)).body,
    ];
    expect(answers[0].alerts.length).toBeGreaterThan(0);
    expect(JSON.stringify(answers[1])).toContain('"<5"');
    for (const answer of answers) expect({ valid: validate(answer), errors: ajv.errorsText(validate.errors) }).toEqual({ valid: true, errors: 'No errors' });
    // The schema does constrain the cells: another string is refused.
    expect(validate({ ...answers[1], totalCases: '<4' })).toBe(false);
  });

  describe('the worker check', () => {
    let workers: TestingModule[];
    const notesOf = (userId: string) =>
      db.query<{ kind: string; title: string; body: string; case_id: string | null; dedupe_key: string }[]>(
        `SELECT kind, title, body, case_id, dedupe_key FROM notification WHERE user_id = $1 AND kind = 'stats.alert' ORDER BY created_at, id`,
        [userId],
      );
    const staffNotes = () => notesOf(tree.users.staff.id);

    beforeAll(async () => {
      // Two workers as the worker app wires them (no processors started), checking with a 10% threshold.
      const config = configWith({ STATS_ALERT_BREACH_RATE: '0.1', QUEUE_PREFIX: `${api.config.QUEUE_PREFIX}:stats${randomUUID().slice(0, 6)}` });
      workers = await Promise.all([0, 1].map(() => Test.createTestingModule({ imports: [WorkerModule.forRoot(config)] }).compile()));
      for (const w of workers) w.useLogger(false);
    }, 60_000);
    afterAll(async () => {
      for (const w of workers ?? []) await w.close();
    });

    it('tells district staff and the leader of each new alert exactly once, however many workers check, and again only when it comes back', async () => {
      const [one, two] = workers.map((w) => w.get(StatsAlertWatch));
      expect(workers[0].get(StatsAlertChecks)).toBeInstanceOf(StatsAlertChecks);
      // Two workers at once, then each again.
      const outcomes = await Promise.all([one.checkDistrict(tree.districtId), two.checkDistrict(tree.districtId)]);
      expect(outcomes.map((o) => o.raised).sort()).toEqual([0, 3]);
      expect(await one.checkDistrict(tree.districtId)).toEqual({ raised: 0, cleared: 0, notified: 0 });
      expect(await two.checkDistrict(tree.districtId)).toEqual({ raised: 0, cleared: 0, notified: 0 });

      let notes = await staffNotes();
      expect(notes).toHaveLength(3);
      for (const n of notes) {
        expect(n.case_id).toBeNull();
        expect(n.title).toMatch(/^指标预警 \(indicator alert\): .*(期限超时率 breach rate)/);
        expect(`${n.title} ${n.body}`).not.toMatch(/统计[XYW]|-X0/);
      }
      expect(notes.map((n) => n.title).join('\n')).toContain('x街道');
      // The district's leader is told too, once per alert; the street supervisors of the district hear nothing.
      expect((await notesOf(tree.users.leader.id)).map((n) => n.title).sort()).toEqual(notes.map((n) => n.title).sort());
      const [{ n: others }] = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM notification WHERE kind = 'stats.alert' AND user_id = ANY($1)`, [
        [tree.users.supX.id, tree.users.supY.id],
      ]);
      expect(Number(others)).toBe(0);

      // X's breach is met after all: its street alert and the step's (1 of 16) clear; W's stays.
      await db.query(`UPDATE deadline SET status = 'met' WHERE id = $1`, [deadlinesOf.X[0]]);
      expect(await one.checkDistrict(tree.districtId)).toEqual({ raised: 0, cleared: 2, notified: 0 });
      // …and breached again: both alerts are new again, and told again, once.
      await db.query(`UPDATE deadline SET status = 'breached' WHERE id = $1`, [deadlinesOf.X[0]]);
      const again = await Promise.all([one.checkDistrict(tree.districtId), two.checkDistrict(tree.districtId)]);
      expect(again.map((o) => o.raised).sort()).toEqual([0, 2]);
      notes = await staffNotes();
      expect(notes).toHaveLength(5);
      expect(new Set(notes.map((n) => n.dedupe_key)).size).toBe(5);
      expect(await notesOf(tree.users.leader.id)).toHaveLength(5);
      const [{ n: open }] = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM stats_alert WHERE district_id = $1 AND cleared_at IS NULL`, [
        tree.districtId,
      ]);
      expect(Number(open)).toBe(3);
    });
  });
});
