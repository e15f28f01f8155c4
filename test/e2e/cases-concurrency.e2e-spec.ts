/**
 * Writes that race: the case row lock and the version let exactly one of them
 * through, the others get a 409, and the timeline records one event.
 */
import { caseBody, CaseClient, nationalId, r1Violence, randomBirthDate, Res, uniqueChildName, useCaseBed } from '../helpers/cases';

const RISKS = ['R1', 'R2', 'R3', 'R4'];

describe('case concurrency (e2e)', () => {
  const bed = useCaseBed();
  let cc: CaseClient;
  let xa1: string;
  let supId: string;

  beforeAll(async () => {
    ({ cc, xa1, supId } = bed);
    // Log in before the race so that only the case writes compete.
    await Promise.all(['dir-xa-01', 'sup-xa', 'district1', 'district2'].map((u) => cc.token(u)));
  });

  /** Exactly one 200; every other answer a 409 with one of these codes. Returns the winner's index. */
  function oneWinner(results: Res[], losingCodes: string[]): number {
    const statuses = results.map((r) => r.status);
    const winners = statuses.flatMap((s, i) => (s === 200 ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const [i, r] of results.entries()) {
      if (i === winners[0]) continue;
      expect(r.status).toBe(409);
      expect(losingCodes).toContain(r.body.code);
    }
    return winners[0];
  }

  it('20 parallel accepts of one submitted case: one succeeds, 19 get 409, one case.accepted event', async () => {
    const c = await cc.file('dir-xa-01', xa1);
    expect(c).toMatchObject({ status: 'submitted', version: 1 });
    // Each request asks for a different risk level, so the case shows whose write won.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cc.transitionRaw('sup-xa', c.id, { action: 'accept', version: c.version, riskLevel: RISKS[i % 4], assigneeId: supId }),
      ),
    );
    const winner = oneWinner(results, ['STALE_VERSION', 'INVALID_TRANSITION']);
    const after = await cc.detail('sup-xa', c.id);
    expect(after).toMatchObject({ status: 'assessing', version: 2, riskLevel: RISKS[winner % 4], assigneeId: supId });
    expect(results[winner].body).toMatchObject({ status: 'assessing', version: 2, riskLevel: RISKS[winner % 4] });

    const timeline = await cc.timeline('sup-xa', c.id);
    expect(timeline.events.map((e) => e.type)).toEqual(['case.reported', 'case.accepted']);
    expect(timeline.events.filter((e) => e.type === 'case.accepted')).toHaveLength(1);
    expect(timeline.events[1].data).toMatchObject({ riskLevel: RISKS[winner % 4] });
    expect(timeline.verified).toBe(true);
    // One acceptance deadline was met, one assessment deadline started.
    const deadlines = after.deadlines as { kind: string; status: string }[];
    expect(deadlines.filter((d) => d.kind === 'accept_report')).toEqual([expect.objectContaining({ status: 'met' })]);
    expect(deadlines.filter((d) => d.kind === 'assessment')).toEqual([expect.objectContaining({ status: 'pending' })]);
  });

  it('accept and return racing on one case: one of them wins, the case shows that one', async () => {
    const c = await cc.file('dir-xa-01', xa1);
    const bodies = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? { action: 'accept', version: c.version, riskLevel: 'R3', assigneeId: supId }
        : { action: 'return', version: c.version, reason: `退回 ${i}` },
    );
    const results = await Promise.all(bodies.map((b) => cc.transitionRaw('sup-xa', c.id, b)));
    const winner = oneWinner(results, ['STALE_VERSION', 'INVALID_TRANSITION']);
    const expected = winner % 2 === 0 ? { status: 'assessing', type: 'case.accepted' } : { status: 'returned', type: 'case.returned' };
    expect(await cc.detail('sup-xa', c.id)).toMatchObject({ status: expected.status, version: 2 });
    const types = (await cc.timeline('sup-xa', c.id)).events.map((e) => e.type);
    expect(types).toEqual(['case.reported', expected.type]);
  });

  it('two district staff approving one R1 plan at once: one decision, one intervention start', async () => {
    let c = await cc.file('dir-xa-01', xa1, r1Violence());
    c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R1', assigneeId: supId });
    await cc.assess('sup-xa', c.id, 'R1');
    c = await cc.addMeasure('sup-xa', c.id, { type: 'emergency_placement' });
    c = await cc.act('sup-xa', c, 'start_intervention');
    const approval = c.pendingApproval.id as string;
    const results = await Promise.all(
      ['district1', 'district2', 'district1', 'district2'].map((u, i) =>
        cc.post(u, `/api/approvals/${approval}/decision`, i % 2 ? { decision: 'reject', reason: '驳回' } : { decision: 'approve', reason: '同意' }),
      ),
    );
    const winner = oneWinner(results, ['INVALID_TRANSITION']);
    const approved = winner % 2 === 0;
    const after = await cc.detail('district1', c.id);
    expect(after).toMatchObject({ status: approved ? 'intervening' : 'assessing', version: c.version + 1, pendingApproval: null });
    expect(after.approvals).toEqual([expect.objectContaining({ id: approval, status: approved ? 'approved' : 'rejected' })]);
    const types = (await cc.timeline('district1', c.id)).events.map((e) => e.type);
    expect(types.filter((t) => t.startsWith('approval.') && t !== 'approval.requested')).toHaveLength(1);
    expect(types.filter((t) => t === 'case.intervention_started')).toHaveLength(approved ? 1 : 0);
  });

  it('the same child reported eight times at once (same national ID): one case, seven linked reports', async () => {
    const birthDate = randomBirthDate();
    const body = caseBody(xa1, { child: { birthDate, idNumber: nationalId(birthDate) } });
    const results = await Promise.all(Array.from({ length: 8 }, () => cc.post('dir-xa-01', '/api/cases', body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const created = results.find((r) => r.status === 201) as Res;
    expect(created.body.linkedToExisting).toBe(false);
    for (const r of results.filter((x) => x.status === 200)) expect(r.body).toMatchObject({ linkedToExisting: true, reopened: false });
    const detail = await cc.detail('sup-xa', created.body.id);
    expect(detail.reports).toHaveLength(8);
    expect(detail.version).toBe(8);
    const types = (await cc.timeline('sup-xa', created.body.id)).events.map((e) => e.type);
    expect(types).toEqual(['case.reported', ...Array(7).fill('report.linked')]);
  });

  it('the same child without ID reported at once from two communities of a street: one case per community, linked', async () => {
    const child = { name: uniqueChildName(), birthDate: randomBirthDate() };
    const xa2 = bed.ids.community('xa', 1);
    const results = await Promise.all([
      cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { child })),
      cc.post('dir-xa-02', '/api/cases', caseBody(xa2, { child })),
      cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { child })),
      cc.post('dir-xa-02', '/api/cases', caseBody(xa2, { child })),
    ]);
    // Each director may not see the other's case: one case per community, the two linked.
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201, 201]);
    const created = results.filter((r) => r.status === 201);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(2);
    const [a, b] = await Promise.all(created.map((r) => cc.detail('sup-xa', r.body.id)));
    expect(a.reports).toHaveLength(2);
    expect(b.reports).toHaveLength(2);
    expect(a.relatedCaseIds).toEqual([b.id]);
    expect(b.relatedCaseIds).toEqual([a.id]);
  });
});
