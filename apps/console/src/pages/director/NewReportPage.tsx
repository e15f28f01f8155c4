import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, Radio, Steps, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useQueryClient } from '@tanstack/react-query';
import { api, isApiError, unwrap, type ApiError } from '../../api/client';
import { invalidateCase } from '../../api/hooks';
import type { CaseDetail } from '../../api/types';
import type { components } from '../../api/schema';
import { useUser } from '../../auth/AuthContext';
import {
  CATEGORY_CODES,
  CATEGORY_GROUPS,
  CATEGORY_HINTS,
  CATEGORY_LABELS,
  MANDATORY_ITEMS,
  MANDATORY_ITEM_NUMBERS,
  REPORTER_TYPE_LABELS,
  RISK_GUIDANCE,
  RISK_LABELS,
  RISK_LEVELS,
  SEX_LABELS,
  categoryText,
  isMandatoryReporter,
  mandatoryItemNo,
  mayBeAnonymous,
  sexText,
  type ReporterType,
  type RiskLevel,
  type Sex,
} from '../../i18n/labels';
import { ageOn, disableFuture, formatDateTime, nowWall, wallToDate, wallToIso } from '../../i18n/time';
import { belowFloor, floorReasonsText, intakeProblems, policeDue, riskFloor, type Floor } from '../../lib/statutory-rules';
import { nationalIdProblem, normaliseNationalId } from '../../lib/national-id';
import { ApiErrorAlert, applyFieldErrors, CategoryTags, DeadlineCountdown, notFuture, PageTitle, PastDateTime, RiskTag, StatusTag } from '../../components';
import { casePathFor } from '../../routes';
import { NativeSelect, type OptionGroup } from '../case/controls';
import { useJurisdictions } from '../case/lookups';
import { clearDraft, loadDraft, saveDraft } from './report-draft';

/** Who files: a community director (for its own community) or the 12345-6 hotline (any community of its district, or unlocated). */
export type ReportVariant = 'director' | 'hotline';

/** The community picker's value for "地点不明": the case is filed unlocated (`communityId: null`) and district staff route it. */
export const UNLOCATED = 'unlocated';

/** What the form holds (dates as wall-clock dayjs in Asia/Shanghai). */
export interface ReportFormValues {
  /** Hotline only: a community of the district, or UNLOCATED. */
  communityId?: string;
  child?: { name?: string; sex?: Sex; birthDate?: Dayjs; idNumber?: string; address?: string; school?: string };
  categories?: string[];
  mandatoryItems?: number[];
  emergencyPlacement?: boolean;
  riskLevel?: RiskLevel;
  report?: {
    reporterType?: ReporterType;
    anonymous?: boolean;
    reporterName?: string;
    reporterOrg?: string;
    reporterPhone?: string;
    discoveredAt?: Dayjs;
    location?: string;
    narrative?: string;
  };
  policeTold?: 'yes' | 'no';
  police?: { reportedAt?: Dayjs; receiptNo?: string; notReportedReason?: string };
}

const STEPS = [
  { key: 'child', title: '儿童', heading: '第 1 步：儿童信息' },
  { key: 'situation', title: '情况', heading: '第 2 步：发现的情况' },
  { key: 'risk', title: '风险', heading: '第 3 步：风险等级' },
  { key: 'reporter', title: '报告人', heading: '第 4 步：报告人' },
  { key: 'police', title: '报警', heading: '第 5 步：报警情况' },
  { key: 'review', title: '确认', heading: '第 6 步：核对并提交' },
] as const;

type NamePath = (string | number)[];
const STEP_FIELDS: NamePath[][] = [
  [
    ['child', 'name'],
    ['child', 'sex'],
    ['child', 'birthDate'],
    ['child', 'idNumber'],
    ['child', 'address'],
    ['child', 'school'],
  ],
  [['categories'], ['mandatoryItems'], ['communityId'], ['report', 'discoveredAt'], ['report', 'location'], ['report', 'narrative']],
  [['riskLevel'], ['emergencyPlacement']],
  [
    ['report', 'reporterType'],
    ['report', 'anonymous'],
    ['report', 'reporterName'],
    ['report', 'reporterOrg'],
    ['report', 'reporterPhone'],
  ],
  [['policeTold'], ['police', 'reportedAt'], ['police', 'receiptNo'], ['police', 'notReportedReason']],
  [],
];

/** Which step holds an API field ("child.birthDate" → 0). */
function stepOfField(field: string): number {
  const path = field.split('.');
  const i = STEP_FIELDS.findIndex((fields) => fields.some((f) => f.join('.') === path.join('.') || (path[0] === f[0] && f.length === 1)));
  if (i >= 0) return i;
  if (path[0] === 'child') return 0;
  if (path[0] === 'police') return 4;
  if (path[0] === 'report') return 3;
  return 5;
}

const PHONE = /^\+?[0-9][0-9 -]{4,28}$/;
const blank = (s: string | undefined | null) => !s || !s.trim();
const text = (s: string | undefined | null) => (blank(s) ? undefined : (s as string).trim());

/** The filing body; `communityId: null` is an unlocated hotline report (api.md v1.1 "Intake"). */
type CreateBody = components['schemas']['CreateCaseDto'];

