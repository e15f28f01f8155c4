/**
 * 我提交的报告: what the hotline filed and where each report stands. The API lists only the
 * caller's own filings until a supervisor accepts them (domain.md §1), so this is exactly
 * the hotline's view; rows show the masked name only (未成年人保护法 Art.103). An unlocated
 * report shows 未定位 until district staff route it to a community.
 */
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Empty, Tag } from 'antd';
import { FileAddOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { CaseListShape, CaseSummaryShape } from '../../api/types';
import { ApiErrorAlert, CategoryTags, MaskedName, PageLoading, PageTitle, RiskTag, StatusTag } from '../../components';
import { formatDateTime } from '../../i18n/time';
import { useJurisdictions } from '../case/lookups';

const PAGE = 50;

/** A summary as the API answers it once unlocated cases exist (communityId null until routed). */
type FiledSummary = Omit<CaseSummaryShape, 'communityId' | 'streetId'> & { communityId: string | null; streetId: string | null };

export default function HotlineReportsPage() {
  const navigate = useNavigate();
  const tree = useJurisdictions();
  const list = useInfiniteQuery({
    queryKey: ['cases', 'list', 'hotline-filed'],
    queryFn: ({ pageParam }) =>
      unwrap<CaseListShape>(api.GET('/api/cases', { params: { query: { sort: '-reportedAt', limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last: CaseListShape) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const rows = useMemo(() => (list.data?.pages.flatMap((p) => p.items) ?? []) as unknown as FiledSummary[], [list.data]);

  return (
    <div style={{ maxWidth: 900, margin: '0 auto' }}>
      <PageTitle
        extra={
          <Button type="primary" size="large" icon={<FileAddOutlined aria-hidden />} onClick={() => void navigate('/hotline/new')}>
            新建热线报告
          </Button>
        }
      >
        我提交的报告
      </PageTitle>
      <p style={{ margin: '-8px 0 16px', color: 'rgba(0,0,0,0.68)' }}>
        这里列出您提交、尚未被街道督导员受理的报告；受理后由街道和社区跟进，不再在此显示。地点不明的报告由区级分派到社区。
      </p>
      {list.error ? <ApiErrorAlert error={list.error} onReload={() => void list.refetch()} /> : null}
      {list.isPending ? (
        <PageLoading />
      ) : rows.length === 0 && !list.error ? (
        <Card>
          <Empty description="暂无待受理的报告" />
        </Card>
      ) : (
        <ul className="plain-list" aria-label="我提交的报告" data-testid="hotline-reports" style={{ padding: 0 }}>
          {rows.map((c) => (
            <FiledRow key={c.id} c={c} community={c.communityId ? (tree.byId.get(c.communityId)?.path ?? tree.byId.get(c.communityId)?.name ?? '—') : null} />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <div style={{ display: 'flex', justifyContent: 'center', marginTop: 12 }}>
          <Button size="large" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            加载更多
          </Button>
        </div>
      )}
    </div>
  );
}

function FiledRow({ c, community }: { c: FiledSummary; community: string | null }) {
  return (
    <li
      data-case-no={c.caseNo}
      data-case-id={c.id}
      data-status={c.status}
      data-unlocated={c.communityId === null ? 'true' : 'false'}
      style={{ background: '#fff', border: '1px solid #f0f0f0', borderRadius: 8, padding: '12px 14px', marginBottom: 8, display: 'block' }}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap', alignItems: 'center' }}>
        <Link to={`/hotline/cases/${c.id}`} style={{ fontSize: 16, fontWeight: 600, minHeight: 32, display: 'inline-flex', alignItems: 'center' }}>
          {c.caseNo}
        </Link>
        <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
          <RiskTag level={c.riskLevel} />
          <StatusTag status={c.status} />
        </span>
      </div>
      <div style={{ marginTop: 4 }}>
        <MaskedName displayName={c.childDisplayName} sex={c.childSex} age={c.childAgeYears} />
      </div>
      <div style={{ marginTop: 4 }}>
        <CategoryTags codes={c.categories} />
      </div>
      <div style={{ marginTop: 4, color: 'rgba(0,0,0,0.68)', fontSize: 13 }}>
        {community === null ? (
          <Tag style={{ color: '#874d00', borderColor: '#ffd591', background: '#fff7e6' }} data-testid="unlocated-tag">
            未定位（待区级分派）
          </Tag>
        ) : (
          <span>社区：{community}</span>
        )}{' '}
        · 报告时间 {formatDateTime(c.reportedAt)}
      </div>
    </li>
  );
}
