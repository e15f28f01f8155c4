/**
 * The case lifecycle of domain.md §5 through the real API, with a real token of
 * each role: every step's status, version, allowedActions and timeline.
 */
import { GENESIS_HASH, eventHash } from '@shouhu/timeline';
import {
  assessmentBody,
  caseBody,
  CaseClient,
  closureBody,
  DAY,
  DemoIds,
  expectError,
  expectStatus,
  isoAgo,
  isoIn,
  r1Violence,
  useCaseBed,
} from '../helpers/cases';

const sorted = (xs: string[]) => [...xs].sort();

describe('case lifecycle (e2e)', () => {
  const bed = useCaseBed();
  let cc: CaseClient;
  let ids: DemoIds;
  let xa1: string;
  let dirId: string;
  let supId: string;

  beforeAll(async () => {
    ({ cc, ids, xa1, supId } = bed);
    dirId = await cc.userId('dir-xa-01');
  });

  /** Checks the timeline: these event types in this order, hash-chained, verified, and /verify agrees. */
  async function expectTimeline(as: string, caseId: string, types: string[]) {
    const t = await cc.timeline(as, caseId);
    expect(t.events.map((e) => e.type)).toEqual(types);
    expect(t.verified).toBe(true);
    let prev = GENESIS_HASH;
    t.events.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      expect(e.prevHash).toBe(prev);
      // Recomputed here from what the API shows: the chain covers every shown field.
      expect(
        eventHash({
          caseId,
          seq: e.seq,
          type: e.type,
          at: e.at,
          actor: e.actor,
          fromStatus: e.fromStatus,
          toStatus: e.toStatus,
          data: e.data,
          prevHash: e.prevHash,
        }),
      ).toBe(e.hash);
      prev = e.hash;
    });
    const v = await cc.get(as, `/api/cases/${caseId}/timeline/verify`);
    expectStatus(v, 200);
    expect(v.body).toEqual({ valid: true, events: types.length });
    return t.events;
  }

  it('walks an R1 case from report to closure, with district approval of the plan and of the closure', async () => {
    // 1. The director files: V01, mandatory item 4, police told.
    const policeAt = isoAgo(3600_000);
    let c = await cc.file('dir-xa-01', xa1, r1Violence({ police: { reportedAt: policeAt, receiptNo: 'JJ-2026-001' } }));
    expect(c).toMatchObject({
      status: 'submitted',
      version: 1,
      riskLevel: 'R1',
      categories: ['V01'],
      mandatoryItems: [4],
      communityId: xa1,
      streetId: ids.street('xa'),
      districtId: ids.districtId,
      assigneeId: null,
      linkedToExisting: false,
      reopened: false,
    });
    expect(c.caseNo).toMatch(/^BA-\d{4}-\d{6}$/);
    expect(c.police.reportedAt).toBe(new Date(policeAt).toISOString());
    expect(c.police.receiptNo).toBe('JJ-2026-001');
    expect(c.reports).toHaveLength(1);
    // request_closure: turned_18 and moved_away may be asked from any active state.
    expect(sorted(c.allowedActions)).toEqual(sorted(['escalate', 'add_note', 'add_report', 'record_police', 'add_guardian', 'request_closure']));
    expect(c.nextDeadline).toMatchObject({ kind: 'accept_report', overdue: false });

    const asDistrict = await cc.detail('district1', c.id);
    expect(sorted(asDistrict.allowedActions)).toEqual(sorted(['transfer', 'merge', 'add_note', 'add_report', 'record_police', 'add_guardian']));
    let s = await cc.detail('sup-xa', c.id);
    expect(sorted(s.allowedActions)).toEqual(
      sorted(['return', 'accept', 'merge', 'escalate', 'add_note', 'add_report', 'record_police', 'add_guardian', 'request_closure']),
    );

    // 2. The supervisor accepts at R1 and takes it.
    c = await cc.act('sup-xa', s, 'accept', { riskLevel: 'R1', assigneeId: supId });
    expect(c).toMatchObject({ status: 'assessing', version: 2, riskLevel: 'R1', assigneeId: supId });
    expect(c.acceptedAt).not.toBeNull();
    expect(sorted(c.allowedActions)).toEqual(
      // close_unsubstantiated only once a visit is on record (the evidence it needs); revoke_referral only with a referral open.
      sorted([
        'merge',
        'refer',
        'escalate',
        'record_assessment',
        'add_measure',
        'add_visit',
        'add_note',
        'add_report',
        'record_police',
        'record_outcome_feedback',
        'add_guardian',
        'request_closure',
      ]),
    );
    expect(c.deadlines.find((d: { kind: string }) => d.kind === 'accept_report')).toMatchObject({ status: 'met' });
    expect(c.nextDeadline).toMatchObject({ kind: 'assessment' });

    // 3. Assessment, then the plan: one measure owned by the director, one by the supervisor.
    c = await cc.assess('sup-xa', c.id, 'R1');
    expect(c).toMatchObject({ status: 'assessing', version: 3, riskLevel: 'R1' });
    expect(c.assessment).toMatchObject({ ...assessmentBody('R1'), assessedById: supId });
    expect(c.allowedActions).not.toContain('start_intervention');
    c = await cc.addMeasure('sup-xa', c.id, { type: 'warning_letter', ownerId: dirId, agency: '新安派出所', dueAt: isoIn(5 * DAY) });
    c = await cc.addMeasure('sup-xa', c.id, { type: 'counseling', dueAt: isoIn(10 * DAY) });
    expect(c.version).toBe(3);
    expect(c.measures.map((m: { type: string; status: string; ownerId: string | null }) => [m.type, m.status, m.ownerId])).toEqual([
      ['warning_letter', 'planned', dirId],
      ['counseling', 'planned', null],
    ]);
    const [ownMeasure, otherMeasure] = c.measures as { id: string }[];
    expect(c.allowedActions).toEqual(expect.arrayContaining(['start_intervention', 'update_measure']));

    // 4. start_intervention at R1 only asks the district.
    c = await cc.act('sup-xa', c, 'start_intervention');
    expect(c).toMatchObject({ status: 'assessing', version: 4 });
    expect(c.pendingApproval).toMatchObject({ kind: 'start_intervention', status: 'pending', decidedByRole: 'district_staff', requestedById: supId });
    expect(c.allowedActions).not.toContain('start_intervention');
    expect(c.allowedActions).not.toContain('decide_approval');
    const planApproval = c.pendingApproval.id as string;

    const pending = await cc.get('district1', '/api/approvals?status=pending');
    expectStatus(pending, 200);
    expect(pending.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: planApproval, caseId: c.id, caseNo: c.caseNo, riskLevel: 'R1', kind: 'start_intervention' })]),
    );
    expect((await cc.detail('district1', c.id)).allowedActions).toContain('decide_approval');

    expectError(await cc.post('sup-xa', `/api/approvals/${planApproval}/decision`, { decision: 'approve', reason: '同意' }), 403, 'FORBIDDEN');
    expectError(await cc.post('dir-xa-01', `/api/approvals/${planApproval}/decision`, { decision: 'approve', reason: '同意' }), 403, 'FORBIDDEN');
    expect((await cc.detail('sup-xa', c.id)).version).toBe(4);

    const approved = await cc.post('district1', `/api/approvals/${planApproval}/decision`, { decision: 'approve', reason: '同意处置方案' });
    expectStatus(approved, 200);
    c = approved.body;
    expect(c).toMatchObject({ status: 'intervening', version: 5, pendingApproval: null });
    expect(c.interventionStartedAt).not.toBeNull();
    expect(c.approvals[0]).toMatchObject({ id: planApproval, status: 'approved', decisionReason: '同意处置方案' });

    // 5. The director completes the measure they own (and no other); the supervisor the other.
    const dirView = await cc.detail('dir-xa-01', c.id);
    expect(sorted(dirView.allowedActions)).toEqual(
      sorted([
        'escalate',
        'update_measure',
        'add_visit',
        'add_note',
        'add_report',
        'record_police',
        'record_outcome_feedback',
        'add_guardian',
        'request_closure',
      ]),
    );
    expectError(await cc.patch('dir-xa-01', `/api/cases/${c.id}/measures/${otherMeasure.id}`, { status: 'done', outcome: '完成' }), 403, 'FORBIDDEN');
    c = await cc.closeMeasure('dir-xa-01', c.id, ownMeasure.id);
    expect(c.measures[0]).toMatchObject({ id: ownMeasure.id, status: 'done', outcome: '已完成。' });
    expect(c.measures[0].completedAt).not.toBeNull();
    expect(c.allowedActions).not.toContain('update_measure');
    s = await cc.detail('sup-xa', c.id);
    expect(s.allowedActions).not.toContain('begin_follow_up');
    c = await cc.closeMeasure('sup-xa', c.id, otherMeasure.id);
    expect(c).toMatchObject({ status: 'intervening', version: 5 });
    expect(c.allowedActions).toContain('begin_follow_up');

    // 6. Follow-up with visits of both.
    c = await cc.act('sup-xa', c, 'begin_follow_up');
    expect(c).toMatchObject({ status: 'follow_up', version: 6 });
    expect(c.followUpStartedAt).not.toBeNull();
    expect(c.deadlines.some((d: { kind: string; status: string }) => d.kind === 'visit' && d.status === 'pending')).toBe(true);
    c = await cc.visit('dir-xa-01', c.id, 'R4', isoAgo(120_000));
    c = await cc.visit('sup-xa', c.id, 'R4', isoAgo(60_000));
    expect(c.visits.map((v: { visitorId: string; riskLevel: string }) => [v.visitorId, v.riskLevel])).toEqual([
      [dirId, 'R4'],
      [supId, 'R4'],
    ]);
    // The first R4 visit brought the current risk down (a new version); the second saw the same.
    expect(c).toMatchObject({ riskLevel: 'R4', version: 7 });

    // 7. What closure needs beyond the visits: police feedback, the outcome told to the school.
    const unmet = (x: { closureConditions: { code: string; met: boolean }[] }) => x.closureConditions.filter((k) => !k.met).map((k) => k.code);
    expect(unmet(c as never)).toEqual(['police_feedback_recorded', 'reporter_told_outcome']);
    const told = await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, { feedbackAt: isoAgo(30_000), feedback: '公安已立案。' });
    expectStatus(told, 200);
    c = await cc.outcomeFeedback('dir-xa-01', c.id);
    expect(c).toMatchObject({ version: 9 });
    expect(unmet(c as never)).toEqual([]);

    // 8. The director asks to close; a case that was R1 closes only with the district's approval.
    const dirFollow = await cc.detail('dir-xa-01', c.id);
    expect(dirFollow.allowedActions).toContain('request_closure');
    c = await cc.act('dir-xa-01', dirFollow, 'request_closure', { ...closureBody, reason: '风险已消除' });
    expect(c).toMatchObject({ status: 'follow_up', version: 10 });
    expect(c.pendingApproval).toMatchObject({
      kind: 'closure',
      decidedByRole: 'district_staff',
      requestedById: dirId,
      payload: { closureReason: 'risk_resolved' },
    });
    expect(c.allowedActions).not.toContain('request_closure');
    const closeApproval = c.pendingApproval.id as string;
    expect((await cc.detail('sup-xa', c.id)).allowedActions).not.toContain('decide_approval');
    expectError(await cc.post('sup-xa', `/api/approvals/${closeApproval}/decision`, { decision: 'approve' }), 403, 'FORBIDDEN');

    const closed = await cc.post('district2', `/api/approvals/${closeApproval}/decision`, { decision: 'approve', reason: '同意结案' });
    expectStatus(closed, 200);
    c = closed.body;
    expect(c).toMatchObject({ status: 'closed', version: 11, pendingApproval: null });
    expect(c.closure).toMatchObject({ kind: 'resolved', mergedIntoId: null });
    expect(c.closure.reason).toContain('risk_resolved');
    expect(c.closure.closedAt).not.toBeNull();
    expect(sorted(c.allowedActions)).toEqual(sorted(['reopen', 'add_note']));
    expect((await cc.detail('dir-xa-01', c.id)).allowedActions).toEqual(['add_note']);
    expect((await cc.detail('sup-xa', c.id)).allowedActions).toEqual(['add_note']);
    // Closing cancelled or met every deadline.
    expect(c.deadlines.filter((d: { status: string }) => d.status === 'pending')).toEqual([]);
    expect(c.nextDeadline).toBeNull();

    const events = await expectTimeline('sup-xa', c.id, [
      'case.reported',
      'case.accepted',
      'assessment.recorded',
      'measure.added',
      'measure.added',
      'approval.requested',
      'approval.approved',
      'case.intervention_started',
      'measure.done',
      'measure.done',
      'case.follow_up_started',
      'visit.recorded',
      'risk.changed',
      'visit.recorded',
      'police.feedback',
      'outcome.feedback_recorded',
      'approval.requested',
      'approval.approved',
      'case.closed',
    ]);
    const byType = (type: string) => events.filter((e) => e.type === type);
    expect(byType('case.reported')[0]).toMatchObject({ actor: { id: dirId, role: 'community_director' }, fromStatus: null, toStatus: 'submitted' });
    expect(byType('case.accepted')[0]).toMatchObject({
      actor: { id: supId, role: 'street_supervisor' },
      fromStatus: 'submitted',
      toStatus: 'assessing',
      data: { riskLevel: 'R1', assigneeId: supId },
    });
    expect(byType('case.intervention_started')[0]).toMatchObject({
      actor: { role: 'district_staff' },
      fromStatus: 'assessing',
      toStatus: 'intervening',
      data: { approvalId: planApproval },
    });
    expect(byType('measure.done').map((e) => e.actor.id)).toEqual([dirId, supId]);
    expect(byType('case.follow_up_started')[0]).toMatchObject({ fromStatus: 'intervening', toStatus: 'follow_up' });
    expect(byType('approval.requested')[1]).toMatchObject({
      actor: { id: dirId, role: 'community_director' },
      data: { approvalId: closeApproval, kind: 'closure' },
    });
    expect(byType('case.closed')[0]).toMatchObject({
      actor: { role: 'district_staff' },
      fromStatus: 'follow_up',
      toStatus: 'closed',
      data: { kind: 'resolved', approvalId: closeApproval },
    });
    // Timestamps never go backwards.
    const ats = events.map((e) => Date.parse(e.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
  });

  it('walks an R4 case: returned and resubmitted, plan started at once, closure approved by the supervisor', async () => {
    let c = await cc.file('dir-xa-01', xa1, {
      categories: ['D05', 'D08'],
      riskLevel: 'R4',
      report: { reporterType: 'guardian', narrative: '留守儿童，需要帮扶。' },
    });
    expect(c).toMatchObject({ status: 'submitted', version: 1, riskLevel: 'R4' });

    // Returned with a reason; the director completes and resubmits.
    let s = await cc.detail('sup-xa', c.id);
    c = await cc.act('sup-xa', s, 'return', { reason: '请补充监护人联系方式' });
    expect(c).toMatchObject({ status: 'returned', version: 2 });
    let d = await cc.detail('dir-xa-01', c.id);
    expect(d.allowedActions).toContain('submit');
    expect((await cc.detail('sup-xa', c.id)).allowedActions).not.toContain('accept');
    c = await cc.act('dir-xa-01', d, 'submit', { narrative: '留守儿童，祖父母照料；监护人电话已补充。' });
    expect(c).toMatchObject({ status: 'submitted', version: 3, riskLevel: 'R4' });
    expect(c.reports[0].narrative).toBe('留守儿童，祖父母照料；监护人电话已补充。');

    // Accepted at R4, assigned to the director of the community.
    s = await cc.detail('sup-xa', c.id);
    c = await cc.act('sup-xa', s, 'accept', { riskLevel: 'R4', assigneeId: dirId });
    expect(c).toMatchObject({ status: 'assessing', version: 4, riskLevel: 'R4', assigneeId: dirId });
    c = await cc.assess('sup-xa', c.id, 'R4');
    expect(c.version).toBe(5);
    c = await cc.addMeasure('sup-xa', c.id, { type: 'welfare_subsidy', ownerId: dirId });
    const measureId = c.measures[0].id as string;

    // R3/R4: the plan starts at once, no approval.
    c = await cc.act('sup-xa', c, 'start_intervention');
    expect(c).toMatchObject({ status: 'intervening', version: 6, pendingApproval: null, approvals: [] });
    c = await cc.closeMeasure('dir-xa-01', c.id, measureId);
    s = await cc.detail('sup-xa', c.id);
    c = await cc.act('sup-xa', s, 'begin_follow_up');
    expect(c).toMatchObject({ status: 'follow_up', version: 7 });
    c = await cc.meetClosureConditions('dir-xa-01', c.id);

    d = await cc.detail('dir-xa-01', c.id);
    c = await cc.act('dir-xa-01', d, 'request_closure', closureBody);
    expect(c).toMatchObject({ status: 'follow_up', version: 8 });
    expect(c.pendingApproval).toMatchObject({ kind: 'closure', decidedByRole: 'street_supervisor', requestedById: dirId });
    s = await cc.detail('sup-xa', c.id);
    expect(s.allowedActions).toContain('decide_approval');

    const res = await cc.post('sup-xa', `/api/approvals/${c.pendingApproval.id}/decision`, { decision: 'approve', reason: '同意结案' });
    expectStatus(res, 200);
    c = res.body;
    expect(c).toMatchObject({ status: 'closed', version: 9, closure: { kind: 'resolved' } });

    const events = await expectTimeline('dir-xa-01', c.id, [
      'case.reported',
      'case.returned',
      'case.resubmitted',
      'case.accepted',
      'assessment.recorded',
      'measure.added',
      'case.intervention_started',
      'measure.done',
      'case.follow_up_started',
      'visit.recorded',
      'visit.recorded',
      'approval.requested',
      'approval.approved',
      'case.closed',
    ]);
    expect(events[1]).toMatchObject({ fromStatus: 'submitted', toStatus: 'returned', data: { reason: '请补充监护人联系方式' } });
    expect(events[2]).toMatchObject({ actor: { id: dirId }, fromStatus: 'returned', toStatus: 'submitted' });
    expect(events[6]).toMatchObject({ actor: { id: supId }, fromStatus: 'assessing', toStatus: 'intervening' });
    expect(events[12]).toMatchObject({ actor: { id: supId, role: 'street_supervisor' } });
  });

  it('rejects an R2 plan with a reason; the case stays in assessment and the plan can be asked for again', async () => {
    let c = await cc.file('dir-xa-01', xa1, { categories: ['N03'], riskLevel: 'R2' });
    c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R2', assigneeId: supId });
    await cc.assess('sup-xa', c.id, 'R2');
    c = await cc.addMeasure('sup-xa', c.id, { type: 'family_guidance' });
    c = await cc.act('sup-xa', c, 'start_intervention');
    const approvalId = c.pendingApproval.id as string;
    expectError(await cc.post('district1', `/api/approvals/${approvalId}/decision`, { decision: 'reject' }), 400, 'VALIDATION_FAILED');
    const res = await cc.post('district1', `/api/approvals/${approvalId}/decision`, { decision: 'reject', reason: '方案需补充安置措施' });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ status: 'assessing', version: c.version + 1, pendingApproval: null });
    expect(res.body.approvals[0]).toMatchObject({ status: 'rejected', decisionReason: '方案需补充安置措施' });
    const s = await cc.detail('sup-xa', c.id);
    expect(s.allowedActions).toContain('start_intervention');
    // A decided approval cannot be decided again.
    expectError(await cc.post('district2', `/api/approvals/${approvalId}/decision`, { decision: 'approve' }), 409, 'INVALID_TRANSITION');
    c = await cc.act('sup-xa', s, 'start_intervention');
    expect(c.pendingApproval).toMatchObject({ status: 'pending' });
    expect(c.pendingApproval.id).not.toBe(approvalId);
  });

  it('closes an unfounded report as unsubstantiated; district staff reopen it with a reason', async () => {
    let c = await cc.file('dir-xa-01', xa1);
    c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
    const noReason = await cc.transitionRaw('sup-xa', c.id, { action: 'close_unsubstantiated', version: c.version });
    expectError(noReason, 400, 'VALIDATION_FAILED');
    expect(noReason.body.details).toEqual([{ field: 'reason', message: 'is required' }]);
    c = await cc.act('sup-xa', await cc.evidence('sup-xa', c), 'close_unsubstantiated', { reason: '核实后不属实：邻居误报' });
    expect(c).toMatchObject({ status: 'closed', closure: { kind: 'unsubstantiated', reason: '核实后不属实：邻居误报' } });

    // Neither the supervisor nor the director may reopen; district staff may.
    expectError(await cc.transitionRaw('sup-xa', c.id, { action: 'reopen', version: c.version, reason: 'x' }), 403, 'FORBIDDEN');
    expectError(await cc.transitionRaw('dir-xa-01', c.id, { action: 'reopen', version: c.version, reason: 'x' }), 403, 'FORBIDDEN');
    expectError(await cc.transitionRaw('district1', c.id, { action: 'reopen', version: c.version }), 400, 'VALIDATION_FAILED');
    c = await cc.act('district1', c, 'reopen', { reason: '学校再次反映情况' });
    expect(c).toMatchObject({ status: 'assessing', closure: null });
    expect(c.flags).toContain('reopened');
    expect(c.nextDeadline).toMatchObject({ kind: 'assessment' });

    const events = await expectTimeline('district1', c.id, ['case.reported', 'case.accepted', 'visit.recorded', 'case.closed', 'case.reopened']);
    expect(events[3]).toMatchObject({ fromStatus: 'assessing', toStatus: 'closed', data: { kind: 'unsubstantiated', reason: '核实后不属实：邻居误报' } });
    expect(events[4]).toMatchObject({ actor: { role: 'district_staff' }, fromStatus: 'closed', toStatus: 'assessing', data: { reason: '学校再次反映情况' } });
  });

  it('transfers a case to a community of another street: the old street loses it, the new street has it', async () => {
    let c = await cc.file('dir-xa-01', xa1);
    c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
    const target = ids.community('xx', 1);
    expectError(await cc.transitionRaw('sup-xa', c.id, { action: 'transfer', version: c.version, communityId: target, reason: '搬家' }), 403, 'FORBIDDEN');
    c = await cc.act('district1', c, 'transfer', { communityId: target, reason: '儿童随父母搬至西乡街道' });
    expect(c).toMatchObject({ status: 'assessing', communityId: target, streetId: ids.street('xx'), districtId: ids.districtId });
    // The old street's supervisor no longer handles it.
    expect(c.assigneeId).toBeNull();

    for (const who of ['sup-xa', 'dir-xa-01']) {
      expectError(await cc.get(who, `/api/cases/${c.id}`), 404, 'NOT_FOUND');
      expectError(await cc.get(who, `/api/cases/${c.id}/timeline`), 404, 'NOT_FOUND');
      expectError(await cc.transitionRaw(who, c.id, { action: 'escalate', version: c.version, reason: 'x' }), 404, 'NOT_FOUND');
    }
    const asNewSup = await cc.detail('sup-xx', c.id);
    expect(asNewSup.allowedActions).toEqual(expect.arrayContaining(['record_assessment', 'add_measure']));
    expect((await cc.detail('dir-xx-02', c.id)).child.name).toBe(c.child.name);
    const queue = await cc.listAll('sup-xx', { streetId: ids.street('xx'), status: 'assessing' });
    expect(queue.map((i) => i.id)).toContain(c.id);
    expect((await cc.listAll('sup-xa', { status: 'assessing' })).map((i) => i.id)).not.toContain(c.id);

    // The new supervisor takes it on.
    const newSupId = await cc.userId('sup-xx');
    const moved = await cc.act('sup-xx', asNewSup, 'escalate', { reason: '需区级关注' });
    expect(moved.flags).toContain('escalated');
    const events = await expectTimeline('sup-xx', c.id, ['case.reported', 'case.accepted', 'case.transferred', 'case.escalated']);
    expect(events[2]).toMatchObject({ data: { fromCommunityId: xa1, toCommunityId: target, reason: '儿童随父母搬至西乡街道' } });
    expect(events[3].actor.id).toBe(newSupId);
  });

  it('merges a duplicate into another case: the duplicate closes as merged and its reports move', async () => {
    const keep = await cc.file('dir-xa-01', xa1, { categories: ['N04'] });
    // The same child reported again under a slightly different name: not matched on intake.
    const dup = await cc.file('dir-xa-01', xa1, { categories: ['D05'], child: { name: `${keep.child.name}儿`, birthDate: keep.child.birthDate } });
    expect(dup.id).not.toBe(keep.id);

    expectError(await cc.transitionRaw('dir-xa-01', dup.id, { action: 'merge', version: dup.version, intoCaseId: keep.id }), 403, 'FORBIDDEN');
    expectError(await cc.transitionRaw('sup-xa', dup.id, { action: 'merge', version: dup.version, intoCaseId: dup.id }), 400, 'VALIDATION_FAILED');
    const merged = await cc.act('sup-xa', dup, 'merge', { intoCaseId: keep.id, reason: '同一儿童重复报告' });
    expect(merged).toMatchObject({ status: 'closed', closure: { kind: 'merged', mergedIntoId: keep.id, reason: '同一儿童重复报告' } });
    expect(merged.reports).toEqual([]);

    const target = await cc.detail('sup-xa', keep.id);
    expect(target.version).toBe(keep.version + 1);
    expect(target.reports.map((r: { id: string }) => r.id)).toEqual([keep.reports[0].id, dup.reports[0].id]);
    expect(target.reports[1].linked).toBe(true);
    expect(sorted(target.categories)).toEqual(['D05', 'N04']);
    await expectTimeline('sup-xa', dup.id, ['case.reported', 'case.merged']);
    const into = await expectTimeline('sup-xa', keep.id, ['case.reported', 'case.merge_received']);
    expect(into[1].data).toMatchObject({ fromCaseId: dup.id, fromCaseNo: dup.caseNo });

    // A closed case takes no merge.
    const third = await cc.file('dir-xa-01', xa1);
    expectError(await cc.transitionRaw('sup-xa', third.id, { action: 'merge', version: third.version, intoCaseId: dup.id }), 422, 'RULE_VIOLATION');
  });

  it('escalates (a flag, not a state), takes notes, further reports and the police track', async () => {
    let c = await cc.file('dir-xa-01', xa1, { categories: ['N04'], riskLevel: 'R2' });
    expectError(await cc.transitionRaw('dir-xa-01', c.id, { action: 'escalate', version: c.version }), 400, 'VALIDATION_FAILED');
    c = await cc.act('dir-xa-01', c, 'escalate', { reason: '监护人拒绝配合' });
    expect(c).toMatchObject({ status: 'submitted', escalationLevel: 1, version: 2 });
    expect(c.flags).toContain('escalated');

    // Notes by every role that works on cases.
    let res = await cc.post('dir-xa-01', `/api/cases/${c.id}/notes`, { text: '  已联系学校班主任。 ' });
    expectStatus(res, 200);
    res = await cc.post('district1', `/api/cases/${c.id}/notes`, { text: '区级已知悉。' });
    expectStatus(res, 200);
    expect(res.body.notes.map((n: { text: string }) => n.text)).toEqual(['已联系学校班主任。', '区级已知悉。']);
    expect(res.body.version).toBe(2);

    // A further report adds categories and a mandatory item.
    res = await cc.post('sup-xa', `/api/cases/${c.id}/reports`, {
      reporterType: 'mandatory_staff',
      reporterName: '李医生',
      reporterOrg: '社康中心',
      discoveredAt: isoAgo(30 * 60_000),
      narrative: '就诊时发现手臂有新伤。',
      categories: ['V01'],
      mandatoryItems: [4],
      riskEstimate: 'R1',
    });
    expectStatus(res, 200);
    expect(res.body.reports).toHaveLength(2);
    expect(res.body.reports[1]).toMatchObject({
      reporterType: 'mandatory_staff',
      reporter: { name: '李医生', org: '社康中心' },
      categories: ['V01'],
      mandatoryItems: [4],
      riskEstimate: 'R1',
      linked: false,
    });
    expect(sorted(res.body.categories)).toEqual(['N04', 'V01']);
    expect(res.body.mandatoryItems).toEqual([4]);
    expect(res.body.version).toBe(3);
    // Violence at R2 without police told: the police deadline is running.
    expect(res.body.deadlines).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'police_report', status: 'pending' })]));

    // The police track: told, then feedback.
    const toldAt = isoAgo(20 * 60_000);
    res = await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, { reportedAt: toldAt, receiptNo: 'BA110-7788' });
    expectStatus(res, 200);
    expect(res.body.police).toMatchObject({ reportedAt: new Date(toldAt).toISOString(), receiptNo: 'BA110-7788', feedbackAt: null, feedback: null });
    expect(res.body.version).toBe(4);
    expect(res.body.deadlines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'police_report', status: 'met' }),
        expect.objectContaining({ kind: 'police_feedback', status: 'pending' }),
      ]),
    );
    // Feedback cannot come before police were told.
    expectError(await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, { feedbackAt: isoAgo(DAY), feedback: '已立案' }), 400, 'VALIDATION_FAILED');
    expectError(await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, { feedback: '已立案' }), 400, 'VALIDATION_FAILED');
    const feedbackAt = isoAgo(60_000);
    res = await cc.post('sup-xa', `/api/cases/${c.id}/police`, { feedbackAt, feedback: '派出所已受案调查' });
    expectStatus(res, 200);
    expect(res.body.police).toMatchObject({
      reportedAt: new Date(toldAt).toISOString(),
      receiptNo: 'BA110-7788',
      feedbackAt: new Date(feedbackAt).toISOString(),
      feedback: '派出所已受案调查',
    });
    expect(res.body.deadlines).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'police_feedback', status: 'met' })]));

    const events = await expectTimeline('district1', c.id, [
      'case.reported',
      'case.escalated',
      'note.added',
      'note.added',
      'report.added',
      'police.reported',
      'police.feedback',
    ]);
    expect(events[1]).toMatchObject({ fromStatus: null, toStatus: null, data: { reason: '监护人拒绝配合', escalationLevel: 1 } });
    expect(events[5].data).toMatchObject({ reportedAt: toldAt, receiptNo: 'BA110-7788' });
  });

  it('shows reporter identity to the filer, the supervisor and the district only; anonymous reports carry none', async () => {
    const c = await cc.file('dir-xa-01', xa1, { report: { reporterType: 'public', reporterName: '王女士', reporterPhone: '13900000000' } });
    expect(c.reports[0].reporter).toEqual({ name: '王女士', org: null, phone: '13900000000' });
    expect((await cc.detail('sup-xa', c.id)).reports[0].reporter).toEqual({ name: '王女士', org: null, phone: '13900000000' });
    expect((await cc.detail('district2', c.id)).reports[0].reporter).toEqual({ name: '王女士', org: null, phone: '13900000000' });
    // A report the supervisor adds: its reporter is hidden from the director.
    const res = await cc.post('sup-xa', `/api/cases/${c.id}/reports`, {
      reporterType: 'hotline',
      reporterName: '热线接线员',
      discoveredAt: isoAgo(60_000),
      narrative: '热线转来同一情况。',
    });
    expectStatus(res, 200);
    const asDirector = await cc.detail('dir-xa-01', c.id);
    expect(asDirector.reports[1].reporter).toBe('confidential');
    expect(JSON.stringify(asDirector)).not.toContain('热线接线员');

    const anon = await cc.file('dir-xa-01', xa1, { report: { reporterType: 'public', anonymous: true, reporterName: undefined, reporterPhone: undefined } });
    expect(anon.reports[0]).toMatchObject({ anonymous: true, reporter: null });
    const bad = await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { report: { reporterType: 'public', anonymous: true, reporterName: '不该有' } }));
    expectError(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.details).toEqual([{ field: 'report.reporterName', message: 'must be empty for an anonymous report' }]);
  });
});
