import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role } from '@shouhu/access';
import { communityCode, DEMO_DISTRICT, DEMO_STREETS, demoUsers, streetCode } from '@shouhu/org';
import { createOtherDistrict, openDataSource, OtherDistrict } from '../helpers/database';
import { createUser, decideUser, demoCode, demoJurisdictions, flattenTree, freshLogin, JurisdictionNode, unique, userIdOf } from '../helpers/factories';
import { bearer, expectError, startApi, TestApi, tokenFor } from '../helpers/test-app';
import type request from 'supertest';

interface UserItem {
  id: string;
  username: string;
  role: Role;
  active: boolean;
  jurisdiction: { id: string; code: string; level: string; name: string; path: string };
}

const fieldsOf = (res: request.Response) => [...new Set((res.body.details as { field: string }[]).map((d) => d.field))].sort();
const usernames = (items: UserItem[]) => items.map((u) => u.username);
const XA = DEMO_STREETS.find((s) => s.key === 'xa')!;

describe('organisation', () => {
  let api: TestApi;
  let ds: DataSource;
  let other: OtherDistrict;
  let codes: Map<string, JurisdictionNode>;
  const id = (code: string) => codes.get(code)!.id;

  beforeAll(async () => {
    api = await startApi();
    ds = await openDataSource(api.config);
    other = await createOtherDistrict(ds);
    codes = await demoJurisdictions(api);
  });
  afterAll(async () => {
    await other?.remove();
    await ds?.destroy();
    await api?.close();
  });

  const as = async (username: string) => bearer(await tokenFor(api, username));
  const list = async (username: string, query: Record<string, string> = {}) => {
    const res = await api.http
      .get('/api/users')
      .query(query)
      .set(await as(username));
    if (res.status !== 200) throw new Error(`GET /api/users as ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.items as UserItem[];
  };
  const newUserBody = (overrides: Record<string, unknown> = {}) => ({
    username: unique('org'),
    displayName: '新社区主任',
    role: Role.CommunityDirector,
    jurisdictionId: id(communityCode('xa', 2)),
    password: 'a-long-enough-password',
    ...overrides,
  });

  describe('GET /api/jurisdictions', () => {
    function expectWholeDistrict(tree: JurisdictionNode[]) {
      expect(tree).toHaveLength(1);
      const [district] = tree;
      expect(district).toMatchObject({ code: DEMO_DISTRICT.code, level: 'district', name: DEMO_DISTRICT.name, path: DEMO_DISTRICT.name, parentId: null });
      expect(district.children.map((s) => s.code).sort()).toEqual(DEMO_STREETS.map((s) => streetCode(s.key)).sort());
      for (const street of DEMO_STREETS) {
        const node = district.children.find((s) => s.code === streetCode(street.key))!;
        expect(node).toMatchObject({ level: 'street', name: street.name, path: `${DEMO_DISTRICT.name} / ${street.name}`, parentId: district.id });
        expect(node.children.length).toBeGreaterThanOrEqual(2);
        expect(node.children.map((c) => [c.code, c.name]).sort()).toEqual(street.communities.map((name, i) => [communityCode(street.key, i), name]).sort());
        for (const community of node.children) {
          expect(community).toMatchObject({ level: 'community', parentId: node.id, path: `${node.path} / ${community.name}`, children: [] });
        }
      }
      const ids = flattenTree(tree).map((j) => j.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const j of ids) expect(j).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }

    it('gives district staff and the admin the whole 宝安区 tree, and nothing of another district', async () => {
      const staff = await api.http.get('/api/jurisdictions').set(await as('district1'));
      const admin = await api.http.get('/api/jurisdictions').set(await as('admin'));
      expect(staff.status).toBe(200);
      expectWholeDistrict(staff.body);
      expect(admin.body).toEqual(staff.body);
      expect(JSON.stringify(staff.body)).not.toContain(other.district.id);
    });

    it('gives a street supervisor only its street and the street’s communities', async () => {
      const res = await api.http.get('/api/jurisdictions').set(await as('sup-xa'));
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      const [street] = res.body as JurisdictionNode[];
      expect(street).toMatchObject({ code: streetCode('xa'), level: 'street', name: XA.name });
      expect(street.children.map((c) => c.name).sort()).toEqual([...XA.communities].sort());
      expect(flattenTree(res.body)).toHaveLength(1 + XA.communities.length);
    });

    it('gives a community director only its community', async () => {
      const res = await api.http.get('/api/jurisdictions').set(await as('dir-xa-01'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        expect.objectContaining({
          code: communityCode('xa', 0),
          level: 'community',
          name: XA.communities[0],
          path: `宝安区 / 新安街道 / ${XA.communities[0]}`,
          children: [],
        }),
      ]);
    });

    it('gives the other district’s admin only its own tree', async () => {
      const token = await freshLogin(api, other.users[Role.Admin].username, other.password);
      const res = await api.http.get('/api/jurisdictions').set(bearer(token));
      expect(res.status).toBe(200);
      expect(
        flattenTree(res.body)
          .map((j) => j.id)
          .sort(),
      ).toEqual([other.district.id, other.street.id, other.community.id].sort());
    });
  });

  describe('GET /api/users', () => {
    it('gives a street supervisor the users of its street only', async () => {
      const items = await list('sup-xa');
      const xaIds = new Set([id(streetCode('xa')), ...XA.communities.map((_, i) => id(communityCode('xa', i)))]);
      for (const user of items) expect(xaIds.has(user.jurisdiction.id)).toBe(true);
      expect(usernames(items)).toEqual(expect.arrayContaining(['sup-xa', 'dir-xa-01', 'dir-xa-02', 'dir-xa-03']));
      for (const outsider of ['admin', 'district1', 'sup-xx', 'dir-xx-01', other.users[Role.StreetSupervisor].username]) {
        expect(usernames(items)).not.toContain(outsider);
      }
    });

    it('gives district staff every user of the district and none of another district', async () => {
      const items = await list('district1');
      expect(usernames(items)).toEqual(expect.arrayContaining(demoUsers().map((u) => u.username)));
      for (const user of Object.values(other.users)) expect(usernames(items)).not.toContain(user.username);
      for (const user of items) expect(user.jurisdiction.path.startsWith(DEMO_DISTRICT.name)).toBe(true);
    });

    it('gives each user’s view without secrets', async () => {
      const [sup] = (await list('district1', { role: Role.StreetSupervisor })).filter((u) => u.username === 'sup-xa') as (UserItem & {
        lastLoginAt: string | null;
      })[];
      expect(sup).toEqual({
        id: expect.any(String),
        username: 'sup-xa',
        displayName: demoUsers().find((u) => u.username === 'sup-xa')!.displayName,
        role: Role.StreetSupervisor,
        roleLabel: expect.any(String),
        jurisdiction: { id: id(streetCode('xa')), code: streetCode('xa'), level: 'street', name: XA.name, path: `宝安区 / ${XA.name}` },
        agencyId: null,
        active: true,
        status: 'active',
        pendingChange: null,
        approvalRequestedBy: null,
        approvalRequestedAt: null,
        lastLoginAt: sup.lastLoginAt === null ? null : expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('refuses community directors with 403 FORBIDDEN', async () => {
      expectError(await api.http.get('/api/users').set(await as('dir-xa-01')), 403, 'FORBIDDEN');
      expectError(await api.http.get(`/api/users/${await userIdOf(api, 'dir-xa-01')}`).set(await as('dir-xa-01')), 403, 'FORBIDDEN');
    });

    it('filters by role', async () => {
      const items = await list('district1', { role: Role.StreetSupervisor });
      expect(items.every((u) => u.role === Role.StreetSupervisor)).toBe(true);
      expect(usernames(items)).toEqual(expect.arrayContaining(DEMO_STREETS.map((s) => `sup-${s.key}`)));
    });

    it('filters by jurisdiction (exactly that node, not its subtree)', async () => {
      const items = await list('district1', { jurisdictionId: id(streetCode('xa')) });
      expect(items.every((u) => u.jurisdiction.id === id(streetCode('xa')))).toBe(true);
      expect(usernames(items)).toContain('sup-xa');
      expect(usernames(items)).not.toContain('dir-xa-01');
    });

    it('combines filters', async () => {
      const items = await list('sup-xa', { role: Role.CommunityDirector, jurisdictionId: id(communityCode('xa', 1)) });
      expect(usernames(items)).toContain('dir-xa-02');
      expect(items.every((u) => u.role === Role.CommunityDirector && u.jurisdiction.id === id(communityCode('xa', 1)))).toBe(true);
    });

    it('filters by active', async () => {
      const user = await createUser(api);
      await api.http
        .patch(`/api/users/${user.id}`)
        .set(await as('admin'))
        .send({ active: false })
        .expect(200);
      const inactive = await list('district1', { active: 'false' });
      expect(usernames(inactive)).toContain(user.username);
      expect(inactive.every((u) => !u.active)).toBe(true);
      const active = await list('district1', { active: 'true' });
      expect(usernames(active)).not.toContain(user.username);
      expect(usernames(active)).toContain('sup-xa');
    });

    it('gives nothing for a jurisdiction filter outside the caller’s scope', async () => {
      expect(await list('sup-xa', { jurisdictionId: id(streetCode('xx')) })).toEqual([]);
      expect(await list('district1', { jurisdictionId: other.community.id })).toEqual([]);
      expect(await list('admin', { jurisdictionId: other.district.id })).toEqual([]);
    });

    it.each([
      [{ role: 'boss' }, ['role']],
      [{ jurisdictionId: 'not-a-uuid' }, ['jurisdictionId']],
      [{ active: 'maybe' }, ['active']],
      [{ sort: 'username' }, ['sort']],
    ])('rejects the query %j with 400 naming %j', async (query, fields) => {
      const res = await api.http
        .get('/api/users')
        .query(query)
        .set(await as('district1'));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(fields);
    });
  });

  describe('GET /api/users/:id', () => {
    it('answers a user in scope', async () => {
      const target = await userIdOf(api, 'dir-xa-02');
      const res = await api.http.get(`/api/users/${target}`).set(await as('sup-xa'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: target, username: 'dir-xa-02', role: Role.CommunityDirector });
      expect(res.body).not.toHaveProperty('passwordHash');
    });

    it('answers 404 for users outside the caller’s scope, as for users that do not exist', async () => {
      const checks: [string, string][] = [
        ['sup-xa', await userIdOf(api, 'dir-xx-01')],
        ['sup-xa', await userIdOf(api, 'district1')],
        ['sup-xa', randomUUID()],
        ['district1', other.users[Role.CommunityDirector].id],
        ['district1', other.users[Role.Admin].id],
        ['admin', other.users[Role.DistrictStaff].id],
        ['admin', randomUUID()],
      ];
      for (const [caller, target] of checks) {
        const res = await api.http.get(`/api/users/${target}`).set(await as(caller));
        expectError(res, 404, 'NOT_FOUND');
        expect(res.body.message).toBe('user not found');
      }
    });

    it('answers 404 to the other district’s admin for a user of 宝安区', async () => {
      const token = bearer(await freshLogin(api, other.users[Role.Admin].username, other.password));
      const supXa = await userIdOf(api, 'sup-xa');
      expectError(await api.http.get(`/api/users/${supXa}`).set(token), 404, 'NOT_FOUND');
      expectError(await api.http.patch(`/api/users/${supXa}`).set(token).send({ displayName: 'taken over' }), 404, 'NOT_FOUND');
      const own = await api.http.get('/api/users').set(token);
      expect(usernames(own.body.items).sort()).toEqual(
        Object.values(other.users)
          .map((u) => u.username)
          .sort(),
      );
    });

    it('answers 400 naming id for an id that is not a UUID', async () => {
      for (const bad of ['123', 'sup-xa', `${randomUUID()}x`]) {
        const res = await api.http.get(`/api/users/${bad}`).set(await as('district1'));
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(res)).toEqual(['id']);
      }
      const patch = await api.http
        .patch('/api/users/not-a-uuid')
        .set(await as('admin'))
        .send({ displayName: 'x' });
      expectError(patch, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(patch)).toEqual(['id']);
    });
  });

  describe('POST /api/users', () => {
    it.each(['district1', 'sup-xa', 'dir-xa-01'])('refuses %s with 403 FORBIDDEN and creates nothing', async (caller) => {
      const body = newUserBody();
      expectError(
        await api.http
          .post('/api/users')
          .set(await as(caller))
          .send(body),
        403,
        'FORBIDDEN',
      );
      expect(usernames(await list('admin'))).not.toContain(body.username);
    });

    it('lets the admin create a community director, who can sign in once district staff approve', async () => {
      const body = newUserBody({ username: `New-Dir-${randomUUID().slice(0, 8)}`, displayName: '  陈晓红  ' });
      const res = await api.http
        .post('/api/users')
        .set(await as('admin'))
        .send(body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: body.username.toLowerCase(),
        displayName: '陈晓红',
        role: Role.CommunityDirector,
        active: true,
        status: 'pending_approval',
        pendingChange: null,
        approvalRequestedBy: await userIdOf(api, 'admin'),
        lastLoginAt: null,
        jurisdiction: { id: body.jurisdictionId, code: communityCode('xa', 2), level: 'community', name: XA.communities[2] },
      });
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
      // Not yet: the same answer as a wrong password, and not offered to the supervisor for assignment.
      expectError(await api.http.post('/api/auth/login').send({ username: body.username, password: body.password }), 401, 'INVALID_CREDENTIALS');
      expect(usernames(await list('sup-xa'))).not.toContain(body.username.toLowerCase());
      await decideUser(api, res.body.id, { by: 'district1' });

      const login = await api.http.post('/api/auth/login').send({ username: body.username, password: body.password });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ id: res.body.id, role: Role.CommunityDirector, jurisdiction: { id: body.jurisdictionId } });
      // The supervisor of that street now sees the new director.
      expect(usernames(await list('sup-xa'))).toContain(body.username.toLowerCase());
    });

    it('creates users of every role at the matching level', async () => {
      const placements: [Role, string][] = [
        [Role.StreetSupervisor, streetCode('hc')],
        [Role.DistrictStaff, DEMO_DISTRICT.code],
        [Role.Admin, DEMO_DISTRICT.code],
      ];
      for (const [role, code] of placements) {
        const res = await api.http
          .post('/api/users')
          .set(await as('admin'))
          .send(newUserBody({ role, jurisdictionId: id(code) }));
        expect(res.status).toBe(201);
        // Only admin accounts, which never read case content, need no approval.
        expect(res.body).toMatchObject({ role, jurisdiction: { code }, status: role === Role.Admin ? 'active' : 'pending_approval' });
      }
    });

    it('can create an inactive user, who cannot sign in', async () => {
      const body = newUserBody({ active: false });
      expect(
        (
          await api.http
            .post('/api/users')
            .set(await as('admin'))
            .send(body)
        ).body.active,
      ).toBe(false);
      expectError(await api.http.post('/api/auth/login').send({ username: body.username, password: body.password }), 401, 'INVALID_CREDENTIALS');
    });

    it('rejects unknown fields with 400 naming them, and creates nothing', async () => {
      const body = newUserBody({ isSuperuser: true, passwordHash: 'x' });
      const res = await api.http
        .post('/api/users')
        .set(await as('admin'))
        .send(body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['isSuperuser', 'passwordHash']);
      expect(res.body.details).toContainEqual({ field: 'isSuperuser', message: 'is not an allowed field' });
      expect(usernames(await list('admin'))).not.toContain(body.username);
    });

    it.each([
      [Role.CommunityDirector, () => streetCode('xa')],
      [Role.StreetSupervisor, () => communityCode('xa', 0)],
      [Role.StreetSupervisor, () => DEMO_DISTRICT.code],
      [Role.DistrictStaff, () => streetCode('xa')],
      [Role.Admin, () => communityCode('xa', 0)],
    ])('rejects a %s placed at %s with 400 naming jurisdictionId', async (role, code) => {
      const res = await api.http
        .post('/api/users')
        .set(await as('admin'))
        .send(newUserBody({ role, jurisdictionId: id(code()) }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['jurisdictionId']);
    });

    // An out-of-scope jurisdiction answers like a missing one: 404 naming jurisdictionId (api.md).
    it('rejects a jurisdiction of another district, or none at all, with 404 naming jurisdictionId', async () => {
      for (const jurisdictionId of [other.community.id, other.street.id, other.district.id, randomUUID()]) {
        const role =
          jurisdictionId === other.street.id ? Role.StreetSupervisor : jurisdictionId === other.district.id ? Role.DistrictStaff : Role.CommunityDirector;
        const body = newUserBody({ role, jurisdictionId });
        const res = await api.http
          .post('/api/users')
          .set(await as('admin'))
          .send(body);
        expectError(res, 404, 'NOT_FOUND');
        expect(fieldsOf(res)).toEqual(['jurisdictionId']);
        expect(res.body.details[0].message).toBe('is not a jurisdiction you manage');
        expect(usernames(await list('admin'))).not.toContain(body.username);
      }
    });

    it('rejects a taken username with 409 USERNAME_TAKEN, whatever its case', async () => {
      for (const username of ['sup-xa', 'SUP-XA', ' dir-xa-01 ']) {
        const res = await api.http
          .post('/api/users')
          .set(await as('admin'))
          .send(newUserBody({ username }));
        expectError(res, 409, 'USERNAME_TAKEN');
        expect(fieldsOf(res)).toEqual(['username']);
      }
      // Usernames are unique across districts too.
      const res = await api.http
        .post('/api/users')
        .set(await as('admin'))
        .send(newUserBody({ username: other.users[Role.Admin].username }));
      expectError(res, 409, 'USERNAME_TAKEN');
    });

    it.each([
      [{ password: 'short-pw1' }, ['password']],
      [{ password: 'x'.repeat(129) }, ['password']],
      [{ password: undefined }, ['password']],
      [{ username: 'a' }, ['username']],
      [{ username: 'has space' }, ['username']],
      [{ username: '-leading-dash' }, ['username']],
      [{ displayName: '   ' }, ['displayName']],
      [{ role: 'superuser' }, ['role']],
      [{ jurisdictionId: 'xa' }, ['jurisdictionId']],
      [{ active: 'yes' }, ['active']],
    ])('rejects %j with 400 naming %j', async (overrides, fields) => {
      const res = await api.http
        .post('/api/users')
        .set(await as('admin'))
        .send(newUserBody(overrides));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(fields);
    });

    it('names every missing field', async () => {
      const res = await api.http
        .post('/api/users')
        .set(await as('admin'))
        .send({});
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['displayName', 'jurisdictionId', 'password', 'role', 'username']);
    });
  });

  describe('PATCH /api/users/:id', () => {
    it.each(['district1', 'sup-xa', 'dir-xa-01'])('refuses %s with 403 FORBIDDEN', async (caller) => {
      const target = await userIdOf(api, 'dir-xa-01');
      expectError(
        await api.http
          .patch(`/api/users/${target}`)
          .set(await as(caller))
          .send({ displayName: 'x' }),
        403,
        'FORBIDDEN',
      );
    });

    it('lets the admin rename a user at once, and move it or change its role once district staff approve', async () => {
      const user = await createUser(api);
      const admin = await as('admin');
      const renamed = await api.http.patch(`/api/users/${user.id}`).set(admin).send({ displayName: '王建国' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: user.id, displayName: '王建国', role: Role.CommunityDirector, pendingChange: null });

      const moved = await api.http
        .patch(`/api/users/${user.id}`)
        .set(admin)
        .send({ jurisdictionId: id(communityCode('sy', 1)) });
      expect(moved.status).toBe(200);
      expect(moved.body.jurisdiction.code).toBe(communityCode('xa', 0));
      expect(moved.body.pendingChange).toEqual({ role: null, jurisdiction: expect.objectContaining({ code: communityCode('sy', 1) }), password: false });
      expect((await decideUser(api, user.id, { by: 'district1' })).jurisdiction).toMatchObject({ code: communityCode('sy', 1) });

      const promoted = await api.http
        .patch(`/api/users/${user.id}`)
        .set(admin)
        .send({ role: Role.StreetSupervisor, jurisdictionId: id(streetCode('sy')) });
      expect(promoted.status).toBe(200);
      expect(promoted.body).toMatchObject({
        role: Role.CommunityDirector,
        pendingChange: { role: Role.StreetSupervisor, jurisdiction: { code: streetCode('sy'), level: 'street' } },
      });
      expect(usernames(await list('sup-sy', { role: Role.StreetSupervisor }))).not.toContain(user.username);
      expect(await decideUser(api, user.id, { by: 'district1' })).toMatchObject({
        role: Role.StreetSupervisor,
        jurisdiction: { code: streetCode('sy'), level: 'street' },
        pendingChange: null,
      });
      expect(usernames(await list('sup-sy', { role: Role.StreetSupervisor }))).toContain(user.username);

      const unchanged = await api.http.patch(`/api/users/${user.id}`).set(admin).send({});
      expect(unchanged.status).toBe(200);
      expect(unchanged.body).toMatchObject({ role: Role.StreetSupervisor, displayName: '王建国' });
    });

    it('rejects a role that does not fit the user’s jurisdiction with 400 naming jurisdictionId', async () => {
      const user = await createUser(api);
      const res = await api.http
        .patch(`/api/users/${user.id}`)
        .set(await as('admin'))
        .send({ role: Role.StreetSupervisor });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['jurisdictionId']);
    });

    it('refuses to move a user into another district (404 naming jurisdictionId) or to edit one there (404)', async () => {
      const user = await createUser(api);
      const admin = await as('admin');
      const move = await api.http.patch(`/api/users/${user.id}`).set(admin).send({ jurisdictionId: other.community.id });
      expectError(move, 404, 'NOT_FOUND');
      expect(fieldsOf(move)).toEqual(['jurisdictionId']);
      expect((await api.http.get(`/api/users/${user.id}`).set(admin)).body.jurisdiction.id).toBe(user.jurisdictionId);
      const edit = await api.http.patch(`/api/users/${other.users[Role.CommunityDirector].id}`).set(admin).send({ displayName: 'x' });
      expectError(edit, 404, 'NOT_FOUND');
      const stillThere = await ds.query(`SELECT display_name FROM "user" WHERE id = $1`, [other.users[Role.CommunityDirector].id]);
      expect(stillThere[0].display_name).toBe(other.users[Role.CommunityDirector].displayName);
    });

    it('rejects fields that cannot be changed', async () => {
      const user = await createUser(api);
      const res = await api.http
        .patch(`/api/users/${user.id}`)
        .set(await as('admin'))
        .send({ username: 'renamed', credentialsChangedAt: '2020-01-01T00:00:00Z' });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['credentialsChangedAt', 'username']);
    });

    it('names a too short password', async () => {
      const user = await createUser(api);
      const res = await api.http
        .patch(`/api/users/${user.id}`)
        .set(await as('admin'))
        .send({ password: 'short' });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['password']);
    });

    it('does not let the admin lock itself out (422 SELF_LOCKOUT)', async () => {
      const adminId = await userIdOf(api, 'admin');
      const admin = await as('admin');
      const cases: [Record<string, unknown>, string][] = [
        [{ active: false }, 'active'],
        [{ role: Role.DistrictStaff }, 'role'],
        [{ jurisdictionId: id(streetCode('xa')) }, 'jurisdictionId'],
      ];
      for (const [changes, field] of cases) {
        const res = await api.http.patch(`/api/users/${adminId}`).set(admin).send(changes);
        expectError(res, 422, 'SELF_LOCKOUT');
        expect(fieldsOf(res)).toEqual([field]);
      }
      const me = await api.http.get('/api/me').set(admin);
      expect(me.status).toBe(200);
      expect(me.body.role).toBe(Role.Admin);
      // Setting what is already true is not a lockout.
      const same = await api.http.patch(`/api/users/${adminId}`).set(admin).send({ active: true, role: Role.Admin });
      expect(same.status).toBe(200);
    });

    it('answers 404 for a user that does not exist', async () => {
      expectError(
        await api.http
          .patch(`/api/users/${randomUUID()}`)
          .set(await as('admin'))
          .send({ displayName: 'x' }),
        404,
        'NOT_FOUND',
      );
    });
  });

  it('the demo organisation matches its definition', async () => {
    // Guards the fixtures the tests above rely on.
    expect(codes.get(demoCode.district)?.name).toBe(DEMO_DISTRICT.name);
    expect(flattenTree([...codes.values()].filter((j) => j.level === 'district'))).toHaveLength(
      1 + DEMO_STREETS.length + DEMO_STREETS.reduce((n, s) => n + s.communities.length, 0),
    );
  });
});
