/**
 * Every Chinese label of the console, from /work/shared/docs/domain.md. Codes stay the API's
 * (English) codes; people see the Chinese. Import from here — never spell a label in a page.
 */

// One list of categories for the server and the console: domain.ts imports nothing, so the
// bundle takes it as it is.
import {
  CATEGORY_CODES,
  CATEGORY_LABELS,
  DISTRICT_DECIDED_MEASURES as DOMAIN_DISTRICT_DECIDED_MEASURES,
  FEEDBACK_CHANNELS as DOMAIN_FEEDBACK_CHANNELS,
  GUARDIAN_RELATIONS as DOMAIN_GUARDIAN_RELATIONS,
  PLACEMENT_DECISIONS as DOMAIN_PLACEMENT_DECISIONS,
  VISIT_KINDS as DOMAIN_VISIT_KINDS,
  type CategoryCode,
} from '../../../../libs/cases/src/domain';

// ── Roles (domain.md §1) ─────────────────────────────────────────────────────────────────
export type Role = 'community_director' | 'street_supervisor' | 'district_staff' | 'district_leader' | 'hotline_intake' | 'agency_liaison' | 'admin';

export const ROLE_LABELS: Record<Role, string> = {
  community_director: '社区儿童主任',
  street_supervisor: '街道儿童督导员',
  district_staff: '区民政局/未保中心',
  district_leader: '区分管领导',
  hotline_intake: '12345-6 热线接报员',
  agency_liaison: '协同单位联络员',
  admin: '系统管理员',
};

export const JURISDICTION_LEVEL_LABELS: Record<string, string> = { district: '区', street: '街道', community: '社区' };

// ── Case states (domain.md §5) ───────────────────────────────────────────────────────────
export type CaseStatus = 'draft' | 'submitted' | 'returned' | 'assessing' | 'intervening' | 'follow_up' | 'closed';

export const STATUS_LABELS: Record<CaseStatus, string> = {
  draft: '发现/草稿',
  submitted: '已报告',
  returned: '退回补充',
  assessing: '已受理·核实评估',
  intervening: '处置帮扶',
  follow_up: '跟踪回访',
  closed: '结案',
};
/** antd Tag colours per state (all readable with the Tag's dark text). */
export const STATUS_COLORS: Record<CaseStatus, string> = {
  draft: 'default',
  submitted: 'blue',
  returned: 'magenta',
  assessing: 'cyan',
  intervening: 'purple',
  follow_up: 'geekblue',
  closed: 'default',
};

// ── Risk levels (domain.md §4) ───────────────────────────────────────────────────────────
export type RiskLevel = 'R1' | 'R2' | 'R3' | 'R4';
export const RISK_LEVELS: readonly RiskLevel[] = ['R1', 'R2', 'R3', 'R4'];
export const RISK_LABELS: Record<RiskLevel, string> = { R1: '紧急', R2: '高', R3: '中', R4: '低' };
/** R1 red, R2 orange, R3 gold, R4 green (antd preset colours: text on them passes WCAG AA). */
export const RISK_COLORS: Record<RiskLevel, string> = { R1: 'red', R2: 'orange', R3: 'gold', R4: 'green' };
/** Guidance shown when a reporter picks a level (domain.md §4). */
export const RISK_GUIDANCE: Record<RiskLevel, string> = {
  R1: '伤害正在发生或迫在眉睫；强制报告第1–3、5、7项；不满8周岁儿童独处；儿童需要紧急安置（未成年人保护法第92条第6项）。立即报警并电话告知街道督导员。',
  R2: '疑似受到虐待但无即时危险；反复发生的家庭暴力；未满16周岁儿童单独生活。',
  R3: '存在监护风险或疏于照料的迹象。',
  R4: '仅有福利或帮扶需求。',
};

