/**
 * 协同转介 (referrals, domain.md §11) on the case page: each referral of the case with its
 * agency, service, state, deadlines, and the liaison's answer (decline reason, outcome).
 * Caseworkers refer (`refer` in allowedActions: an active agency of the district, the service,
 * a note — the only free text of the case the liaison reads —, optionally a measure and a due
 * date) and revoke an open referral with a reason (`revoke_referral`).
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, Input, Modal, Typography } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { ApiErrorAlert, applyFieldErrors } from '../../components';
import { AGENCY_KIND_LABELS, MEASURE_TYPE_LABELS } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { invalidateCase } from '../../api/hooks';
import { createReferral, referralKeys, revokeReferral, sortReferrals, useAgencies, useReferrals, type Agency, type Referral } from '../../api/referrals';
import { DialogFooter, ReferralCountdown, ReferralStatusTag } from '../liaison/shared';
import { DateTimeInput, muted, NativeSelect, nowWallInput, Prose, Section, wallInputToIso } from './controls';
import type { CaseFull } from './model';

interface ReferForm {
  agencyId: string;
  service: string;
  note: string;
  measureId?: string;
  dueAt?: string;
}

const agencyText = (a: Agency | undefined, fallback: string) => (a ? `${a.name}（${AGENCY_KIND_LABELS[a.kind] ?? a.kind}）` : fallback);

export function ReferralsSection({ c, canRefer, canRevoke }: { c: CaseFull; canRefer: boolean; canRevoke: boolean }) {
  const list = useReferrals({ caseId: c.id, limit: 200 });
  const agencies = useAgencies();
  const [referring, setReferring] = useState(false);
  const [revoking, setRevoking] = useState<Referral | null>(null);
  const rows = sortReferrals(list.data?.items ?? []);
  const name = (r: Referral) => agencyText(agencies.byId.get(r.agencyId), r.agencyName);

  return (
    <Section
      title={`协同转介（${rows.length}）`}
      id="case-referrals"
      testId="referrals-section"
      extra={
        canRefer && (
          <Button type="primary" icon={<SendOutlined aria-hidden />} onClick={() => setReferring(true)} data-action="refer">
            转介
          </Button>
        )
      }
    >
      {list.error ? <ApiErrorAlert error={list.error} onReload={() => void list.refetch()} /> : null}
      {list.isPending && <Typography.Text style={muted}>正在加载转介…</Typography.Text>}
      {!list.isPending && rows.length === 0 && (
        <Typography.Text style={muted}>尚未转介其他单位。{canRefer ? '需要公安、学校、医院、法院或妇联等单位协同办理时，请使用“转介”。' : ''}</Typography.Text>
      )}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="协同转介">
        {rows.map((r, i) => (
          <li key={r.id} data-referral-id={r.id} data-referral-status={r.status} style={{ borderTop: i ? '1px solid #f0f0f0' : undefined, padding: '10px 0' }}>
            <Flex justify="space-between" gap={8} wrap>
              <div style={{ minWidth: 0, flex: 1 }}>
                <Typography.Text strong>{name(r)}</Typography.Text> <ReferralStatusTag status={r.status} />
                <div>服务事项：{r.service}</div>
                {r.measureId && (
                  <div style={muted}>
                    关联措施：
                    {(() => {
                      const m = c.measures.find((x) => x.id === r.measureId);
                      return m ? (MEASURE_TYPE_LABELS[m.type] ?? m.type) : '—';
                    })()}
                  </div>
                )}
                <div style={{ fontSize: 13 }}>
                  <ReferralCountdown r={r} />
                  <span style={muted}>
                    {' '}
                    转介于 {formatDateTime(r.createdAt)} · 回应期限 {formatDateTime(r.respondBy)} · 办结期限 {formatDateTime(r.dueAt)}
                  </span>
                </div>
                {r.note && <Prose>说明：{r.note}</Prose>}
                {r.declineReason && <Prose>拒绝理由：{r.declineReason}</Prose>}
                {r.outcome && (
                  <Prose>
                    办理结果：{r.outcome}
                    {r.completedAt ? `（${formatDateTime(r.completedAt)}）` : ''}
                  </Prose>
                )}
                {r.revokeReason && <Prose>撤回原因：{r.revokeReason}</Prose>}
              </div>
              {canRevoke && (r.status === 'pending' || r.status === 'accepted') && (
                <Button danger onClick={() => setRevoking(r)} aria-label={`撤回转介：${name(r)}`}>
                  撤回
                </Button>
              )}
            </Flex>
          </li>
        ))}
      </ul>
      {referring && <ReferDialog c={c} agencies={agencies.agencies.filter((a) => a.active)} onClose={() => setReferring(false)} />}
      {revoking && <RevokeDialog c={c} referral={revoking} agency={name(revoking)} onClose={() => setRevoking(null)} />}
    </Section>
  );
}

function useRefresh(caseId: string) {
  const qc = useQueryClient();
  return () => Promise.all([qc.invalidateQueries({ queryKey: referralKeys.all }), invalidateCase(qc, caseId)]);
}

function ReferDialog({ c, agencies, onClose }: { c: CaseFull; agencies: Agency[]; onClose: () => void }) {
  const [form] = Form.useForm<ReferForm>();
  const { message } = App.useApp();
  const refresh = useRefresh(c.id);
  const measures = c.measures.filter((m) => m.status === 'planned' || m.status === 'pending_decision');
  const save = useMutation({
    mutationFn: (v: ReferForm) =>
      createReferral(c.id, {
        agencyId: v.agencyId,
        service: v.service.trim(),
        note: v.note.trim(),
        ...(v.measureId ? { measureId: v.measureId } : {}),
        ...(v.dueAt ? { dueAt: wallInputToIso(v.dueAt) } : {}),
      }),
    onSuccess: async () => {
      void message.success('已转介，等待协同单位回应。');
      await refresh();
      onClose();
    },
    onError: (e) => applyFieldErrors(form, e, (f) => (['agencyId', 'service', 'note', 'measureId', 'dueAt'].includes(f) ? [f] : null)),
  });
  return (
    <Modal
      open
      title="转介协同单位"
      footer={
        <DialogFooter
          ok="转介"
          busy={save.isPending}
          onCancel={onClose}
          onOk={() =>
            void form.validateFields().then(
              (v) => save.mutate(v),
              () => undefined,
            )
          }
        />
      }
      onCancel={onClose}
      mask={{ closable: false }}
      destroyOnHidden
    >
      <Typography.Paragraph style={muted}>
        协同单位联络员只能看到案件编号、儿童姓名、年龄、性别、情形类别和本转介的说明，看不到报告人、情况描述和其他记录。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" name="refer">
        <Form.Item name="agencyId" label="协同单位" rules={[{ required: true, message: '请选择协同单位' }]}>
          <NativeSelect placeholder="请选择…" options={agencies.map((a) => ({ value: a.id, label: agencyText(a, a.name) }))} />
        </Form.Item>
        <Form.Item name="service" label="服务事项" rules={[{ required: true, whitespace: true, message: '请填写需要协同办理的事项' }]}>
          <Input maxLength={100} placeholder="如：出具告诫书、就学安排、伤情检查" />
        </Form.Item>
        <Form.Item
          name="note"
          label="转介说明"
          rules={[{ required: true, whitespace: true, message: '请填写转介说明' }]}
          extra="写明需要对方做什么；不要写报告人身份。"
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} />
        </Form.Item>
        {measures.length > 0 && (
          <Form.Item name="measureId" label="关联措施（选填）">
            <NativeSelect
              placeholder="不关联"
              options={measures.map((m) => ({ value: m.id, label: `${MEASURE_TYPE_LABELS[m.type] ?? m.type}（截止 ${formatDateTime(m.dueAt)}）` }))}
            />
          </Form.Item>
        )}
        <Form.Item name="dueAt" label="办结期限（选填）" extra="不填写则按规定期限计算。">
          <DateTimeInput min={nowWallInput()} />
        </Form.Item>
      </Form>
      {save.error ? <ApiErrorAlert error={save.error} /> : null}
    </Modal>
  );
}

function RevokeDialog({ c, referral, agency, onClose }: { c: CaseFull; referral: Referral; agency: string; onClose: () => void }) {
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const refresh = useRefresh(c.id);
  const save = useMutation({
    mutationFn: (reason: string) => revokeReferral(referral.id, reason),
    onSuccess: async () => {
      void message.success('已撤回转介。');
      await refresh();
      onClose();
    },
    onError: (e) => applyFieldErrors(form, e, (f) => (f === 'reason' ? ['reason'] : null)),
  });
  return (
    <Modal
      open
      title="撤回转介"
      footer={
        <DialogFooter
          ok="撤回"
          danger
          busy={save.isPending}
          onCancel={onClose}
          onOk={() =>
            void form.validateFields().then(
              (v) => save.mutate(v.reason.trim()),
              () => undefined,
            )
          }
        />
      }
      onCancel={onClose}
      mask={{ closable: false }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        撤回对 {agency} 的转介（{referral.service}）。撤回原因会告知该单位，并记入时间线。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" name="revoke-referral">
        <Form.Item name="reason" label="撤回原因" rules={[{ required: true, whitespace: true, message: '请填写撤回原因' }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={500} />
        </Form.Item>
      </Form>
      {save.error ? <ApiErrorAlert error={save.error} /> : null}
    </Modal>
  );
}
