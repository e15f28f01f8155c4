import { Role } from '@shouhu/access';
import { ApprovalKind, Case, CaseStatus, LifecycleChange, MeasureType, RecordFacts, RiskLevel } from '@shouhu/cases';
import { KINDS_BY_STATUS, nextLevel, policeAlertDue, stepsMet, stepsStarted } from './deadline-rules';
import { DEADLINE_KINDS, DeadlineKind } from './policy';

/**
 * Which deadlines each change of a case starts and completes (domain.md §6), on
 * plain case objects: no database, no clock (`now` is passed in).
 */
const NOW = new Date('2026-03-02T08:00:00.000Z');
const REPORTED = new Date('2026-03-02T07:30:00.000Z');
const ASSIGNEE = '00000000-0000-4000-8000-0000000000a1';

function aCase(overrides: Partial<Case> = {}): Case {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    caseNo: 'BA-2026-000001',
    status: CaseStatus.Submitted,
    riskLevel: RiskLevel.R3,
    categories: ['N02'],
    mandatoryItems: [],
    childId: '00000000-0000-4000-8000-0000000000c1',
    communityId: '00000000-0000-4000-8000-0000000000e3',
    streetId: '00000000-0000-4000-8000-0000000000e2',
    districtId: '00000000-0000-4000-8000-0000000000e1',
    assigneeId: null,
    createdById: '00000000-0000-4000-8000-0000000000d1',
    reportedAt: REPORTED,
    acceptedAt: null,
    assessedAt: null,
    interventionStartedAt: null,
    followUpStartedAt: null,
    closedAt: null,
    closureKind: null,
    closureReason: null,
    closureNote: null,
    mergedIntoId: null,
    relatedCaseIds: [],
    flags: [],
    escalationLevel: 0,
    policeReportedAt: null,
    policeReceiptNo: null,
    policeNotReportedReason: null,
    policeFeedbackAt: null,
    policeFeedback: null,
    nextDueAt: new Date('9999-12-31T00:00:00Z'),
    nextDueKind: null,
    lastEventSeq: 1,
    version: 1,
    ...overrides,
  } as Case;
}

const status = (from: CaseStatus, to: CaseStatus): LifecycleChange => ({ kind: 'status', from, to });
const kinds = (list: { kind: DeadlineKind }[]) => list.map((s) => s.kind).sort();

describe('KINDS_BY_STATUS', () => {
  it('names a list for every state, of known kinds only', () => {
    expect(Object.keys(KINDS_BY_STATUS).sort()).toEqual(Object.values(CaseStatus).sort());
    for (const list of Object.values(KINDS_BY_STATUS)) for (const k of list) expect(DEADLINE_KINDS).toContain(k);
  });

  it('keeps the steps each state still waits for', () => {
    expect(KINDS_BY_STATUS[CaseStatus.Draft]).toEqual([]);
    expect(KINDS_BY_STATUS[CaseStatus.Closed]).toEqual([]);
    expect(KINDS_BY_STATUS[CaseStatus.Submitted]).toEqual(
      expect.arrayContaining([DeadlineKind.AcceptReport, DeadlineKind.PoliceReport, DeadlineKind.PoliceFeedback]),
    );
    expect(KINDS_BY_STATUS[CaseStatus.Returned]).not.toContain(DeadlineKind.AcceptReport);
    expect(KINDS_BY_STATUS[CaseStatus.Assessing]).toEqual(
      expect.arrayContaining([DeadlineKind.Assessment, DeadlineKind.StartPlan, DeadlineKind.Decision, DeadlineKind.Measure]),
    );
    expect(KINDS_BY_STATUS[CaseStatus.Assessing]).not.toContain(DeadlineKind.AcceptReport);
    expect(KINDS_BY_STATUS[CaseStatus.Intervening]).toEqual(expect.arrayContaining([DeadlineKind.Measure, DeadlineKind.Visit, DeadlineKind.OutcomeFeedback]));
    expect(KINDS_BY_STATUS[CaseStatus.Assessing]).toEqual(expect.arrayContaining([DeadlineKind.Visit, DeadlineKind.ProtectionOrder]));
    expect(KINDS_BY_STATUS[CaseStatus.Intervening]).not.toContain(DeadlineKind.Assessment);
    expect(KINDS_BY_STATUS[CaseStatus.FollowUp]).toEqual(expect.arrayContaining([DeadlineKind.Visit, DeadlineKind.Decision]));
    expect(KINDS_BY_STATUS[CaseStatus.FollowUp]).not.toContain(DeadlineKind.Measure);
    // The police track runs beside every open state after submission.
    for (const s of [CaseStatus.Submitted, CaseStatus.Returned, CaseStatus.Assessing, CaseStatus.Intervening, CaseStatus.FollowUp]) {
      expect(KINDS_BY_STATUS[s]).toEqual(expect.arrayContaining([DeadlineKind.PoliceReport, DeadlineKind.PoliceFeedback]));
    }
  });
});

