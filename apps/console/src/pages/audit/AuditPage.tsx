/**
 * 审计 (district staff): timeline events of the district's cases, reads of sensitive
 * fields (identity.read) and changes of user accounts, filtered by period, actor and case;
 * the same rows as CSV (formula-safe, made by the API) through the authenticated client.
 */
import { useMemo, useState, type ComponentProps } from 'react';
import { Link, useSearchParams } from 'react-router';
import { App, Button, ConfigProvider, Flex, Table, Tag, type TableColumnsType } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ApiErrorAlert, errorText, PageTitle } from '../../components';
import { ROLE_LABELS, STATUS_LABELS, type CaseStatus, type Role } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { DateInput, muted, NativeSelect, type OptionGroup } from '../case/controls';
import { dayAfter, dayStart, saveDownload } from '../case/download';
import { AUDIT_SOURCE_LABELS, EVENT_DATA_LABELS, eventTypeText, IDENTITY_FIELD_LABELS } from '../case/extraLabels';
import { eventDataText, HIDDEN_DATA_KEYS } from '../case/eventText';
import { useJurisdictions, useUsers } from '../case/lookups';

interface AuditRow {
  source: 'event' | 'access' | 'user';
  at: string;
  caseId: string | null;
  caseNo: string | null;
  seq: number | null;
  type: string;
  actorId: string | null;
  actorRole: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  fields: string[];
  data: Record<string, unknown> | null;
  hash: string | null;
}

const LIMIT = 2000;
const roleText = (r: string | null) => (r ? (ROLE_LABELS[r as Role] ?? (r === 'system' ? '系统' : r)) : '系统');

