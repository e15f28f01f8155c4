/**
 * 转介详情 for the agency's liaison: the need-to-know view of domain.md §11 — the case number,
 * the child's name, age and sex, the categories, and the referral itself (service, note,
 * deadlines). Never the reporter, the narrative or other records: the API does not send them.
 * The liaison accepts, declines with a reason, and completes an accepted referral with its
 * outcome. Phone first: one column, full-width buttons within thumb reach.
 */
import { useState } from 'react';
import { useParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Flex, Form, Input, Modal, Typography } from 'antd';
import { CheckOutlined, CloseOutlined, FlagOutlined } from '@ant-design/icons';
import { ApiErrorAlert, CategoryTags, ErrorPage, PageLoading, PageTitle } from '../../components';
import { sexText } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { completeReferral, referralKeys, respondToReferral, useReferral, type ReferralDetail } from '../../api/referrals';
import { LinkButton, muted, Prose, Section } from '../case/controls';
import { DialogFooter, ReferralCountdown, ReferralStatusTag } from './shared';

type Step = 'decline' | 'complete' | null;

export default function ReferralPage() {
  const { id } = useParams();
  const q = useReferral(id);
  if (q.isPending) return <PageLoading label="正在加载转介…" />;
  if (q.error && !q.data) return <ErrorPage error={q.error} onRetry={() => void q.refetch()} />;
  return <ReferralBody r={q.data} />;
}

