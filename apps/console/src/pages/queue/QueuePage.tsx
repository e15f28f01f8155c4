/**
 * 案件队列: the street supervisor's (and district's) triage queue. Filters live in the URL
 * (?unlocated=1&status=&risk=&category=&community=&assignee=&overdue=1&sort=&q=), so a filtered view
 * can be bookmarked and the back button restores it. Pages of 50 with the API's keyset
 * cursor ("加载更多"). Rows show the masked name only (未成年人保护法 Art.103).
 *
 * The table is plain semantic HTML (caption, th scope): 50 rows render in a few ms, and
 * the page needs none of antd's table code, so it opens fast on a street office's PC.
 *
 * District level has a second view, 未定位 (?unlocated=1): hotline reports whose community is
 * not known yet, waiting for district staff to route them to a community (transfer).
 */
import { memo, useMemo, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Button, ConfigProvider, Tag } from 'antd';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { CaseListShape, CaseSummaryShape } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { ApiErrorAlert, CategoryTags, DeadlineCountdown, MaskedName, PageTitle, RiskTag, StatusTag } from '../../components';
import {
  CATEGORY_CODES,
  CATEGORY_LABELS,
  ESCALATION_LABELS,
  FLAG_LABELS,
  RISK_LABELS,
  RISK_LEVELS,
  ROLE_LABELS,
  STATUS_LABELS,
  type CaseStatus,
} from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { NativeSelect, type OptionGroup } from '../case/controls';
import { useJurisdictions, useUsers } from '../case/lookups';
import { OPEN_STATUSES } from '../case/model';
import { fetchQueuePage, readFilters, takePrefetched, toQuery, type Filters, type Sort } from './queueQuery';

/** A row as the API answers once unlocated cases exist (communityId null until routed). */
type QueueRowShape = Omit<CaseSummaryShape, 'communityId' | 'streetId'> & { communityId: string | null; streetId: string | null };

/** Roles that see unlocated cases (the district's; a street sees a case once it is routed there). */
const DISTRICT_LEVEL: readonly string[] = ['district_staff', 'district_leader'];

const OPEN = OPEN_STATUSES.join(',');

const SORTS: { value: Sort; label: string }[] = [
  { value: 'dueAt', label: '截止时间（最紧迫在前）' },
  { value: '-reportedAt', label: '报告时间（最新在前）' },
  { value: 'riskLevel', label: '风险等级（R1 在前）' },
];

const categoryGroups: OptionGroup[] = [
  { label: '侵害 (V)', prefix: 'V' },
  { label: '监护缺失/不当 (N)', prefix: 'N' },
  { label: '困境儿童 (D)', prefix: 'D' },
].map((g) => ({
  label: g.label,
  options: CATEGORY_CODES.filter((c) => c.startsWith(g.prefix)).map((c) => ({ value: c, label: `${c} ${CATEGORY_LABELS[c]}` })),
}));

