/**
 * One dialog per action of `allowedActions`, each asking for exactly the payload the API
 * needs (libs/cases/src/workflow.ts `requires`, libs/cases/src/dto/case.dto.ts). Errors
 * stay in the dialog: field problems on their fields, business rules (422) listed, and a
 * 409 STALE_VERSION says "案件已被他人更新" while the case reloads underneath — the next
 * submit then carries the new version.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, App, Button, Checkbox, Flex, Form, Input, Modal, Radio, Select, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api, isApiError, unwrap } from '../../api/client';
import type { CaseListShape, MeasureShape } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import { ApiErrorAlert, applyFieldErrors } from '../../components';
import {
  ACTION_LABELS,
  CATEGORY_CODES,
  CATEGORY_LABELS,
  CLOSURE_REASON_LABELS,
  DISTRICT_DECIDED_MEASURES,
  FEEDBACK_CHANNEL_LABELS,
  FEEDBACK_CHANNELS,
  GUARDIAN_RELATION_LABELS,
  GUARDIAN_RELATIONS,
  MEASURE_TYPE_LABELS,
  PLACEMENT_DECISIONS,
  PLACEMENT_LABELS,
  RISK_LABELS,
  RISK_LEVELS,
  REPORTER_TYPE_SHORT,
  ROLE_LABELS,
  STATUS_LABELS,
  VISIT_KIND_HINTS,
  VISIT_KIND_LABELS,
  VISIT_KINDS,
  defaultVisitKind,
  type GuardianRelation,
  type ReporterType,
  type RiskLevel,
  type VisitKind,
} from '../../i18n/labels';
import { nationalIdProblem } from '../../lib/national-id';
import { belowFloor, floorReasonsText, type Floor } from '../../lib/statutory-rules';
import { formatDateTime } from '../../i18n/time';
import { DateTimeInput, isoToWallInput, NativeSelect, nowWallInput, wallInputToIso, type OptionGroup } from './controls';
import { WORK_ACTION_LABELS } from './extraLabels';
import { useJurisdictions, useUsers } from './lookups';
import { ClosureConditionList } from './ClosureConditions';
import { isHighRisk, type ApprovalView, type CaseFull, type GuardianView, type TransitionAction } from './model';
import { useCaseWrites, type AssessmentBody, type OutcomeFeedbackBody, type TransitionBody } from './useCaseData';

type AssessmentPlacement = NonNullable<AssessmentBody['placement']>;

export type DialogSpec =
  | { kind: TransitionAction }
  | { kind: 'record_assessment' | 'add_measure' | 'add_visit' | 'add_note' | 'add_report' | 'record_police' | 'record_outcome_feedback' }
  | { kind: 'update_measure'; measure: MeasureShape; status: 'done' | 'cancelled' }
  | { kind: 'add_guardian' }
  | { kind: 'update_guardian'; guardian: GuardianView }
  | { kind: 'decide_approval'; approval: ApprovalView; decision: 'approve' | 'reject' };

const CLOSURE_REASONS = ['risk_resolved', 'turned_18', 'moved_away', 'other'] as const;
/** Closure reasons the record must support from follow-up only (domain.md §8); turned_18 and moved_away may be asked in any open state. */
const FOLLOW_UP_ONLY_REASONS: readonly string[] = ['risk_resolved', 'other'];
const MEASURE_TYPES = Object.keys(MEASURE_TYPE_LABELS);
const REPORTER_TYPES = Object.keys(REPORTER_TYPE_SHORT) as ReporterType[];

export function dialogTitle(spec: DialogSpec): string {
  switch (spec.kind) {
    case 'accept':
      return '受理案件';
    case 'update_measure':
      return spec.status === 'done' ? '完成处置措施' : '取消处置措施';
    case 'decide_approval':
      return spec.decision === 'approve' ? '批准申请' : '驳回申请';
    case 'update_guardian':
      return `修改监护人/家庭成员：${spec.guardian.name}`;
    case 'submit':
    case 'return':
    case 'start_intervention':
    case 'begin_follow_up':
    case 'request_closure':
    case 'close_unsubstantiated':
    case 'reopen':
    case 'transfer':
    case 'merge':
    case 'escalate':
    case 'record_assessment':
    case 'add_measure':
    case 'add_visit':
    case 'add_note':
    case 'add_report':
    case 'record_police':
    case 'record_outcome_feedback':
    case 'add_guardian':
      return ACTION_LABELS[spec.kind] ?? WORK_ACTION_LABELS[spec.kind] ?? spec.kind;
  }
}

const riskOptions = RISK_LEVELS.map((r) => ({ value: r, label: `${r} ${RISK_LABELS[r]}` }));
const required = (msg: string) => [{ required: true, whitespace: true, message: msg }];

const RISK_DOT: Record<RiskLevel, string> = { R1: '#cf1322', R2: '#fa8c16', R3: '#fadb14', R4: '#237804' };

/** R1–R4 as plain radios (each named "R1 紧急" …) with the risk colour beside the text; levels below `floor` disabled. */
export function RiskRadios({
  id,
  value,
  onChange,
  label,
  floor,
}: {
  id?: string;
  value?: RiskLevel;
  onChange?: (v: RiskLevel) => void;
  label: string;
  floor?: Floor | null;
}) {
  return (
    <Radio.Group
      id={id}
      aria-label={label}
      value={value}
      onChange={(e) => onChange?.(e.target.value as RiskLevel)}
      className="big-choice"
      style={{ display: 'flex', flexWrap: 'wrap', columnGap: 16 }}
    >
      {RISK_LEVELS.map((r) => (
        <Radio key={r} value={r} disabled={belowFloor(r, floor)}>
          <span
            aria-hidden
            style={{
              display: 'inline-block',
              width: 10,
              height: 10,
              borderRadius: 2,
              background: RISK_DOT[r],
              marginInlineEnd: 6,
              border: '1px solid rgba(0,0,0,0.25)',
            }}
          />
          {r} {RISK_LABELS[r]}
        </Radio>
      ))}
    </Radio.Group>
  );
}

