/**
 * 转介收件箱: the referrals addressed to the liaison's agency (GET /api/referrals answers only
 * those). Phone first: one card per referral, the ones waiting for an answer on top with the
 * time left to answer, then those being handled, then the finished ones. Only the case number
 * and the masked name are shown here; the referral's page holds the need-to-know view.
 */
import { Link } from 'react-router';
import { Button, Empty, Flex, Segmented, Typography } from 'antd';
import { ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { ErrorPage, MaskedName, PageLoading, PageTitle } from '../../components';
import { REFERRAL_STATUS_LABELS } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { sortReferrals, useReferrals, type ReferralStatus } from '../../api/referrals';
import { ReferralCountdown, ReferralStatusTag } from './shared';

type Filter = 'open' | 'pending' | 'accepted' | 'closed';
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'open', label: '待办' },
  { value: 'pending', label: REFERRAL_STATUS_LABELS.pending },
  { value: 'accepted', label: REFERRAL_STATUS_LABELS.accepted },
  { value: 'closed', label: '已结束' },
];
/** What each filter asks the API for (GET /api/referrals answers only the agency's own). */
const STATUSES: Record<Filter, ReferralStatus[]> = {
  open: ['pending', 'accepted'],
  pending: ['pending'],
  accepted: ['accepted'],
  closed: ['done', 'declined', 'revoked'],
};

export default function InboxPage() {
  const [sp, setSp] = useSearchParams();
  const filter = (FILTERS.some((f) => f.value === sp.get('show')) ? sp.get('show') : 'open') as Filter;
  // From a notification: the referrals of one case, in every state.
  const caseId = sp.get('case') ?? undefined;
  const q = useReferrals(caseId ? { caseId, limit: 200 } : { status: STATUSES[filter], limit: 200 }, { refetchInterval: 60_000 });
  // The count of those waiting for an answer, whatever is shown.
  const waiting = useReferrals({ status: ['pending'], limit: 200 }, { refetchInterval: 60_000 });

  const shown = sortReferrals(q.data?.items ?? []);
  const pendingCount = waiting.data?.items.length ?? 0;

  return (
    <div className="liaison-inbox">
      <PageTitle
        title="转介收件箱"
        extra={
          <Button icon={<ReloadOutlined aria-hidden />} onClick={() => void q.refetch()} loading={q.isFetching} aria-label="刷新收件箱">
            刷新
          </Button>
        }
      >
        转介收件箱
      </PageTitle>
      <Typography.Paragraph style={{ color: 'rgba(0,0,0,0.68)' }}>
        {pendingCount > 0 ? `有 ${pendingCount} 件转介等待本单位回应，请在期限内接收或说明理由拒绝。` : '本单位收到的协同转介。'}
      </Typography.Paragraph>
      {caseId ? (
        <Flex gap={8} align="center" wrap style={{ marginBottom: 12 }}>
          <span>仅显示通知所指案件的转介。</span>
          <Link to="/referrals">显示全部待办</Link>
        </Flex>
      ) : (
        <Segmented
          block
          aria-label="按状态筛选"
          value={filter}
          options={FILTERS.map((f) => ({ value: f.value, label: f.label }))}
          onChange={(v) => {
            const next = new URLSearchParams(sp);
            if (v === 'open') next.delete('show');
            else next.set('show', v);
            setSp(next, { replace: true });
          }}
          style={{ marginBottom: 12 }}
        />
      )}
      {q.isPending ? (
        <PageLoading label="正在加载转介…" />
      ) : q.isError ? (
        <ErrorPage error={q.error} onRetry={() => void q.refetch()} />
      ) : shown.length === 0 ? (
        <Empty description={filter === 'open' ? '没有待办的转介' : '没有符合条件的转介'} />
      ) : (
        <ul className="referral-cards" aria-label="转介列表">
          {shown.map((r) => (
            <li key={r.id} data-referral-id={r.id} data-case-no={r.caseNo} data-status={r.status}>
              <Link to={`/referrals/${r.id}`} className="referral-card">
                <Flex justify="space-between" align="center" gap={8}>
                  <Typography.Text strong style={{ fontSize: 16 }}>
                    {r.caseNo}
                  </Typography.Text>
                  <ReferralStatusTag status={r.status} />
                </Flex>
                <div className="referral-service">{r.service}</div>
                <div style={{ color: 'rgba(0,0,0,0.68)' }}>
                  儿童：
                  <MaskedName displayName={r.childDisplayName} />
                </div>
                <Flex justify="space-between" align="center" gap={8} wrap>
                  <span style={{ fontSize: 13 }}>
                    <ReferralCountdown r={r} />
                    {!['pending', 'accepted'].includes(r.status) && <span style={{ color: 'rgba(0,0,0,0.68)' }}>转介于 {formatDateTime(r.createdAt)}</span>}
                  </span>
                  <RightOutlined aria-hidden style={{ color: 'rgba(0,0,0,0.45)' }} />
                </Flex>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <style>{`
        .referral-cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
        .referral-card { display: block; padding: 12px 14px; border: 1px solid #d9d9d9; border-radius: 10px; background: #fff; color: rgba(0,0,0,0.88); text-decoration: none; }
        .referral-card:hover { border-color: #0958d9; }
        .referral-card:focus-visible { outline: 3px solid #0958d9; outline-offset: 1px; }
        .referral-service { margin: 6px 0; overflow-wrap: anywhere; }
        @media (min-width: 768px) { .referral-cards { grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); } }
      `}</style>
    </div>
  );
}
