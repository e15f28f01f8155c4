/**
 * Chinese labels these pages need that src/i18n/labels.ts does not (yet) hold. Kept here,
 * not in the shell's file, so two people never edit one file at once; move them into
 * labels.ts whenever convenient.
 */

/** Work on a case that keeps its state (allowedActions beside the transitions). */
export const WORK_ACTION_LABELS: Record<string, string> = {
  record_assessment: '记录核实评估',
  add_measure: '添加处置措施',
  update_measure: '完成/取消措施',
  add_visit: '记录走访',
  add_note: '添加备注',
  add_report: '补充报告',
  record_police: '登记报警/公安反馈',
  record_outcome_feedback: '反馈报告单位',
  add_guardian: '添加监护人/家庭成员',
  update_guardian: '修改监护人/家庭成员',
  decide_approval: '审批',
};

/** Timeline event types (libs/cases, libs/deadlines, libs/org). */
export const EVENT_TYPE_LABELS: Record<string, string> = {
  'case.reported': '提交报告',
  'case.filed': '登记草稿',
  'case.resubmitted': '补充后重新提交',
  'case.returned': '退回补充',
  'case.accepted': '受理',
  'case.intervention_started': '开始处置',
  'case.follow_up_started': '转入跟踪回访',
  'case.closed': '结案',
  'case.reopened': '重新开启',
  'case.transferred': '移交其他社区',
  'case.merged': '合并至其他个案',
  'case.merge_received': '并入重复个案',
  'case.escalated': '升级督办',
  'case.related_report': '关联报告',
  'report.added': '补充报告',
  'report.linked': '新报告并入本案',
  'assessment.recorded': '记录核实评估',
  'measure.added': '添加处置措施',
  'measure.done': '措施已完成',
  'measure.cancelled': '措施已取消',
  'visit.recorded': '记录走访',
  'note.added': '添加备注',
  'police.reported': '登记报警',
  'police.feedback': '登记公安反馈',
  'approval.requested': '提交审批',
  'approval.approved': '审批通过',
  'approval.rejected': '审批驳回',
  'deadline.reminder': '期限提醒',
  'deadline.breached': '期限超时',
  'deadline.escalated': '超时升级',
  'identity.read': '查看身份信息',
  'guardian.added': '添加监护人',
  'guardian.updated': '修改监护人',
  'attachment.added': '上传附件',
  'attachment.retracted': '撤回附件',
  'outcome.feedback_recorded': '向报告单位反馈结果',
  'risk.changed': '风险等级变化',
  'user.created': '创建账号',
  'user.updated': '修改账号',
  'user.deactivated': '停用账号',
  'user.reactivated': '重新启用账号',
  'user.approved': '批准账号',
  'user.rejected': '驳回账号',
  'user.approval_requested': '账号待审批',
  'user.change_requested': '账号变更待审批',
  'user.change_applied': '账号变更生效',
  'user.change_withdrawn': '撤回账号变更',
  'user.password_changed': '重置密码',
};
export const eventTypeText = (t: string): string => EVENT_TYPE_LABELS[t] ?? t;

/** Keys seen in timeline event data, for a readable "data" column. */
export const EVENT_DATA_LABELS: Record<string, string> = {
  reason: '原因',
  riskLevel: '风险等级',
  estimatedRiskLevel: '报告人预估风险',
  previousRiskLevel: '原风险等级',
  assigneeId: '负责人',
  caseNo: '案件编号',
  categories: '类别',
  kind: '类型',
  type: '措施类型',
  dueAt: '截止时间',
  ownerId: '负责人',
  measureId: '措施',
  assessmentId: '评估记录',
  reportId: '报告',
  approvalId: '审批',
  decidedByRole: '审批角色',
  decision: '决定',
  closureReason: '结案原因',
  escalationLevel: '升级级别',
  escalatedTo: '升级至',
  leadersNotified: '已通知分管领导人数',
  deadlineId: '期限',
  fromCommunityId: '原社区',
  toCommunityId: '新社区',
  intoCaseId: '并入案件',
  intoCaseNo: '并入案件编号',
  fromCaseId: '来自案件',
  fromCaseNo: '来自案件编号',
  visitId: '走访记录',
  receiptNo: '接报回执号',
  reportedAt: '报警时间',
  feedbackAt: '反馈时间',
  fields: '字段',
  from: '原等级',
  to: '新等级',
  source: '依据',
  belowFloor: '低于风险下限',
  channel: '反馈方式',
  at: '时间',
  placement: '安置决定',
  urgent: '紧急申请',
  status: '状态',
  reassessment: '重新评估',
};

export const USER_STATUS_LABELS: Record<string, string> = {
  active: '正常',
  pending_approval: '待区级审批',
  rejected: '已驳回',
};

export const AUDIT_SOURCE_LABELS: Record<string, string> = {
  event: '案件事件',
  access: '身份信息查看',
  user: '账号变更',
};

/** Identity fields named in identity.read audit rows. */
export const IDENTITY_FIELD_LABELS: Record<string, string> = {
  'child.name': '儿童姓名',
  'child.birthDate': '出生日期',
  'child.idNumber': '身份证号',
  'child.address': '住址',
  'child.school': '学校',
  'reports.reporter': '报告人身份',
  guardians: '监护人信息',
};

export const AGE_BAND_LABELS: Record<string, string> = {
  '0-2': '0–2 岁',
  '3-5': '3–5 岁',
  '6-11': '6–11 岁',
  '12-13': '12–13 岁',
  '14-15': '14–15 岁',
  '16-17': '16–17 岁',
};
export const AGE_BANDS = ['0-2', '3-5', '6-11', '12-13', '14-15', '16-17'];