/** The API body from the form: empty strings left out, times with +08:00, police only when given. */
function toBody(v: ReportFormValues, communityId: string | null, submit: boolean): CreateBody {
  const anonymous = mayBeAnonymous(v.report?.reporterType) && !!v.report?.anonymous;
  const narrative = text(v.report?.narrative);
  const told = v.policeTold === 'yes';
  const police = {
    reportedAt: told && v.police?.reportedAt ? wallToIso(v.police.reportedAt) : undefined,
    receiptNo: told ? text(v.police?.receiptNo) : undefined,
    notReportedReason: v.policeTold === 'no' ? text(v.police?.notReportedReason) : undefined,
  };
  const hasPolice = Object.values(police).some((x) => x !== undefined);
  return {
    communityId,
    child: {
      name: (v.child?.name ?? '').trim(),
      sex: v.child?.sex as Sex,
      birthDate: v.child?.birthDate ? wallToDate(v.child.birthDate) : '',
      idNumber: blank(v.child?.idNumber) ? undefined : normaliseNationalId(v.child?.idNumber as string),
      address: text(v.child?.address),
      school: text(v.child?.school),
    },
    categories: v.categories ?? [],
    mandatoryItems: v.mandatoryItems?.length ? [...v.mandatoryItems].sort((a, b) => a - b) : undefined,
    riskLevel: v.riskLevel as RiskLevel,
    report: {
      reporterType: v.report?.reporterType,
      anonymous,
      reporterName: anonymous ? undefined : text(v.report?.reporterName),
      reporterOrg: anonymous ? undefined : text(v.report?.reporterOrg),
      reporterPhone: anonymous ? undefined : text(v.report?.reporterPhone),
      discoveredAt: v.report?.discoveredAt ? wallToIso(v.report.discoveredAt) : '',
      location: text(v.report?.location),
      narrative,
    },
    needsEmergencyPlacement: !!v.emergencyPlacement,
    police: hasPolice ? police : undefined,
    submit,
  };
}

export default function NewReportPage() {
  return <ReportWizard variant="director" />;
}

/**
 * The report form, step by step. `director`: files for the director's own community.
 * `hotline`: the 12345-6 hotline picks any community of its district, or "地点不明"
 * (unlocated: `communityId: null`, the place as told becomes required); its reporter type
 * starts as 热线.
 */