export default function QueuePage() {
  const user = useUser();
  const [sp, setSp] = useSearchParams();
  const filters = readFilters(sp);
  const query = toQuery(filters);
  const qRef = useRef<HTMLInputElement>(null);

  const list = useInfiniteQuery({
    queryKey: ['cases', 'list', 'queue', query],
    queryFn: ({ pageParam }) => (pageParam ? fetchQueuePage({ ...query, cursor: pageParam }) : (takePrefetched(query) ?? fetchQueuePage(query))),
    initialPageParam: '',
    getNextPageParam: (last: CaseListShape) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => (list.data?.pages.flatMap((p) => p.items) ?? []) as unknown as QueueRowShape[], [list.data]);
  const districtLevel = DISTRICT_LEVEL.includes(user.role);
  // How many open cases wait to be routed: shown on the 未定位 view's tab.
  const unlocatedOpen = useQuery({
    queryKey: ['cases', 'list', 'queue', 'unlocated-count'],
    queryFn: () => fetchQueuePage({ unlocated: 'true', status: OPEN.split(','), limit: 100 }),
    enabled: districtLevel,
    refetchInterval: 60_000,
  });
  const unlocatedCount = unlocatedOpen.data ? `${unlocatedOpen.data.items.length}${unlocatedOpen.data.nextCursor ? '+' : ''}` : null;

  const tree = useJurisdictions();
  const users = useUsers({}, user.role !== 'community_director');

  const set = (patch: Partial<Record<keyof Filters, string>>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setSp(next, { replace: true });
  };

  const communityGroups: OptionGroup[] = useMemo(
    () =>
      tree.streets.length > 1
        ? tree.streets.map((s) => ({ label: s.name, options: s.children.filter((c) => c.level === 'community').map((c) => ({ value: c.id, label: c.name })) }))
        : [{ label: tree.streets[0]?.name ?? '社区', options: tree.communities.map((c) => ({ value: c.id, label: c.name })) }],
    [tree.streets, tree.communities],
  );

  const assigneeGroups: OptionGroup[] = useMemo(() => {
    const active = users.users.filter((u) => u.active && u.status === 'active' && u.role !== 'admin' && u.id !== user.id);
    return (['street_supervisor', 'community_director', 'district_staff'] as const)
      .map((r) => ({
        label: ROLE_LABELS[r],
        options: active.filter((u) => u.role === r).map((u) => ({ value: u.id, label: `${u.displayName}（${u.jurisdiction.name}）` })),
      }))
      .filter((g) => g.options.length > 0);
  }, [users.users, user.id]);

  const communityName = (id: string | null) => (id ? (tree.byId.get(id)?.name ?? '—') : null);
  const assigneeName = (id: string | null) => (id ? (id === user.id ? '我' : (users.byId.get(id)?.displayName ?? '—')) : null);

  const total = rows.length;
  const overdueCount = rows.filter((r) => r.nextDeadline?.overdue).length;
  const filtered = Boolean(filters.status || filters.risk || filters.category || filters.community || filters.assignee || filters.overdue || filters.q);
  /** The view's link: the same filters, with or without ?unlocated=1. */
  const viewHref = (unlocated: boolean) => {
    const next = new URLSearchParams(sp);
    if (unlocated) {
      next.set('unlocated', '1');
      next.delete('community');
    } else next.delete('unlocated');
    const q = next.toString();
    return q ? `?${q}` : '?';
  };
  const sortLabel = SORTS.find((s) => s.value === filters.sort)?.label;

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle>案件队列</PageTitle>
      {districtLevel && (
        <nav aria-label="队列视图" className="queue-views">
          <Link to={viewHref(false)} replace aria-current={filters.unlocated ? undefined : 'page'} className={filters.unlocated ? 'qv' : 'qv active'}>
            全部案件
          </Link>
          <Link
            to={viewHref(true)}
            replace
            aria-current={filters.unlocated ? 'page' : undefined}
            className={filters.unlocated ? 'qv active' : 'qv'}
            data-testid="queue-view-unlocated"
          >
            未定位 Unlocated{unlocatedCount !== null ? `（${unlocatedCount}）` : ''}
          </Link>
        </nav>
      )}
      {filters.unlocated && (
        <p className="queue-muted" data-testid="unlocated-hint" style={{ margin: '0 0 8px' }}>
          未定位：热线（12345-6）接报时地点不明、尚未分派社区的报告。打开案件，按报告所述地点用“移交其他社区”分派到社区。
        </p>
      )}
      <div role="search" aria-label="筛选案件" className="queue-filters">
        <div className="qf">
          <label htmlFor="f-q">案件编号</label>
          <input
            id="f-q"
            ref={qRef}
            className="native-field qf-input"
            type="search"
            placeholder="如 BA-2026-0001，回车查找"
            defaultValue={filters.q}
            key={filters.q}
            onKeyDown={(e) => e.key === 'Enter' && set({ q: e.currentTarget.value.trim() })}
            onBlur={(e) => e.target.value.trim() !== filters.q && set({ q: e.target.value.trim() })}
          />
        </div>
        <div className="qf">
          <label htmlFor="f-status">状态</label>
          <NativeSelect
            id="f-status"
            value={filters.status}
            onChange={(v) => set({ status: v })}
            placeholder="全部状态"
            options={[
              { value: OPEN, label: '全部未结案' },
              ...(Object.keys(STATUS_LABELS) as CaseStatus[]).map((s) => ({ value: s, label: STATUS_LABELS[s] })),
            ]}
          />
        </div>
        <div className="qf">
          <label htmlFor="f-risk">风险等级</label>
          <NativeSelect
            id="f-risk"
            value={filters.risk}
            onChange={(v) => set({ risk: v })}
            placeholder="全部等级"
            options={[{ value: 'R1,R2', label: 'R1 + R2（高风险）' }, ...RISK_LEVELS.map((r) => ({ value: r, label: `${r} ${RISK_LABELS[r]}` }))]}
          />
        </div>
        <div className="qf">
          <label htmlFor="f-category">类别</label>
          <NativeSelect id="f-category" value={filters.category} onChange={(v) => set({ category: v })} placeholder="全部类别" groups={categoryGroups} />
        </div>
        <div className="qf">
          <label htmlFor="f-community">社区</label>
          <NativeSelect
            id="f-community"
            value={filters.unlocated ? '' : filters.community}
            onChange={(v) => set({ community: v })}
            placeholder={filters.unlocated ? '未定位（无社区）' : '全部社区'}
            groups={communityGroups}
            disabled={filters.unlocated}
          />
        </div>
        <div className="qf">
          <label htmlFor="f-assignee">负责人</label>
          <NativeSelect
            id="f-assignee"
            value={filters.assignee}
            onChange={(v) => set({ assignee: v })}
            placeholder="全部负责人"
            options={[{ value: 'me', label: '我负责的' }]}
            groups={assigneeGroups}
          />
        </div>
        <div className="qf">
          <label htmlFor="f-sort">排序</label>
          <NativeSelect id="f-sort" value={filters.sort} onChange={(v) => set({ sort: v === 'dueAt' ? '' : v })} options={SORTS} />
        </div>
        <div className="qf qf-end">
          <label className="qf-check">
            <input id="f-overdue" type="checkbox" checked={filters.overdue} onChange={(e) => set({ overdue: e.target.checked ? '1' : '' })} />
            仅看超期
          </label>
          {filtered && <Button onClick={() => setSp(filters.sort === 'dueAt' ? {} : { sort: filters.sort }, { replace: true })}>清除筛选</Button>}
        </div>
      </div>

      {list.error ? <ApiErrorAlert error={list.error} onReload={() => void list.refetch()} /> : null}

      <div role="status" aria-live="polite" className="queue-count" data-testid="queue-count">
        {list.isPending
          ? '正在加载案件…'
          : `已显示 ${total} 件${list.hasNextPage ? '（还有更多）' : ''}${overdueCount ? `，其中 ${overdueCount} 件已超期` : ''}`}
      </div>

      <div className="queue-scroll" role="region" aria-label="案件列表" tabIndex={0} data-testid="queue-table">
        <table className="queue-table">
          <caption className="sr-only">
            案件队列{filters.unlocated ? '（未定位）' : ''}：{filtered ? '按所选条件筛选' : '辖区内全部案件'}，排序：{sortLabel}
          </caption>
          <thead>
            <tr>
              <th scope="col" style={{ width: 138 }}>
                案件编号
              </th>
              <th scope="col" style={{ width: 118 }}>
                儿童
              </th>
              <th scope="col" style={{ width: 82 }}>
                风险
              </th>
              <th scope="col">类别</th>
              <th scope="col" style={{ width: 124 }}>
                状态
              </th>
              <th scope="col" style={{ width: 100 }}>
                社区
              </th>
              <th scope="col" style={{ width: 212 }}>
                下一期限
              </th>
              <th scope="col" style={{ width: 108 }}>
                升级
              </th>
              <th scope="col" style={{ width: 100 }}>
                负责人
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <QueueRow key={c.id} c={c} community={communityName(c.communityId)} assignee={assigneeName(c.assigneeId)} />
            ))}
            {!list.isPending && rows.length === 0 && (
              <tr>
                <td colSpan={9} className="queue-empty">
                  {filters.unlocated && !filtered ? '没有待分派的未定位报告' : filtered ? '没有符合条件的案件' : '暂无案件'}
                </td>
              </tr>
            )}
            {list.isPending && (
              <tr>
                <td colSpan={9} className="queue-empty">
                  正在加载…
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>

      <div className="queue-more">
        {list.hasNextPage ? (
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            加载更多
          </Button>
        ) : (
          !list.isPending && total > 0 && <span className="queue-muted">已全部加载</span>
        )}
      </div>
      <style>{QUEUE_CSS}</style>
    </ConfigProvider>
  );
}

