/**
 * 审批: the approvals inbox. District staff decide R1/R2 plans (and plans with 临时监护 /
 * 撤销监护资格) and R1/R2 closures; street supervisors decide R3/R4 closures. A rejection
 * needs a reason. Nobody decides what they asked for themselves.
 */
import { useState, type ComponentProps } from 'react';
import { Link, useSearchParams } from 'react-router';
import { App, Button, ConfigProvider, Flex, Form, Input, Modal, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useUser } from '../../auth/AuthContext';
import { ApiErrorAlert, PageTitle, RiskTag } from '../../components';
import { APPROVAL_STATUS_LABELS, CLOSURE_CHECKLIST_LABELS, CLOSURE_REASON_LABELS, MEASURE_TYPE_LABELS, ROLE_LABELS, approvalText } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { muted, NativeSelect } from '../case/controls';
import { useUsers } from '../case/lookups';
import type { ApprovalView } from '../case/model';

type Status = 'pending' | 'approved' | 'rejected';

function waited(from: string): string {
  const h = Math.max(0, (Date.now() - Date.parse(from)) / 3600_000);
  return h < 1 ? `${Math.round(h * 60)} 分钟` : h < 48 ? `${Math.floor(h)} 小时` : `${Math.floor(h / 24)} 天`;
}

/** " 临时监护" for a measure decision: its buttons differ from the plan approval's of the same case. */
const measureSuffix = (a: ApprovalView): string => (a.kind === 'measure' && a.payload.type ? ` ${MEASURE_TYPE_LABELS[a.payload.type] ?? a.payload.type}` : '');