export function ReportWizard({ variant }: { variant: ReportVariant }) {
  const hotline = variant === 'hotline';
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ReportFormValues>();
  /** Everything entered so far, on every step (antd types the whole store as `any`). */
  const allValues = (): ReportFormValues => form.getFieldsValue(true) as ReportFormValues;
  const restored = useMemo(() => loadDraft<ReportFormValues>(user.id), [user.id]);
  const [step, setStep] = useState(restored?.step ?? 0);
  const [maxStep, setMaxStep] = useState(restored?.step ?? 0);
  const [showRestored, setShowRestored] = useState(!!restored);
  const [storageFailed, setStorageFailed] = useState(false);
  const [busy, setBusy] = useState<'submit' | 'draft' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ detail: CaseDetail; submitted: boolean } | null>(null);
  /** 'submit' makes the narrative and police answers required; 'step' and 'draft' do not. */
  const mode = useRef<'step' | 'submit' | 'draft'>('step');
  const headingRef = useRef<HTMLHeadingElement>(null);

  const values = Form.useWatch([], form) as ReportFormValues | undefined;
  const categories = values?.categories ?? [];
  const items = values?.mandatoryItems ?? [];
  const floor = riskFloor({ categories, mandatoryItems: items, needsEmergencyPlacement: !!values?.emergencyPlacement });
  const mustTellPolice = policeDue(categories, items);
  const reporterType = values?.report?.reporterType;
  const anonymous = mayBeAnonymous(reporterType) && !!values?.report?.anonymous;
  const unlocated = hotline && values?.communityId === UNLOCATED;

  const initialValues: ReportFormValues = restored?.values ?? {
    categories: [],
    mandatoryItems: [],
    report: { reporterType: hotline ? 'hotline' : 'internal_discovery', anonymous: false, discoveredAt: nowWall().second(0) },
  };

  useEffect(() => {
    headingRef.current?.focus();
  }, [step]);

  const persist = (s = step) => {
    if (done) return;
    const ok = saveDraft(user.id, allValues(), s);
    setStorageFailed(!ok);
  };

  const goTo = (s: number) => {
    setStep(s);
    setMaxStep((m) => Math.max(m, s));
    persist(s);
    window.scrollTo({ top: 0 });
  };

  const next = async () => {
    mode.current = 'step';
    try {
      await form.validateFields(STEP_FIELDS[step]);
      goTo(step + 1);
    } catch {
      /* the fields show their messages */
    }
  };

  const send = async (submit: boolean) => {
    mode.current = submit ? 'submit' : 'draft';
    setError(null);
    const draftFields: NamePath[] = [
      ['child', 'name'],
      ['child', 'sex'],
      ['child', 'birthDate'],
      ['child', 'idNumber'],
      ['categories'],
      ['report', 'discoveredAt'],
      ['riskLevel'],
      ['report', 'reporterType'],
      ['report', 'reporterPhone'],
      ['communityId'],
      ['report', 'location'],
    ];
    try {
      await form.validateFields(submit ? undefined : draftFields);
    } catch (e) {
      const first = (e as { errorFields?: { name: NamePath }[] }).errorFields?.[0];
      if (first) setStep(stepOfField(first.name.join('.')));
      mode.current = 'step';
      return;
    }
    setBusy(submit ? 'submit' : 'draft');
    persist();
    try {
      const v = allValues();
      const communityId = hotline ? (v.communityId === UNLOCATED ? null : (v.communityId ?? null)) : user.jurisdiction.id;
      const body = toBody(v, communityId, submit);
      const detail = await unwrap<CaseDetail>(api.POST('/api/cases', { body }));
      // Only now, with the server's 2xx in hand, is the local copy let go.
      clearDraft(user.id);
      setDone({ detail, submitted: submit });
      void invalidateCase(queryClient);
      window.scrollTo({ top: 0 });
    } catch (e) {
      setError(e);
      if (isApiError(e) && (e.status === 400 || e.status === 422) && e.details.length) {
        // A police problem lands on "是否已报警" while neither answer is open.
        applyFieldErrors(form, e, (f) => (f.startsWith('police') && !form.getFieldValue('policeTold') ? ['policeTold'] : f.split('.')));
        setStep(stepOfField(e.details[0].field));
      }
    } finally {
      setBusy(null);
      mode.current = 'step';
    }
  };

  /** The intake rules (libs/cases statutory-rules) on everything entered so far, for one API field. */
  const problemsOf = (field: string, patch: Partial<{ categories: string[]; mandatoryItems: number[] }> = {}): string[] => {
    const v = allValues();
    return intakeProblems({
      categories: patch.categories ?? v.categories ?? [],
      mandatoryItems: patch.mandatoryItems ?? v.mandatoryItems ?? [],
      sex: v.child?.sex,
      birthDate: v.child?.birthDate ? wallToDate(v.child.birthDate) : undefined,
      discoveredAt: v.report?.discoveredAt ? wallToIso(v.report.discoveredAt) : undefined,
      reporterType: v.report?.reporterType,
      anonymous: mayBeAnonymous(v.report?.reporterType) && !!v.report?.anonymous,
    })
      .filter((p) => p.field === field)
      .map((p) => p.message);
  };
  const rejectProblems = (problems: string[]) => (problems.length ? Promise.reject(new Error(problems.join('；'))) : Promise.resolve());

  const discard = () => {
    clearDraft(user.id);
    form.resetFields();
    form.setFieldsValue({
      categories: [],
      mandatoryItems: [],
      report: { reporterType: hotline ? 'hotline' : 'internal_discovery', anonymous: false, discoveredAt: nowWall().second(0) },
    });
    setShowRestored(false);
    setStep(0);
    setMaxStep(0);
  };

  if (done)
    return (
      <Sent
        variant={variant}
        detail={done.detail}
        submitted={done.submitted}
        onOpen={(to) => navigate(to)}
        onAnother={() => {
          setDone(null);
          discard();
        }}
      />
    );

  const required = (message: string) => ({ required: true, message });
  const submitOnly = (message: string, check: () => boolean) => ({
    validator: () => (mode.current === 'submit' && !check() ? Promise.reject(new Error(message)) : Promise.resolve()),
  });

  return (
    <div style={{ maxWidth: 760, margin: '0 auto' }}>
      <PageTitle>{hotline ? '热线接报' : '新建报告'}</PageTitle>

      {showRestored && restored && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={`已恢复 ${formatDateTime(restored.savedAt)} 保存在本机的报告草稿`}
          description="报告在发送成功之前会一直保存在本机。"
          action={
            <Button size="small" danger onClick={discard}>
              清空重填
            </Button>
          }
          closable={{ 'aria-label': '关闭提示', onClose: () => setShowRestored(false) }}
        />
      )}
      {storageFailed && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 12 }}
          title="本机无法保存草稿（存储空间已满或被禁用）。请尽快提交，或不要关闭此页面。"
        />
      )}

      <Card styles={{ body: { padding: '16px 12px' } }}>
        <nav aria-label="填写步骤">
          <Steps
            current={step}
            size="small"
            responsive={false}
            titlePlacement="vertical"
            onChange={(s) => s <= maxStep && goTo(s)}
            items={STEPS.map((s, i) => ({ title: s.title, disabled: i > maxStep }))}
            style={{ marginBottom: 16 }}
          />
        </nav>
        <h2 ref={headingRef} tabIndex={-1} style={{ fontSize: 18, margin: '8px 0 16px', outline: 'none' }}>
          {STEPS[step].heading}
        </h2>

        <Form<ReportFormValues>
          form={form}
          layout="vertical"
          size="large"
          initialValues={initialValues}
          onValuesChange={() => persist()}
          scrollToFirstError
          requiredMark
        >
          {/* ── 1 儿童 ───────────────────────────────────────────────────── */}
          <div hidden={step !== 0}>
            <Form.Item
              label="儿童姓名"
              name={['child', 'name']}
              rules={[required('请填写儿童姓名'), { max: 50, message: '姓名最多50个字' }]}
              extra="姓名只在案件页完整显示，列表中会隐去部分。"
            >
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item label="性别" name={['child', 'sex']} rules={[required('请选择性别')]}>
              <Radio.Group optionType="button" buttonStyle="solid" aria-label="性别" role="radiogroup">
                {(Object.keys(SEX_LABELS) as Sex[]).map((s) => (
                  <Radio.Button key={s} value={s} style={{ minWidth: 72, textAlign: 'center' }}>
                    {SEX_LABELS[s]}
                  </Radio.Button>
                ))}
              </Radio.Group>
            </Form.Item>
            <Form.Item
              label="出生日期"
              name={['child', 'birthDate']}
              dependencies={[['child', 'idNumber']]}
              rules={[
                required('请填写出生日期'),
                {
                  validator: (_, d?: Dayjs) => {
                    if (!d) return Promise.resolve();
                    if (d.isAfter(nowWall(), 'day')) return Promise.reject(new Error('出生日期不能晚于今天'));
                    if (ageOn(wallToDate(d)) >= 18) return Promise.reject(new Error('儿童须未满18周岁'));
                    return Promise.resolve();
                  },
                },
              ]}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={disableFuture} placeholder="选择日期" />
            </Form.Item>
            <Form.Item
              label="身份证号（选填）"
              name={['child', 'idNumber']}
              dependencies={[['child', 'birthDate']]}
              extra="填写后会核对校验位和出生日期；只加密保存，不在列表中显示。"
              rules={[
                {
                  validator: (_, v?: string) => {
                    if (blank(v)) return Promise.resolve();
                    const b = form.getFieldValue(['child', 'birthDate']) as Dayjs | undefined;
                    const p = nationalIdProblem(v as string, b ? wallToDate(b) : null);
                    return p ? Promise.reject(new Error(p)) : Promise.resolve();
                  },
                },
              ]}
            >
              <Input autoComplete="off" inputMode="text" maxLength={18} spellCheck={false} />
            </Form.Item>
            <Form.Item label="住址（选填）" name={['child', 'address']} rules={[{ max: 200, message: '最多200个字' }]}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item label="学校（选填）" name={['child', 'school']} rules={[{ max: 100, message: '最多100个字' }]}>
              <Input autoComplete="off" />
            </Form.Item>
          </div>

          {/* ── 2 情况 ───────────────────────────────────────────────────── */}
          <div hidden={step !== 1}>
            <Form.Item
              name="categories"
              dependencies={[
                ['child', 'birthDate'],
                ['report', 'discoveredAt'],
              ]}
              rules={[
                { type: 'array', min: 1, message: '请至少选择一种情形类别' },
                { type: 'array', max: 10, message: '最多选择10种情形类别' },
                { validator: (_, v?: string[]) => rejectProblems(problemsOf('categories', { categories: v ?? [] })) },
              ]}
              label={<span id="categories-label">情形类别（可多选）</span>}
            >
              <Checkbox.Group style={{ display: 'block' }} aria-labelledby="categories-label">
                {CATEGORY_GROUPS.map((g) => (
                  <fieldset key={g.prefix} className="big-choice" style={{ border: 0, padding: 0, margin: '0 0 12px' }}>
                    <legend style={{ fontSize: 15, fontWeight: 600, marginBottom: 4 }}>{g.label}</legend>
                    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', columnGap: 12 }}>
                      {CATEGORY_CODES.filter((c) => c.startsWith(g.prefix)).map((c) => (
                        <Checkbox key={c} value={c}>
                          {categoryText(c)}
                          {CATEGORY_HINTS[c] && <span style={{ display: 'block', fontSize: 12, color: 'rgba(0,0,0,0.68)' }}>{CATEGORY_HINTS[c]}</span>}
                        </Checkbox>
                      ))}
                    </div>
                  </fieldset>
                ))}
              </Checkbox.Group>
            </Form.Item>

            <Form.Item
              name="mandatoryItems"
              dependencies={[
                ['child', 'sex'],
                ['child', 'birthDate'],
                ['report', 'discoveredAt'],
              ]}
              rules={[{ validator: (_, v?: number[]) => rejectProblems(problemsOf('mandatoryItems', { mandatoryItems: v ?? [] })) }]}
              label={<span id="items-label">强制报告情形（《关于建立侵害未成年人案件强制报告制度的意见（试行）》第四条，符合的都选上）</span>}
            >
              <Checkbox.Group style={{ display: 'block' }} aria-labelledby="items-label" className="big-choice">
                {MANDATORY_ITEM_NUMBERS.map((n) => (
                  <div key={n} style={{ borderBottom: '1px solid #f0f0f0' }}>
                    <Checkbox value={n} data-testid={`mandatory-item-${n}`}>
                      {mandatoryItemNo(n)}
                      {MANDATORY_ITEMS[n]}
                    </Checkbox>
                  </div>
                ))}
              </Checkbox.Group>
            </Form.Item>

            <FloorStatus floor={floor} />

            <Form.Item
              label="发现时间"
              name={['report', 'discoveredAt']}
              rules={[
                required('请填写发现时间'),
                {
                  validator: (_, d?: Dayjs) => {
                    if (!d) return Promise.resolve();
                    if (d.isAfter(nowWall().add(5, 'minute'))) return Promise.reject(new Error('发现时间不能晚于现在'));
                    const b = form.getFieldValue(['child', 'birthDate']) as Dayjs | undefined;
                    if (b && d.isBefore(b, 'day')) return Promise.reject(new Error('发现时间不能早于出生日期'));
                    return Promise.resolve();
                  },
                },
              ]}
            >
              <PastDateTime />
            </Form.Item>
            {hotline && <CommunityPicker />}
            <Form.Item
              label={unlocated ? '发现地点' : '发现地点（选填）'}
              name={['report', 'location']}
              dependencies={['communityId']}
              rules={[
                { max: 200, message: '最多200个字' },
                ...(unlocated
                  ? [{ required: true, whitespace: true, message: '地点不明时须写明来电人所说的地点（路名、小区、学校或地标），区级据此分派社区' }]
                  : []),
              ]}
              extra={unlocated ? '写明来电人所说的地点（路名、小区、学校或地标）；区民政局据此把报告分派到社区。' : undefined}
            >
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item
              label="情况描述"
              name={['report', 'narrative']}
              rules={[submitOnly('提交报告需要填写情况描述', () => !blank(allValues().report?.narrative)), { max: 4900, message: '最多4900个字' }]}
              extra="写清看到或听到的事实：谁、何时、何地、发生了什么、儿童现在是否安全。保存草稿时可暂不填写。"
            >
              <Input.TextArea autoSize={{ minRows: 5, maxRows: 14 }} showCount maxLength={4900} />
            </Form.Item>
          </div>

          {/* ── 3 风险 ───────────────────────────────────────────────────── */}
          <div hidden={step !== 2}>
            <Form.Item name="emergencyPlacement" valuePropName="checked" className="big-choice" extra="勾选后风险等级不能低于 R1 紧急。">
              <Checkbox>儿童需要紧急安置（未成年人保护法第92条第6项）</Checkbox>
            </Form.Item>
            {floor && (
              <Alert
                type="warning"
                showIcon
                role="alert"
                data-testid="risk-floor"
                data-floor={floor.level}
                style={{ marginBottom: 16 }}
                title={`根据所选情形（${floorReasonsText(floor)}），风险等级不能低于 ${floor.level} ${RISK_LABELS[floor.level]}`}
                description="低于下限的等级不可选择；如确实较低，由街道督导员受理时写明理由后调整。"
              />
            )}
            <Form.Item
              label={<span id="risk-label">风险等级（报告人初判，由街道督导员确认）</span>}
              name="riskLevel"
              dependencies={['categories', 'mandatoryItems', 'emergencyPlacement']}
              rules={[
                required('请选择风险等级'),
                {
                  validator: (_, v?: RiskLevel) =>
                    v && belowFloor(v, floor) ? Promise.reject(new Error(`根据所选情形，风险等级不能低于 ${floor?.level}`)) : Promise.resolve(),
                },
              ]}
            >
              <Radio.Group style={{ display: 'grid', gap: 8 }} aria-labelledby="risk-label" role="radiogroup">
                {RISK_LEVELS.map((l) => (
                  <Radio
                    key={l}
                    value={l}
                    disabled={belowFloor(l, floor)}
                    style={{ border: '1px solid #d9d9d9', borderRadius: 8, padding: '10px 12px', marginInlineEnd: 0 }}
                  >
                    <span style={{ fontWeight: 600 }}>
                      {l} {RISK_LABELS[l]}
                    </span>
                    <span style={{ display: 'block', fontSize: 13, color: 'rgba(0,0,0,0.72)' }}>{RISK_GUIDANCE[l]}</span>
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
          </div>

          {/* ── 4 报告人 ─────────────────────────────────────────────────── */}
          <div hidden={step !== 3}>
            <Form.Item label={<span id="reporter-type-label">报告人类型</span>} name={['report', 'reporterType']} rules={[required('请选择报告人类型')]}>
              <Radio.Group
                style={{ display: 'grid', gap: 4 }}
                className="big-choice"
                aria-labelledby="reporter-type-label"
                role="radiogroup"
                onChange={(e) => {
                  if (!mayBeAnonymous(e.target.value as string)) form.setFieldValue(['report', 'anonymous'], false);
                }}
              >
                {(Object.keys(REPORTER_TYPE_LABELS) as ReporterType[]).map((t) => (
                  <Radio key={t} value={t}>
                    {REPORTER_TYPE_LABELS[t]}
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
            {mayBeAnonymous(reporterType) && (
              <Form.Item
                name={['report', 'anonymous']}
                valuePropName="checked"
                className="big-choice"
                extra="只有社会公众可以匿名报告；匿名时不记录报告人姓名、单位和电话。"
              >
                <Checkbox>匿名报告</Checkbox>
              </Form.Item>
            )}
            {isMandatoryReporter(reporterType) && (
              <Alert type="info" showIcon style={{ marginBottom: 16 }} title="强制报告单位及其工作人员须实名报告，处理结果将反馈给报告单位。" />
            )}
            {!anonymous && (
              <>
                <Form.Item
                  label={isMandatoryReporter(reporterType) ? '报告人姓名' : '报告人姓名（选填）'}
                  name={['report', 'reporterName']}
                  dependencies={[['report', 'reporterType']]}
                  rules={[
                    { max: 50, message: '最多50个字' },
                    submitOnly(
                      '强制报告须实名：请填写报告人姓名',
                      () => !isMandatoryReporter(allValues().report?.reporterType) || !blank(allValues().report?.reporterName),
                    ),
                  ]}
                  extra="报告人信息保密，只有报告人本人、街道督导员和区级工作人员可见。"
                >
                  <Input autoComplete="off" />
                </Form.Item>
                <Form.Item
                  label={reporterType === 'mandatory_institution' ? '报告单位' : '报告单位（选填）'}
                  name={['report', 'reporterOrg']}
                  dependencies={[['report', 'reporterType']]}
                  rules={[
                    { max: 100, message: '最多100个字' },
                    submitOnly('请填写报告单位', () => allValues().report?.reporterType !== 'mandatory_institution' || !blank(allValues().report?.reporterOrg)),
                  ]}
                >
                  <Input autoComplete="off" />
                </Form.Item>
                <Form.Item label="报告人电话（选填）" name={['report', 'reporterPhone']} rules={[{ pattern: PHONE, message: '请填写有效的电话号码' }]}>
                  <Input type="tel" inputMode="tel" autoComplete="off" />
                </Form.Item>
              </>
            )}
          </div>

          {/* ── 5 报警 ───────────────────────────────────────────────────── */}
          <div hidden={step !== 4}>
            {mustTellPolice ? (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 16 }}
                title="涉及侵害（V类）或强制报告情形：须立即报警"
                description="请填写报警时间和接报回执号；未报警的，须说明原因。"
              />
            ) : (
              <Alert type="info" showIcon style={{ marginBottom: 16 }} title="本报告不要求报警；如已报警，请一并填写。" />
            )}
            <Form.Item
              label={<span id="police-told-label">是否已报警</span>}
              name="policeTold"
              dependencies={['categories', 'mandatoryItems']}
              rules={[
                submitOnly(
                  '涉及侵害或强制报告情形：请选择是否已报警',
                  () => !policeDue(allValues().categories ?? [], allValues().mandatoryItems ?? []) || !!allValues().policeTold,
                ),
              ]}
            >
              <Radio.Group optionType="button" buttonStyle="solid" aria-labelledby="police-told-label" role="radiogroup">
                <Radio.Button value="yes" style={{ minWidth: 96, textAlign: 'center' }}>
                  已报警
                </Radio.Button>
                <Radio.Button value="no" style={{ minWidth: 96, textAlign: 'center' }}>
                  未报警
                </Radio.Button>
              </Radio.Group>
            </Form.Item>
            {values?.policeTold === 'yes' && (
              <>
                <Form.Item
                  label="报警时间"
                  name={['police', 'reportedAt']}
                  rules={[submitOnly('请填写报警时间', () => !!form.getFieldValue(['police', 'reportedAt'])), notFuture('报警时间')]}
                >
                  <PastDateTime />
                </Form.Item>
                <Form.Item label="接报回执号（选填）" name={['police', 'receiptNo']} rules={[{ max: 64, message: '最多64个字' }]}>
                  <Input autoComplete="off" />
                </Form.Item>
              </>
            )}
            {values?.policeTold === 'no' && (
              <Form.Item
                label="未报警原因"
                name={['police', 'notReportedReason']}
                rules={[
                  { max: 1000, message: '最多1000个字' },
                  submitOnly(
                    '请说明未报警的原因',
                    () => !policeDue(allValues().categories ?? [], allValues().mandatoryItems ?? []) || !blank(allValues().police?.notReportedReason),
                  ),
                ]}
              >
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} />
              </Form.Item>
            )}
          </div>

          {/* ── 6 确认 ───────────────────────────────────────────────────── */}
          {step === 5 && <Review values={allValues()} onEdit={goTo} mustTellPolice={mustTellPolice} hotline={hotline} />}

          {error !== null && (
            <div style={{ margin: '16px 0' }}>
              <ApiErrorAlert error={error} title={sendErrorTitle(error)} />
            </div>
          )}

          <div className="step-actions">
            {step > 0 && (
              <Button size="large" onClick={() => goTo(step - 1)} disabled={!!busy}>
                上一步
              </Button>
            )}
            {step < STEPS.length - 1 ? (
              <Button type="primary" size="large" onClick={next} style={{ marginInlineStart: 'auto', minWidth: 120 }}>
                下一步
              </Button>
            ) : (
              <>
                <Button size="large" onClick={() => send(false)} loading={busy === 'draft'} disabled={!!busy} style={{ marginInlineStart: 'auto' }}>
                  保存为草稿
                </Button>
                <Button
                  type="primary"
                  size="large"
                  onClick={() => send(true)}
                  loading={busy === 'submit'}
                  disabled={!!busy}
                  style={{ flex: '1 1 auto', maxWidth: 200 }}
                >
                  提交报告
                </Button>
              </>
            )}
          </div>
        </Form>
      </Card>
      <p style={{ color: 'rgba(0,0,0,0.68)', fontSize: 13, marginTop: 12 }}>
        填写内容自动保存在本机，直到服务器确认收到报告。 {hotline ? <Link to="/hotline/reports">我提交的报告</Link> : <Link to="/workbench">返回工作台</Link>}
      </p>
    </div>
  );
}

function sendErrorTitle(e: unknown): string | undefined {
  if (!isApiError(e)) return undefined;
  const err: ApiError = e;
  if (err.status === 0) return '未能发送：网络已断开。报告已保存在本机，恢复网络后请再次点击“提交报告”。';
  if (err.status === 503) return '服务暂不可用，请稍后重试。报告已保存在本机，不会丢失。';
  if (err.status === 400) return '有几项需要修改（已标在对应的栏目上）：';
  return undefined;
}

function Review({
  values: v,
  onEdit,
  mustTellPolice,
  hotline,
}: {
  values: ReportFormValues;
  onEdit: (step: number) => void;
  mustTellPolice: boolean;
  hotline: boolean;
}) {
  const tree = useJurisdictions(hotline);
  const edit = (s: number, what: string) => (
    <Button type="link" size="small" onClick={() => onEdit(s)} aria-label={`修改${what}`} style={{ padding: 0 }}>
      修改
    </Button>
  );
  const anonymous = mayBeAnonymous(v.report?.reporterType) && !!v.report?.anonymous;
  return (
    <div>
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 104 } }} title="儿童" extra={edit(0, '儿童信息')} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="姓名">{v.child?.name || '—'}</Descriptions.Item>
        <Descriptions.Item label="性别">{v.child?.sex ? sexText(v.child.sex) : '—'}</Descriptions.Item>
        <Descriptions.Item label="出生日期">{v.child?.birthDate ? wallToDate(v.child.birthDate) : '—'}</Descriptions.Item>
        <Descriptions.Item label="身份证号">{v.child?.idNumber ? normaliseNationalId(v.child.idNumber) : '未填写'}</Descriptions.Item>
      </Descriptions>
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 104 } }} title="情况" extra={edit(1, '情况')} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="情形类别">
          {v.categories?.length ? <CategoryTags codes={v.categories.filter((c) => c in CATEGORY_LABELS)} /> : '未选择'}
        </Descriptions.Item>
        <Descriptions.Item label="强制报告情形">
          {v.mandatoryItems?.length ? (
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {[...v.mandatoryItems]
                .sort((a, b) => a - b)
                .map((n) => (
                  <li key={n}>
                    {mandatoryItemNo(n)}
                    {MANDATORY_ITEMS[n]}
                  </li>
                ))}
            </ul>
          ) : (
            '无'
          )}
        </Descriptions.Item>
        {hotline && (
          <Descriptions.Item label="所属社区">
            {v.communityId === UNLOCATED
              ? '地点不明（未定位），由区级分派'
              : v.communityId
                ? (tree.byId.get(v.communityId)?.path ?? tree.byId.get(v.communityId)?.name ?? '—')
                : '未选择'}
          </Descriptions.Item>
        )}
        {(hotline || v.report?.location) && <Descriptions.Item label="发现地点">{v.report?.location || '未填写'}</Descriptions.Item>}
        <Descriptions.Item label="发现时间">{v.report?.discoveredAt ? v.report.discoveredAt.format('YYYY-MM-DD HH:mm') : '—'}</Descriptions.Item>
        <Descriptions.Item label="情况描述">
          <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 4, expandable: true, symbol: '展开' }}>
            {v.report?.narrative || '未填写（提交前须填写）'}
          </Typography.Paragraph>
        </Descriptions.Item>
      </Descriptions>
      <Descriptions
        size="small"
        column={1}
        bordered
        styles={{ label: { width: 104 } }}
        title="风险与报告人"
        extra={edit(2, '风险等级')}
        style={{ marginBottom: 16 }}
      >
        <Descriptions.Item label="风险等级">{v.riskLevel ? <RiskTag level={v.riskLevel} /> : '—'}</Descriptions.Item>
        <Descriptions.Item label="紧急安置">{v.emergencyPlacement ? '需要' : '未勾选'}</Descriptions.Item>
        <Descriptions.Item label="报告人">
          {v.report?.reporterType ? REPORTER_TYPE_LABELS[v.report.reporterType] : '—'}
          {anonymous ? '（匿名）' : v.report?.reporterName ? `：${v.report.reporterName}` : ''}
        </Descriptions.Item>
      </Descriptions>
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 104 } }} title="报警" extra={edit(4, '报警情况')} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="报警">
          {v.policeTold === 'yes'
            ? `已报警 ${v.police?.reportedAt ? v.police.reportedAt.format('YYYY-MM-DD HH:mm') : ''}${v.police?.receiptNo ? `，回执号 ${v.police.receiptNo}` : ''}`
            : v.policeTold === 'no'
              ? `未报警：${v.police?.notReportedReason || '（未说明原因）'}`
              : mustTellPolice
                ? '未填写（提交前须填写）'
                : '不要求'}
        </Descriptions.Item>
      </Descriptions>
    </div>
  );
}