const QueueRow = memo(function QueueRow({ c, community, assignee }: { c: QueueRowShape; community: string | null; assignee: string | null }) {
  const overdue = c.nextDeadline?.overdue === true;
  return (
    <tr
      className={overdue ? 'row-overdue' : undefined}
      data-case-no={c.caseNo}
      data-case-id={c.id}
      data-overdue={overdue ? 'true' : 'false'}
      data-unlocated={c.communityId === null ? 'true' : 'false'}
    >
      <td>
        <Link to={`/cases/${c.id}`} className="queue-caseno">
          {c.caseNo}
        </Link>
      </td>
      <td>
        <MaskedName displayName={c.childDisplayName} sex={c.childSex} age={c.childAgeYears} />
      </td>
      <td>
        <RiskTag level={c.riskLevel} />
      </td>
      <td>
        <CategoryTags codes={c.categories} />
      </td>
      <td>
        <StatusTag status={c.status} />
      </td>
      <td>{community ?? <Tag className="tag-unlocated">未定位</Tag>}</td>
      <td>
        <DeadlineCountdown deadline={c.nextDeadline} />
        {c.nextDeadline && <div className="queue-muted queue-small">截止 {formatDateTime(c.nextDeadline.dueAt)}</div>}
      </td>
      <td>
        {c.escalationLevel > 0 || c.flags.length > 0 ? (
          <span className="queue-flags">
            {c.escalationLevel > 0 && <Tag color="error">{ESCALATION_LABELS[c.escalationLevel] ?? `升级 ${c.escalationLevel} 级`}</Tag>}
            {c.flags
              .filter((f) => f !== 'escalated')
              .map((f) => (
                <Tag key={f} style={{ color: '#262626' }}>
                  {FLAG_LABELS[f] ?? f}
                </Tag>
              ))}
          </span>
        ) : (
          <span className="queue-muted">—</span>
        )}
      </td>
      <td>{assignee ?? <span className="queue-muted">未分派</span>}</td>
    </tr>
  );
});

