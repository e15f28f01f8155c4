/**
 * Helpers for the case e2e tests (test/e2e/cases-*.e2e-spec.ts): valid request
 * bodies, the workflow steps as HTTP calls, demo jurisdiction and user ids, and
 * jurisdiction trees written straight to the database for what the API cannot
 * set up (a second district, bulk data).
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type request from 'supertest';
import { DataSource } from 'typeorm';
import { maskName } from '@shouhu/access';
import type { TimelineView } from '@shouhu/timeline';
import * as argon2 from 'argon2';
import { bearer, expectError, startApi, TestApi, tokenFor } from './test-app';

export { maskName };

// ── Values ──────────────────────────────────────────────────────────────────

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export const isoAgo = (ms: number) => new Date(Date.now() - ms).toISOString();
export const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

/** The GB 11643-1999 check character of the first 17 digits of a national ID number. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`not 17 digits: ${first17}`);
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return '10X98765432'[sum % 11];
}

/**
 * A valid, practically unique 18-character national ID number for this birth date
 * (region and sequence random); `valid: false` gives one with a wrong check character.
 */
export function nationalId(birthDate: string, options: { valid?: boolean } = {}): string {
  const region = String(randomInt(110000, 660000));
  const first17 = `${region}${birthDate.replace(/-/g, '')}${String(randomInt(0, 1000)).padStart(3, '0')}`;
  const check = idCheckChar(first17);
  if (options.valid === false) {
    const wrong = '0123456789X'.split('').filter((c) => c !== check);
    return first17 + wrong[randomInt(0, wrong.length)];
  }
  return first17 + check;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const GIVEN_CHARS = Array.from('小明思雨子涵浩然欣怡宇轩梓萱一诺俊杰雨桐嘉晨曦天佑诗琪博文佳琳昊泽雅静可馨若汐明远嘉懿君浩乐安沐阳芷若奕辰');

/** A fictitious child name (surname and three given characters) no other test uses. */
export function uniqueChildName(): string {
  let given = '';
  for (let i = 0; i < 3; i += 1) given += GIVEN_CHARS[randomInt(0, GIVEN_CHARS.length)];
  return SURNAMES[randomInt(0, SURNAMES.length)] + given;
}

/** A random birth date (YYYY-MM-DD) of a child now aged between minAge and maxAge. */
export function randomBirthDate(minAge = 2, maxAge = 15): string {
  const now = Date.now();
  const from = now - (maxAge + 1) * 365 * DAY + 2 * DAY;
  const to = now - minAge * 366 * DAY;
  return new Date(randomInt(from, to)).toISOString().slice(0, 10);
}

/** YYYY-MM-DD of today (UTC) shifted by whole years and days. */
export function dateShifted(years: number, days = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// ── Bodies ──────────────────────────────────────────────────────────────────

export interface CaseOverrides {
  child?: Record<string, unknown>;
  report?: Record<string, unknown>;
  police?: Record<string, unknown> | null;
  categories?: unknown;
  mandatoryItems?: unknown;
  riskLevel?: unknown;
  submit?: unknown;
  [field: string]: unknown;
}

/**
 * A valid POST /api/cases body for a community: a new child (unique name, no ID
 * number unless given), R3 neglect found on a visit. Nested objects of the
 * overrides are merged; `police: null` leaves police out.
 */
export function caseBody(communityId: string, overrides: CaseOverrides = {}): Record<string, unknown> {
  const { child, report, police, ...rest } = overrides;
  const body: Record<string, unknown> = {
    communityId,
    child: { name: uniqueChildName(), sex: 'female', birthDate: randomBirthDate(), address: '测试路1号', school: '测试小学', ...(child ?? {}) },
    categories: ['N04'],
    riskLevel: 'R3',
    report: {
      reporterType: 'internal_discovery',
      reporterName: '走访人',
      reporterPhone: '13800138000',
      discoveredAt: isoAgo(2 * HOUR),
      location: '测试小区',
      narrative: '入户走访发现儿童独自在家。',
      ...(report ?? {}),
    },
    ...rest,
  };
  if (police !== undefined && police !== null) body.police = police;
  return body;
}

/** The R1 family-violence report of api.md's example: V01, mandatory item 4, police told an hour ago. */
export const r1Violence = (extra: CaseOverrides = {}): CaseOverrides => ({
  categories: ['V01'],
  mandatoryItems: [4],
  riskLevel: 'R1',
  report: { reporterType: 'mandatory_institution', reporterOrg: '测试小学', narrative: '学校发现儿童身上多处淤青，疑似家庭暴力。' },
  police: { reportedAt: isoAgo(HOUR), receiptNo: `JJ${randomInt(100000, 999999)}` },
  ...extra,
});

export const assessmentBody = (riskLevel: string) => ({
  safety: '儿童目前安全，已暂住亲属家。',
  guardianship: '监护人监护能力不足。',
  wellbeing: '身体有旧伤，情绪低落。',
  riskLevel,
  summary: '需要处置帮扶。',
});

/** A risk_resolved closure request. The record decides whether it holds (see CaseClient.meetClosureConditions). */
export const closureBody = { closureReason: 'risk_resolved' };

// ── HTTP ────────────────────────────────────────────────────────────────────

export type Res = request.Response;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CaseDetail = Record<string, any> & { id: string; caseNo: string; status: string; version: number; allowedActions: string[] };

/** Fails with the response body when the status is not the expected one. */
export function expectStatus(res: Res, status: number): void {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

export class CaseClient {
  /** Passwords of users that are not demo users (test trees). */
  private readonly passwords = new Map<string, string>();

  constructor(readonly api: TestApi) {}

  /** Lets `as` name the users of a test tree by username. */
  addTree(tree: TestTree): void {
    for (const u of Object.values(tree.users)) this.passwords.set(u.username, tree.password);
  }

  async token(username: string): Promise<string> {
    return tokenFor(this.api, username, this.passwords.get(username));
  }

  private async auth(as: string): Promise<{ Authorization: string }> {
    return bearer(await this.token(as));
  }

  /** Every 5xx answer this client got ("METHOD path status"): a test file expects none. */
  readonly serverErrors: string[] = [];

  /** Records 5xx answers; every request of the client goes through here. */
  note(method: string, path: string, res: Res): Res {
    if (res.status >= 500) this.serverErrors.push(`${method} ${path} ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  async get(as: string, path: string): Promise<Res> {
    return this.note('GET', path, await this.api.http.get(path).set(await this.auth(as)));
  }

  post(as: string, path: string, body: unknown): Promise<Res> {
    return this.send('post', as, path, body);
  }

  put(as: string, path: string, body: unknown): Promise<Res> {
    return this.send('put', as, path, body);
  }

  patch(as: string, path: string, body: unknown): Promise<Res> {
    return this.send('patch', as, path, body);
  }

  /** A JSON request as `as`, its 5xx recorded. */
  private async send(method: 'post' | 'put' | 'patch', as: string, path: string, body: unknown): Promise<Res> {
    const res = await this.api.http[method](path)
      .set(await this.auth(as))
      .send(body as object);
    return this.note(method.toUpperCase(), path, res);
  }

  /** POST /api/cases; expects 201 (or the given status) and returns the body. */
  async file(as: string, communityId: string, overrides: CaseOverrides = {}, status = 201): Promise<CaseDetail> {
    const res = await this.post(as, '/api/cases', caseBody(communityId, overrides));
    expectStatus(res, status);
    return res.body;
  }

  async detail(as: string, id: string): Promise<CaseDetail> {
    const res = await this.get(as, `/api/cases/${id}`);
    expectStatus(res, 200);
    return res.body;
  }

  transitionRaw(as: string, id: string, body: Record<string, unknown>): Promise<Res> {
    return this.post(as, `/api/cases/${id}/transitions`, body);
  }

  /** Takes a workflow action with the case's current version; expects 200 and a version one higher. */
  async act(as: string, c: { id: string; version: number }, action: string, payload: Record<string, unknown> = {}): Promise<CaseDetail> {
    const res = await this.transitionRaw(as, c.id, { action, version: c.version, ...payload });
    expectStatus(res, 200);
    expect(res.body.version).toBe(c.version + 1);
    return res.body;
  }

  async assess(as: string, id: string, riskLevel: string): Promise<CaseDetail> {
    const res = await this.post(as, `/api/cases/${id}/assessment`, assessmentBody(riskLevel));
    expectStatus(res, 200);
    return res.body;
  }

  async addMeasure(as: string, id: string, measure: Record<string, unknown> = {}): Promise<CaseDetail> {
    const res = await this.post(as, `/api/cases/${id}/measures`, { type: 'counseling', dueAt: isoIn(7 * DAY), note: '心理疏导', ...measure });
    expectStatus(res, 200);
    return res.body;
  }

  async closeMeasure(as: string, id: string, measureId: string, status: 'done' | 'cancelled' = 'done'): Promise<CaseDetail> {
    const res = await this.patch(as, `/api/cases/${id}/measures/${measureId}`, { status, outcome: '已完成。' });
    expectStatus(res, 200);
    return res.body;
  }

  async visit(as: string, id: string, riskLevel = 'R4', visitedAt = isoAgo(60_000)): Promise<CaseDetail> {
    const res = await this.post(as, `/api/cases/${id}/visits`, { visitedAt, riskLevel, outcome: '儿童状况良好。', notes: '入户回访。' });
    expectStatus(res, 200);
    return res.body;
  }

  /**
   * Records what a risk_resolved closure still lacks, as the case detail's closureConditions list it:
   * two R4 visits, police feedback, the outcome told to the reporting unit. Returns the case after.
   */
  async meetClosureConditions(as: string, id: string): Promise<CaseDetail> {
    let c = await this.detail(as, id);
    const unmet = new Set((c.closureConditions as { code: string; met: boolean }[]).filter((x) => !x.met).map((x) => x.code));
    if (unmet.has('risk_low_on_two_visits')) {
      // The latest two visits: just now (earlier visits of the test are older).
      await this.visit(as, id, 'R4', isoAgo(2_000));
      c = await this.visit(as, id, 'R4', isoAgo(1_000));
    }
    if (unmet.has('police_feedback_recorded')) {
      const res = await this.post(as, `/api/cases/${id}/police`, { feedbackAt: isoAgo(30_000), feedback: '公安已受理。' });
      expectStatus(res, 200);
      c = res.body;
    }
    if (unmet.has('reporter_told_outcome')) c = await this.outcomeFeedback(as, id);
    return c;
  }

  /** A verification visit at the case's current risk (its version stays): the evidence an unsubstantiated closure needs. */
  async evidence(as: string, c: CaseDetail): Promise<CaseDetail> {
    const res = await this.post(as, `/api/cases/${c.id}/visits`, {
      kind: 'verification',
      visitedAt: isoAgo(60_000),
      riskLevel: c.riskLevel,
      outcome: '核实走访。',
    });
    expectStatus(res, 200);
    return res.body;
  }

  async outcomeFeedback(as: string, id: string, body: Record<string, unknown> = {}): Promise<CaseDetail> {
    const res = await this.post(as, `/api/cases/${id}/outcome-feedback`, {
      channel: 'phone',
      at: isoAgo(30_000),
      summary: '已电话告知报告单位处置进展。',
      ...body,
    });
    expectStatus(res, 200);
    return res.body;
  }

  async timeline(as: string, id: string): Promise<TimelineView> {
    const res = await this.get(as, `/api/cases/${id}/timeline`);
    expectStatus(res, 200);
    return res.body;
  }

  async eventTypes(as: string, id: string): Promise<string[]> {
    return (await this.timeline(as, id)).events.map((e) => e.type);
  }

  /** GET /api/me → the user's id. */
  async userId(username: string): Promise<string> {
    const res = await this.get(username, '/api/me');
    expectStatus(res, 200);
    return res.body.id as string;
  }

  /**
   * Every page of GET /api/cases for this query, following nextCursor; fails on a
   * repeated id or when it does not end.
   */
  async listAll(as: string, query: Record<string, string> = {}, limit = 200): Promise<CaseSummary[]> {
    const items: CaseSummary[] = [];
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page += 1) {
      const qs = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const res = await this.get(as, `/api/cases?${qs.toString()}`);
      expectStatus(res, 200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      for (const item of res.body.items as CaseSummary[]) {
        if (seen.has(item.id)) throw new Error(`case ${item.caseNo} served twice (page ${page + 1} of ${JSON.stringify(query)})`);
        seen.add(item.id);
        items.push(item);
      }
      cursor = res.body.nextCursor;
      if (!cursor) return items;
      expect(res.body.items).toHaveLength(limit);
    }
    throw new Error('pagination does not end');
  }
}

export interface CaseSummary {
  id: string;
  caseNo: string;
  status: string;
  riskLevel: string;
  categories: string[];
  communityId: string;
  streetId: string;
  districtId: string;
  childDisplayName: string;
  assigneeId: string | null;
  reportedAt: string;
  nextDeadline: { kind: string; dueAt: string; overdue: boolean } | null;
  flags: string[];
  version: number;
  [field: string]: unknown;
}

export { expectError };

// ── The shared set-up of the case files ─────────────────────────────────────

/** What every case e2e file starts from: the API in process, a client that records 5xx answers, the demo ids. */
export interface CaseBed {
  api: TestApi;
  cc: CaseClient;
  ids: DemoIds;
  /** The community of dir-xa-01. */
  xa1: string;
  /** sup-xa's user id. */
  supId: string;
}

/**
 * Registers what every case e2e file does around its tests: start the API and read the
 * demo ids (beforeAll), check that no request of a test got a 5xx (afterEach), close the
 * API (afterAll). Call it first in the file's describe: its fields are set before the
 * file's own beforeAll hooks run.
 */
export function useCaseBed(overrides: Record<string, string> = {}): CaseBed {
  const bed = {} as CaseBed;
  beforeAll(async () => {
    bed.api = await startApi(overrides);
    bed.cc = new CaseClient(bed.api);
    bed.ids = await demoIds(bed.api);
    bed.xa1 = bed.ids.community('xa', 0);
    bed.supId = await bed.cc.userId('sup-xa');
  });
  afterEach(() => {
    // Whatever a test sent, nothing answered with a 5xx.
    expect(bed.cc.serverErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await bed.api?.close();
  });
  return bed;
}

// ── The demo organisation ───────────────────────────────────────────────────

interface TreeNode {
  id: string;
  code: string;
  level: string;
  children: TreeNode[];
}

export interface DemoIds {
  districtId: string;
  street(key: string): string;
  /** index 0..2, the community of dir-<key>-0<index+1>. */
  community(key: string, index: number): string;
}

/** Ids of the demo district's jurisdictions (codes 440306, 440306-XA, 440306-XA-01…). */
export async function demoIds(api: TestApi): Promise<DemoIds> {
  const res = await api.http.get('/api/jurisdictions').set(bearer(await tokenFor(api, 'district1')));
  expectStatus(res, 200);
  const byCode = new Map<string, string>();
  const walk = (nodes: TreeNode[]) => nodes.forEach((n) => (byCode.set(n.code, n.id), walk(n.children ?? [])));
  walk(res.body as TreeNode[]);
  const need = (code: string) => {
    const id = byCode.get(code);
    if (!id) throw new Error(`no jurisdiction ${code}`);
    return id;
  };
  return {
    districtId: need('440306'),
    street: (key) => need(`440306-${key.toUpperCase()}`),
    community: (key, index) => need(`440306-${key.toUpperCase()}-${String(index + 1).padStart(2, '0')}`),
  };
}

// ── Trees written to the database ───────────────────────────────────────────

export interface TestTree {
  districtId: string;
  code: string;
  casePrefix: string;
  /** street key → id */
  streets: Record<string, string>;
  /** "<street key>-<n>" (n from 1) → id */
  communities: Record<string, string>;
  /** role key → user (login with `password`) */
  users: Record<string, { id: string; username: string }>;
  password: string;
}

export interface TreeSpec {
  /** street key → number of communities */
  streets: Record<string, number>;
  /**
   * role key → where: "district", "<street key>" or "<street key>-<n>"; the role
   * follows from the level (district staff, street supervisor, community director).
   */
  users: Record<string, string>;
}

/**
 * A district tree of its own (a random code and case-number prefix), with users
 * who log in through the API. Nothing in the API creates districts, so it is
 * written straight to the database.
 */
export async function createTree(db: DataSource, spec: TreeSpec): Promise<TestTree> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const code = `T${tag}`;
  const casePrefix = `T${Array.from(randomBytes(5), (b) => String.fromCharCode(65 + (b % 26))).join('')}`;
  const districtId = randomUUID();
  const districtName = `测试${tag}区`;
  const rows: unknown[][] = [[districtId, code, districtName, 'district', null, districtId, null, null, casePrefix, districtName]];
  const streets: Record<string, string> = {};
  const communities: Record<string, string> = {};
  for (const [key, count] of Object.entries(spec.streets)) {
    const streetId = randomUUID();
    streets[key] = streetId;
    const streetName = `${key}街道`;
    rows.push([
      streetId,
      `${code}-${key.toUpperCase()}`,
      streetName,
      'street',
      districtId,
      districtId,
      streetId,
      null,
      null,
      `${districtName} / ${streetName}`,
    ]);
    for (let n = 1; n <= count; n += 1) {
      const id = randomUUID();
      communities[`${key}-${n}`] = id;
      rows.push([
        id,
        `${code}-${key.toUpperCase()}-${n}`,
        `${key}${n}社区`,
        'community',
        streetId,
        districtId,
        streetId,
        id,
        null,
        `${districtName} / ${streetName} / ${key}${n}社区`,
      ]);
    }
  }
  for (const r of rows) {
    await db.query(
      `INSERT INTO jurisdiction (id, code, name, level, parent_id, district_id, street_id, community_id, case_prefix, path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      r,
    );
  }
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const hash = await argon2.hash(password, { type: argon2.argon2id });
  const users: TestTree['users'] = {};
  for (const [key, where] of Object.entries(spec.users)) {
    const [jurisdictionId, role] =
      where === 'district'
        ? [districtId, 'district_staff']
        : streets[where]
          ? [streets[where], 'street_supervisor']
          : [communities[where], 'community_director'];
    if (!jurisdictionId) throw new Error(`no jurisdiction "${where}" in the tree`);
    const username = `t${tag.toLowerCase()}-${key}`.toLowerCase();
    // Credentials dated a minute back, so a token issued right away is not "older than the password".
    const [row] = await db.query(
      `INSERT INTO "user" (username, display_name, role, jurisdiction_id, password_hash, active, credentials_changed_at)
       VALUES ($1, $2, $3, $4, $5, true, now() - interval '1 minute') RETURNING id`,
      [username, `测试 ${key}`, role, jurisdictionId, hash],
    );
    users[key] = { id: row.id as string, username };
  }
  return { districtId, code, casePrefix, streets, communities, users, password };
}

/** A token for a user of a test tree. */
export function treeToken(api: TestApi, tree: TestTree, userKey: string): Promise<string> {
  return tokenFor(api, tree.users[userKey].username, tree.password);
}

/** The app's own DataSource (the test database). */
export function dataSourceOf(api: TestApi): DataSource {
  return api.app.get(DataSource);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
