import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, Badge, Button, Card, Empty, Segmented, Space } from 'antd';
import { BellOutlined, FileAddOutlined, RightOutlined } from '@ant-design/icons';
import { useCaseList, useNotifications } from '../../api/hooks';
import type { CaseSummary } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { notificationKindText } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { CategoryTags, DeadlineCountdown, ErrorPage, MaskedName, PageLoading, PageTitle, RiskTag, StatusTag, useNow } from '../../components';
import { casePathFor } from '../../routes';
import { loadDraft } from './report-draft';

const OPEN = ['draft', 'submitted', 'returned', 'assessing', 'intervening', 'follow_up'];
type Filter = 'todo' | 'returned' | 'draft' | 'all';
const DAY = 24 * 3600_000;

/**
 * 我的工作台 — the community director's phone home: what is overdue and due first (with
 * countdowns), returned reports to complete, drafts, unread notifications, and the way to
 * file a new report one thumb away.
 */
export default function WorkbenchPage() {
  const user = useUser();
  const navigate = useNavigate();
  const now = useNow();
  const [filter, setFilter] = useState<Filter>('todo');
  const cases = useCaseList({ status: OPEN, sort: 'dueAt', limit: 100 }, { refetchInterval: 60_000 });
  const unread = useNotifications(true);
  const localDraft = useMemo(() => loadDraft<{ child?: { name?: string } }>(user.id), [user.id]);

  const items: CaseSummary[] = cases.data?.items ?? [];
  const known = cases.isSuccess;
  const overdue = items.filter((c) => c.nextDeadline && Date.parse(c.nextDeadline.dueAt) < now);
  const dueSoon = items.filter((c) => c.nextDeadline && Date.parse(c.nextDeadline.dueAt) >= now && Date.parse(c.nextDeadline.dueAt) - now < DAY);
  const returned = items.filter((c) => c.status === 'returned');
  const drafts = items.filter((c) => c.status === 'draft');
  const shown =
    filter === 'returned'
      ? returned
      : filter === 'draft'
        ? drafts
        : filter === 'todo'
          ? items.filter((c) => c.nextDeadline || c.status === 'returned' || c.status === 'draft')
          : items;

  return (
    <div style={{ maxWidth: 900, margin: '0 auto' }}>
      <PageTitle
        extra={
          <Button type="primary" size="large" icon={<FileAddOutlined aria-hidden />} onClick={() => navigate('/reports/new')}>
            新建报告
          </Button>
        }
      >
        我的工作台
      </PageTitle>
      <p style={{ margin: '-8px 0 16px', color: 'rgba(0,0,0,0.68)' }}>{user.jurisdiction.path ?? user.jurisdiction.name}</p>

      {localDraft && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title="有一份尚未发送的报告"
          description={`保存在本机，${formatDateTime(localDraft.savedAt)}。发送成功前不会删除。`}
          action={
            <Button size="middle" type="primary" onClick={() => navigate('/reports/new')}>
              继续填写
            </Button>
          }
        />
      )}

      <section aria-labelledby="summary-heading" style={{ marginBottom: 16 }}>
        <h2 id="summary-heading" className="sr-only">
          待办概况
        </h2>
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', gap: 8 }}>
          <Stat label="已超时" value={known ? overdue.length : null} color="#a8071a" testId="stat-overdue" />
          <Stat label="24小时内到期" value={known ? dueSoon.length : null} color="#873800" testId="stat-due-soon" />
          <Stat label="退回补充" value={known ? returned.length : null} color="#9e1068" testId="stat-returned" />
          <Stat label="草稿" value={known ? drafts.length : null} color="#262626" testId="stat-drafts" />
        </div>
      </section>

      <section aria-labelledby="notif-heading" style={{ marginBottom: 16 }}>
        <Card size="small" styles={{ body: { padding: '8px 12px' } }}>
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
            <h2 id="notif-heading" style={{ fontSize: 16, margin: 0 }}>
              <BellOutlined aria-hidden /> 未读通知{' '}
              <Badge count={unread.data?.items.length ?? 0} showZero style={{ backgroundColor: (unread.data?.items.length ?? 0) ? '#cf1322' : '#595959' }} />
            </h2>
            <Link to="/notifications">
              全部通知 <RightOutlined aria-hidden />
            </Link>
          </div>
          {unread.data && unread.data.items.length > 0 && (
            <ul style={{ listStyle: 'none', margin: '8px 0 0', padding: 0 }}>
              {unread.data.items.slice(0, 3).map((n) => (
                <li key={n.id} style={{ padding: '6px 0', borderTop: '1px solid #f0f0f0' }}>
                  {n.caseId ? (
                    <Link to={casePathFor('community_director', n.caseId)} style={{ color: '#1f1f1f' }}>
                      <strong style={{ color: n.kind.includes('breach') ? '#a8071a' : '#0958d9' }}>{notificationKindText(n.kind)}</strong> {n.title}
                    </Link>
                  ) : (
                    <span>
                      <strong>{notificationKindText(n.kind)}</strong> {n.title}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </section>

      <section aria-labelledby="cases-heading">
        <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap', marginBottom: 8 }}>
          <h2 id="cases-heading" style={{ fontSize: 18, margin: 0 }}>
            本社区的案件
          </h2>
          <Segmented
            aria-label="筛选案件"
            value={filter}
            onChange={(v) => setFilter(v as Filter)}
            options={[
              { label: '待办', value: 'todo' },
              { label: `退回(${returned.length})`, value: 'returned' },
              { label: `草稿(${drafts.length})`, value: 'draft' },
              { label: '全部', value: 'all' },
            ]}
          />
        </div>
        {cases.isPending ? (
          <PageLoading />
        ) : cases.isError ? (
          <ErrorPage error={cases.error} onRetry={() => void cases.refetch()} />
        ) : shown.length === 0 ? (
          <Card>
            <Empty description={filter === 'todo' ? '没有待办的案件' : '没有案件'} />
          </Card>
        ) : (
          <ul style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 8 }} aria-label="案件列表（到期早的在前）">
            {shown.map((c) => (
              <li key={c.id}>
                <CaseCard c={c} />
              </li>
            ))}
          </ul>
        )}
        {cases.data?.nextCursor && <p style={{ color: 'rgba(0,0,0,0.68)' }}>只显示了前 100 件。</p>}
      </section>
    </div>
  );
}

function Stat({ label, value, color, testId }: { label: string; value: number | null; color: string; testId: string }) {
  return (
    <Card size="small" styles={{ body: { padding: '8px 6px', textAlign: 'center' } }} data-testid={testId}>
      <div style={{ fontSize: 24, fontWeight: 700, color: value ? color : '#595959', lineHeight: 1.2 }}>{value ?? '—'}</div>
      <div style={{ fontSize: 12, color: '#434343' }}>{label}</div>
    </Card>
  );
}

function CaseCard({ c }: { c: CaseSummary }) {
  const overdue = !!c.nextDeadline && (c.nextDeadline.overdue || Date.parse(c.nextDeadline.dueAt) < Date.now());
  return (
    <Link to={casePathFor('community_director', c.id)} className="case-card" data-testid={`case-card-${c.caseNo}`}>
      <Card
        size="small"
        hoverable
        style={{ borderInlineStart: `4px solid ${overdue ? '#cf1322' : c.status === 'returned' ? '#c41d7f' : '#d9d9d9'}` }}
        styles={{ body: { padding: 12 } }}
      >
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
          <Space size={4} wrap>
            <RiskTag level={c.riskLevel} />
            <StatusTag status={c.status} />
          </Space>
          <span style={{ fontFamily: 'monospace', color: '#434343' }}>{c.caseNo}</span>
        </div>
        <div style={{ margin: '6px 0' }}>
          <MaskedName displayName={c.childDisplayName} sex={c.childSex} age={c.childAgeYears} />
        </div>
        <div style={{ marginBottom: 6 }}>
          <CategoryTags codes={c.categories} />
        </div>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
          {c.status === 'returned' ? (
            <span style={{ color: '#9e1068', fontWeight: 600 }}>请补充后重新提交</span>
          ) : c.status === 'draft' ? (
            <span style={{ color: '#434343' }}>草稿，尚未提交</span>
          ) : (
            <span />
          )}
          <DeadlineCountdown deadline={c.nextDeadline} />
        </div>
      </Card>
    </Link>
  );
}
