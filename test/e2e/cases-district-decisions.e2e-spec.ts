/**
 * Decisions the district takes whatever the risk level: temporary guardianship
 * (临时监护, 未成年人保护法 Art.92) and a guardianship revocation (撤销监护资格, Art.108)
 * wait for district staff whenever they are added, even on an R3/R4 case; the plan
 * cannot start on them until the district decided.
 */
import { randomBytes } from 'node:crypto';
import { bearer, startApi, TestApi, tokenFor } from '../helpers/test-app';

describe('district-decided measures', () => {
  let api: TestApi;
  let community: string;
  let supervisorId: string;
  const as = async (u: string) => bearer(await tokenFor(api, u));

  beforeAll(async () => {
    api = await startApi();
    community = (await api.http.get('/api/me').set(await as('dir-hc-01'))).body.jurisdiction.id;
    supervisorId = (await api.http.get('/api/me').set(await as('sup-hc'))).body.id;
  });
  afterAll(async () => api?.close());

  async function plannedCase(measure: string): Promise<{ id: string; version: number }> {
    const filed = await api.http
      .post('/api/cases')
      .set(await as('dir-hc-01'))
      .send({
        communityId: community,
        child: { name: `监护${randomBytes(3).toString('hex')}`, sex: 'male', birthDate: '2016-02-03' },
        categories: ['N06'],
        riskLevel: 'R3',
        report: { reporterType: 'internal_discovery', discoveredAt: new Date(Date.now() - 3600_000).toISOString(), narrative: '监护人下落不明' },
      })
      .expect(201);
    const sup = await as('sup-hc');
    let c = (
      await api.http
        .post(`/api/cases/${filed.body.id}/transitions`)
        .set(sup)
        .send({ action: 'accept', version: filed.body.version, riskLevel: 'R3', assigneeId: supervisorId })
        .expect(200)
    ).body;
    await api.http
      .post(`/api/cases/${c.id}/assessment`)
      .set(sup)
      .send({ safety: '安全', guardianship: '监护缺失', wellbeing: '一般', riskLevel: 'R3', summary: '需临时监护' })
      .expect(200);
    c = (
      await api.http
        .post(`/api/cases/${c.id}/measures`)
        .set(sup)
        .send({ type: measure, dueAt: new Date(Date.now() + 5 * 86400_000).toISOString() })
        .expect(200)
    ).body;
    return c;
  }

  it.each(['temporary_guardianship', 'revoke_guardianship'])('on an R3 case, %s waits for district staff as soon as it is added', async (measure) => {
    const c = (await plannedCase(measure)) as { id: string; version: number; measures: { status: string }[]; pendingApproval: Record<string, unknown> };
    expect(c.measures).toEqual([expect.objectContaining({ type: measure, status: 'pending_decision' })]);
    expect(c.pendingApproval).toMatchObject({ kind: 'measure', decidedByRole: 'district_staff', status: 'pending' });
    // Nothing planned yet: the plan cannot start on it.
    const early = await api.http
      .post(`/api/cases/${c.id}/transitions`)
      .set(await as('sup-hc'))
      .send({ action: 'start_intervention', version: c.version });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('PLAN_INCOMPLETE');
    const approvalId = c.pendingApproval.id as string;
    const bySupervisor = await api.http
      .post(`/api/approvals/${approvalId}/decision`)
      .set(await as('sup-hc'))
      .send({ decision: 'approve', reason: '同意' });
    expect(bySupervisor.status).toBe(403);
    const byDistrict = await api.http
      .post(`/api/approvals/${approvalId}/decision`)
      .set(await as('district2'))
      .send({ decision: 'approve', reason: '民政部门决定临时监护' })
      .expect(200);
    expect(byDistrict.body.measures).toEqual([expect.objectContaining({ type: measure, status: 'planned' })]);
    expect(byDistrict.body.status).toBe('assessing');
    // Decided: an R3 plan starts at once.
    const started = await api.http
      .post(`/api/cases/${c.id}/transitions`)
      .set(await as('sup-hc'))
      .send({ action: 'start_intervention', version: byDistrict.body.version })
      .expect(200);
    expect(started.body.status).toBe('intervening');
  });

  it('an R3 plan without such a measure starts at once', async () => {
    const c = await plannedCase('counseling');
    const started = await api.http
      .post(`/api/cases/${c.id}/transitions`)
      .set(await as('sup-hc'))
      .send({ action: 'start_intervention', version: c.version })
      .expect(200);
    expect(started.body.status).toBe('intervening');
    expect(started.body.pendingApproval).toBeNull();
  });
});
