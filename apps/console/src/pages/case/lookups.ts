/**
 * Reference data many pages need: the jurisdiction tree (names of communities and streets)
 * and the users in the caller's scope (names of assignees, owners, actors). Both change
 * rarely, so they are cached for minutes and shared between pages.
 */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import type { JurisdictionNode, UserView } from './model';

export const lookupKeys = {
  jurisdictions: ['jurisdictions'] as const,
  users: (q: UsersQuery) => ['users', q] as const,
};

export interface UsersQuery {
  role?: components['schemas']['Role'];
  jurisdictionId?: string;
  status?: 'active' | 'pending_approval' | 'rejected';
}

export function useJurisdictions(enabled = true) {
  const q = useQuery({
    queryKey: lookupKeys.jurisdictions,
    queryFn: () => unwrap<JurisdictionNode[]>(api.GET('/api/jurisdictions')),
    staleTime: 10 * 60_000,
    enabled,
  });
  const index = useMemo(() => indexTree(q.data ?? []), [q.data]);
  return { ...q, ...index };
}

export interface TreeIndex {
  byId: Map<string, JurisdictionNode>;
  communities: JurisdictionNode[];
  streets: JurisdictionNode[];
}

export function indexTree(roots: JurisdictionNode[]): TreeIndex {
  const byId = new Map<string, JurisdictionNode>();
  const communities: JurisdictionNode[] = [];
  const streets: JurisdictionNode[] = [];
  const walk = (n: JurisdictionNode) => {
    byId.set(n.id, n);
    if (n.level === 'community') communities.push(n);
    if (n.level === 'street') streets.push(n);
    n.children?.forEach(walk);
  };
  roots.forEach(walk);
  return { byId, communities, streets };
}

/** Users of the caller's scope (supervisors, district staff, admin may list them). */
export function useUsers(query: UsersQuery = {}, enabled = true) {
  const q = useQuery({
    queryKey: lookupKeys.users(query),
    queryFn: () => unwrap<{ items: UserView[] }>(api.GET('/api/users', { params: { query } })),
    staleTime: 5 * 60_000,
    enabled,
    // A director may not list users (403): names then fall back to the role.
    retry: false,
  });
  const byId = useMemo(() => new Map((q.data?.items ?? []).map((u) => [u.id, u])), [q.data]);
  return { ...q, users: q.data?.items ?? [], byId };
}
