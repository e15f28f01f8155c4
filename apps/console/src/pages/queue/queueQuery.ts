/**
 * The queue's filters as they live in the URL, the API query they make, and an early
 * start of the first page: on load (when the console opens on /queue) and when the queue
 * route is first opened (routes.tsx), so the request runs while the page's code is still
 * downloading. This file is tiny and sits in the main bundle; keep it free of UI imports.
 */
import { api, unwrap } from '../../api/client';
import type { CaseListQuery } from '../../api/hooks';
import type { CaseListShape } from '../../api/types';
import { getToken } from '../../auth/session';

export const QUEUE_PATH = '/queue';
export const PAGE_SIZE = 50;
export const SORT_VALUES = ['dueAt', '-reportedAt', 'riskLevel'] as const;
export type Sort = (typeof SORT_VALUES)[number];

/** The list query (with `unlocated`, api.md v1.1 "Intake"). */
export type QueueQuery = CaseListQuery;

export interface Filters {
  /** Only unlocated cases (hotline reports without a community; district staff route them): `?unlocated=1`. */
  unlocated: boolean;
  status: string;
  risk: string;
  category: string;
  community: string;
  assignee: string;
  overdue: boolean;
  sort: Sort;
  q: string;
}

export function readFilters(sp: URLSearchParams): Filters {
  const sort = sp.get('sort');
  return {
    unlocated: sp.get('unlocated') === '1',
    status: sp.get('status') ?? '',
    risk: sp.get('risk') ?? '',
    category: sp.get('category') ?? '',
    community: sp.get('community') ?? '',
    assignee: sp.get('assignee') ?? '',
    overdue: sp.get('overdue') === '1',
    sort: (SORT_VALUES as readonly string[]).includes(sort ?? '') ? (sort as Sort) : 'dueAt',
    q: sp.get('q') ?? '',
  };
}

export function toQuery(f: Filters): QueueQuery {
  const q: QueueQuery = { sort: f.sort, limit: PAGE_SIZE };
  if (f.unlocated) q.unlocated = 'true';
  if (f.status) q.status = f.status.split(',');
  if (f.risk) q.riskLevel = f.risk.split(',');
  if (f.category) q.category = f.category;
  if (f.community && !f.unlocated) q.communityId = f.community;
  if (f.assignee) q.assignee = f.assignee;
  if (f.overdue) q.overdue = 'true';
  if (/^[A-Za-z0-9-]{1,24}$/.test(f.q.trim())) q.q = f.q.trim();
  return q;
}

export const fetchQueuePage = (query: QueueQuery) => unwrap<CaseListShape>(api.GET('/api/cases', { params: { query } }));

let early: { key: string; at: number; page: Promise<CaseListShape> } | null = null;

/** Starts the first page of the queue the URL asks for (only on the queue, only signed in). */
export function prefetchQueue(): void {
  if (typeof window === 'undefined' || window.location.pathname !== QUEUE_PATH || !getToken()) return;
  const query = toQuery(readFilters(new URLSearchParams(window.location.search)));
  const key = JSON.stringify(query);
  if (early && early.key === key && Date.now() - early.at < 2_000) return;
  const page = fetchQueuePage(query);
  page.catch(() => undefined);
  early = { key, at: Date.now(), page };
}

// Opening the console straight on the queue (a bookmark, a reload): ask for the cases
// as soon as the main bundle runs, before React has rendered anything.
prefetchQueue();

/** The prefetched first page, if it is for this query and fresh; it can be taken once. */
export function takePrefetched(query: QueueQuery): Promise<CaseListShape> | null {
  if (!early || early.key !== JSON.stringify(query) || Date.now() - early.at > 10_000) return null;
  const { page } = early;
  early = null;
  return page;
}