function ReferralBody({ r }: { r: ReferralDetail }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [step, setStep] = useState<Step>(null);
  const [form] = Form.useForm<{ text: string }>();
  const refresh = () => qc.invalidateQueries({ queryKey: referralKeys.all });

  const accept = useMutation({
    mutationFn: () => respondToReferral(r.id, { decision: 'accept' }),
    onSuccess: async () => {
      void message.success('已接收，请在办结期限内办理并登记结果。');
      await refresh();
    },
  });
  const finish = useMutation({
    mutationFn: (text: string) => (step === 'decline' ? respondToReferral(r.id, { decision: 'decline', reason: text }) : completeReferral(r.id, text)),
    onSuccess: async () => {
      void message.success(step === 'decline' ? '已拒绝，转介单位会收到拒绝理由。' : '已办结，办理结果已反馈给转介单位。');
      setStep(null);
      form.resetFields();
      await refresh();
    },
  });

  const c = r.case;
  const child = c?.child;
  const open = (s: Step) => {
    finish.reset();
    form.resetFields();
    setStep(s);
  };

  return (
    <div className="referral-page" data-referral-status={r.status}>
      <PageTitle title={`转介 ${r.caseNo}`} extra={<LinkButton to="/referrals">返回收件箱</LinkButton>}>
        转介 {r.caseNo}
      </PageTitle>

      <Section title="转介事项" id="referral-request" testId="referral-request">
        <Flex gap={8} align="center" wrap style={{ marginBottom: 8 }}>
          <ReferralStatusTag status={r.status} />
          <ReferralCountdown r={r} />
        </Flex>
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label="服务事项">
            <Prose>{r.service}</Prose>
          </Descriptions.Item>
          <Descriptions.Item label="转介说明">
            <Prose>{r.note || '—'}</Prose>
          </Descriptions.Item>
          <Descriptions.Item label="转介时间">{formatDateTime(r.createdAt)}</Descriptions.Item>
          <Descriptions.Item label="回应期限">{formatDateTime(r.respondBy)}</Descriptions.Item>
          <Descriptions.Item label="办结期限">{r.dueAt ? formatDateTime(r.dueAt) : '未设定'}</Descriptions.Item>
          {r.respondedAt && <Descriptions.Item label="回应时间">{formatDateTime(r.respondedAt)}</Descriptions.Item>}
          {r.declineReason && (
            <Descriptions.Item label="拒绝理由">
              <Prose>{r.declineReason}</Prose>
            </Descriptions.Item>
          )}
          {r.completedAt && <Descriptions.Item label="办结时间">{formatDateTime(r.completedAt)}</Descriptions.Item>}
          {r.outcome && (
            <Descriptions.Item label="办理结果">
              <Prose>{r.outcome}</Prose>
            </Descriptions.Item>
          )}
          {r.revokedAt && <Descriptions.Item label="撤回时间">{formatDateTime(r.revokedAt)}</Descriptions.Item>}
          {r.revokeReason && (
            <Descriptions.Item label="撤回原因">
              <Prose>{r.revokeReason}</Prose>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Section>

      <Section title="儿童与案件" id="referral-child" testId="referral-child">
        <Typography.Paragraph style={{ ...muted, fontSize: 13 }}>
          仅为办理本转介提供必要信息；儿童身份信息的每次查看均记入审计日志。请勿截图、转发。
        </Typography.Paragraph>
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label="案件编号">{c.caseNo}</Descriptions.Item>
          <Descriptions.Item label="儿童姓名">{child.name}</Descriptions.Item>
          <Descriptions.Item label="年龄">{child.age} 岁</Descriptions.Item>
          <Descriptions.Item label="性别">{sexText(child.sex)}</Descriptions.Item>
          <Descriptions.Item label="情形类别">
            <CategoryTags codes={c.categories.map((x) => x.code)} />
          </Descriptions.Item>
        </Descriptions>
      </Section>

      {(r.status === 'pending' || r.status === 'accepted') && (
        <Section title="办理" id="referral-actions" testId="referral-actions">
          {accept.error ? <ApiErrorAlert error={accept.error} /> : null}
          {r.status === 'pending' ? (
            <>
              <Typography.Paragraph style={muted}>请在回应期限内接收；不能办理的，说明理由后拒绝。</Typography.Paragraph>
              <div className="referral-buttons">
                <Button type="primary" size="large" icon={<CheckOutlined aria-hidden />} loading={accept.isPending} onClick={() => accept.mutate()}>
                  接收
                </Button>
                <Button danger size="large" icon={<CloseOutlined aria-hidden />} onClick={() => open('decline')}>
                  拒绝
                </Button>
              </div>
            </>
          ) : (
            <>
              <Typography.Paragraph style={muted}>办理完毕后登记办理结果，转介单位将收到反馈。</Typography.Paragraph>
              <div className="referral-buttons">
                <Button type="primary" size="large" icon={<FlagOutlined aria-hidden />} onClick={() => open('complete')}>
                  办结
                </Button>
              </div>
            </>
          )}
        </Section>
      )}

      <Modal
        open={step !== null}
        title={step === 'decline' ? '拒绝转介' : '办结转介'}
        footer={
          <DialogFooter
            ok={step === 'decline' ? '拒绝' : '办结'}
            danger={step === 'decline'}
            busy={finish.isPending}
            onCancel={() => setStep(null)}
            onOk={() =>
              void form.validateFields().then(
                (v) => finish.mutate(v.text.trim()),
                () => undefined,
              )
            }
          />
        }
        onCancel={() => setStep(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" name={`referral-${step ?? 'none'}`}>
          <Form.Item
            name="text"
            label={step === 'decline' ? '拒绝理由' : '办理结果'}
            rules={[{ required: true, whitespace: true, message: step === 'decline' ? '拒绝须写明理由' : '请填写办理结果' }]}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} />
          </Form.Item>
        </Form>
        {step === 'decline' && <Alert type="info" showIcon title="拒绝后，转介单位会看到理由，并可另行转介其他单位。" />}
        {finish.error ? (
          <div style={{ marginTop: 12 }}>
            <ApiErrorAlert error={finish.error} />
          </div>
        ) : null}
      </Modal>
      <style>{`
        .referral-buttons { display: flex; gap: 12px; flex-wrap: wrap; }
        @media (max-width: 575px) {
          .referral-buttons { display: grid; grid-template-columns: 1fr 1fr; }
          .referral-buttons .ant-btn { min-height: 48px; }
          .referral-page .ant-descriptions-item-label { width: 34%; }
        }
      `}</style>
    </div>
  );
}
