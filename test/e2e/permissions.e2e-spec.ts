/**
 * The permission matrix: every route × role × (in scope / out of scope) → the
 * status it must answer, run for real. A route the table does not list fails the
 * coverage test, so a new route cannot ship without deciding who may call it.
 * The second test snapshots every route's declared access, so a change of who may
 * call what shows up in review as a change of __snapshots__.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role } from '@shouhu/access';
import { createOtherDistrict, openDataSource, OtherDistrict } from '../helpers/database';
import { registeredRoutes } from '../helpers/routes';
import { bearer, startApi, TestApi, tokenFor } from '../helpers/test-app';

type Who = 'director' | 'supervisor' | 'district' | 'leader' | 'hotline' | 'liaison' | 'admin';
type Scope = 'in' | 'out';
const WHO: Who[] = ['director', 'supervisor', 'district', 'leader', 'hotline', 'liaison', 'admin'];

interface Call {
  path: string;
  body?: unknown;
}

interface Row {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** The route template as registered. */
  route: string;
  /** Builds a fresh call (the resources it needs) for the caller about to make it. */
  call: (who: Who, scope: Scope) => Promise<Call>;
  /** [in scope, out of scope] for each role. */
  expect: Record<Who, [number, number]>;
  /** Signs in anew for this call (logout revokes the token it is called with). */
  freshToken?: boolean;
}

const same = (status: number): [number, number] => [status, status];

