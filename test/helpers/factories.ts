import { randomBytes } from 'node:crypto';
import { Role } from '@shouhu/access';
import { communityCode, DEMO_DISTRICT, streetCode } from '@shouhu/org';
import { bearer, TestApi, tokenFor } from './test-app';

/** A name no other test or earlier run uses: lower-case, valid as a username. */
export const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

export interface JurisdictionNode {
  id: string;
  code: string;
  level: 'district' | 'street' | 'community';
  name: string;
  path: string;
  parentId: string | null;
  children: JurisdictionNode[];
}

export const flattenTree = (nodes: JurisdictionNode[]): JurisdictionNode[] => nodes.flatMap((n) => [n, ...flattenTree(n.children)]);

/** The demo district's jurisdictions by code, as the admin sees them. */
export async function demoJurisdictions(api: TestApi): Promise<Map<string, JurisdictionNode>> {
  const res = await api.http.get('/api/jurisdictions').set(bearer(await tokenFor(api, 'admin')));
  if (res.status !== 200) throw new Error(`GET /api/jurisdictions as admin: ${res.status} ${JSON.stringify(res.body)}`);
  return new Map(flattenTree(res.body as JurisdictionNode[]).map((j) => [j.code, j]));
}

/** Codes of the demo tree: demoCode.district, demoCode.street('xa'), demoCode.community('xa', 0). */
export const demoCode = {
  district: DEMO_DISTRICT.code,
  street: streetCode,
  community: communityCode,
};

export async function jurisdictionId(api: TestApi, code: string): Promise<string> {
  const node = (await demoJurisdictions(api)).get(code);
  if (!node) throw new Error(`no jurisdiction with code ${code}`);
  return node.id;
}

export interface CreatedUser {
  id: string;
  username: string;
  password: string;
  role: Role;
  jurisdictionId: string;
}

/**
 * A new user made through the admin API, by default a community director of
 * 新安街道's first community. Each call makes a different username. Accounts that
 * read case content start pending_approval: unless `approve` is false, district2
 * approves them, so they can sign in.
 */
export async function createUser(
  api: TestApi,
  options: { role?: Role; jurisdictionCode?: string; username?: string; password?: string; displayName?: string; approve?: boolean; agencyId?: string } = {},
): Promise<CreatedUser> {
  const role = options.role ?? Role.CommunityDirector;
  const defaultCode = {
    [Role.CommunityDirector]: demoCode.community('xa', 0),
    [Role.StreetSupervisor]: demoCode.street('xa'),
    [Role.DistrictStaff]: demoCode.district,
    [Role.DistrictLeader]: demoCode.district,
    [Role.HotlineIntake]: demoCode.district,
    [Role.AgencyLiaison]: demoCode.district,
    [Role.Admin]: demoCode.district,
  }[role];
  const jid = await jurisdictionId(api, options.jurisdictionCode ?? defaultCode);
  const username = options.username ?? unique('t');
  const password = options.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const res = await api.http
    .post('/api/users')
    .set(bearer(await tokenFor(api, 'admin')))
    .send({
      username,
      displayName: options.displayName ?? `测试 ${username}`,
      role,
      jurisdictionId: jid,
      password,
      // A liaison belongs to an agency: the one given, else the demo district's police station.
      ...(role === Role.AgencyLiaison ? { agencyId: options.agencyId ?? (await demoAgencyId(api, 'police')) } : {}),
    });
  if (res.status !== 201) throw new Error(`creating user ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.body.status === 'pending_approval' && options.approve !== false) await decideUser(api, res.body.id);
  return { id: res.body.id, username: res.body.username, password, role, jurisdictionId: jid };
}

/** District staff decide what awaits approval for a user (a new account or a pending change); fails the test unless 200. */
export async function decideUser(
  api: TestApi,
  id: string,
  options: { by?: string; password?: string; decision?: 'approve' | 'reject'; reason?: string } = {},
): Promise<Record<string, unknown>> {
  const body = { decision: options.decision ?? 'approve', ...(options.reason ? { reason: options.reason } : {}) };
  const res = await api.http
    .post(`/api/users/${id}/approval`)
    .set(bearer(await tokenFor(api, options.by ?? 'district2', options.password)))
    .send(body);
  if (res.status !== 200) throw new Error(`POST /api/users/${id}/approval: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Edits a user through the admin API; fails the test unless it answers 200. */
export async function patchUser(api: TestApi, id: string, changes: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await api.http
    .patch(`/api/users/${id}`)
    .set(bearer(await tokenFor(api, 'admin')))
    .send(changes);
  if (res.status !== 200) throw new Error(`PATCH /api/users/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Logs in without the token cache (for users whose credentials a test changes). */
export async function freshLogin(api: TestApi, username: string, password: string): Promise<string> {
  const res = await api.http.post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login as ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

/** The id of a user, looked up by the admin. */
export async function userIdOf(api: TestApi, username: string): Promise<string> {
  const res = await api.http.get('/api/users').set(bearer(await tokenFor(api, 'admin')));
  const user = (res.body.items as { id: string; username: string }[]).find((u) => u.username === username);
  if (!user) throw new Error(`no user ${username} visible to admin`);
  return user.id;
}

export interface AgencyInfo {
  id: string;
  kind: string;
  name: string;
  districtId: string;
  active: boolean;
}

/** The demo district's agencies, as the admin lists them. */
export async function demoAgencies(api: TestApi): Promise<AgencyInfo[]> {
  const res = await api.http.get('/api/agencies').set(bearer(await tokenFor(api, 'admin')));
  if (res.status !== 200) throw new Error(`GET /api/agencies as admin: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as AgencyInfo[];
}

/** The id of the demo district's (first) agency of a kind: police, education, health, court, womens_federation. */
export async function demoAgencyId(api: TestApi, kind: string): Promise<string> {
  const agency = (await demoAgencies(api)).find((a) => a.kind === kind);
  if (!agency) throw new Error(`the demo district has no ${kind} agency`);
  return agency.id;
}
