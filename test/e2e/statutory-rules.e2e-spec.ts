/**
 * The rules the law sets, enforced on the record (issue 12; domain.md §2–8): intake
 * checks, the risk floor, police alerts at every level, visits in every working state,
 * district-decided measures, protection-order deadlines, outcome feedback and closure
 * checked against the record. Each test fails on a system that only records these.
 */
import {
  assessmentBody,
  caseBody,
  CaseClient,
  CaseDetail,
  closureBody,
  DAY,
  dataSourceOf,
  dateShifted,
  expectError,
  expectStatus,
  HOUR,
  isoAgo,
  isoIn,
  useCaseBed,
} from '../helpers/cases';

interface Deadline {
  kind: string;
  refKey: string;
  status: string;
  dueAt: string;
}
const deadlinesOf = (c: CaseDetail, kind: string): Deadline[] => (c.deadlines as Deadline[]).filter((d) => d.kind === kind);
const fieldsOf = (body: { details?: { field: string }[] }) => (body.details ?? []).map((d) => d.field);

describe('statutory rules (e2e)', () => {
  const bed = useCaseBed();
  let cc: CaseClient;
  let xa1: string;
  let supId: string;

  beforeAll(async () => {
    ({ cc, xa1, supId } = bed);
  });

  /** Files as the director, accepts as the supervisor at `risk` (with a reason when below the floor). */
  async function accepted(overrides: Record<string, unknown> = {}, risk = 'R3', reason?: string): Promise<CaseDetail> {
    const c = await cc.file('dir-xa-01', xa1, overrides);
    return cc.act('sup-xa', await cc.detail('sup-xa', c.id), 'accept', { riskLevel: risk, assigneeId: supId, ...(reason ? { reason } : {}) });
  }

  /** Accepted, assessed, one measure, plan started (R3/R4: no approval), the measure done: in intervening. */
  async function intervening(overrides: Record<string, unknown> = {}): Promise<CaseDetail> {
    let c = await accepted(overrides);
    c = await cc.assess('sup-xa', c.id, 'R3');
    c = await cc.addMeasure('sup-xa', c.id, { type: 'counseling' });
    return cc.act('sup-xa', c, 'start_intervention');
  }

  async function followUp(overrides: Record<string, unknown> = {}): Promise<CaseDetail> {
    let c = await intervening(overrides);
    c = await cc.closeMeasure('sup-xa', c.id, c.measures[0].id as string);
    return cc.act('sup-xa', c, 'begin_follow_up');
  }

  // ── Intake (§2–3) ───────────────────────────────────────────────────────

  describe('intake checks', () => {
    it('lets only a member of the public report anonymously', async () => {
      const res = await cc.post(
        'dir-xa-01',
        '/api/cases',
        caseBody(xa1, { report: { reporterType: 'guardian', anonymous: true, reporterName: undefined, reporterPhone: undefined } }),
      );
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(['report.anonymous']);
      const ok = await cc.file('dir-xa-01', xa1, { report: { reporterType: 'public', anonymous: true, reporterName: undefined, reporterPhone: undefined } });
      expect(ok.reports[0]).toMatchObject({ anonymous: true });
    });

    it('checks N02 (under 8) and N03 (under 16) against the age on the discovery date', async () => {
      const tooOld = await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { categories: ['N02'], riskLevel: 'R1', child: { birthDate: dateShifted(-9) } }));
      expectError(tooOld, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(tooOld.body)).toEqual(['categories']);
      await cc.file('dir-xa-01', xa1, { categories: ['N02'], riskLevel: 'R1', child: { birthDate: dateShifted(-5) } });
      const n03 = await cc.post(
        'dir-xa-01',
        '/api/cases',
        caseBody(xa1, { categories: ['N03'], riskLevel: 'R2', child: { birthDate: dateShifted(-16, -10) } }),
      );
      expectError(n03, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(n03.body)).toEqual(['categories']);
      await cc.file('dir-xa-01', xa1, { categories: ['N03'], riskLevel: 'R2', child: { birthDate: dateShifted(-15) } });
    });

    it('checks mandatory items 2 and 3 against the child’s sex and age', async () => {
      const body = caseBody;
      const police = { reportedAt: isoAgo(HOUR), receiptNo: 'JJ100001' };
      const boy = await cc.post(
        'dir-xa-01',
        '/api/cases',
        body(xa1, { categories: ['V02'], mandatoryItems: [2], riskLevel: 'R1', police, child: { sex: 'male', birthDate: dateShifted(-10) } }),
      );
      expectError(boy, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(boy.body)).toEqual(['mandatoryItems']);
      const young = await cc.post(
        'dir-xa-01',
        '/api/cases',
        body(xa1, { categories: ['V02'], mandatoryItems: [3], riskLevel: 'R1', police, child: { sex: 'female', birthDate: dateShifted(-12) } }),
      );
      expectError(young, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(young.body)).toEqual(['mandatoryItems']);
      await cc.file('dir-xa-01', xa1, {
        categories: ['V02'],
        mandatoryItems: [2],
        riskLevel: 'R1',
        police,
        child: { sex: 'unknown', birthDate: dateShifted(-10) },
      });
      await cc.file('dir-xa-01', xa1, {
        categories: ['V02'],
        mandatoryItems: [3],
        riskLevel: 'R1',
        police,
        child: { sex: 'female', birthDate: dateShifted(-15) },
      });
    });
  });

  // ── Risk floor (§4) ─────────────────────────────────────────────────────

  describe('risk floor', () => {
    it('refuses a filing below the floor, naming the risk field and what sets the floor', async () => {
      const body = caseBody;
      const v01 = await cc.post('dir-xa-01', '/api/cases', body(xa1, { categories: ['V01'], riskLevel: 'R3', police: { reportedAt: isoAgo(HOUR) } }));
      expectError(v01, 422, 'RISK_BELOW_FLOOR');
      expect(v01.body.details).toEqual([{ field: 'riskLevel', message: expect.stringContaining('R2') }]);
      const placement = await cc.post('dir-xa-01', '/api/cases', body(xa1, { needsEmergencyPlacement: true, riskLevel: 'R2' }));
      expectError(placement, 422, 'RISK_BELOW_FLOOR');
      expect(placement.body.message).toContain('emergency placement');
      // A draft is held to it too, and nothing was written.
      const draft = await cc.post(
        'dir-xa-01',
        '/api/cases',
        body(xa1, { categories: ['N03'], riskLevel: 'R4', submit: false, child: { birthDate: dateShifted(-12) } }),
      );
      expectError(draft, 422, 'RISK_BELOW_FLOOR');
      const c = await cc.file('dir-xa-01', xa1, { needsEmergencyPlacement: true, riskLevel: 'R1' });
      expect(c.riskFloor).toEqual({ level: 'R1', reasons: ['emergency placement needed'] });
    });

    it('lets the supervisor confirm below the floor only with a written reason, which goes on the timeline', async () => {
      const c = await cc.file('dir-xa-01', xa1, { categories: ['N03', 'D05'], riskLevel: 'R2', child: { birthDate: dateShifted(-13) } });
      expect(c.riskFloor).toEqual({ level: 'R2', reasons: ['N03'] });
      const d = await cc.detail('sup-xa', c.id);
      const refused = await cc.transitionRaw('sup-xa', c.id, { action: 'accept', version: d.version, riskLevel: 'R3', assigneeId: supId });
      expectError(refused, 422, 'RISK_BELOW_FLOOR');
      expect(fieldsOf(refused.body)).toEqual(['reason']);
      const ok = await cc.act('sup-xa', d, 'accept', { riskLevel: 'R3', assigneeId: supId, reason: '已由祖母接回同住' });
      expect(ok.riskLevel).toBe('R3');
      const accepted = (await cc.timeline('sup-xa', c.id)).events.find((e) => e.type === 'case.accepted');
      expect(accepted?.data).toMatchObject({ riskLevel: 'R3', riskFloor: 'R2', belowFloor: { floor: 'R2', reason: '已由祖母接回同住' } });
    });
  });

  // ── Police alerts (§6) ──────────────────────────────────────────────────

  it('raises a police alert for every V category and mandatory item at every risk level, and clears it when police are told', async () => {
    for (const [categories, mandatoryItems, risk] of [
      [['V04'], [], 'R3'],
      [['V08'], [], 'R4'],
      [['D05'], [6], 'R2'],
    ] as const) {
      const c = await cc.file('dir-xa-01', xa1, { categories, mandatoryItems, riskLevel: risk, police: { notReportedReason: '家长拒绝报警' } });
      expect(c.flags).toContain('police_alert');
      expect(deadlinesOf(c, 'police_report')).toEqual([expect.objectContaining({ status: 'pending' })]);
      const told = await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, { reportedAt: isoAgo(60_000), receiptNo: 'JJ200002' });
      expectStatus(told, 200);
      expect(told.body.flags).not.toContain('police_alert');
      expect(deadlinesOf(told.body, 'police_report')).toEqual([expect.objectContaining({ status: 'met' })]);
    }
    // Told at filing: no alert at all; no V category and no item: none either.
    const told = await cc.file('dir-xa-01', xa1, { categories: ['V04'], riskLevel: 'R4', police: { reportedAt: isoAgo(HOUR) } });
    expect(told.flags).not.toContain('police_alert');
    expect(deadlinesOf(told, 'police_report')).toEqual([]);
    const neglect = await cc.file('dir-xa-01', xa1, { categories: ['N04'], riskLevel: 'R4' });
    expect(neglect.flags).not.toContain('police_alert');
  });

  // ── Visits and reassessment (§5, §7) ────────────────────────────────────

  describe('visits', () => {
    it('are recorded in every working state with a kind; the latest visit’s risk is the case’s current risk', async () => {
      let c = await accepted();
      c = await cc.visit('dir-xa-01', c.id, 'R2', isoAgo(2 * HOUR));
      expect(c.visits[0]).toMatchObject({ kind: 'verification', riskLevel: 'R2' });
      expect(c.riskLevel).toBe('R2');
      // A visit entered late, older than the latest: recorded, but the current risk stays.
      c = await cc.visit('sup-xa', c.id, 'R4', isoAgo(3 * HOUR));
      expect(c.riskLevel).toBe('R2');
      const changes = (await cc.timeline('sup-xa', c.id)).events.filter((e) => e.type === 'risk.changed');
      expect(changes.map((e) => e.data)).toEqual([expect.objectContaining({ from: 'R3', to: 'R2', source: 'visit' })]);
      // Nothing to visit before acceptance.
      const submitted = await cc.file('dir-xa-01', xa1);
      expectError(
        await cc.post('dir-xa-01', `/api/cases/${submitted.id}/visits`, { visitedAt: isoAgo(60_000), riskLevel: 'R3', outcome: '—' }),
        409,
        'INVALID_TRANSITION',
      );
      // While intervening: a routine visit by default, or the kind given.
      c = await intervening();
      const res = await cc.post('dir-xa-01', `/api/cases/${c.id}/visits`, {
        kind: 'post_warning',
        visitedAt: isoAgo(60_000),
        riskLevel: 'R4',
        outcome: '情况稳定。',
      });
      expectStatus(res, 200);
      expect(res.body.visits.map((v: { kind: string }) => v.kind)).toEqual(['post_warning']);
      expect(res.body.riskLevel).toBe('R4');
      const bad = await cc.post('dir-xa-01', `/api/cases/${c.id}/visits`, { kind: 'social', visitedAt: isoAgo(60_000), riskLevel: 'R4', outcome: '—' });
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(bad.body)).toEqual(['kind']);
    });

    it('allow a reassessment while intervening and in follow-up, which sets the current risk', async () => {
      let c = await intervening();
      c = await cc.assess('sup-xa', c.id, 'R2');
      expect(c).toMatchObject({ riskLevel: 'R2', status: 'intervening' });
      expect(c.assessments).toHaveLength(2);
      c = await cc.closeMeasure('sup-xa', c.id, c.measures[0].id as string);
      c = await cc.act('sup-xa', c, 'begin_follow_up');
      c = await cc.assess('sup-xa', c.id, 'R3');
      expect(c).toMatchObject({ riskLevel: 'R3', status: 'follow_up' });
      const reassessed = (await cc.timeline('sup-xa', c.id)).events.filter((e) => e.type === 'assessment.recorded').map((e) => e.data.reassessment);
      expect(reassessed).toEqual([false, true, true]);
    });

    it('after a warning letter is done, owe a visit within 7 days whatever the state, then the next point of its schedule', async () => {
      let c = await accepted({}, 'R3');
      c = await cc.assess('sup-xa', c.id, 'R3');
      c = await cc.addMeasure('sup-xa', c.id, { type: 'warning_letter' });
      c = await cc.addMeasure('sup-xa', c.id, { type: 'counseling' });
      c = await cc.act('sup-xa', c, 'start_intervention');
      const letter = (c.measures as { id: string; type: string }[]).find((m) => m.type === 'warning_letter')!;
      const before = Date.now();
      c = await cc.closeMeasure('sup-xa', c.id, letter.id);
      expect(c.status).toBe('intervening');
      const first = deadlinesOf(c, 'visit');
      expect(first).toEqual([expect.objectContaining({ refKey: 'post-warning-1', status: 'pending' })]);
      const due = Date.parse(first[0].dueAt);
      expect(due).toBeGreaterThanOrEqual(before + 7 * DAY - 5000);
      expect(due).toBeLessThanOrEqual(Date.now() + 7 * DAY + 5000);
      c = await cc.visit('dir-xa-01', c.id, 'R3', new Date().toISOString());
      const after = deadlinesOf(c, 'visit');
      expect(after.find((d) => d.refKey === 'post-warning-1')?.status).toBe('met');
      const second = after.find((d) => d.refKey === 'post-warning-2');
      expect(second?.status).toBe('pending');
      expect(Date.parse(second!.dueAt)).toBeGreaterThan(due + 29 * DAY);
    });
  });

  // ── Measures (§5, §6) ───────────────────────────────────────────────────

  describe('measures', () => {
    it('temporary guardianship and revocation wait for a district decision whenever they are added', async () => {
      let c = await intervening();
      c = await cc.addMeasure('sup-xa', c.id, { type: 'temporary_guardianship' });
      const tg = (c.measures as { id: string; type: string; status: string }[]).find((m) => m.type === 'temporary_guardianship')!;
      expect(tg.status).toBe('pending_decision');
      const approval = (c.approvals as { id: string; kind: string; status: string; decidedByRole: string; payload: { measureId: string } }[]).find(
        (a) => a.kind === 'measure',
      )!;
      expect(approval).toMatchObject({ status: 'pending', decidedByRole: 'district_staff', payload: { measureId: tg.id } });
      expect(deadlinesOf(c, 'decision')).toEqual([expect.objectContaining({ refKey: `measure:${tg.id}`, status: 'pending' })]);
      // Not done before it is decided; not decided by the street.
      expectError(await cc.patch('sup-xa', `/api/cases/${c.id}/measures/${tg.id}`, { status: 'done', outcome: '—' }), 409, 'INVALID_TRANSITION');
      expectError(await cc.post('sup-xa', `/api/approvals/${approval.id}/decision`, { decision: 'approve' }), 403, 'FORBIDDEN');
      const approved = await cc.post('district1', `/api/approvals/${approval.id}/decision`, { decision: 'approve', reason: '同意临时监护' });
      expectStatus(approved, 200);
      c = approved.body;
      expect((c.measures as { id: string; status: string }[]).find((m) => m.id === tg.id)?.status).toBe('planned');
      expect(deadlinesOf(c, 'measure').some((d) => d.refKey === tg.id && d.status === 'pending')).toBe(true);
      expect(deadlinesOf(c, 'decision')).toEqual([expect.objectContaining({ refKey: `measure:${tg.id}`, status: 'met' })]);
      expect(c.status).toBe('intervening');

      c = await cc.addMeasure('sup-xa', c.id, { type: 'revoke_guardianship' });
      const revoke = (c.approvals as { id: string; kind: string; status: string }[]).find((a) => a.kind === 'measure' && a.status === 'pending')!;
      const rejected = await cc.post('district1', `/api/approvals/${revoke.id}/decision`, { decision: 'reject', reason: '证据不足' });
      expectStatus(rejected, 200);
      expect((rejected.body.measures as { type: string; status: string }[]).find((m) => m.type === 'revoke_guardianship')?.status).toBe('rejected');
    });

    it('a protection order gets its decision deadline: 24 h when urgent, 72 h otherwise', async () => {
      let c = await intervening();
      const before = Date.now();
      c = await cc.addMeasure('sup-xa', c.id, { type: 'protection_order', urgent: true });
      c = await cc.addMeasure('sup-xa', c.id, { type: 'protection_order' });
      const orders = (c.measures as { id: string; type: string; urgent: boolean }[]).filter((m) => m.type === 'protection_order');
      expect(orders.map((m) => m.urgent)).toEqual([true, false]);
      const dueOf = (id: string) => Date.parse(deadlinesOf(c, 'protection_order').find((d) => d.refKey === id)!.dueAt);
      expect(dueOf(orders[0].id)).toBeGreaterThanOrEqual(before + 24 * HOUR - 5000);
      expect(dueOf(orders[0].id)).toBeLessThanOrEqual(Date.now() + 24 * HOUR + 5000);
      expect(dueOf(orders[1].id)).toBeGreaterThanOrEqual(before + 72 * HOUR - 5000);
      expect(dueOf(orders[1].id)).toBeLessThanOrEqual(Date.now() + 72 * HOUR + 5000);
      c = await cc.closeMeasure('sup-xa', c.id, orders[0].id);
      expect(deadlinesOf(c, 'protection_order').find((d) => d.refKey === orders[0].id)?.status).toBe('met');
      const notAnOrder = await cc.post('sup-xa', `/api/cases/${c.id}/measures`, { type: 'counseling', urgent: true, dueAt: isoIn(DAY) });
      expectError(notAnOrder, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(notAnOrder.body)).toEqual(['urgent']);
    });
  });

  // ── Outcome feedback (Art.11¶3) ─────────────────────────────────────────

  describe('outcome feedback', () => {
    const mandatory = { report: { reporterType: 'mandatory_institution', reporterOrg: '测试小学', reporterName: '王老师' } };

    it('is owed to a named mandatory reporter once the plan starts, and recording it meets the deadline', async () => {
      let c = await intervening(mandatory);
      const owed = deadlinesOf(c, 'outcome_feedback');
      expect(owed).toEqual([expect.objectContaining({ status: 'pending' })]);
      // Five working days: at least five calendar days away, at most five plus the longest holiday break.
      expect(Date.parse(owed[0].dueAt)).toBeGreaterThan(Date.now() + 5 * DAY - HOUR);
      expect(Date.parse(owed[0].dueAt)).toBeLessThan(Date.now() + 20 * DAY);
      const res = await cc.post('sup-xa', `/api/cases/${c.id}/outcome-feedback`, { channel: 'letter', at: isoAgo(HOUR), summary: '已书面告知学校。' });
      expectStatus(res, 200);
      c = res.body;
      expect(c.outcomeFeedback).toEqual([expect.objectContaining({ channel: 'letter', summary: '已书面告知学校。', recordedById: supId })]);
      expect(deadlinesOf(c, 'outcome_feedback')).toEqual([expect.objectContaining({ status: 'met' })]);
      expect(await cc.eventTypes('sup-xa', c.id)).toContain('outcome.feedback_recorded');
    });

    it('falls due five working days after the plan starts, on the official calendar as district staff replaced it', async () => {
      // The days in China: today, and the next seven made holidays of this year's calendar (as far as the year goes).
      const dayOf = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));
      const today = dayOf(Date.now());
      const year = Number(today.slice(0, 4));
      const original = await cc.get('district1', `/api/calendar/${year}`);
      expectStatus(original, 200);
      const next = await cc.get('district1', `/api/calendar/${year + 1}`);
      const added = [1, 2, 3, 4, 5, 6, 7].map((n) => dayOf(Date.now() + n * DAY)).filter((d) => d.startsWith(String(year)));
      const holidays = [...new Set([...(original.body.holidays as string[]), ...added])];
      const workdays = (original.body.workdays as string[]).filter((d) => !added.includes(d));
      expectStatus(await cc.put('district1', `/api/calendar/${year}`, { holidays, workdays, source: 'e2e: a week of holidays' }), 200);
      try {
        const c = await intervening(mandatory);
        // The expected day, counted here from the calendars served: the 5th working day after today, due at its end (24:00 Beijing).
        const off = new Set([...holidays, ...((next.body?.holidays as string[] | undefined) ?? [])]);
        const on = new Set([...workdays, ...((next.body?.workdays as string[] | undefined) ?? [])]);
        let day = today;
        for (let n = 0; n < 5;) {
          day = dayOf(Date.parse(`${day}T12:00:00+08:00`) + DAY);
          const weekday = new Date(`${day}T12:00:00+08:00`).getUTCDay();
          if (on.has(day) || (weekday !== 0 && weekday !== 6 && !off.has(day))) n += 1;
        }
        const expected = new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY).toISOString();
        expect(deadlinesOf(c, 'outcome_feedback')).toEqual([expect.objectContaining({ status: 'pending', dueAt: expected })]);
      } finally {
        const { holidays: h, workdays: w, source, provisional } = original.body as Record<string, unknown>;
        expectStatus(await cc.put('district1', `/api/calendar/${year}`, { holidays: h, workdays: w, source, provisional }), 200);
      }
    });

    it('is not owed to others; it is refused before acceptance, out of scope, and with bad input', async () => {
      const c = await intervening();
      expect(deadlinesOf(c, 'outcome_feedback')).toEqual([]);
      const submitted = await cc.file('dir-xa-01', xa1);
      const body = { channel: 'phone', at: isoAgo(60_000), summary: '告知。' };
      expectError(await cc.post('dir-xa-01', `/api/cases/${submitted.id}/outcome-feedback`, body), 409, 'INVALID_TRANSITION');
      expectError(await cc.post('dir-xx-01', `/api/cases/${c.id}/outcome-feedback`, body), 404, 'NOT_FOUND');
      const bad = await cc.post('sup-xa', `/api/cases/${c.id}/outcome-feedback`, { channel: 'pigeon', at: isoIn(DAY), summary: '' });
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(bad.body).sort()).toEqual(['at', 'channel', 'summary']);
    });
  });

  // ── Closure checked against the record (§8) ─────────────────────────────

  describe('closure', () => {
    it('refuses risk_resolved with one detail per unmet condition, and accepts it once the record meets them', async () => {
      const police = { reportedAt: isoAgo(HOUR), receiptNo: 'JJ300003' };
      let c = await followUp({
        categories: ['V04'],
        riskLevel: 'R3',
        police,
        report: { reporterType: 'mandatory_staff', reporterName: '李医生', reporterOrg: '卫生院' },
      });
      const refused = await cc.transitionRaw('dir-xa-01', c.id, { action: 'request_closure', version: c.version, ...closureBody });
      expectError(refused, 422, 'CLOSURE_CONDITIONS_UNMET');
      expect(fieldsOf(refused.body).sort()).toEqual(['police_feedback_recorded', 'reporter_told_outcome', 'risk_low_on_two_visits']);
      c = await cc.detail('dir-xa-01', c.id);
      expect((c.closureConditions as { code: string; met: boolean }[]).map((x) => [x.code, x.met])).toEqual([
        ['risk_low_on_two_visits', false],
        ['measures_finished', true],
        ['police_feedback_recorded', false],
        ['reporter_told_outcome', false],
      ]);
      // One R4 visit is not two; an R3 visit after two R4 ones undoes them.
      await cc.visit('dir-xa-01', c.id, 'R4', isoAgo(3 * 60_000));
      await cc.visit('dir-xa-01', c.id, 'R4', isoAgo(2 * 60_000));
      c = await cc.visit('dir-xa-01', c.id, 'R3', isoAgo(60_000));
      expect((c.closureConditions as { code: string; met: boolean }[]).find((x) => x.code === 'risk_low_on_two_visits')?.met).toBe(false);
      c = await cc.meetClosureConditions('dir-xa-01', c.id);
      expect((c.closureConditions as { met: boolean }[]).every((x) => x.met)).toBe(true);
      // The body's old checklist is accepted and ignored: the record decides.
      c = await cc.act('dir-xa-01', await cc.detail('dir-xa-01', c.id), 'request_closure', { ...closureBody, checklist: { measuresDone: false } });
      expect(c.pendingApproval).toMatchObject({ kind: 'closure', decidedByRole: 'street_supervisor' });
      // A new risk seen before the decision: the approval is refused until the record meets the conditions again.
      c = await cc.visit('dir-xa-01', c.id, 'R3', new Date().toISOString());
      const approve = await cc.post('sup-xa', `/api/approvals/${c.pendingApproval.id}/decision`, { decision: 'approve' });
      expectError(approve, 422, 'CLOSURE_CONDITIONS_UNMET');
      expect(fieldsOf(approve.body)).toEqual(['risk_low_on_two_visits']);
    });

    it('needs, after temporary guardianship, an assessment with a placement decision', async () => {
      let c = await intervening();
      c = await cc.addMeasure('sup-xa', c.id, { type: 'temporary_guardianship' });
      const approval = (c.approvals as { id: string; kind: string }[]).find((a) => a.kind === 'measure')!;
      c = (await cc.post('district1', `/api/approvals/${approval.id}/decision`, { decision: 'approve' })).body;
      for (const m of c.measures as { id: string; status: string }[]) if (m.status === 'planned') c = await cc.closeMeasure('sup-xa', c.id, m.id);
      c = await cc.act('sup-xa', c, 'begin_follow_up');
      c = await cc.meetClosureConditions('dir-xa-01', c.id);
      const refused = await cc.transitionRaw('dir-xa-01', c.id, { action: 'request_closure', version: c.version, ...closureBody });
      expectError(refused, 422, 'CLOSURE_CONDITIONS_UNMET');
      expect(fieldsOf(refused.body)).toEqual(['placement_after_guardianship']);
      const assessed = await cc.post('sup-xa', `/api/cases/${c.id}/assessment`, { ...assessmentBody('R4'), placement: 'return_to_guardian' });
      expectStatus(assessed, 200);
      // The reassessment at R4 is not a visit: the visits still decide the risk condition.
      c = await cc.act('dir-xa-01', await cc.detail('dir-xa-01', c.id), 'request_closure', closureBody);
      // R3 throughout: the street decides.
      expect(c.pendingApproval).toMatchObject({ kind: 'closure', decidedByRole: 'street_supervisor' });
    });

    it('turned_18 is checked against the birth date and may be asked from any active state', async () => {
      const c = await accepted({ child: { birthDate: dateShifted(-17, -300) } });
      const young = await cc.transitionRaw('sup-xa', c.id, { action: 'request_closure', version: c.version, closureReason: 'turned_18' });
      expectError(young, 422, 'CLOSURE_CONDITIONS_UNMET');
      expect(fieldsOf(young.body)).toEqual(['child.birthDate']);
      // The child turns 18 while the case is open.
      const db = dataSourceOf(bed.api);
      await db.query('UPDATE child SET birth_date = $1 WHERE id = (SELECT child_id FROM "case" WHERE id = $2)', [dateShifted(-18, -1), c.id]);
      let d = await cc.act('sup-xa', await cc.detail('sup-xa', c.id), 'request_closure', { closureReason: 'turned_18' });
      expect(d).toMatchObject({ status: 'assessing', pendingApproval: { kind: 'closure', payload: { closureReason: 'turned_18' } } });
      const decided = await cc.post('district1', `/api/approvals/${d.pendingApproval.id}/decision`, { decision: 'approve' });
      expectStatus(decided, 200);
      d = decided.body;
      expect(d).toMatchObject({ status: 'closed', closure: { kind: 'resolved', reason: 'turned_18' } });
    });

    it('moved_away needs a reason and cancels what is still open when approved; risk_resolved is for follow-up only', async () => {
      let c = await intervening();
      expectError(await cc.transitionRaw('sup-xa', c.id, { action: 'request_closure', version: c.version, ...closureBody }), 409, 'INVALID_TRANSITION');
      const noReason = await cc.transitionRaw('sup-xa', c.id, { action: 'request_closure', version: c.version, closureReason: 'moved_away' });
      expectError(noReason, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(noReason.body)).toEqual(['reason']);
      c = await cc.act('sup-xa', c, 'request_closure', { closureReason: 'moved_away', reason: '全家迁往外省' });
      const decided = await cc.post('district1', `/api/approvals/${c.pendingApproval.id}/decision`, { decision: 'approve' });
      expectStatus(decided, 200);
      expect(decided.body).toMatchObject({ status: 'closed', closure: { reason: 'moved_away', note: '全家迁往外省' } });
      expect((decided.body.measures as { status: string }[]).map((m) => m.status)).toEqual(['cancelled']);
    });

    it('not substantiated needs evidence: an attachment counts, a retracted one does not', async () => {
      const c = await accepted();
      const token = await cc.token('dir-xa-01');
      const uploaded = await bed.api.http
        .post(`/api/cases/${c.id}/attachments`)
        .set({ Authorization: `Bearer ${token}` })
        .field('kind', 'document')
        .attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'note.pdf');
      expectStatus(uploaded, 201);
      const retracted = await cc.post('sup-xa', `/api/cases/${c.id}/attachments/${uploaded.body.id}/retraction`, { reason: '传错了' });
      expectStatus(retracted, 200);
      let d = await cc.detail('sup-xa', c.id);
      expect(d.allowedActions).not.toContain('close_unsubstantiated');
      expectError(
        await cc.transitionRaw('sup-xa', c.id, { action: 'close_unsubstantiated', version: d.version, reason: '核实不实' }),
        422,
        'EVIDENCE_REQUIRED',
      );
      const again = await bed.api.http
        .post(`/api/cases/${c.id}/attachments`)
        .set({ Authorization: `Bearer ${token}` })
        .field('kind', 'document')
        .attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'note.pdf');
      expectStatus(again, 201);
      d = await cc.detail('sup-xa', c.id);
      expect(d.allowedActions).toContain('close_unsubstantiated');
      expect(await cc.act('sup-xa', d, 'close_unsubstantiated', { reason: '核实不实' })).toMatchObject({ status: 'closed' });
    });

    it('not substantiated needs evidence: a visit record', async () => {
      const c = await accepted();
      const none = await cc.transitionRaw('sup-xa', c.id, { action: 'close_unsubstantiated', version: c.version, reason: '核实不实' });
      expectError(none, 422, 'EVIDENCE_REQUIRED');
      expect(c.allowedActions).not.toContain('close_unsubstantiated');
      const visited = await cc.visit('dir-xa-01', c.id, 'R4');
      expect((await cc.detail('sup-xa', c.id)).allowedActions).toContain('close_unsubstantiated');
      const closed = await cc.act('sup-xa', await cc.detail('sup-xa', visited.id), 'close_unsubstantiated', { reason: '核实不实' });
      expect(closed).toMatchObject({ status: 'closed', closure: { kind: 'unsubstantiated' } });
    });
  });
});
