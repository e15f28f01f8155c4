/**
 * 案件详情: everything about one case, and what the reader may do now (`allowedActions`
 * as buttons). Full identity of the child is shown here and nowhere else (each read is
 * logged by the API). Works at desk width (two columns) and on a phone (one column,
 * actions in a 2-up grid) — the community director uses it for visits, notes and a
 * returned report.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Col, ConfigProvider, Descriptions, Empty, Flex, Row, Space, Tag, Typography } from 'antd';
import { HistoryOutlined, ReloadOutlined } from '@ant-design/icons';
import { useUser } from '../../auth/AuthContext';
import { ApiErrorAlert, CategoryTags, DeadlineCountdown, ErrorPage, PageLoading, PageTitle, RiskTag, StatusTag } from '../../components';
import {
  ACTION_LABELS,
  APPROVAL_STATUS_LABELS,
  CLOSURE_CHECKLIST_LABELS,
  CLOSURE_KIND_LABELS,
  CLOSURE_REASON_LABELS,
  DEADLINE_STATUS_LABELS,
  ESCALATION_LABELS,
  FEEDBACK_CHANNEL_LABELS,
  FLAG_LABELS,
  GUARDIAN_RELATION_LABELS,
  MEASURE_STATUS_LABELS,
  MEASURE_TYPE_LABELS,
  PLACEMENT_LABELS,
  REPORTER_TYPE_SHORT,
  ROLE_LABELS,
  RISK_LABELS,
  VISIT_KIND_LABELS,
  approvalText,
  deadlineText,
  isMandatoryReporter,
  sexText,
  type ReporterType,
} from '../../i18n/labels';
import { floorReasonsText } from '../../lib/statutory-rules';
import { UnlocatedNotice } from '../queue/UnlocatedNotice';
import { ageOn, formatDate, formatDateTime } from '../../i18n/time';
import type { MeasureShape, ReportShape } from '../../api/types';
import { ActionDialog, type DialogSpec } from './ActionDialog';
import { ClosureConditionList } from './ClosureConditions';
import { LinkButton, muted, Prose, Section } from './controls';
import { WORK_ACTION_LABELS } from './extraLabels';
import { useJurisdictions, useUsers } from './lookups';
import { EvidenceSection } from './EvidenceSection';
import { ReferralsSection } from './ReferralsSection';
import { isHighRisk, type ApprovalView, type CaseFull, type GuardianView } from './model';
import { useCaseFull, useTimelineEvents } from './useCaseData';

/** The order buttons appear in: the next step of the workflow first. */
const ACTION_ORDER = [
  'accept',
  'return',
  'submit',
  'record_assessment',
  'add_measure',
  'start_intervention',
  'begin_follow_up',
  'add_visit',
  'record_outcome_feedback',
  'record_police',
  'add_note',
  'add_report',
  'request_closure',
  'close_unsubstantiated',
  'escalate',
  'transfer',
  'merge',
  'reopen',
];
const PRIMARY = new Set(['accept', 'submit', 'start_intervention', 'begin_follow_up', 'request_closure', 'reopen']);
const DANGER = new Set(['close_unsubstantiated']);

export function actionLabel(a: string): string {
  return ACTION_LABELS[a] ?? WORK_ACTION_LABELS[a] ?? a;
}

export function CaseView({ caseId, timelinePath }: { caseId: string; timelinePath?: string }) {
  const q = useCaseFull(caseId);
  if (q.isPending) return <PageLoading label="正在加载案件…" />;
  if (q.error && !q.data) return <ErrorPage error={q.error} onRetry={() => void q.refetch()} />;
  const c = q.data;
  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <CaseBody
        c={c}
        refreshing={q.isFetching}
        refetchError={q.error}
        onReload={() => void q.refetch()}
        timelinePath={timelinePath ?? `/cases/${c.id}/timeline`}
      />
    </ConfigProvider>
  );
}

function useNames(c: CaseFull) {
  const me = useUser();
  const users = useUsers({}, me.role !== 'community_director');
  return (id: string | null | undefined, fallback = '—'): string => {
    if (!id) return fallback;
    if (id === me.id) return `${me.displayName}（我）`;
    const u = users.byId.get(id);
    // Directors may not list users: an id they cannot name is still someone.
    return u ? u.displayName : id === c.createdById ? '报告人（社区儿童主任）' : '已指定人员';
  };
}

