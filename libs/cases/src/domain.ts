/** The vocabulary of domain.md: codes in the schema and API, Chinese labels for people. */

export enum CaseStatus {
  Draft = 'draft',
  Submitted = 'submitted',
  Returned = 'returned',
  Assessing = 'assessing',
  Intervening = 'intervening',
  FollowUp = 'follow_up',
  Closed = 'closed',
}

export const CASE_STATUSES: readonly CaseStatus[] = Object.values(CaseStatus);
export const OPEN_STATUSES: readonly CaseStatus[] = CASE_STATUSES.filter((s) => s !== CaseStatus.Closed);

export const STATUS_LABELS: Record<CaseStatus, string> = {
  [CaseStatus.Draft]: '发现/草稿',
  [CaseStatus.Submitted]: '已报告',
  [CaseStatus.Returned]: '退回补充',
  [CaseStatus.Assessing]: '已受理·核实评估',
  [CaseStatus.Intervening]: '处置帮扶',
  [CaseStatus.FollowUp]: '跟踪回访',
  [CaseStatus.Closed]: '结案',
};

export enum RiskLevel {
  R1 = 'R1',
  R2 = 'R2',
  R3 = 'R3',
  R4 = 'R4',
}
export const RISK_LEVELS: readonly RiskLevel[] = Object.values(RiskLevel);
export const RISK_LABELS: Record<RiskLevel, string> = { R1: '紧急', R2: '高', R3: '中', R4: '低' };
export const isHighRisk = (r: RiskLevel) => r === RiskLevel.R1 || r === RiskLevel.R2;

export const CATEGORY_LABELS = {
  V01: '家庭暴力',
  V02: '性侵害/猥亵',
  V03: '虐待',
  V04: '学生欺凌',
  V05: '其他暴力伤害',
  V06: '拐卖/失踪/来源不明',
  V07: '组织乞讨/经济剥削/童工',
  V08: '网络侵害',
  V09: '教唆利用违法犯罪',
  V10: '自杀自残/非正常伤亡',
  N01: '遗弃',
  N02: '无人照料',
  N03: '未满16周岁单独生活',
  N04: '委托照护不当',
  N05: '严重营养不良/拒医/失学',
  N06: '监护人下落不明/丧失监护能力',
  D01: '孤儿',
  D02: '事实无人抚养',
  D03: '残疾',
  D04: '重病',
  D05: '留守',
  D06: '流动',
  D07: '流浪乞讨/身份不明',
  D08: '低保/特困家庭',
  D09: '父母服刑/戒毒',
} as const;
export type CategoryCode = keyof typeof CATEGORY_LABELS;
export const CATEGORY_CODES = Object.keys(CATEGORY_LABELS) as CategoryCode[];
export const isViolence = (c: string) => c.startsWith('V');
/** Police must be told (domain.md §5–6): any violence category or any mandatory item, at every risk level. */
export const policeMustBeTold = (categories: readonly string[], mandatoryItems: readonly number[]) => categories.some(isViolence) || mandatoryItems.length > 0;

/** The nine situations of the 2020 强制报告意见 Art.4. */
export const MANDATORY_ITEMS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

export enum ReporterType {
  MandatoryInstitution = 'mandatory_institution',
  MandatoryStaff = 'mandatory_staff',
  Guardian = 'guardian',
  Public = 'public',
  ChildSelf = 'child_self',
  Hotline = 'hotline',
  InternalDiscovery = 'internal_discovery',
  AgencyReferral = 'agency_referral',
}
export const REPORTER_TYPES: readonly ReporterType[] = Object.values(ReporterType);
export const isMandatoryReporter = (t: ReporterType) => t === ReporterType.MandatoryInstitution || t === ReporterType.MandatoryStaff;

export enum MeasureType {
  PoliceReport = 'police_report',
  WarningLetter = 'warning_letter',
  ProtectionOrder = 'protection_order',
  TemporaryGuardianship = 'temporary_guardianship',
  EmergencyPlacement = 'emergency_placement',
  RevokeGuardianship = 'revoke_guardianship',
  Medical = 'medical',
  Counseling = 'counseling',
  LegalAid = 'legal_aid',
  WelfareSubsidy = 'welfare_subsidy',
  SchoolSupport = 'school_support',
  FamilyGuidance = 'family_guidance',
  ReferralOther = 'referral_other',
}
export const MEASURE_TYPES: readonly MeasureType[] = Object.values(MeasureType);

/** Measures the district decides (未成年人保护法 Art.92, 108): each waits for a district decision whenever it is added. */
export const DISTRICT_DECIDED_MEASURES: readonly MeasureType[] = [MeasureType.TemporaryGuardianship, MeasureType.RevokeGuardianship];

export enum MeasureStatus {
  /** Temporary guardianship or revocation: waits for the district's decision before it is planned. */
  PendingDecision = 'pending_decision',
  Planned = 'planned',
  Done = 'done',
  Cancelled = 'cancelled',
  /** The district decided against it. */
  Rejected = 'rejected',
}

/** Measure statuses that still need doing (they keep a case out of follow-up and closure). */
export const OPEN_MEASURE_STATUSES: readonly MeasureStatus[] = [MeasureStatus.PendingDecision, MeasureStatus.Planned];