/** People who may be given the case or a measure: its community's directors, its street's supervisors, district staff. */
function useAssignable(c: CaseFull) {
  const me = useUser();
  const users = useUsers({}, me.role !== 'community_director');
  const groups: OptionGroup[] = useMemo(() => {
    const ok = users.users.filter(
      (u) =>
        u.active &&
        u.status === 'active' &&
        ((u.role === 'community_director' && u.jurisdiction.id === c.communityId) ||
          (u.role === 'street_supervisor' && u.jurisdiction.id === c.streetId) ||
          u.role === 'district_staff'),
    );
    return (['street_supervisor', 'community_director', 'district_staff'] as const)
      .map((role) => ({
        label: ROLE_LABELS[role],
        options: ok.filter((u) => u.role === role).map((u) => ({ value: u.id, label: u.id === me.id ? `${u.displayName}（我）` : u.displayName })),
      }))
      .filter((g) => g.options.length > 0);
  }, [users.users, c.communityId, c.streetId, me.id]);
  const mine = groups.some((g) => g.options.some((o) => o.value === me.id));
  return { groups, loading: users.isPending, meAssignable: mine, error: users.error };
}

interface FormValues {
  [k: string]: unknown;
}

export function ActionDialog({ c, spec, onClose }: { c: CaseFull; spec: DialogSpec; onClose: () => void }) {
  const [form] = Form.useForm<FormValues>();
  const writes = useCaseWrites(c.id);
  const { message } = App.useApp();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const title = dialogTitle(spec);
  const formName = spec.kind;

  const submit = async () => {
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await send(spec, values, writes, c);
      if (spec.kind === 'start_intervention' && updated.status === c.status && updated.pendingApproval) {
        void message.success('处置计划已提交区级审批，批准后案件转入“处置帮扶”。');
      } else if (spec.kind === 'request_closure') {
        void message.success('结案申请已提交，等待审批。');
      } else if (spec.kind === 'add_measure' && updated.measures.length > c.measures.length && DISTRICT_DECIDED_MEASURES.includes(str(values.type) ?? '')) {
        void message.success('措施已添加，等待区民政局/未保中心决定。');
      } else if (spec.kind === 'decide_approval') {
        void message.success(spec.decision === 'approve' ? '已批准' : '已驳回');
      } else {
        void message.success(`${title}：已保存`);
      }
      onClose();
    } catch (e) {
      setError(e);
      if (isApiError(e)) applyFieldErrors(form, e, (f) => fieldPath(f));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      destroyOnHidden
      mask={{ closable: false }}
      width={640}
      footer={
        <Flex justify="end" gap={8} wrap>
          <Button onClick={onClose}>取消</Button>
          <Button
            type="primary"
            danger={spec.kind === 'decide_approval' && spec.decision === 'reject'}
            loading={busy}
            onClick={() => void submit()}
            data-testid="dialog-submit"
          >
            确定
          </Button>
        </Flex>
      }
    >
      <Form
        form={form}
        name={formName}
        layout="vertical"
        requiredMark={(label, { required: r }) =>
          r ? (
            <>
              {label}
              <span aria-hidden style={{ color: '#cf1322', marginInlineStart: 4 }}>
                *
              </span>
            </>
          ) : (
            label
          )
        }
        onFinish={() => void submit()}
        initialValues={initialValues(spec, c)}
      >
        <Fields spec={spec} c={c} />
        {error ? (
          <div style={{ marginTop: 8 }}>
            <ApiErrorAlert error={error} onReload={() => void writes.reload()} />
            {isApiError(error) && error.isStale && (
              <Typography.Paragraph style={{ marginTop: 8 }}>已重新加载案件的最新内容。请核对后再点击“确定”。</Typography.Paragraph>
            )}
          </div>
        ) : null}
      </Form>
    </Modal>
  );
}

/** API field → form name path (null: not a field of the form; the alert lists it). */
function fieldPath(field: string): (string | number)[] | null {
  if (field === 'version' || field === 'evidence' || !/^[a-zA-Z.]+$/.test(field) || field.includes('_')) return null;
  if (field.startsWith('police.')) return [field.replace('.', '_')];
  return [field];
}

