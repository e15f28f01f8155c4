/**
 * The case workflow as data (domain.md §5). Plain TypeScript: no Nest, no TypeORM,
 * so it can be read, printed as a diagram (npm run workflow:diagram) and tested
 * exhaustively. The service consults it for every write and for allowedActions.
 */
import { Role } from '@shouhu/access';
import { CaseStatus, OPEN_STATUSES } from './domain';

export enum CaseAction {
  // Moves between states (POST /cases/:id/transitions).
  Submit = 'submit',
  Return = 'return',
  Accept = 'accept',
  StartIntervention = 'start_intervention',
  BeginFollowUp = 'begin_follow_up',
  RequestClosure = 'request_closure',
  CloseUnsubstantiated = 'close_unsubstantiated',
  Reopen = 'reopen',
  Transfer = 'transfer',
  Merge = 'merge',
  Escalate = 'escalate',
  // Work on the case that keeps its state (their own routes).
  RecordAssessment = 'record_assessment',
  AddMeasure = 'add_measure',
  UpdateMeasure = 'update_measure',
  AddVisit = 'add_visit',
  AddNote = 'add_note',
  AddReport = 'add_report',
  RecordPolice = 'record_police',
  RecordOutcomeFeedback = 'record_outcome_feedback',
  AddGuardian = 'add_guardian',
  UpdateGuardian = 'update_guardian',
  Refer = 'refer',
  RevokeReferral = 'revoke_referral',
  DecideApproval = 'decide_approval',
}

export const CASE_ACTIONS: readonly CaseAction[] = Object.values(CaseAction);

/** Actions that go through POST /api/cases/:id/transitions. */
export const TRANSITION_ACTIONS = [
  CaseAction.Submit,
  CaseAction.Return,
  CaseAction.Accept,
  CaseAction.StartIntervention,
  CaseAction.BeginFollowUp,
  CaseAction.RequestClosure,
  CaseAction.CloseUnsubstantiated,
  CaseAction.Reopen,
  CaseAction.Transfer,
  CaseAction.Merge,
  CaseAction.Escalate,
] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

/** Payload fields each move cannot do without; checked after the role, the version and the state. */
export const TRANSITION_REQUIRES = {
  [CaseAction.Submit]: [],
  [CaseAction.Return]: ['reason'],
  [CaseAction.Accept]: ['riskLevel', 'assigneeId'],
  [CaseAction.StartIntervention]: [],
  [CaseAction.BeginFollowUp]: [],
  [CaseAction.RequestClosure]: ['closureReason'],
  [CaseAction.CloseUnsubstantiated]: ['reason'],
  [CaseAction.Reopen]: ['reason'],
  [CaseAction.Transfer]: ['communityId', 'reason'],
  [CaseAction.Merge]: ['intoCaseId'],
  [CaseAction.Escalate]: ['reason'],
} as const satisfies Record<TransitionAction, readonly string[]>;

/** When a step needs someone else's decision before the state moves. */
export type ApprovalRule =
  /** Only for R1/R2 cases; decided by district staff. */
  | 'high_risk_by_district'
  /** Always; R1/R2 decided by district staff, R3/R4 by the street supervisor. */
  | 'by_risk_level';

export interface WorkflowRule {
  action: CaseAction;
  label: string;
  from: readonly CaseStatus[];
  /** The state after the action; null keeps the current state. */
  to: CaseStatus | null;
  roles: readonly Role[];
  /** Payload fields the action cannot do without. */
  requires: readonly string[];
  approval?: ApprovalRule;
}

const { CommunityDirector: DIRECTOR, StreetSupervisor: SUPERVISOR, DistrictStaff: DISTRICT, HotlineIntake: HOTLINE } = Role;
const { Draft, Submitted, Returned, Assessing, Intervening, FollowUp, Closed } = CaseStatus;
const ACTIVE = [Submitted, Returned, Assessing, Intervening, FollowUp] as const;
/** States in which the case is worked on: visits, reassessment, outcome feedback. */
const WORKING = [Assessing, Intervening, FollowUp] as const;

