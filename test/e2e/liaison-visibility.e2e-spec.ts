/**
 * Need to know (domain.md §1, §9, §11; issue 13 item 3): an agency liaison sees the
 * referrals addressed to its agency with the case number, the child's name, age and sex,
 * the categories and the referral's own note, and nothing else: never the reporter, the
 * narrative, the address, the school, the ID number, the guardians or any other record
 * (visits, measures, notes, attachments, the timeline, other referrals), and nothing of a
 * case not referred to its agency.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CaseDetail, dataSourceOf, DAY, expectError, expectStatus, isoAgo, isoIn, nationalId, Res, useCaseBed } from '../helpers/cases';
import { createOtherDistrict, openDataSource, OtherDistrict } from '../helpers/database';
import { demoAgencyId } from '../helpers/factories';
import { bearer, tokenFor } from '../helpers/test-app';

/** Strings written into the case that a liaison must never receive. */
const SECRET = {
  reporterName: '报告人甲乙丙',
  reporterPhone: '13912345678',
  reporterOrg: '秘密报告单位',
  narrative: '叙述秘密内容XYZ',
  address: '秘密地址99号',
  school: '秘密小学',
  guardianName: '监护人丁戊己',
  guardianPhone: '13787654321',
  measureNote: '措施秘密备注',
  visitOutcome: '走访秘密结果',
  noteText: '个案秘密备注',
  otherReferralNote: '另一单位的转介说明',
};

/** Every case route a liaison might try, as [method, path] for a case id. */
const CASE_ROUTES = (id: string): [string, string][] => [
  ['GET', `/api/cases/${id}`],
  ['GET', `/api/cases/${id}/timeline`],
  ['GET', `/api/cases/${id}/timeline/verify`],
  ['GET', `/api/cases/${id}/deadlines`],
  ['GET', `/api/cases/${id}/attachments`],
  ['GET', `/api/cases/${id}/attachments/${randomUUID()}/content`],
  ['POST', `/api/cases/${id}/transitions`],
  ['POST', `/api/cases/${id}/assessment`],
  ['POST', `/api/cases/${id}/measures`],
  ['POST', `/api/cases/${id}/visits`],
  ['POST', `/api/cases/${id}/notes`],
  ['POST', `/api/cases/${id}/reports`],
  ['POST', `/api/cases/${id}/police`],
  ['POST', `/api/cases/${id}/guardians`],
  ['POST', `/api/cases/${id}/outcome-feedback`],
  ['POST', `/api/cases/${id}/referrals`],
];

