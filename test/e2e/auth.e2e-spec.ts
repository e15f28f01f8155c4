import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Role } from '@shouhu/access';
import { communityCode, DEMO_STREETS, demoUsers } from '@shouhu/org';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../helpers/database';
import { CreatedUser, createUser, decideUser, demoCode, freshLogin, jurisdictionId, patchUser, unique } from '../helpers/factories';
import { OwnRedis } from '../helpers/redis-server';
import { bearer, DEMO_PASSWORD, expectError, startApi, TestApi } from '../helpers/test-app';

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const withoutRequestId = ({ requestId: _, ...rest }: Record<string, unknown>) => rest;

describe('auth', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  const login = (username: string, password: string) => api.http.post('/api/auth/login').send({ username, password });
  const me = (token: string) => api.http.get('/api/me').set(bearer(token));

  describe('POST /api/auth/login', () => {
    it('answers a token, its expiry and the user', async () => {
      const before = Date.now();
      const res = await login('sup-xa', DEMO_PASSWORD);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'expiresAt', 'user']);
      expect(res.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

      // An ISO-8601 instant, JWT_TTL_SECONDS from now (the token's exp, whole seconds).
      expect(res.body.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      const expiresAt = Date.parse(res.body.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + api.config.JWT_TTL_SECONDS * 1000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + api.config.JWT_TTL_SECONDS * 1000);
      const claims = decode(res.body.accessToken.split('.')[1]);
      expect(claims.exp).toBe(expiresAt / 1000);
      expect(decode(res.body.accessToken.split('.')[0])).toMatchObject({ alg: 'HS256' });

      const spec = demoUsers().find((u) => u.username === 'sup-xa');
      expect(res.body.user).toMatchObject({
        username: 'sup-xa',
        displayName: spec?.displayName,
        role: Role.StreetSupervisor,
        jurisdiction: { level: 'street', name: '新安街道', path: '宝安区 / 新安街道' },
      });
      expect(res.body.user.id).toBe(claims.sub);
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
    });

    it('gives the same 401 INVALID_CREDENTIALS for a wrong password and an unknown user', async () => {
      const [wrong, unknown] = await Promise.all([login('district1', 'not-the-password'), login(unique('nobody'), DEMO_PASSWORD)]);
      expectError(wrong, 401, 'INVALID_CREDENTIALS');
      expectError(unknown, 401, 'INVALID_CREDENTIALS');
      expect(withoutRequestId(unknown.body)).toEqual(withoutRequestId(wrong.body));
      expect(wrong.body.details).toEqual([]);
      expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
      expect(wrong.body.requestId).not.toBe(unknown.body.requestId);
    });

    it('gives that same answer for a deactivated account with the right password', async () => {
      const user = await createUser(api);
      await patchUser(api, user.id, { active: false });
      const res = await login(user.username, user.password);
      const wrong = await login('district1', 'not-the-password');
      expectError(res, 401, 'INVALID_CREDENTIALS');
      expect(withoutRequestId(res.body)).toEqual(withoutRequestId(wrong.body));
    });

    it('treats the username case-insensitively, ignoring surrounding spaces', async () => {
      const answers = await Promise.all(['SUP-XA', 'Sup-Xa', '  sup-xa '].map((name) => login(name, DEMO_PASSWORD)));
      for (const res of answers) {
        expect(res.status).toBe(200);
        expect(res.body.user.username).toBe('sup-xa');
      }
    });

    it('does not treat the password case-insensitively', async () => {
      expectError(await login('sup-xa', DEMO_PASSWORD.toUpperCase()), 401, 'INVALID_CREDENTIALS');
    });

    it.each([
      [{}, ['username', 'password']],
      [{ username: 'sup-xa' }, ['password']],
      [{ username: 42, password: DEMO_PASSWORD }, ['username']],
      [{ username: 'sup-xa', password: DEMO_PASSWORD, role: 'admin' }, ['role']],
      [{ username: 'x'.repeat(65), password: DEMO_PASSWORD }, ['username']],
    ])('rejects the malformed body %j with 400 naming %j', async (body, fields) => {
      const res = await api.http.post('/api/auth/login').send(body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect([...new Set(res.body.details.map((d: { field: string }) => d.field))].sort()).toEqual([...fields].sort());
    });
  });

  describe('GET /api/me', () => {
    it('answers who the caller is, for each role', async () => {
      const cases = [
        { username: 'admin', role: Role.Admin, level: 'district', name: '宝安区', path: '宝安区' },
        { username: 'district2', role: Role.DistrictStaff, level: 'district', name: '宝安区', path: '宝安区' },
        { username: 'sup-sy', role: Role.StreetSupervisor, level: 'street', name: '石岩街道', path: '宝安区 / 石岩街道' },
        { username: 'dir-sy-03', role: Role.CommunityDirector, level: 'community', name: '浪心社区', path: '宝安区 / 石岩街道 / 浪心社区' },
      ];
      const tokens = await Promise.all(cases.map((c) => freshLogin(api, c.username, DEMO_PASSWORD)));
      for (const [i, c] of cases.entries()) {
        const res = await me(tokens[i]);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          username: c.username,
          displayName: demoUsers().find((u) => u.username === c.username)?.displayName,
          role: c.role,
          roleLabel: expect.any(String),
          jurisdiction: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), level: c.level, name: c.name, path: c.path },
        });
      }
    });

    it('gives the jurisdiction id of the demo tree', async () => {
      const token = await freshLogin(api, 'dir-sy-03', DEMO_PASSWORD);
      const res = await me(token);
      expect(res.body.jurisdiction.id).toBe(await jurisdictionId(api, communityCode('sy', 2)));
      expect(DEMO_STREETS.find((s) => s.key === 'sy')?.communities[2]).toBe(res.body.jurisdiction.name);
    });
  });

  describe('bearer tokens', () => {
    let token: string;
    let userId: string;
    const jwt = new JwtService({});
    const now = () => Math.floor(Date.now() / 1000);

    beforeAll(async () => {
      token = await freshLogin(api, 'dir-xa-02', DEMO_PASSWORD);
      userId = decode(token.split('.')[1]).sub as string;
    });

    /** Signs claims with the test configuration's secret, as the API would. */
    const sign = (claims: Record<string, unknown>, algorithm: 'HS256' | 'HS512' = 'HS256', secret = api.config.JWT_SECRET) =>
      jwt.sign(claims, { secret, algorithm });

    it('opens the route with a valid token, whatever the case of "Bearer"', async () => {
      expect((await me(token)).status).toBe(200);
      expect((await api.http.get('/api/me').set('Authorization', `bearer ${token}`)).status).toBe(200);
    });

    it.each([
      ['no Authorization header', undefined],
      ['an empty header', ''],
      ['a bare token without "Bearer"', 'TOKEN'],
      ['another scheme', 'Basic YWRtaW46c2hvdWh1LWRlbW8='],
      ['garbage', 'Bearer not-a-token'],
      ['a token with spaces', 'Bearer a b c'],
      ['three dots of nothing', 'Bearer ..'],
    ])('refuses %s with 401 UNAUTHENTICATED', async (_, header) => {
      const req = api.http.get('/api/me');
      if (header !== undefined) void req.set('Authorization', header.replace('TOKEN', token));
      expectError(await req, 401, 'UNAUTHENTICATED');
    });

    it('refuses a token whose payload was changed', async () => {
      const [header, payload, signature] = token.split('.');
      // One character of the encoded payload changed.
      const i = Math.floor(payload.length / 2);
      const flipped = payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1);
      expectError(await me(`${header}.${flipped}.${signature}`), 401, 'UNAUTHENTICATED');
      // A well-formed payload claiming another user and role, with the original signature.
      const adminId = (await me(await freshLogin(api, 'admin', DEMO_PASSWORD))).body.id as string;
      const forged = b64url({ ...decode(payload), sub: adminId, role: Role.Admin });
      expectError(await me(`${header}.${forged}.${signature}`), 401, 'UNAUTHENTICATED');
      // A truncated signature.
      expectError(await me(`${header}.${payload}.${signature.slice(0, -2)}`), 401, 'UNAUTHENTICATED');
    });

    it('accepts a token it signed itself by hand (so the refusals below are about the one change each makes)', async () => {
      expect((await me(sign({ sub: userId, role: Role.CommunityDirector, iat: now(), exp: now() + 600, jti: randomUUID() }))).status).toBe(200);
    });

    it('refuses a token without a well-formed id (jti): it could never be signed out', async () => {
      expectError(await me(sign({ sub: userId, role: Role.CommunityDirector, iat: now(), exp: now() + 600 })), 401, 'UNAUTHENTICATED');
      expectError(await me(sign({ sub: userId, role: Role.CommunityDirector, iat: now(), exp: now() + 600, jti: 'not-a-uuid' })), 401, 'UNAUTHENTICATED');
      expect(decode(token.split('.')[1]).jti).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('refuses an expired token', async () => {
      const expired = sign({ sub: userId, role: Role.CommunityDirector, iat: now() - 7200, exp: now() - 3600, jti: randomUUID() });
      expectError(await me(expired), 401, 'UNAUTHENTICATED');
      const justExpired = sign({ sub: userId, role: Role.CommunityDirector, iat: now() - 60, exp: now() - 1, jti: randomUUID() });
      expectError(await me(justExpired), 401, 'UNAUTHENTICATED');
    });

    it('refuses an unsigned token (alg: none)', async () => {
      const claims = { sub: userId, role: Role.CommunityDirector, iat: now(), exp: now() + 600, jti: randomUUID() };
      expectError(await me(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`), 401, 'UNAUTHENTICATED');
      expectError(await me(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.${token.split('.')[2]}`), 401, 'UNAUTHENTICATED');
    });

    it('refuses another algorithm or another secret', async () => {
      const claims = { sub: userId, role: Role.CommunityDirector, iat: now(), exp: now() + 600, jti: randomUUID() };
      expectError(await me(sign(claims, 'HS512')), 401, 'UNAUTHENTICATED');
      expectError(await me(sign(claims, 'HS256', `${api.config.JWT_SECRET}x`)), 401, 'UNAUTHENTICATED');
    });

    it('refuses a well-signed token for a user that does not exist, or with a malformed subject', async () => {
      for (const sub of [randomUUID(), 'not-a-uuid', '']) {
        expectError(await me(sign({ sub, role: Role.Admin, iat: now(), exp: now() + 600, jti: randomUUID() })), 401, 'UNAUTHENTICATED');
      }
      expectError(await me(sign({ role: Role.Admin, iat: now(), exp: now() + 600, jti: randomUUID() })), 401, 'UNAUTHENTICATED');
    });
  });

  describe('sessions end when the account changes', () => {
    // One throwaway user per test, hashed in parallel (argon2 is the slow part here).
    let users: CreatedUser[];
    beforeAll(async () => {
      users = await Promise.all([0, 1, 2, 3].map(() => createUser(api)));
    });
    it('a token issued before deactivation is refused, and stays refused after reactivation', async () => {
      const user = users[0];
      const token = await freshLogin(api, user.username, user.password);
      expect((await me(token)).status).toBe(200);

      await patchUser(api, user.id, { active: false });
      expectError(await me(token), 401, 'UNAUTHENTICATED');

      await patchUser(api, user.id, { active: true });
      expectError(await me(token), 401, 'UNAUTHENTICATED');
      const again = await freshLogin(api, user.username, user.password);
      expect((await me(again)).status).toBe(200);
    });

    it('an admin’s new password waits for district approval (the admin cannot sign in with it); once approved, older tokens are refused', async () => {
      const user = users[1];
      const token = await freshLogin(api, user.username, user.password);
      expect((await me(token)).status).toBe(200);

      const newPassword = `new-${randomUUID()}`;
      const pending = await patchUser(api, user.id, { password: newPassword });
      expect(pending.pendingChange).toEqual({ role: null, jurisdiction: null, password: true });
      // Until approval the account works as it did, and the admin's password opens nothing.
      expect((await me(token)).status).toBe(200);
      expectError(await login(user.username, newPassword), 401, 'INVALID_CREDENTIALS');
      expect((await login(user.username, user.password)).status).toBe(200);

      await decideUser(api, user.id, { by: 'district1' });
      expectError(await me(token), 401, 'UNAUTHENTICATED');
      expectError(await login(user.username, user.password), 401, 'INVALID_CREDENTIALS');
      const fresh = await freshLogin(api, user.username, newPassword);
      expect((await me(fresh)).status).toBe(200);
    });

    it('a move to another jurisdiction waits for approval; a token issued before it takes effect is refused', async () => {
      const user = users[2];
      const token = await freshLogin(api, user.username, user.password);
      await patchUser(api, user.id, { jurisdictionId: await jurisdictionId(api, demoCode.community('xa', 1)) });
      const before = await me(token);
      expect(before.status).toBe(200);
      expect(before.body.jurisdiction.id).toBe(user.jurisdictionId);

      await decideUser(api, user.id, { by: 'district1' });
      expectError(await me(token), 401, 'UNAUTHENTICATED');
      const res = await me(await freshLogin(api, user.username, user.password));
      expect(res.body.jurisdiction.path).toBe('宝安区 / 新安街道 / 灵芝园社区');
    });

    it('a change of display name alone keeps the session, even when the form resends role, jurisdiction and active', async () => {
      const user = users[3];
      const token = await freshLogin(api, user.username, user.password);
      await patchUser(api, user.id, { displayName: '改名 测试', role: user.role, jurisdictionId: user.jurisdictionId, active: true });
      const res = await me(token);
      expect(res.status).toBe(200);
      expect(res.body.displayName).toBe('改名 测试');
    });
  });

  describe('throttling', () => {
    /** A queue prefix of its own, so the app's throttle counters start at zero. */
    const ownPrefix = () => `${api.config.QUEUE_PREFIX}-${randomUUID().slice(0, 8)}`.slice(-40);

    describe('per username', () => {
      let throttled: TestApi;
      let users: CreatedUser[];
      beforeAll(async () => {
        [throttled, ...users] = await Promise.all([
          startApi({ LOGIN_MAX_FAILURES_PER_USERNAME: '2', QUEUE_PREFIX: ownPrefix() }),
          createUser(api),
          createUser(api),
        ]);
      });
      afterAll(async () => {
        await throttled?.close();
      });
      const attempt = (username: string, password: string) => throttled.http.post('/api/auth/login').send({ username, password });

      it('refuses a username after LOGIN_MAX_FAILURES_PER_USERNAME failures, even with the right password', async () => {
        const [user] = users;
        for (let i = 0; i < 2; i++) expectError(await attempt(user.username, 'wrong-password'), 401, 'INVALID_CREDENTIALS');

        const blocked = await attempt(user.username, user.password);
        expectError(blocked, 429, 'TOO_MANY_ATTEMPTS');
        const retryAfter = Number(blocked.headers['retry-after']);
        expect(Number.isInteger(retryAfter)).toBe(true);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(throttled.config.LOGIN_THROTTLE_WINDOW_SECONDS);
        // The count is per username, whatever its case.
        expectError(await attempt(user.username.toUpperCase(), user.password), 429, 'TOO_MANY_ATTEMPTS');
        // Other usernames from the same client are not affected.
        expect((await attempt('dir-xa-03', DEMO_PASSWORD)).status).toBe(200);
      });

      it('forgets earlier failures after a successful login', async () => {
        const [, user] = users;
        // Without the reset, the second success would be the third attempt after two failures.
        expectError(await attempt(user.username, 'wrong-password'), 401, 'INVALID_CREDENTIALS');
        expect((await attempt(user.username, user.password)).status).toBe(200);
        expectError(await attempt(user.username, 'wrong-password'), 401, 'INVALID_CREDENTIALS');
        expect((await attempt(user.username, user.password)).status).toBe(200);
      });
    });

    it('counts only failures per client IP: forty successful logins from one address lock nobody out', async () => {
      const throttled = await startApi({ LOGIN_MAX_ATTEMPTS_PER_IP: '4', QUEUE_PREFIX: ownPrefix() });
      try {
        const attempt = (username: string, password: string) => throttled.http.post('/api/auth/login').send({ username, password });
        // A street office behind one NAT address: forty sign-ins, ten times the limit.
        const people = ['dir-fy-01', 'dir-fy-02', 'dir-fy-03', 'sup-fy'];
        for (let i = 0; i < 40; i++) expect((await attempt(people[i % people.length], DEMO_PASSWORD)).status).toBe(200);
        // One of them mistypes: the others still get in.
        expectError(await attempt('dir-fy-01', 'wrong-password'), 401, 'INVALID_CREDENTIALS');
        for (const name of people) expect((await attempt(name, DEMO_PASSWORD)).status).toBe(200);
      } finally {
        await throttled.close();
      }
    });

    it('refuses a client IP after LOGIN_MAX_ATTEMPTS_PER_IP failures across usernames, whatever X-Forwarded-For says', async () => {
      const throttled = await startApi({ LOGIN_MAX_ATTEMPTS_PER_IP: '4', QUEUE_PREFIX: ownPrefix() });
      try {
        const attempt = (username: string, password: string) =>
          throttled.http
            .post('/api/auth/login')
            .set('X-Forwarded-For', `10.0.0.${Math.floor(Math.random() * 250)}`)
            .send({ username, password });
        expect((await attempt('dir-fy-01', DEMO_PASSWORD)).status).toBe(200);
        expectError(await attempt(unique('nobody'), 'x'), 401, 'INVALID_CREDENTIALS');
        expect((await attempt('dir-fy-02', DEMO_PASSWORD)).status).toBe(200);
        expectError(await attempt('dir-fy-03', 'wrong-password'), 401, 'INVALID_CREDENTIALS');
        expectError(await attempt(unique('nobody'), 'y'), 401, 'INVALID_CREDENTIALS');
        expectError(await attempt('dir-fh-02', 'wrong-password'), 401, 'INVALID_CREDENTIALS');

        // Four failures: the address is refused, even with the right password.
        const blocked = await attempt('dir-fh-01', DEMO_PASSWORD);
        expectError(blocked, 429, 'TOO_MANY_ATTEMPTS');
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
        expectError(await attempt(unique('nobody'), 'x'), 429, 'TOO_MANY_ATTEMPTS');
      } finally {
        await throttled.close();
      }
      // The main app (its own counters and limits) still lets this client in.
      expect((await login('dir-fh-01', DEMO_PASSWORD)).status).toBe(200);
    });
  });

  describe('POST /api/auth/logout', () => {
    let ds: DataSource;
    beforeAll(async () => {
      ds = await openDataSource(api.config);
    });
    afterAll(async () => {
      await ds?.destroy();
    });

    it('answers 204; that token is refused from then on, on every route, while the user’s other tokens still work', async () => {
      const token = await freshLogin(api, 'dir-sg-01', DEMO_PASSWORD);
      const other = await freshLogin(api, 'dir-sg-01', DEMO_PASSWORD);
      expect((await me(token)).status).toBe(200);

      const out = await api.http.post('/api/auth/logout').set(bearer(token));
      expect(out.status).toBe(204);
      expect(out.text).toBe('');
      expectError(await me(token), 401, 'UNAUTHENTICATED');
      expectError(await api.http.get('/api/jurisdictions').set(bearer(token)), 401, 'UNAUTHENTICATED');
      expectError(await api.http.get('/api/cases').set(bearer(token)), 401, 'UNAUTHENTICATED');
      expectError(await api.http.post('/api/auth/logout').set(bearer(token)), 401, 'UNAUTHENTICATED');
      expect((await me(other)).status).toBe(200);
    });

    it('is kept in PostgreSQL until the token expires: another api instance (a replica, or this one restarted) refuses it too', async () => {
      const token = await freshLogin(api, 'dir-sg-02', DEMO_PASSWORD);
      const claims = decode(token.split('.')[1]);
      const replica = await startApi();
      try {
        expect((await replica.http.get('/api/me').set(bearer(token))).status).toBe(200);
        expect((await api.http.post('/api/auth/logout').set(bearer(token))).status).toBe(204);
        expectError(await replica.http.get('/api/me').set(bearer(token)), 401, 'UNAUTHENTICATED');
      } finally {
        await replica.close();
      }
      const [row] = await ds.query(`SELECT user_id, expires_at FROM revoked_token WHERE jti = $1`, [claims.jti]);
      expect(row.user_id).toBe(claims.sub);
      expect(new Date(row.expires_at).getTime()).toBe((claims.exp as number) * 1000);
    });

    it('prunes revocations of tokens that have expired anyway', async () => {
      const stale = randomUUID();
      const someone = decode((await freshLogin(api, 'dir-sg-03', DEMO_PASSWORD)).split('.')[1]).sub;
      await ds.query(`INSERT INTO revoked_token (jti, user_id, expires_at) VALUES ($1, $2, now() - interval '1 minute')`, [stale, someone]);
      const token = await freshLogin(api, 'dir-sg-03', DEMO_PASSWORD);
      expect((await api.http.post('/api/auth/logout').set(bearer(token))).status).toBe(204);
      expect(await ds.query(`SELECT jti FROM revoked_token WHERE jti = $1`, [stale])).toEqual([]);
      expect(await ds.query(`SELECT jti FROM revoked_token WHERE expires_at < now()`)).toEqual([]);
    });

    it('needs a token (401)', async () => {
      expectError(await api.http.post('/api/auth/logout'), 401, 'UNAUTHENTICATED');
      expectError(await api.http.post('/api/auth/logout').set('Authorization', 'Bearer not.a.token'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('with Redis down', () => {
    let redis: OwnRedis;
    let own: TestApi;
    let users: CreatedUser[];
    const attempt = (username: string, password: string) => own.http.post('/api/auth/login').send({ username, password });

    beforeAll(async () => {
      redis = await OwnRedis.start();
      [own, ...users] = await Promise.all([
        startApi({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '', LOGIN_MAX_FAILURES_PER_USERNAME: '2', LOGIN_MAX_ATTEMPTS_PER_IP: '3' }),
        createUser(api),
        createUser(api),
      ]);
      await redis.down();
    });
    afterAll(async () => {
      await redis?.up();
      await own?.close();
      await redis?.down();
    });

    it('still signs in (no 503), promptly', async () => {
      expect(redis.running).toBe(false);
      const started = Date.now();
      const res = await attempt('district2', DEMO_PASSWORD);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await own.http.get('/api/me').set(bearer(res.body.accessToken))).status).toBe(200);
      // Successes do not count against the address here either.
      for (let i = 0; i < 5; i++) expect((await attempt(users[1].username, users[1].password)).status).toBe(200);
    });

    it('keeps throttling in process: the same limits per username and per address (429)', async () => {
      const [user] = users;
      for (let i = 0; i < 2; i++) expectError(await attempt(user.username, 'wrong-password'), 401, 'INVALID_CREDENTIALS');
      const locked = await attempt(user.username, user.password);
      expectError(locked, 429, 'TOO_MANY_ATTEMPTS');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);

      // Two failures so far from this address; the third is the last one allowed.
      expectError(await attempt(unique('nobody'), 'x'), 401, 'INVALID_CREDENTIALS');
      const blocked = await attempt('district2', DEMO_PASSWORD);
      expectError(blocked, 429, 'TOO_MANY_ATTEMPTS');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
});