// ── Categories (domain.md §3) ────────────────────────────────────────────────────────────
// Categories: one list for the server and the console (libs/cases/src/domain.ts).
export { CATEGORY_CODES, CATEGORY_LABELS };
export type { CategoryCode };
export const CATEGORY_GROUPS: { prefix: 'V' | 'N' | 'D'; label: string }[] = [
  { prefix: 'V', label: '侵害 (V)' },
  { prefix: 'N', label: '监护缺失/不当 (N)' },
  { prefix: 'D', label: '困境儿童 (D)' },
];
/** Extra explanation of categories whose label alone is ambiguous. */
export const CATEGORY_HINTS: Partial<Record<CategoryCode, string>> = {
  N02: '不满8周岁儿童无人照看（未成年人保护法第21条）',
  N04: '委托照护不当，或父母与儿童联系少于每周一次（第22–23条）',
};
/** "V01 家庭暴力" — the code stays visible so people learn the codes the reports use. */
export const categoryText = (code: string): string => (code in CATEGORY_LABELS ? `${code} ${CATEGORY_LABELS[code as CategoryCode]}` : code);
export const isViolenceCategory = (code: string): boolean => code.startsWith('V');

// ── The nine 强制报告 situations (强制报告意见 2020, Art.4), statutory wording ─────────────
export const MANDATORY_ITEMS: Record<number, string> = {
  1: '未成年人的生殖器官或隐私部位遭受或疑似遭受非正常损伤的',
  2: '不满十四周岁的女性未成年人遭受或疑似遭受性侵害、怀孕、流产的',
  3: '十四周岁以上女性未成年人遭受或疑似遭受性侵害所致怀孕、流产的',
  4: '未成年人身体存在多处损伤、严重营养不良、意识不清，存在或疑似存在受到家庭暴力、欺凌、虐待、殴打或者被人麻醉等情形的',
  5: '未成年人因自杀、自残、工伤、中毒、被人麻醉、殴打等非正常原因导致伤残、死亡情形的',
  6: '未成年人被遗弃或长期处于无人照料状态的',
  7: '发现未成年人来历不明、失踪或者被拐卖、收买的',
  8: '发现未成年人被组织乞讨的',
  9: '其他严重侵害未成年人身心健康的情形或未成年人正在面临不法侵害危险的',
};
export const MANDATORY_ITEM_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
const CN_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** "（四）" — how the 意见 numbers its items. */
export const mandatoryItemNo = (n: number): string => `（${CN_NUMERALS[n] ?? n}）`;
/** Short form for tags: "强制报告第4项". */
export const mandatoryItemShort = (n: number): string => `强制报告第${n}项`;

// ── Reporters (domain.md §2) ─────────────────────────────────────────────────────────────
export type ReporterType =
  'mandatory_institution' | 'mandatory_staff' | 'guardian' | 'public' | 'child_self' | 'hotline' | 'internal_discovery' | 'agency_referral';
export const REPORTER_TYPE_LABELS: Record<ReporterType, string> = {
  mandatory_institution: '强制报告单位（居村委会、学校、幼儿园、托育机构、医院、福利机构、社工机构、旅馆等）',
  mandatory_staff: '强制报告单位工作人员',
  guardian: '父母或其他监护人',
  public: '社会公众',
  child_self: '儿童本人',
  hotline: '12345-6 热线',
  internal_discovery: '儿童主任走访/排查发现',
  agency_referral: '公安、检察院、法院、妇联、学校等转介',
};
/** Short labels for lists and tags. */
export const REPORTER_TYPE_SHORT: Record<ReporterType, string> = {
  mandatory_institution: '强制报告单位',
  mandatory_staff: '强制报告单位工作人员',
  guardian: '监护人',
  public: '社会公众',
  child_self: '儿童本人',
  hotline: '热线',
  internal_discovery: '走访/排查发现',
  agency_referral: '单位转介',
};
/** Only the public may report anonymously (未成年人保护法 Art.11¶1; domain.md §2). */
export const mayBeAnonymous = (t: string | undefined): boolean => t === 'public';
export const isMandatoryReporter = (t: string | undefined): boolean => t === 'mandatory_institution' || t === 'mandatory_staff';

// ── Sex ──────────────────────────────────────────────────────────────────────────────────
export type Sex = 'female' | 'male' | 'unknown';
export const SEX_LABELS: Record<Sex, string> = { female: '女', male: '男', unknown: '不详' };
export const sexText = (s: string | null | undefined): string => (s && s in SEX_LABELS ? SEX_LABELS[s as Sex] : '不详');

