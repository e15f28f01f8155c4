import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { bearer, expectError, startApi, TestApi, tokenFor } from '../helpers/test-app';

const ERROR_KEYS = ['code', 'details', 'message', 'requestId', 'statusCode'];

/** Nothing internal in an error body: no stack frames, no SQL, no driver or framework names. */
function expectNothingLeaked(res: request.Response): void {
  const text = res.text;
  for (const leak of [
    /stack/i,
    /\bat [\w$.<>]+ \(/,
    /\bat .*:\d+:\d+/,
    /node_modules/,
    /\/work\//,
    /\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b/i,
    /QueryFailed|TypeORM|syntax error|pg_|relation "/i,
  ]) {
    expect({ status: res.status, body: text, leaked: leak.test(text) }).toEqual({ status: res.status, body: text, leaked: false });
  }
}

describe('HTTP conventions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  describe('request ids', () => {
    it('puts an x-request-id on every response, success or error', async () => {
      const responses = [
        await api.http.get('/api/health'),
        await api.http.get('/api/me'),
        await api.http.get('/api/nowhere'),
        await api.http.get('/api/docs-json'),
        await api.http.post('/api/auth/login').send({}),
      ];
      const ids = responses.map((r) => r.headers['x-request-id']);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('echoes a sane incoming X-Request-Id, in the header and in error bodies', async () => {
      const id = `trace-${randomUUID()}`;
      const ok = await api.http.get('/api/health').set('X-Request-Id', id);
      expect(ok.headers['x-request-id']).toBe(id);
      const error = await api.http.get('/api/me').set('X-Request-Id', id);
      expectError(error, 401, 'UNAUTHENTICATED');
      expect(error.body.requestId).toBe(id);
    });

    it.each([
      ['too short', 'abc'],
      ['too long', 'x'.repeat(65)],
      ['with spaces', 'trace id with spaces'],
      ['with markup', '<script>alert(1)</script>'],
      ['with a header break attempt', 'abcdefgh%0d%0aSet-Cookie:x=1'],
    ])('replaces an incoming id that is %s', async (_, given) => {
      const res = await api.http.get('/api/me').set('X-Request-Id', given);
      expect(res.headers['x-request-id']).not.toBe(given);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('error bodies', () => {
    it('answers an unknown route with 404 NOT_FOUND in the api.md shape', async () => {
      // (GET / is the console's page: test/e2e/console.e2e-spec.ts.)
      for (const res of [
        await api.http.get('/api/nowhere'),
        await api.http.delete('/api/me'),
        await api.http.post('/').send({}),
        await api.http.post('/api/users/x/y').send({}),
      ]) {
        expectError(res, 404, 'NOT_FOUND');
        expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
        expect(res.body.statusCode).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
      }
    });

    it('answers malformed JSON with 400', async () => {
      const res = await api.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"username": "admin", "password": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'MALFORMED_REQUEST' });
      expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
      expectNothingLeaked(res);
    });

    it('answers a body larger than BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
      const size = api.config.BODY_LIMIT_BYTES + 1024;
      const res = await api.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'admin', password: 'x'.repeat(size) }));
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      // Just under the limit is read (and then refused by validation, not by size).
      const under = await api.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'admin', password: 'x'.repeat(api.config.BODY_LIMIT_BYTES - 100) }));
      expectError(under, 400, 'VALIDATION_FAILED');
    });

    it('answers a body in a format it does not read with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      for (const type of ['application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream']) {
        const res = await api.http.post('/api/auth/login').set('Content-Type', type).send('username=admin&password=shouhu-demo');
        expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
      // Plain text is read as a string, which is not a login body.
      expectError(await api.http.post('/api/auth/login').set('Content-Type', 'text/plain').send('username=admin'), 400, 'VALIDATION_FAILED');
    });

    it('refuses NUL characters with 400 naming the field (PostgreSQL text cannot hold them)', async () => {
      const login = await api.http.post('/api/auth/login').send({ username: 'adm\u0000in', password: 'shouhu-demo' });
      expectError(login, 400, 'VALIDATION_FAILED');
      expect(login.body.details).toEqual([{ field: 'username', message: 'must not contain NUL characters' }]);
      const admin = bearer(await tokenFor(api, 'admin'));
      const me = (await api.http.get('/api/me').set(admin)).body;
      const patch = await api.http.patch(`/api/users/${me.id}`).set(admin).send({ displayName: 'a\u0000b' });
      expectError(patch, 400, 'VALIDATION_FAILED');
      expect(patch.body.details).toEqual([{ field: 'displayName', message: 'must not contain NUL characters' }]);
    });

    it('never answers 500 to bad input, and never leaks internals', async () => {
      const admin = bearer(await tokenFor(api, 'admin'));
      const attempts: [string, () => request.Test][] = [
        ['JSON null body', () => api.http.post('/api/auth/login').set('Content-Type', 'application/json').send('null')],
        ['JSON array body', () => api.http.post('/api/users').set(admin).set('Content-Type', 'application/json').send('[1,2]')],
        ['JSON string body', () => api.http.post('/api/users').set(admin).set('Content-Type', 'application/json').send('"text"')],
        ['nested object for a string', () => api.http.post('/api/auth/login').send({ username: { $gt: '' }, password: ['x'] })],
        [
          'prototype pollution',
          () =>
            api.http
              .post('/api/users')
              .set(admin)
              .set('Content-Type', 'application/json')
              .send('{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"x": 1}}}'),
        ],
        ['SQL in a query filter', () => api.http.get("/api/users?jurisdictionId=' OR 1=1 --").set(admin)],
        ['repeated query parameter', () => api.http.get('/api/users?role=admin&role=district_staff').set(admin)],
        ['SQL in a path id', () => api.http.get(`/api/users/${encodeURIComponent("1' OR '1'='1")}`).set(admin)],
        ['NUL in a path id', () => api.http.get('/api/users/%00').set(admin)],
        ['UUID-shaped but not hex', () => api.http.get('/api/users/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz').set(admin)],
        ['unknown role in PATCH', () => api.http.patch(`/api/users/${randomUUID()}`).set(admin).send({ role: 'root' })],
        ['NUL bytes in a username', () => api.http.post('/api/auth/login').send({ username: 'adm\u0000in', password: 'shouhu-demo' })],
        [
          'huge number',
          () => api.http.post('/api/users').set(admin).send({ username: 1e308, displayName: -0, role: NaN, jurisdictionId: true, password: null }),
        ],
        ['bad percent-encoding', () => api.http.get('/api/users/%E0%A4%A').set(admin)],
      ];
      for (const [what, attempt] of attempts) {
        const res = await attempt();
        expect({ what, status: res.status }).toEqual({ what, status: expect.any(Number) });
        expect({ what, clientError: res.status >= 400 && res.status < 500, body: res.body }).toEqual({
          what,
          clientError: true,
          body: expect.objectContaining({ code: expect.any(String) }),
        });
        expect(res.body.requestId).toBe(res.headers['x-request-id']);
        expectNothingLeaked(res);
      }
    });

    it('keeps error bodies free of internals for every kind of error', async () => {
      const responses = [
        await api.http.get('/api/nowhere'),
        await api.http.get('/api/me').set('Authorization', 'Bearer x.y.z'),
        await api.http.get('/api/users').set(bearer(await tokenFor(api, 'dir-xa-01'))),
        await api.http.get(`/api/users/${randomUUID()}`).set(bearer(await tokenFor(api, 'admin'))),
        await api.http
          .post('/api/users')
          .set(bearer(await tokenFor(api, 'admin')))
          .send({ nope: 1 }),
        await api.http.post('/api/auth/login').send({ username: 'admin', password: 'wrong-password' }),
      ];
      expect(responses.map((r) => r.status)).toEqual([404, 401, 403, 404, 400, 401]);
      for (const res of responses) {
        expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
        expectNothingLeaked(res);
      }
    });
  });

  describe('headers', () => {
    it('sets security headers on API responses and errors', async () => {
      for (const res of [await api.http.get('/api/health'), await api.http.get('/api/me')]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        const csp = res.headers['content-security-policy'];
        expect(csp).toContain("default-src 'self'");
        const framing = res.headers['x-frame-options'] ?? '';
        expect(/frame-ancestors 'none'/.test(csp) || /^(DENY|SAMEORIGIN)$/i.test(framing)).toBe(true);
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('answers JSON with a JSON content type', async () => {
      expect((await api.http.get('/api/health')).headers['content-type']).toMatch(/^application\/json/);
    });
  });

  describe('OpenAPI document', () => {
    it('is public and lists the foundation’s paths', async () => {
      const res = await api.http.get('/api/docs-json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      const paths = Object.keys(res.body.paths);
      expect(paths).toEqual(expect.arrayContaining(['/api/auth/login', '/api/me', '/api/jurisdictions', '/api/users', '/api/users/{id}', '/api/health']));
      expect(Object.keys(res.body.paths['/api/users'])).toEqual(expect.arrayContaining(['get', 'post']));
      expect(Object.keys(res.body.paths['/api/users/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
    });

    it('marks routes that need a token, and not the public ones', async () => {
      const { paths } = (await api.http.get('/api/docs-json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
      expect(paths['/api/me'].get.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
      expect(paths['/api/users'].post.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
      for (const open of [paths['/api/auth/login'].post, paths['/api/health'].get]) {
        expect(JSON.stringify(open.security ?? [])).not.toContain('bearer');
      }
    });

    it('serves the docs UI', async () => {
      const res = await api.http.get('/api/docs/');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/swagger/i);
    });
  });
});
