/**
 * The triage queue, GET /api/cases: scoping by role, every filter, every sort with
 * keyset pagination, masked names, and query plans on a large table.
 *
 * Filters and sorts run in a district of their own (written to the database,
 * users log in through the API), so the expected result of every query is known
 * exactly; scoping is also checked on the demo district.
 */
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, JurisdictionLevel, maskNameSql, Role, TRIMMED_CHARS } from '@shouhu/access';
import { ageInYears, ageInYearsSql, ageParams, CaseRepository, caseScope, ListCasesQuery } from '@shouhu/cases';
import { PreparedReads } from '@shouhu/database';
import {
  caseBody,
  CaseClient,
  CaseDetail,
  CaseOverrides,
  CaseSummary,
  createTree,
  dataSourceOf,
  demoIds,
  expectStatus,
  maskName,
  nationalId,
  r1Violence,
  randomBirthDate,
  sleep,
  TestTree,
  uniqueChildName,
} from '../helpers/cases';
import { startApi, TestApi } from '../helpers/test-app';

const NO_DUE = '9999-12-31T00:00:00.000Z';
const SORTS = ['-reportedAt', 'dueAt', 'riskLevel'] as const;
type Sort = (typeof SORTS)[number];

/** What the test knows about each case it made. */
interface Known {
  id: string;
  caseNo: string;
  status: string;
  riskLevel: string;
  categories: string[];
  communityId: string;
  streetId: string;
  assigneeId: string | null;
  childName: string;
  idNumber: string | null;
  reportedAt: string;
  dueAt: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The order api.md's sorts promise (ties broken by id, as the keyset needs). */
function expectedOrder(cases: Known[], sort: Sort): string[] {
  const sorted = [...cases].sort((a, b) => {
    switch (sort) {
      case '-reportedAt':
        return -cmp(a.reportedAt, b.reportedAt) || -cmp(a.id, b.id);
      case 'dueAt':
        return cmp(a.dueAt, b.dueAt) || cmp(a.id, b.id);
      case 'riskLevel':
        return cmp(a.riskLevel, b.riskLevel) || cmp(a.reportedAt, b.reportedAt) || cmp(a.id, b.id);
    }
  });
  return sorted.map((c) => c.id);
}

describe('case queue (e2e)', () => {
  let api: TestApi;
  let cc: CaseClient;
  let tree: TestTree;
  const known = new Map<string, Known>();
  /** Cases by a short name, for the expectations that name them. */
  const named: Record<string, string> = {};
  let user: (key: string) => string;
  let policy: string | undefined;

  async function record(name: string, c: CaseDetail, childName: string, idNumber: string | null = null) {
    named[name] = c.id;
    known.set(c.id, {
      id: c.id,
      caseNo: c.caseNo,
      status: c.status,
      riskLevel: c.riskLevel,
      categories: c.categories,
      communityId: c.communityId,
      streetId: c.streetId,
      assigneeId: c.assigneeId,
      childName,
      idNumber,
      reportedAt: c.reportedAt,
      dueAt: c.nextDeadline?.dueAt ?? NO_DUE,
    });
  }

  /** Files a case in the test district and takes it as far as asked; records what it became. */
  async function make(name: string, as: string, community: string, overrides: CaseOverrides, then?: (c: CaseDetail) => Promise<CaseDetail>) {
    const childName = uniqueChildName();
    const birthDate = randomBirthDate();
    const idNumber = name === 'A4' ? nationalId(birthDate) : null;
    let c = await cc.file(user(as), tree.communities[community], { ...overrides, child: { name: childName, birthDate, ...(idNumber ? { idNumber } : {}) } });
    if (then) c = await then(c);
    await record(name, await cc.detail(user('staff'), c.id), childName, idNumber);
  }

  const all = () => [...known.values()];
  const idsOf = (items: CaseSummary[]) => items.map((i) => i.id);

  beforeAll(async () => {
    // Only an R1 report's acceptance is due at once (0.36 s); every other deadline keeps its default hours.
    policy = join(tmpdir(), `shouhu-queue-policy-${randomUUID()}.json`);
    writeFileSync(policy, JSON.stringify({ hours: { accept_report: { R1: 0.0001 } } }));
    api = await startApi({ SLA_POLICY_FILE: policy });
    cc = new CaseClient(api);
    tree = await createTree(dataSourceOf(api), {
      streets: { a: 2, b: 1 },
      users: { staff: 'district', supA: 'a', supB: 'b', dirA1: 'a-1', dirA2: 'a-2', dirB1: 'b-1' },
    });
    cc.addTree(tree);
    user = (key) => tree.users[key].username;
    const id = (key: string) => tree.users[key].id;
    const accept = (sup: string, riskLevel: string, assignee: string) => (c: CaseDetail) =>
      cc.act(user(sup), c, 'accept', { riskLevel, assigneeId: id(assignee) });

    // Made one after the other, so that reportedAt differs and the expected orders are stable.
    await make('A1', 'dirA1', 'a-1', r1Violence());
    await make('A2', 'dirA1', 'a-1', { riskLevel: 'R4', categories: ['D05'] }, accept('supA', 'R4', 'supA'));
    await make('A3', 'dirA2', 'a-2', { riskLevel: 'R2', categories: ['N03'] }, accept('supA', 'R2', 'dirA2'));
    await make('A4', 'staff', 'a-2', { riskLevel: 'R3', categories: ['D08', 'N04'] });
    await make('A5', 'dirA1', 'a-1', { riskLevel: 'R3', categories: ['N04'], submit: false });
    await make('B1', 'dirB1', 'b-1', { riskLevel: 'R3', categories: ['N04'] });
    await make('B2', 'dirB1', 'b-1', r1Violence(), accept('supB', 'R1', 'supB'));
    await make('B3', 'staff', 'b-1', { riskLevel: 'R4', categories: ['D05'] }, async (c) =>
      cc.act(user('supB'), await cc.evidence(user('supB'), await accept('supB', 'R4', 'staff')(c)), 'close_unsubstantiated', { reason: '不实' }),
    );
    await make('A6', 'dirA2', 'a-2', { riskLevel: 'R2', categories: ['N04'] }, (c) => cc.act(user('supA'), c, 'return', { reason: '请补充' }));
    await make('A7', 'dirA1', 'a-1', {
      riskLevel: 'R1',
      categories: ['N01'],
      mandatoryItems: [6],
      police: { reportedAt: new Date(Date.now() - 600_000).toISOString() },
    });
  });
  afterEach(() => {
    expect(cc.serverErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await api?.close();
    if (policy) rmSync(policy, { force: true });
  });

  it('the test district holds what the test made', async () => {
    const statuses = Object.fromEntries(Object.entries(named).map(([n, id]) => [n, known.get(id)?.status]));
    expect(statuses).toEqual({
      A1: 'submitted',
      A2: 'assessing',
      A3: 'assessing',
      A4: 'submitted',
      A5: 'draft',
      B1: 'submitted',
      B2: 'assessing',
      B3: 'closed',
      A6: 'returned',
      A7: 'submitted',
    });
  });

  // PostgreSQL renders a queue row (CaseRepository.listSql); caseSummary renders the detail's
  // same fields. Row for row they must agree: in the test district, and on a page of the demo
  // district's (hotline reports not yet routed, escalated and flagged cases among them).
  const SUMMARY_KEYS = [
    'assigneeId',
    'caseNo',
    'categories',
    'childAgeYears',
    'childDisplayName',
    'childSex',
    'communityId',
    'districtId',
    'escalationLevel',
    'flags',
    'id',
    'mandatoryItems',
    'nextDeadline',
    'reportedAt',
    'riskLevel',
    'status',
    'statusLabel',
    'streetId',
    'version',
  ];
  async function expectRowsAreSummaries(as: string, query: string): Promise<void> {
    const res = await cc.get(as, `/api/cases${query}`);
    expectStatus(res, 200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const items = res.body.items as Record<string, unknown>[];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(SUMMARY_KEYS);
      const detail = (await cc.detail(as, item.id as string)) as unknown as Record<string, unknown>;
      // A deadline falling due between the two reads is overdue in one and not the other.
      const due = (item.nextDeadline as { dueAt: string } | null)?.dueAt;
      if (due && Math.abs(Date.parse(due) - Date.now()) < 5000) {
        delete (detail.nextDeadline as Record<string, unknown>).overdue;
        delete (item.nextDeadline as Record<string, unknown>).overdue;
      }
      expect(item).toEqual(Object.fromEntries(SUMMARY_KEYS.map((k) => [k, detail[k]])));
    }
  }

  it('each queue row of the test district is the summary its case detail shows', async () => {
    await expectRowsAreSummaries(user('staff'), '');
    await expectRowsAreSummaries(user('supA'), '?sort=dueAt');
  });

  it('each queue row of the demo district is the summary its case detail shows, an unlocated hotline report among them', async () => {
    const ids = await demoIds(api);
    const unlocated = caseBody('placeholder', { report: { reporterType: undefined, location: `宝安区某公园东门${randomUUID().slice(0, 4)}` } });
    unlocated.communityId = null;
    expectStatus(await cc.post('hotline', '/api/cases', unlocated), 201);
    // (not R1: this file's policy makes an R1 acceptance due 0.36 s after the report)
    await cc.file('dir-xa-01', ids.community('xa', 0), { riskLevel: 'R2', categories: ['N03'] });
    await cc.file('dir-xa-01', ids.community('xa', 0), { submit: false });
    for (const query of ['?sort=dueAt', '?sort=riskLevel', '?unlocated=true&limit=5']) await expectRowsAreSummaries('district1', query);
  });

  describe('scoping', () => {
    it('a director sees their community, a supervisor their street, district staff the district', async () => {
      const scopes: [string, (k: Known) => boolean][] = [
        ['dirA1', (k) => k.communityId === tree.communities['a-1']],
        ['dirA2', (k) => k.communityId === tree.communities['a-2']],
        ['dirB1', (k) => k.communityId === tree.communities['b-1']],
        ['supA', (k) => k.streetId === tree.streets.a],
        ['supB', (k) => k.streetId === tree.streets.b],
        ['staff', () => true],
      ];
      for (const [who, inScope] of scopes) {
        const items = await cc.listAll(user(who));
        expect(idsOf(items)).toEqual(expectedOrder(all().filter(inScope), '-reportedAt'));
      }
      // Filters never widen the scope.
      expect(await cc.listAll(user('dirA1'), { communityId: tree.communities['a-2'] })).toEqual([]);
      expect(await cc.listAll(user('supA'), { streetId: tree.streets.b })).toEqual([]);
      // The demo district's staff see none of it, and its staff none of the demo district.
      const demo = await cc.listAll('district1');
      expect(demo.filter((i) => known.has(i.id))).toEqual([]);
    });

    it('in the demo district: every item of each caller lies in the caller’s jurisdiction', async () => {
      const ids = await demoIds(api);
      const mine = await cc.file('dir-xa-01', ids.community('xa', 0));
      const neighbour = await cc.file('dir-xa-02', ids.community('xa', 1));
      const otherStreet = await cc.file('dir-xx-01', ids.community('xx', 0));
      const checks: [string, (i: CaseSummary) => boolean, string[], string[]][] = [
        ['dir-xa-01', (i) => i.communityId === ids.community('xa', 0), [mine.id], [neighbour.id, otherStreet.id]],
        ['sup-xa', (i) => i.streetId === ids.street('xa'), [mine.id, neighbour.id], [otherStreet.id]],
        ['sup-xx', (i) => i.streetId === ids.street('xx'), [otherStreet.id], [mine.id, neighbour.id]],
        ['district1', (i) => i.districtId === ids.districtId, [mine.id, neighbour.id, otherStreet.id], []],
      ];
      for (const [who, inScope, present, absent] of checks) {
        const items = await cc.listAll(who);
        expect(items.filter((i) => !inScope(i))).toEqual([]);
        for (const id of present) expect(idsOf(items)).toContain(id);
        for (const id of absent) expect(idsOf(items)).not.toContain(id);
        expect(items.filter((i) => known.has(i.id))).toEqual([]);
      }
    });
  });

  describe('filters', () => {
    type Want = (k: Known, t: TestTree) => boolean;
    const uid = (t: TestTree, key: string) => t.users[key].id;
    const filters: { label: string; who: string; query: (t: TestTree) => Record<string, string>; want: Want }[] = [
      { label: 'status', who: 'staff', query: () => ({ status: 'submitted' }), want: (k) => k.status === 'submitted' },
      { label: 'several statuses', who: 'staff', query: () => ({ status: 'submitted,assessing' }), want: (k) => ['submitted', 'assessing'].includes(k.status) },
      { label: 'draft status (the supervisor sees the street’s drafts)', who: 'supA', query: () => ({ status: 'draft' }), want: (k) => k.status === 'draft' },
      { label: 'riskLevel', who: 'staff', query: () => ({ riskLevel: 'R1' }), want: (k) => k.riskLevel === 'R1' },
      { label: 'several risk levels', who: 'staff', query: () => ({ riskLevel: 'R1,R4' }), want: (k) => ['R1', 'R4'].includes(k.riskLevel) },
      { label: 'category', who: 'staff', query: () => ({ category: 'D05' }), want: (k) => k.categories.includes('D05') },
      { label: 'a category among several', who: 'staff', query: () => ({ category: 'N04' }), want: (k) => k.categories.includes('N04') },
      { label: 'communityId', who: 'staff', query: (t) => ({ communityId: t.communities['a-1'] }), want: (k, t) => k.communityId === t.communities['a-1'] },
      { label: 'streetId', who: 'staff', query: (t) => ({ streetId: t.streets.b }), want: (k, t) => k.streetId === t.streets.b },
      { label: 'assignee=me (supervisor)', who: 'supA', query: () => ({ assignee: 'me' }), want: (k, t) => k.assigneeId === uid(t, 'supA') },
      { label: 'assignee=me (director)', who: 'dirA2', query: () => ({ assignee: 'me' }), want: (k, t) => k.assigneeId === uid(t, 'dirA2') },
      { label: 'assignee=<id>', who: 'staff', query: (t) => ({ assignee: uid(t, 'dirA2') }), want: (k, t) => k.assigneeId === uid(t, 'dirA2') },
      {
        label: 'assignee=<id> of district staff, upper-case',
        who: 'supB',
        query: (t) => ({ assignee: uid(t, 'staff').toUpperCase() }),
        want: (k, t) => k.assigneeId === uid(t, 'staff'),
      },
      {
        label: 'several filters at once',
        who: 'supA',
        query: (t) => ({ status: 'submitted', riskLevel: 'R1', communityId: t.communities['a-1'] }),
        want: (k, t) => k.status === 'submitted' && k.riskLevel === 'R1' && k.communityId === t.communities['a-1'],
      },
    ];
    const scopeOf: Record<string, Want> = {
      staff: () => true,
      supA: (k, t) => k.streetId === t.streets.a,
      supB: (k, t) => k.streetId === t.streets.b,
      dirA2: (k, t) => k.communityId === t.communities['a-2'],
    };

    it.each(filters)('$label', async ({ who, query, want }) => {
      const expected = expectedOrder(
        all().filter((k) => scopeOf[who](k, tree) && want(k, tree)),
        '-reportedAt',
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(idsOf(await cc.listAll(user(who), query(tree)))).toEqual(expected);
      // The same through pages of one.
      expect(idsOf(await cc.listAll(user(who), query(tree), 1))).toEqual(expected);
    });

    it('overdue=true and overdue=false', async () => {
      // A1 and A7 (R1, submitted) are due 0.36 s after their report; wait until both are past due.
      const urgent = [named.A1, named.A7].map((id) => known.get(id) as Known);
      for (const k of urgent) expect(Date.parse(k.dueAt) - Date.parse(k.reportedAt)).toBeLessThan(5_000);
      await sleep(Math.max(0, ...urgent.map((k) => Date.parse(k.dueAt) - Date.now())) + 200);
      const overdue = await cc.listAll(user('staff'), { overdue: 'true' });
      expect(idsOf(overdue).sort()).toEqual([named.A1, named.A7].sort());
      for (const item of overdue) expect(item.nextDeadline).toMatchObject({ kind: 'accept_report', overdue: true });
      const notOverdue = await cc.listAll(user('staff'), { overdue: 'false' });
      expect(idsOf(notOverdue)).toEqual(
        expectedOrder(
          all().filter((k) => !urgent.includes(k)),
          '-reportedAt',
        ),
      );
      for (const item of notOverdue) expect(item.nextDeadline?.overdue ?? false).toBe(false);
      // Drafts and closed cases have no deadline at all; a returned one waits for its resubmission.
      expect(
        notOverdue
          .filter((i) => i.nextDeadline === null)
          .map((i) => i.id)
          .sort(),
      ).toEqual([named.A5, named.B3].sort());
      expect(notOverdue.find((i) => i.id === named.A6)?.nextDeadline).toMatchObject({ kind: 'resubmit', overdue: false });
      expect(idsOf(await cc.listAll(user('supB'), { overdue: 'true' }))).toEqual([]);
      expect(idsOf(await cc.listAll(user('supA'), { overdue: 'true', riskLevel: 'R1', communityId: tree.communities['a-1'] })).sort()).toEqual(
        [named.A1, named.A7].sort(),
      );
    });

    it('q: the beginning of a case number, in any case', async () => {
      const a3 = known.get(named.A3) as Known;
      expect(idsOf(await cc.listAll(user('staff'), { q: a3.caseNo }))).toEqual([a3.id]);
      expect(idsOf(await cc.listAll(user('staff'), { q: a3.caseNo.toLowerCase() }))).toEqual([a3.id]);
      expect(idsOf(await cc.listAll(user('staff'), { q: tree.casePrefix }))).toEqual(expectedOrder(all(), '-reportedAt'));
      const prefix = a3.caseNo.slice(0, -1);
      expect(idsOf(await cc.listAll(user('staff'), { q: prefix }))).toEqual(
        expectedOrder(
          all().filter((k) => k.caseNo.startsWith(prefix)),
          '-reportedAt',
        ),
      );
      expect(await cc.listAll(user('staff'), { q: 'BA-' })).toEqual([]);
      // q matches the start only.
      expect(await cc.listAll(user('staff'), { q: a3.caseNo.slice(1) })).toEqual([]);
    });
  });

  describe('sorting and keyset pagination', () => {
    it.each(SORTS.map((sort) => ({ sort })))('sort=$sort: pages of two serve every case once, in order', async ({ sort }) => {
      const expected = expectedOrder(all(), sort);
      const q: Record<string, string> = sort === '-reportedAt' ? {} : { sort };
      expect(idsOf(await cc.listAll(user('staff'), q, 200))).toEqual(expected);
      expect(idsOf(await cc.listAll(user('staff'), q, 2))).toEqual(expected);
      expect(idsOf(await cc.listAll(user('staff'), q, 3))).toEqual(expected);
      // Within a filter and a narrower scope too.
      const inA = expectedOrder(
        all().filter((k) => k.streetId === tree.streets.a && ['submitted', 'returned', 'assessing'].includes(k.status)),
        sort,
      );
      expect(idsOf(await cc.listAll(user('supA'), { ...q, status: 'submitted,returned,assessing' }, 2))).toEqual(inA);
    });

    it('sort=-reportedAt is the default', async () => {
      const res = await cc.get(user('staff'), '/api/cases?limit=200');
      expectStatus(res, 200);
      expect(idsOf(res.body.items)).toEqual(expectedOrder(all(), '-reportedAt'));
      expect(res.body.nextCursor).toBeNull();
    });

    it('dueAt puts the earliest deadline first and cases without one last; riskLevel puts R1 first', async () => {
      const byDue = await cc.listAll(user('staff'), { sort: 'dueAt' });
      const dues = byDue.map((i) => i.nextDeadline?.dueAt ?? NO_DUE);
      expect(dues).toEqual([...dues].sort());
      expect(byDue.slice(-2).map((i) => i.nextDeadline)).toEqual([null, null]);
      const byRisk = await cc.listAll(user('staff'), { sort: 'riskLevel' });
      const risks = byRisk.map((i) => i.riskLevel);
      expect(risks).toEqual([...risks].sort());
      expect(risks[0]).toBe('R1');
      // The deadline shown is the case's earliest pending one.
      for (const item of byDue) {
        const res = await cc.get(user('staff'), `/api/cases/${item.id}/deadlines`);
        expectStatus(res, 200);
        const pending = (res.body as { status: string; dueAt: string }[])
          .filter((d) => d.status === 'pending')
          .map((d) => d.dueAt)
          .sort();
        expect(item.nextDeadline?.dueAt ?? null).toBe(pending[0] ?? null);
      }
    });

    it('a case filed between page 1 and page 2 does not disturb page 2 (sort -reportedAt)', async () => {
      const before = expectedOrder(all(), '-reportedAt');
      const page1 = await cc.get(user('staff'), '/api/cases?limit=2');
      expectStatus(page1, 200);
      expect(idsOf(page1.body.items)).toEqual(before.slice(0, 2));
      // A new report arrives: it sorts first, before the cursor.
      const childName = uniqueChildName();
      const fresh = await cc.file(user('dirB1'), tree.communities['b-1'], { child: { name: childName } });
      await record('late', await cc.detail(user('staff'), fresh.id), childName);
      const page2 = await cc.get(user('staff'), `/api/cases?limit=2&cursor=${page1.body.nextCursor}`);
      expectStatus(page2, 200);
      expect(idsOf(page2.body.items)).toEqual(before.slice(2, 4));
      // Following the cursor to the end serves exactly the cases that were there before.
      const rest: string[] = [];
      let cursor = page2.body.nextCursor as string | null;
      while (cursor) {
        const res = await cc.get(user('staff'), `/api/cases?limit=2&cursor=${cursor}`);
        expectStatus(res, 200);
        rest.push(...idsOf(res.body.items));
        cursor = res.body.nextCursor;
      }
      expect([...idsOf(page1.body.items), ...idsOf(page2.body.items), ...rest]).toEqual(before);
      // A fresh first page shows the new case on top.
      const again = await cc.get(user('staff'), '/api/cases?limit=2');
      expect(again.body.items[0].id).toBe(fresh.id);
    });
  });

  it('list items show the masked name only: no full name, ID number, address or school', async () => {
    const res = await cc.get(user('staff'), '/api/cases?limit=200');
    expectStatus(res, 200);
    const items = res.body.items as CaseSummary[];
    expect(items.length).toBe(known.size);
    const text = JSON.stringify(res.body);
    for (const item of items) {
      const k = known.get(item.id) as Known;
      expect(item.childDisplayName).toBe(maskName(k.childName));
      expect(item.childDisplayName).toMatch(/^\p{Script=Han}\*+\p{Script=Han}$/u);
      expect(item).not.toHaveProperty('child');
      expect(text).not.toContain(k.childName);
      if (k.idNumber) expect(text).not.toContain(k.idNumber);
    }
    expect(known.get(named.A4)?.idNumber).toEqual(expect.any(String));
    expect(text).not.toContain('测试路1号');
    expect(text).not.toContain('测试小学');
    // A three-character name keeps its first and last character.
    const child = { name: '张晓明', birthDate: randomBirthDate() };
    const c = await cc.file(user('dirA1'), tree.communities['a-1'], { child });
    await record('zhang', await cc.detail(user('staff'), c.id), child.name);
    const list = await cc.listAll(user('dirA1'), { q: c.caseNo });
    expect(list.map((i) => i.childDisplayName)).toEqual(['张*明']);
  });

  it('PostgreSQL masks a name as maskName does, awkward names included', async () => {
    const names = [
      '张三',
      '张小明',
      '欧阳小明',
      '王',
      ' 李四 ',
      '\u3000赵钱孙\u3000',
      '\t周\n',
      '   ',
      'A"B\\C',
      "O'Neil",
      '𠀋𠀌𠀍𠀎',
      '\u00a0吴\u2028',
      'Zoë Ångström',
    ];
    const rows: { masked: string }[] = await dataSourceOf(api).query(
      `SELECT ${maskNameSql('n.name', '$2')} AS masked FROM unnest(CAST($1 AS text[])) WITH ORDINALITY AS n(name, i) ORDER BY n.i`,
      [names, TRIMMED_CHARS],
    );
    expect(rows.map((r) => r.masked)).toEqual(names.map(maskName));
  });

  it("PostgreSQL counts a child's age as ageInYears does, on the birthday and either side of it", async () => {
    const days = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const instants = [
      '2026-03-01T00:00:00.000Z',
      '2027-02-28T23:59:59.999Z',
      '2028-02-29T12:00:00.000Z',
      '2026-12-31T16:30:00.000Z',
      new Date().toISOString(),
    ].map((t) => new Date(t));
    for (const at of instants) {
      const tenYearsAgo = new Date(Date.UTC(at.getUTCFullYear() - 10, at.getUTCMonth(), at.getUTCDate()));
      const births = [-1, 0, 1].map((n) => days(tenYearsAgo, n)).concat(['2016-02-29', '2012-02-29', '2010-12-31', '2011-01-01']);
      const { year, monthDay } = ageParams(at);
      const rows: { age: number }[] = await dataSourceOf(api).query(
        `SELECT ${ageInYearsSql('CAST(b.d AS date)', '$2', '$3')} AS age FROM unnest(CAST($1 AS text[])) WITH ORDINALITY AS b(d, i) ORDER BY b.i`,
        [births, year, monthDay],
      );
      expect(rows.map((r) => r.age)).toEqual(births.map((b) => ageInYears(b, at)));
    }
  });

  it("the queue's own pool plans generically and outlives a connection the server drops", async () => {
    const prepared = api.app.get(PreparedReads);
    const text = "SELECT current_setting('plan_cache_mode') AS mode, pg_backend_pid() AS pid, CAST($1 AS int) + 1 AS n";
    const [first] = await prepared.query<{ mode: string; pid: number; n: number }>(text, [41]);
    expect(first).toEqual({ mode: 'force_generic_plan', pid: expect.any(Number), n: 42 });
    // Not the api's main pool: its connections plan as PostgreSQL chooses.
    const [main] = await dataSourceOf(api).query("SELECT current_setting('plan_cache_mode') AS mode");
    expect(main.mode).toBe('auto');
    // The server drops the connection: the next page is served on a new one, not answered with an error.
    await dataSourceOf(api).query('SELECT pg_terminate_backend($1)', [first.pid]);
    await sleep(200);
    const [again] = await prepared.query<{ n: number; pid: number }>(text, [1]);
    expect(again.n).toBe(2);
    expect(again.pid).not.toBe(first.pid);
    expect(prepared.poolStats()).toEqual({ total: expect.any(Number), idle: expect.any(Number), waiting: 0 });
  });

  describe('query plans on a large table', () => {
    let big: TestTree;
    const supervisorOf = (t: TestTree): Actor => ({
      id: t.users.sup.id,
      username: t.users.sup.username,
      role: Role.StreetSupervisor,
      jurisdictionId: t.streets.big,
      level: JurisdictionLevel.Street,
      districtId: t.districtId,
      streetId: t.streets.big,
      communityId: null,
    });

    beforeAll(async () => {
      const db = dataSourceOf(api);
      big = await createTree(db, { streets: { big: 2, small: 1 }, users: { sup: 'big', staff: 'district', dir: 'big-1' } });
      // 20000 cases in one street (two communities), made in SQL: children first, then their cases.
      // Set-up, not a request: free of the pool's 30 s statement timeout, which a slow host once
      // exceeded here (the insert fires the rollups' triggers on 20000 rows).
      await db.transaction(async (m) => {
        await m.query('SET LOCAL statement_timeout = 0');
        await m.query(
          `WITH ch AS (
           INSERT INTO child (name, sex, birth_date, street_id)
           SELECT '批量' || g, 'female', date '2012-01-01' + (g % 3000), $1::uuid FROM generate_series(1, 20000) g
           RETURNING id
         ), numbered AS (SELECT id, row_number() OVER () AS n FROM ch)
         INSERT INTO "case" (case_no, status, risk_level, categories, child_id, community_id, street_id, district_id, created_by_id, reported_at, next_due_at)
         SELECT $2 || '-2026-' || lpad(n::text, 6, '0'),
                (ARRAY['submitted','assessing','intervening','follow_up','closed'])[1 + n % 5]::case_status,
                (ARRAY['R1','R2','R3','R4'])[1 + n % 4]::risk_level,
                ARRAY[(ARRAY['N02','V01','D05'])[1 + n % 3]]::varchar[],
                id, CASE WHEN n % 2 = 0 THEN $3::uuid ELSE $4::uuid END, $1::uuid, $5::uuid, $6::uuid,
                now() - make_interval(mins => n::int),
                CASE WHEN n % 5 = 4 THEN '9999-12-31T00:00:00Z'::timestamptz ELSE now() + make_interval(hours => (n % 1000)::int) END
         FROM numbered`,
          [big.streets.big, big.casePrefix, big.communities['big-1'], big.communities['big-2'], big.districtId, big.users.sup.id],
        );
      });
      await db.query('ANALYZE "case"');
      await db.query('ANALYZE child');
    }, 120_000);

    /** Every node of an EXPLAIN (FORMAT JSON) plan. */
    function nodes(plan: Record<string, unknown>): Record<string, unknown>[] {
      return [plan, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(nodes)];
    }

    async function planOf(actor: Actor, query: ListCasesQuery): Promise<Record<string, unknown>[]> {
      const scope = caseScope(actor);
      const [sql, params] = api.app.get(CaseRepository).listSql(scope, query, actor.id, 50);
      const [row] = await dataSourceOf(api).query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const plan = (typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'])[0].Plan;
      return nodes(plan);
    }

    it('the street really holds 20000 cases for its supervisor', async () => {
      const [{ n }] = await dataSourceOf(api).query('SELECT count(*)::int AS n FROM "case" WHERE street_id = $1', [big.streets.big]);
      expect(n).toBe(20000);
      const [sql, params] = api.app.get(CaseRepository).listSql(caseScope(supervisorOf(big)), {}, big.users.sup.id, 50);
      const [page] = await dataSourceOf(api).query(sql, params);
      expect(page.fetched).toBe(51);
      expect(page.broken).toBe(false);
      expect(JSON.parse(`[${page.items}]`)).toHaveLength(50);
    });

    /**
     * The plan the queue's own pool runs (PreparedReads: prepared, force_generic_plan): made once
     * for any parameter values, it must still read the page through an index, in its order.
     */
    async function genericPlanOf(actor: Actor, query: ListCasesQuery): Promise<Record<string, unknown>[]> {
      const [sql, params] = api.app.get(CaseRepository).listSql(caseScope(actor), query, actor.id, 50);
      const runner = dataSourceOf(api).createQueryRunner();
      try {
        await runner.query('SET plan_cache_mode = force_generic_plan');
        await runner.query(`PREPARE queue_plan AS ${sql}`);
        // EXPLAIN takes no bound parameters: the values as literals.
        const args = params.map((v) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`)).join(', ');
        const [row] = await runner.query(`EXPLAIN (FORMAT JSON) EXECUTE queue_plan(${args})`);
        const plan = (typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'])[0].Plan;
        return nodes(plan);
      } finally {
        await runner.query('DEALLOCATE ALL').catch(() => undefined);
        await runner.query('RESET plan_cache_mode').catch(() => undefined);
        await runner.release();
      }
    }

    it.each([
      ...SORTS.map((sort) => ({ sort, overdue: undefined })),
      { sort: 'dueAt' as const, overdue: 'true' as const },
      { sort: 'dueAt' as const, overdue: 'false' as const },
    ])(
      "the queue's generic plan (sort=$sort, overdue=$overdue) reads through an index in the page's order, for the supervisor and the district",
      async ({ sort, overdue }) => {
        const staff: Actor = {
          ...supervisorOf(big),
          id: big.users.staff.id,
          role: Role.DistrictStaff,
          jurisdictionId: big.districtId,
          level: JurisdictionLevel.District,
          streetId: null,
        };
        for (const actor of [supervisorOf(big), staff]) {
          const all = await genericPlanOf(actor, { ...(sort === '-reportedAt' ? {} : { sort }), ...(overdue ? { overdue } : {}) });
          expect(all.filter((n) => n['Relation Name'] === 'case' && n['Node Type'] === 'Seq Scan')).toEqual([]);
          expect(all.filter((n) => ((n['Index Name'] as string | undefined) ?? '').startsWith('case_')).length).toBeGreaterThan(0);
          expect(all.filter((n) => n['Node Type'] === 'Sort')).toEqual([]);
        }
      },
    );

    it.each(SORTS.map((sort) => ({ sort })))(
      "the supervisor's queue (sort=$sort) reads the case table through an index, never a Seq Scan",
      async ({ sort }) => {
        const all = await planOf(supervisorOf(big), sort === '-reportedAt' ? {} : { sort });
        expect(all.filter((n) => n['Relation Name'] === 'case' && n['Node Type'] === 'Seq Scan')).toEqual([]);
        expect(all.filter((n) => ((n['Index Name'] as string | undefined) ?? '').startsWith('case_')).length).toBeGreaterThan(0);
        // It does not sort the whole street either: the index gives the order.
        expect(all.filter((n) => n['Node Type'] === 'Sort')).toEqual([]);
      },
    );

    it.each(SORTS.map((sort) => ({ sort })))('district staff and directors of that district too (sort=$sort)', async ({ sort }) => {
      const staff: Actor = {
        id: big.users.staff.id,
        username: big.users.staff.username,
        role: Role.DistrictStaff,
        jurisdictionId: big.districtId,
        level: JurisdictionLevel.District,
        districtId: big.districtId,
        streetId: null,
        communityId: null,
      };
      const director: Actor = {
        id: big.users.dir.id,
        username: big.users.dir.username,
        role: Role.CommunityDirector,
        jurisdictionId: big.communities['big-1'],
        level: JurisdictionLevel.Community,
        districtId: big.districtId,
        streetId: big.streets.big,
        communityId: big.communities['big-1'],
      };
      for (const actor of [staff, director]) {
        const all = await planOf(actor, sort === '-reportedAt' ? {} : { sort });
        expect(all.filter((n) => n['Relation Name'] === 'case' && n['Node Type'] === 'Seq Scan')).toEqual([]);
      }
    });
  });
});