// ── Deadlines (domain.md §6) ─────────────────────────────────────────────────────────────
export const DEADLINE_KIND_LABELS: Record<string, string> = {
  police_report: '报警',
  accept_report: '受理或退回',
  resubmit: '补充后重新提交',
  assessment: '核实评估',
  start_plan: '开始处置',
  police_feedback: '公安反馈',
  measure: '处置措施到期',
  visit: '跟踪回访',
  decision: '审批决定',
  outcome_feedback: '向报告单位反馈结果',
  referral_response: '协同单位答复',
  referral_completion: '协同单位办结',
  protection_order: '人身安全保护令裁定',
  deadline: '期限',
};
export const deadlineKindText = (k: string): string => DEADLINE_KIND_LABELS[k] ?? k;
/** A deadline in words, with what its refKey adds: the visits after a 告诫书 are "告诫后回访（第 2 次）". */
export function deadlineText(d: { kind: string; refKey?: string | null }): string {
  const postWarning = d.kind === 'visit' && d.refKey ? /^post-warning-(\d+)$/.exec(d.refKey) : null;
  return postWarning ? `告诫后回访（第 ${postWarning[1]} 次）` : deadlineKindText(d.kind);
}
export const DEADLINE_STATUS_LABELS: Record<string, string> = { pending: '进行中', met: '已完成', breached: '已超时', cancelled: '已取消' };

// ── Flags (beside the state) ─────────────────────────────────────────────────────────────
export const FLAG_LABELS: Record<string, string> = {
  escalated: '已升级督办',
  deadline_breached: '有超时',
  police_alert: '未报警提醒',
  reopened: '重新开启',
};
export const ESCALATION_LABELS: Record<number, string> = { 0: '未升级', 1: '已升级至上一级', 2: '已升级至区分管领导' };

// ── Measures (domain.md §5) ──────────────────────────────────────────────────────────────
export const MEASURE_TYPE_LABELS: Record<string, string> = {
  police_report: '报警/移送公安',
  warning_letter: '告诫书',
  protection_order: '人身安全保护令',
  temporary_guardianship: '临时监护',
  emergency_placement: '紧急安置',
  revoke_guardianship: '撤销监护资格申请',
  medical: '医疗救治',
  counseling: '心理疏导',
  legal_aid: '法律援助',
  welfare_subsidy: '困境儿童生活补贴',
  school_support: '就学支持',
  family_guidance: '家庭教育指导',
  referral_other: '转介其他单位',
};
export const MEASURE_STATUS_LABELS: Record<string, string> = {
  pending_decision: '待区级决定',
  planned: '计划中',
  done: '已完成',
  cancelled: '已取消',
  rejected: '区级不予批准',
};
/** Measures the district decides whenever they are added (未成年人保护法 Art.92, 108). */
export const DISTRICT_DECIDED_MEASURES: readonly string[] = DOMAIN_DISTRICT_DECIDED_MEASURES;
/** After temporary guardianship (Art.93): where the child goes next, recorded with an assessment. */
export const PLACEMENT_DECISIONS: readonly string[] = DOMAIN_PLACEMENT_DECISIONS;
export const PLACEMENT_LABELS: Record<string, string> = {
  return_to_guardian: '评估后返还监护人',
  long_term_placement: '长期安置',
};

// ── Visits ───────────────────────────────────────────────────────────────────────────────
export type VisitKind = 'verification' | 'routine' | 'post_warning';
export const VISIT_KINDS = DOMAIN_VISIT_KINDS as readonly string[] as readonly VisitKind[];
export const VISIT_KIND_LABELS: Record<string, string> = {
  verification: '核实走访',
  routine: '例行回访',
  post_warning: '告诫后回访',
};
/** What each kind is for (domain.md §5, §7). */
export const VISIT_KIND_HINTS: Record<VisitKind, string> = {
  verification: '受理后核实报告情况',
  routine: '按回访计划定期走访',
  post_warning: '发出告诫书后的回访（7日内一次，之后每月一次至3个月）',
};
/** The kind a visit most likely is in a state (the API's own default). */
export const defaultVisitKind = (status: string): VisitKind => (status === 'assessing' ? 'verification' : 'routine');