describe('what an agency liaison sees (need to know)', () => {
  const bed = useCaseBed();
  let db: DataSource;
  let referred: CaseDetail;
  let notReferred: CaseDetail;
  /** liaison-police's referral of `referred`. */
  let policeReferral: { id: string };
  /** The same case referred to the school too. */
  let schoolReferral: { id: string };
  let other: OtherDistrict;
  /** Its own connection: the other district outlives the API of the bed, which closes first. */
  let own: DataSource;

  beforeAll(async () => {
    const { cc, xa1, supId } = bed;
    db = dataSourceOf(bed.api);
    // 1 January: ten years old on every day of the year.
    const birthDate = `${new Date().getUTCFullYear() - 10}-01-01`;
    const file = (name: string) =>
      cc.file('dir-xa-01', xa1, {
        child: { name, sex: 'male', birthDate, idNumber: nationalId(birthDate), address: SECRET.address, school: SECRET.school },
        categories: ['N04', 'D05'],
        report: {
          reporterType: 'mandatory_institution',
          reporterName: SECRET.reporterName,
          reporterPhone: SECRET.reporterPhone,
          reporterOrg: SECRET.reporterOrg,
          narrative: SECRET.narrative,
        },
      });
    const filed = await file('林小可');
    let c = await cc.act('sup-xa', filed, 'accept', { riskLevel: 'R3', assigneeId: supId });
    expectStatus(
      await cc.post('sup-xa', `/api/cases/${c.id}/guardians`, {
        name: SECRET.guardianName,
        relation: 'father',
        phone: SECRET.guardianPhone,
        livesWithChild: true,
        suspectedPerpetrator: true,
      }),
      200,
    );
    await cc.addMeasure('sup-xa', c.id, { note: SECRET.measureNote, dueAt: isoIn(7 * DAY) });
    expectStatus(await cc.post('dir-xa-01', `/api/cases/${c.id}/visits`, { visitedAt: isoAgo(60_000), riskLevel: 'R3', outcome: SECRET.visitOutcome }), 200);
    expectStatus(await cc.post('sup-xa', `/api/cases/${c.id}/notes`, { text: SECRET.noteText }), 200);
    const refer = async (agencyId: string, note: string) => {
      const res = await cc.post('sup-xa', `/api/cases/${c.id}/referrals`, { agencyId, service: '协助核查', note });
      expectStatus(res, 201);
      return res.body as { id: string };
    };
    policeReferral = await refer(await demoAgencyId(bed.api, 'police'), '请派出所协助了解家庭情况。');
    schoolReferral = await refer(await demoAgencyId(bed.api, 'education'), SECRET.otherReferralNote);
    referred = await cc.detail('sup-xa', c.id);
    c = await file('林小安');
    notReferred = c;
    own = await openDataSource(bed.api.config);
    other = await createOtherDistrict(own);
  });

  afterAll(async () => {
    await other?.remove();
    await own?.destroy();
  });

  const liaisonGet = (path: string, as = 'liaison-police') => bed.cc.get(as, path);
  const leaks = (res: Res) => Object.entries(SECRET).filter(([, secret]) => JSON.stringify(res.body).includes(secret));

  it('shows the case number, the child’s name, age and sex, the categories and the referral’s own fields, and no other field of the case', async () => {
    const res = await liaisonGet(`/api/referrals/${policeReferral.id}`);
    expectStatus(res, 200);
    expect(Object.keys(res.body.case).sort()).toEqual(['caseNo', 'categories', 'child']);
    expect(res.body.case).toEqual({
      caseNo: referred.caseNo,
      child: { name: '林小可', age: 10, sex: 'male' },
      categories: [
        { code: 'N04', label: '委托照护不当' },
        { code: 'D05', label: '留守' },
      ],
    });
    expect(res.body).toMatchObject({ id: policeReferral.id, caseId: referred.id, note: '请派出所协助了解家庭情况。', status: 'pending' });
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'agencyId',
        'agencyKind',
        'agencyKindLabel',
        'agencyName',
        'case',
        'caseId',
        'caseNo',
        'childDisplayName',
        'completedAt',
        'completedBy',
        'createdAt',
        'createdBy',
        'declineReason',
        'dueAt',
        'id',
        'measureId',
        'note',
        'outcome',
        'overdue',
        'respondBy',
        'respondedAt',
        'respondedBy',
        'revokeReason',
        'revokedAt',
        'revokedBy',
        'service',
        'status',
        'statusLabel',
      ].sort(),
    );
  });

  it('never carries the reporter, the narrative, the address, the school, the ID number, the guardians, visits, measures, notes or other referrals', async () => {
    const detail = await liaisonGet(`/api/referrals/${policeReferral.id}`);
    const inbox = await liaisonGet('/api/referrals');
    for (const res of [detail, inbox]) {
      expectStatus(res, 200);
      expect(leaks(res)).toEqual([]);
      expect(JSON.stringify(res.body)).not.toMatch(/\d{17}[\dX]/);
    }
    // The case itself holds every one of these (the test would prove nothing otherwise).
    const full = await bed.cc.get('sup-xa', `/api/cases/${referred.id}`);
    expect(leaks(full).map(([k]) => k)).toEqual(
      expect.arrayContaining(['reporterName', 'narrative', 'address', 'school', 'guardianName', 'measureNote', 'visitOutcome']),
    );
  });

  it('lists in the liaison’s inbox only its own agency’s referrals: the same case’s referral to another agency is not there', async () => {
    const res = await liaisonGet(`/api/referrals?caseId=${referred.id}`);
    expectStatus(res, 200);
    expect((res.body.items as { id: string }[]).map((r) => r.id)).toEqual([policeReferral.id]);
    const school = await liaisonGet(`/api/referrals?caseId=${referred.id}`, 'liaison-school');
    expect((school.body.items as { id: string }[]).map((r) => r.id)).toEqual([schoolReferral.id]);
    const court = await liaisonGet(`/api/referrals?caseId=${referred.id}`, 'liaison-court');
    expect(court.body.items).toEqual([]);
  });

  it('answers a referral of another agency with the same 404 as a referral that does not exist, on reads and on answers', async () => {
    const theirs = await liaisonGet(`/api/referrals/${schoolReferral.id}`);
    const none = await liaisonGet(`/api/referrals/${randomUUID()}`);
    expectError(theirs, 404, 'NOT_FOUND');
    expectError(none, 404, 'NOT_FOUND');
    expect({ ...theirs.body, requestId: null }).toEqual({ ...none.body, requestId: null });
    expectError(await bed.cc.post('liaison-police', `/api/referrals/${schoolReferral.id}/response`, { decision: 'accept' }), 404, 'NOT_FOUND');
    expectError(await bed.cc.post('liaison-police', `/api/referrals/${schoolReferral.id}/completion`, { outcome: 'x' }), 404, 'NOT_FOUND');
  });

  it('cannot list cases (403)', async () => {
    expectError(await liaisonGet('/api/cases'), 403, 'FORBIDDEN');
    expectError(await liaisonGet('/api/cases?unlocated=true'), 403, 'FORBIDDEN');
  });

  it('is refused on every case route and sub-route, identically for the referred case, a case not referred and no case at all: nothing reveals a case', async () => {
    const answer = async (method: string, path: string) => {
      const token = await tokenFor(bed.api, 'liaison-police');
      const req = method === 'GET' ? bed.api.http.get(path) : bed.api.http.post(path).send({});
      const res = await req.set(bearer(token));
      return { status: res.status, code: res.body.code as string, message: res.body.message as string, leaks: leaks(res) };
    };
    for (const id of [referred.id, notReferred.id]) {
      const routes = CASE_ROUTES(id);
      const none = CASE_ROUTES(randomUUID());
      for (const [i, [method, path]] of routes.entries()) {
        const got = await answer(method, path);
        expect(got.status).not.toBe(200);
        expect(got.status).not.toBe(201);
        expect([403, 404]).toContain(got.status);
        expect(got.leaks).toEqual([]);
        const [noneMethod, nonePath] = none[i];
        const route = (p: string) => p.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id');
        expect({ route: route(path), ...got }).toEqual({ route: route(nonePath), ...(await answer(noneMethod, nonePath)) });
      }
    }
  });

  it('reads no approvals, audit trail, statistics or users (403)', async () => {
    for (const path of ['/api/approvals', '/api/audit/events', '/api/stats', '/api/users']) expectError(await liaisonGet(path), 403, 'FORBIDDEN');
  });

  it('cannot revoke a referral (403), which only caseworkers do', async () => {
    expectError(await bed.cc.post('liaison-police', `/api/referrals/${policeReferral.id}/revocation`, { reason: 'x' }), 403, 'FORBIDDEN');
  });

  it('logs the liaison’s read of the child’s name in the access log, as every identity read of a case', async () => {
    const liaisonId = await bed.cc.userId('liaison-police');
    const before: { n: string }[] = await db.query('SELECT count(*) AS n FROM access_log WHERE case_id = $1 AND actor_id = $2', [referred.id, liaisonId]);
    expectStatus(await liaisonGet(`/api/referrals/${policeReferral.id}`), 200);
    const rows: { fields: string[]; actor_role: string }[] = await db.query(
      'SELECT fields, actor_role FROM access_log WHERE case_id = $1 AND actor_id = $2 ORDER BY at DESC',
      [referred.id, liaisonId],
    );
    expect(rows.length).toBe(Number(before[0].n) + 1);
    expect(rows[0]).toEqual({ fields: ['child.name', 'child.age', 'child.sex'], actor_role: 'agency_liaison' });
  });

  it('receives notifications that name no child and carry nothing of the case', async () => {
    const res = await liaisonGet('/api/notifications');
    expectStatus(res, 200);
    const mine = (res.body.items as { caseId: string | null; title: string; body: string }[]).filter((n) => n.caseId === referred.id);
    expect(mine.length).toBeGreaterThan(0);
    expect(JSON.stringify(mine)).not.toContain('林小可');
    expect(leaks({ body: mine } as Res)).toEqual([]);
  });

  it('a liaison of another district’s agency sees none of this district’s referrals', async () => {
    const liaison = other.users.agency_liaison;
    const token = await tokenFor(bed.api, liaison.username, other.password);
    const inbox = await bed.api.http.get('/api/referrals').set(bearer(token));
    expectStatus(inbox, 200);
    expect(inbox.body.items).toEqual([]);
    expectError(await bed.api.http.get(`/api/referrals/${policeReferral.id}`).set(bearer(token)), 404, 'NOT_FOUND');
  });
});