export const WORKFLOW: readonly WorkflowRule[] = [
  {
    action: CaseAction.Submit,
    label: '提交报告 submit',
    from: [Draft, Returned],
    to: Submitted,
    roles: [DIRECTOR, DISTRICT, HOTLINE],
    requires: TRANSITION_REQUIRES[CaseAction.Submit],
  },
  {
    action: CaseAction.Return,
    label: '退回补充 return',
    from: [Submitted],
    to: Returned,
    roles: [SUPERVISOR],
    requires: TRANSITION_REQUIRES[CaseAction.Return],
  },
  { action: CaseAction.Accept, label: '受理 accept', from: [Submitted], to: Assessing, roles: [SUPERVISOR], requires: TRANSITION_REQUIRES[CaseAction.Accept] },
  {
    action: CaseAction.StartIntervention,
    label: '开始处置 start intervention',
    from: [Assessing],
    to: Intervening,
    roles: [SUPERVISOR],
    requires: TRANSITION_REQUIRES[CaseAction.StartIntervention],
    approval: 'high_risk_by_district',
  },
  {
    action: CaseAction.BeginFollowUp,
    label: '转入跟踪回访 begin follow-up',
    from: [Intervening],
    to: FollowUp,
    roles: [SUPERVISOR],
    requires: TRANSITION_REQUIRES[CaseAction.BeginFollowUp],
  },
  {
    // risk_resolved and other only from follow-up; turned_18 and moved_away from any active state (the service checks).
    action: CaseAction.RequestClosure,
    label: '申请结案 request closure',
    from: ACTIVE,
    to: Closed,
    roles: [DIRECTOR, SUPERVISOR],
    requires: TRANSITION_REQUIRES[CaseAction.RequestClosure],
    approval: 'by_risk_level',
  },
  {
    action: CaseAction.CloseUnsubstantiated,
    label: '不实结案 close as unsubstantiated',
    from: [Assessing],
    to: Closed,
    roles: [SUPERVISOR],
    requires: TRANSITION_REQUIRES[CaseAction.CloseUnsubstantiated],
  },
  { action: CaseAction.Reopen, label: '重新开启 reopen', from: [Closed], to: Assessing, roles: [DISTRICT], requires: TRANSITION_REQUIRES[CaseAction.Reopen] },
  { action: CaseAction.Transfer, label: '转移辖区 transfer', from: ACTIVE, to: null, roles: [DISTRICT], requires: TRANSITION_REQUIRES[CaseAction.Transfer] },
  {
    action: CaseAction.Merge,
    label: '合并重复个案 merge',
    from: [Draft, ...ACTIVE],
    to: Closed,
    roles: [SUPERVISOR, DISTRICT],
    requires: TRANSITION_REQUIRES[CaseAction.Merge],
  },
  {
    action: CaseAction.Escalate,
    label: '上报升级 escalate',
    from: ACTIVE,
    to: null,
    roles: [DIRECTOR, SUPERVISOR],
    requires: TRANSITION_REQUIRES[CaseAction.Escalate],
  },

  {
    action: CaseAction.RecordAssessment,
    label: '核实评估 record assessment (reassessment while intervening or in follow-up)',
    from: WORKING,
    to: null,
    roles: [SUPERVISOR],
    requires: ['safety', 'guardianship', 'wellbeing', 'riskLevel', 'summary'],
  },
  {
    action: CaseAction.AddMeasure,
    label: '添加处置措施 add measure',
    from: [Assessing, Intervening],
    to: null,
    roles: [SUPERVISOR],
    requires: ['type', 'dueAt'],
  },
  {
    action: CaseAction.UpdateMeasure,
    label: '完成/取消措施 complete or cancel measure',
    from: [Assessing, Intervening],
    to: null,
    roles: [DIRECTOR, SUPERVISOR],
    requires: ['status', 'outcome'],
  },
  {
    action: CaseAction.AddVisit,
    label: '记录走访 record visit',
    from: WORKING,
    to: null,
    roles: [DIRECTOR, SUPERVISOR],
    requires: ['visitedAt', 'riskLevel', 'outcome'],
  },
  {
    action: CaseAction.AddNote,
    label: '添加备注 add note',
    from: [...OPEN_STATUSES, Closed],
    to: null,
    roles: [DIRECTOR, SUPERVISOR, DISTRICT],
    requires: ['text'],
  },
  {
    action: CaseAction.AddReport,
    label: '补充报告 add report',
    from: [Draft, ...ACTIVE],
    to: null,
    roles: [DIRECTOR, SUPERVISOR, DISTRICT, HOTLINE],
    requires: ['reporterType', 'discoveredAt', 'narrative'],
  },
  {
    action: CaseAction.RecordPolice,
    label: '报警/公安反馈 police report or feedback',
    from: [Draft, ...ACTIVE],
    to: null,
    roles: [DIRECTOR, SUPERVISOR, DISTRICT, HOTLINE],
    requires: [],
  },
  {
    action: CaseAction.RecordOutcomeFeedback,
    label: '反馈报告单位 tell the reporting unit the outcome',
    from: WORKING,
    to: null,
    roles: [DIRECTOR, SUPERVISOR, DISTRICT],
    requires: ['channel', 'at', 'summary'],
  },
  {
    // 监护人与家庭成员 (domain.md §13): from the draft on (the filer knows the family first), while the case is open.
    action: CaseAction.AddGuardian,
    label: '添加监护人/家庭成员 add guardian or household member',
    from: [Draft, ...ACTIVE],
    to: null,
    roles: [DIRECTOR, SUPERVISOR, DISTRICT, HOTLINE],
    requires: ['name', 'relation', 'livesWithChild', 'suspectedPerpetrator'],
  },
  {
    action: CaseAction.UpdateGuardian,
    label: '修改监护人/家庭成员 update guardian or household member',
    from: [Draft, ...ACTIVE],
    to: null,
    roles: [DIRECTOR, SUPERVISOR, DISTRICT, HOTLINE],
    requires: [],
  },
  {
    // 协同办理 (domain.md §11): a measure or a need referred to another agency, answered by its liaison.
    action: CaseAction.Refer,
    label: '转介协同单位 refer to an agency',
    from: WORKING,
    to: null,
    roles: [SUPERVISOR, DISTRICT],
    requires: ['agencyId', 'service', 'note'],
  },
  {
    action: CaseAction.RevokeReferral,
    label: '撤回转介 revoke a referral',
    from: WORKING,
    to: null,
    roles: [SUPERVISOR, DISTRICT],
    requires: ['reason'],
  },
  {
    action: CaseAction.DecideApproval,
    label: '审批 decide approval',
    from: ACTIVE,
    to: null,
    roles: [SUPERVISOR, DISTRICT],
    requires: ['decision'],
  },
];