export default function AuditPage() {
  const { message } = App.useApp();
  const [sp, setSp] = useSearchParams();
  const from = sp.get('from') ?? '';
  const to = sp.get('to') ?? '';
  const actorId = sp.get('actor') ?? '';
  const caseId = sp.get('case') ?? '';
  const caseNoParam = sp.get('caseNo') ?? '';
  const users = useUsers();
  const [caseNoInput, setCaseNoInput] = useState(caseNoParam);
  const [caseLookupError, setCaseLookupError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const query = useMemo(() => {
    const q: { from?: string; to?: string; actorId?: string; caseId?: string; limit: number } = { limit: LIMIT };
    if (from) q.from = dayStart(from);
    if (to) q.to = dayAfter(to);
    if (actorId) q.actorId = actorId;
    if (caseId) q.caseId = caseId;
    return q;
  }, [from, to, actorId, caseId]);

  const rowsQ = useQuery({ queryKey: ['audit', query], queryFn: () => unwrap<{ items: AuditRow[] }>(api.GET('/api/audit/events', { params: { query } })) });
  const rows = rowsQ.data?.items ?? [];

  const set = (patch: Record<string, string>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setSp(next, { replace: true });
  };

  /** The API filters by case id; people know case numbers. */
  const applyCaseNo = async () => {
    const no = caseNoInput.trim().toUpperCase();
    setCaseLookupError(null);
    if (!no) return set({ case: '', caseNo: '' });
    if (!/^[A-Z0-9-]{1,24}$/.test(no)) return setCaseLookupError('请输入案件编号，如 BA-2026-000001');
    try {
      const found = await unwrap<{ items: { id: string; caseNo: string }[] }>(api.GET('/api/cases', { params: { query: { q: no, limit: 5 } } }));
      const exact = found.items.find((c) => c.caseNo === no) ?? (found.items.length === 1 ? found.items[0] : undefined);
      if (!exact) return setCaseLookupError(found.items.length ? '有多个案件以此开头，请输入完整编号' : '没有找到该案件编号');
      setCaseNoInput(exact.caseNo);
      set({ case: exact.id, caseNo: exact.caseNo });
    } catch (e) {
      setCaseLookupError(errorText(e));
    }
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      await saveDownload(api.GET('/api/audit/events', { params: { query: { ...query, limit: 100000, format: 'csv' } }, parseAs: 'blob' }), 'shouhu-audit.csv');
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setExporting(false);
    }
  };

  const actorGroups: OptionGroup[] = useMemo(
    () =>
      (['community_director', 'street_supervisor', 'district_staff', 'district_leader', 'admin'] as const)
        .map((r) => ({
          label: ROLE_LABELS[r],
          options: users.users.filter((u) => u.role === r).map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` })),
        }))
        .filter((g) => g.options.length),
    [users.users],
  );

  const tree = useJurisdictions();
  const resolvers = {
    user: (id: string) => users.byId.get(id)?.displayName ?? '（人员）',
    community: (id: string) => tree.byId.get(id)?.name ?? '（社区）',
  };

  const columns: TableColumnsType<AuditRow> = [
    { title: '时间', dataIndex: 'at', key: 'at', width: 150, render: (at: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(at)}</span> },
    {
      title: '来源',
      dataIndex: 'source',
      key: 'source',
      width: 120,
      render: (s: string) => (
        <Tag style={{ color: s === 'access' ? '#873800' : '#262626', borderColor: s === 'access' ? '#ffc069' : undefined }}>{AUDIT_SOURCE_LABELS[s] ?? s}</Tag>
      ),
    },
    { title: '事件', dataIndex: 'type', key: 'type', width: 150, render: (t: string) => eventTypeText(t) },
    {
      title: '案件',
      key: 'case',
      width: 150,
      render: (_, r) =>
        r.caseId ? (
          <Link to={`/cases/${r.caseId}/timeline`} style={{ whiteSpace: 'nowrap' }}>
            {r.caseNo ?? '打开'}
            {r.seq ? ` #${r.seq}` : ''}
          </Link>
        ) : (
          <span style={muted}>—</span>
        ),
    },
    {
      title: '操作人',
      key: 'actor',
      width: 200,
      render: (_, r) => (
        <span>
          {r.actorId ? (users.byId.get(r.actorId)?.displayName ?? '（人员）') : '系统'}
          <span style={{ ...muted, display: 'block', fontSize: 12 }}>{roleText(r.actorRole)}</span>
        </span>
      ),
    },
    {
      title: '内容',
      key: 'detail',
      render: (_, r) => {
        if (r.source === 'access') return <span>查看：{r.fields.map((f) => IDENTITY_FIELD_LABELS[f] ?? f).join('、')}</span>;
        const parts: string[] = [];
        if (r.fromStatus || r.toStatus)
          parts.push(`${STATUS_LABELS[r.fromStatus as CaseStatus] ?? r.fromStatus ?? '—'} → ${STATUS_LABELS[r.toStatus as CaseStatus] ?? r.toStatus ?? '—'}`);
        for (const [k, v] of Object.entries(r.data ?? {})) {
          if (HIDDEN_DATA_KEYS.has(k) || v === null || (typeof v === 'object' && !Array.isArray(v))) continue;
          parts.push(`${EVENT_DATA_LABELS[k] ?? k}：${eventDataText(k, v, r.type, resolvers)}`);
        }
        return parts.length ? <span style={{ overflowWrap: 'anywhere' }}>{parts.join('；')}</span> : <span style={muted}>—</span>;
      },
    },
  ];

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle
        extra={
          <Button icon={<DownloadOutlined aria-hidden />} onClick={() => void exportCsv()} loading={exporting}>
            导出 CSV
          </Button>
        }
      >
        审计
      </PageTitle>
      <div
        role="search"
        aria-label="筛选审计记录"
        style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))', gap: '8px 12px', alignItems: 'end', marginBottom: 12 }}
      >
        <div>
          <label htmlFor="a-from" style={{ display: 'block', marginBottom: 4 }}>
            起始日期
          </label>
          <DateInput id="a-from" value={from} onChange={(v) => set({ from: v })} />
        </div>
        <div>
          <label htmlFor="a-to" style={{ display: 'block', marginBottom: 4 }}>
            截止日期
          </label>
          <DateInput id="a-to" value={to} onChange={(v) => set({ to: v })} />
        </div>
        <div>
          <label htmlFor="a-actor" style={{ display: 'block', marginBottom: 4 }}>
            操作人
          </label>
          <NativeSelect id="a-actor" value={actorId} onChange={(v) => set({ actor: v })} placeholder="全部人员" groups={actorGroups} />
        </div>
        <div>
          <label htmlFor="a-case" style={{ display: 'block', marginBottom: 4 }}>
            案件编号
          </label>
          <input
            id="a-case"
            type="search"
            className="native-field"
            value={caseNoInput}
            onChange={(e) => setCaseNoInput(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void applyCaseNo()}
            onBlur={() => caseNoInput.trim().toUpperCase() !== caseNoParam && void applyCaseNo()}
            placeholder="如 BA-2026-000001"
            aria-invalid={caseLookupError ? true : undefined}
            aria-describedby={caseLookupError ? 'a-case-error' : undefined}
            style={{
              height: 40,
              width: '100%',
              boxSizing: 'border-box',
              padding: '0 11px',
              font: 'inherit',
              fontSize: 15,
              border: '1px solid #8c8c8c',
              borderRadius: 8,
            }}
          />
        </div>
        <Flex gap={8} align="center" style={{ minHeight: 40 }}>
          <Button onClick={() => void applyCaseNo()}>查询</Button>
          {(from || to || actorId || caseId) && (
            <Button
              onClick={() => {
                setCaseNoInput('');
                setCaseLookupError(null);
                setSp({}, { replace: true });
              }}
            >
              清除筛选
            </Button>
          )}
        </Flex>
      </div>
      {caseLookupError && (
        <div id="a-case-error" role="alert" style={{ color: '#cf1322', marginBottom: 8 }}>
          {caseLookupError}
        </div>
      )}
      {rowsQ.error ? <ApiErrorAlert error={rowsQ.error} onReload={() => void rowsQ.refetch()} /> : null}
      <div role="status" aria-live="polite" style={{ ...muted, marginBottom: 8 }}>
        {rowsQ.isPending ? '正在加载…' : `共 ${rows.length} 条${rows.length >= LIMIT ? `（只显示前 ${LIMIT} 条，请缩小范围或导出 CSV）` : ''}`}
      </div>
      <Table<AuditRow>
        rowKey={(r) => `${r.source}-${r.caseId ?? ''}-${r.seq ?? ''}-${r.at}-${r.type}-${r.actorId ?? ''}`}
        size="small"
        columns={columns}
        dataSource={rows}
        loading={rowsQ.isPending}
        pagination={{ pageSize: 50, showSizeChanger: false, showTotal: (t) => `共 ${t} 条`, hideOnSinglePage: true }}
        scroll={rows.length ? { x: 1000 } : undefined}
        components={{
          table: (props: ComponentProps<'table'>) => (
            <table {...props}>
              <caption className="sr-only">审计记录，最新在前</caption>
              {props.children}
            </table>
          ),
        }}
        locale={{ emptyText: <span style={muted}>没有符合条件的记录</span> }}
      />
    </ConfigProvider>
  );
}