function initialValues(spec: DialogSpec, c: CaseFull): FormValues {
  switch (spec.kind) {
    case 'accept':
      return { riskLevel: c.riskLevel };
    case 'submit':
      return {
        riskLevel: c.riskLevel,
        narrative: c.reports[0]?.narrative ?? '',
        police_reportedAt: c.police.reportedAt ? isoToWallInput(c.police.reportedAt) : undefined,
        police_receiptNo: c.police.receiptNo ?? undefined,
      };
    case 'record_assessment': {
      const a = c.assessment;
      return a
        ? { safety: a.safety, guardianship: a.guardianship, wellbeing: a.wellbeing, riskLevel: a.riskLevel, summary: a.summary }
        : { riskLevel: c.riskLevel };
    }
    case 'add_measure':
      return { dueAt: nowWallInput(24 * 7) };
    case 'add_visit':
      return { kind: defaultVisitKind(c.status), visitedAt: nowWallInput(), riskLevel: c.riskLevel };
    case 'record_outcome_feedback':
      return { at: nowWallInput() };
    case 'add_report':
      return { discoveredAt: nowWallInput(), anonymous: false };
    case 'add_guardian':
      return { livesWithChild: false, suspectedPerpetrator: false };
    case 'update_guardian': {
      const g = spec.guardian;
      return {
        name: g.name,
        relation: g.relation,
        phone: g.phone ?? '',
        idNumber: g.idNumber ?? '',
        livesWithChild: g.livesWithChild,
        suspectedPerpetrator: g.suspectedPerpetrator,
      };
    }
    case 'request_closure':
      return { closureReason: c.status === 'follow_up' ? 'risk_resolved' : undefined };
    case 'return':
    case 'start_intervention':
    case 'begin_follow_up':
    case 'close_unsubstantiated':
    case 'reopen':
    case 'transfer':
    case 'merge':
    case 'escalate':
    case 'add_note':
    case 'record_police':
    case 'update_measure':
    case 'decide_approval':
      return {};
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

async function send(spec: DialogSpec, v: FormValues, w: ReturnType<typeof useCaseWrites>, c: CaseFull): Promise<CaseFull> {
  const t = (body: TransitionBody) => w.transition(body);
  switch (spec.kind) {
    case 'accept':
      return t({ action: 'accept', riskLevel: v.riskLevel as RiskLevel, assigneeId: v.assigneeId as string, reason: str(v.reason) });
    case 'return':
    case 'close_unsubstantiated':
    case 'reopen':
    case 'escalate':
      return t({ action: spec.kind, reason: str(v.reason) });
    case 'submit': {
      const police = {
        reportedAt: str(v.police_reportedAt) ? wallInputToIso(v.police_reportedAt as string) : undefined,
        receiptNo: str(v.police_receiptNo),
        notReportedReason: str(v.police_notReportedReason),
      };
      const hasPolice = Object.values(police).some(Boolean);
      return t({ action: 'submit', riskLevel: v.riskLevel as RiskLevel, narrative: str(v.narrative), police: hasPolice ? police : undefined });
    }
    case 'start_intervention':
    case 'begin_follow_up':
      return t({ action: spec.kind });
    case 'request_closure':
      // No checklist: the server checks the record (domain.md §8) and names each unmet condition.
      return t({ action: 'request_closure', closureReason: v.closureReason as (typeof CLOSURE_REASONS)[number], reason: str(v.reason) });
    case 'transfer':
      return t({ action: 'transfer', communityId: v.communityId as string, reason: str(v.reason) });
    case 'merge':
      return t({ action: 'merge', intoCaseId: v.intoCaseId as string, reason: str(v.reason) });
    case 'record_assessment':
      return w.assessment({
        safety: str(v.safety) ?? '',
        guardianship: str(v.guardianship) ?? '',
        wellbeing: str(v.wellbeing) ?? '',
        riskLevel: v.riskLevel as RiskLevel,
        summary: str(v.summary) ?? '',
        placement: (str(v.placement) as AssessmentPlacement | undefined) ?? undefined,
      });
    case 'add_measure':
      return w.addMeasure({
        type: v.type as Parameters<typeof w.addMeasure>[0]['type'],
        ownerId: str(v.ownerId),
        agency: str(v.agency),
        dueAt: wallInputToIso(v.dueAt as string),
        urgent: v.type === 'protection_order' && v.urgent === true,
        note: str(v.note),
      });
    case 'update_measure':
      return w.updateMeasure(spec.measure.id, { status: spec.status, outcome: str(v.outcome) ?? '' });
    case 'add_visit':
      return w.addVisit({
        kind: v.kind as VisitKind,
        visitedAt: wallInputToIso(v.visitedAt as string),
        riskLevel: v.riskLevel as RiskLevel,
        outcome: str(v.outcome) ?? '',
        notes: str(v.notes),
      });
    case 'add_note':
      return w.addNote({ text: str(v.text) ?? '' });
    case 'add_report': {
      const anonymous = v.reporterType === 'public' && v.anonymous === true;
      return w.addReport({
        reporterType: v.reporterType as ReporterType,
        anonymous,
        reporterName: anonymous ? undefined : str(v.reporterName),
        reporterOrg: anonymous ? undefined : str(v.reporterOrg),
        reporterPhone: anonymous ? undefined : str(v.reporterPhone),
        discoveredAt: wallInputToIso(v.discoveredAt as string),
        location: str(v.location),
        narrative: str(v.narrative) ?? '',
        categories: (v.categories as string[] | undefined)?.length ? (v.categories as string[]) : undefined,
        riskEstimate: (str(v.riskEstimate) as RiskLevel | undefined) ?? undefined,
      });
    }
    case 'record_police':
      return w.police({
        reportedAt: str(v.reportedAt) ? wallInputToIso(v.reportedAt as string) : undefined,
        receiptNo: str(v.receiptNo),
        feedbackAt: str(v.feedbackAt) ? wallInputToIso(v.feedbackAt as string) : undefined,
        feedback: str(v.feedback),
      });
    case 'record_outcome_feedback':
      return w.outcomeFeedback({
        channel: v.channel as OutcomeFeedbackBody['channel'],
        at: wallInputToIso(v.at as string),
        summary: str(v.summary) ?? '',
      });
    case 'decide_approval':
      return w.decide(spec.approval.id, { decision: spec.decision, reason: str(v.reason) });
    case 'add_guardian':
      return w.addGuardian({
        name: str(v.name) ?? '',
        relation: v.relation as GuardianRelation,
        phone: str(v.phone),
        idNumber: str(v.idNumber)?.toUpperCase(),
        livesWithChild: v.livesWithChild === true,
        suspectedPerpetrator: v.suspectedPerpetrator === true,
      });
    case 'update_guardian': {
      // Only what changed; an emptied phone or ID number is cleared (null).
      const g = spec.guardian;
      const phone = str(v.phone) ?? null;
      const idNumber = str(v.idNumber)?.toUpperCase() ?? null;
      return w.updateGuardian(g.id, {
        name: str(v.name) !== g.name ? (str(v.name) ?? '') : undefined,
        relation: v.relation !== g.relation ? (v.relation as GuardianRelation) : undefined,
        phone: phone !== (g.phone ?? null) ? phone : undefined,
        idNumber: idNumber !== (g.idNumber ?? null) ? idNumber : undefined,
        livesWithChild: v.livesWithChild !== g.livesWithChild ? v.livesWithChild === true : undefined,
        suspectedPerpetrator: v.suspectedPerpetrator !== g.suspectedPerpetrator ? v.suspectedPerpetrator === true : undefined,
      });
    }
  }
  // Exhaustive above; keeps the compiler honest about new kinds.
  return c;
}

const TA = ({
  rows = 3,
  ...rest
}: {
  rows?: number;
  id?: string;
  value?: string;
  onChange?: (e: React.ChangeEvent<HTMLTextAreaElement>) => void;
  maxLength?: number;
  placeholder?: string;
}) => (
  <Input.TextArea
    autoSize={{ minRows: rows, maxRows: 10 }}
    showCount={rest.maxLength ? { formatter: ({ count, maxLength }) => `${count} / ${maxLength}` } : false}
    {...rest}
  />
);

function Fields({ spec, c }: { spec: DialogSpec; c: CaseFull }): ReactNode {
  switch (spec.kind) {
    case 'accept':
      return <AcceptFields c={c} />;
    case 'return':
      return (
        <>
          <Typography.Paragraph>退回后，报告人（社区儿童主任）补充完善再重新提交。请写明需要补充什么。</Typography.Paragraph>
          <Form.Item name="reason" label="退回原因" rules={required('请填写退回原因')}>
            <TA maxLength={1000} />
          </Form.Item>
        </>
      );
    case 'submit':
      return <SubmitFields c={c} />;
    case 'start_intervention':
      return <StartInterventionInfo c={c} />;
    case 'begin_follow_up':
      return (
        <Typography.Paragraph>
          全部处置措施已完成或取消。转入“跟踪回访”后，系统按风险等级排定回访期限（R1：第1、3、7天，之后每周至30天……）。
        </Typography.Paragraph>
      );
    case 'request_closure':
      return <ClosureFields c={c} />;
    case 'close_unsubstantiated':
      return (
        <>
          <Alert type="warning" showIcon title="经核实报告情况不实时使用。须写明理由和依据（走访记录或附件）。" style={{ marginBottom: 12 }} />
          {c.visits.length === 0 && (
            <Alert
              type="error"
              showIcon
              data-testid="evidence-missing"
              title="本案尚无走访记录：请先“记录走访”（核实走访）作为依据，否则不能不实结案。"
              style={{ marginBottom: 12 }}
            />
          )}
          <Form.Item name="reason" label="不实理由及依据" rules={required('请填写理由及依据')}>
            <TA maxLength={1000} />
          </Form.Item>
        </>
      );
    case 'reopen':
      return (
        <Form.Item name="reason" label="重新开启原因" rules={required('请填写重新开启的原因')}>
          <TA maxLength={1000} />
        </Form.Item>
      );
    case 'escalate':
      return (
        <>
          <Typography.Paragraph>升级督办会通知上一级（社区 → 街道 → 区），并在案件上标记“已升级督办”。</Typography.Paragraph>
          <Form.Item name="reason" label="升级原因" rules={required('请填写升级原因')}>
            <TA maxLength={1000} />
          </Form.Item>
        </>
      );
    case 'transfer':
      return <TransferFields c={c} />;
    case 'merge':
      return <MergeFields c={c} />;
    case 'record_assessment':
      return (
        <>
          {c.assessment && (
            <Typography.Paragraph>已有评估记录（{formatDateTime(c.assessment.assessedAt)}）；本次保存为重新评估，原记录保留在时间线上。</Typography.Paragraph>
          )}
          <Form.Item name="safety" label="安全状况" rules={required('请填写安全状况')}>
            <TA maxLength={5000} />
          </Form.Item>
          <Form.Item name="guardianship" label="监护状况" rules={required('请填写监护状况')}>
            <TA maxLength={5000} />
          </Form.Item>
          <Form.Item name="wellbeing" label="身心状况" rules={required('请填写身心状况')}>
            <TA maxLength={5000} />
          </Form.Item>
          <Form.Item name="riskLevel" label="评估风险等级" rules={[{ required: true, message: '请选择风险等级' }]}>
            <RiskRadios label="评估风险等级" />
          </Form.Item>
          <Form.Item name="summary" label="评估结论" rules={required('请填写评估结论')}>
            <TA maxLength={5000} />
          </Form.Item>
          {afterGuardianship(c) && (
            <Form.Item name="placement" label="安置决定" extra="临时监护之后：评估后返还监护人（未成年人保护法第93条），或长期安置。结案前须有此记录。">
              <NativeSelect placeholder="本次不作安置决定" options={PLACEMENT_DECISIONS.map((p) => ({ value: p, label: PLACEMENT_LABELS[p] ?? p }))} />
            </Form.Item>
          )}
        </>
      );
    case 'add_measure':
      return <MeasureFields c={c} />;
    case 'update_measure':
      return (
        <>
          <Typography.Paragraph>
            措施：<strong>{MEASURE_TYPE_LABELS[spec.measure.type] ?? spec.measure.type}</strong>（截止 {formatDateTime(spec.measure.dueAt)}）
          </Typography.Paragraph>
          <Form.Item
            name="outcome"
            label={spec.status === 'done' ? '完成情况' : '取消原因'}
            rules={required(spec.status === 'done' ? '请填写完成情况' : '请填写取消原因')}
          >
            <TA maxLength={2000} />
          </Form.Item>
        </>
      );
    case 'add_visit':
      return (
        <>
          <Form.Item name="kind" label="走访类型" rules={[{ required: true, message: '请选择走访类型' }]}>
            <Radio.Group aria-label="走访类型" className="big-choice" style={{ display: 'grid', gap: 2 }}>
              {VISIT_KINDS.map((k) => (
                <Radio key={k} value={k}>
                  {VISIT_KIND_LABELS[k]}
                  <span style={{ ...hint }}>{VISIT_KIND_HINTS[k]}</span>
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item name="visitedAt" label="走访时间" rules={[{ required: true, message: '请填写走访时间' }]}>
            <DateTimeInput max={nowWallInput()} />
          </Form.Item>
          <Form.Item
            name="riskLevel"
            label="本次观察到的风险等级"
            rules={[{ required: true, message: '请选择风险等级' }]}
            extra="与当前风险等级不同时，案件风险随之调整，并记入时间线。"
          >
            <RiskRadios label="本次观察到的风险等级" />
          </Form.Item>
          <Form.Item name="outcome" label="走访结果" rules={required('请填写走访结果')}>
            <TA maxLength={2000} />
          </Form.Item>
          <Form.Item name="notes" label="走访备注">
            <TA maxLength={5000} />
          </Form.Item>
        </>
      );
    case 'add_note':
      return (
        <Form.Item name="text" label="备注内容" rules={required('请填写备注内容')}>
          <TA rows={4} maxLength={5000} />
        </Form.Item>
      );
    case 'add_report':
      return <ReportFields />;
    case 'record_police':
      return (
        <>
          <Typography.Paragraph>
            当前：报警时间 {formatDateTime(c.police.reportedAt)}；回执号 {c.police.receiptNo ?? '—'}；公安反馈 {formatDateTime(c.police.feedbackAt)}
            。只填写需要登记或更新的项目。
          </Typography.Paragraph>
          <Form.Item name="reportedAt" label="报警时间">
            <DateTimeInput max={nowWallInput()} />
          </Form.Item>
          <Form.Item name="receiptNo" label="接报回执号">
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="feedbackAt" label="公安反馈时间">
            <DateTimeInput max={nowWallInput()} />
          </Form.Item>
          <Form.Item name="feedback" label="公安反馈内容">
            <TA maxLength={2000} />
          </Form.Item>
        </>
      );
    case 'record_outcome_feedback':
      return <OutcomeFeedbackFields c={c} />;
    case 'decide_approval':
      return <DecisionFields spec={spec} />;
    case 'add_guardian':
    case 'update_guardian':
      return <GuardianFields />;
  }
}

/** 监护人/家庭成员: who they are to the child, whether they live with the child, whether they are suspected of the harm. */
function GuardianFields() {
  return (
    <>
      <Typography.Paragraph style={{ ...hint, fontSize: 13 }}>
        监护人身份信息与儿童身份信息同等保护：仅在本案详情中显示，每次查看均记入审计日志。监护人不会收到系统的任何通知。
      </Typography.Paragraph>
      <Form.Item name="name" label="姓名" rules={required('请填写姓名')}>
        <Input maxLength={50} autoComplete="off" />
      </Form.Item>
      <Form.Item name="relation" label="与儿童关系" rules={[{ required: true, message: '请选择与儿童的关系' }]}>
        <NativeSelect placeholder="请选择" options={GUARDIAN_RELATIONS.map((r) => ({ value: r, label: GUARDIAN_RELATION_LABELS[r] ?? r }))} />
      </Form.Item>
      <Form.Item name="phone" label="联系电话" rules={[{ pattern: /^\+?[0-9][0-9 -]{4,28}$/, message: '请填写有效的电话号码' }]}>
        <Input inputMode="tel" autoComplete="off" maxLength={30} />
      </Form.Item>
      <Form.Item
        name="idNumber"
        label="身份证号"
        rules={[
          {
            validator: (_r, value: unknown) => {
              const problem = typeof value === 'string' && value.trim() ? nationalIdProblem(value) : null;
              return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
            },
          },
        ]}
        extra="选填；加密保存，不出现在任何列表中。"
      >
        <Input maxLength={18} autoComplete="off" />
      </Form.Item>
      <Form.Item name="livesWithChild" valuePropName="checked">
        <Checkbox>与儿童同住</Checkbox>
      </Form.Item>
      <Form.Item name="suspectedPerpetrator" valuePropName="checked" extra="标记后，此人不会成为任何通知对象，也看不到报告人信息。">
        <Checkbox>疑似施害人</Checkbox>
      </Form.Item>
    </>
  );
}

const hint = { display: 'block', fontSize: 12, color: 'rgba(0,0,0,0.68)' } as const;

/** A temporary guardianship was decided (or planned): the next assessment may record where the child goes. */
const afterGuardianship = (c: CaseFull): boolean =>
  c.measures.some((m) => m.type === 'temporary_guardianship' && (m.status === 'planned' || m.status === 'done'));

/** 反馈报告单位: how and when the reporting unit was told the outcome, and what (Art.11¶3). */
function OutcomeFeedbackFields({ c }: { c: CaseFull }) {
  const owed = (c.closureConditions ?? []).find((x) => x.code === 'reporter_told_outcome');
  return (
    <>
      <Typography.Paragraph>
        强制报告单位实名报告的，须向其反馈处理结果（未成年人保护法第11条第3款）。
        {owed ? (owed.met ? '本案已有反馈记录，可补充新的反馈。' : '本案尚未反馈，这是结案条件之一。') : ''}
      </Typography.Paragraph>
      <Form.Item name="channel" label="反馈方式" rules={[{ required: true, message: '请选择反馈方式' }]}>
        <NativeSelect placeholder="请选择" options={FEEDBACK_CHANNELS.map((ch) => ({ value: ch, label: FEEDBACK_CHANNEL_LABELS[ch] ?? ch }))} />
      </Form.Item>
      <Form.Item name="at" label="反馈时间" rules={[{ required: true, message: '请填写反馈时间' }]}>
        <DateTimeInput max={nowWallInput()} />
      </Form.Item>
      <Form.Item name="summary" label="反馈内容" rules={required('请填写反馈了什么')}>
        <TA maxLength={2000} />
      </Form.Item>
    </>
  );
}

function AcceptFields({ c }: { c: CaseFull }) {
  const me = useUser();
  const a = useAssignable(c);
  const form = Form.useFormInstance();
  const risk = Form.useWatch('riskLevel', form) as RiskLevel | undefined;
  const lowered = risk && c.riskLevel && risk > c.riskLevel;
  const floor = c.riskFloor ?? null;
  const below = belowFloor(risk, floor);
  // Suggest the supervisor themself once the people list has arrived.
  useEffect(() => {
    if (a.meAssignable && !form.getFieldValue('assigneeId')) form.setFieldValue('assigneeId', me.id);
  }, [a.meAssignable, form, me.id]);
  return (
    <>
      <Typography.Paragraph>
        报告人预估风险：{c.riskLevel} {RISK_LABELS[c.riskLevel]}。受理后案件进入“已受理·核实评估”，评估期限按确认的风险等级计算。
      </Typography.Paragraph>
      {floor && (
        <Alert
          type={below ? 'error' : 'info'}
          showIcon
          data-testid="accept-risk-floor"
          style={{ marginBottom: 12 }}
          title={`风险下限 ${floor.level} ${RISK_LABELS[floor.level]}（${floorReasonsText(floor)}）`}
          description={
            below ? `确认的 ${risk} 低于风险下限：必须在“说明”中写明理由，理由记入时间线。` : '可以确认为低于下限的等级，但须写明理由（记入时间线）。'
          }
        />
      )}
      <Form.Item name="riskLevel" label="确认风险等级" rules={[{ required: true, message: '请选择风险等级' }]}>
        <RiskRadios label="确认风险等级" />
      </Form.Item>
      <Form.Item name="assigneeId" label="负责人" rules={[{ required: true, message: '请选择负责人' }]}>
        <NativeSelect placeholder={a.loading ? '正在加载人员…' : '请选择负责人'} groups={a.groups} />
      </Form.Item>
      <Form.Item
        name="reason"
        label="说明"
        dependencies={['riskLevel']}
        rules={below ? required(`确认为低于风险下限 ${floor?.level} 的等级，须写明理由`) : []}
        extra={below ? `低于风险下限 ${floor?.level}：必须写明理由。` : lowered ? '确认的等级低于报告人预估；可在此说明理由（记入时间线）。' : '可选。'}
      >
        <TA maxLength={1000} />
      </Form.Item>
    </>
  );
}

function SubmitFields({ c }: { c: CaseFull }) {
  const needsPolice = c.categories.some((x) => x.startsWith('V')) || (c.mandatoryItems?.length ?? 0) > 0;
  return (
    <>
      <Form.Item name="narrative" label="情况描述" rules={required('请填写情况描述')} extra="按退回意见补充完善后重新提交。">
        <TA rows={5} maxLength={5000} />
      </Form.Item>
      <Form.Item
        name="riskLevel"
        label="风险预估"
        rules={[{ required: true, message: '请选择风险等级' }]}
        extra={c.riskFloor ? `风险下限 ${c.riskFloor.level}（${floorReasonsText(c.riskFloor)}）：更低的等级不可选。` : undefined}
      >
        <RiskRadios label="风险预估" floor={c.riskFloor} />
      </Form.Item>
      {needsPolice && (
        <fieldset style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: '8px 12px', margin: '0 0 12px' }}>
          <legend style={{ fontSize: 15, padding: '0 4px', width: 'auto', border: 0, margin: 0 }}>报警情况（侵害类或强制报告情形必填其一）</legend>
          <Form.Item name="police_reportedAt" label="报警时间">
            <DateTimeInput max={nowWallInput()} />
          </Form.Item>
          <Form.Item name="police_receiptNo" label="接报回执号">
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="police_notReportedReason" label="未报警原因">
            <TA maxLength={1000} />
          </Form.Item>
        </fieldset>
      )}
    </>
  );
}

function StartInterventionInfo({ c }: { c: CaseFull }) {
  const planned = c.measures.filter((m) => m.status === 'planned');
  const districtMeasures = planned.filter((m) => DISTRICT_DECIDED_MEASURES.includes(m.type));
  const needsDistrict = isHighRisk(c.riskLevel) || districtMeasures.length > 0;
  return (
    <>
      {needsDistrict ? (
        <Alert
          type="warning"
          showIcon
          data-testid="district-approval-notice"
          title="此处置计划须经区级审批"
          description={
            <>
              {isHighRisk(c.riskLevel) ? `本案风险等级为 ${c.riskLevel}（${RISK_LABELS[c.riskLevel]}），` : ''}
              {districtMeasures.length > 0 ? `计划包含${districtMeasures.map((m) => MEASURE_TYPE_LABELS[m.type]).join('、')}（由区民政部门决定），` : ''}
              点击“确定”后生成一条待审批申请，由区民政局/未保中心批准后案件才转入“处置帮扶”。审批期间案件保持“已受理·核实评估”。
            </>
          }
          style={{ marginBottom: 12 }}
        />
      ) : (
        <Typography.Paragraph>本案风险等级为 {c.riskLevel}，处置计划由街道决定，确定后案件转入“处置帮扶”。</Typography.Paragraph>
      )}
      <Typography.Text strong>处置计划（{planned.length} 项措施）</Typography.Text>
      <ul style={{ paddingInlineStart: 20, marginTop: 4 }}>
        {planned.map((m) => (
          <li key={m.id}>
            {MEASURE_TYPE_LABELS[m.type] ?? m.type} · 截止 {formatDateTime(m.dueAt)}
            {m.agency ? ` · ${m.agency}` : ''}
          </li>
        ))}
      </ul>
    </>
  );
}

function ClosureFields({ c }: { c: CaseFull }) {
  const form = Form.useFormInstance();
  const reason = Form.useWatch('closureReason', form) as string | undefined;
  const inFollowUp = c.status === 'follow_up';
  const everHighRisk = isHighRisk(c.riskLevel) || (c.assessments ?? []).some((a) => isHighRisk(a.riskLevel)) || c.visits.some((v) => isHighRisk(v.riskLevel));
  return (
    <>
      <Typography.Paragraph>
        结案申请由{everHighRisk ? '区民政局/未保中心' : '街道儿童督导员'}审批。结案条件由系统按案件记录逐项核对，无需勾选；不满足的条件会逐条列出。
      </Typography.Paragraph>
      <Form.Item
        name="closureReason"
        label="结案原因"
        rules={[{ required: true, message: '请选择结案原因' }]}
        extra={inFollowUp ? undefined : '“风险已解除”和“其他”须在跟踪回访阶段申请；已年满18周岁、已迁出本区可随时申请。'}
      >
        <Radio.Group
          aria-label="结案原因"
          options={CLOSURE_REASONS.map((r) => ({
            value: r,
            label: CLOSURE_REASON_LABELS[r] ?? r,
            disabled: !inFollowUp && FOLLOW_UP_ONLY_REASONS.includes(r),
          }))}
        />
      </Form.Item>
      {reason === 'risk_resolved' && <ClosureConditionList conditions={c.closureConditions ?? []} label="结案条件核对" testId="closure-dialog-conditions" />}
      {reason === 'turned_18' && <Typography.Paragraph>系统按儿童出生日期核对是否已年满18周岁。</Typography.Paragraph>}
      {reason === 'other' && <Typography.Paragraph>须写明结案说明；仍有未完成的处置措施时不能结案。</Typography.Paragraph>}
      <Form.Item
        name="reason"
        label="结案说明"
        rules={reason === 'other' ? required('“其他”原因须写明说明') : reason === 'moved_away' ? required('请写明迁往何处') : []}
      >
        <TA maxLength={1000} />
      </Form.Item>
    </>
  );
}

function TransferFields({ c }: { c: CaseFull }) {
  const tree = useJurisdictions();
  const groups: OptionGroup[] = tree.streets.map((s) => ({
    label: s.name,
    options: s.children.filter((x) => x.level === 'community').map((x) => ({ value: x.id, label: x.name, disabled: x.id === c.communityId })),
  }));
  return (
    <>
      <Typography.Paragraph>
        {c.communityId
          ? `当前社区：${tree.byId.get(c.communityId)?.path ?? '—'}。儿童迁居时使用；移交后由新社区的儿童主任和街道督导员跟进。`
          : `未定位（热线报告地点不明）：报告所述地点为“${
              c.reports
                .map((r) => r.location)
                .filter(Boolean)
                .join('；') || '未填写'
            }”。选择社区分派后，由该社区的儿童主任和街道督导员跟进。`}
      </Typography.Paragraph>
      <Form.Item name="communityId" label="移交至社区" rules={[{ required: true, message: '请选择社区' }]}>
        <NativeSelect placeholder="请选择社区" groups={groups} />
      </Form.Item>
      <Form.Item name="reason" label="移交原因" rules={required('请填写移交原因')}>
        <TA maxLength={1000} />
      </Form.Item>
    </>
  );
}

function MergeFields({ c }: { c: CaseFull }) {
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['cases', 'list', 'merge-search', q],
    queryFn: () =>
      unwrap<CaseListShape>(
        api.GET('/api/cases', { params: { query: { q, limit: 20, status: ['draft', 'submitted', 'returned', 'assessing', 'intervening', 'follow_up'] } } }),
      ),
    enabled: /^[A-Za-z0-9-]{2,24}$/.test(q),
  });
  const related = c.relatedCaseIds ?? [];
  const options = (search.data?.items ?? [])
    .filter((x) => x.id !== c.id)
    .map((x) => ({ value: x.id, label: `${x.caseNo} · ${x.childDisplayName} · ${STATUS_LABELS[x.status] ?? x.status}` }));
  return (
    <>
      <Typography.Paragraph>本案是重复个案时使用：本案的报告并入目标案件，本案以“合并”结案。目标案件必须是未结案的案件。</Typography.Paragraph>
      {related.length > 0 && <Typography.Paragraph>系统发现同一儿童的关联案件 {related.length} 件，可在“关联案件”中查看其编号。</Typography.Paragraph>}
      <Form.Item label="查找目标案件编号" htmlFor="merge-search">
        <Input.Search
          id="merge-search"
          placeholder="输入案件编号或其开头，如 BA-2026-0000"
          enterButton="查找"
          onSearch={(v) => setQ(v.trim().toUpperCase())}
          loading={search.isFetching}
        />
      </Form.Item>
      <Form.Item name="intoCaseId" label="并入案件" rules={[{ required: true, message: '请选择要并入的案件' }]}>
        <NativeSelect
          placeholder={q ? (search.isFetching ? '正在查找…' : options.length ? '请选择案件' : '没有找到未结案的案件') : '请先查找案件编号'}
          options={options}
        />
      </Form.Item>
      <Form.Item name="reason" label="合并说明">
        <TA maxLength={1000} />
      </Form.Item>
    </>
  );
}

function MeasureFields({ c }: { c: CaseFull }) {
  const a = useAssignable(c);
  const form = Form.useFormInstance();
  const type = Form.useWatch('type', form) as string | undefined;
  return (
    <>
      <Form.Item name="type" label="措施类型" rules={[{ required: true, message: '请选择措施类型' }]}>
        <NativeSelect placeholder="请选择措施类型" options={MEASURE_TYPES.map((m) => ({ value: m, label: MEASURE_TYPE_LABELS[m] }))} />
      </Form.Item>
      {type && DISTRICT_DECIDED_MEASURES.includes(type) && (
        <Alert
          type="warning"
          showIcon
          data-testid="district-decides-notice"
          style={{ marginBottom: 12 }}
          title={`${MEASURE_TYPE_LABELS[type]}由区民政部门决定：添加后等待区民政局/未保中心批准，批准前不计入处置计划。`}
        />
      )}
      {type === 'protection_order' && (
        <Form.Item name="urgent" valuePropName="checked" extra="人身安全保护令申请：紧急的应在24小时内作出裁定，其他72小时内（反家庭暴力法第28条）。">
          <Checkbox>紧急申请（24小时内裁定）</Checkbox>
        </Form.Item>
      )}
      <Form.Item name="ownerId" label="措施负责人" extra="可选；须为本案社区的儿童主任、本街道督导员或区级人员。">
        <NativeSelect placeholder="不指定" groups={a.groups} />
      </Form.Item>
      <Form.Item name="agency" label="承办单位" extra="可选，如：某某派出所、区妇联。">
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="dueAt" label="到期时间" rules={[{ required: true, message: '请填写到期时间' }]}>
        <DateTimeInput min={nowWallInput()} />
      </Form.Item>
      <Form.Item name="note" label="措施说明">
        <TA maxLength={2000} />
      </Form.Item>
    </>
  );
}

function ReportFields() {
  const form = Form.useFormInstance();
  const type = Form.useWatch('reporterType', form) as string | undefined;
  const anonymous = Form.useWatch('anonymous', form) as boolean | undefined;
  const hideIdentity = type === 'public' && anonymous;
  return (
    <>
      <Form.Item name="reporterType" label="报告人类型" rules={[{ required: true, message: '请选择报告人类型' }]}>
        <NativeSelect placeholder="请选择" options={REPORTER_TYPES.map((r) => ({ value: r, label: REPORTER_TYPE_SHORT[r] }))} />
      </Form.Item>
      {type === 'public' && (
        <Form.Item name="anonymous" valuePropName="checked">
          <Checkbox>匿名报告（仅社会公众可匿名）</Checkbox>
        </Form.Item>
      )}
      {!hideIdentity && (
        <div>
          <Form.Item name="reporterName" label="报告人姓名" extra="报告人身份保密，仅报告人、街道督导员和区级人员可见。">
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="reporterOrg" label="报告单位">
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="reporterPhone" label="联系电话">
            <Input maxLength={30} inputMode="tel" />
          </Form.Item>
        </div>
      )}
      <Form.Item name="discoveredAt" label="发现时间" rules={[{ required: true, message: '请填写发现时间' }]}>
        <DateTimeInput max={nowWallInput()} />
      </Form.Item>
      <Form.Item name="location" label="发现地点">
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="narrative" label="情况描述" rules={required('请填写情况描述')}>
        <TA rows={4} maxLength={5000} />
      </Form.Item>
      <Form.Item name="categories" label="新增类别">
        <Select
          mode="multiple"
          aria-label="新增类别"
          placeholder="可选"
          options={CATEGORY_CODES.map((code) => ({ value: code, label: `${code} ${CATEGORY_LABELS[code]}` }))}
          optionFilterProp="label"
        />
      </Form.Item>
      <Form.Item name="riskEstimate" label="风险预估">
        <NativeSelect placeholder="不变" options={riskOptions} />
      </Form.Item>
    </>
  );
}

function DecisionFields({ spec }: { spec: Extract<DialogSpec, { kind: 'decide_approval' }> }) {
  const reject = spec.decision === 'reject';
  return (
    <>
      <Typography.Paragraph>
        {reject
          ? '驳回后申请人会收到通知，案件保持当前状态。'
          : spec.approval.kind === 'closure'
            ? '批准后案件结案。'
            : '批准后案件转入“处置帮扶”，各项措施开始计时。'}
      </Typography.Paragraph>
      <Form.Item name="reason" label={reject ? '驳回理由' : '审批意见'} rules={reject ? required('驳回须填写理由') : []}>
        <TA maxLength={1000} />
      </Form.Item>
    </>
  );
}
