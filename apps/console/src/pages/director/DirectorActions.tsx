/**
 * What a community director does on a case, as panels the director's case page uses and
 * the shared case page may embed: answer a return (退回补充) or complete a draft and submit
 * it, record a visit, add a note, record that police were told. Each shows only when the
 * case's allowedActions include it, sends the case version where the API asks for it,
 * and reports a stale case (409) with a reload button.
 */
import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Radio, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { invalidateCase, useTimeline } from '../../api/hooks';
import type { CaseDetail } from '../../api/types';
import {
  defaultVisitKind,
  RISK_GUIDANCE,
  RISK_LABELS,
  RISK_LEVELS,
  VISIT_KIND_HINTS,
  VISIT_KIND_LABELS,
  VISIT_KINDS,
  type RiskLevel,
  type VisitKind,
} from '../../i18n/labels';
import { formatDateTime, nowWall, wallToIso } from '../../i18n/time';
import { ApiErrorAlert, applyFieldErrors, notFuture, PastDateTime } from '../../components';
import { belowFloor, floorReasonsText, policeDue } from '../../lib/statutory-rules';

interface PanelProps {
  caseDetail: CaseDetail;
  /** Called after a successful write (the case queries are invalidated already). */
  onChanged?: () => void;
  /** Reload the case (after a 409 STALE_VERSION). */
  onReload: () => void;
}

const can = (c: CaseDetail, action: string) => ((c.allowedActions ?? []) as readonly string[]).includes(action);
const blank = (s?: string) => !s || !s.trim();

/** The reason of the latest return, from the case timeline (case.returned event). */
export function useReturnReason(c: CaseDetail): { reason: string | null; at: string | null; loading: boolean } {
  const t = useTimeline(c.id, c.status === 'returned');
  const events = t.data?.events ?? [];
  const last = [...events].reverse().find((e) => e.type === 'case.returned' || (e.toStatus === 'returned' && e.fromStatus === 'submitted'));
  const data = (last?.data ?? null) as { reason?: unknown } | null;
  return { reason: typeof data?.reason === 'string' ? data.reason : null, at: last?.at ?? null, loading: t.isPending };
}

interface SubmitValues {
  narrative?: string;
  riskLevel?: RiskLevel;
  policeTold?: 'yes' | 'no';
  police?: { reportedAt?: Dayjs; receiptNo?: string; notReportedReason?: string };
}

/**
 * 退回补充 / 草稿: see the supervisor's reason, complete the narrative and the police
 * answer, and submit again (transition `submit` with the case version).
 */