// ── Telling the reporting unit the outcome (未成年人保护法 Art.11¶3 反馈) ─────────────────────
export type FeedbackChannel = 'phone' | 'letter' | 'in_person' | 'system';
export const FEEDBACK_CHANNELS = DOMAIN_FEEDBACK_CHANNELS as readonly string[] as readonly FeedbackChannel[];
export const FEEDBACK_CHANNEL_LABELS: Record<string, string> = {
  phone: '电话告知',
  letter: '书面函告',
  in_person: '当面告知',
  system: '系统内通知',
};

// ── Guardians and household members (domain.md §13) ──────────────────────────────────────
export type GuardianRelation = 'father' | 'mother' | 'grandparent' | 'sibling' | 'other_relative' | 'foster' | 'institution' | 'other';
export const GUARDIAN_RELATIONS = DOMAIN_GUARDIAN_RELATIONS as readonly string[] as readonly GuardianRelation[];
export const GUARDIAN_RELATION_LABELS: Record<string, string> = {
  father: '父亲',
  mother: '母亲',
  grandparent: '祖父母/外祖父母',
  sibling: '兄弟姐妹',
  other_relative: '其他亲属',
  foster: '寄养/委托照护人',
  institution: '机构',
  other: '其他',
};

// ── Closure (domain.md §8) ───────────────────────────────────────────────────────────────
export const CLOSURE_REASON_LABELS: Record<string, string> = {
  risk_resolved: '风险已解除',
  turned_18: '已年满18周岁',
  moved_away: '已迁出本区',
  not_substantiated: '经核实不实',
  other: '其他',
};
export const CLOSURE_KIND_LABELS: Record<string, string> = { resolved: '结案', unsubstantiated: '不实结案', merged: '合并至其他个案' };
export const CLOSURE_CHECKLIST_LABELS: Record<string, string> = {
  riskLowOnTwoVisits: '最近两次回访风险均为低（R4）',
  safeCareArranged: '已落实安全照护',
  measuresDone: '处置措施均已完成或取消',
  policeOutcomeRecorded: '已记录公安/法院处理结果',
  reporterInformed: '已向报告单位反馈处理结果',
};

// ── Transitions (api.md) ─────────────────────────────────────────────────────────────────
export const ACTION_LABELS: Record<string, string> = {
  submit: '提交报告',
  return: '退回补充',
  accept: '受理',
  start_intervention: '开始处置',
  begin_follow_up: '转入跟踪回访',
  request_closure: '申请结案',
  close_unsubstantiated: '不实结案',
  reopen: '重新开启',
  transfer: '移交其他社区',
  merge: '合并重复个案',
  escalate: '升级督办',
};
export const APPROVAL_KIND_LABELS: Record<string, string> = { start_intervention: '处置计划审批', closure: '结案审批', measure: '措施决定' };
/** An approval in words; a measure's names the measure: "措施决定：临时监护". */
export function approvalText(a: { kind: string; payload?: Record<string, unknown> | null }): string {
  const type = a.kind === 'measure' && typeof a.payload?.type === 'string' ? a.payload.type : null;
  const kind = APPROVAL_KIND_LABELS[a.kind] ?? a.kind;
  return type ? `${kind}：${MEASURE_TYPE_LABELS[type] ?? type}` : kind;
}
export const APPROVAL_STATUS_LABELS: Record<string, string> = { pending: '待审批', approved: '已批准', rejected: '已驳回' };

// ── Agencies (domain.md §11) ─────────────────────────────────────────────────────────────
export const AGENCY_KIND_LABELS: Record<string, string> = {
  police: '公安/派出所',
  procuratorate: '检察院',
  court: '法院',
  education: '教育/学校',
  health: '卫健/医院',
  womens_federation: '妇联',
  youth_league: '团委',
  disabled_persons: '残联',
  other: '其他',
};
export const REFERRAL_STATUS_LABELS: Record<string, string> = {
  pending: '待回应',
  accepted: '已接收',
  declined: '已拒绝',
  done: '已办结',
  revoked: '已撤回',
};
/** antd Tag colours per referral state (dark text on each passes AA). */
export const REFERRAL_STATUS_COLORS: Record<string, string> = {
  pending: 'warning',
  accepted: 'processing',
  declined: 'error',
  done: 'success',
  revoked: 'default',
};