/** After a 2xx: the case number and the next deadline. */
function Sent({
  variant,
  detail,
  submitted,
  onAnother,
  onOpen,
}: {
  variant: ReportVariant;
  detail: CaseDetail;
  submitted: boolean;
  onAnother: () => void;
  onOpen: (to: string) => void;
}) {
  const c = detail as Omit<CaseDetail, 'communityId'> & { communityId: string | null; linkedToExisting?: boolean };
  const hotline = variant === 'hotline';
  useEffect(() => {
    document.title = `${submitted ? '报告已提交' : '草稿已保存'} - 守护工作台`;
  }, [submitted]);
  return (
    <div style={{ maxWidth: 640, margin: '0 auto' }}>
      <Card>
        <div role="status" style={{ textAlign: 'center', marginBottom: 16 }}>
          <h1 style={{ fontSize: 22, margin: '0 0 8px', color: '#135200' }}>{submitted ? '报告已提交' : '草稿已保存到系统'}</h1>
          <div style={{ fontSize: 15 }}>
            案件编号{' '}
            <strong data-testid="case-no" style={{ fontSize: 20, letterSpacing: 1 }}>
              {c.caseNo}
            </strong>
          </div>
        </div>
        {c.linkedToExisting && <Alert type="info" showIcon style={{ marginBottom: 16 }} title="该儿童已有未结案件，本报告已并入该案件。" />}
        <Descriptions size="small" column={1} bordered styles={{ label: { width: 104 } }}>
          <Descriptions.Item label="状态">
            <StatusTag status={c.status} />
          </Descriptions.Item>
          <Descriptions.Item label="风险等级">
            <RiskTag level={c.riskLevel} />
          </Descriptions.Item>
          <Descriptions.Item label="下一个期限">
            {c.nextDeadline ? (
              <span>
                <DeadlineCountdown deadline={c.nextDeadline} />
                <span style={{ display: 'block', color: 'rgba(0,0,0,0.68)' }}>截止 {formatDateTime(c.nextDeadline.dueAt)}</span>
              </span>
            ) : submitted ? (
              '无'
            ) : (
              '草稿不计时；提交后开始计算受理期限'
            )}
          </Descriptions.Item>
        </Descriptions>
        {submitted && c.riskLevel === 'R1' && (
          <Alert
            type="error"
            showIcon
            style={{ marginTop: 16 }}
            title={hotline ? '紧急（R1）：请立即电话通知区未保中心和相关街道，并确认是否已报警。' : '紧急（R1）：请立即电话联系街道督导员，并确保儿童安全。'}
          />
        )}
        {hotline && c.communityId === null && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 16 }}
            data-testid="unlocated-notice"
            title="地点不明（未定位）：区民政局/未保中心将根据所述地点把报告分派到社区。"
          />
        )}
        {!submitted && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 16 }}
            title={hotline ? '草稿已保存在系统中，可在“我提交的报告”中查看。' : '草稿已保存在系统中，可在工作台打开，补全后提交。'}
          />
        )}
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(140px, 1fr))', gap: 8, marginTop: 20 }}>
          <Button type="primary" size="large" onClick={() => onOpen(casePathFor(hotline ? 'hotline_intake' : 'community_director', c.id))}>
            查看案件
          </Button>
          <Button size="large" onClick={onAnother}>
            再报一个
          </Button>
          <Button size="large" onClick={() => onOpen(hotline ? '/hotline/reports' : '/workbench')}>
            {hotline ? '我提交的报告' : '返回工作台'}
          </Button>
        </div>
      </Card>
    </div>
  );
}

