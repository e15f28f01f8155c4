/**
 * Decisions the district takes whatever the risk level: a plan with temporary
 * guardianship (临时监护, 未成年人保护法 Art.92) or a guardianship revocation
 * (撤销监护资格, Art.108) waits for district staff, even on an R3/R4 case.
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

  it.each(['temporary_guardianship', 'revoke_guardianship'])('an R3 plan with %s waits for district staff', async (measure) => {
    const c = await plannedCase(measure);
    const started = await api.http
      .post(`/api/cases/${c.id}/transitions`)
      .set(await as('sup-hc'))
      .send({ action: 'start_intervention', version: c.version })
      .expect(200);
    expect(started.body.status).toBe('assessing');
    expect(started.body.pendingApproval).toMatchObject({ kind: 'start_intervention', decidedByRole: 'district_staff', status: 'pending' });
    const approvalId = started.body.pendingApproval.id as string;
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
    expect(byDistrict.body.status).toBe('intervening');
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
