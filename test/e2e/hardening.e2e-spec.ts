/**
 * What broke when the API was attacked as an outsider would and its servers were
 * stopped one at a time: intake as an identity oracle, duplicate intake across
 * scopes, identity in the logs, approvals that confirm existence, cacheable
 * identity, a closure that could never be approved, the pool deadlock, Redis and
 * PostgreSQL outages.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  caseBody,
  CaseClient,
  closureBody,
  dataSourceOf,
  demoIds,
  DemoIds,
  expectStatus,
  nationalId,
  randomBirthDate,
  uniqueChildName,
} from '../helpers/cases';
import { spawnApi, TcpRelay } from '../helpers/processes';
import { OwnRedis } from '../helpers/redis-server';
import { bearer, expectError, startApi, TestApi, tokenFor } from '../helpers/test-app';

describe('hardening (e2e)', () => {
  let api: TestApi;
  let cc: CaseClient;
  let ids: DemoIds;
  let db: DataSource;
  let xa1: string;

  beforeAll(async () => {
    api = await startApi();
    cc = new CaseClient(api);
    ids = await demoIds(api);
    db = dataSourceOf(api);
    xa1 = ids.community('xa', 0);
  });
  afterEach(() => {
    expect(cc.serverErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A child filed by dir-xa-01 with real-looking identity: what an attacker wants to read. */
  async function victim() {
    const birthDate = randomBirthDate();
    const child = {
      name: uniqueChildName(),
      sex: 'female',
      birthDate,
      idNumber: nationalId(birthDate),
      address: `真实地址${randomBytes(3).toString('hex')}号`,
      school: `真实学校${randomBytes(3).toString('hex')}`,
    };
    const c = await cc.file('dir-xa-01', xa1, { child });
    return { c, child };
  }

  const identityReadsBy = async (caseId: string, username: string): Promise<number> => {
    const [row] = await db.query(`SELECT count(*)::int AS n FROM access_log a JOIN "user" u ON u.id = a.actor_id WHERE a.case_id = $1 AND u.username = $2`, [
      caseId,
      username,
    ]);
    return row.n as number;
  };

  function expectNoneOf(body: unknown, secrets: string[]): void {
    const text = JSON.stringify(body);
    for (const s of secrets) expect(text).not.toContain(s);
  }

  describe('1. intake is no identity lookup', () => {
    it('a director of another street filing a draft or a report with a stored ID number gets back only what they sent', async () => {
      const { c, child } = await victim();
      for (const submit of [false, true]) {
        const res = await cc.post(
          'dir-xx-01',
          '/api/cases',
          caseBody(ids.community('xx', 0), {
            submit,
            child: { name: '占位名', sex: 'male', birthDate: child.birthDate, idNumber: child.idNumber, address: '占位地址', school: '占位学校' },
          }),
        );
        expectStatus(res, 201);
        expect(res.body.child).toEqual({
          name: '占位名',
          sex: 'male',
          birthDate: child.birthDate,
          idNumber: child.idNumber,
          address: '占位地址',
          school: '占位学校',
        });
        expect(res.body.id).not.toBe(c.id);
        expectNoneOf(res.body, [child.name, child.address, child.school, c.id, c.caseNo]);
      }
      expect(await identityReadsBy(c.id, 'dir-xx-01')).toBe(0);
      // The victim's case kept its own record.
      const own = await cc.detail('sup-xa', c.id);
      expect(own.child).toMatchObject({ name: child.name, address: child.address, school: child.school, idNumber: child.idNumber });
    });

    it('inside a street, name and birth date with placeholder address and school reveal nothing of the other community’s child', async () => {
      const birthDate = randomBirthDate();
      const child = {
        name: uniqueChildName(),
        sex: 'male',
        birthDate,
        address: `真实地址${randomBytes(3).toString('hex')}`,
        school: `真实学校${randomBytes(3).toString('hex')}`,
      };
      const c = await cc.file('dir-xa-01', xa1, { child });
      for (const submit of [false, true]) {
        const res = await cc.post(
          'dir-xa-02',
          '/api/cases',
          caseBody(ids.community('xa', 1), { submit, child: { name: child.name, sex: 'male', birthDate, address: '?', school: '?' } }),
        );
        expectStatus(res, 201);
        expect(res.body.child).toMatchObject({ name: child.name, address: '?', school: '?' });
        expectNoneOf(res.body, [child.address, child.school, c.id, c.caseNo]);
      }
      expect(await identityReadsBy(c.id, 'dir-xa-02')).toBe(0);
    });

    it('a report that joins a case the caller may see is an identity read, and is logged as one', async () => {
      const { c, child } = await victim();
      const before = await identityReadsBy(c.id, 'dir-xa-01');
      const res = await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { child }));
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ id: c.id, linkedToExisting: true, child: { address: child.address } });
      expect(await identityReadsBy(c.id, 'dir-xa-01')).toBe(before + 1);
    });
  });

  describe('2. duplicate intake across scopes', () => {
    it('an open case of another street: a new case here, linked, the other side told; nothing about it in the answer', async () => {
      const { c, child } = await victim();
      const res = await cc.post('dir-hc-01', '/api/cases', caseBody(ids.community('hc', 0), { child: { ...child, address: '航城', school: '航城小学' } }));
      expectStatus(res, 201);
      expect(res.body).toMatchObject({ linkedToExisting: false, reopened: false, status: 'submitted', streetId: ids.street('hc'), relatedCaseIds: [] });
      expectNoneOf(res.body, [c.id, c.caseNo, child.address, child.school]);
      // The other case: same state, same reports, a timeline entry that names no case.
      const other = await cc.detail('district1', c.id);
      expect(other).toMatchObject({ status: c.status, relatedCaseIds: [res.body.id] });
      expect(other.reports).toHaveLength(1);
      const events = (await cc.timeline('sup-xa', c.id)).events;
      expect(events.map((e) => e.type)).toEqual(['case.reported', 'case.related_report']);
      expectNoneOf(events[1].data, [res.body.id, res.body.caseNo]);
      // Its street supervisor and district staff are told (every one of them: other test files add district staff); the filer's street is not.
      const told: { username: string; role: string; jurisdiction_id: string }[] = await db.query(
        `SELECT u.username, u.role, u.jurisdiction_id FROM notification n JOIN "user" u ON u.id = n.user_id WHERE n.case_id = $1 AND n.kind = 'case.related_report' ORDER BY 1`,
        [c.id],
      );
      expect(told.map((t) => t.username)).toEqual(expect.arrayContaining(['district1', 'district2', 'sup-xa']));
      for (const t of told) expect([`district_staff ${ids.districtId}`, `street_supervisor ${ids.street('xa')}`]).toContain(`${t.role} ${t.jurisdiction_id}`);
      expectNoneOf((await cc.get('sup-xa', '/api/notifications')).body, [child.name, child.idNumber]);
    });

    it('a case of another street closed within 90 days is not reopened by an outsider', async () => {
      const { c, child } = await victim();
      const supId = await cc.userId('sup-xa');
      let s = await cc.detail('sup-xa', c.id);
      s = await cc.act('sup-xa', s, 'accept', { riskLevel: 'R3', assigneeId: supId });
      s = await cc.act('sup-xa', await cc.evidence('sup-xa', s), 'close_unsubstantiated', { reason: '核实不实' });
      expect(s.status).toBe('closed');
      const res = await cc.post('dir-hc-01', '/api/cases', caseBody(ids.community('hc', 0), { child }));
      expectStatus(res, 201);
      expect(res.body).toMatchObject({ linkedToExisting: false, reopened: false, status: 'submitted' });
      const after = await cc.detail('district1', c.id);
      expect(after).toMatchObject({
        status: 'closed',
        version: s.version,
        relatedCaseIds: [res.body.id],
        closure: { kind: 'unsubstantiated', reason: '核实不实' },
      });
      // District staff cover both: their report joins the child's open case (the new one), and the closed one stays closed.
      const joined = await cc.post('district1', '/api/cases', caseBody(xa1, { child }));
      expectStatus(joined, 200);
      expect(joined.body).toMatchObject({ id: res.body.id, linkedToExisting: true, reopened: false, relatedCaseIds: [c.id] });
      expect((await cc.detail('district1', c.id)).status).toBe('closed');
    });
  });

  describe('3. no identity in the logs', () => {
    it('a database error during a filing logs its SQLSTATE and constraint, never the values', async () => {
      const marker = `LOGPROBE${randomBytes(4).toString('hex')}`;
      await db.query(`ALTER TABLE report ADD CONSTRAINT hardening_log_probe CHECK (narrative IS NULL OR narrative NOT LIKE '%LOGPROBE%')`);
      const proc = await spawnApi({ LOG_LEVEL: 'trace', NODE_ENV: 'production' });
      try {
        const token = (await request(proc.url).post('/api/auth/login').send({ username: 'dir-xa-01', password: 'shouhu-demo' })).body.accessToken as string;
        const birthDate = randomBirthDate();
        const secrets = {
          name: uniqueChildName(),
          idNumber: nationalId(birthDate),
          address: `日志探针地址${marker}`,
          school: `日志探针学校${marker}`,
          reporterName: `探针报告人${marker}`,
          reporterPhone: `139${String(Date.now()).slice(-8)}`,
          narrative: `探针叙述 ${marker} 儿童独自在家`,
        };
        const body = caseBody(xa1, {
          child: { name: secrets.name, birthDate, idNumber: secrets.idNumber, address: secrets.address, school: secrets.school },
          report: { reporterName: secrets.reporterName, reporterPhone: secrets.reporterPhone, narrative: secrets.narrative },
        });
        const res = await request(proc.url).post('/api/cases').set(bearer(token)).send(body);
        expect(res.status).toBe(500);
        expect(res.body.code).toBe('INTERNAL_ERROR');
        expectNoneOf(res.body, Object.values(secrets));
        await new Promise((r) => setTimeout(r, 300));
        const log = proc.output();
        // The failure is there, with what identifies it…
        const line = log.split('\n').find((l) => l.includes(res.body.requestId) && l.includes('unhandled error'));
        expect(line).toBeDefined();
        expect(line).toContain('23514');
        expect(line).toContain('hardening_log_probe');
        // …and nothing of the child, the reporter or the narrative, on any line at any level.
        for (const secret of [...Object.values(secrets), marker]) expect(log).not.toContain(secret);
      } finally {
        await proc.stop();
        await db.query('ALTER TABLE report DROP CONSTRAINT IF EXISTS hardening_log_probe');
      }
    });
  });

  describe('5. approvals answer alike for unknown and out of scope', () => {
    it('one 404 for an approval of a case outside the caller’s scope and for no approval at all', async () => {
      const { c } = await victim();
      const supId = await cc.userId('sup-xa');
      let s = await cc.detail('sup-xa', c.id);
      s = await cc.act('sup-xa', s, 'accept', { riskLevel: 'R1', assigneeId: supId });
      s = await cc.assess('sup-xa', s.id, 'R1');
      s = await cc.addMeasure('sup-xa', s.id, { type: 'welfare_subsidy' });
      s = await cc.act('sup-xa', s, 'start_intervention');
      const approvalId = s.pendingApproval.id as string;
      const outside = await cc.post('sup-xx', `/api/approvals/${approvalId}/decision`, { decision: 'approve', reason: '越权' });
      const unknown = await cc.post('sup-xx', `/api/approvals/00000000-0000-4000-8000-000000000000/decision`, { decision: 'approve', reason: '越权' });
      expectError(outside, 404, 'NOT_FOUND');
      expectError(unknown, 404, 'NOT_FOUND');
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(outside.body)).toEqual(strip(unknown.body));
      // And the approval is still there for those who may decide it.
      expectStatus(await cc.post('district1', `/api/approvals/${approvalId}/decision`, { decision: 'approve', reason: '同意' }), 200);
    });
  });

  describe('6. nothing cacheable', () => {
    it('every authenticated answer carries Cache-Control: no-store, errors included', async () => {
      const { c } = await victim();
      const token = await tokenFor(api, 'sup-xa');
      for (const path of [`/api/cases/${c.id}`, '/api/cases', '/api/me', `/api/cases/${c.id}/timeline`, '/api/cases/00000000-0000-4000-8000-000000000000']) {
        const res = await api.http.get(path).set(bearer(token));
        expect([200, 404]).toContain(res.status);
        expect(res.headers['cache-control']).toBe('no-store');
      }
      const login = await api.http.post('/api/auth/login').send({ username: 'sup-xa', password: 'shouhu-demo' });
      expect(login.headers['cache-control']).toBe('no-store');
    });
  });

  describe('8. a long closure reason', () => {
    it('a 1,000-character reason is approved and kept apart from the reason code', async () => {
      const dirId = await cc.userId('dir-xa-01');
      let c = await cc.file('dir-xa-01', xa1, { riskLevel: 'R4' });
      let s = await cc.detail('sup-xa', c.id);
      c = await cc.act('sup-xa', s, 'accept', { riskLevel: 'R4', assigneeId: dirId });
      c = await cc.assess('sup-xa', c.id, 'R4');
      c = await cc.addMeasure('sup-xa', c.id, { type: 'welfare_subsidy', ownerId: dirId });
      c = await cc.act('sup-xa', c, 'start_intervention');
      c = await cc.closeMeasure('dir-xa-01', c.id, c.measures[0].id as string);
      s = await cc.detail('sup-xa', c.id);
      c = await cc.act('sup-xa', s, 'begin_follow_up');
      c = await cc.meetClosureConditions('dir-xa-01', c.id);
      const reason = '风'.repeat(999) + '险';
      c = await cc.act('dir-xa-01', await cc.detail('dir-xa-01', c.id), 'request_closure', { ...closureBody, reason });
      const res = await cc.post('sup-xa', `/api/approvals/${c.pendingApproval.id}/decision`, { decision: 'approve', reason: '同'.repeat(1000) });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ status: 'closed', closure: { kind: 'resolved', reason: 'risk_resolved', note: reason } });
    });
  });

  describe('10. no pool deadlock', () => {
    it('filings at four times the pool size all answer 201', async () => {
      const small = await startApi({ DB_POOL_SIZE: '4' });
      try {
        const token = await tokenFor(small, 'dir-xa-01');
        for (let round = 0; round < 3; round++) {
          const results = await Promise.all(Array.from({ length: 16 }, () => small.http.post('/api/cases').set(bearer(token)).send(caseBody(xa1))));
          expect(results.map((r) => r.status)).toEqual(Array(16).fill(201));
        }
      } finally {
        await small.close();
      }
    });
  });

  describe('11. Redis down', () => {
    it('writes answer at once, reads work, health says degraded; timers are left to the reconciler', async () => {
      const redis = await OwnRedis.start();
      const own = await startApi({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '' });
      try {
        const token = await tokenFor(own, 'dir-xa-01');
        const supToken = await tokenFor(own, 'sup-xa');
        expect((await own.http.get('/api/health')).body).toMatchObject({ db: 'up', redis: 'up' });
        await redis.down();

        const started = Date.now();
        const filed = await own.http.post('/api/cases').set(bearer(token)).send(caseBody(xa1));
        expect(filed.status).toBe(201);
        expect(Date.now() - started).toBeLessThan(3000);
        // The deadline row is committed; its timer waits for the reconciler.
        const [row] = await db.query(`SELECT count(*)::int AS n FROM deadline WHERE case_id = $1 AND status = 'pending'`, [filed.body.id]);
        expect(row.n).toBeGreaterThan(0);

        const t0 = Date.now();
        const supId = (await own.http.get('/api/me').set(bearer(supToken))).body.id as string;
        const accepted = await own.http
          .post(`/api/cases/${filed.body.id}/transitions`)
          .set(bearer(supToken))
          .send({ action: 'accept', version: filed.body.version, riskLevel: 'R3', assigneeId: supId });
        expect(accepted.status).toBe(200);
        expect((await own.http.get('/api/cases').set(bearer(supToken))).status).toBe(200);
        expect(Date.now() - t0).toBeLessThan(3000);

        const health = await own.http.get('/api/health');
        expect(health.status).toBe(200);
        expect(health.body).toMatchObject({ status: 'degraded', db: 'up', redis: 'down' });
        expect((await own.http.get('/metrics')).status).toBe(200);

        await redis.up();
      } finally {
        await own.close();
        await redis.down();
      }
    });
  });

  describe('12. PostgreSQL down', () => {
    it('503 with Retry-After at once, never a 500 nor a hang, and recovery without a restart', async () => {
      const target = new URL(api.config.DATABASE_URL);
      const relay = await TcpRelay.start({ host: target.hostname, port: Number(target.port || 5432) });
      const own = await startApi({ DATABASE_URL: relay.urlFor(api.config.DATABASE_URL), DB_CONNECT_TIMEOUT_MS: '1000' });
      try {
        const token = await tokenFor(own, 'sup-xa');
        expectStatus(await own.http.get('/api/cases').set(bearer(token)), 200);
        await relay.cut();
        for (const path of ['/api/cases', '/api/me', '/api/jurisdictions']) {
          const t0 = Date.now();
          const res = await own.http.get(path).set(bearer(token));
          expectError(res, 503, 'SERVICE_UNAVAILABLE');
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
          expect(Date.now() - t0).toBeLessThan(1500);
        }
        const login = await own.http.post('/api/auth/login').send({ username: 'sup-xa', password: 'shouhu-demo' });
        expectError(login, 503, 'SERVICE_UNAVAILABLE');
        const health = await own.http.get('/api/health');
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ db: 'down' });
        expect(health.headers['retry-after']).toBeDefined();
        expect((await own.http.get('/api/health/live')).status).toBe(200);

        await relay.restore();
        let back = 0;
        for (let i = 0; i < 50 && back !== 200; i++) {
          back = (await own.http.get('/api/cases').set(bearer(token))).status;
          if (back !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        expect(back).toBe(200);
        expect((await own.http.get('/api/health')).body).toMatchObject({ db: 'up' });
      } finally {
        await own.close();
        await relay.cut();
      }
    });

    it('connections PostgreSQL drops (a restart) are replaced: no 500', async () => {
      const token = await tokenFor(api, 'sup-xa');
      expectStatus(await api.http.get('/api/cases').set(bearer(token)), 200);
      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'shouhu' AND pid <> pg_backend_pid()`,
      );
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await api.http.get('/api/cases').set(bearer(token))).status);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      expect(statuses[statuses.length - 1]).toBe(200);
    });
  });
});