const QUEUE_CSS = `
.queue-filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px 12px; align-items: end; margin-bottom: 12px; }
.queue-filters .qf { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
.queue-filters .qf > label { font-size: 14px; color: rgba(0,0,0,0.88); }
.queue-filters .qf-end { flex-direction: row; align-items: center; gap: 12px; min-height: 40px; flex-wrap: wrap; }
.queue-filters .qf-check { display: inline-flex; align-items: center; gap: 6px; min-height: 40px; cursor: pointer; font-size: 15px; }
.queue-filters .qf-check input { width: 18px; height: 18px; accent-color: #0958d9; }
.queue-filters .qf-input { height: 40px; width: 100%; box-sizing: border-box; padding: 0 11px; font: inherit; font-size: 15px; border: 1px solid #8c8c8c; border-radius: 8px; background: #fff; }
.native-field:focus-visible { outline: 2px solid #0958d9; outline-offset: 1px; }
.queue-count { margin: 4px 0 8px; color: rgba(0,0,0,0.68); }
.queue-scroll { overflow-x: auto; background: #fff; border-radius: 8px; border: 1px solid #f0f0f0; }
.queue-scroll:focus-visible { outline: 2px solid #0958d9; }
.queue-table { width: 100%; min-width: 1160px; border-collapse: collapse; table-layout: auto; font-size: 14px; }
.queue-table th { text-align: start; font-weight: 600; background: #fafafa; padding: 10px 8px; border-bottom: 1px solid #f0f0f0; white-space: nowrap; }
.queue-table td { padding: 10px 8px; border-bottom: 1px solid #f0f0f0; vertical-align: middle; }
.queue-table tbody tr:hover > td { background: #f5f9ff; }
.queue-table .row-overdue > td { background: #fff1f0; }
.queue-table .row-overdue > td:first-child { box-shadow: inset 4px 0 0 #cf1322; }
.queue-caseno { font-weight: 600; white-space: nowrap; }
.queue-flags { display: inline-flex; flex-wrap: wrap; gap: 2px; }
.queue-muted { color: rgba(0,0,0,0.65); }
.queue-small { font-size: 12px; }
.queue-empty { text-align: center; padding: 32px 8px !important; color: rgba(0,0,0,0.65); }
.queue-more { display: flex; justify-content: center; margin-top: 16px; }
.queue-views { display: flex; gap: 4px; margin: -4px 0 12px; border-bottom: 1px solid #f0f0f0; flex-wrap: wrap; }
.queue-views .qv { display: inline-flex; align-items: center; min-height: 44px; padding: 0 14px; color: rgba(0,0,0,0.88); border-bottom: 3px solid transparent; font-size: 15px; }
.queue-views .qv.active { color: #0958d9; border-bottom-color: #0958d9; font-weight: 600; }
.queue-views .qv:focus-visible { outline: 2px solid #0958d9; outline-offset: -2px; }
.tag-unlocated { color: #874d00 !important; border-color: #ffd591 !important; background: #fff7e6 !important; }
`;