describe('nextLevel', () => {
  it('goes one level up: director → street supervisor → district (and the district stays the district)', () => {
    expect(nextLevel(Role.CommunityDirector)).toBe(Role.StreetSupervisor);
    expect(nextLevel(Role.StreetSupervisor)).toBe(Role.DistrictStaff);
    expect(nextLevel(Role.DistrictStaff)).toBe(Role.DistrictStaff);
    expect(nextLevel(Role.Admin)).toBe(Role.DistrictStaff);
  });
});

describe('policeAlertDue', () => {
  it('is due for every violence category or mandatory item, at every risk level, until police are told', () => {
    expect(policeAlertDue(aCase({ categories: ['V01'], riskLevel: RiskLevel.R1 }))).toBe(true);
    expect(policeAlertDue(aCase({ categories: ['V02'], riskLevel: RiskLevel.R2 }))).toBe(true);
    expect(policeAlertDue(aCase({ categories: ['V02'], riskLevel: RiskLevel.R3 }))).toBe(true);
    expect(policeAlertDue(aCase({ categories: ['V08'], riskLevel: RiskLevel.R4 }))).toBe(true);
    expect(policeAlertDue(aCase({ categories: ['D05'], mandatoryItems: [6], riskLevel: RiskLevel.R4 }))).toBe(true);
    // A reason for not telling the police does not stop the alert.
    expect(policeAlertDue(aCase({ categories: ['V01'], riskLevel: RiskLevel.R1, policeNotReportedReason: '家属拒绝' }))).toBe(true);
  });

  it('is not due once police were told, or for neglect and difficulty without a mandatory item', () => {
    expect(policeAlertDue(aCase({ categories: ['V01'], riskLevel: RiskLevel.R3, policeReportedAt: REPORTED }))).toBe(false);
    expect(policeAlertDue(aCase({ categories: ['N02', 'D05'], riskLevel: RiskLevel.R1 }))).toBe(false);
    expect(policeAlertDue(aCase({ categories: ['N04'], riskLevel: RiskLevel.R4 }))).toBe(false);
  });
});

