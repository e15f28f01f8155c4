/**
 * Every error of api.md that applies to cases, through the real API: the status,
 * the code and (for 400) the field named. No input ever gets a 500.
 */
import { randomUUID } from 'node:crypto';
import {
  assessmentBody,
  caseBody,
  CaseClient,
  CaseOverrides,
  closureBody,
  createTree,
  dataSourceOf,
  dateShifted,
  DAY,
  DemoIds,
  expectError,
  expectStatus,
  isoAgo,
  isoIn,
  nationalId,
  r1Violence,
  Res,
  TestTree,
  useCaseBed,
} from '../helpers/cases';
import { bearer, TestApi, tokenFor } from '../helpers/test-app';

/** 400 VALIDATION_FAILED naming this field (and, when given, saying this). */
function expectInvalid(res: Res, field: string, message?: string | RegExp): void {
  expectError(res, 400, 'VALIDATION_FAILED');
  const fields = (res.body.details as { field: string; message: string }[]).filter((d) => d.field === field);
  if (fields.length === 0) throw new Error(`expected a problem with ${field}, got ${JSON.stringify(res.body.details)}`);
  if (message !== undefined) expect(fields.map((d) => d.message)).toContainEqual(typeof message === 'string' ? message : expect.stringMatching(message));
}

const cursorOf = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('case errors (e2e)', () => {
  const bed = useCaseBed();
  let api: TestApi;
  let cc: CaseClient;
  let ids: DemoIds;
  let xa1: string;
  let supId: string;
  let other: TestTree;

  beforeAll(async () => {
    ({ api, cc, ids, xa1, supId } = bed);
    other = await createTree(dataSourceOf(api), { streets: { s: 1 }, users: { staff: 'district', sup: 's', dir: 's-1' } });
    cc.addTree(other);
  });

  const file = (overrides: CaseOverrides = {}) => cc.file('dir-xa-01', xa1, overrides);
  const postCase = (overrides: CaseOverrides, as = 'dir-xa-01', communityId = xa1) => cc.post(as, '/api/cases', caseBody(communityId, overrides));
  const accepted = async (riskLevel = 'R3', overrides: CaseOverrides = {}) => {
    const c = await file({ riskLevel, ...overrides });
    return cc.act('sup-xa', c, 'accept', { riskLevel, assigneeId: supId });
  };

  describe('400 VALIDATION_FAILED names the field', () => {
    const filing: [string, CaseOverrides, string, (string | RegExp)?][] = [
      ['an unknown category code', { categories: ['X99'] }, 'categories', /category code/],
      ['no category', { categories: [] }, 'categories'],
      ['a birth date in the future', { child: { birthDate: dateShifted(0, 2) } }, 'child.birthDate', 'must not be in the future'],
      ['a person who turned 18 yesterday', { child: { birthDate: dateShifted(-18, -1) } }, 'child.birthDate', 'must be of a child under 18'],
      ['an adult', { child: { birthDate: dateShifted(-30) } }, 'child.birthDate', 'must be of a child under 18'],
      ['a date that does not exist', { child: { birthDate: '2015-02-30' } }, 'child.birthDate', 'must be a real calendar date'],
      ['a discovery in the future', { report: { discoveredAt: isoIn(DAY) } }, 'report.discoveredAt', 'must not be in the future'],
      ['a discovery time without offset', { report: { discoveredAt: '2026-01-01 10:00' } }, 'report.discoveredAt'],
      ['police told in the future', r1Violence({ police: { reportedAt: isoIn(DAY) } }), 'police.reportedAt', 'must not be in the future'],
      ['an unknown top-level field', { priority: 'high' }, 'priority', 'is not an allowed field'],
      ['an unknown field of the child', { child: { nickname: '小明' } }, 'child.nickname', 'is not an allowed field'],
      ['an unknown field of the report', { report: { weather: 'rain' } }, 'report.weather', 'is not an allowed field'],
      ['an unknown field of police', r1Violence({ police: { reportedAt: isoAgo(60_000), station: 'x' } }), 'police.station', 'is not an allowed field'],
      ['a narrative over 5000 characters', { report: { narrative: '长'.repeat(5001) } }, 'report.narrative', /5000/],
      ['a name over 50 characters', { child: { name: '名'.repeat(51) } }, 'child.name'],
      [
        'an ID number with a wrong check character',
        { child: { birthDate: '2016-03-04', idNumber: nationalId('2016-03-04', { valid: false }) } },
        'child.idNumber',
        /check digit/,
      ],
      ['an ID number of 17 digits', { child: { idNumber: '44030620160304123' } }, 'child.idNumber'],
      ['an ID number of another birth date', { child: { birthDate: '2016-03-04', idNumber: nationalId('2016-03-05') } }, 'child.birthDate', /does not match/],
      ['violence without police information', { categories: ['V01'], riskLevel: 'R2' }, 'police.reportedAt'],
      ['a mandatory item without police information', { categories: ['N01'], mandatoryItems: [6] }, 'police.reportedAt'],
      ['a mandatory item that does not exist', { mandatoryItems: [10] }, 'mandatoryItems'],
      ['an unknown risk level', { riskLevel: 'R5' }, 'riskLevel'],
      ['an unknown sex', { child: { sex: 'boy' } }, 'child.sex'],
      ['an unknown reporter type', { report: { reporterType: 'neighbour' } }, 'report.reporterType'],
      ['a community id that is no UUID', { communityId: 'xa-01' }, 'communityId'],
      ['an anonymous report naming its reporter', { report: { anonymous: true, reporterName: '张三' } }, 'report.reporterName'],
      ['no narrative to submit', { report: { narrative: '   ' } }, 'report.narrative'],
      ['a child that is not an object', { child: null as never, categories: ['N04'] }, 'child'],
    ];
    it.each(filing.map(([label, overrides, field, message]) => ({ label, overrides, field, message })))(
      'POST /api/cases: $label',
      async ({ overrides, field, message }) => {
        const body = caseBody(xa1, overrides);
        if (overrides.child === null) body.child = null;
        expectInvalid(await cc.post('dir-xa-01', '/api/cases', body), field, message);
      },
    );

    it('POST /api/cases: a body that is not an object, or not JSON', async () => {
      expectError(await cc.post('dir-xa-01', '/api/cases', [caseBody(xa1)]), 400, 'VALIDATION_FAILED');
      const token = await tokenFor(api, 'dir-xa-01');
      const broken = await api.http.post('/api/cases').set(bearer(token)).set('content-type', 'application/json').send('{"communityId":');
      expect(broken.status).toBe(400);
      expect(broken.body.code).toBe('MALFORMED_REQUEST');
      const text = await api.http.post('/api/cases').set(bearer(token)).set('content-type', 'text/plain').send('hello');
      expect([400, 415]).toContain(text.status);
    });

    it('the day before the 18th birthday, still a child', async () => {
      expectStatus(await postCase({ child: { birthDate: dateShifted(-18, 1) } }), 201);
    });

    it('police information is not needed for a draft, but for its submission', async () => {
      // A reason why police were not told is accepted instead of the time.
      const told = await postCase({ categories: ['V04'], riskLevel: 'R3', police: { notReportedReason: '学校已自行处理，家长拒绝报警' } });
      expectStatus(told, 201);
      const draft = await cc.file('dir-xa-01', xa1, { categories: ['V01'], riskLevel: 'R2', submit: false });
      expect(draft.status).toBe('draft');
      const res = await cc.transitionRaw('dir-xa-01', draft.id, { action: 'submit', version: draft.version });
      expectInvalid(res, 'police.reportedAt');
      const ok = await cc.act('dir-xa-01', draft, 'submit', { police: { reportedAt: isoAgo(60_000), receiptNo: 'X1' } });
      expect(ok.status).toBe('submitted');
    });

    it('transitions: missing, null or blank payload fields, unknown actions and fields', async () => {
      const c = await file();
      const v = c.version;
      const t = (as: string, body: Record<string, unknown>) => cc.transitionRaw(as, c.id, body);
      expectInvalid(await t('sup-xa', { action: 'accept', version: v, riskLevel: 'R3' }), 'assigneeId', 'is required');
      expectInvalid(await t('sup-xa', { action: 'accept', version: v, assigneeId: supId }), 'riskLevel', 'is required');
      expectInvalid(await t('sup-xa', { action: 'accept', version: v, riskLevel: null, assigneeId: supId }), 'riskLevel', 'is required');
      expectInvalid(await t('sup-xa', { action: 'accept', version: v, riskLevel: 'R3', assigneeId: null }), 'assigneeId', 'is required');
      expectInvalid(await t('sup-xa', { action: 'accept', version: v, riskLevel: 'R0', assigneeId: supId }), 'riskLevel');
      expectInvalid(await t('sup-xa', { action: 'accept', version: v, riskLevel: 'R3', assigneeId: 'sup-xa' }), 'assigneeId');
      expectInvalid(await t('sup-xa', { action: 'return', version: v }), 'reason', 'is required');
      expectInvalid(await t('sup-xa', { action: 'return', version: v, reason: null }), 'reason', 'is required');
      expectInvalid(await t('sup-xa', { action: 'return', version: v, reason: '   ' }), 'reason');
      expectInvalid(await t('sup-xa', { action: 'return', version: v, reason: 'r'.repeat(1001) }), 'reason');
      expectInvalid(await t('sup-xa', { action: 'escalate', version: v, reason: null }), 'reason', 'is required');
      expectInvalid(await t('district1', { action: 'transfer', version: v, reason: '搬家' }), 'communityId', 'is required');
      expectInvalid(await t('district1', { action: 'transfer', version: v, communityId: null, reason: '搬家' }), 'communityId', 'is required');
      expectInvalid(await t('district1', { action: 'transfer', version: v, communityId: xa1, reason: '搬家' }), 'communityId', /already/);
      expectInvalid(await t('sup-xa', { action: 'merge', version: v }), 'intoCaseId', 'is required');
      expectInvalid(await t('sup-xa', { action: 'merge', version: v, intoCaseId: 'BA-2026-000001' }), 'intoCaseId');
      expectInvalid(await t('sup-xa', { action: 'fast_track', version: v }), 'action');
      expectInvalid(await t('sup-xa', { action: 'record_assessment', version: v }), 'action');
      expectInvalid(await t('sup-xa', { action: 'accept', riskLevel: 'R3', assigneeId: supId }), 'version');
      expectInvalid(await t('sup-xa', { action: 'accept', version: 0, riskLevel: 'R3', assigneeId: supId }), 'version');
      expectInvalid(await t('sup-xa', { action: 'accept', version: '1', riskLevel: 'R3', assigneeId: supId }), 'version');
      expectInvalid(
        await t('sup-xa', { action: 'accept', version: v, riskLevel: 'R3', assigneeId: supId, priority: 1 }),
        'priority',
        'is not an allowed field',
      );
      // Each action takes its own fields: another action's field is refused like an unknown one.
      expectInvalid(
        await t('sup-xa', { action: 'accept', version: v, riskLevel: 'R3', assigneeId: supId, narrative: '补充' }),
        'narrative',
        'is not an allowed field',
      );
      expectInvalid(await t('sup-xa', { action: 'request_closure', version: v, closureReason: 'done', checklist: {} }), 'closureReason');
      expectInvalid(await t('sup-xa', { action: 'request_closure', version: v, closureReason: 'other', checklist: { allGood: true } }), 'checklist.allGood');
      // None of these changed the case.
      expect((await cc.detail('sup-xa', c.id)).version).toBe(v);
    });

    it('accept: the assignee must work on this case (its community director, its street supervisor or district staff)', async () => {
      const c = await file();
      const tryAssign = async (userId: string) =>
        cc.transitionRaw('sup-xa', c.id, { action: 'accept', version: c.version, riskLevel: 'R3', assigneeId: userId });
      for (const username of ['sup-xx', 'dir-xa-02', 'admin']) {
        expectInvalid(await tryAssign(await cc.userId(username)), 'assigneeId');
      }
      expectInvalid(await tryAssign(other.users.staff.id), 'assigneeId');
      expectInvalid(await tryAssign(randomUUID()), 'assigneeId');
      const ok = await tryAssign(await cc.userId('dir-xa-01'));
      expectStatus(ok, 200);
    });

    it('measures, assessment, visits, notes, reports, police and decisions validate their bodies', async () => {
      const c = await accepted();
      const p = (path: string, body: unknown, as = 'sup-xa') => cc.post(as, `/api/cases/${c.id}/${path}`, body);
      expectInvalid(await p('measures', { type: 'hugs', dueAt: isoIn(DAY) }), 'type', /must be one of/);
      expectInvalid(await p('measures', { type: 'medical' }), 'dueAt');
      expectInvalid(await p('measures', { type: 'medical', dueAt: 'next week' }), 'dueAt');
      expectInvalid(await p('measures', { type: 'medical', dueAt: isoAgo(DAY) }), 'dueAt', 'must not be in the past');
      expectInvalid(await p('measures', { type: 'medical', dueAt: isoIn(DAY), ownerId: await cc.userId('admin') }), 'ownerId');
      expectInvalid(await p('measures', { type: 'medical', dueAt: isoIn(DAY), ownerId: await cc.userId('dir-xa-03') }), 'ownerId');
      const { summary: _summary, ...noSummary } = assessmentBody('R3');
      expectInvalid(await p('assessment', noSummary), 'summary');
      expectInvalid(await p('assessment', { ...assessmentBody('R3'), riskLevel: 'high' }), 'riskLevel');
      expectInvalid(await p('visits', { visitedAt: isoIn(DAY), riskLevel: 'R3', outcome: '好' }), 'visitedAt', 'must not be in the future');
      expectInvalid(await p('visits', { visitedAt: isoAgo(DAY), riskLevel: 'R3' }), 'outcome');
      expectInvalid(await p('notes', { text: '' }), 'text');
      expectInvalid(await p('notes', { text: 'x', pinned: true }), 'pinned', 'is not an allowed field');
      expectInvalid(await p('reports', { reporterType: 'public', discoveredAt: isoAgo(DAY), narrative: 'x', categories: ['X99'] }), 'categories');
      expectInvalid(await p('reports', { reporterType: 'public', discoveredAt: isoIn(DAY), narrative: 'x' }), 'discoveredAt', 'must not be in the future');
      expectInvalid(await p('police', {}), 'reportedAt', 'is required');
      expectInvalid(await p('police', { reportedAt: null, receiptNo: null, feedbackAt: null, feedback: null }), 'reportedAt', 'is required');
      expectInvalid(await p('police', { feedback: '已立案' }), 'feedbackAt', 'is required');
      expectInvalid(await p('police', { reportedAt: isoIn(DAY) }), 'reportedAt', 'must not be in the future');

      const m = await cc.addMeasure('sup-xa', c.id);
      const measureId = m.measures[0].id as string;
      expectInvalid(await cc.patch('sup-xa', `/api/cases/${c.id}/measures/${measureId}`, { status: 'planned', outcome: 'x' }), 'status');
      expectInvalid(await cc.patch('sup-xa', `/api/cases/${c.id}/measures/${measureId}`, { status: 'done' }), 'outcome');
      expectInvalid(await cc.patch('sup-xa', `/api/cases/${c.id}/measures/not-a-uuid`, { status: 'done', outcome: 'x' }), 'measureId', 'must be a UUID');
      expectInvalid(await cc.post('district1', `/api/approvals/${randomUUID()}/decision`, { decision: 'maybe' }), 'decision');
    });

    it('GET /api/cases: bad limit, sort, cursor and filters; a path id that is no UUID', async () => {
      const q = (qs: string, as = 'sup-xa') => cc.get(as, `/api/cases?${qs}`);
      for (const limit of ['0', '201', 'abc', '1.5', '-1']) expectInvalid(await q(`limit=${limit}`), 'limit');
      expectInvalid(await q('limit=1&limit=2'), 'limit');
      for (const sort of ['reportedAt', 'foo', '-dueAt']) expectInvalid(await q(`sort=${sort}`), 'sort');
      // A cursor of the API, then broken or forged ones.
      await file();
      await file();
      const list = await q('limit=1');
      expectStatus(list, 200);
      const real = list.body.nextCursor as string;
      expect(real).toEqual(expect.any(String));
      expectStatus(await q(`limit=1&cursor=${real}`), 200);
      expectInvalid(await q(`limit=1&sort=dueAt&cursor=${real}`), 'cursor');
      const zero = '00000000-0000-4000-8000-000000000000';
      for (const cursor of [
        'not*a*cursor',
        'bm90LWpzb24',
        cursorOf(null),
        cursorOf({ s: '-reportedAt', t: '2026-01-01T00:00:00.000Z' }),
        cursorOf({ s: '-reportedAt', t: '2026-01-01T00:00:00.000Z', id: '-'.repeat(36) }),
        cursorOf({ s: '-reportedAt', t: '0', id: zero }),
        cursorOf({ s: '-reportedAt', t: 'March 7, 2026', id: zero }),
        cursorOf({ s: '-reportedAt', t: '+275760-09-13T00:00:00.000Z', id: zero }),
        cursorOf({ s: '-reportedAt', t: '2026-02-30T00:00:00.000Z', id: zero }),
        cursorOf({ s: 'dueAt', t: '2026-01-01T00:00:00.000Z', id: zero }),
        'x'.repeat(401),
      ]) {
        expectInvalid(await q(`cursor=${cursor}`), 'cursor');
      }
      expectInvalid(await q(`sort=riskLevel&cursor=${cursorOf({ s: 'riskLevel', t: '2026-01-01T00:00:00.000Z', id: zero, r: 'R9' })}`), 'cursor');
      expectStatus(await q(`sort=riskLevel&cursor=${cursorOf({ s: 'riskLevel', t: '2026-01-01T00:00:00.000Z', id: zero, r: 'R2' })}`), 200);

      expectInvalid(await q('status=open'), 'status');
      expectInvalid(await q('riskLevel=R9'), 'riskLevel');
      expectInvalid(await q('category=X99'), 'category');
      expectInvalid(await q('communityId=xa-01'), 'communityId');
      expectInvalid(await q('streetId=1'), 'streetId');
      expectInvalid(await q('assignee=someone'), 'assignee');
      expectInvalid(await q('overdue=yes'), 'overdue');
      expectInvalid(await q(`q=${encodeURIComponent('BA%')}`), 'q');
      expectInvalid(await q('colour=red'), 'colour', 'is not an allowed field');
      // "me" in any case means the caller.
      expectStatus(await q('assignee=ME'), 200);

      expectInvalid(await cc.get('sup-xa', '/api/cases/BA-2026-000001'), 'id', 'must be a UUID');
      expectInvalid(await cc.get('sup-xa', '/api/cases/not-a-uuid/timeline'), 'id', 'must be a UUID');
      expectInvalid(await cc.get('district1', '/api/approvals?status=waiting'), 'status');
    });
  });

  describe('401 without a valid token', () => {
    it('every case route refuses an anonymous or forged caller', async () => {
      const c = await file();
      const routes: [string, string][] = [
        ['get', '/api/cases'],
        ['post', '/api/cases'],
        ['get', `/api/cases/${c.id}`],
        ['post', `/api/cases/${c.id}/transitions`],
        ['get', `/api/cases/${c.id}/timeline`],
        ['get', `/api/cases/${c.id}/timeline/verify`],
        ['post', `/api/cases/${c.id}/notes`],
        ['get', '/api/approvals'],
        ['post', `/api/approvals/${randomUUID()}/decision`],
      ];
      const valid = await tokenFor(api, 'sup-xa');
      for (const [method, path] of routes) {
        for (const auth of [undefined, 'Bearer not-a-token', `Bearer ${valid}x`, valid]) {
          const req = method === 'get' ? api.http.get(path) : api.http.post(path).send({});
          const res = await (auth ? req.set('Authorization', auth) : req);
          expectError(res, 401, 'UNAUTHENTICATED');
        }
      }
    });
  });

  describe('403 when the role may never do it', () => {
    it('a director cannot accept, return or plan; the district cannot accept; a supervisor cannot file or reopen', async () => {
      const c = await file();
      const t = (as: string, body: Record<string, unknown>) => cc.transitionRaw(as, c.id, body);
      expectError(await t('dir-xa-01', { action: 'accept', version: c.version, riskLevel: 'R3', assigneeId: supId }), 403, 'FORBIDDEN');
      // Even with an old version: the role may never do it, reloading would not help.
      expectError(await t('dir-xa-01', { action: 'accept', version: c.version + 5, riskLevel: 'R3', assigneeId: supId }), 403, 'FORBIDDEN');
      expectError(await t('dir-xa-01', { action: 'return', version: c.version, reason: '自己退回' }), 403, 'FORBIDDEN');
      expectError(await t('district1', { action: 'accept', version: c.version, riskLevel: 'R3', assigneeId: supId }), 403, 'FORBIDDEN');
      expectError(await t('district1', { action: 'escalate', version: c.version, reason: 'x' }), 403, 'FORBIDDEN');
      expectError(await cc.post('sup-xa', '/api/cases', caseBody(xa1)), 403, 'FORBIDDEN');

      const a = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
      expectError(await cc.post('dir-xa-01', `/api/cases/${a.id}/assessment`, assessmentBody('R3')), 403, 'FORBIDDEN');
      expectError(await cc.post('dir-xa-01', `/api/cases/${a.id}/measures`, { type: 'medical', dueAt: isoIn(DAY) }), 403, 'FORBIDDEN');
      const closed = await cc.act('sup-xa', await cc.evidence('sup-xa', a), 'close_unsubstantiated', { reason: '不实' });
      expectError(await t('sup-xa', { action: 'reopen', version: closed.version, reason: 'x' }), 403, 'FORBIDDEN');
      expect((await cc.detail('sup-xa', c.id)).status).toBe('closed');
    });

    it('a supervisor cannot approve an R1 or R2 plan; a director cannot decide anything', async () => {
      for (const risk of ['R1', 'R2']) {
        const a = await accepted(risk, risk === 'R1' ? r1Violence() : { categories: ['N03'] });
        await cc.assess('sup-xa', a.id, risk);
        const m = await cc.addMeasure('sup-xa', a.id, { type: 'emergency_placement' });
        const c = await cc.act('sup-xa', m, 'start_intervention');
        const approval = c.pendingApproval.id as string;
        expectError(await cc.post('sup-xa', `/api/approvals/${approval}/decision`, { decision: 'approve', reason: 'ok' }), 403, 'FORBIDDEN');
        expectError(await cc.post('sup-xa', `/api/approvals/${approval}/decision`, { decision: 'reject', reason: 'no' }), 403, 'FORBIDDEN');
        expectError(await cc.post('dir-xa-01', `/api/approvals/${approval}/decision`, { decision: 'approve', reason: 'ok' }), 403, 'FORBIDDEN');
        expectError(await cc.get('dir-xa-01', '/api/approvals?status=pending'), 403, 'FORBIDDEN');
        const after = await cc.detail('district1', c.id);
        expect(after).toMatchObject({ status: 'assessing', version: c.version, pendingApproval: { id: approval, status: 'pending' } });
      }
    });

    it('admin sees no case content', async () => {
      const c = await file();
      expectError(await cc.get('admin', '/api/cases'), 403, 'FORBIDDEN');
      expectError(await cc.get('admin', `/api/cases/${c.id}`), 403, 'FORBIDDEN');
      expectError(await cc.get('admin', `/api/cases/${c.id}/timeline`), 403, 'FORBIDDEN');
      expectError(await cc.get('admin', `/api/cases/${c.id}/deadlines`), 403, 'FORBIDDEN');
      expectError(await cc.post('admin', '/api/cases', caseBody(xa1)), 403, 'FORBIDDEN');
      expectError(await cc.transitionRaw('admin', c.id, { action: 'escalate', version: c.version, reason: 'x' }), 403, 'FORBIDDEN');
      expectError(await cc.get('admin', '/api/approvals'), 403, 'FORBIDDEN');
      // Not even for an id that does not exist: the role is refused before anything is looked up.
      expectError(await cc.get('admin', `/api/cases/${randomUUID()}`), 403, 'FORBIDDEN');
    });
  });

  describe('404 for what does not exist or is out of scope', () => {
    it('a case of another street, of another community, of another district, or no case at all', async () => {
      const c = await file();
      const paths = (id: string) => [`/api/cases/${id}`, `/api/cases/${id}/timeline`, `/api/cases/${id}/timeline/verify`, `/api/cases/${id}/deadlines`];
      const unknown = randomUUID();
      for (const [who, id] of [
        ['sup-xx', c.id],
        ['dir-xa-02', c.id],
        [other.users.staff.username, c.id],
        [other.users.sup.username, c.id],
        ['sup-xa', unknown],
        ['district1', unknown],
      ]) {
        for (const path of paths(id)) expectError(await cc.get(who, path), 404, 'NOT_FOUND');
        expectError(await cc.transitionRaw(who, id, { action: 'escalate', version: 1, reason: 'x' }), 404, 'NOT_FOUND');
        expectError(await cc.post(who, `/api/cases/${id}/notes`, { text: '看看' }), 404, 'NOT_FOUND');
        expectError(await cc.post(who, `/api/cases/${id}/police`, { reportedAt: isoAgo(60_000) }), 404, 'NOT_FOUND');
        expectError(await cc.post(who, `/api/cases/${id}/visits`, { visitedAt: isoAgo(60_000), riskLevel: 'R3', outcome: 'x' }), 404, 'NOT_FOUND');
      }
      // The 404 says nothing the unknown id's 404 does not.
      const outOfScope = await cc.get('sup-xx', `/api/cases/${c.id}`);
      const missing = await cc.get('sup-xx', `/api/cases/${unknown}`);
      expect(outOfScope.body.message).toBe(missing.body.message);
      // Nothing leaked into their queues either.
      expect((await cc.listAll('sup-xx')).map((i) => i.id)).not.toContain(c.id);
      const theirs = await cc.listAll(other.users.staff.username);
      expect(theirs.map((i) => i.id)).not.toContain(c.id);
      expect(theirs.filter((i) => i.districtId !== other.districtId)).toEqual([]);
      // And the case was not touched.
      const now = await cc.detail('sup-xa', c.id);
      expect(now).toMatchObject({ version: c.version, notes: [], flags: [] });
    });

    it('filing for a community outside one’s scope, or for something that is not a community', async () => {
      const otherCommunity = other.communities['s-1'];
      let res = await postCase({}, 'district1', otherCommunity);
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual([{ field: 'communityId', message: expect.any(String) }]);
      expectError(await postCase({}, 'dir-xa-01', ids.community('xa', 1)), 404, 'NOT_FOUND');
      expectError(await postCase({}, 'dir-xa-01', ids.street('xa')), 404, 'NOT_FOUND');
      expectError(await postCase({}, 'district1', ids.street('xa')), 404, 'NOT_FOUND');
      expectError(await postCase({}, 'district1', ids.districtId), 404, 'NOT_FOUND');
      expectError(await postCase({}, 'district1', randomUUID()), 404, 'NOT_FOUND');
      expectError(await postCase({}, other.users.dir.username, xa1), 404, 'NOT_FOUND');
      // The other district's own director files there.
      res = await postCase({}, other.users.dir.username, otherCommunity);
      expectStatus(res, 201);
      expect(res.body.caseNo).toMatch(new RegExp(`^${other.casePrefix}-\\d{4}-\\d{6}$`));
      expectError(await cc.get('district1', `/api/cases/${res.body.id}`), 404, 'NOT_FOUND');
    });

    it('transfer, merge, measures and approvals that point outside the scope', async () => {
      const c = await accepted();
      const t = (as: string, body: Record<string, unknown>) => cc.transitionRaw(as, c.id, body);
      let res = await t('district1', { action: 'transfer', version: c.version, communityId: other.communities['s-1'], reason: '搬家' });
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual([{ field: 'communityId', message: expect.any(String) }]);
      expectError(await t('district1', { action: 'transfer', version: c.version, communityId: ids.street('xx'), reason: '搬家' }), 404, 'NOT_FOUND');
      const elsewhere = await cc.file('dir-xx-01', ids.community('xx', 0));
      res = await t('sup-xa', { action: 'merge', version: c.version, intoCaseId: elsewhere.id });
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual([{ field: 'intoCaseId', message: expect.any(String) }]);
      expectError(await t('sup-xa', { action: 'merge', version: c.version, intoCaseId: randomUUID() }), 404, 'NOT_FOUND');
      expectError(await cc.patch('sup-xa', `/api/cases/${c.id}/measures/${randomUUID()}`, { status: 'done', outcome: 'x' }), 404, 'NOT_FOUND');
      // A measure of another case is not found under this one.
      const m = await cc.addMeasure('sup-xa', (await accepted()).id);
      expectError(await cc.patch('sup-xa', `/api/cases/${c.id}/measures/${m.measures[0].id}`, { status: 'done', outcome: 'x' }), 404, 'NOT_FOUND');
      expectError(await cc.post('district1', `/api/approvals/${randomUUID()}/decision`, { decision: 'approve' }), 404, 'NOT_FOUND');
      // An approval of a case out of scope.
      const r2 = await accepted('R2', { categories: ['N03'] });
      await cc.assess('sup-xa', r2.id, 'R2');
      const planned = await cc.act('sup-xa', await cc.addMeasure('sup-xa', r2.id), 'start_intervention');
      expectError(
        await cc.post(other.users.staff.username, `/api/approvals/${planned.pendingApproval.id}/decision`, { decision: 'approve' }),
        404,
        'NOT_FOUND',
      );
      expectError(await cc.post('sup-xx', `/api/approvals/${planned.pendingApproval.id}/decision`, { decision: 'approve' }), 404, 'NOT_FOUND');
      const approvals = await cc.get(other.users.staff.username, '/api/approvals');
      expectStatus(approvals, 200);
      expect(approvals.body.items.map((a: { caseId: string }) => a.caseId)).not.toContain(planned.id);
      expect((await cc.detail('sup-xa', c.id)).version).toBe(c.version);
    });
  });

  describe('409 conflicts', () => {
    it('INVALID_TRANSITION: an action the current state does not allow', async () => {
      const c = await file();
      const t = (as: string, body: Record<string, unknown>) => cc.transitionRaw(as, c.id, body);
      expectError(await t('sup-xa', { action: 'begin_follow_up', version: c.version }), 409, 'INVALID_TRANSITION');
      expectError(await t('sup-xa', { action: 'start_intervention', version: c.version }), 409, 'INVALID_TRANSITION');
      expectError(await t('sup-xa', { action: 'close_unsubstantiated', version: c.version, reason: 'x' }), 409, 'INVALID_TRANSITION');
      expectError(await t('dir-xa-01', { action: 'submit', version: c.version }), 409, 'INVALID_TRANSITION');
      expectError(await t('dir-xa-01', { action: 'request_closure', version: c.version, ...closureBody }), 409, 'INVALID_TRANSITION');
      expectError(await t('district1', { action: 'reopen', version: c.version, reason: 'x' }), 409, 'INVALID_TRANSITION');
      expectError(await cc.post('sup-xa', `/api/cases/${c.id}/assessment`, assessmentBody('R3')), 409, 'INVALID_TRANSITION');
      expectError(await cc.post('sup-xa', `/api/cases/${c.id}/measures`, { type: 'medical', dueAt: isoIn(DAY) }), 409, 'INVALID_TRANSITION');
      expectError(
        await cc.post('dir-xa-01', `/api/cases/${c.id}/visits`, { visitedAt: isoAgo(60_000), riskLevel: 'R3', outcome: 'x' }),
        409,
        'INVALID_TRANSITION',
      );
      expect(await cc.detail('sup-xa', c.id)).toMatchObject({ status: 'submitted', version: c.version });

      // A measure is completed once.
      const a = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
      const m = await cc.addMeasure('sup-xa', a.id);
      await cc.closeMeasure('sup-xa', a.id, m.measures[0].id);
      expectError(
        await cc.patch('sup-xa', `/api/cases/${a.id}/measures/${m.measures[0].id}`, { status: 'cancelled', outcome: 'x' }),
        409,
        'INVALID_TRANSITION',
      );
    });

    it('STALE_VERSION: someone changed the case first', async () => {
      const c = await file();
      const moved = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
      const res = await cc.transitionRaw('sup-xa', c.id, { action: 'escalate', version: c.version, reason: '旧页面' });
      expectError(res, 409, 'STALE_VERSION');
      expect(res.body.details).toEqual([{ field: 'version', message: `is ${c.version}, the case is at ${moved.version}` }]);
      // A version from the future is just as stale.
      expectError(await cc.transitionRaw('sup-xa', c.id, { action: 'escalate', version: moved.version + 1, reason: 'x' }), 409, 'STALE_VERSION');
      // The state check does not run ahead of the version check: an old version always says reload.
      expectError(await cc.transitionRaw('sup-xa', c.id, { action: 'accept', version: c.version, riskLevel: 'R3', assigneeId: supId }), 409, 'STALE_VERSION');
      const ok = await cc.act('sup-xa', moved, 'escalate', { reason: '新页面' });
      expect(ok.flags).toEqual(['escalated']);
    });
  });

  describe('422 business rules', () => {
    it('PLAN_INCOMPLETE: no assessment, or no planned measure', async () => {
      let c = await accepted();
      const start = () => cc.transitionRaw('sup-xa', c.id, { action: 'start_intervention', version: c.version });
      let res = await start();
      expectError(res, 422, 'PLAN_INCOMPLETE');
      expect(res.body.message).toMatch(/assessment/);
      c = await cc.assess('sup-xa', c.id, 'R3');
      res = await start();
      expectError(res, 422, 'PLAN_INCOMPLETE');
      expect(res.body.message).toMatch(/measure/);
      const m = await cc.addMeasure('sup-xa', c.id);
      c = await cc.closeMeasure('sup-xa', c.id, m.measures[0].id, 'cancelled');
      expectError(await start(), 422, 'PLAN_INCOMPLETE');
      expect(await cc.detail('sup-xa', c.id)).toMatchObject({ status: 'assessing', version: c.version });
    });

    it('MEASURES_OPEN: follow-up cannot begin while a measure is planned', async () => {
      let c = await accepted('R3');
      await cc.assess('sup-xa', c.id, 'R3');
      await cc.addMeasure('sup-xa', c.id, { type: 'school_support' });
      c = await cc.addMeasure('sup-xa', c.id, { type: 'legal_aid' });
      c = await cc.act('sup-xa', c, 'start_intervention');
      expect(c.status).toBe('intervening');
      const res = await cc.transitionRaw('sup-xa', c.id, { action: 'begin_follow_up', version: c.version });
      expectError(res, 422, 'MEASURES_OPEN');
      expect(res.body.message).toMatch(/^2 measures are still open/);
      c = await cc.closeMeasure('sup-xa', c.id, c.measures[0].id);
      expectError(await cc.transitionRaw('sup-xa', c.id, { action: 'begin_follow_up', version: c.version }), 422, 'MEASURES_OPEN');
      c = await cc.closeMeasure('sup-xa', c.id, c.measures[1].id, 'cancelled');
      const ok = await cc.act('sup-xa', c, 'begin_follow_up');
      expect(ok.status).toBe('follow_up');
    });

    it('APPROVAL_PENDING: an R1 plan asked for twice (a closure asked twice: see SELF_APPROVAL)', async () => {
      let c = await accepted('R1', r1Violence());
      await cc.assess('sup-xa', c.id, 'R1');
      c = await cc.addMeasure('sup-xa', c.id, { type: 'emergency_placement' });
      c = await cc.act('sup-xa', c, 'start_intervention');
      expect(c.status).toBe('assessing');
      expectError(await cc.transitionRaw('sup-xa', c.id, { action: 'start_intervention', version: c.version }), 422, 'APPROVAL_PENDING');
      expect((await cc.detail('district1', c.id)).approvals).toHaveLength(1);
    });

    it('SELF_APPROVAL: the supervisor who asks to close an R3 case cannot approve it; another may', async () => {
      let c = await accepted('R3');
      await cc.assess('sup-xa', c.id, 'R3');
      c = await cc.addMeasure('sup-xa', c.id);
      c = await cc.act('sup-xa', c, 'start_intervention');
      c = await cc.closeMeasure('sup-xa', c.id, c.measures[0].id);
      c = await cc.act('sup-xa', c, 'begin_follow_up');
      c = await cc.act('sup-xa', await cc.meetClosureConditions('sup-xa', c.id), 'request_closure', closureBody);
      const approval = c.pendingApproval.id as string;
      expect(c.pendingApproval.decidedByRole).toBe('street_supervisor');
      expect(c.allowedActions).not.toContain('decide_approval');
      expectError(await cc.post('sup-xa', `/api/approvals/${approval}/decision`, { decision: 'approve', reason: '自己批' }), 422, 'SELF_APPROVAL');
      expectError(await cc.transitionRaw('dir-xa-01', c.id, { action: 'request_closure', version: c.version, ...closureBody }), 422, 'APPROVAL_PENDING');
      expect(await cc.detail('sup-xa', c.id)).toMatchObject({ status: 'follow_up', pendingApproval: { id: approval } });
      const res = await cc.post('district1', `/api/approvals/${approval}/decision`, { decision: 'approve', reason: '同意' });
      expectStatus(res, 200);
      expect(res.body.status).toBe('closed');
    });

    it('RULE_VIOLATION: police feedback before police were told', async () => {
      const c = await file();
      const res = await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, { feedbackAt: isoAgo(60_000), feedback: '已立案' });
      expectError(res, 422, 'RULE_VIOLATION');
      expect(res.body.details).toEqual([{ field: 'feedbackAt', message: expect.any(String) }]);
    });
  });

  describe('never a 500', () => {
    it('odd bodies on every case route get a 4xx', async () => {
      const c = await accepted();
      const m = await cc.addMeasure('sup-xa', c.id);
      const odd: unknown[] = [
        null,
        [],
        [1, 2],
        'text',
        42,
        {},
        { action: null, version: null },
        { action: ['accept'], version: [1] },
        { action: 'accept', version: 1e308 },
        { action: 'accept', version: 2 ** 31, riskLevel: 'R3', assigneeId: supId },
        { action: 'transfer', version: c.version, communityId: null, reason: null },
        { action: 'merge', version: c.version, intoCaseId: c.id },
        { action: 'request_closure', version: c.version, closureReason: null, checklist: null },
        { child: 'x', report: [], police: 'y', categories: 'V01', mandatoryItems: 'all' },
        {
          communityId: xa1,
          child: { name: {}, sex: [], birthDate: 20150101 },
          categories: [null],
          riskLevel: {},
          report: { reporterType: 1, discoveredAt: true },
        },
        { type: null, dueAt: null, ownerId: null },
        { status: null, outcome: null },
        { text: { zh: '备注' } },
        { visitedAt: '9999-12-31T00:00:00Z', riskLevel: 'R1', outcome: 'x' },
        { visitedAt: '1970-01-01T00:00:00Z', riskLevel: 'R1', outcome: 'x' },
        { decision: null, reason: null },
        { ['__proto__']: { admin: true } },
        { constructor: { prototype: { x: 1 } } },
      ];
      const routes: [string, string][] = [
        ['post', '/api/cases'],
        ['post', `/api/cases/${c.id}/transitions`],
        ['post', `/api/cases/${c.id}/assessment`],
        ['post', `/api/cases/${c.id}/measures`],
        ['patch', `/api/cases/${c.id}/measures/${m.measures[0].id}`],
        ['post', `/api/cases/${c.id}/visits`],
        ['post', `/api/cases/${c.id}/notes`],
        ['post', `/api/cases/${c.id}/reports`],
        ['post', `/api/cases/${c.id}/police`],
        ['post', `/api/approvals/${randomUUID()}/decision`],
      ];
      for (const as of ['dir-xa-01', 'sup-xa', 'district1']) {
        for (const [method, path] of routes) {
          for (const body of odd) {
            const token = await tokenFor(api, as);
            const req = method === 'post' ? api.http.post(path) : api.http.patch(path);
            const res = cc.note(
              method.toUpperCase(),
              `${path} ${JSON.stringify(body)}`,
              await req.set(bearer(token)).set('content-type', 'application/json').send(JSON.stringify(body)),
            );
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
          }
        }
      }
      const queries = [
        'status=',
        'limit=',
        'cursor=',
        'sort=',
        'q=',
        'assignee=',
        'riskLevel=,,',
        'status=a&status=b',
        'q=%00',
        'communityId[]=x',
        'q=' + 'A'.repeat(100),
      ];
      for (const qs of queries) {
        const res = await cc.get('sup-xa', `/api/cases?${qs}`);
        expect(res.status).toBeLessThan(500);
      }
    });
  });
});
