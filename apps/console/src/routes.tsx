/**
 * The route registry: every page of the console, who may open it and its menu entry.
 * App.tsx renders it; the menu (side bar on a desk, bottom tabs / drawer on a phone)
 * shows only the entries of the signed-in role, in this order.
 *
 * To add a page: create it under src/pages/<area>/, export it as default, and append
 * an entry below (element: lazy(() => import(...)) so it loads only when opened).
 */
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  ApartmentOutlined,
  BankOutlined,
  BarChartOutlined,
  BellOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  FileAddOutlined,
  FileSearchOutlined,
  HomeOutlined,
  InboxOutlined,
  PhoneOutlined,
  ProfileOutlined,
  SendOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { Role } from './i18n/labels';
import { prefetchQueue } from './pages/queue/queueQuery';

export interface AppRoute {
  /** Absolute path, with :params ('/my/cases/:id'). */
  path: string;
  /** The page, lazy-loaded. */
  element: LazyExoticComponent<ComponentType>;
  /** Roles that may open it; others get a plain 403 page. */
  roles: readonly Role[];
  /** Menu label; omit for pages reached by links (a case page). */
  menu?: string;
  icon?: ReactNode;
  /** Also a tab of the phone's bottom bar (at most 4 per role are shown). */
  tab?: boolean;
}

export const ALL_ROLES: readonly Role[] = [
  'community_director',
  'street_supervisor',
  'district_staff',
  'district_leader',
  'hotline_intake',
  'agency_liaison',
  'admin',
];

export const routes: AppRoute[] = [
  // ── Community director (社区儿童主任) — src/pages/director ─────────────────────────────
  {
    path: '/workbench',
    element: lazy(() => import('./pages/director/WorkbenchPage')),
    roles: ['community_director'],
    menu: '我的工作台',
    icon: <HomeOutlined />,
    tab: true,
  },
  {
    path: '/reports/new',
    element: lazy(() => import('./pages/director/NewReportPage')),
    roles: ['community_director'],
    menu: '新建报告',
    icon: <FileAddOutlined />,
    tab: true,
  },
  {
    path: '/my/cases/:id',
    element: lazy(() => import('./pages/director/DirectorCasePage')),
    roles: ['community_director'],
  },

  // ── 12345-6 hotline (热线接报员) — src/pages/hotline: files for any community of its district, or unlocated ──
  {
    path: '/hotline/new',
    element: lazy(() => import('./pages/hotline/HotlineReportPage')),
    roles: ['hotline_intake'],
    menu: '热线接报',
    icon: <PhoneOutlined />,
    tab: true,
  },
  {
    path: '/hotline/reports',
    element: lazy(() => import('./pages/hotline/HotlineReportsPage')),
    roles: ['hotline_intake'],
    menu: '我提交的报告',
    icon: <ProfileOutlined />,
    tab: true,
  },
  {
    path: '/hotline/cases/:id',
    element: lazy(() => import('./pages/hotline/HotlineCasePage')),
    roles: ['hotline_intake'],
  },

  // ── Supervisor / district / admin pages (other page authors append here) ───────────────
  // 案件队列 · 案件详情 · 时间线 · 审批 · 统计 · 审计 · 用户 · 辖区 — src/pages/{queue,case,timeline,approvals,stats,audit,admin}
  {
    path: '/queue',
    // The first page of cases is requested while the page's code downloads.
    element: lazy(() => (prefetchQueue(), import('./pages/queue/QueuePage'))),
    // The district leader (区分管领导) reads the queue, cases, timelines and statistics of its district; it acts on none.
    roles: ['street_supervisor', 'district_staff', 'district_leader'],
    menu: '案件队列',
    icon: <InboxOutlined />,
    tab: true,
  },
  {
    path: '/cases/:id',
    element: lazy(() => import('./pages/case/CasePage')),
    roles: ['community_director', 'street_supervisor', 'district_staff', 'district_leader'],
  },
  {
    path: '/cases/:id/timeline',
    element: lazy(() => import('./pages/timeline/TimelinePage')),
    roles: ['community_director', 'street_supervisor', 'district_staff', 'district_leader'],
  },
  {
    path: '/approvals',
    element: lazy(() => import('./pages/approvals/ApprovalsPage')),
    roles: ['street_supervisor', 'district_staff'],
    menu: '审批',
    icon: <CheckSquareOutlined />,
    tab: true,
  },
  {
    path: '/stats',
    element: lazy(() => import('./pages/stats/StatsPage')),
    roles: ['district_staff', 'district_leader', 'street_supervisor'],
    menu: '统计',
    icon: <BarChartOutlined />,
  },
  {
    path: '/audit',
    element: lazy(() => import('./pages/audit/AuditPage')),
    roles: ['district_staff'],
    menu: '审计',
    icon: <FileSearchOutlined />,
  },
  {
    path: '/admin/users',
    element: lazy(() => import('./pages/admin/UsersPage')),
    roles: ['admin'],
    menu: '用户',
    icon: <TeamOutlined />,
    tab: true,
  },
  {
    path: '/account-approvals',
    element: lazy(() => import('./pages/admin/UsersPage')),
    roles: ['district_staff'],
    menu: '账号审批',
    icon: <TeamOutlined />,
  },
  {
    path: '/admin/jurisdictions',
    element: lazy(() => import('./pages/admin/JurisdictionsPage')),
    roles: ['admin', 'district_staff'],
    menu: '辖区',
    icon: <ApartmentOutlined />,
    tab: true,
  },

  {
    // 工作日历 (domain.md §14): district staff edit it; supervisors and district leadership read it.
    path: '/calendar',
    element: lazy(() => import('./pages/calendar/CalendarPage')),
    roles: ['district_staff', 'street_supervisor', 'district_leader'],
    menu: '工作日历',
    icon: <CalendarOutlined />,
  },

  // ── Agency liaison (协同单位联络员) and the agency registry — src/pages/liaison, src/pages/admin ──
  {
    // The liaison's home: the referrals addressed to its agency (phone first).
    path: '/referrals',
    element: lazy(() => import('./pages/liaison/InboxPage')),
    roles: ['agency_liaison'],
    menu: '转介收件箱',
    icon: <SendOutlined />,
    tab: true,
  },
  {
    path: '/referrals/:id',
    element: lazy(() => import('./pages/liaison/ReferralPage')),
    roles: ['agency_liaison'],
  },
  {
    path: '/admin/agencies',
    element: lazy(() => import('./pages/admin/AgenciesPage')),
    roles: ['admin'],
    menu: '协同单位',
    icon: <BankOutlined />,
  },

  // ── Everyone ─────────────────────────────────────────────────────────────────────────
  {
    path: '/notifications',
    element: lazy(() => import('./pages/notifications/NotificationsPage')),
    roles: ALL_ROLES,
    menu: '通知',
    icon: <BellOutlined />,
    tab: true,
  },
];

/** Where a role lands after login: its first menu entry. */
export function homePathFor(role: Role | null): string {
  const first = routes.find((r) => r.menu && role && r.roles.includes(role));
  return first?.path ?? '/notifications';
}

/** The link to a case for this role: directors have their own case page. */
export function casePathFor(role: Role | null, caseId: string): string {
  if (role === 'community_director') return `/my/cases/${caseId}`;
  if (role === 'hotline_intake') return `/hotline/cases/${caseId}`;
  // A liaison never opens a case: its referrals of that case, in its inbox.
  if (role === 'agency_liaison') return `/referrals?case=${caseId}`;
  const shared = routes.find((r) => r.path === '/cases/:id');
  return shared ? `/cases/${caseId}` : `/my/cases/${caseId}`;
}