export function SubmitPanel({ caseDetail: c, onChanged, onReload }: PanelProps) {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<SubmitValues>();
  const { reason, at } = useReturnReason(c);
  const first = c.reports?.[0];
  const mustTellPolice = policeDue(c.categories ?? [], c.mandatoryItems ?? []);
  const policeKnown = !!c.police?.reportedAt || !!c.police?.notReportedReason;
  const told = Form.useWatch('policeTold', form);
  const submit = useMutation({
    mutationFn: (v: SubmitValues) => {
      const police =
        v.policeTold === 'yes'
          ? {
              reportedAt: v.police?.reportedAt ? wallToIso(v.police.reportedAt) : undefined,
              receiptNo: blank(v.police?.receiptNo) ? undefined : v.police?.receiptNo?.trim(),
            }
          : v.policeTold === 'no'
            ? { notReportedReason: v.police?.notReportedReason?.trim() }
            : undefined;
      return unwrap<CaseDetail>(
        api.POST('/api/cases/{id}/transitions', {
          params: { path: { id: c.id } },
          body: {
            action: 'submit',
            version: c.version,
            narrative: blank(v.narrative) ? undefined : v.narrative?.trim(),
            riskLevel: v.riskLevel && v.riskLevel !== c.riskLevel ? v.riskLevel : undefined,
            police,
          },
        }),
      );
    },
    onSuccess: async () => {
      void message.success(c.status === 'returned' ? '已重新提交，等待街道督导员受理' : '报告已提交，等待街道督导员受理');
      await invalidateCase(queryClient, c.id);
      onChanged?.();
    },
    onError: (e) =>
      applyFieldErrors(form, e, (f) =>
        f.startsWith('police') && !form.getFieldValue('policeTold') ? ['policeTold'] : f === 'narrative' ? ['narrative'] : f.split('.'),
      ),
  });

  if (!can(c, 'submit')) return null;
  const returned = c.status === 'returned';
  return (
    <Card
      title={<h2 style={{ fontSize: 17, margin: 0 }}>{returned ? '退回补充：补全后重新提交' : '草稿：补全后提交'}</h2>}
      style={{ marginBottom: 16, borderColor: returned ? '#c41d7f' : undefined }}
      data-testid="submit-panel"
    >
      {returned && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="街道督导员退回的原因"
          description={
            <div>
              <div style={{ whiteSpace: 'pre-wrap' }} data-testid="return-reason">
                {reason ?? '（未能读取退回原因，请联系街道督导员）'}
              </div>
              {at && <div style={{ color: 'rgba(0,0,0,0.68)', marginTop: 4 }}>退回时间 {formatDateTime(at)}</div>}
            </div>
          }
        />
      )}
      <Form<SubmitValues>
        form={form}
        layout="vertical"
        size="large"
        initialValues={{ narrative: first?.narrative ?? '', riskLevel: c.riskLevel, policeTold: undefined }}
        onFinish={(v) => submit.mutate(v)}
      >
        <Form.Item
          label="情况描述"
          name="narrative"
          rules={[
            { required: true, whitespace: true, message: '提交报告需要填写情况描述' },
            { max: 5000, message: '最多5000个字' },
          ]}
          extra="按退回原因补充事实。"
        >
          <Input.TextArea autoSize={{ minRows: 5, maxRows: 14 }} showCount maxLength={5000} />
        </Form.Item>
        <Form.Item
          label={<span id="resubmit-risk-label">风险等级（初判）</span>}
          name="riskLevel"
          extra={c.riskFloor ? `根据所选情形（${floorReasonsText(c.riskFloor)}），风险等级不能低于 ${c.riskFloor.level}。` : undefined}
        >
          <Radio.Group optionType="button" buttonStyle="solid" aria-labelledby="resubmit-risk-label" role="radiogroup">
            {RISK_LEVELS.map((l) => (
              <Radio.Button key={l} value={l} title={RISK_GUIDANCE[l]} disabled={belowFloor(l, c.riskFloor)}>
                {l} {RISK_LABELS[l]}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        {policeKnown && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={
              c.police?.reportedAt
                ? `已记录报警：${formatDateTime(c.police.reportedAt)}${c.police.receiptNo ? `，回执号 ${c.police.receiptNo}` : ''}`
                : `已记录未报警原因：${c.police?.notReportedReason ?? ''}`
            }
          />
        )}
        {!c.police?.reportedAt && (
          <>
            <Form.Item
              label={
                <span id="resubmit-police-label">
                  {mustTellPolice && !policeKnown ? '是否已报警（涉及侵害或强制报告情形，必填）' : policeKnown ? '更新报警情况（选填）' : '是否已报警（选填）'}
                </span>
              }
              name="policeTold"
              rules={mustTellPolice && !policeKnown ? [{ required: true, message: '请选择是否已报警' }] : []}
            >
              <Radio.Group optionType="button" buttonStyle="solid" aria-labelledby="resubmit-police-label" role="radiogroup">
                <Radio.Button value="yes">已报警</Radio.Button>
                <Radio.Button value="no">未报警</Radio.Button>
              </Radio.Group>
            </Form.Item>
            {told === 'yes' && (
              <>
                <Form.Item label="报警时间" name={['police', 'reportedAt']} rules={[{ required: true, message: '请填写报警时间' }, notFuture('报警时间')]}>
                  <PastDateTime />
                </Form.Item>
                <Form.Item label="接报回执号（选填）" name={['police', 'receiptNo']} rules={[{ max: 64, message: '最多64个字' }]}>
                  <Input autoComplete="off" />
                </Form.Item>
              </>
            )}
            {told === 'no' && (
              <Form.Item
                label="未报警原因"
                name={['police', 'notReportedReason']}
                rules={[
                  { required: mustTellPolice, whitespace: true, message: '请说明未报警的原因' },
                  { max: 1000, message: '最多1000个字' },
                ]}
              >
                <Input.TextArea autoSize={{ minRows: 3 }} />
              </Form.Item>
            )}
          </>
        )}
        {submit.isError && (
          <div style={{ marginBottom: 12 }}>
            <ApiErrorAlert error={submit.error} onReload={onReload} />
          </div>
        )}
        {/* Not a submit button: Enter in a date field must not send the report by accident. */}
        <Button type="primary" size="large" block loading={submit.isPending} onClick={() => form.submit()}>
          {returned ? '重新提交' : '提交报告'}
        </Button>
      </Form>
    </Card>
  );
}

interface VisitValues {
  kind?: VisitKind;
  visitedAt?: Dayjs;
  riskLevel?: RiskLevel;
  outcome?: string;
  notes?: string;
}

/** 记录走访: its kind, when, the risk seen (it becomes the case's current risk), outcome, notes. */
export function VisitButton({ caseDetail: c, onChanged, onReload }: PanelProps) {
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<VisitValues>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const add = useMutation({
    mutationFn: (v: VisitValues) =>
      unwrap(
        api.POST('/api/cases/{id}/visits', {
          params: { path: { id: c.id } },
          body: {
            kind: v.kind,
            visitedAt: wallToIso(v.visitedAt as Dayjs),
            riskLevel: v.riskLevel as RiskLevel,
            outcome: (v.outcome ?? '').trim(),
            notes: blank(v.notes) ? undefined : v.notes?.trim(),
          },
        }),
      ),
    onSuccess: async () => {
      void message.success('走访记录已保存');
      setOpen(false);
      form.resetFields();
      await invalidateCase(queryClient, c.id);
      onChanged?.();
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  if (!can(c, 'add_visit')) return null;
  return (
    <>
      <Button type="primary" size="large" onClick={() => setOpen(true)}>
        记录走访
      </Button>
      <Modal
        open={open}
        title="记录走访"
        onCancel={() => setOpen(false)}
        okText="保存走访记录"
        cancelText="取消"
        confirmLoading={add.isPending}
        onOk={() => form.submit()}
        destroyOnHidden
        forceRender
      >
        <Form<VisitValues>
          form={form}
          layout="vertical"
          size="large"
          initialValues={{ kind: defaultVisitKind(c.status), visitedAt: nowWall().second(0), riskLevel: c.riskLevel }}
          onFinish={(v) => add.mutate(v)}
        >
          <Form.Item label={<span id="visit-kind-label">走访类型</span>} name="kind" rules={[{ required: true, message: '请选择走访类型' }]}>
            <Radio.Group aria-labelledby="visit-kind-label" role="radiogroup" className="big-choice" style={{ display: 'grid', gap: 4 }}>
              {VISIT_KINDS.map((k) => (
                <Radio key={k} value={k}>
                  {VISIT_KIND_LABELS[k]}
                  <span style={{ display: 'block', fontSize: 12, color: 'rgba(0,0,0,0.68)' }}>{VISIT_KIND_HINTS[k]}</span>
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item label="走访时间" name="visitedAt" rules={[{ required: true, message: '请填写走访时间' }, notFuture('走访时间')]}>
            <PastDateTime />
          </Form.Item>
          <Form.Item
            label={<span id="visit-risk-label">本次走访看到的风险</span>}
            name="riskLevel"
            rules={[{ required: true, message: '请选择风险等级' }]}
            extra="会成为案件当前的风险等级。"
          >
            <Radio.Group optionType="button" buttonStyle="solid" aria-labelledby="visit-risk-label" role="radiogroup">
              {RISK_LEVELS.map((l) => (
                <Radio.Button key={l} value={l} title={RISK_GUIDANCE[l]}>
                  {l} {RISK_LABELS[l]}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item
            label="走访结果"
            name="outcome"
            rules={[
              { required: true, whitespace: true, message: '请填写走访结果' },
              { max: 2000, message: '最多2000个字' },
            ]}
          >
            <Input.TextArea autoSize={{ minRows: 3 }} />
          </Form.Item>
          <Form.Item label="备注（选填）" name="notes" rules={[{ max: 5000, message: '最多5000个字' }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
          {add.isError && (
            <ApiErrorAlert
              error={add.error}
              onReload={() => {
                setOpen(false);
                onReload();
              }}
            />
          )}
        </Form>
      </Modal>
    </>
  );
}

/** 添加备注: a line on the case, never edited afterwards. */
export function NoteForm({ caseDetail: c, onChanged }: Omit<PanelProps, 'onReload'> & { onReload?: () => void }) {
  const [form] = Form.useForm<{ text?: string }>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const add = useMutation({
    mutationFn: (text: string) => unwrap(api.POST('/api/cases/{id}/notes', { params: { path: { id: c.id } }, body: { text } })),
    onSuccess: async () => {
      void message.success('备注已保存');
      form.resetFields();
      await invalidateCase(queryClient, c.id);
      onChanged?.();
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  if (!can(c, 'add_note')) return null;
  return (
    <Form form={form} layout="vertical" onFinish={(v) => add.mutate((v.text ?? '').trim())}>
      <Form.Item
        label="添加备注"
        name="text"
        rules={[
          { required: true, whitespace: true, message: '请填写备注内容' },
          { max: 5000, message: '最多5000个字' },
        ]}
        extra="备注保存后不能修改或删除。"
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} />
      </Form.Item>
      {add.isError && (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={add.error} />
        </div>
      )}
      <Button htmlType="submit" size="large" loading={add.isPending}>
        保存备注
      </Button>
    </Form>
  );
}

/** 记录报警: when police were told and the receipt number, if not yet recorded. */
export function PoliceForm({ caseDetail: c, onChanged }: Omit<PanelProps, 'onReload'> & { onReload?: () => void }) {
  const [form] = Form.useForm<{ reportedAt?: Dayjs; receiptNo?: string }>();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const rec = useMutation({
    mutationFn: (v: { reportedAt?: Dayjs; receiptNo?: string }) =>
      unwrap(
        api.POST('/api/cases/{id}/police', {
          params: { path: { id: c.id } },
          body: { reportedAt: v.reportedAt ? wallToIso(v.reportedAt) : undefined, receiptNo: blank(v.receiptNo) ? undefined : v.receiptNo?.trim() },
        }),
      ),
    onSuccess: async () => {
      void message.success('报警情况已记录');
      form.resetFields();
      await invalidateCase(queryClient, c.id);
      onChanged?.();
    },
    onError: (e) => applyFieldErrors(form, e),
  });
  // While the case can be (re)submitted, the submit panel takes the police answer.
  if (!can(c, 'record_police') || c.police?.reportedAt || can(c, 'submit')) return null;
  return (
    <Form form={form} layout="vertical" onFinish={(v) => rec.mutate(v)}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Form.Item
          label="报警时间"
          name="reportedAt"
          rules={[{ required: true, message: '请填写报警时间' }, notFuture('报警时间')]}
          style={{ marginBottom: 8 }}
        >
          <PastDateTime />
        </Form.Item>
        <Form.Item label="接报回执号（选填）" name="receiptNo" rules={[{ max: 64, message: '最多64个字' }]} style={{ marginBottom: 8 }}>
          <Input autoComplete="off" />
        </Form.Item>
        {rec.isError && <ApiErrorAlert error={rec.error} />}
        <Button htmlType="submit" size="large" loading={rec.isPending}>
          记录报警
        </Button>
      </Space>
    </Form>
  );
}

/** Everything a director may do on this case, for the shared case page. */
export function DirectorActions(props: PanelProps) {
  return (
    <div>
      <SubmitPanel {...props} />
      <Space wrap style={{ marginBottom: 16 }}>
        <VisitButton {...props} />
      </Space>
      <NoteForm {...props} />
    </div>
  );
}
