/**
 * 时间线: every event of one case, oldest first, as recorded (nothing is ever edited), and
 * the hash-chain check from /timeline/verify said plainly: "时间线完整" or
 * "第 N 条事件起被篡改".
 */
import { type ComponentProps } from 'react';
import { useParams } from 'react-router';
import { Alert, Button, ConfigProvider, Flex, Table, Typography, type TableColumnsType } from 'antd';
import { ArrowLeftOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useUser } from '../../auth/AuthContext';
import { ErrorPage, PageTitle, RiskTag } from '../../components';
import { ROLE_LABELS, STATUS_LABELS, type CaseStatus, type Role } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { casePathFor } from '../../routes';
import { LinkButton, muted } from '../case/controls';
import { eventDataText, HIDDEN_DATA_KEYS } from '../case/eventText';
import { EVENT_DATA_LABELS, eventTypeText } from '../case/extraLabels';
import { useJurisdictions, useUsers } from '../case/lookups';
import type { TimelineEvent } from '../case/model';
import { useCaseFull, useTimelineEvents, useTimelineVerify } from '../case/useCaseData';

const statusText = (s: string | null) => (s ? (STATUS_LABELS[s as CaseStatus] ?? s) : null);

export default function TimelinePage() {
  const { id } = useParams<{ id: string }>();
  const me = useUser();
  const c = useCaseFull(id);
  const tl = useTimelineEvents(id);
  const verify = useTimelineVerify(id);
  const users = useUsers({}, me.role !== 'community_director');
  const tree = useJurisdictions();

  if (tl.error && !tl.data) return <ErrorPage error={tl.error} onRetry={() => void tl.refetch()} />;

  const who = (e: TimelineEvent) => {
    if (!e.actor || !e.actor.id) return '系统';
    const role = ROLE_LABELS[e.actor.role as Role] ?? (e.actor.role === 'system' ? '系统' : e.actor.role);
    const u = e.actor.id === me.id ? `${me.displayName}（我）` : users.byId.get(e.actor.id)?.displayName;
    return u ? `${u} · ${role}` : role;
  };

  const resolvers = {
    user: (id: string) => (id === me.id ? `${me.displayName}（我）` : (users.byId.get(id)?.displayName ?? '（人员）')),
    community: (id: string) => tree.byId.get(id)?.name ?? '（社区）',
  };

  const columns: TableColumnsType<TimelineEvent> = [
    { title: '序号', dataIndex: 'seq', key: 'seq', width: 70 },
    { title: '时间', dataIndex: 'at', key: 'at', width: 150, render: (at: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(at)}</span> },
    { title: '事件', dataIndex: 'type', key: 'type', width: 150, render: (t: string) => <span data-event-type={t}>{eventTypeText(t)}</span> },
    { title: '操作人', key: 'actor', width: 200, render: (_, e) => who(e) },
    {
      title: '状态变化',
      key: 'status',
      width: 210,
      render: (_, e) =>
        e.fromStatus || e.toStatus ? (
          <span>
            {statusText(e.fromStatus) ?? '—'} → {statusText(e.toStatus) ?? '—'}
          </span>
        ) : (
          <span style={muted}>—</span>
        ),
    },
    {
      title: '内容',
      key: 'data',
      render: (_, e) => {
        const entries = Object.entries(e.data ?? {}).filter(([k]) => !HIDDEN_DATA_KEYS.has(k));
        if (!entries.length) return <span style={muted}>—</span>;
        return (
          <dl style={{ margin: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 8 }}>
            {entries.map(([k, v]) => (
              <div key={k} style={{ display: 'contents' }}>
                <dt style={muted}>{EVENT_DATA_LABELS[k] ?? k}</dt>
                <dd style={{ margin: 0, overflowWrap: 'anywhere' }}>
                  {k.toLowerCase().includes('risklevel') && typeof v === 'string' ? <RiskTag level={v} /> : eventDataText(k, v, e.type, resolvers)}
                </dd>
              </div>
            ))}
          </dl>
        );
      },
    },
  ];

  const events = tl.data?.events ?? [];
  const caseNo = c.data?.caseNo;

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle
        title={caseNo ? `时间线 ${caseNo}` : '时间线'}
        extra={
          <LinkButton to={casePathFor(me.role, id as string)} icon={<ArrowLeftOutlined aria-hidden />}>
            返回案件
          </LinkButton>
        }
      >
        时间线{caseNo ? ` · 案件 ${caseNo}` : ''}
      </PageTitle>

      <section aria-labelledby="verify-heading" style={{ marginBottom: 16 }}>
        <Typography.Title level={2} id="verify-heading" style={{ fontSize: 17 }}>
          完整性校验
        </Typography.Title>
        <Flex gap={12} align="center" wrap>
          <VerifyResult loading={verify.isFetching} data={verify.data} error={verify.error} />
          <Button icon={<SafetyCertificateOutlined aria-hidden />} onClick={() => void verify.refetch()} loading={verify.isFetching}>
            校验时间线
          </Button>
        </Flex>
        <Typography.Paragraph style={{ ...muted, marginTop: 8, fontSize: 13 }}>
          每条事件都带有前一条事件的哈希值，任何修改或删除都会使校验失败。时间线只增不改。
        </Typography.Paragraph>
      </section>

      <section aria-labelledby="events-heading">
        <Typography.Title level={2} id="events-heading" style={{ fontSize: 17 }}>
          事件（{events.length}）
        </Typography.Title>
        <div className="tl-scroll" role="region" aria-label="时间线事件表" tabIndex={0}>
          <Table<TimelineEvent>
            style={{ minWidth: 960 }}
            rowKey="seq"
            size="small"
            columns={columns}
            dataSource={events}
            loading={tl.isPending}
            pagination={false}
            components={{
              table: (props: ComponentProps<'table'>) => (
                <table {...props}>
                  <caption className="sr-only">案件{caseNo ?? ''}的时间线事件，按发生顺序排列</caption>
                  {props.children}
                </table>
              ),
            }}
            locale={{ emptyText: <span style={muted}>暂无事件</span> }}
          />
        </div>
        <style>{`.tl-scroll { overflow-x: auto; } .tl-scroll:focus-visible { outline: 2px solid #0958d9; }`}</style>
      </section>
    </ConfigProvider>
  );
}

export function VerifyResult({
  loading,
  data,
  error,
}: {
  loading: boolean;
  data?: { valid: boolean; events: number; brokenAtSeq?: number | null };
  error?: unknown;
}) {
  if (error && !data) return <Alert type="error" showIcon title="无法完成校验，请稍后重试" role="alert" />;
  if (!data) return <span role="status">{loading ? '正在校验…' : ''}</span>;
  return data.valid ? (
    <Alert
      type="success"
      showIcon
      role="status"
      data-testid="timeline-verify"
      title="时间线完整"
      description={`已校验全部 ${data.events} 条事件，哈希链未被改动。`}
    />
  ) : (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="timeline-verify"
      title={`第 ${data.brokenAtSeq ?? '?'} 条事件起被篡改`}
      description={`哈希链在第 ${data.brokenAtSeq ?? '?'} 条事件处断开：该条及之后的事件不可信。请立即报告系统管理员并保全数据库。`}
    />
  );
}