// ── Errors (api.md "Errors") ─────────────────────────────────────────────────────────────
/** What to tell people for each error code: what happened and what to do. */
export const ERROR_CODE_LABELS: Record<string, string> = {
  VALIDATION_FAILED: '填写的内容有误，请按提示修改后重试。',
  MALFORMED_REQUEST: '请求格式有误，请刷新页面后重试。',
  INVALID_CREDENTIALS: '用户名或密码错误。',
  UNAUTHENTICATED: '登录已过期，请重新登录。',
  FORBIDDEN: '您的角色无权进行此操作。',
  NOT_FOUND: '没有找到该记录，或它不在您的管辖范围内。',
  METHOD_NOT_ALLOWED: '不支持此操作。',
  USERNAME_TAKEN: '该用户名已被使用，请换一个。',
  CONFLICT: '与现有记录冲突，请刷新后重试。',
  SELF_LOCKOUT: '不能停用或降级您自己的账号。',
  INVALID_TRANSITION: '案件当前状态不允许此操作，请刷新查看最新状态。',
  STALE_VERSION: '案件已被他人更新，请重新加载后再操作。',
  MEASURES_OPEN: '仍有未完成的处置措施，请先完成或取消。',
  APPROVAL_PENDING: '该步骤已在等待审批。',
  PLAN_INCOMPLETE: '处置计划需要先有评估记录和至少一项措施。',
  SELF_APPROVAL: '不能审批自己提出的申请。',
  RULE_VIOLATION: '不符合业务规则，请按提示处理。',
  CLOSURE_CONDITIONS_UNMET: '尚不满足结案条件：',
  RISK_BELOW_FLOOR: '风险等级低于本案情形规定的风险下限。',
  EVIDENCE_REQUIRED: '不实结案需要依据：请先记录核实走访（或上传附件）。',
  PAYLOAD_TOO_LARGE: '文件过大（最大 20 MB）。',
  UNSUPPORTED_MEDIA_TYPE: '不支持该文件类型（支持 JPEG、PNG、HEIC、PDF、DOCX）。',
  TOO_MANY_ATTEMPTS: '尝试次数过多，请稍后再试。',
  SERVICE_UNAVAILABLE: '服务暂不可用，请稍后重试。',
  INTERNAL_ERROR: '系统出错，请稍后重试；如果一直出现，请把错误编号告诉管理员。',
  NETWORK_ERROR: '网络连接失败，请检查网络后重试。',
};
export const STATUS_CODE_LABELS: Record<number, string> = {
  400: ERROR_CODE_LABELS.VALIDATION_FAILED,
  401: ERROR_CODE_LABELS.UNAUTHENTICATED,
  403: ERROR_CODE_LABELS.FORBIDDEN,
  404: ERROR_CODE_LABELS.NOT_FOUND,
  409: '数据已变化，请刷新后重试。',
  422: ERROR_CODE_LABELS.RULE_VIOLATION,
  429: ERROR_CODE_LABELS.TOO_MANY_ATTEMPTS,
  503: ERROR_CODE_LABELS.SERVICE_UNAVAILABLE,
};

