/**
 * The OpenAPI document is the console's contract (its types are generated from it),
 * so it must say what the api really answers. Part one reads the document: every
 * route has a Chinese and English summary, a described success, and the shared
 * error body for every error it declares; Redocly CLI's lint (recommended rules and
 * redocly.yaml, as `npm run lint:openapi` runs it) finds no error and no warning.
 * Part two walks a case from report to closure (and the routes around it) and checks
 * every answer against the schema the document declares for that route and status:
 * a field the code returns but the document lacks, a wrong type, a null where none is
 * declared, or an undeclared status fails. It ends by checking that every JSON success
 * of the document was met at least once.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type request from 'supertest';
import { CaseClient, caseBody, closureBody, DAY, DemoIds, demoIds, isoAgo, isoIn, nationalId, randomBirthDate } from '../helpers/cases';
import { jsonSchema } from '../helpers/openapi-schema';
import { bearer, startApi, TestApi } from '../helpers/test-app';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
interface MediaType {
  schema?: Record<string, unknown>;
}
interface Operation {
  summary?: string;
  tags?: string[];
  security?: Record<string, unknown>[];
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}
interface Document {
  servers?: { url: string }[];
  info: { license?: { name: string; url?: string } };
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, unknown> };
}

const ERROR_REF = '#/components/schemas/ErrorBody';
const ROOT = join(__dirname, '..', '..');

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

/** `redocly lint --format=json` on a file, from `cwd` (where it looks for redocly.yaml unless `--config` says). */
function redoclyLint(file: string, cwd: string, config?: string): LintReport {
  const args = [join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--format=json', ...(config ? ['--config', config] : [])];
  const run = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  try {
    return JSON.parse(run.stdout) as LintReport;
  } catch {
    throw new Error(`redocly lint gave no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}
const problemsOf = (report: LintReport) => report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);

describe('the OpenAPI document', () => {
  let api: TestApi;
  let document: Document;
  let text: string;
  const operations: { method: Method; path: string; op: Operation }[] = [];

  beforeAll(async () => {
    api = await startApi();
    const res = await api.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    text = res.text;
    document = res.body as Document;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item) as [Method, Operation][]) operations.push({ method, path, op });
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('says what every route is and answers', () => {
    it('names its licence and a server', () => {
      expect(document.info.license).toEqual({ name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' });
      expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    });

    it('gives every route a summary with a Chinese label and English, and a tag', () => {
      expect(operations.length).toBeGreaterThan(30);
      for (const { method, path, op } of operations) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, chinese: /^[\u4e00-\u9fff]/.test(op.summary ?? ''), english: /\([a-z]/i.test(op.summary ?? '') }).toEqual({
          where,
          chinese: true,
          english: true,
        });
        expect({ where, tags: op.tags?.length }).toEqual({ where, tags: 1 });
      }
    });

    it('describes every success with a schema (or no content for 204)', () => {
      for (const { method, path, op } of operations) {
        const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        expect({ where: `${method} ${path}`, successes: successes.length > 0 }).toEqual({ where: `${method} ${path}`, successes: true });
        for (const [status, response] of successes) {
          const media = Object.values(response.content ?? {});
          expect({
            where: `${method} ${path} ${status}`,
            described: status === '204' ? media.length === 0 : media.length > 0 && media.every((m) => m.schema !== undefined),
          }).toEqual({
            where: `${method} ${path} ${status}`,
            described: true,
          });
        }
      }
    });

    it('declares 401 on every route that needs a token, and every error with the shared error body', () => {
      for (const { method, path, op } of operations) {
        const where = `${method.toUpperCase()} ${path}`;
        const needsToken = (op.security ?? []).some((s) => 'bearer' in s);
        if (needsToken) expect({ where, declares401: '401' in op.responses }).toEqual({ where, declares401: true });
        for (const [status, response] of Object.entries(op.responses).filter(([s]) => /^[45]\d\d$/.test(s))) {
          const ref = response.content?.['application/json']?.schema?.$ref as string | undefined;
          const isErrorBody = ref === ERROR_REF || (path === '/api/health' && ref === '#/components/schemas/HealthDownBody');
          expect({ where: `${where} ${status}`, isErrorBody }).toEqual({ where: `${where} ${status}`, isErrorBody: true });
        }
      }
    });

    describe('Redocly CLI’s lint', () => {
      let dir: string;
      let file: string;
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'shouhu-openapi-'));
        file = join(dir, 'openapi.json');
        writeFileSync(file, text);
      });
      afterAll(() => rmSync(dir, { recursive: true, force: true }));

      it('finds no error and no warning with redocly.yaml (recommended rules, as npm run lint:openapi runs it)', () => {
        const report = redoclyLint(file, ROOT, join(ROOT, 'redocly.yaml'));
        expect(problemsOf(report)).toEqual([]);
        expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
      });

      it('with the recommended rules alone, warns only that the two health probes declare no 4xx (what redocly.yaml turns off, and only there)', () => {
        // No redocly.yaml in a fresh folder: the CLI's built-in recommended configuration.
        const report = redoclyLint(file, dir);
        const problems = problemsOf(report).map((p) => p.split(':')[0]);
        expect(problems.sort()).toEqual([
          'warn operation-4xx-response #/paths/~1api~1health/get/responses',
          'warn operation-4xx-response #/paths/~1api~1health~1live/get/responses',
        ]);
      });

      it('still warns about any other operation that declares no 4xx (redocly.yaml’s replacement rule is live)', () => {
        const stripped = JSON.parse(text) as Document;
        const responses = stripped.paths['/api/users'].get?.responses ?? {};
        expect(Object.keys(responses)).toContain('401');
        for (const status of Object.keys(responses).filter((s) => s.startsWith('4'))) delete responses[status];
        const mutant = join(dir, 'mutant.json');
        writeFileSync(mutant, JSON.stringify(stripped));
        const report = redoclyLint(mutant, ROOT, join(ROOT, 'redocly.yaml'));
        expect(problemsOf(report).map((p) => p.split(':')[0])).toEqual(['warn rule/operation-4xx-response #/paths/~1api~1users/get/responses']);
      });
    });
  });

  describe('agrees with what the api answers', () => {
    let ajv: Ajv;
    const validators = new Map<string, ValidateFunction>();
    const met = new Set<string>();
    let cc: CaseClient;
    let ids: DemoIds;

    beforeAll(async () => {
      ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema({ $id: 'doc', components: { schemas: jsonSchema(document.components.schemas) } });
      cc = new CaseClient(api);
      ids = await demoIds(api);
    });

    /** The route template of the document for a concrete path (`/api/cases/<uuid>` → `/api/cases/{id}`). */
    function templateOf(method: Method, url: string): string {
      const path = url.split('?')[0];
      const found = Object.keys(document.paths).find((t) => document.paths[t][method] && new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
      if (!found) throw new Error(`no ${method.toUpperCase()} ${path} in the document`);
      return found;
    }

    /** Checks an answer against the schema the document declares for its route and status; returns its body. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    function check(res: request.Response): any {
      const req = (res as unknown as { req: { method: string; path: string } }).req;
      const method = req.method.toLowerCase() as Method;
      const url = new URL(req.path, 'http://x').pathname;
      const template = templateOf(method, url);
      const where = `${method.toUpperCase()} ${template} → ${res.status}`;
      const response = document.paths[template][method]?.responses[String(res.status)];
      if (!response) throw new Error(`${where}: the document does not declare this status (body: ${JSON.stringify(res.body).slice(0, 300)})`);
      const schema = response.content?.['application/json']?.schema;
      if (!schema) throw new Error(`${where}: no JSON schema declared`);
      let validate = validators.get(where);
      if (!validate) {
        validate = ajv.compile(jsonSchema(schema) as object);
        validators.set(where, validate);
      }
      if (!validate(res.body)) {
        throw new Error(
          `${where}: the answer does not match the document:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\nbody: ${JSON.stringify(res.body).slice(0, 2000)}`,
        );
      }
      met.add(`${method} ${template} ${res.status}`);
      return res.body;
    }

    const ok = (status: number) => (res: request.Response) => {
      if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
      return check(res);
    };

    it('sign-in, the signed-in user, jurisdictions, health', async () => {
      ok(200)(await api.http.post('/api/auth/login').send({ username: 'dir-xa-01', password: 'shouhu-demo' }));
      check(await api.http.post('/api/auth/login').send({ username: 'dir-xa-01', password: 'wrong-password' }));
      check(await api.http.post('/api/auth/login').send({ username: 'dir-xa-01' }));
      ok(200)(await cc.get('sup-xa', '/api/me'));
      check(await api.http.get('/api/me'));
      ok(200)(await cc.get('dir-xa-01', '/api/jurisdictions'));
      ok(200)(await api.http.get('/api/health/live'));
      ok(200)(await api.http.get('/api/health'));
    });

    it('users: list, one, create, edit, approve', async () => {
      const list = ok(200)(await cc.get('district1', '/api/users'));
      ok(200)(await cc.get('district1', `/api/users/${list.items[0].id}`));
      check(await cc.get('district1', `/api/users/${randomUUID()}`));
      check(await cc.get('dir-xa-01', '/api/users'));
      const community = ids.community('xa', 1);
      const created = ok(201)(
        await cc.post('admin', '/api/users', {
          username: `oa-${randomUUID().slice(0, 8)}`,
          displayName: '测试主任',
          role: 'community_director',
          jurisdictionId: community,
          password: 'a-long-password-1',
        }),
      );
      expect(created.status).toBe('pending_approval');
      ok(200)(await cc.patch('admin', `/api/users/${created.id}`, { displayName: '测试主任二' }));
      ok(200)(await cc.post('district1', `/api/users/${created.id}/approval`, { decision: 'approve' }));
      check(await cc.post('district1', `/api/users/${created.id}/approval`, { decision: 'approve' }));
      ok(200)(await cc.get('district1', '/api/users?status=pending_approval'));
    });

    it('a case from report to closure, with every answer on the way', async () => {
      const xa1 = ids.community('xa', 0);
      const [dirId, supId] = await Promise.all([cc.userId('dir-xa-01'), cc.userId('sup-xa')]);
      const birthDate = randomBirthDate(6, 12);
      const child = { birthDate, idNumber: nationalId(birthDate) };

      // Intake: a new case (201), then the same child again in the same scope (200, linked).
      let c = ok(201)(await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { child, police: { reportedAt: isoAgo(3600_000), receiptNo: 'JJ-OA-1' } })));
      expect(c.linkedToExisting).toBe(false);
      const linked = ok(200)(await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { child: { ...child, name: c.child.name } })));
      expect(linked).toMatchObject({ id: c.id, linkedToExisting: true });
      check(await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { child: { birthDate: isoIn(DAY).slice(0, 10) } })));
      check(await cc.post('dir-xa-01', '/api/cases', caseBody(ids.community('xx', 0))));

      // The queue and the detail, as the supervisor and as the director.
      ok(200)(await cc.get('sup-xa', `/api/cases?limit=2&sort=dueAt`));
      ok(200)(await cc.get('dir-xa-01', `/api/cases?status=submitted,assessing`));
      check(await cc.get('sup-xa', '/api/cases?sort=sideways'));
      c = ok(200)(await cc.get('sup-xa', `/api/cases/${c.id}`));
      ok(200)(await cc.get('dir-xa-01', `/api/cases/${c.id}`));
      check(await cc.get('sup-xa', `/api/cases/${randomUUID()}`));
      check(await cc.get('sup-xa', '/api/cases/not-a-uuid'));
      check(await cc.get('admin', `/api/cases/${c.id}`));

      // A report filed by district staff: its reporter is confidential to the director.
      const other = ok(201)(await cc.post('district1', '/api/cases', caseBody(xa1)));
      const seenByDirector = ok(200)(await cc.get('dir-xa-01', `/api/cases/${other.id}`));
      expect(seenByDirector.reports[0].reporter).toBe('confidential');

      // The same child reported in another street: a case there, and a notification here.
      ok(201)(await cc.post('dir-xx-01', '/api/cases', caseBody(ids.community('xx', 0), { child: { ...child, name: c.child.name } })));

      // Accept, assess, plan, start (R3: no approval), record around it.
      check(await cc.transitionRaw('sup-xa', c.id, { action: 'accept', version: c.version + 5, riskLevel: 'R3', assigneeId: supId }));
      check(await cc.transitionRaw('sup-xa', c.id, { action: 'begin_follow_up', version: c.version }));
      c = ok(200)(await cc.transitionRaw('sup-xa', c.id, { action: 'accept', version: c.version, riskLevel: 'R3', assigneeId: supId }));
      c = ok(200)(
        await cc.post('sup-xa', `/api/cases/${c.id}/assessment`, {
          safety: '安全',
          guardianship: '监护不足',
          wellbeing: '情绪低落',
          riskLevel: 'R3',
          summary: '需要帮扶',
        }),
      );
      c = ok(200)(
        await cc.post('sup-xa', `/api/cases/${c.id}/measures`, {
          type: 'counseling',
          ownerId: dirId,
          agency: '宝安区妇联',
          dueAt: isoIn(7 * DAY),
          note: '心理疏导',
        }),
      );
      const measureId = c.measures[0].id as string;
      c = ok(200)(await cc.transitionRaw('sup-xa', c.id, { action: 'start_intervention', version: c.version }));
      expect(c.status).toBe('intervening');
      c = ok(200)(await cc.post('dir-xa-01', `/api/cases/${c.id}/notes`, { text: '已电话联系学校。' }));
      // Agencies and referrals (协同办理): the admin keeps the registry; a referral answered and completed, another revoked.
      const agencies = ok(200)(await cc.get('sup-xa', '/api/agencies')) as { id: string; name: string }[];
      const police = agencies.find((a) => a.name === '宝安公安分局新安派出所')?.id as string;
      const court = agencies.find((a) => a.name === '宝安区人民法院')?.id as string;
      const added = ok(201)(await cc.post('admin', '/api/agencies', { kind: 'other', name: `文档单位-${randomUUID().slice(0, 8)}` }));
      ok(200)(await cc.patch('admin', `/api/agencies/${added.id}`, { active: false }));
      check(await cc.post('admin', '/api/agencies', { kind: 'army', name: 'x' }));
      check(await cc.post('sup-xa', `/api/cases/${c.id}/referrals`, { agencyId: added.id, service: '协助', note: '停用单位' }));
      const referral = ok(201)(
        await cc.post('sup-xa', `/api/cases/${c.id}/referrals`, { agencyId: police, service: '协助核查', note: '请协助了解家庭情况。', measureId }),
      );
      ok(200)(await cc.get('liaison-police', '/api/referrals?status=pending'));
      ok(200)(await cc.get('liaison-police', `/api/referrals/${referral.id}`));
      check(await cc.get('liaison-court', `/api/referrals/${referral.id}`));
      check(await cc.post('liaison-police', `/api/referrals/${referral.id}/completion`, { outcome: '完成' }));
      ok(200)(await cc.post('liaison-police', `/api/referrals/${referral.id}/response`, { decision: 'accept' }));
      ok(200)(await cc.post('liaison-police', `/api/referrals/${referral.id}/completion`, { outcome: '已核查并反馈。' }));
      const withdrawn = ok(201)(await cc.post('district1', `/api/cases/${c.id}/referrals`, { agencyId: court, service: '法律咨询', note: '保护令咨询。' }));
      ok(200)(await cc.post('sup-xa', `/api/referrals/${withdrawn.id}/revocation`, { reason: '已另行安排。' }));
      ok(200)(await cc.get('sup-xa', `/api/referrals?caseId=${c.id}`));
      // Evidence: a multipart upload, the list, a retraction.
      const dirToken = await cc.token('dir-xa-01');
      const upload = (file: Buffer, name: string) =>
        api.http.post(`/api/cases/${c.id}/attachments`).set(bearer(dirToken)).field('kind', 'document').attach('file', file, name);
      const attachment = ok(201)(await upload(Buffer.from('%PDF-1.4\n%%EOF\n'), 'letter.pdf'));
      check(await upload(Buffer.from('plain text'), 'letter.pdf'));
      ok(200)(await cc.get('leader', `/api/cases/${c.id}/attachments`));
      ok(200)(await cc.post('sup-xa', `/api/cases/${c.id}/attachments/${attachment.id}/retraction`, { reason: '重复上传' }));
      check(await cc.post('sup-xa', `/api/cases/${c.id}/attachments/${attachment.id}/retraction`, {}));
      c = ok(200)(
        await cc.post('dir-xa-01', `/api/cases/${c.id}/reports`, {
          reporterType: 'public',
          anonymous: true,
          discoveredAt: isoAgo(3600_000),
          narrative: '邻居反映儿童夜间独自在家。',
          categories: ['N03'],
        }),
      );
      expect(c.reports.some((r: { reporter: unknown }) => r.reporter === null)).toBe(true);
      c = ok(200)(await cc.post('sup-xa', `/api/cases/${c.id}/police`, { feedbackAt: isoAgo(60_000), feedback: '已出警核实。' }));
      check(await cc.post('sup-xa', `/api/cases/${c.id}/police`, { unknownField: 1 }));
      c = ok(200)(await cc.patch('dir-xa-01', `/api/cases/${c.id}/measures/${measureId}`, { status: 'done', outcome: '已完成三次疏导。' }));
      c = ok(200)(await cc.transitionRaw('sup-xa', c.id, { action: 'begin_follow_up', version: c.version }));
      c = ok(200)(
        await cc.post('dir-xa-01', `/api/cases/${c.id}/visits`, {
          visitedAt: isoAgo(120_000),
          riskLevel: 'R4',
          outcome: '儿童状况良好。',
          notes: '入户回访。',
        }),
      );
      c = ok(200)(await cc.post('sup-xa', `/api/cases/${c.id}/visits`, { visitedAt: isoAgo(60_000), riskLevel: 'R4', outcome: '儿童状况良好。' }));
      c = ok(200)(await cc.post('sup-xa', `/api/cases/${c.id}/outcome-feedback`, { channel: 'phone', at: isoAgo(30_000), summary: '已电话告知学校。' }));
      check(await cc.post('sup-xa', `/api/cases/${c.id}/outcome-feedback`, { channel: 'fax' }));
      c = ok(200)(
        await cc.post('sup-xa', `/api/cases/${c.id}/guardians`, {
          name: '王某',
          relation: 'father',
          phone: '13800138000',
          livesWithChild: true,
          suspectedPerpetrator: true,
        }),
      );
      check(await cc.post('sup-xa', `/api/cases/${c.id}/guardians`, { name: '王某', relation: 'uncle' }));
      c = ok(200)(await cc.patch('dir-xa-01', `/api/cases/${c.id}/guardians/${c.guardians[0].id}`, { livesWithChild: false, phone: null }));
      check(await cc.patch('dir-xa-01', `/api/cases/${c.id}/guardians/${c.guardians[0].id}`, { idNumber: '110105194912310021' }));

      // The working-day calendar: read, and put back as it is.
      const calendar = ok(200)(await cc.get('sup-xa', '/api/calendar/2026'));
      ok(200)(await cc.put('district1', '/api/calendar/2026', { holidays: calendar.holidays, workdays: calendar.workdays, source: calendar.source }));
      check(await cc.put('district1', '/api/calendar/2026', { holidays: ['2026-13-01'], workdays: [] }));

      // Closure: the director asks, the supervisor decides (R3).
      c = ok(200)(await cc.transitionRaw('dir-xa-01', c.id, { action: 'request_closure', version: c.version, reason: '风险已消除', ...closureBody }));
      expect(c.pendingApproval).not.toBeNull();
      const approvals = ok(200)(await cc.get('sup-xa', '/api/approvals?status=pending'));
      expect(approvals.items.map((a: { id: string }) => a.id)).toContain(c.pendingApproval.id);
      check(await cc.post('dir-xa-01', `/api/approvals/${c.pendingApproval.id}/decision`, { decision: 'approve' }));
      c = ok(200)(await cc.post('sup-xa', `/api/approvals/${c.pendingApproval.id}/decision`, { decision: 'approve', reason: '同意结案' }));
      expect(c.status).toBe('closed');
      expect(c.closure).not.toBeNull();

      // What lies beside the case.
      const timeline = ok(200)(await cc.get('sup-xa', `/api/cases/${c.id}/timeline`));
      expect(timeline.verified).toBe(true);
      ok(200)(await cc.get('sup-xa', `/api/cases/${c.id}/timeline/verify`));
      ok(200)(await cc.get('sup-xa', `/api/cases/${c.id}/deadlines`));
      ok(200)(await cc.get('district1', `/api/audit/events?caseId=${c.id}`));
      ok(200)(await cc.get('district1', '/api/audit/events?limit=50'));
      ok(200)(await cc.get('district1', '/api/stats'));
      ok(200)(await cc.get('sup-xa', '/api/stats'));
      check(await cc.get('sup-xa', `/api/stats?streetId=${ids.street('xx')}`));

      // The supervisor heard of the report elsewhere.
      const notes = ok(200)(await cc.get('sup-xa', '/api/notifications?unread=true'));
      expect(notes.items.length).toBeGreaterThan(0);
      ok(200)(await cc.post('sup-xa', `/api/notifications/${notes.items[0].id}/read`, {}));
      check(await cc.post('sup-xa', `/api/notifications/${randomUUID()}/read`, {}));
      expect(cc.serverErrors).toEqual([]);
    }, 60000);

    it('met every JSON success the document declares', () => {
      const declared = operations.flatMap(({ method, path, op }) =>
        Object.entries(op.responses)
          .filter(([status, r]) => /^2\d\d$/.test(status) && r.content?.['application/json'])
          .map(([status]) => `${method} ${path} ${status}`),
      );
      expect(declared.filter((d) => !met.has(d))).toEqual([]);
    });
  });
});
