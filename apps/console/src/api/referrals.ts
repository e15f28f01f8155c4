/**
 * Agencies (协同单位) and referrals (协同转介), domain.md §11 and api.md "Agencies and referrals":
 * the registry the admin keeps, the referrals a caseworker sends from the case page, and the
 * liaison's inbox. Typed from schema.d.ts; calls go through the shared client and `unwrap`.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { components } from './schema';

export type AgencyKind = components['schemas']['AgencyKind'];
export const AGENCY_KINDS: readonly AgencyKind[] = [
  'police',
  'procuratorate',
  'court',
  'education',
  'health',
  'womens_federation',
  'youth_league',
  'disabled_persons',
  'other',
];

export type Agency = components['schemas']['AgencyView'];
export type ReferralStatus = components['schemas']['ReferralStatus'];
/** Open referrals first (待回应, then 已接收), then the finished ones. */
export const REFERRAL_STATUS_ORDER: readonly ReferralStatus[] = ['pending', 'accepted', 'done', 'declined', 'revoked'];

/** A referral as lists show it (the child's name masked). */
export type Referral = components['schemas']['ReferralView'];
/** With the need-to-know view of its case (domain.md §11): never the reporter, the narrative or other records. */
export type ReferralDetail = components['schemas']['ReferralDetailView'];
export type ReferralList = components['schemas']['ReferralListView'];
export type NewReferral = components['schemas']['CreateReferralDto'];

export interface ReferralQuery {
  status?: ReferralStatus[];
  caseId?: string;
  limit?: number;
}

export const referralKeys = {
  agencies: ['agencies'] as const,
  all: ['referrals'] as const,
  list: (q: ReferralQuery) => ['referrals', 'list', q] as const,
  detail: (id: string) => ['referrals', 'detail', id] as const,
};

export function listAgencies(): Promise<Agency[]> {
  return unwrap(api.GET('/api/agencies'));
}

export function createAgency(body: { kind: AgencyKind; name: string }): Promise<Agency> {
  return unwrap(api.POST('/api/agencies', { body }));
}

export function updateAgency(id: string, body: { name?: string; kind?: AgencyKind; active?: boolean }): Promise<Agency> {
  return unwrap(api.PATCH('/api/agencies/{id}', { params: { path: { id } }, body }));
}

/** One page (newest first; `limit` up to 200). Several states go comma-separated, as the API takes them. */
export function listReferrals({ status, caseId, limit }: ReferralQuery = {}): Promise<ReferralList> {
  const query = new URLSearchParams();
  if (status?.length) query.set('status', status.join(','));
  if (caseId) query.set('caseId', caseId);
  if (limit) query.set('limit', String(limit));
  return unwrap(api.GET('/api/referrals', { querySerializer: () => query.toString() }));
}

export function getReferral(id: string): Promise<ReferralDetail> {
  return unwrap(api.GET('/api/referrals/{id}', { params: { path: { id } } }));
}

export function createReferral(caseId: string, body: NewReferral): Promise<Referral> {
  return unwrap(api.POST('/api/cases/{id}/referrals', { params: { path: { id: caseId } }, body }));
}

export function respondToReferral(id: string, body: { decision: 'accept' | 'decline'; reason?: string }): Promise<Referral> {
  return unwrap(api.POST('/api/referrals/{id}/response', { params: { path: { id } }, body }));
}

export function completeReferral(id: string, outcome: string): Promise<Referral> {
  return unwrap(api.POST('/api/referrals/{id}/completion', { params: { path: { id } }, body: { outcome } }));
}

export function revokeReferral(id: string, reason: string): Promise<Referral> {
  return unwrap(api.POST('/api/referrals/{id}/revocation', { params: { path: { id } }, body: { reason } }));
}

/** The district's agencies (cached for minutes: the registry changes rarely). */
export function useAgencies(enabled = true) {
  const q = useQuery({ queryKey: referralKeys.agencies, queryFn: listAgencies, staleTime: 5 * 60_000, enabled });
  const byId = new Map((q.data ?? []).map((a) => [a.id, a]));
  return { ...q, agencies: q.data ?? [], byId };
}

export function useReferrals(q: ReferralQuery, opts: { enabled?: boolean; refetchInterval?: number } = {}) {
  return useQuery({ queryKey: referralKeys.list(q), queryFn: () => listReferrals(q), ...opts });
}

export function useReferral(id: string | undefined) {
  return useQuery({ queryKey: referralKeys.detail(id ?? ''), queryFn: () => getReferral(id as string), enabled: !!id });
}

/** Open referrals before finished ones; open ones by the nearest deadline, finished ones newest first. */
export function sortReferrals(list: readonly Referral[]): Referral[] {
  const rank = (r: Referral) => REFERRAL_STATUS_ORDER.indexOf(r.status);
  const due = (r: Referral) => (r.status === 'pending' ? r.respondBy : r.dueAt);
  const open = (r: Referral) => r.status === 'pending' || r.status === 'accepted';
  return [...list].sort((a, b) => rank(a) - rank(b) || (open(a) ? due(a).localeCompare(due(b)) : b.createdAt.localeCompare(a.createdAt)));
}