/** Chinese names of the fields the API names in `details[].field`. */
export const FIELD_LABELS: Record<string, string> = {
  username: '用户名',
  password: '密码',
  communityId: '所属社区',
  'child.name': '儿童姓名',
  'child.sex': '性别',
  'child.birthDate': '出生日期',
  'child.idNumber': '身份证号',
  'child.address': '住址',
  'child.school': '学校',
  categories: '情形类别',
  mandatoryItems: '强制报告情形',
  riskLevel: '风险等级',
  'report.reporterType': '报告人类型',
  'report.reporterName': '报告人姓名',
  'report.reporterOrg': '报告单位',
  'report.reporterPhone': '报告人电话',
  'report.anonymous': '匿名',
  'report.discoveredAt': '发现时间',
  'report.location': '发现地点',
  'report.narrative': '情况描述',
  narrative: '情况描述',
  'police.reportedAt': '报警时间',
  'police.receiptNo': '接报回执号',
  'police.notReportedReason': '未报警原因',
  reason: '原因',
  version: '版本',
  visitedAt: '走访时间',
  kind: '走访类型',
  outcome: '走访结果',
  notes: '备注',
  text: '记录内容',
  needsEmergencyPlacement: '紧急安置',
  assigneeId: '负责人',
  closureReason: '结案原因',
  evidence: '依据',
  channel: '反馈方式',
  at: '反馈时间',
  summary: '内容',
  placement: '安置决定',
  urgent: '紧急申请',
  type: '措施类型',
  dueAt: '到期时间',
  holidays: '放假日',
  workdays: '调休上班日',
  source: '通知来源',
  provisional: '暂定',
  year: '年份',
  agencyId: '协同单位',
  service: '服务事项',
  note: '说明',
  measureId: '关联措施',
  name: '名称',
  active: '启用',
};
/** details[].field codes that name a closure condition (domain.md §8): their message says it all. */
export const CLOSURE_CONDITION_CODES = [
  'risk_low_on_two_visits',
  'measures_finished',
  'police_feedback_recorded',
  'reporter_told_outcome',
  'placement_after_guardianship',
] as const;
/** The Chinese name of an API field; "workdays[2]" → "调休上班日第 3 项"; "" for a closure condition. */
export function fieldText(field: string): string {
  if ((CLOSURE_CONDITION_CODES as readonly string[]).includes(field)) return '';
  const indexed = /^([A-Za-z.]+)\[(\d+)\]$/.exec(field);
  if (indexed) return `${FIELD_LABELS[indexed[1]] ?? indexed[1]}第 ${Number(indexed[2]) + 1} 项`;
  return FIELD_LABELS[field] ?? field;
}