/** The risk floor as categories and items are picked (domain.md §4), announced as it changes. */
function FloorStatus({ floor }: { floor: Floor | null }) {
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="risk-floor-live"
      data-floor={floor?.level ?? ''}
      style={{
        margin: '0 0 16px',
        padding: '8px 12px',
        borderRadius: 8,
        border: `1px solid ${floor ? '#ffd591' : '#d9d9d9'}`,
        background: floor ? '#fff7e6' : '#fafafa',
      }}
    >
      {floor ? (
        <>
          风险下限：
          <RiskTag level={floor.level} />
          根据{floorReasonsText(floor)}，风险等级不能低于 {floor.level}（下一步选择风险等级时，更低的等级不可选）。
        </>
      ) : (
        '所选情形未设定风险下限。'
      )}
    </div>
  );
}

/**
 * The hotline's community picker: every community of its district (the jurisdiction tree
 * of the caller's scope), grouped by street, and "地点不明" — an unlocated report, routed
 * later by district staff. A native select: the phone's own picker, and one tap.
 */
function CommunityPicker() {
  const tree = useJurisdictions();
  const groups: OptionGroup[] = tree.streets.map((st) => ({
    label: st.name,
    options: st.children.filter((x) => x.level === 'community').map((x) => ({ value: x.id, label: x.name })),
  }));
  return (
    <Form.Item
      label="所属社区"
      name="communityId"
      rules={[{ required: true, message: '请选择社区；不知道在哪个社区时选择“地点不明”' }]}
      extra={
        tree.isError ? '社区列表未能加载，请刷新页面重试；也可选择“地点不明”。' : '不知道在哪个社区时，选择“地点不明（未定位）”并写明发现地点，由区级分派。'
      }
    >
      <NativeSelect
        placeholder={tree.isPending ? '正在加载社区…' : '请选择社区'}
        options={[{ value: UNLOCATED, label: '地点不明（未定位）' }]}
        groups={groups}
        data-testid="community-picker"
      />
    </Form.Item>
  );
}