const byAction = new Map(WORKFLOW.map((r) => [r.action, r]));

export function ruleOf(action: CaseAction): WorkflowRule {
  const rule = byAction.get(action);
  if (!rule) throw new Error(`no workflow rule for ${action}`);
  return rule;
}

export type Verdict = 'allowed' | 'role_forbidden' | 'invalid_state';

/**
 * May this role take this action on a case in this state? The role is checked
 * first: a role that may never do it gets 403, a wrong state 409.
 */
export function judge(status: CaseStatus, action: CaseAction, role: Role): Verdict {
  const rule = ruleOf(action);
  if (!rule.roles.includes(role)) return 'role_forbidden';
  if (!rule.from.includes(status)) return 'invalid_state';
  return 'allowed';
}

/** Every action the table allows this role in this state (before case-specific checks). */
export function actionsFor(status: CaseStatus, role: Role): CaseAction[] {
  return WORKFLOW.filter((r) => r.roles.includes(role) && r.from.includes(status)).map((r) => r.action);
}

/** The workflow as a Mermaid state diagram (README). */
export function toMermaid(): string {
  const lines = ['stateDiagram-v2', '    [*] --> draft', '    [*] --> submitted'];
  const roleShort: Record<string, string> = {
    community_director: 'director',
    street_supervisor: 'supervisor',
    district_staff: 'district',
    hotline_intake: 'hotline',
    admin: 'admin',
  };
  for (const rule of WORKFLOW) {
    if (rule.to === null) continue;
    for (const from of rule.from) {
      const who = rule.roles.map((r) => roleShort[r]).join('/');
      const approval =
        rule.approval === 'high_risk_by_district'
          ? ', R1/R2 approved by district'
          : rule.approval === 'by_risk_level'
            ? ', approved: district if ever R1/R2, else supervisor'
            : '';
      // risk_resolved and other close from follow-up; turned_18 and moved_away from any active state.
      const reasons =
        rule.action === CaseAction.RequestClosure
          ? from === FollowUp
            ? ' any reason'
            : ' turned_18 or moved_away'
          : rule.action === CaseAction.CloseUnsubstantiated
            ? ' after a visit'
            : '';
      lines.push(`    ${from} --> ${rule.to}: ${rule.action}${reasons} (${who}${approval})`);
    }
  }
  lines.push('    closed --> [*]');
  return lines.join('\n');
}
