/**
 * Shared React Query hooks and keys. Keys: ['cases','list',query] · ['cases','detail',id] ·
 * ['cases','timeline',id] · ['notifications',{unread}]. After a write on a case,
 * `invalidateCase(queryClient, id)` refreshes the detail and every list.
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { paths } from './schema';
import type { CaseDetail, CaseList, NotificationList, Timeline } from './types';

export type CaseListQuery = NonNullable<paths['/api/cases']['get']['parameters']['query']>;

export const caseKeys = {
  all: ['cases'] as const,
  list: (q: CaseListQuery) => ['cases', 'list', q] as const,
  detail: (id: string) => ['cases', 'detail', id] as const,
  timeline: (id: string) => ['cases', 'timeline', id] as const,
};

export function useCaseList(query: CaseListQuery, opts: { enabled?: boolean; refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: caseKeys.list(query),
    queryFn: () => unwrap<CaseList>(api.GET('/api/cases', { params: { query } })),
    ...opts,
  });
}

export function useCase(id: string | undefined) {
  return useQuery({
    queryKey: caseKeys.detail(id ?? ''),
    queryFn: () => unwrap<CaseDetail>(api.GET('/api/cases/{id}', { params: { path: { id: id as string } } })),
    enabled: !!id,
  });
}

export function useTimeline(id: string | undefined, enabled = true) {
  return useQuery({
    queryKey: caseKeys.timeline(id ?? ''),
    queryFn: () => unwrap<Timeline>(api.GET('/api/cases/{id}/timeline', { params: { path: { id: id as string } } })),
    enabled: !!id && enabled,
  });
}

export function invalidateCase(queryClient: QueryClient, id?: string): Promise<void> {
  return id
    ? Promise.all([
        queryClient.invalidateQueries({ queryKey: caseKeys.detail(id) }),
        queryClient.invalidateQueries({ queryKey: caseKeys.timeline(id) }),
        queryClient.invalidateQueries({ queryKey: ['cases', 'list'] }),
      ]).then(() => undefined)
    : queryClient.invalidateQueries({ queryKey: caseKeys.all });
}

export function useNotifications(unread: boolean, opts: { refetchInterval?: number; enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['notifications', { unread }],
    queryFn: () => unwrap<NotificationList>(api.GET('/api/notifications', { params: { query: unread ? { unread: 'true' } : {} } })),
    ...opts,
  });
}