/** 走访 kinds (domain.md §5): verification while assessing, routine, and the visits a 告诫书 requires. */
export enum VisitKind {
  Verification = 'verification',
  Routine = 'routine',
  PostWarning = 'post_warning',
}
export const VISIT_KINDS: readonly VisitKind[] = Object.values(VisitKind);
export const VISIT_KIND_LABELS: Record<VisitKind, string> = {
  [VisitKind.Verification]: '核实走访 verification',
  [VisitKind.Routine]: '例行回访 routine',
  [VisitKind.PostWarning]: '告诫后回访 after a warning letter',
};

/** How the reporting unit was told the outcome (未成年人保护法 Art.11¶3 反馈). */
export enum FeedbackChannel {
  Phone = 'phone',
  Letter = 'letter',
  InPerson = 'in_person',
  System = 'system',
}
export const FEEDBACK_CHANNELS: readonly FeedbackChannel[] = Object.values(FeedbackChannel);

/**
 * 监护人与家庭成员 (domain.md §13): how a guardian or household member is related to the child.
 * Grandparents on both sides are one value (祖父母/外祖父母); 寄养/委托照护人 covers foster
 * carers and the carer a parent entrusted the child to (Art.22); 机构 a welfare institution.
 */
export enum GuardianRelation {
  Father = 'father',
  Mother = 'mother',
  Grandparent = 'grandparent',
  Sibling = 'sibling',
  OtherRelative = 'other_relative',
  Foster = 'foster',
  Institution = 'institution',
  Other = 'other',
}
export const GUARDIAN_RELATIONS: readonly GuardianRelation[] = Object.values(GuardianRelation);
export const GUARDIAN_RELATION_LABELS: Record<GuardianRelation, string> = {
  [GuardianRelation.Father]: '父亲 father',
  [GuardianRelation.Mother]: '母亲 mother',
  [GuardianRelation.Grandparent]: '祖父母/外祖父母 grandparent',
  [GuardianRelation.Sibling]: '兄弟姐妹 sibling',
  [GuardianRelation.OtherRelative]: '其他亲属 other relative',
  [GuardianRelation.Foster]: '寄养/委托照护人 foster or entrusted carer',
  [GuardianRelation.Institution]: '机构 institution',
  [GuardianRelation.Other]: '其他 other',
};

/** After temporary guardianship (Art.93): where the child goes next, recorded with an assessment. */
export enum PlacementDecision {
  ReturnToGuardian = 'return_to_guardian',
  LongTermPlacement = 'long_term_placement',
}
export const PLACEMENT_DECISIONS: readonly PlacementDecision[] = Object.values(PlacementDecision);

export enum Sex {
  Female = 'female',
  Male = 'male',
  Unknown = 'unknown',
}

export enum ApprovalKind {
  StartIntervention = 'start_intervention',
  Closure = 'closure',
  /** A district-decided measure (临时监护, 撤销监护资格), whenever it is added. */
  Measure = 'measure',
}

export enum ApprovalStatus {
  Pending = 'pending',
  Approved = 'approved',
  Rejected = 'rejected',
}

/** How a case ended. */
export enum ClosureKind {
  Resolved = 'resolved',
  Unsubstantiated = 'unsubstantiated',
  Merged = 'merged',
}

/** Flags run beside the state (domain.md §5): escalation and police are not states. */
export enum CaseFlag {
  Escalated = 'escalated',
  DeadlineBreached = 'deadline_breached',
  PoliceAlert = 'police_alert',
  Reopened = 'reopened',
}

/** The closure checklist of domain.md §8 as the request body once carried it (accepted and ignored: the record decides). */
export const CLOSURE_CHECKLIST = ['riskLowOnTwoVisits', 'safeCareArranged', 'measuresDone', 'policeOutcomeRecorded', 'reporterInformed'] as const;
export type ClosureChecklistItem = (typeof CLOSURE_CHECKLIST)[number];

/** The conditions of a `risk_resolved` closure (domain.md §8), checked against the record. */
export enum ClosureCondition {
  RiskLowOnTwoVisits = 'risk_low_on_two_visits',
  MeasuresFinished = 'measures_finished',
  PoliceFeedbackRecorded = 'police_feedback_recorded',
  ReporterToldOutcome = 'reporter_told_outcome',
  PlacementAfterGuardianship = 'placement_after_guardianship',
}
export const CLOSURE_CONDITION_LABELS: Record<ClosureCondition, string> = {
  [ClosureCondition.RiskLowOnTwoVisits]: '最近两次走访风险均为低 (R4) the last two visits recorded R4',
  [ClosureCondition.MeasuresFinished]:
    '处置措施与转介均已完成或取消 every measure is done, cancelled or rejected, and every referral done, declined or revoked',
  [ClosureCondition.PoliceFeedbackRecorded]: '已记录公安反馈 police feedback recorded (police were told)',
  [ClosureCondition.ReporterToldOutcome]: '已向报告单位反馈结果 the mandatory reporter was told the outcome',
  [ClosureCondition.PlacementAfterGuardianship]:
    '临时监护后已评估返还监护人或长期安置 after temporary guardianship: a return or long-term placement assessment',
};

export enum ClosureReason {
  RiskResolved = 'risk_resolved',
  TurnedEighteen = 'turned_18',
  MovedAway = 'moved_away',
  Other = 'other',
}
export const CLOSURE_REASONS: readonly ClosureReason[] = Object.values(ClosureReason);

/** A new report within this many days of closure reopens the case instead of opening a new one. */
export const REOPEN_WINDOW_DAYS = 90;

/** nextDueAt of a case without a pending deadline (sorts last). */
export const NO_DEADLINE = new Date('9999-12-31T00:00:00Z');