describe('stepsStarted and stepsMet for the main changes', () => {
  it('submit → accept_report, owed by the street supervisor, from now', () => {
    const c = aCase();
    const started = stepsStarted({ kind: 'submitted' }, c, NOW);
    expect(started).toEqual([{ kind: DeadlineKind.AcceptReport, refKey: '', from: NOW, responsibleRole: Role.StreetSupervisor, responsibleUserId: null }]);
    expect(stepsMet({ kind: 'submitted' }, c)).toEqual([]);
    // Resubmitting a returned case starts it again.
    expect(kinds(stepsStarted(status(CaseStatus.Returned, CaseStatus.Submitted), c, NOW))).toEqual([DeadlineKind.AcceptReport]);
    expect(kinds(stepsStarted(status(CaseStatus.Draft, CaseStatus.Submitted), c, NOW))).toEqual([DeadlineKind.AcceptReport]);
  });

  it('accept → accept_report met, assessment started for the assignee', () => {
    const c = aCase({ status: CaseStatus.Assessing, assigneeId: ASSIGNEE });
    const change = status(CaseStatus.Submitted, CaseStatus.Assessing);
    expect(stepsMet(change, c)).toEqual([{ kind: DeadlineKind.AcceptReport }]);
    expect(stepsStarted(change, c, NOW)).toEqual([
      { kind: DeadlineKind.Assessment, refKey: '', from: NOW, responsibleRole: Role.StreetSupervisor, responsibleUserId: ASSIGNEE },
    ]);
  });

  it('return → accept_report met too (accepted or returned); the community owes the resubmission', () => {
    const c = aCase({ status: CaseStatus.Returned });
    const change = status(CaseStatus.Submitted, CaseStatus.Returned);
    expect(kinds(stepsMet(change, c))).toEqual([DeadlineKind.AcceptReport]);
    expect(stepsStarted(change, c, NOW)).toEqual([
      { kind: DeadlineKind.Resubmit, refKey: '', from: NOW, responsibleRole: Role.CommunityDirector, responsibleUserId: null },
    ]);
    // Resubmitting meets it.
    const resubmitted = aCase({ status: CaseStatus.Submitted });
    expect(kinds(stepsMet(status(CaseStatus.Returned, CaseStatus.Submitted), resubmitted))).toEqual([DeadlineKind.Resubmit]);
  });

  it('assessment recorded → assessment met, start_plan started', () => {
    const c = aCase({ status: CaseStatus.Assessing, assigneeId: ASSIGNEE });
    const change: LifecycleChange = { kind: 'assessment_recorded' };
    expect(stepsMet(change, c)).toEqual([{ kind: DeadlineKind.Assessment }]);
    expect(stepsStarted(change, c, NOW)).toEqual([
      { kind: DeadlineKind.StartPlan, refKey: '', from: NOW, responsibleRole: Role.StreetSupervisor, responsibleUserId: ASSIGNEE },
    ]);
  });

  it('approval requested for an R1/R2 plan → start_plan met, a decision owed by the district', () => {
    const c = aCase({ status: CaseStatus.Assessing, riskLevel: RiskLevel.R2, assigneeId: ASSIGNEE });
    const change: LifecycleChange = { kind: 'approval_requested', approvalKind: ApprovalKind.StartIntervention };
    expect(kinds(stepsMet(change, c))).toEqual([DeadlineKind.StartPlan]);
    expect(stepsStarted(change, c, NOW)).toEqual([
      { kind: DeadlineKind.Decision, refKey: ApprovalKind.StartIntervention, from: NOW, responsibleRole: Role.DistrictStaff, responsibleUserId: null },
    ]);
  });

  it('closure requested → a decision owed by the supervisor (R3/R4) or the district (R1/R2)', () => {
    const change: LifecycleChange = { kind: 'approval_requested', approvalKind: ApprovalKind.Closure };
    const low = stepsStarted(change, aCase({ status: CaseStatus.FollowUp, riskLevel: RiskLevel.R4 }), NOW);
    expect(low).toEqual([expect.objectContaining({ kind: DeadlineKind.Decision, refKey: ApprovalKind.Closure, responsibleRole: Role.StreetSupervisor })]);
    const high = stepsStarted(change, aCase({ status: CaseStatus.FollowUp, riskLevel: RiskLevel.R1 }), NOW);
    expect(high).toEqual([expect.objectContaining({ kind: DeadlineKind.Decision, refKey: ApprovalKind.Closure, responsibleRole: Role.DistrictStaff })]);
    expect(stepsMet(change, aCase({ status: CaseStatus.FollowUp }))).toEqual([]);
  });

  it('approval decided → decision met; a rejected plan has to be started again', () => {
    const c = aCase({ status: CaseStatus.Assessing, assigneeId: ASSIGNEE });
    const change: LifecycleChange = { kind: 'approval_decided', approvalKind: ApprovalKind.StartIntervention };
    expect(kinds(stepsMet(change, c))).toEqual([DeadlineKind.Decision]);
    expect(kinds(stepsStarted(change, c, NOW))).toEqual([DeadlineKind.StartPlan]);
    // Approved: the case moved to intervening, start_plan and decision are met by the move.
    expect(kinds(stepsMet(status(CaseStatus.Assessing, CaseStatus.Intervening), aCase({ status: CaseStatus.Intervening })))).toEqual([
      DeadlineKind.Decision,
      DeadlineKind.StartPlan,
    ]);
  });

  it('measure added → a measure deadline with its own due time, its own ref and its owner', () => {
    const c = aCase({ status: CaseStatus.Assessing, assigneeId: ASSIGNEE });
    const dueAt = new Date('2026-03-09T08:00:00.000Z');
    const owner = '00000000-0000-4000-8000-0000000000b7';
    const started = stepsStarted(
      { kind: 'measure_added', measureId: 'm-1', measureType: MeasureType.Counseling, urgent: false, dueAt, ownerId: owner, ownerRole: Role.CommunityDirector },
      c,
      NOW,
    );
    expect(started).toEqual([
      { kind: DeadlineKind.Measure, refKey: 'm-1', from: NOW, dueAt, responsibleRole: Role.CommunityDirector, responsibleUserId: owner },
    ]);
    // Without an owner: the assignee, as the street supervisor.
    const unowned = stepsStarted(
      { kind: 'measure_added', measureId: 'm-2', measureType: MeasureType.Medical, urgent: false, dueAt, ownerId: null, ownerRole: null },
      c,
      NOW,
    );
    expect(unowned).toEqual([
      expect.objectContaining({ kind: DeadlineKind.Measure, refKey: 'm-2', dueAt, responsibleRole: Role.StreetSupervisor, responsibleUserId: ASSIGNEE }),
    ]);
  });

  it('measure closed → only that measure met when done; nothing met when cancelled', () => {
    const c = aCase({ status: CaseStatus.Intervening });
    expect(stepsMet({ kind: 'measure_closed', measureId: 'm-1', measureType: MeasureType.Medical, done: true }, c)).toEqual([
      { kind: DeadlineKind.Measure, refKey: 'm-1' },
    ]);
    expect(stepsMet({ kind: 'measure_closed', measureId: 'm-1', measureType: MeasureType.Medical, done: false }, c)).toEqual([]);
  });

  it('a protection order → its decision deadline (urgent or standard) beside the measure’s own; met when it is done', () => {
    const c = aCase({ status: CaseStatus.Intervening, assigneeId: ASSIGNEE });
    const dueAt = new Date('2026-03-09T08:00:00.000Z');
    const change: LifecycleChange = {
      kind: 'measure_added',
      measureId: 'po-1',
      measureType: MeasureType.ProtectionOrder,
      urgent: true,
      dueAt,
      ownerId: null,
      ownerRole: null,
    };
    expect(stepsStarted(change, c, NOW)).toEqual(
      expect.arrayContaining([
        { kind: DeadlineKind.ProtectionOrder, refKey: 'po-1', from: NOW, urgent: true, responsibleRole: Role.StreetSupervisor, responsibleUserId: ASSIGNEE },
      ]),
    );
    expect(stepsMet({ kind: 'measure_closed', measureId: 'po-1', measureType: MeasureType.ProtectionOrder, done: true }, c)).toEqual([
      { kind: DeadlineKind.Measure, refKey: 'po-1' },
      { kind: DeadlineKind.ProtectionOrder, refKey: 'po-1' },
    ]);
  });

  it('a district-decided measure → a decision of its own, keyed by the measure, owed by the district', () => {
    const c = aCase({ status: CaseStatus.Intervening, riskLevel: RiskLevel.R4 });
    const requested: LifecycleChange = { kind: 'approval_requested', approvalKind: ApprovalKind.Measure, refKey: 'measure:m-9' };
    expect(stepsStarted(requested, c, NOW)).toEqual([
      { kind: DeadlineKind.Decision, refKey: 'measure:m-9', from: NOW, responsibleRole: Role.DistrictStaff, responsibleUserId: null },
    ]);
    expect(stepsMet({ kind: 'approval_decided', approvalKind: ApprovalKind.Measure, refKey: 'measure:m-9' }, c)).toEqual([
      { kind: DeadlineKind.Decision, refKey: 'measure:m-9' },
    ]);
  });

  it('the plan starts → the outcome is owed to a named mandatory reporter within the policy window; feedback meets it', () => {
    const c = aCase({ status: CaseStatus.Intervening, assigneeId: ASSIGNEE });
    const facts = (owed: boolean, given: boolean): RecordFacts => ({
      warningLetterAt: null,
      visitsSinceWarning: 0,
      lastVisitAt: null,
      outcomeFeedbackOwed: owed,
      outcomeFeedbackGiven: given,
    });
    const started = status(CaseStatus.Assessing, CaseStatus.Intervening);
    expect(stepsStarted(started, c, NOW, facts(true, false))).toContainEqual({
      kind: DeadlineKind.OutcomeFeedback,
      refKey: '',
      from: NOW,
      responsibleRole: Role.StreetSupervisor,
      responsibleUserId: ASSIGNEE,
    });
    expect(kinds(stepsStarted(started, c, NOW, facts(false, false)))).not.toContain(DeadlineKind.OutcomeFeedback);
    expect(kinds(stepsStarted(started, c, NOW, facts(true, true)))).not.toContain(DeadlineKind.OutcomeFeedback);
    expect(stepsMet({ kind: 'outcome_feedback' }, c)).toEqual([{ kind: DeadlineKind.OutcomeFeedback }]);
  });

  it('V* at R1 without police → police_report owed by the community, from the report time', () => {
    const c = aCase({ categories: ['V01'], riskLevel: RiskLevel.R1, policeNotReportedReason: '监护人阻拦' });
    const started = stepsStarted({ kind: 'submitted' }, c, NOW);
    expect(kinds(started)).toEqual([DeadlineKind.AcceptReport, DeadlineKind.PoliceReport]);
    expect(started.find((s) => s.kind === DeadlineKind.PoliceReport)).toEqual({
      kind: DeadlineKind.PoliceReport,
      refKey: '',
      from: REPORTED,
      responsibleRole: Role.CommunityDirector,
      responsibleUserId: null,
    });
    // Still wanted on later changes while police are not told (the service keeps one open deadline per step).
    expect(kinds(stepsStarted(status(CaseStatus.Submitted, CaseStatus.Assessing), { ...c, status: CaseStatus.Assessing }, NOW))).toContain(
      DeadlineKind.PoliceReport,
    );
    // Not for a draft, nor for a closed case.
    expect(stepsStarted({ kind: 'report_added' }, { ...c, status: CaseStatus.Draft }, NOW)).toEqual([]);
    expect(stepsStarted({ kind: 'report_added' }, { ...c, status: CaseStatus.Closed }, NOW)).toEqual([]);
  });

  it('police told → police_report met, police_feedback started from the time police were told', () => {
    const toldAt = new Date('2026-03-02T07:45:00.000Z');
    const c = aCase({ categories: ['V01'], riskLevel: RiskLevel.R1, status: CaseStatus.Assessing, policeReportedAt: toldAt });
    const change: LifecycleChange = { kind: 'police' };
    expect(kinds(stepsMet(change, c))).toEqual([DeadlineKind.PoliceReport]);
    expect(stepsStarted(change, c, NOW)).toEqual([
      { kind: DeadlineKind.PoliceFeedback, refKey: '', from: toldAt, responsibleRole: Role.CommunityDirector, responsibleUserId: null },
    ]);
  });

  it('police feedback recorded → police_feedback met, nothing more wanted from the police track', () => {
    const c = aCase({ categories: ['V01'], riskLevel: RiskLevel.R1, status: CaseStatus.Assessing, policeReportedAt: REPORTED, policeFeedbackAt: NOW });
    expect(kinds(stepsMet({ kind: 'police' }, c))).toEqual([DeadlineKind.PoliceFeedback, DeadlineKind.PoliceReport]);
    expect(stepsStarted({ kind: 'police' }, c, NOW)).toEqual([]);
  });

  it('a visit meets the visit deadline in every working state', () => {
    for (const s of [CaseStatus.Assessing, CaseStatus.Intervening, CaseStatus.FollowUp]) {
      expect(stepsMet({ kind: 'visit_recorded', visitedAt: NOW }, aCase({ status: s }))).toEqual([{ kind: DeadlineKind.Visit }]);
    }
  });

  it('closing meets a pending closure decision', () => {
    expect(stepsMet(status(CaseStatus.FollowUp, CaseStatus.Closed), aCase({ status: CaseStatus.Closed }))).toEqual([
      { kind: DeadlineKind.Decision, refKey: ApprovalKind.Closure },
    ]);
  });
});
