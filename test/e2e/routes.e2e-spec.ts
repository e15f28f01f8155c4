import { randomUUID } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { Role, ROLES } from '@shouhu/access';
import type { AccessDeclaration } from '@shouhu/auth';
import { ApiModule } from '../../apps/api/src/api.module';
import { AllExceptionsFilter } from '../../apps/api/src/http/all-exceptions.filter';
import { concrete, ControllerRoute, controllerRoutes, fastifyRoutes } from '../helpers/route-inventory';
import { bearer, DEMO_PASSWORD, expectError, startApi, TestApi, tokenFor } from '../helpers/test-app';

/** A demo user of each role. */
const USER_OF: Record<Role, string> = {
  [Role.Admin]: 'admin',
  [Role.DistrictStaff]: 'district1',
  [Role.DistrictLeader]: 'leader',
  [Role.HotlineIntake]: 'hotline',
  [Role.AgencyLiaison]: 'liaison-police',
  [Role.StreetSupervisor]: 'sup-xa',
  [Role.CommunityDirector]: 'dir-xa-01',
};

const describeAccess = (access: AccessDeclaration | undefined) =>
  access === undefined ? 'UNDECLARED' : access.public ? 'public' : access.roles === 'any' ? 'any role' : [...access.roles].sort().join(', ');

/** Swagger serves these straight from Fastify: public by design, outside Nest's guard. */
const isDocs = (path: string) => /^\/api\/docs(\/|-json$|-yaml$|$)/.test(path);
/** The browser console's one route (apps/api/src/http/console.ts): public files; it hands every /api and /metrics path back to the 404. */
const isConsole = (route: { method: string; path: string }) => route.method === 'GET' && ['/*', '*'].includes(route.path); // Fastify prints it under its root '/'