describe('permission matrix', () => {
  let api: TestApi;
  let db: DataSource;
  let other: OtherDistrict;
  const tokens = new Map<string, string>();
  let communityXa1: string;
  let directorXa1Id: string;
  let supervisorXaId: string;

  const usernameOf = (who: Who, scope: Scope): string => {
    if (scope === 'in')
      return {
        director: 'dir-xa-01',
        supervisor: 'sup-xa',
        district: 'district1',
        leader: 'leader',
        hotline: 'hotline',
        liaison: 'liaison-police',
        admin: 'admin',
      }[who];
    return {
      director: 'dir-xa-02',
      supervisor: 'sup-xx',
      district: other.users[Role.DistrictStaff].username,
      leader: other.users[Role.DistrictLeader].username,
      hotline: other.users[Role.HotlineIntake].username,
      liaison: other.users[Role.AgencyLiaison].username,
      admin: other.users[Role.Admin].username,
    }[who];
  };
  const token = async (who: Who, scope: Scope) => {
    const username = usernameOf(who, scope);
    if (!tokens.has(username)) tokens.set(username, await tokenFor(api, username, username.startsWith('other-') ? other.password : undefined));
    return tokens.get(username) as string;
  };
  const as = async (username: string) => bearer(await tokenFor(api, username));
  /** A token of its own, not the cached one. */
  const freshToken = async (who: Who, scope: Scope) => {
    const username = usernameOf(who, scope);
    const res = await api.http.post('/api/auth/login').send({ username, password: username.startsWith('other-') ? other.password : 'shouhu-demo' });
    if (res.status !== 200) throw new Error(`login as ${username}: ${res.status}`);
    return res.body.accessToken as string;
  };

  async function ok<T = Record<string, unknown>>(res: { status: number; body: T }, status = 200): Promise<T> {
    if (res.status !== status) throw new Error(`set-up call answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A new case in 海旺社区 (dir-xa-01), taken as far as `stage`. */
  async function newCase(
    stage: 'submitted' | 'assessing' | 'intervening' | 'awaiting_approval',
  ): Promise<{ id: string; version: number; measureId?: string; approvalId?: string }> {
    const r1 = stage === 'awaiting_approval';
    let c = await ok<{ id: string; version: number }>(
      await api.http
        .post('/api/cases')
        .set(await as('dir-xa-01'))
        .send({
          communityId: communityXa1,
          child: { name: `权限${randomBytes(3).toString('hex')}`, sex: 'female', birthDate: '2014-05-06' },
          categories: r1 ? ['V01'] : ['N04'],
          riskLevel: r1 ? 'R1' : 'R3',
          report: { reporterType: 'internal_discovery', discoveredAt: new Date(Date.now() - 3600_000).toISOString(), narrative: '权限测试 (permission test)' },
          police: r1 ? { reportedAt: new Date(Date.now() - 1800_000).toISOString(), receiptNo: 'P-1' } : undefined,
        }),
      201,
    );
    if (stage === 'submitted') return c;
    const sup = await as('sup-xa');
    c = await ok(
      await api.http
        .post(`/api/cases/${c.id}/transitions`)
        .set(sup)
        .send({ action: 'accept', version: c.version, riskLevel: r1 ? 'R1' : 'R3', assigneeId: supervisorXaId }),
    );
    if (stage === 'assessing') return c;
    await ok(
      await api.http
        .post(`/api/cases/${c.id}/assessment`)
        .set(sup)
        .send({ safety: 's', guardianship: 'g', wellbeing: 'w', riskLevel: r1 ? 'R1' : 'R3', summary: 'x' }),
    );
    c = await ok(
      await api.http
        .post(`/api/cases/${c.id}/measures`)
        .set(sup)
        .send({ type: 'counseling', dueAt: new Date(Date.now() + 7 * 86400_000).toISOString() }),
    );
    const started = await ok<{ id: string; version: number; pendingApproval: { id: string } | null }>(
      await api.http.post(`/api/cases/${c.id}/transitions`).set(sup).send({ action: 'start_intervention', version: c.version }),
    );
    return { id: started.id, version: started.version, approvalId: started.pendingApproval?.id };
  }

  /** A planned measure on an assessing case, owned by the director when a director will complete it. */
  async function caseWithMeasure(ownerId: string | undefined): Promise<{ id: string; measureId: string }> {
    const c = await newCase('assessing');
    const body = await ok<{ measures: { id: string }[] }>(
      await api.http
        .post(`/api/cases/${c.id}/measures`)
        .set(await as('sup-xa'))
        .send({ type: 'medical', dueAt: new Date(Date.now() + 3 * 86400_000).toISOString(), ownerId }),
    );
    return { id: c.id, measureId: body.measures[body.measures.length - 1].id };
  }

  let shared: { assessing: { id: string }; intervening: { id: string } };

  beforeAll(async () => {
    api = await startApi();
    db = await openDataSource(api.config);
    other = await createOtherDistrict(db);
    const me = await ok<{ id: string; jurisdiction: { id: string } }>(await api.http.get('/api/me').set(await as('dir-xa-01')));
    communityXa1 = me.jurisdiction.id;
    directorXa1Id = me.id;
    supervisorXaId = (await ok<{ id: string }>(await api.http.get('/api/me').set(await as('sup-xa')))).id;
    shared = { assessing: await newCase('assessing'), intervening: await newCase('intervening') };
  }, 120_000);

  afterAll(async () => {
    await other?.remove().catch(() => undefined);
    await db?.destroy();
    await api?.close();
  });

  const version = async (id: string) => (await ok<{ version: number }>(await api.http.get(`/api/cases/${id}`).set(await as('district1')))).version;

  /** The demo district (宝安区). */
  const demoDistrictId = async () => (await ok<{ jurisdiction: { id: string } }>(await api.http.get('/api/me').set(await as('district1')))).jurisdiction.id;
  /** The demo police station, liaison-police's agency. */
  const policeAgencyId = async () => {
    const agencies = await ok<{ id: string; name: string }[]>(await api.http.get('/api/agencies').set(await as('district1')));
    return (agencies.find((a) => a.name === '宝安公安分局新安派出所') as { id: string }).id;
  };
  /** A new agency of the demo district (the admin's). */
  const newAgency = async () =>
    (
      await ok<{ id: string }>(
        await api.http
          .post('/api/agencies')
          .set(await as('admin'))
          .send({ kind: 'other', name: `权限单位-${randomBytes(4).toString('hex')}` }),
        201,
      )
    ).id;
  /** A new referral of the shared assessing case to the demo police station; accepted by liaison-police when asked. */
  const newReferral = async (accepted = false) => {
    const r = await ok<{ id: string }>(
      await api.http
        .post(`/api/cases/${shared.assessing.id}/referrals`)
        .set(await as('sup-xa'))
        .send({ agencyId: await policeAgencyId(), service: '协助核查', note: '权限测试' }),
      201,
    );
    if (accepted)
      await ok(
        await api.http
          .post(`/api/referrals/${r.id}/response`)
          .set(await as('liaison-police'))
          .send({ decision: 'accept' }),
      );
    return r.id;
  };

  const ROWS: Row[] = [
    {
      method: 'POST',
      route: '/api/auth/login',
      call: async (who, scope) => ({
        path: '/api/auth/login',
        body: { username: usernameOf(who, scope), password: usernameOf(who, scope).startsWith('other-') ? other.password : 'shouhu-demo' },
      }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
    {
      method: 'POST',
      route: '/api/auth/logout',
      call: async () => ({ path: '/api/auth/logout' }),
      freshToken: true,
      expect: { director: same(204), supervisor: same(204), district: same(204), leader: same(204), hotline: same(204), liaison: same(204), admin: same(204) },
    },
    {
      method: 'GET',
      route: '/api/me',
      call: async () => ({ path: '/api/me' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
    {
      method: 'GET',
      route: '/api/jurisdictions',
      call: async () => ({ path: '/api/jurisdictions' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
    {
      method: 'GET',
      route: '/api/users',
      call: async () => ({ path: '/api/users' }),
      expect: { director: same(403), supervisor: same(200), district: same(200), leader: same(200), hotline: same(403), liaison: same(403), admin: same(200) },
    },
    {
      method: 'GET',
      route: '/api/users/:id',
      call: async () => ({ path: `/api/users/${directorXa1Id}` }),
      expect: {
        director: same(403),
        supervisor: [200, 404],
        district: [200, 404],
        leader: [200, 404],
        hotline: same(403),
        liaison: same(403),
        admin: [200, 404],
      },
    },
    {
      method: 'POST',
      route: '/api/users',
      call: async () => ({
        path: '/api/users',
        body: {
          username: `perm-${randomBytes(4).toString('hex')}`,
          displayName: '权限测试',
          role: 'community_director',
          jurisdictionId: communityXa1,
          password: 'a-long-password-1',
        },
      }),
      expect: { director: same(403), supervisor: same(403), district: same(403), leader: same(403), hotline: same(403), liaison: same(403), admin: [201, 404] },
    },
    {
      method: 'PATCH',
      route: '/api/users/:id',
      call: async () => ({ path: `/api/users/${directorXa1Id}`, body: { displayName: '海旺社区儿童主任' } }),
      expect: { director: same(403), supervisor: same(403), district: same(403), leader: same(403), hotline: same(403), liaison: same(403), admin: [200, 404] },
    },
    {
      method: 'POST',
      route: '/api/users/:id/approval',
      // A new account of 海旺社区 the admin asked for: only district staff of 宝安区 decide it.
      call: async () => {
        const body = {
          username: `perm-${randomBytes(4).toString('hex')}`,
          displayName: '权限测试',
          role: 'community_director',
          jurisdictionId: communityXa1,
          password: 'a-long-password-1',
        };
        const created = await ok<{ id: string }>(
          await api.http
            .post('/api/users')
            .set(await as('admin'))
            .send(body),
          201,
        );
        return { path: `/api/users/${created.id}/approval`, body: { decision: 'approve' } };
      },
      expect: { director: same(403), supervisor: same(403), district: [200, 404], leader: same(403), hotline: same(403), liaison: same(403), admin: same(403) },
    },
    {
      method: 'POST',
      route: '/api/cases',
      call: async () => ({
        path: '/api/cases',
        body: {
          communityId: communityXa1,
          child: { name: `新建${randomBytes(3).toString('hex')}`, sex: 'male', birthDate: '2015-01-02' },
          categories: ['D05'],
          riskLevel: 'R4',
          report: { reporterType: 'internal_discovery', discoveredAt: new Date(Date.now() - 60_000).toISOString(), narrative: '留守' },
        },
      }),
      expect: {
        director: [201, 404],
        supervisor: same(403),
        district: [201, 404],
        leader: same(403),
        hotline: [201, 404],
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/cases',
      call: async () => ({ path: '/api/cases?limit=5' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(403), admin: same(403) },
    },
    {
      method: 'GET',
      route: '/api/cases/:id',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}` }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: [200, 404],
        hotline: same(404),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/transitions',
      call: async () => ({
        path: `/api/cases/${shared.assessing.id}/transitions`,
        body: { action: 'escalate', version: await version(shared.assessing.id), reason: '需要上级关注' },
      }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [403, 404],
        leader: same(403),
        hotline: same(404),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/assessment',
      call: async () => ({
        path: `/api/cases/${shared.assessing.id}/assessment`,
        body: { safety: 's', guardianship: 'g', wellbeing: 'w', riskLevel: 'R3', summary: 'again' },
      }),
      expect: {
        director: [403, 404],
        supervisor: [200, 404],
        district: [403, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/measures',
      call: async () => ({
        path: `/api/cases/${shared.assessing.id}/measures`,
        body: { type: 'legal_aid', dueAt: new Date(Date.now() + 86400_000).toISOString() },
      }),
      expect: {
        director: [403, 404],
        supervisor: [200, 404],
        district: [403, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'PATCH',
      route: '/api/cases/:id/measures/:measureId',
      call: async (who) => {
        const c = await caseWithMeasure(who === 'director' ? directorXa1Id : undefined);
        return { path: `/api/cases/${c.id}/measures/${c.measureId}`, body: { status: 'done', outcome: '已完成' } };
      },
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [403, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/visits',
      call: async () => ({
        path: `/api/cases/${shared.intervening.id}/visits`,
        body: { visitedAt: new Date(Date.now() - 60_000).toISOString(), riskLevel: 'R3', outcome: '家访' },
      }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [403, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/outcome-feedback',
      call: async () => ({
        path: `/api/cases/${shared.intervening.id}/outcome-feedback`,
        body: { channel: 'phone', at: new Date(Date.now() - 60_000).toISOString(), summary: '已电话告知报告单位。' },
      }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/guardians',
      call: async () => ({
        path: `/api/cases/${shared.assessing.id}/guardians`,
        body: { name: '王某', relation: 'father', livesWithChild: true, suspectedPerpetrator: true },
      }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: same(403),
        hotline: same(404),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'PATCH',
      route: '/api/cases/:id/guardians/:guardianId',
      call: async () => {
        const res = await api.http
          .post(`/api/cases/${shared.assessing.id}/guardians`)
          .set(await as('sup-xa'))
          .send({ name: '李某', relation: 'mother', livesWithChild: true, suspectedPerpetrator: false });
        const { guardians } = await ok<{ guardians: { id: string }[] }>(res);
        return { path: `/api/cases/${shared.assessing.id}/guardians/${guardians[guardians.length - 1].id}`, body: { livesWithChild: false } };
      },
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: same(403),
        hotline: same(404),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/cases/:id/attachments',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/attachments` }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: [200, 404],
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/attachments',
      // The table sends JSON: an upload route in scope answers 415 (multipart only); the scope check comes first.
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/attachments`, body: { kind: 'photo' } }),
      expect: {
        director: [415, 404],
        supervisor: [415, 404],
        district: [415, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/cases/:id/attachments/:attachmentId/content',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/attachments/00000000-0000-4000-8000-000000000000/content` }),
      expect: { director: same(404), supervisor: same(404), district: same(404), leader: same(404), hotline: same(403), liaison: same(403), admin: same(403) },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/attachments/:attachmentId/retraction',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/attachments/00000000-0000-4000-8000-000000000000/retraction`, body: { reason: 'x' } }),
      expect: { director: same(404), supervisor: same(404), district: same(404), leader: same(403), hotline: same(403), liaison: same(403), admin: same(403) },
    },
    {
      method: 'GET',
      route: '/api/calendar/:year',
      call: async () => ({ path: '/api/calendar/2026' }),
      // The official calendar is national data without personal information: every role reads it.
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
    {
      method: 'PUT',
      route: '/api/calendar/:year',
      call: async () => {
        const c = (await api.http.get('/api/calendar/2026').set(await as('district1'))).body as Record<string, unknown>;
        return { path: '/api/calendar/2026', body: { holidays: c.holidays, workdays: c.workdays, source: c.source, provisional: c.provisional } };
      },
      // National data: district staff of any district replace it (the same answer in and out of "scope").
      expect: { director: same(403), supervisor: same(403), district: same(200), leader: same(403), hotline: same(403), liaison: same(403), admin: same(403) },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/notes',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/notes`, body: { text: '备注' } }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/reports',
      call: async () => ({
        path: `/api/cases/${shared.assessing.id}/reports`,
        body: { reporterType: 'public', anonymous: true, discoveredAt: new Date(Date.now() - 60_000).toISOString(), narrative: '补充' },
      }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: same(403),
        hotline: same(404),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/police',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/police`, body: { receiptNo: 'R-2' } }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: same(403),
        hotline: same(404),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/cases/:id/timeline',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/timeline` }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: [200, 404],
        hotline: same(404),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/cases/:id/timeline/verify',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/timeline/verify` }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: [200, 404],
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/cases/:id/deadlines',
      call: async () => ({ path: `/api/cases/${shared.assessing.id}/deadlines` }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: [200, 404],
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/approvals',
      call: async () => ({ path: '/api/approvals?status=pending' }),
      expect: { director: same(403), supervisor: same(200), district: same(200), leader: same(200), hotline: same(403), liaison: same(403), admin: same(403) },
    },
    {
      method: 'POST',
      route: '/api/approvals/:id/decision',
      call: async () => {
        const c = await newCase('awaiting_approval');
        return { path: `/api/approvals/${c.approvalId}/decision`, body: { decision: 'approve', reason: '同意' } };
      },
      // An R1 plan: only district staff decide; a supervisor of the street is refused (403).
      expect: {
        director: same(403),
        supervisor: [403, 404],
        district: [200, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/notifications',
      call: async () => ({ path: '/api/notifications' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
    // Someone else's (or no) notification is not yours to read.
    {
      method: 'POST',
      route: '/api/notifications/:id/read',
      call: async () => ({ path: `/api/notifications/${randomUUID()}/read` }),
      expect: { director: same(404), supervisor: same(404), district: same(404), leader: same(404), hotline: same(404), liaison: same(404), admin: same(404) },
    },
    {
      method: 'GET',
      route: '/api/audit/events',
      call: async () => ({ path: '/api/audit/events?limit=5' }),
      expect: { director: same(403), supervisor: same(403), district: same(200), leader: same(403), hotline: same(403), liaison: same(403), admin: same(403) },
    },
    {
      method: 'GET',
      route: '/api/stats',
      call: async () => ({ path: '/api/stats' }),
      expect: { director: same(403), supervisor: same(200), district: same(200), leader: same(200), hotline: same(403), liaison: same(403), admin: same(403) },
    },
    {
      method: 'GET',
      route: '/api/stats/export',
      call: async () => ({ path: '/api/stats/export?format=csv' }),
      expect: { director: same(403), supervisor: same(200), district: same(200), leader: same(200), hotline: same(403), liaison: same(403), admin: same(403) },
    },
    {
      method: 'GET',
      route: '/api/agencies',
      call: async () => ({ path: '/api/agencies' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
    {
      method: 'POST',
      route: '/api/agencies',
      call: async () => ({
        path: '/api/agencies',
        body: { kind: 'other', name: `权限单位-${randomBytes(4).toString('hex')}`, districtId: await demoDistrictId() },
      }),
      expect: { director: same(403), supervisor: same(403), district: same(403), leader: same(403), hotline: same(403), liaison: same(403), admin: [201, 404] },
    },
    {
      method: 'PATCH',
      route: '/api/agencies/:id',
      call: async () => ({ path: `/api/agencies/${await newAgency()}`, body: { name: `权限单位-${randomBytes(4).toString('hex')}` } }),
      expect: { director: same(403), supervisor: same(403), district: same(403), leader: same(403), hotline: same(403), liaison: same(403), admin: [200, 404] },
    },
    {
      method: 'POST',
      route: '/api/cases/:id/referrals',
      call: async () => ({
        path: `/api/cases/${shared.assessing.id}/referrals`,
        body: { agencyId: await policeAgencyId(), service: '协助核查', note: '权限测试' },
      }),
      expect: {
        director: same(403),
        supervisor: [201, 404],
        district: [201, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/referrals',
      call: async () => ({ path: '/api/referrals' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(403), liaison: same(200), admin: same(403) },
    },
    {
      method: 'GET',
      route: '/api/referrals/:id',
      call: async () => ({ path: `/api/referrals/${await newReferral()}` }),
      expect: {
        director: [200, 404],
        supervisor: [200, 404],
        district: [200, 404],
        leader: [200, 404],
        hotline: same(403),
        liaison: [200, 404],
        admin: same(403),
      },
    },
    {
      method: 'POST',
      route: '/api/referrals/:id/response',
      call: async () => ({ path: `/api/referrals/${await newReferral()}/response`, body: { decision: 'accept' } }),
      expect: { director: same(403), supervisor: same(403), district: same(403), leader: same(403), hotline: same(403), liaison: [200, 404], admin: same(403) },
    },
    {
      method: 'POST',
      route: '/api/referrals/:id/completion',
      call: async () => ({ path: `/api/referrals/${await newReferral(true)}/completion`, body: { outcome: '已完成' } }),
      expect: { director: same(403), supervisor: same(403), district: same(403), leader: same(403), hotline: same(403), liaison: [200, 404], admin: same(403) },
    },
    {
      method: 'POST',
      route: '/api/referrals/:id/revocation',
      call: async () => ({ path: `/api/referrals/${await newReferral()}/revocation`, body: { reason: '撤回' } }),
      expect: {
        director: same(403),
        supervisor: [200, 404],
        district: [200, 404],
        leader: same(403),
        hotline: same(403),
        liaison: same(403),
        admin: same(403),
      },
    },
    {
      method: 'GET',
      route: '/api/health',
      call: async () => ({ path: '/api/health' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
    {
      method: 'GET',
      route: '/api/health/live',
      call: async () => ({ path: '/api/health/live' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
    {
      method: 'GET',
      route: '/metrics',
      call: async () => ({ path: '/metrics' }),
      expect: { director: same(200), supervisor: same(200), district: same(200), leader: same(200), hotline: same(200), liaison: same(200), admin: same(200) },
    },
  ];

  it('lists every registered route', () => {
    const registered = registeredRoutes(api.app)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    const covered = ROWS.map((r) => `${r.method} ${r.route}`).sort();
    expect(covered).toEqual(registered);
  });

  it('answers every route × role × scope as the table says', async () => {
    const wrong: string[] = [];
    for (const row of ROWS) {
      for (const who of WHO) {
        for (const scope of ['in', 'out'] as Scope[]) {
          const call = await row.call(who, scope);
          const req =
            row.method === 'GET'
              ? api.http.get(call.path)
              : row.method === 'POST'
                ? api.http.post(call.path)
                : row.method === 'PATCH'
                  ? api.http.patch(call.path)
                  : api.http.put(call.path);
          const bearerToken = row.freshToken ? await freshToken(who, scope) : await token(who, scope);
          const res = await req.set(bearer(bearerToken)).send(call.body as object);
          const want = row.expect[who][scope === 'in' ? 0 : 1];
          if (res.status !== want)
            wrong.push(
              `${row.method} ${row.route} as ${who} (${scope} of scope): expected ${want}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`,
            );
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 180_000);

  it('refuses every non-public route without a token (401)', async () => {
    for (const row of ROWS) {
      const decl = registeredRoutes(api.app).find((r) => r.method === row.method && r.path === row.route);
      if (decl?.access === 'public') continue;
      const call = await row.call('district', 'in');
      const req =
        row.method === 'GET'
          ? api.http.get(call.path)
          : row.method === 'POST'
            ? api.http.post(call.path)
            : row.method === 'PATCH'
              ? api.http.patch(call.path)
              : api.http.put(call.path);
      const res = await req.send(call.body as object);
      expect(`${row.method} ${row.route} → ${res.status}`).toBe(`${row.method} ${row.route} → 401`);
    }
  }, 120_000);

  it('declares who may call each route (snapshot: a change here is an access change)', () => {
    const declarations = registeredRoutes(api.app).map((r) => `${r.method.padEnd(6)} ${r.path.padEnd(40)} ${r.access}`);
    expect(declarations.filter((d) => d.endsWith('UNDECLARED'))).toEqual([]);
    expect(declarations.join('\n')).toMatchSnapshot();
  });

  describe('the district leader (区分管领导): reads the district, decides nothing', () => {
    it('reads a case of its district with the child’s full identity, the read logged, and no action allowed', async () => {
      const c = await newCase('assessing');
      const staffView = await ok<{ child: { name: string } }>(await api.http.get(`/api/cases/${c.id}`).set(await as('district1')));
      const leader = await as('leader');
      const leaderId = (await ok<{ id: string; role: string }>(await api.http.get('/api/me').set(leader))).id;
      const detail = await ok<{ child: { name: string }; allowedActions: string[]; version: number }>(await api.http.get(`/api/cases/${c.id}`).set(leader));
      expect(detail.child.name).toBe(staffView.child.name);
      expect(detail.allowedActions).toEqual([]);

      const audit = await ok<{ items: { source: string; type: string; actorId: string; actorRole: string; fields: string[] }[] }>(
        await api.http.get(`/api/audit/events?caseId=${c.id}&actorId=${leaderId}`).set(await as('district1')),
      );
      const reads = audit.items.filter((r) => r.source === 'access');
      expect(reads).toHaveLength(1);
      expect(reads[0]).toMatchObject({ type: 'identity.read', actorRole: Role.DistrictLeader });
      expect(reads[0].fields).toEqual(expect.arrayContaining(['child.name', 'child.birthDate']));

      // The list shows it, masked, as it shows every case of the district.
      const list = await ok<{ items: { id: string; childDisplayName: string }[] }>(await api.http.get('/api/cases?limit=200&sort=-reportedAt').set(leader));
      const row = list.items.find((i) => i.id === c.id);
      expect(row?.childDisplayName).not.toBe(staffView.child.name);
      expect(row?.childDisplayName).toContain('*');
      // The other district's leader finds nothing of it.
      const otherLeader = bearer(await token('leader', 'out'));
      const otherList = await ok<{ items: { id: string; districtId: string }[] }>(await api.http.get('/api/cases?limit=200').set(otherLeader));
      expect(otherList.items.map((i) => i.id)).not.toContain(c.id);
      expect(otherList.items.every((i) => i.districtId === other.district.id)).toBe(true);
    });

    it('every write on a case of its district is 403 FORBIDDEN and changes nothing', async () => {
      const c = await newCase('awaiting_approval');
      const leader = await as('leader');
      const before = await ok<{ version: number; status: string }>(await api.http.get(`/api/cases/${c.id}`).set(await as('district1')));
      const eventsBefore = (await ok<{ events: unknown[] }>(await api.http.get(`/api/cases/${c.id}/timeline`).set(leader))).events.length;
      const soon = new Date(Date.now() + 86400_000).toISOString();
      const past = new Date(Date.now() - 60_000).toISOString();
      const writes: [string, unknown][] = [
        [`/api/cases/${c.id}/transitions`, { action: 'escalate', version: before.version, reason: '领导关注' }],
        [`/api/cases/${c.id}/transitions`, { action: 'reopen', version: before.version, reason: 'x' }],
        [`/api/cases/${c.id}/assessment`, { safety: 's', guardianship: 'g', wellbeing: 'w', riskLevel: 'R1', summary: 'x' }],
        [`/api/cases/${c.id}/measures`, { type: 'legal_aid', dueAt: soon }],
        [`/api/cases/${c.id}/visits`, { visitedAt: past, riskLevel: 'R1', outcome: '家访' }],
        [`/api/cases/${c.id}/notes`, { text: '领导批示' }],
        [`/api/cases/${c.id}/reports`, { reporterType: 'public', anonymous: true, discoveredAt: past, narrative: '补充' }],
        [`/api/cases/${c.id}/police`, { receiptNo: 'R-9' }],
        [`/api/approvals/${c.approvalId}/decision`, { decision: 'approve', reason: '同意' }],
        ['/api/cases', { communityId: communityXa1 }],
      ];
      for (const [path, body] of writes) {
        const res = await api.http
          .post(path)
          .set(leader)
          .send(body as object);
        expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
      }
      const after = await ok<{ version: number; status: string; pendingApproval: { status: string } | null }>(
        await api.http.get(`/api/cases/${c.id}`).set(await as('district1')),
      );
      expect({ version: after.version, status: after.status }).toEqual({ version: before.version, status: before.status });
      expect(after.pendingApproval?.status).toBe('pending');
      expect((await ok<{ events: unknown[] }>(await api.http.get(`/api/cases/${c.id}/timeline`).set(leader))).events).toHaveLength(eventsBefore);
      // The approval is in the leader's list, to read.
      const approvals = await ok<{ items: { id: string }[] }>(await api.http.get('/api/approvals?status=pending').set(leader));
      expect(approvals.items.map((a) => a.id)).toContain(c.approvalId);
    });

    it('a new leader account is placed at a district and waits for district staff’s approval, like every account that reads cases', async () => {
      const admin = await as('admin');
      const district = (await ok<{ jurisdiction: { id: string } }>(await api.http.get('/api/me').set(admin))).jurisdiction.id;
      const street = (await ok<{ jurisdiction: { id: string } }>(await api.http.get('/api/me').set(await as('sup-xa')))).jurisdiction.id;
      const body = (jurisdictionId: string) => ({
        username: `leader-${randomBytes(4).toString('hex')}`,
        displayName: '分管领导 测试',
        role: Role.DistrictLeader,
        jurisdictionId,
        password: 'a-long-password-1',
      });

      const atStreet = await api.http.post('/api/users').set(admin).send(body(street));
      expect(atStreet.status).toBe(400);
      expect(atStreet.body.details).toEqual([{ field: 'jurisdictionId', message: 'must be a district for role district_leader' }]);

      const wanted = body(district);
      const created = await ok<{ id: string; status: string; roleLabel: string }>(await api.http.post('/api/users').set(admin).send(wanted), 201);
      expect(created).toMatchObject({ status: 'pending_approval', roleLabel: '区分管领导 (district leader)' });
      expect((await api.http.post('/api/auth/login').send({ username: wanted.username, password: wanted.password })).status).toBe(401);
      // The leader reads the district's approved users, not the accounts that wait.
      const users = await ok<{ items: { id: string; username: string }[] }>(await api.http.get('/api/users').set(await as('leader')));
      expect(users.items.map((u) => u.username)).toEqual(expect.arrayContaining(['leader', 'district1', 'sup-xa', 'dir-xa-01']));
      expect(users.items.map((u) => u.id)).not.toContain(created.id);
      // Nor may a leader decide it: only district staff do.
      expect(
        (
          await api.http
            .post(`/api/users/${created.id}/approval`)
            .set(await as('leader'))
            .send({ decision: 'approve' })
        ).status,
      ).toBe(403);

      await ok(
        await api.http
          .post(`/api/users/${created.id}/approval`)
          .set(await as('district2'))
          .send({ decision: 'approve' }),
      );
      const login = await ok<{ accessToken: string; user: { role: string } }>(
        await api.http.post('/api/auth/login').send({ username: wanted.username, password: wanted.password }),
      );
      expect(login.user.role).toBe(Role.DistrictLeader);
      expect((await api.http.get('/api/cases?limit=1').set(bearer(login.accessToken))).status).toBe(200);
    });
  });
});