function CaseBody({
  c,
  refreshing,
  refetchError,
  onReload,
  timelinePath,
}: {
  c: CaseFull;
  refreshing: boolean;
  refetchError: unknown;
  onReload: () => void;
  timelinePath: string;
}) {
  const [dialog, setDialog] = useState<DialogSpec | null>(null);
  const tree = useJurisdictions();
  const name = useNames(c);
  const allowed = new Set(c.allowedActions);
  const buttons = ACTION_ORDER.filter((a) => allowed.has(a));
  const community = c.communityId ? tree.byId.get(c.communityId) : undefined;
  // A plan or closure approval may wait beside measure decisions (临时监护, 撤销监护资格): show each.
  const pendingAll = (c.approvals ?? []).filter((a) => a.status === 'pending');
  const pending = pendingAll.length ? pendingAll : c.pendingApproval ? [c.pendingApproval] : [];
  const pendingDeadlines = c.deadlines.filter((d) => d.status === 'pending').sort((a, b) => a.dueAt.localeCompare(b.dueAt));

  return (
    <div className="case-page" data-case-status={c.status} data-case-version={c.version}>
      <PageTitle
        title={`案件 ${c.caseNo}`}
        extra={
          <Space wrap>
            <LinkButton to={timelinePath} icon={<HistoryOutlined aria-hidden />}>
              时间线
            </LinkButton>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={onReload} loading={refreshing} aria-label="刷新案件">
              刷新
            </Button>
          </Space>
        }
      >
        案件 {c.caseNo}
      </PageTitle>
      {refetchError ? <ApiErrorAlert error={refetchError} /> : null}

      <Section title="概况" id="case-summary" testId="case-header">
        <Flex wrap gap={8} align="center" style={{ marginBottom: 12 }}>
          <StatusTag status={c.status} />
          <RiskTag level={c.riskLevel} />
          <CategoryTags codes={c.categories} mandatoryItems={c.mandatoryItems ?? []} />
          {c.flags.map((f) => (
            <Tag key={f} color={f === 'deadline_breached' || f === 'escalated' || f === 'police_alert' ? 'error' : 'default'}>
              {FLAG_LABELS[f] ?? f}
            </Tag>
          ))}
        </Flex>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} colon={false} styles={{ label: { color: 'rgba(0,0,0,0.68)' } }}>
          <Descriptions.Item label="社区">{c.communityId ? (community?.path ?? '—') : '未定位'}</Descriptions.Item>
          <Descriptions.Item label="负责人">{name(c.assigneeId, '未分派')}</Descriptions.Item>
          <Descriptions.Item label="报告时间">{formatDateTime(c.reportedAt)}</Descriptions.Item>
          <Descriptions.Item label="升级">{ESCALATION_LABELS[c.escalationLevel] ?? `${c.escalationLevel} 级`}</Descriptions.Item>
          <Descriptions.Item label="下一期限">
            <DeadlineCountdown deadline={c.nextDeadline} />
          </Descriptions.Item>
          <Descriptions.Item label="风险下限">
            {c.riskFloor ? (
              <span data-testid="case-risk-floor" data-floor={c.riskFloor.level}>
                {c.riskFloor.level} {RISK_LABELS[c.riskFloor.level]}（{floorReasonsText(c.riskFloor)}）
              </span>
            ) : (
              '无'
            )}
          </Descriptions.Item>
          <Descriptions.Item label="版本">{c.version}</Descriptions.Item>
        </Descriptions>
        {pendingDeadlines.length > 0 && (
          <div style={{ marginTop: 8 }}>
            <Typography.Text strong>进行中的期限</Typography.Text>
            <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }} aria-label="进行中的期限">
              {pendingDeadlines.map((d) => (
                <li key={d.id}>
                  <DeadlineCountdown deadline={{ kind: d.kind, refKey: d.refKey, dueAt: d.dueAt, overdue: d.overdue }} />
                  <span style={muted}> · 截止 {formatDateTime(d.dueAt)}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Section>
      <UnlocatedNotice c={c} canRoute={allowed.has('transfer')} onRoute={() => setDialog({ kind: 'transfer' })} />

      {pending.map((p) => (
        <PendingApprovalBanner
          key={p.id}
          c={c}
          approval={p}
          canDecide={allowed.has('decide_approval')}
          onDecide={(decision) => setDialog({ kind: 'decide_approval', approval: p, decision })}
          name={name}
        />
      ))}
      {c.status === 'returned' && <ReturnedBanner c={c} />}

      <Section title="可进行的操作" id="case-actions" testId="case-actions">
        {buttons.length > 0 ? (
          <div className="case-actions">
            {buttons.map((a) => (
              <Button
                key={a}
                type={PRIMARY.has(a) ? 'primary' : 'default'}
                danger={DANGER.has(a)}
                onClick={() => setDialog({ kind: a } as DialogSpec)}
                data-action={a}
              >
                {actionLabel(a)}
              </Button>
            ))}
          </div>
        ) : (
          <Typography.Text style={muted}>您现在对本案没有可进行的操作。</Typography.Text>
        )}
        <NextStepHint c={c} allowed={allowed} />
      </Section>

      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <ChildSection c={c} />
          <GuardiansSection
            c={c}
            canAdd={allowed.has('add_guardian')}
            canUpdate={allowed.has('update_guardian')}
            onAdd={() => setDialog({ kind: 'add_guardian' })}
            onUpdate={(guardian) => setDialog({ kind: 'update_guardian', guardian })}
          />
          <ReportsSection c={c} name={name} />
          {/* 附件: the case workers upload and retract (those who may add notes, in every state); the leader reads. */}
          <EvidenceSection caseId={c.id} canEdit={allowed.has('add_note')} />
          <AssessmentSection c={c} name={name} />
          <MeasuresSection
            c={c}
            name={name}
            canUpdate={allowed.has('update_measure')}
            onUpdate={(measure, status) => setDialog({ kind: 'update_measure', measure, status })}
          />
          {/* 协同转介: supervisors and district staff refer and revoke; everyone who reads the case sees the states. */}
          <ReferralsSection c={c} canRefer={allowed.has('refer')} canRevoke={allowed.has('revoke_referral')} />
          <VisitsSection c={c} name={name} />
          <OutcomeFeedbackSection c={c} name={name} />
          <NotesSection c={c} name={name} />
        </Col>
        <Col xs={24} xl={9}>
          <ClosureConditionsSection c={c} />
          <DeadlinesSection c={c} />
          <ApprovalsSection c={c} name={name} />
          <PoliceSection c={c} />
          <ClosureSection c={c} />
          <RelatedSection c={c} />
        </Col>
      </Row>

      {dialog && <ActionDialog key={JSON.stringify(dialog.kind)} c={c} spec={dialog} onClose={() => setDialog(null)} />}
      <style>{`
        .case-actions { display: flex; flex-wrap: wrap; gap: 8px; }
        @media (max-width: 575px) {
          .case-actions { display: grid; grid-template-columns: 1fr 1fr; }
          .case-actions .ant-btn { white-space: normal; height: auto; min-height: 44px; }
        }
      `}</style>
    </div>
  );
}

function NextStepHint({ c, allowed }: { c: CaseFull; allowed: Set<string> }) {
  const me = useUser();
  if (me.role !== 'street_supervisor') return null;
  if (c.status === 'assessing' && !allowed.has('start_intervention') && !c.pendingApproval) {
    const missing = [!c.assessment && '记录核实评估', !c.measures.some((m) => m.status === 'planned') && '添加至少一项处置措施'].filter(Boolean);
    if (missing.length)
      return (
        <Typography.Paragraph style={{ ...muted, marginTop: 12, marginBottom: 0 }}>
          开始处置前需要：{missing.join('、')}。{isHighRisk(c.riskLevel) ? `本案为 ${c.riskLevel}，处置计划须经区级审批。` : ''}
        </Typography.Paragraph>
      );
  }
  if (c.status === 'intervening' && !allowed.has('begin_follow_up')) {
    return <Typography.Paragraph style={{ ...muted, marginTop: 12, marginBottom: 0 }}>全部措施完成或取消后，可转入跟踪回访。</Typography.Paragraph>;
  }
  return null;
}

function PendingApprovalBanner({
  c,
  approval,
  canDecide,
  onDecide,
  name,
}: {
  c: CaseFull;
  approval: ApprovalView;
  canDecide: boolean;
  onDecide: (d: 'approve' | 'reject') => void;
  name: (id: string | null) => string;
}) {
  const me = useUser();
  const who =
    approval.decidedByRole === 'district_staff'
      ? '区民政局/未保中心'
      : (ROLE_LABELS[approval.decidedByRole as keyof typeof ROLE_LABELS] ?? approval.decidedByRole);
  // District staff may decide anything; a supervisor only what is theirs; nobody their own request.
  const mayDecide = canDecide && approval.requestedById !== me.id && (me.role === 'district_staff' || approval.decidedByRole === me.role);
  return (
    <Alert
      type="warning"
      showIcon
      role="status"
      data-testid="pending-approval"
      data-approval-kind={approval.kind}
      style={{ marginBottom: 16 }}
      title={`${approvalText(approval)}：等待${who}审批`}
      description={
        <>
          <div>
            {name(approval.requestedById)} 于 {formatDateTime(approval.requestedAt)} 提交。
            {approval.kind === 'start_intervention'
              ? `批准前案件保持“${c.status === 'assessing' ? '已受理·核实评估' : c.status}”，批准后转入“处置帮扶”。`
              : approval.kind === 'measure'
                ? `${MEASURE_TYPE_LABELS[approval.payload.type ?? ''] ?? approval.payload.type ?? '该措施'}由区民政部门决定；批准后列入处置措施，驳回则不予实施。`
                : `结案原因：${CLOSURE_REASON_LABELS[approval.payload.closureReason ?? ''] ?? approval.payload.closureReason ?? '—'}。`}
          </div>
          {mayDecide && (
            <Space style={{ marginTop: 8 }} wrap>
              <Button type="primary" onClick={() => onDecide('approve')}>
                批准
              </Button>
              <Button danger onClick={() => onDecide('reject')}>
                驳回
              </Button>
            </Space>
          )}
        </>
      }
    />
  );
}

function ReturnedBanner({ c }: { c: CaseFull }) {
  const tl = useTimelineEvents(c.id);
  const last = [...(tl.data?.events ?? [])].reverse().find((e) => e.type === 'case.returned');
  const reason = last?.data && typeof last.data.reason === 'string' ? last.data.reason : null;
  return (
    <Alert
      type="error"
      showIcon
      role="status"
      data-testid="returned-reason"
      style={{ marginBottom: 16 }}
      title="报告已被退回，请补充后重新提交"
      description={
        <>
          <div>退回原因：{reason ?? (tl.isPending ? '正在加载…' : '—')}</div>
          {last && <div style={muted}>退回时间：{formatDateTime(last.at)}</div>}
        </>
      }
    />
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Descriptions.Item label={label}>
      <span>{children ?? '—'}</span>
    </Descriptions.Item>
  );
}

function ChildSection({ c }: { c: CaseFull }) {
  const ch = c.child;
  return (
    <Section title="儿童信息" id="case-child">
      <Typography.Paragraph style={{ ...muted, fontSize: 13 }}>完整身份信息仅在本页显示，每次查看均记入审计日志。请勿截图、转发。</Typography.Paragraph>
      <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
        <Descriptions.Item label="姓名">{ch.name}</Descriptions.Item>
        <Descriptions.Item label="性别">{sexText(ch.sex)}</Descriptions.Item>
        <Descriptions.Item label="出生日期">
          {formatDate(ch.birthDate)}（{ageOn(ch.birthDate)} 岁）
        </Descriptions.Item>
        <Descriptions.Item label="身份证号">{ch.idNumber || '—'}</Descriptions.Item>
        <Descriptions.Item label="住址">{ch.address || '—'}</Descriptions.Item>
        <Descriptions.Item label="学校">{ch.school || '—'}</Descriptions.Item>
      </Descriptions>
    </Section>
  );
}

/**
 * 监护人与家庭成员 (domain.md §13): identity as the child's (shown here only, each read
 * logged). A suspected perpetrator is tagged; guardians are never notified of anything.
 */
function GuardiansSection({
  c,
  canAdd,
  canUpdate,
  onAdd,
  onUpdate,
}: {
  c: CaseFull;
  canAdd: boolean;
  canUpdate: boolean;
  onAdd: () => void;
  onUpdate: (g: GuardianView) => void;
}) {
  const guardians = c.guardians ?? [];
  return (
    <Section title={`监护人与家庭成员（${guardians.length}）`} id="case-guardians" testId="case-guardians">
      {guardians.length === 0 && <Typography.Text style={muted}>尚未登记监护人或家庭成员。</Typography.Text>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="监护人与家庭成员">
        {guardians.map((g, i) => (
          <li
            key={g.id}
            data-guardian-relation={g.relation}
            data-suspected-perpetrator={g.suspectedPerpetrator ? 'true' : 'false'}
            style={{ borderTop: i ? '1px solid #f0f0f0' : undefined, padding: '10px 0' }}
          >
            <Flex justify="space-between" gap={8} wrap>
              <div style={{ minWidth: 0 }}>
                <Typography.Text strong>{g.name}</Typography.Text>（{GUARDIAN_RELATION_LABELS[g.relation] ?? g.relation}）
                {g.livesWithChild && <Tag style={{ marginInlineStart: 6 }}>与儿童同住</Tag>}
                {g.suspectedPerpetrator && (
                  <Tag color="error" style={{ marginInlineStart: 6 }}>
                    疑似施害人
                  </Tag>
                )}
                <div style={muted}>
                  电话：{g.phone || '—'} · 身份证号：{g.idNumber || '—'}
                </div>
              </div>
              {canUpdate && (
                <Button size="middle" onClick={() => onUpdate(g)} aria-label={`修改监护人/家庭成员：${g.name}`}>
                  修改
                </Button>
              )}
            </Flex>
          </li>
        ))}
      </ul>
      {canAdd && (
        <Button style={{ marginTop: 8, minHeight: 44 }} onClick={onAdd} data-action="add_guardian">
          添加监护人/家庭成员
        </Button>
      )}
    </Section>
  );
}

function reporterText(r: ReportShape): ReactNode {
  if (r.reporter === 'confidential') return <Tag>保密</Tag>;
  if (r.anonymous) return <Tag>匿名</Tag>;
  if (!r.reporter) return '—';
  const parts = [r.reporter.name, r.reporter.org, r.reporter.phone].filter(Boolean);
  return parts.length ? parts.join(' · ') : '—';
}

function ReportsSection({ c, name }: { c: CaseFull; name: (id: string | null) => string }) {
  return (
    <Section title={`报告（${c.reports.length}）`} id="case-reports">
      {c.reports.length === 0 && <Empty description="暂无报告" />}
      {c.reports.map((r, i) => (
        <article
          key={r.id}
          aria-labelledby={`report-${r.id}`}
          style={{ borderTop: i ? '1px solid #f0f0f0' : undefined, paddingTop: i ? 12 : 0, marginTop: i ? 12 : 0 }}
        >
          <Typography.Title level={3} id={`report-${r.id}`} style={{ fontSize: 15 }}>
            {i === 0 ? '首次报告' : `补充报告 ${i}`}
            {r.linked && <Tag style={{ marginInlineStart: 8 }}>并入的报告</Tag>}
          </Typography.Title>
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} colon={false} styles={{ label: { color: 'rgba(0,0,0,0.68)' } }}>
            <Field label="报告人类型">{REPORTER_TYPE_SHORT[r.reporterType as ReporterType] ?? r.reporterType}</Field>
            <Field label="报告人">{reporterText(r)}</Field>
            <Field label="发现时间">{formatDateTime(r.discoveredAt)}</Field>
            <Field label="发现地点">{r.location || '—'}</Field>
            <Field label="登记">
              {name(r.filedById)} · {formatDateTime(r.filedAt)}
            </Field>
            <Field label="风险预估">{r.riskEstimate ? <RiskTag level={r.riskEstimate} /> : '—'}</Field>
          </Descriptions>
          {(r.categories.length > 0 || r.mandatoryItems.length > 0) && (
            <div style={{ marginBottom: 8 }}>
              <CategoryTags codes={r.categories} mandatoryItems={r.mandatoryItems} />
            </div>
          )}
          <Typography.Text strong>情况描述</Typography.Text>
          <Prose>{r.narrative || '（未填写）'}</Prose>
        </article>
      ))}
    </Section>
  );
}

function AssessmentSection({ c, name }: { c: CaseFull; name: (id: string | null) => string }) {
  const all = c.assessments ?? (c.assessment ? [c.assessment] : []);
  const latest = c.assessment ?? all[all.length - 1] ?? null;
  return (
    <Section title="核实评估" id="case-assessment">
      {!latest ? (
        <Typography.Text style={muted}>尚未记录评估。</Typography.Text>
      ) : (
        <>
          <Flex gap={8} align="center" wrap style={{ marginBottom: 8 }}>
            <RiskTag level={latest.riskLevel} prefix="评估 " />
            <span style={muted}>
              {name(latest.assessedById)} · {formatDateTime(latest.assessedAt)}
            </span>
          </Flex>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label="安全状况">
              <Prose>{latest.safety}</Prose>
            </Descriptions.Item>
            <Descriptions.Item label="监护状况">
              <Prose>{latest.guardianship}</Prose>
            </Descriptions.Item>
            <Descriptions.Item label="身心状况">
              <Prose>{latest.wellbeing}</Prose>
            </Descriptions.Item>
            <Descriptions.Item label="评估结论">
              <Prose>{latest.summary}</Prose>
            </Descriptions.Item>
            {latest.placement && <Descriptions.Item label="安置决定">{PLACEMENT_LABELS[latest.placement] ?? latest.placement}</Descriptions.Item>}
          </Descriptions>
          {all.length > 1 && (
            <details style={{ marginTop: 8 }}>
              <summary>此前的评估（{all.length - 1}）</summary>
              <ul style={{ paddingInlineStart: 20 }}>
                {all
                  .filter((a) => a.id !== latest.id)
                  .map((a) => (
                    <li key={a.id}>
                      {formatDateTime(a.assessedAt)} · {a.riskLevel} {RISK_LABELS[a.riskLevel]} · {a.summary}
                    </li>
                  ))}
              </ul>
            </details>
          )}
        </>
      )}
    </Section>
  );
}

function MeasuresSection({
  c,
  name,
  canUpdate,
  onUpdate,
}: {
  c: CaseFull;
  name: (id: string | null, f?: string) => string;
  canUpdate: boolean;
  onUpdate: (m: MeasureShape, s: 'done' | 'cancelled') => void;
}) {
  const me = useUser();
  return (
    <Section title={`处置措施（${c.measures.length}）`} id="case-measures">
      {c.measures.length === 0 && <Typography.Text style={muted}>尚无处置措施。</Typography.Text>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="处置措施">
        {c.measures.map((m, i) => {
          const label = MEASURE_TYPE_LABELS[m.type] ?? m.type;
          const mayUpdate = canUpdate && m.status === 'planned' && (me.role !== 'community_director' || m.ownerId === me.id);
          return (
            <li
              key={m.id}
              data-measure-type={m.type}
              data-measure-status={m.status}
              style={{ borderTop: i ? '1px solid #f0f0f0' : undefined, padding: '10px 0' }}
            >
              <Flex justify="space-between" gap={8} wrap>
                <div style={{ minWidth: 0 }}>
                  <Typography.Text strong>{label}</Typography.Text>{' '}
                  <Tag color={MEASURE_STATUS_COLORS[m.status] ?? 'default'}>{MEASURE_STATUS_LABELS[m.status] ?? m.status}</Tag>
                  {m.urgent && <Tag color="error">紧急申请</Tag>}
                  <div style={muted}>
                    负责人：{name(m.ownerId, '未指定')}
                    {m.agency ? ` · 承办单位：${m.agency}` : ''}
                  </div>
                  <div>
                    {m.status === 'planned' ? <DeadlineCountdown deadline={{ kind: 'measure', dueAt: m.dueAt }} showKind={false} /> : null}
                    <span style={muted}> 截止 {formatDateTime(m.dueAt)}</span>
                    {m.completedAt && (
                      <span style={muted}>
                        {' '}
                        · {m.status === 'done' ? '完成' : m.status === 'rejected' ? '区级不予批准' : '取消'}于 {formatDateTime(m.completedAt)}
                      </span>
                    )}
                  </div>
                  {m.note && <Prose>说明：{m.note}</Prose>}
                  {m.outcome && <Prose>结果：{m.outcome}</Prose>}
                </div>
                {mayUpdate && (
                  <Space wrap>
                    <Button size="middle" onClick={() => onUpdate(m, 'done')} aria-label={`完成措施：${label}`}>
                      完成
                    </Button>
                    <Button size="middle" onClick={() => onUpdate(m, 'cancelled')} aria-label={`取消措施：${label}`}>
                      取消措施
                    </Button>
                  </Space>
                )}
              </Flex>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

const MEASURE_STATUS_COLORS: Record<string, string> = {
  pending_decision: 'warning',
  planned: 'processing',
  done: 'success',
  cancelled: 'default',
  rejected: 'error',
};

function VisitsSection({ c, name }: { c: CaseFull; name: (id: string | null) => string }) {
  const visits = [...c.visits].sort((a, b) => b.visitedAt.localeCompare(a.visitedAt));
  return (
    <Section title={`走访记录（${c.visits.length}）`} id="case-visits">
      {visits.length === 0 && <Typography.Text style={muted}>尚无走访记录。</Typography.Text>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="走访记录">
        {visits.map((v, i) => (
          <li key={v.id} style={{ borderTop: i ? '1px solid #f0f0f0' : undefined, padding: '10px 0' }}>
            <Flex gap={8} align="center" wrap>
              <Typography.Text strong>{formatDateTime(v.visitedAt)}</Typography.Text>
              {v.kind && <Tag>{VISIT_KIND_LABELS[v.kind] ?? v.kind}</Tag>}
              <RiskTag level={v.riskLevel} prefix="观察 " />
              <span style={muted}>{name(v.visitorId)}</span>
            </Flex>
            <Prose>{v.outcome}</Prose>
            {v.notes && <Prose>备注：{v.notes}</Prose>}
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** 反馈: the reporting unit told the outcome (Art.11¶3) — owed to a mandatory reporter who gave their name. */
function OutcomeFeedbackSection({ c, name }: { c: CaseFull; name: (id: string | null) => string }) {
  const list = [...(c.outcomeFeedback ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  const owed = c.reports.some((r) => isMandatoryReporter(r.reporterType) && !r.anonymous);
  if (list.length === 0 && !owed && !c.allowedActions.includes('record_outcome_feedback')) return null;
  return (
    <Section title={`向报告单位反馈（${list.length}）`} id="case-outcome-feedback" testId="outcome-feedback">
      {list.length === 0 && (
        <Typography.Text style={muted}>
          {owed ? '报告人为强制报告单位（实名），须向其反馈处理结果；尚未反馈。' : '尚无反馈记录。'}
          {c.allowedActions.includes('record_outcome_feedback') ? '请使用上方“反馈报告单位”记录。' : ''}
        </Typography.Text>
      )}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="反馈记录">
        {list.map((f, i) => (
          <li key={f.id} data-channel={f.channel} style={{ borderTop: i ? '1px solid #f0f0f0' : undefined, padding: '8px 0' }}>
            <Flex gap={8} align="center" wrap>
              <Typography.Text strong>{formatDateTime(f.at)}</Typography.Text>
              <Tag>{FEEDBACK_CHANNEL_LABELS[f.channel] ?? f.channel}</Tag>
              <span style={muted}>
                {name(f.recordedById)} 记录于 {formatDateTime(f.recordedAt)}
              </span>
            </Flex>
            <Prose>{f.summary}</Prose>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** 结案条件 (domain.md §8): what the record still lacks for a risk_resolved closure, computed by the server. */
function ClosureConditionsSection({ c }: { c: CaseFull }) {
  const conditions = c.closureConditions ?? [];
  if (conditions.length === 0 || !['assessing', 'intervening', 'follow_up'].includes(c.status)) return null;
  return (
    <Section title="结案条件" id="case-closure-conditions" testId="closure-conditions">
      <Typography.Paragraph style={{ ...muted, fontSize: 13 }}>
        “风险已解除”结案须满足以下条件，由系统按案件记录核对（无需勾选）；在跟踪回访阶段申请。
      </Typography.Paragraph>
      <ClosureConditionList conditions={conditions} label="结案条件" />
    </Section>
  );
}

function NotesSection({ c, name }: { c: CaseFull; name: (id: string | null) => string }) {
  const notes = [...c.notes].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Section title={`备注（${c.notes.length}）`} id="case-notes">
      {notes.length === 0 && <Typography.Text style={muted}>暂无备注。</Typography.Text>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="备注">
        {notes.map((n, i) => (
          <li key={n.id} style={{ borderTop: i ? '1px solid #f0f0f0' : undefined, padding: '8px 0' }}>
            <div style={muted}>
              {name(n.authorId)} · {formatDateTime(n.createdAt)}
            </div>
            <Prose>{n.text}</Prose>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function DeadlinesSection({ c }: { c: CaseFull }) {
  const sorted = useMemo(() => [...c.deadlines].sort((a, b) => a.dueAt.localeCompare(b.dueAt)), [c.deadlines]);
  return (
    <Section title="期限" id="case-deadlines">
      {sorted.length === 0 && <Typography.Text style={muted}>暂无期限。</Typography.Text>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="全部期限">
        {sorted.map((d) => (
          <li key={d.id} style={{ padding: '6px 0', borderBottom: '1px solid #f5f5f5' }}>
            <Flex justify="space-between" gap={8} wrap>
              <span data-deadline-kind={d.kind}>{deadlineText(d)}</span>
              <Tag color={d.status === 'breached' ? 'error' : d.status === 'met' ? 'success' : d.status === 'pending' ? 'processing' : 'default'}>
                {DEADLINE_STATUS_LABELS[d.status] ?? d.status}
              </Tag>
            </Flex>
            <div style={{ fontSize: 13 }}>
              {d.status === 'pending' ? (
                <DeadlineCountdown deadline={{ kind: d.kind, refKey: d.refKey, dueAt: d.dueAt, overdue: d.overdue }} showKind={false} />
              ) : null}
              <span style={muted}> 截止 {formatDateTime(d.dueAt)}</span>
              {d.escalationLevel > 0 && <span style={{ color: '#a8071a' }}> · 已升级 {d.escalationLevel} 级</span>}
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function ApprovalsSection({ c, name }: { c: CaseFull; name: (id: string | null) => string }) {
  const list = c.approvals ?? [];
  return (
    <Section title="审批" id="case-approvals">
      {list.length === 0 && <Typography.Text style={muted}>暂无审批记录。</Typography.Text>}
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="审批记录">
        {list.map((a) => (
          <li key={a.id} style={{ padding: '6px 0', borderBottom: '1px solid #f5f5f5' }}>
            <Flex justify="space-between" gap={8} wrap>
              <span>{approvalText(a)}</span>
              <Tag color={a.status === 'approved' ? 'success' : a.status === 'rejected' ? 'error' : 'warning'}>
                {APPROVAL_STATUS_LABELS[a.status] ?? a.status}
              </Tag>
            </Flex>
            <div style={{ ...muted, fontSize: 13 }}>
              申请：{name(a.requestedById)} · {formatDateTime(a.requestedAt)}
              {a.decidedAt && (
                <>
                  <br />
                  决定：{name(a.decidedById)} · {formatDateTime(a.decidedAt)}
                </>
              )}
            </div>
            {a.kind === 'closure' && a.payload.closureReason && (
              <div style={{ fontSize: 13 }}>结案原因：{CLOSURE_REASON_LABELS[a.payload.closureReason] ?? a.payload.closureReason}</div>
            )}
            {a.decisionReason && <Prose>意见：{a.decisionReason}</Prose>}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function PoliceSection({ c }: { c: CaseFull }) {
  const p = c.police;
  return (
    <Section title="报警与公安反馈" id="case-police">
      <Descriptions size="small" column={1} colon={false} styles={{ label: { color: 'rgba(0,0,0,0.68)' } }}>
        <Field label="报警时间">{formatDateTime(p.reportedAt)}</Field>
        <Field label="接报回执号">{p.receiptNo || '—'}</Field>
        {p.notReportedReason && <Field label="未报警原因">{p.notReportedReason}</Field>}
        <Field label="公安反馈时间">{formatDateTime(p.feedbackAt)}</Field>
        <Field label="公安反馈">{p.feedback || '—'}</Field>
      </Descriptions>
    </Section>
  );
}

function ClosureSection({ c }: { c: CaseFull }) {
  const closureApproval = (c.approvals ?? []).filter((a) => a.kind === 'closure').slice(-1)[0];
  if (!c.closure && !closureApproval) return null;
  const checklist = closureApproval?.payload.checklist;
  return (
    <Section title="结案" id="case-closure">
      {c.closure ? (
        <Descriptions size="small" column={1} colon={false} styles={{ label: { color: 'rgba(0,0,0,0.68)' } }}>
          <Field label="结案方式">{CLOSURE_KIND_LABELS[c.closure.kind ?? ''] ?? c.closure.kind ?? '—'}</Field>
          <Field label="原因">{CLOSURE_REASON_LABELS[c.closure.reason ?? ''] ?? c.closure.reason ?? '—'}</Field>
          {c.closure.note && <Field label="说明">{c.closure.note}</Field>}
          <Field label="结案时间">{formatDateTime(c.closure.closedAt)}</Field>
          {c.closure.mergedIntoId && (
            <Field label="并入案件">
              <Link to={`/cases/${c.closure.mergedIntoId}`}>打开并入的案件</Link>
            </Field>
          )}
        </Descriptions>
      ) : (
        <Typography.Text style={muted}>结案申请{APPROVAL_STATUS_LABELS[closureApproval.status] ?? closureApproval.status}。</Typography.Text>
      )}
      {checklist && (
        <ul style={{ paddingInlineStart: 20, marginTop: 8 }} aria-label="结案核对清单">
          {Object.entries(checklist).map(([k, v]) => (
            <li key={k}>
              {v ? '已确认' : '未确认'}：{CLOSURE_CHECKLIST_LABELS[k] ?? k}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function RelatedSection({ c }: { c: CaseFull }) {
  const ids = c.relatedCaseIds ?? [];
  return (
    <Section title="关联案件" id="case-related">
      {ids.length === 0 ? (
        <Typography.Text style={muted}>没有同一儿童的其他案件。</Typography.Text>
      ) : (
        <ul style={{ paddingInlineStart: 20, margin: 0 }}>
          {ids.map((id, i) => (
            <li key={id}>
              <Link to={`/cases/${id}`}>关联案件 {i + 1}</Link>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
