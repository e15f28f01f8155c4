/**
 * District indicators against a dataset whose every figure was computed by hand
 * (the comments say how). The data lives in a district of its own, written
 * straight to the database with exact times.
 */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import { Role } from '@shouhu/access';
import { createOtherDistrict, openDataSource, OtherDistrict } from '../helpers/database';
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
    await report(id, c.reporter, c.reportedAt);
    return id;
  }

  async function report(caseId: string, reporterType: string, filedAt: Date): Promise<void> {
    await db.query(`INSERT INTO report (case_id, reporter_type, discovered_at, filed_at, filed_by_id) VALUES ($1, $2, $3, $4, $5)`, [
      caseId,
      reporterType,
      filedAt,
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
    const res = await get(staff.district, PERIOD).expect(200);
    const s = res.body;
    // Population: c1, c2, c3, c4, c7 (c5 before the period, c6 a draft).
    expect(s.totalCases).toBe(5);
    expect(s.byStatus).toEqual({ assessing: 1, closed: 1, intervening: 1, submitted: 2 });
    expect(s.byCategory).toEqual({ D05: 1, D08: 1, N02: 1, N04: 1, V01: 1, V03: 1 });
    expect(s.byReporterType).toEqual({ guardian: 1, hotline: 1, internal_discovery: 1, mandatory_institution: 1, public: 1 });
    expect(s.byRiskLevel).toEqual({ R1: 1, R2: 2, R3: 1, R4: 1 });
    expect(s.byStreet.map((x: { streetId: string; cases: number }) => [x.streetId, x.cases]).sort()).toEqual(
      [
        [streetA, 3],
        [streetB, 2],
      ].sort(),
    );
    expect(s.bySexAndAgeBand).toEqual(
      expect.arrayContaining([
        { sex: 'female', ageBand: '6-11', cases: 2 },
        { sex: 'female', ageBand: '3-5', cases: 1 },
        { sex: 'male', ageBand: '14-15', cases: 1 },
        { sex: 'male', ageBand: '16-17', cases: 1 },
      ]),
    );
    expect(s.bySexAndAgeBand).toHaveLength(4);
    // Breaches among concluded deadlines (met or breached; pending and cancelled do not count).
    expect(s.breachRateByStep).toEqual({
      accept_report: { numerator: 1, denominator: 3, share: 0.3333 },
      assessment: { numerator: 1, denominator: 2, share: 0.5 },
      police_feedback: { numerator: 1, denominator: 2, share: 0.5 },
      start_plan: { numerator: 1, denominator: 1, share: 1 },
    });
    const byStreet = Object.fromEntries(s.breachRateByStreet.map((x: { streetId: string; rate: unknown }) => [x.streetId, x.rate]));
    expect(byStreet[streetA]).toEqual({ numerator: 1, denominator: 4, share: 0.25 });
    expect(byStreet[streetB]).toEqual({ numerator: 3, denominator: 4, share: 0.75 });
    // Medians: acceptance 2, 4, 6 h → 4; assessment 10, 20, 30 h → 20; intervention 30, 50 h → 40.
    expect(s.medianHours).toEqual({ reportToAcceptance: 4, reportToAssessment: 20, reportToIntervention: 40 });
    // Police: c1 (V01, item 4) told after 0.5 h of a 1 h window; c3 (V03) after 30 h of a 24 h window.
    expect(s.policeToldOnTime).toEqual({ numerator: 1, denominator: 2, share: 0.5 });
    // Feedback: c1 after 2 days, c3 after 5.
    expect(s.policeFeedbackWithin3Days).toEqual({ numerator: 1, denominator: 2, share: 0.5 });
    // Re-reports within 90 days: c1 (the same girl again in c7 six weeks later) and c4 (a second report after 10 days).
    expect(s.reReportWithin90Days).toEqual({ numerator: 2, denominator: 5, share: 0.4 });
    // Open caseload now: c2 (u1) and c3 (u2); c1 and c5 are closed.
    expect(s.openCasesPerWorker.map((w: { userId: string; openCases: number }) => [w.userId, w.openCases]).sort()).toEqual(
      [
        [u1, 1],
        [u2, 1],
      ].sort(),
    );
  });

  it('is de-identified: no names, no ID numbers, no case rows', async () => {
    const res = await get(staff.district, PERIOD).expect(200);
    const text = JSON.stringify(res.body);
    for (const name of ['甲一', '甲二', '乙三', '乙四']) expect(text).not.toContain(name);
    expect(text).not.toContain(`${other.district.code}-1`);
  });

  it('narrows to one street, and keeps supervisors to their own', async () => {
    const b = (await get(staff.district, `${PERIOD}&streetId=${streetB}`).expect(200)).body;
    expect(b.totalCases).toBe(2);
    expect(b.byStatus).toEqual({ intervening: 1, submitted: 1 });
    expect(b.medianHours).toEqual({ reportToAcceptance: 6, reportToAssessment: 30, reportToIntervention: 50 });
    const a = (await get(staff.supervisorA, PERIOD).expect(200)).body;
    expect(a.totalCases).toBe(3);
    expect(a.scope.streetId).toBe(streetA);
    expect((await get(staff.supervisorB, PERIOD).expect(200)).body.totalCases).toBe(2);
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
      ]),
    );
    expect(rows.length).toBe(lines.length);
  });
});