export default function ApprovalsPage() {
  const me = useUser();
  const [sp, setSp] = useSearchParams();
  const status = (['pending', 'approved', 'rejected'].includes(sp.get('status') ?? '') ? sp.get('status') : 'pending') as Status;
  const q = useQuery({
    queryKey: ['approvals', status],
    queryFn: () => unwrap<{ items: ApprovalView[] }>(api.GET('/api/approvals', { params: { query: { status } } })),
    refetchInterval: 60_000,
  });
  const users = useUsers();
  const [deciding, setDeciding] = useState<{ approval: ApprovalView; decision: 'approve' | 'reject' } | null>(null);
  const items = [...(q.data?.items ?? [])].sort((a, b) =>
    status === 'pending' ? a.requestedAt.localeCompare(b.requestedAt) : b.requestedAt.localeCompare(a.requestedAt),
  );
  const name = (id: string | null) => (id ? (id === me.id ? `${me.displayName}（我）` : (users.byId.get(id)?.displayName ?? '—')) : '—');

  const columns: TableColumnsType<ApprovalView> = [
    {
      title: '案件编号',
      key: 'caseNo',
      width: 160,
      render: (_, a) => (
        <Link to={`/cases/${a.caseId}`} style={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
          {a.caseNo ?? '打开案件'}
        </Link>
      ),
    },
    { title: '风险', key: 'risk', width: 90, render: (_, a) => <RiskTag level={a.riskLevel} /> },
    { title: '审批事项', key: 'kind', width: 130, render: (_, a) => approvalText(a) },
    {
      title: '内容',
      key: 'payload',
      render: (_, a) =>
        a.kind === 'closure' ? (
          <div>
            <div>结案原因：{CLOSURE_REASON_LABELS[a.payload.closureReason ?? ''] ?? a.payload.closureReason ?? '—'}</div>
            {a.payload.reason && <div>说明：{a.payload.reason}</div>}
            {a.payload.checklist && (
              <ul style={{ margin: 0, paddingInlineStart: 18, fontSize: 13 }}>
                {Object.entries(a.payload.checklist).map(([k, v]) => (
                  <li key={k}>
                    {v ? '已确认' : '未确认'}：{CLOSURE_CHECKLIST_LABELS[k] ?? k}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : a.kind === 'measure' ? (
          <span>{MEASURE_TYPE_LABELS[a.payload.type ?? ''] ?? a.payload.type ?? '措施'}（由区民政部门决定），详见案件的处置措施</span>
        ) : (
          <span>处置计划（开始处置），详见案件的处置措施</span>
        ),
    },
    {
      title: '申请',
      key: 'requested',
      width: 200,
      render: (_, a) => (
        <div>
          <div>{name(a.requestedById)}</div>
          <div style={{ ...muted, fontSize: 13 }}>
            {formatDateTime(a.requestedAt)}
            {status === 'pending' && ` · 已等待 ${waited(a.requestedAt)}`}
          </div>
        </div>
      ),
    },
    {
      title: status === 'pending' ? '审批角色' : '决定',
      key: 'decision',
      width: 200,
      render: (_, a) =>
        status === 'pending' ? (
          (ROLE_LABELS[a.decidedByRole] ?? a.decidedByRole)
        ) : (
          <div>
            <div>
              {APPROVAL_STATUS_LABELS[a.status] ?? a.status} · {name(a.decidedById)}
            </div>
            <div style={{ ...muted, fontSize: 13 }}>{formatDateTime(a.decidedAt)}</div>
            {a.decisionReason && <div>意见：{a.decisionReason}</div>}
          </div>
        ),
    },
  ];
  if (status === 'pending') {
    columns.push({
      title: '操作',
      key: 'actions',
      width: 170,
      render: (_, a) => {
        const own = a.requestedById === me.id;
        const mayDecide = !own && (a.decidedByRole === me.role || me.role === 'district_staff');
        return mayDecide ? (
          <Space wrap>
            <Button
              type="primary"
              onClick={() => setDeciding({ approval: a, decision: 'approve' })}
              aria-label={`批准 ${a.caseNo ?? ''}${measureSuffix(a)}`.trim()}
            >
              批准
            </Button>
            <Button danger onClick={() => setDeciding({ approval: a, decision: 'reject' })} aria-label={`驳回 ${a.caseNo ?? ''}${measureSuffix(a)}`.trim()}>
              驳回
            </Button>
          </Space>
        ) : (
          <span style={muted}>{own ? '本人提出的申请，须由他人审批' : '由上级审批'}</span>
        );
      },
    });
  }

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle>审批</PageTitle>
      <Flex gap={12} align="end" wrap style={{ marginBottom: 12 }}>
        <div style={{ width: 200 }}>
          <label htmlFor="approval-status" style={{ display: 'block', marginBottom: 4 }}>
            审批状态
          </label>
          <NativeSelect
            id="approval-status"
            value={status}
            onChange={(v) => setSp(v === 'pending' ? {} : { status: v }, { replace: true })}
            options={(['pending', 'approved', 'rejected'] as const).map((s) => ({ value: s, label: APPROVAL_STATUS_LABELS[s] }))}
          />
        </div>
        <div role="status" aria-live="polite" style={{ ...muted, paddingBottom: 8 }}>
          {q.isPending ? '正在加载…' : `共 ${items.length} 条${APPROVAL_STATUS_LABELS[status]}`}
        </div>
      </Flex>
      {q.error ? <ApiErrorAlert error={q.error} /> : null}
      <Table<ApprovalView>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={q.isPending}
        pagination={false}
        scroll={items.length ? { x: 1000 } : undefined}
        onRow={(a) => ({ 'data-case-no': a.caseNo }) as ComponentProps<'tr'>}
        components={{
          table: (props: ComponentProps<'table'>) => (
            <table {...props}>
              <caption className="sr-only">{APPROVAL_STATUS_LABELS[status]}的申请</caption>
              {props.children}
            </table>
          ),
        }}
        locale={{ emptyText: <span style={muted}>{status === 'pending' ? '没有待审批的申请' : '暂无记录'}</span> }}
      />
      {deciding && <DecisionDialog {...deciding} onClose={() => setDeciding(null)} />}
    </ConfigProvider>
  );
}

function DecisionDialog({ approval, decision, onClose }: { approval: ApprovalView; decision: 'approve' | 'reject'; onClose: () => void }) {
  const [form] = Form.useForm<{ reason?: string }>();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const reject = decision === 'reject';

  const submit = async () => {
    let v: { reason?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST('/api/approvals/{id}/decision', { params: { path: { id: approval.id } }, body: { decision, reason: v.reason?.trim() || undefined } }),
      );
      void message.success(reject ? `已驳回 ${approval.caseNo ?? ''}` : `已批准 ${approval.caseNo ?? ''}`);
      await Promise.all([qc.invalidateQueries({ queryKey: ['approvals'] }), qc.invalidateQueries({ queryKey: ['cases'] })]);
      onClose();
    } catch (e) {
      setError(e);
      void qc.invalidateQueries({ queryKey: ['approvals'] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={`${reject ? '驳回' : '批准'}：${approvalText(approval)}（${approval.caseNo ?? ''}）`}
      onCancel={onClose}
      mask={{ closable: false }}
      destroyOnHidden
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" danger={reject} loading={busy} onClick={() => void submit()} data-testid="dialog-submit">
            确定
          </Button>
        </Flex>
      }
    >
      <Typography.Paragraph>
        {reject
          ? '驳回后申请人会收到通知，案件保持当前状态。'
          : approval.kind === 'closure'
            ? '批准后案件结案。'
            : approval.kind === 'measure'
              ? '批准后该措施列入处置计划并开始计时。'
              : '批准后案件转入“处置帮扶”，各项措施开始计时。'}
      </Typography.Paragraph>
      <Form form={form} name={`decision-${decision}`} layout="vertical">
        <Form.Item
          name="reason"
          label={reject ? '驳回理由' : '审批意见'}
          rules={reject ? [{ required: true, whitespace: true, message: '驳回须填写理由' }] : []}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={1000} />
        </Form.Item>
      </Form>
      {error ? <ApiErrorAlert error={error} /> : null}
    </Modal>
  );
}