/** The API's validation messages (English) in Chinese; unknown ones are shown as sent. */
const MESSAGE_PATTERNS: [RegExp, string][] = [
  [/must not be in the future/i, '不能晚于当前时间'],
  [/must be a date YYYY-MM-DD/i, '请填写日期（年-月-日）'],
  [/must be a real calendar date/i, '不是有效的日期'],
  [/must be of a child under 18/i, '儿童须未满18周岁'],
  [/must be an ISO-8601 date-time/i, '请填写有效的日期时间'],
  [/must be an 18-character national ID number/i, '请填写18位身份证号'],
  [/not a valid national ID number/i, '身份证号校验位不正确'],
  [/does not match the birth date/i, '与身份证号中的出生日期不一致'],
  [/must be empty for an anonymous report/i, '匿名报告不填写此项'],
  [/is required for V\* categories or mandatory items/i, '侵害类（V）或强制报告情形须填写报警时间，或说明未报警原因'],
  [/must be a phone number/i, '请填写有效的电话号码'],
  [/should not be empty|must not be empty|is required|should not be null or undefined/i, '必填'],
  [/must be one of/i, '请从选项中选择'],
  [/is not a community you may file for/i, '不是您可以报告的社区'],
  [/must be at most (\d+) characters|longer than or equal to|at most (\d+)/i, '内容过长'],
  [/must not be before police were told/i, '不能早于报警时间'],
  [/is already taken/i, '已被使用，请换一个'],
];
const SEX_WORDS: Record<string, string> = { female: '女', male: '男', unknown: '性别不详' };
/** Messages with figures in them: each match becomes the text the function makes of its groups. */
const MESSAGE_FORMS: [RegExp, (...g: string[]) => string][] = [
  // Intake (libs/cases/src/statutory-rules.ts intakeProblems)
  [/only a member of the public .*may report anonymously/i, () => '只有社会公众可以匿名报告；强制报告单位及其工作人员须实名报告'],
  [/^N02 .*needs a child under 8 on the discovery date; the child was (\d+)/, (age) => `N02 无人照料只适用于发现时不满8周岁的儿童（该儿童发现时 ${age} 周岁）`],
  [
    /^N03 .*needs a child under 16 on the discovery date; the child was (\d+)/,
    (age) => `N03 未满16周岁单独生活只适用于发现时未满16周岁的儿童（该儿童发现时 ${age} 周岁）`,
  ],
  [
    /^item 2 concerns a girl \(or sex unknown\) under 14; the child is (\w+), (\d+)/,
    (sex, age) => `强制报告第2项只适用于不满14周岁的女性（或性别不详）未成年人（该儿童：${SEX_WORDS[sex] ?? sex}，发现时 ${age} 周岁）`,
  ],
  [
    /^item 3 concerns a girl \(or sex unknown\) of 14 or more; the child is (\w+), (\d+)/,
    (sex, age) => `强制报告第3项只适用于14周岁以上的女性（或性别不详）未成年人（该儿童：${SEX_WORDS[sex] ?? sex}，发现时 ${age} 周岁）`,
  ],
  // The risk floor (domain.md §4)
  [/^(R\d) is below the risk floor (R\d)/, (level, floor) => `${level} 低于本案情形规定的风险下限 ${floor}，风险等级不能低于 ${floor}`],
  [/is required to confirm (R\d) below the risk floor (R\d)/, (level, floor) => `确认为 ${level}（低于风险下限 ${floor}）时必须写明理由`],
  // Closure (libs/cases/src/statutory-rules.ts closureConditions; "label: detail")
  [/^(\d+) visit\(s\) recorded; two are needed$/, (n) => `目前只有 ${n} 次走访记录，需要两次`],
  [/^the last two visits recorded (.+)$/, (levels) => `最近两次走访记录的风险为 ${levels}`],
  [/^police were told, and their feedback is not recorded$/, () => '已报警，尚未登记公安反馈'],
  [/^the mandatory reporter has not been told the outcome/, () => '尚未向强制报告单位反馈处理结果'],
  [/^after temporary guardianship, record an assessment with a placement decision/, () => '临时监护之后，须记录一次含安置决定（返还监护人或长期安置）的评估'],
  [/needs the 18th birthday to have passed/, () => '儿童尚未年满18周岁'],
  [/needs evidence|record a verification visit/i, () => '请先记录核实走访（或上传附件）作为依据'],
  // The working calendar (PUT /api/calendar/:year)
  [/^(\S+) is not a Saturday or Sunday$/, (d) => `${d} 不是周六或周日，不能作为调休上班日`],
  [/^(\S+) is listed twice/, (d) => `${d} 重复列出`],
  [/^(\S+) is also a holiday/, (d) => `${d} 已是放假日`],
  [/^(\S+) is not in (\d{4})$/, (d, y) => `${d} 不在 ${y} 年内`],
  [/is not a real date/, () => '不是有效的日期'],
];
/** One closure-condition detail ("1 measure(s) still open; 1 referral(s) still open") in Chinese. */
function closureDetailText(detail: string): string | null {
  const parts = detail.split('; ').map((p) => {
    const m = /^(\d+) (measure|referral)\(s\) still open$/.exec(p);
    return m ? `${m[1]} ${m[2] === 'measure' ? '项处置措施' : '项协同转介'}尚未完成` : null;
  });
  return parts.every((p) => p !== null) ? parts.join('；') : null;
}
export function messageText(message: string): string {
  for (const [re, make] of MESSAGE_FORMS) {
    const m = re.exec(message);
    if (m) return make(...m.slice(1));
  }
  const measures = closureDetailText(message);
  if (measures) return measures;
  for (const [re, zh] of MESSAGE_PATTERNS) if (re.test(message)) return zh;
  return message;
}
/**
 * A closure condition's detail in Chinese (the condition's label stays as the API gives it,
 * Chinese with English beside it); null when it has none.
 */
export const conditionDetailText = (detail: string | null | undefined): string | null => (detail ? messageText(detail) : null);
/** A CLOSURE_CONDITIONS_UNMET message ("<label>: <detail>") with its detail in Chinese. */
export function conditionMessageText(message: string): string {
  const at = message.lastIndexOf(': ');
  return at > 0 ? `${message.slice(0, at)}：${messageText(message.slice(at + 2))}` : messageText(message);
}

// ── Notifications ────────────────────────────────────────────────────────────────────────
export const NOTIFICATION_KIND_LABELS: Record<string, string> = {
  'deadline.reminder': '期限提醒',
  'deadline.breached': '已超时',
  'deadline.escalated': '升级督办',
  'case.returned': '退回补充',
  'case.accepted': '已受理',
  'case.reported': '新报告',
  'case.linked': '关联个案',
  'approval.requested': '待审批',
  'approval.decided': '审批结果',
  'referral.created': '新的转介',
  'referral.accepted': '转介已接收',
  'referral.declined': '转介被拒绝',
  'referral.done': '转介已办结',
  'referral.revoked': '转介已撤回',
};
export const notificationKindText = (k: string): string => NOTIFICATION_KIND_LABELS[k] ?? '通知';