describe('routes', () => {
  let api: TestApi;
  let routes: ControllerRoute[];

  beforeAll(async () => {
    api = await startApi();
    routes = controllerRoutes(api.app);
  });
  afterAll(async () => {
    await api.close();
  });

  const call = (route: { method: string; path: string }, headers: Record<string, string> = {}) => {
    const url = concrete(route.path, randomUUID());
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    const req = api.http[method](url).set(headers);
    return ['post', 'patch', 'put'].includes(method) ? req.send({}) : req;
  };

  it('finds the foundation’s routes (so an empty list cannot pass the checks below)', () => {
    const found = routes.map((r) => `${r.method} ${r.path}`);
    expect(found).toEqual(expect.arrayContaining(['POST /api/auth/login', 'GET /api/me', 'GET /api/users', 'PATCH /api/users/:id', 'GET /api/health']));
  });

  it('every route declares who may call it (@Public, @AnyRole or @Roles)', () => {
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.path} (${r.handler})`);
    expect(undeclared).toEqual([]);
    for (const route of routes) {
      if (route.access && !route.access.public && route.access.roles !== 'any') {
        expect(route.access.roles.length).toBeGreaterThan(0);
        for (const role of route.access.roles) expect(ROLES).toContain(role);
      }
    }
  });

  it('the foundation routes keep their declared access (a change here is an access change: review it)', () => {
    const declared = Object.fromEntries(routes.map((r) => [`${r.method} ${r.path}`, describeAccess(r.access)]));
    // Supervisors, the district (staff and leadership) and admins read the users of their scope.
    const supervisorsUp = [Role.Admin, Role.DistrictLeader, Role.DistrictStaff, Role.StreetSupervisor].sort().join(', ');
    expect(declared).toMatchObject({
      'POST /api/auth/login': 'public',
      'GET /api/health': 'public',
      'GET /api/health/live': 'public',
      'GET /api/me': 'any role',
      'GET /api/jurisdictions': 'any role',
      'GET /api/users': supervisorsUp,
      'GET /api/users/:id': supervisorsUp,
      'POST /api/users': Role.Admin,
      'PATCH /api/users/:id': Role.Admin,
      'POST /api/users/:id/approval': Role.DistrictStaff,
      'POST /api/auth/logout': 'any role',
    });
  });

  it('Fastify serves exactly the controllers’ routes, plus the API docs and the console', () => {
    const served = fastifyRoutes(api.app);
    expect(served.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['GET /api/users/:id', 'PATCH /api/users/:id', 'GET /api/docs-json']));
    const fromControllers = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const outsideNest = served.filter((r) => !fromControllers.has(`${r.method} ${r.path}`) && !isDocs(r.path) && !isConsole(r));
    expect(outsideNest).toEqual([]);
    expect(served.filter(isConsole)).toHaveLength(1);
    for (const route of routes) expect(api.app.getHttpAdapter().getInstance().hasRoute({ method: route.method, url: route.path })).toBe(true);
  });

  it('every non-public route answers 401 without a token, and with a bad one', async () => {
    const closed = routes.filter((r) => !r.access?.public);
    expect(closed.length).toBeGreaterThan(0);
    for (const route of closed) {
      for (const headers of [{}, { Authorization: 'Bearer not.a.token' }] as Record<string, string>[]) {
        const res = await call(route, headers);
        try {
          expectError(res, 401, 'UNAUTHENTICATED');
        } catch (error) {
          throw new Error(`${route.method} ${route.path} (${route.handler}): ${(error as Error).message}`, { cause: error });
        }
      }
    }
  });

  it('public routes, the docs included, answer without a token', async () => {
    const open = [...routes.filter((r) => r.access?.public), { method: 'GET', path: '/api/docs-json' }, { method: 'GET', path: '/api/docs' }];
    for (const route of open) {
      const res = await call(route);
      expect({ route: `${route.method} ${route.path}`, status: res.status }).not.toEqual(expect.objectContaining({ status: 401 }));
      expect(res.status).toBeLessThan(500);
    }
  });

  it('a role outside a route’s @Roles list gets 403 FORBIDDEN; a role inside it is let through', async () => {
    const restricted = routes.filter((r) => r.access && !r.access.public && r.access.roles !== 'any');
    expect(restricted.length).toBeGreaterThan(0);
    for (const route of restricted) {
      const allowed = (route.access as { roles: Role[] }).roles;
      for (const role of ROLES) {
        const res = await call(route, bearer(await tokenFor(api, USER_OF[role])));
        const where = `${role} on ${route.method} ${route.path}: ${res.status} ${JSON.stringify(res.body)}`;
        if (allowed.includes(role)) {
          // Past the guard: the empty body or the random id decides (400/404), never a 5xx.
          expect({ where, refusedByGuard: res.status === 403 && res.body.message === `role ${role} may not do this` }).toEqual({
            where,
            refusedByGuard: false,
          });
          expect({ where, ok: res.status !== 401 && res.status < 500 }).toEqual({ where, ok: true });
        } else {
          expect({ where, status: res.status, code: res.body.code }).toEqual({ where, status: 403, code: 'FORBIDDEN' });
        }
      }
    }
  });

  it('any signed-in role passes an @AnyRole route', async () => {
    const anyRole = routes.filter((r) => r.access && !r.access.public && r.access.roles === 'any');
    expect(anyRole.length).toBeGreaterThan(0);
    for (const route of anyRole) {
      for (const role of ROLES) {
        // Logout revokes the token it is called with: not the cached one the other tests use.
        const token =
          route.path === '/api/auth/logout'
            ? (await api.http.post('/api/auth/login').send({ username: USER_OF[role], password: DEMO_PASSWORD })).body.accessToken
            : await tokenFor(api, USER_OF[role]);
        const res = await call(route, bearer(token));
        expect({ route: `${route.method} ${route.path}`, role, ok: ![401, 403].includes(res.status) && res.status < 500 }).toEqual({
          route: `${route.method} ${route.path}`,
          role,
          ok: true,
        });
      }
    }
  });

  describe('a route that declares nothing', () => {
    @Controller('undeclared')
    class UndeclaredController {
      @Get()
      open(): { ok: true } {
        return { ok: true };
      }
    }

    let app: NestFastifyApplication;
    beforeAll(async () => {
      @Module({ imports: [ApiModule.forRoot(api.config)], controllers: [UndeclaredController] })
      class WithUndeclaredRoute {}
      app = await NestFactory.create<NestFastifyApplication>(WithUndeclaredRoute, new FastifyAdapter(), { logger: false, abortOnError: false });
      app.setGlobalPrefix('api');
      app.useGlobalFilters(new AllExceptionsFilter());
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('is found by the check above', () => {
      const undeclared = controllerRoutes(app).filter((r) => r.access === undefined);
      expect(undeclared).toEqual([{ method: 'GET', path: '/api/undeclared', handler: 'UndeclaredController.open', access: undefined }]);
    });

    it('is closed by the guard, even to a signed-in admin', async () => {
      const token = await tokenFor(api, 'admin');
      const res = await request(app.getHttpServer()).get('/api/undeclared').set(bearer(token));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', message: 'this route is closed' });
      expect((await request(app.getHttpServer()).get('/api/undeclared')).status).toBe(403);
    });
  });
});
