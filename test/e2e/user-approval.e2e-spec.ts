/**
 * Maker-checker for accounts (issue 9, item 4): the admin, who may never read case
 * content, can no longer make itself an account that can. Accounts of every role
 * but admin, and role, jurisdiction and password changes of them, wait for district
 * staff of the district (never who asked); every change of an account is an
 * append-only user.* event in the district's audit export.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type request from 'supertest';
import type { DataSource } from 'typeorm';
import { Role } from '@shouhu/access';
import { communityCode, DEMO_DISTRICT, streetCode } from '@shouhu/org';
import { createOtherDistrict, openDataSource, OtherDistrict } from '../helpers/database';
import { createUser, decideUser, demoJurisdictions, freshLogin, JurisdictionNode, patchUser, unique, userIdOf } from '../helpers/factories';
import { bearer, DEMO_PASSWORD, expectError, startApi, TestApi, tokenFor } from '../helpers/test-app';

const withoutRequestId = ({ requestId: _, ...rest }: Record<string, unknown>) => rest;
const fieldsOf = (res: request.Response) => [...new Set((res.body.details as { field: string }[]).map((d) => d.field))].sort();

interface AuditItem {
  source: string;
  at: string;
  caseId: string | null;
  caseNo: string | null;
  type: string;
  actorId: string | null;
  actorRole: string;
  data: Record<string, unknown>;
}

describe('user approval (maker-checker) and the user audit trail', () => {
  let api: TestApi;
  let ds: DataSource;
  let other: OtherDistrict;
  let codes: Map<string, JurisdictionNode>;
  let adminId: string;
  let district1Id: string;
  const id = (code: string) => codes.get(code)!.id;
  const as = async (username: string) => bearer(await tokenFor(api, username));
  const login = (username: string, password: string) => api.http.post('/api/auth/login').send({ username, password });
  const approval = async (userId: string, body: Record<string, unknown>, caller = 'district1') =>
    api.http
      .post(`/api/users/${userId}/approval`)
      .set(await as(caller))
      .send(body);

  /** The admin asks for an account; nothing is approved. */
  async function requestAccount(role: Role, code: string): Promise<{ id: string; username: string; password: string; body: Record<string, unknown> }> {
    const username = unique('mc');
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const res = await api.http
      .post('/api/users')
      .set(await as('admin'))
      .send({ username, displayName: '审批测试', role, jurisdictionId: id(code), password });
    if (res.status !== 201) throw new Error(`POST /api/users: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, username, password, body: res.body };
  }

  async function audit(query: Record<string, string>, caller = 'district1'): Promise<AuditItem[]> {
    const res = await api.http
      .get('/api/audit/events')
      .query(query)
      .set(await as(caller));
    if (res.status !== 200) throw new Error(`GET /api/audit/events: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items as AuditItem[];
  }
  const eventsAbout = (items: AuditItem[], userId: string) => items.filter((e) => e.source === 'user' && e.data.userId === userId);

  beforeAll(async () => {
    api = await startApi();
    ds = await openDataSource(api.config);
    other = await createOtherDistrict(ds);
    codes = await demoJurisdictions(api);
    adminId = await userIdOf(api, 'admin');
    district1Id = await userIdOf(api, 'district1');
  });
  afterAll(async () => {
    await other?.remove();
    await ds?.destroy();
    await api?.close();
  });

  describe('a district_staff account the admin creates', () => {
    let account: { id: string; username: string; password: string; body: Record<string, unknown> };
    let caseId: string;

    beforeAll(async () => {
      account = await requestAccount(Role.DistrictStaff, DEMO_DISTRICT.code);
      const filed = await api.http
        .post('/api/cases')
        .set(await as('dir-xa-01'))
        .send({
          communityId: id(communityCode('xa', 0)),
          child: { name: `审批${randomBytes(3).toString('hex')}`, sex: 'female', birthDate: '2014-05-06' },
          categories: ['N04'],
          riskLevel: 'R3',
          report: { reporterType: 'internal_discovery', discoveredAt: new Date(Date.now() - 3600_000).toISOString(), narrative: '审批测试 (approval test)' },
        });
      if (filed.status !== 201) throw new Error(`filing: ${filed.status} ${JSON.stringify(filed.body)}`);
      caseId = filed.body.id;
    });

    it('is pending_approval, and cannot sign in: the same 401 as a wrong password', async () => {
      expect(account.body).toMatchObject({ status: 'pending_approval', role: Role.DistrictStaff, pendingChange: null, approvalRequestedBy: adminId });
      expect(account.body.approvalRequestedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      const res = await login(account.username, account.password);
      expectError(res, 401, 'INVALID_CREDENTIALS');
      const wrong = await login('district1', 'not-the-password');
      expect(withoutRequestId(res.body)).toEqual(withoutRequestId(wrong.body));
    });

    it('is listed by ?status=pending_approval for district staff and the admin, not for supervisors', async () => {
      for (const caller of ['district1', 'admin']) {
        const res = await api.http
          .get('/api/users')
          .query({ status: 'pending_approval' })
          .set(await as(caller));
        expect(res.status).toBe(200);
        const items = res.body.items as { id: string; status: string; pendingChange: unknown; approvalRequestedAt: string | null }[];
        expect(items.map((u) => u.id)).toContain(account.id);
        expect(items.every((u) => u.approvalRequestedAt !== null)).toBe(true);
        const active = await api.http
          .get('/api/users')
          .query({ status: 'active' })
          .set(await as(caller));
        expect((active.body.items as { id: string }[]).map((u) => u.id)).not.toContain(account.id);
      }
      const sup = await api.http
        .get('/api/users')
        .query({ status: 'pending_approval', jurisdictionId: id(streetCode('xa')) })
        .set(await as('sup-xa'));
      expect(sup.status).toBe(200);
      expect(sup.body.items).toEqual([]);
      const bad = await api.http
        .get('/api/users')
        .query({ status: 'approved' })
        .set(await as('district1'));
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(bad)).toEqual(['status']);
    });

    it('cannot be approved by the admin who asked (403), a supervisor (403), or district staff of another district (404)', async () => {
      expectError(await approval(account.id, { decision: 'approve' }, 'admin'), 403, 'FORBIDDEN');
      expectError(await approval(account.id, { decision: 'approve' }, 'sup-xa'), 403, 'FORBIDDEN');
      const outsider = await freshLogin(api, other.users[Role.DistrictStaff].username, other.password);
      const res = await api.http.post(`/api/users/${account.id}/approval`).set(bearer(outsider)).send({ decision: 'approve' });
      expectError(res, 404, 'NOT_FOUND');
      expectError(await login(account.username, account.password), 401, 'INVALID_CREDENTIALS');
    });

    it.each([
      [{}, ['decision']],
      [{ decision: 'maybe' }, ['decision']],
      [{ decision: 'reject' }, ['reason']],
      [{ decision: 'reject', reason: '   ' }, ['reason']],
      [{ decision: 'approve', reason: 'x'.repeat(501) }, ['reason']],
      [{ decision: 'approve', extra: 1 }, ['extra']],
    ])('rejects the decision %j with 400 naming %j', async (body, fields) => {
      const res = await approval(account.id, body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(fields);
    });

    it('answers 400 naming id for an id that is not a UUID, 404 for no such user', async () => {
      const res = await api.http
        .post('/api/users/not-a-uuid/approval')
        .set(await as('district1'))
        .send({ decision: 'approve' });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['id']);
      expectError(await approval(randomUUID(), { decision: 'approve' }), 404, 'NOT_FOUND');
    });

    it('once district staff of the district approve it, signs in and reads a case’s full identity', async () => {
      // Before: the admin's account would read nothing; it cannot even sign in.
      const approved = await approval(account.id, { decision: 'approve', reason: '核实身份 (identity checked)' });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ id: account.id, status: 'active', pendingChange: null, approvalRequestedBy: null, approvalRequestedAt: null });

      const token = await freshLogin(api, account.username, account.password);
      const read = await api.http.get(`/api/cases/${caseId}`).set(bearer(token));
      expect(read.status).toBe(200);
      expect(read.body.child.name).toMatch(/^审批/);
      // Nothing awaits any more.
      expectError(await approval(account.id, { decision: 'approve' }), 409, 'CONFLICT');
    });
  });

  it('a rejected account never signs in, and a rejection is final until the admin asks again', async () => {
    const account = await requestAccount(Role.CommunityDirector, communityCode('xa', 1));
    const rejected = await approval(account.id, { decision: 'reject', reason: '无此人 (no such person)' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', approvalRequestedAt: null });
    expectError(await login(account.username, account.password), 401, 'INVALID_CREDENTIALS');
    expectError(await approval(account.id, { decision: 'approve' }), 409, 'CONFLICT');

    // The admin corrects the placement: that asks again.
    const asked = await patchUser(api, account.id, { jurisdictionId: id(communityCode('xa', 2)) });
    expect(asked).toMatchObject({ status: 'pending_approval', jurisdiction: { code: communityCode('xa', 2) } });
    expectError(await login(account.username, account.password), 401, 'INVALID_CREDENTIALS');
    await decideUser(api, account.id, { by: 'district2' });
    expect((await login(account.username, account.password)).status).toBe(200);
  });

  it('admin accounts, which never read case content, need no approval', async () => {
    const account = await requestAccount(Role.Admin, DEMO_DISTRICT.code);
    expect(account.body).toMatchObject({ status: 'active', approvalRequestedBy: null });
    expect((await login(account.username, account.password)).status).toBe(200);
    const newPassword = `pw-${randomBytes(8).toString('hex')}`;
    expect(await patchUser(api, account.id, { password: newPassword })).toMatchObject({ pendingChange: null });
    expect((await login(account.username, newPassword)).status).toBe(200);
  });

  describe('changes of an approved account that reads case content', () => {
    it('a role and jurisdiction change waits; the account keeps working with its old role meanwhile', async () => {
      const user = await createUser(api);
      const token = await freshLogin(api, user.username, user.password);
      const asked = await patchUser(api, user.id, { role: Role.StreetSupervisor, jurisdictionId: id(streetCode('xa')) });
      expect(asked).toMatchObject({
        role: Role.CommunityDirector,
        status: 'active',
        pendingChange: { role: Role.StreetSupervisor, jurisdiction: { code: streetCode('xa') }, password: false },
        approvalRequestedBy: adminId,
      });
      const meNow = await api.http.get('/api/me').set(bearer(token));
      expect(meNow.body).toMatchObject({ role: Role.CommunityDirector, jurisdiction: { id: user.jurisdictionId } });
      expectError(await api.http.get('/api/stats').set(bearer(token)), 403, 'FORBIDDEN');

      await decideUser(api, user.id, { by: 'district1' });
      expectError(await api.http.get('/api/me').set(bearer(token)), 401, 'UNAUTHENTICATED');
      const again = await freshLogin(api, user.username, user.password);
      expect((await api.http.get('/api/me').set(bearer(again))).body).toMatchObject({
        role: Role.StreetSupervisor,
        jurisdiction: { id: id(streetCode('xa')) },
      });
    });

    it('a password the admin sets is held: the admin cannot sign in with it; a rejection discards it', async () => {
      const user = await createUser(api, { role: Role.DistrictStaff });
      const adminsPassword = `admin-knows-${randomBytes(6).toString('hex')}`;
      const asked = await patchUser(api, user.id, { password: adminsPassword });
      expect(asked.pendingChange).toEqual({ role: null, jurisdiction: null, password: true });
      expect(JSON.stringify(asked)).not.toMatch(/argon2|admin-knows/);
      expectError(await login(user.username, adminsPassword), 401, 'INVALID_CREDENTIALS');
      expect((await login(user.username, user.password)).status).toBe(200);

      // The account itself may not decide about its own password.
      const self = await api.http
        .post(`/api/users/${user.id}/approval`)
        .set(bearer(await freshLogin(api, user.username, user.password)))
        .send({ decision: 'approve' });
      expectError(self, 422, 'SELF_APPROVAL');

      expectError(await approval(user.id, { decision: 'reject' }), 400, 'VALIDATION_FAILED');
      const rejected = await approval(user.id, { decision: 'reject', reason: '本人未申请重置 (not requested by the user)' });
      expect(rejected.body).toMatchObject({ status: 'active', pendingChange: null });
      expectError(await login(user.username, adminsPassword), 401, 'INVALID_CREDENTIALS');
      expect((await login(user.username, user.password)).status).toBe(200);
    });

    it('an admin made district staff waits too (the promotion is the hole)', async () => {
      const account = await requestAccount(Role.Admin, DEMO_DISTRICT.code);
      const asked = await patchUser(api, account.id, { role: Role.DistrictStaff });
      expect(asked).toMatchObject({ role: Role.Admin, pendingChange: { role: Role.DistrictStaff } });
      const token = await freshLogin(api, account.username, account.password);
      expectError(await api.http.get('/api/cases').set(bearer(token)), 403, 'FORBIDDEN');
    });
  });

  describe('the audit trail', () => {
    it('shows every change of an account as a user.* event of the district, in JSON and CSV, without passwords', async () => {
      const from = new Date(Date.now() - 1000).toISOString();
      const account = await requestAccount(Role.CommunityDirector, communityCode('xa', 0));
      await approval(account.id, { decision: 'approve' });
      const newPassword = `pw-${randomBytes(8).toString('hex')}`;
      await patchUser(api, account.id, {
        displayName: '改名 审计',
        password: newPassword,
        role: Role.CommunityDirector,
        jurisdictionId: id(communityCode('xa', 1)),
      });
      await approval(account.id, { decision: 'approve' });
      await patchUser(api, account.id, { active: false });

      const items = eventsAbout(await audit({ from }), account.id);
      const types = items.map((e) => e.type).reverse();
      expect(types).toEqual([
        'user.created',
        'user.approval_requested',
        'user.approved',
        'user.updated',
        'user.change_requested',
        'user.approved',
        'user.change_applied',
        'user.password_changed',
        'user.deactivated',
      ]);
      for (const e of items) {
        expect(e).toMatchObject({ source: 'user', caseId: null, caseNo: null });
        expect(e.type.startsWith('user.')).toBe(true);
      }
      const byType = (type: string) => items.filter((e) => e.type === type);
      expect(byType('user.created')[0]).toMatchObject({
        actorId: adminId,
        actorRole: Role.Admin,
        data: { role: Role.CommunityDirector, username: account.username },
      });
      expect(byType('user.approved').every((e) => e.actorId === district1Id && e.actorRole === (Role.DistrictStaff as string))).toBe(true);
      expect(byType('user.change_requested')[0].data).toMatchObject({ jurisdictionId: id(communityCode('xa', 1)), password: true });
      expect(byType('user.change_applied')[0].data).toMatchObject({ jurisdictionId: { from: id(communityCode('xa', 0)), to: id(communityCode('xa', 1)) } });
      const text = JSON.stringify(items);
      expect(text).not.toContain(account.password);
      expect(text).not.toContain(newPassword);
      expect(text).not.toMatch(/argon2|passwordHash|password_hash/i);

      // By actor: the admin's requests.
      const mine = eventsAbout(await audit({ from, actorId: adminId }), account.id);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((e) => e.actorId === adminId)).toBe(true);
      // A case filter is about cases: no user events.
      expect(eventsAbout(await audit({ from, caseId: randomUUID() }), account.id)).toEqual([]);

      const csv = await api.http
        .get('/api/audit/events')
        .query({ from, format: 'csv' })
        .set(await as('district1'));
      expect(csv.status).toBe(200);
      const [header, ...rows] = parse(csv.text.replace(/^\uFEFF/, ''));
      expect(header).toEqual(['source', 'at', 'caseNo', 'caseId', 'seq', 'type', 'actorId', 'actorRole', 'fromStatus', 'toStatus', 'fields', 'data', 'hash']);
      const mineInCsv = rows.filter((r) => r[0] === 'user' && (JSON.parse(r[11]) as { userId: string }).userId === account.id);
      expect(mineInCsv.map((r) => r[5]).reverse()).toEqual(types);
      expect(mineInCsv.every((r) => r[2] === '' && r[3] === '')).toBe(true);
      expect(csv.text).not.toContain(newPassword);

      // Another district's staff see none of it.
      const outsider = await freshLogin(api, other.users[Role.DistrictStaff].username, other.password);
      const theirs = await api.http.get('/api/audit/events').query({ from }).set(bearer(outsider));
      expect(theirs.status).toBe(200);
      expect(eventsAbout(theirs.body.items, account.id)).toEqual([]);
    });

    it('cannot be altered: UPDATE, DELETE and TRUNCATE of user_event are refused by the database', async () => {
      const [row] = await ds.query(`SELECT id FROM user_event ORDER BY id DESC LIMIT 1`);
      expect(row).toBeDefined();
      await expect(ds.query(`UPDATE user_event SET type = 'user.nothing' WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
      await expect(ds.query(`DELETE FROM user_event WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
      await expect(ds.query(`TRUNCATE user_event`)).rejects.toThrow(/append-only/);
    });
  });

  it('users written straight to the database (tests, the demo seeder) are active', async () => {
    const rows = await ds.query(`SELECT DISTINCT status FROM "user" WHERE id = ANY($1)`, [Object.values(other.users).map((u) => u.id)]);
    expect(rows).toEqual([{ status: 'active' }]);
    expect((await login('district1', DEMO_PASSWORD)).status).toBe(200);
    expect((await login(other.users[Role.CommunityDirector].username, other.password)).status).toBe(200);
  });
});
