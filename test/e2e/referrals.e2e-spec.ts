/**
 * 协同办理 (domain.md §6, §8, §11; issue 13 item 3): referrals of a case to an agency,
 * answered and completed by its liaison, revoked by the caseworker; every step on the
 * case's timeline; answering and completing are deadlines that remind and escalate;
 * a case does not close on risk_resolved while a referral is open.
 *
 * Time is driven as in the deadline files, without waiting: a deadline's times are moved
 * back in PostgreSQL and the escalation steps the worker would run are called directly.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { EscalationService } from '@shouhu/deadlines';
import { CaseDetail, dataSourceOf, DAY, expectError, expectStatus, HOUR, isoAgo, isoIn, Res, useCaseBed } from '../helpers/cases';
import { createOtherDistrict } from '../helpers/database';
import { demoAgencyId } from '../helpers/factories';

interface Referral {
  id: string;
  caseId: string;
  caseNo: string;
  agencyId: string;
  service: string;
  note: string;
  status: string;
  respondBy: string;
  dueAt: string;
  [field: string]: unknown;
}

interface Deadline {
  id: string;
  kind: string;
  refKey: string;
  status: string;
  dueAt: string;
  escalationLevel: number;
  responsibleRole: string;
  closedAt: string | null;
}

const fieldsOf = (res: Res) => [...new Set(((res.body.details ?? []) as { field: string }[]).map((d) => d.field))];
/** Within a minute of each other (the server took its own now). */
const near = (iso: string, ms: number) => expect(Math.abs(Date.parse(iso) - ms)).toBeLessThan(60_000);

describe('referrals to agencies (e2e)', () => {
  const bed = useCaseBed();
  let db: DataSource;
  let police: string;
  let school: string;
  let hospital: string;

  beforeAll(async () => {
    db = dataSourceOf(bed.api);
    police = await demoAgencyId(bed.api, 'police');
    school = await demoAgencyId(bed.api, 'education');
    hospital = await demoAgencyId(bed.api, 'health');
  });

  /** A case of 新安街道's first community, accepted by sup-xa: assessing. */
  async function assessing(risk = 'R3', overrides: Record<string, unknown> = {}): Promise<CaseDetail> {
    const { cc, xa1, supId } = bed;
    const filed = await cc.file('dir-xa-01', xa1, { riskLevel: risk, ...overrides });
    return cc.act('sup-xa', filed, 'accept', { riskLevel: risk, assigneeId: supId });
  }

  const refer = (as: string, caseId: string, body: Record<string, unknown>) => bed.cc.post(as, `/api/cases/${caseId}/referrals`, body);
  async function referOk(caseId: string, body: Record<string, unknown> = {}, as = 'sup-xa'): Promise<Referral> {
    const res = await refer(as, caseId, { agencyId: police, service: '协助核查 (help check)', note: '请协助核查家庭情况。', ...body });
    expectStatus(res, 201);
    return res.body;
  }
  const respond = (as: string, id: string, body: Record<string, unknown>) => bed.cc.post(as, `/api/referrals/${id}/response`, body);
  const complete = (as: string, id: string, body: Record<string, unknown>) => bed.cc.post(as, `/api/referrals/${id}/completion`, body);
  const revoke = (as: string, id: string, body: Record<string, unknown>) => bed.cc.post(as, `/api/referrals/${id}/revocation`, body);

  async function deadlinesOf(caseId: string): Promise<Deadline[]> {
    const res = await bed.cc.get('district1', `/api/cases/${caseId}/deadlines`);
    expectStatus(res, 200);
    return res.body;
  }
  const deadlineOf = async (caseId: string, kind: string, refKey: string) => (await deadlinesOf(caseId)).find((d) => d.kind === kind && d.refKey === refKey);

  describe('the flow: pending → accepted → done', () => {
    it('a supervisor refers; the agency answers within 72 h (R3) and has 14 days by default; the liaison accepts and completes', async () => {
      const { cc } = bed;
      const c = await assessing('R3');
      const before = Date.now();
      const r = await referOk(c.id);
      expect(r).toMatchObject({ caseId: c.id, caseNo: c.caseNo, agencyId: police, status: 'pending', service: '协助核查 (help check)', measureId: null });
      near(r.respondBy, before + 72 * HOUR);
      near(r.dueAt, before + 14 * DAY);

      // The response deadline falls to the agency's liaisons.
      const response = await deadlineOf(c.id, 'referral_response', r.id);
      expect(response).toMatchObject({ status: 'pending', responsibleRole: 'agency_liaison', dueAt: r.respondBy });

      const inbox = await cc.get('liaison-police', '/api/referrals?status=pending');
      expectStatus(inbox, 200);
      expect((inbox.body.items as Referral[]).map((x) => x.id)).toContain(r.id);

      const accepted = await respond('liaison-police', r.id, { decision: 'accept' });
      expectStatus(accepted, 200);
      expect(accepted.body).toMatchObject({ id: r.id, status: 'accepted', respondedBy: await cc.userId('liaison-police') });
      expect((await deadlineOf(c.id, 'referral_response', r.id))?.status).toBe('met');
      expect(await deadlineOf(c.id, 'referral_completion', r.id)).toMatchObject({ status: 'pending', dueAt: r.dueAt, responsibleRole: 'agency_liaison' });

      const done = await complete('liaison-police', r.id, { outcome: '已完成家庭情况核查并反馈。' });
      expectStatus(done, 200);
      expect(done.body).toMatchObject({ status: 'done', outcome: '已完成家庭情况核查并反馈。', completedAt: expect.any(String) });
      expect((await deadlineOf(c.id, 'referral_completion', r.id))?.status).toBe('met');

      const events = (await cc.timeline('district1', c.id)).events.filter((e) => e.type.startsWith('referral.'));
      expect(events.map((e) => e.type)).toEqual(['referral.created', 'referral.accepted', 'referral.completed']);
      expect(events.map((e) => e.actor.role)).toEqual(['street_supervisor', 'agency_liaison', 'agency_liaison']);
      for (const e of events) expect(e.data).toMatchObject({ referralId: r.id, agencyId: police });
      // The timeline carries ids and times, never the referral's free text.
      expect(JSON.stringify(events)).not.toMatch(/协助核查|核查家庭|已完成家庭/);
      expect((await cc.timeline('district1', c.id)).verified).toBe(true);

      // Who referred it heard of each answer.
      const [{ n }]: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM notification WHERE case_id = $1 AND user_id = $2 AND kind IN ('referral.accepted', 'referral.done')`,
        [c.id, bed.supId],
      );
      expect(Number(n)).toBe(2);
    });

    it('R1 and R2 cases are answered within 24 h; a given due date and a measure of the case are kept; district staff refer too', async () => {
      const c = await assessing('R2', { categories: ['N03'], child: { birthDate: `${new Date().getUTCFullYear() - 12}-01-01` } });
      const withMeasure = await bed.cc.addMeasure('sup-xa', c.id, { type: 'medical', dueAt: isoIn(10 * DAY) });
      const measureId = (withMeasure.measures as { id: string }[])[0].id;
      const dueAt = isoIn(5 * DAY);
      const before = Date.now();
      const r = await referOk(c.id, { agencyId: hospital, measureId, dueAt }, 'district1');
      near(r.respondBy, before + 24 * HOUR);
      expect(Date.parse(r.dueAt)).toBe(Date.parse(dueAt));
      expect(r.measureId).toBe(measureId);
    });

    it('the liaison declines with a reason (the answer is in: the response deadline is met); declining needs a reason (400 naming reason)', async () => {
      const c = await assessing();
      const r = await referOk(c.id, { agencyId: school });
      const noReason = await respond('liaison-school', r.id, { decision: 'decline' });
      expectError(noReason, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(noReason)).toEqual(['reason']);
      expect(fieldsOf(await respond('liaison-school', r.id, { decision: 'decline', reason: '   ' }))).toEqual(['reason']);
      const declined = await respond('liaison-school', r.id, { decision: 'decline', reason: '该儿童不在本校就读。' });
      expectStatus(declined, 200);
      expect(declined.body).toMatchObject({ status: 'declined', declineReason: '该儿童不在本校就读。' });
      expect((await deadlineOf(c.id, 'referral_response', r.id))?.status).toBe('met');
      expect(await deadlineOf(c.id, 'referral_completion', r.id)).toBeUndefined();
      expect((await bed.cc.eventTypes('sup-xa', c.id)).filter((t) => t.startsWith('referral.'))).toEqual(['referral.created', 'referral.declined']);
    });

    it('the caseworker revokes a pending or an accepted referral: its deadlines are cancelled and the agency is told', async () => {
      const c = await assessing();
      // The case page offers revoking only while a referral is open; referring always, in these states.
      const before = (await bed.cc.detail('sup-xa', c.id)).allowedActions;
      expect(before).toContain('refer');
      expect(before).not.toContain('revoke_referral');
      const pending = await referOk(c.id);
      const accepted = await referOk(c.id, { agencyId: school });
      expectStatus(await respond('liaison-school', accepted.id, { decision: 'accept' }), 200);
      expect((await bed.cc.detail('sup-xa', c.id)).allowedActions).toContain('revoke_referral');
      for (const r of [pending, accepted]) {
        const res = await revoke('sup-xa', r.id, { reason: '已由社区自行安排。' });
        expectStatus(res, 200);
        expect(res.body).toMatchObject({ status: 'revoked', revokeReason: '已由社区自行安排。', revokedBy: bed.supId });
      }
      expect((await deadlineOf(c.id, 'referral_response', pending.id))?.status).toBe('cancelled');
      expect((await deadlineOf(c.id, 'referral_completion', accepted.id))?.status).toBe('cancelled');
      const liaison = await bed.cc.userId('liaison-police');
      const [{ n }]: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM notification WHERE case_id = $1 AND user_id = $2 AND kind = 'referral.revoked'`,
        [c.id, liaison],
      );
      expect(Number(n)).toBe(1);
      expect((await bed.cc.eventTypes('sup-xa', c.id)).filter((t) => t === 'referral.revoked')).toHaveLength(2);
      expect((await bed.cc.detail('sup-xa', c.id)).allowedActions).not.toContain('revoke_referral');
    });
  });

  describe('every refusal, with its code', () => {
    it('only supervisors and district staff refer (403 for the director, leadership, hotline, liaison and admin)', async () => {
      const c = await assessing();
      for (const as of ['dir-xa-01', 'leader', 'hotline', 'liaison-police', 'admin']) {
        expectError(await refer(as, c.id, { agencyId: police, service: 's', note: 'n' }), 403, 'FORBIDDEN');
      }
    });

    it('a case outside the caller’s scope, or none, is not found (404); a case not yet accepted refuses (409 INVALID_TRANSITION)', async () => {
      const c = await assessing();
      expectError(await refer('sup-xx', c.id, { agencyId: police, service: 's', note: 'n' }), 404, 'NOT_FOUND');
      expectError(await refer('sup-xa', randomUUID(), { agencyId: police, service: 's', note: 'n' }), 404, 'NOT_FOUND');
      const submitted = await bed.cc.file('dir-xa-01', bed.xa1);
      expectError(await refer('sup-xa', submitted.id, { agencyId: police, service: 's', note: 'n' }), 409, 'INVALID_TRANSITION');
    });

    it('the agency must be an active agency of the case’s district, the measure one of the case (422 naming the field)', async () => {
      const c = await assessing();
      const unknown = await refer('sup-xa', c.id, { agencyId: randomUUID(), service: 's', note: 'n' });
      expectError(unknown, 422, 'RULE_VIOLATION');
      expect(fieldsOf(unknown)).toEqual(['agencyId']);

      const other = await createOtherDistrict(db);
      try {
        const elsewhereAgency = await refer('sup-xa', c.id, { agencyId: other.agency.id, service: 's', note: 'n' });
        expectError(elsewhereAgency, 422, 'RULE_VIOLATION');
        expect(fieldsOf(elsewhereAgency)).toEqual(['agencyId']);
      } finally {
        await other.remove();
      }

      const created = await bed.api.http
        .post('/api/agencies')
        .set({ Authorization: `Bearer ${await bed.cc.token('admin')}` })
        .send({ kind: 'other', name: `停用单位-${randomUUID().slice(0, 8)}` });
      expectStatus(created, 201);
      await bed.api.http
        .patch(`/api/agencies/${created.body.id}`)
        .set({ Authorization: `Bearer ${await bed.cc.token('admin')}` })
        .send({ active: false });
      const inactive = await refer('sup-xa', c.id, { agencyId: created.body.id, service: 's', note: 'n' });
      expectError(inactive, 422, 'RULE_VIOLATION');
      expect(fieldsOf(inactive)).toEqual(['agencyId']);

      const elsewhere = await assessing();
      const withMeasure = await bed.cc.addMeasure('sup-xa', elsewhere.id);
      const foreignMeasure = await refer('sup-xa', c.id, {
        agencyId: police,
        service: 's',
        note: 'n',
        measureId: (withMeasure.measures as { id: string }[])[0].id,
      });
      expectError(foreignMeasure, 422, 'RULE_VIOLATION');
      expect(fieldsOf(foreignMeasure)).toEqual(['measureId']);
    });

    it('names the field of bad input (400): missing or too long service and note, a bad id or date, a past due date, an unknown field', async () => {
      const c = await assessing();
      const ok = { agencyId: police, service: 's', note: 'n' };
      const cases: [Record<string, unknown>, string][] = [
        [{ ...ok, service: undefined }, 'service'],
        [{ ...ok, service: '服'.repeat(101) }, 'service'],
        [{ ...ok, note: '' }, 'note'],
        [{ ...ok, note: '注'.repeat(2001) }, 'note'],
        [{ ...ok, agencyId: 'police' }, 'agencyId'],
        [{ ...ok, measureId: 'x' }, 'measureId'],
        [{ ...ok, dueAt: 'tomorrow' }, 'dueAt'],
        [{ ...ok, dueAt: isoAgo(HOUR) }, 'dueAt'],
      ];
      for (const [body, field] of cases) {
        const res = await refer('sup-xa', c.id, body);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(fieldsOf(res)).toEqual([field]);
      }
      expectError(await refer('sup-xa', c.id, { ...ok, reporterName: 'x' }), 400, 'VALIDATION_FAILED');
    });

    it('each step only from the states the flow allows (409 INVALID_TRANSITION)', async () => {
      const c = await assessing();
      const r = await referOk(c.id);
      expectError(await complete('liaison-police', r.id, { outcome: '完成' }), 409, 'INVALID_TRANSITION');
      expectStatus(await respond('liaison-police', r.id, { decision: 'accept' }), 200);
      expectError(await respond('liaison-police', r.id, { decision: 'decline', reason: '改变主意' }), 409, 'INVALID_TRANSITION');
      expectStatus(await complete('liaison-police', r.id, { outcome: '完成' }), 200);
      expectError(await complete('liaison-police', r.id, { outcome: '再次完成' }), 409, 'INVALID_TRANSITION');
      expectError(await revoke('sup-xa', r.id, { reason: '撤回' }), 409, 'INVALID_TRANSITION');
      const declined = await referOk(c.id, { agencyId: school });
      expectStatus(await respond('liaison-school', declined.id, { decision: 'decline', reason: '不属本单位' }), 200);
      expectError(await revoke('sup-xa', declined.id, { reason: '撤回' }), 409, 'INVALID_TRANSITION');
    });

    it('answers, completions and revocations name their field (400) and keep to their roles (403) and reach (404)', async () => {
      const c = await assessing();
      const r = await referOk(c.id);
      expect(fieldsOf(await respond('liaison-police', r.id, { decision: 'maybe' }))).toEqual(['decision']);
      expect(fieldsOf(await revoke('sup-xa', r.id, {}))).toEqual(['reason']);
      expect(fieldsOf(await revoke('sup-xa', r.id, { reason: '撤'.repeat(501) }))).toEqual(['reason']);
      expectError(await respond('sup-xa', r.id, { decision: 'accept' }), 403, 'FORBIDDEN');
      expectError(await complete('district1', r.id, { outcome: 'x' }), 403, 'FORBIDDEN');
      expectError(await revoke('liaison-police', r.id, { reason: 'x' }), 403, 'FORBIDDEN');
      expectError(await revoke('dir-xa-01', r.id, { reason: 'x' }), 403, 'FORBIDDEN');
      expectError(await revoke('leader', r.id, { reason: 'x' }), 403, 'FORBIDDEN');
      // Another agency's liaison and another street's supervisor: as for no referral at all.
      expectError(await respond('liaison-school', r.id, { decision: 'accept' }), 404, 'NOT_FOUND');
      expectError(await respond('liaison-police', randomUUID(), { decision: 'accept' }), 404, 'NOT_FOUND');
      expectError(await revoke('sup-xx', r.id, { reason: 'x' }), 404, 'NOT_FOUND');
      expectError(await bed.cc.get('sup-xx', `/api/referrals/${r.id}`), 404, 'NOT_FOUND');
      expectStatus(await respond('liaison-police', r.id, { decision: 'accept' }), 200);
      expect(fieldsOf(await complete('liaison-police', r.id, {}))).toEqual(['outcome']);
      expect(fieldsOf(await complete('liaison-police', r.id, { outcome: '果'.repeat(2001) }))).toEqual(['outcome']);
      expectError(await bed.cc.get('sup-xa', '/api/referrals/not-a-uuid'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('lists', () => {
    it('caseworkers see the referrals of cases in their scope, filtered by case and status, page by page; other streets see none of them', async () => {
      const { cc } = bed;
      const c = await assessing();
      const a = await referOk(c.id);
      const b = await referOk(c.id, { agencyId: school });
      expectStatus(await respond('liaison-school', b.id, { decision: 'accept' }), 200);

      const all = await cc.get('sup-xa', `/api/referrals?caseId=${c.id}`);
      expectStatus(all, 200);
      expect((all.body.items as Referral[]).map((x) => x.id)).toEqual([b.id, a.id]);
      const accepted = await cc.get('dir-xa-01', `/api/referrals?caseId=${c.id}&status=accepted`);
      expect((accepted.body.items as Referral[]).map((x) => x.id)).toEqual([b.id]);
      const several = await cc.get('leader', `/api/referrals?caseId=${c.id}&status=pending,accepted`);
      expect((several.body.items as Referral[]).map((x) => x.id)).toEqual([b.id, a.id]);

      const first = await cc.get('district1', `/api/referrals?caseId=${c.id}&limit=1`);
      expect((first.body.items as Referral[]).map((x) => x.id)).toEqual([b.id]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await cc.get('district1', `/api/referrals?caseId=${c.id}&limit=1&cursor=${first.body.nextCursor}`);
      expect((second.body.items as Referral[]).map((x) => x.id)).toEqual([a.id]);
      expect(second.body.nextCursor).toBeNull();

      const elsewhere = await cc.get('sup-xx', `/api/referrals?caseId=${c.id}`);
      expect(elsewhere.body.items).toEqual([]);
      // Lists mask the child's name (domain.md §9).
      expect((all.body.items as Referral[])[0].childDisplayName).toMatch(/\*/);
    });

    it('refuses a bad status, limit or cursor (400 naming it), and the roles that read no referrals (403)', async () => {
      const { cc } = bed;
      expect(fieldsOf(await cc.get('sup-xa', '/api/referrals?status=open'))).toEqual(['status']);
      expect(fieldsOf(await cc.get('sup-xa', '/api/referrals?limit=0'))).toEqual(['limit']);
      expect(fieldsOf(await cc.get('sup-xa', '/api/referrals?limit=201'))).toEqual(['limit']);
      expect(fieldsOf(await cc.get('sup-xa', '/api/referrals?cursor=abc'))).toEqual(['cursor']);
      expectError(await cc.get('admin', '/api/referrals'), 403, 'FORBIDDEN');
      expectError(await cc.get('hotline', '/api/referrals'), 403, 'FORBIDDEN');
    });
  });

  describe('deadlines: an unanswered referral reminds the agency and escalates', () => {
    it('reminds the agency’s liaisons (no other agency’s), breaches to the street supervisor, then district leadership; an answer closes it', async () => {
      const { cc, api } = bed;
      const escalation = api.app.get(EscalationService);
      const c = await assessing();
      const r = await referOk(c.id);
      const d = (await deadlineOf(c.id, 'referral_response', r.id)) as Deadline;
      const police1 = await cc.userId('liaison-police');
      const schoolLiaison = await cc.userId('liaison-school');
      const leader = await cc.userId('leader');
      const notified = async (kind: string): Promise<string[]> =>
        (await db.query(`SELECT user_id FROM notification WHERE case_id = $1 AND kind = $2`, [c.id, kind])).map((x: { user_id: string }) => x.user_id);

      // Time passes: the reminder is due (the window keeps its length).
      await db.query(`UPDATE deadline SET remind_at = now() - interval '1 second' WHERE id = $1`, [d.id]);
      expect(await escalation.remind(d.id)).toBe('done');
      // Every active liaison of the police station (other test files add some of their own), and only they.
      const policeLiaisons: string[] = (
        await db.query(
          `SELECT u.id FROM "user" u JOIN referral r ON r.agency_id = u.agency_id WHERE r.id = $1 AND u.role = 'agency_liaison' AND u.active AND u.status = 'active'`,
          [r.id],
        )
      ).map((x: { id: string }) => x.id);
      expect(policeLiaisons).toContain(police1);
      expect((await notified('deadline.reminder')).sort()).toEqual(policeLiaisons.sort());
      expect(await notified('deadline.reminder')).not.toContain(schoolLiaison);

      await db.query(`UPDATE deadline SET due_at = now() - interval '1 second' WHERE id = $1`, [d.id]);
      expect(await escalation.breach(d.id)).toBe('done');
      expect(await escalation.breach(d.id)).toBe('noop');
      const breached = await notified('deadline.breached');
      expect(breached).toEqual(expect.arrayContaining([police1, bed.supId]));
      expect(breached).not.toContain(schoolLiaison);
      const breachEvent = (await cc.timeline('district1', c.id)).events.find((e) => e.type === 'deadline.breached');
      expect(breachEvent?.data).toMatchObject({
        deadlineId: d.id,
        kind: 'referral_response',
        responsibleRole: 'agency_liaison',
        escalatedTo: 'street_supervisor',
      });

      await db.query(`UPDATE deadline SET second_stage_at = now() - interval '1 second' WHERE id = $1`, [d.id]);
      expect(await escalation.secondStage(d.id)).toBe('done');
      expect(await notified('deadline.escalated')).toContain(leader);
      expect((await deadlineOf(c.id, 'referral_response', r.id))?.escalationLevel).toBe(2);

      // A late answer still closes the breached deadline and starts the completion deadline.
      expectStatus(await respond('liaison-police', r.id, { decision: 'accept' }), 200);
      const after = (await deadlineOf(c.id, 'referral_response', r.id)) as Deadline;
      expect(after.status).toBe('breached');
      expect(after.closedAt).toEqual(expect.any(String));
      expect((await deadlineOf(c.id, 'referral_completion', r.id))?.status).toBe('pending');
    });

    it('an accepted referral not done by its due date breaches too', async () => {
      const { cc, api } = bed;
      const escalation = api.app.get(EscalationService);
      const c = await assessing();
      const r = await referOk(c.id, { agencyId: school });
      expectStatus(await respond('liaison-school', r.id, { decision: 'accept' }), 200);
      const d = (await deadlineOf(c.id, 'referral_completion', r.id)) as Deadline;
      await db.query(`UPDATE deadline SET due_at = now() - interval '1 second' WHERE id = $1`, [d.id]);
      await db.query(`UPDATE referral SET due_at = now() - interval '1 second' WHERE id = $1`, [r.id]);
      expect(await escalation.breach(d.id)).toBe('done');
      expect((await deadlineOf(c.id, 'referral_completion', r.id))?.status).toBe('breached');
      const [{ n }]: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM notification WHERE case_id = $1 AND kind = 'deadline.breached' AND user_id = $2`,
        [c.id, await cc.userId('liaison-school')],
      );
      expect(Number(n)).toBe(1);
      const listed = await cc.get('liaison-school', `/api/referrals/${r.id}`);
      expect(listed.body.overdue).toBe(true);
    });
  });

  describe('closure (domain.md §8)', () => {
    /** A case in follow-up with every other closure condition met. */
    async function readyToClose(): Promise<CaseDetail> {
      const { cc } = bed;
      const c = await assessing('R3');
      await cc.assess('sup-xa', c.id, 'R3');
      let d = await cc.addMeasure('sup-xa', c.id);
      d = await cc.act('sup-xa', d, 'start_intervention');
      d = await cc.closeMeasure('sup-xa', c.id, (d.measures as { id: string }[])[0].id);
      await cc.act('sup-xa', d, 'begin_follow_up');
      return cc.meetClosureConditions('sup-xa', c.id);
    }

    it('a risk_resolved closure is refused while a referral is pending or accepted (422 naming measures_finished), and allowed once it is declined', async () => {
      const { cc } = bed;
      let c = await readyToClose();
      const r = await referOk(c.id);
      c = await cc.detail('dir-xa-01', c.id);
      const refused = await cc.transitionRaw('dir-xa-01', c.id, { action: 'request_closure', version: c.version, closureReason: 'risk_resolved' });
      expectError(refused, 422, 'CLOSURE_CONDITIONS_UNMET');
      expect(fieldsOf(refused)).toEqual(['measures_finished']);
      expect(JSON.stringify(refused.body.details)).toMatch(/1 referral\(s\) still open/);

      expectStatus(await respond('liaison-police', r.id, { decision: 'accept' }), 200);
      c = await cc.detail('dir-xa-01', c.id);
      expectError(
        await cc.transitionRaw('dir-xa-01', c.id, { action: 'request_closure', version: c.version, closureReason: 'risk_resolved' }),
        422,
        'CLOSURE_CONDITIONS_UNMET',
      );

      expectStatus(await complete('liaison-police', r.id, { outcome: '已完成。' }), 200);
      c = await cc.detail('dir-xa-01', c.id);
      const asked = await cc.transitionRaw('dir-xa-01', c.id, { action: 'request_closure', version: c.version, closureReason: 'risk_resolved' });
      expectStatus(asked, 200);
      expect(asked.body.pendingApproval).toMatchObject({ kind: 'closure' });
    });

    it('a case that closes (moved_away) revokes what agencies still hold, each on the timeline, and their deadlines close', async () => {
      const { cc } = bed;
      let c = await assessing('R3');
      const pending = await referOk(c.id);
      const accepted = await referOk(c.id, { agencyId: school });
      const declined = await referOk(c.id, { agencyId: hospital });
      expectStatus(await respond('liaison-school', accepted.id, { decision: 'accept' }), 200);
      expectStatus(await respond('liaison-hospital', declined.id, { decision: 'decline', reason: '不属本单位' }), 200);
      c = await cc.detail('dir-xa-01', c.id);
      c = await cc.act('dir-xa-01', c, 'request_closure', { closureReason: 'moved_away', reason: '儿童随父母迁出本区。' });
      const approval = c.pendingApproval as { id: string };
      const decided = await cc.post('sup-xa', `/api/approvals/${approval.id}/decision`, { decision: 'approve', reason: '同意' });
      expectStatus(decided, 200);
      expect(decided.body.status).toBe('closed');

      const list = await cc.get('sup-xa', `/api/referrals?caseId=${c.id}`);
      const status = new Map((list.body.items as Referral[]).map((x) => [x.id, x]));
      expect(status.get(pending.id)).toMatchObject({ status: 'revoked', revokedBy: null, revokeReason: expect.stringContaining('结案') });
      expect(status.get(accepted.id)?.status).toBe('revoked');
      expect(status.get(declined.id)?.status).toBe('declined');
      const revokedEvents = (await cc.timeline('sup-xa', c.id)).events.filter((e) => e.type === 'referral.revoked');
      expect(revokedEvents.map((e) => e.data.referralId).sort()).toEqual([pending.id, accepted.id].sort());
      expect(revokedEvents.every((e) => e.data.atClosure === true && e.actor.role === 'system')).toBe(true);
      const open = (await deadlinesOf(c.id)).filter((d) => d.kind.startsWith('referral_') && d.status === 'pending');
      expect(open).toEqual([]);
      // The liaison can no longer answer it.
      expectError(await complete('liaison-school', accepted.id, { outcome: '完成' }), 409, 'INVALID_TRANSITION');
    });
  });
});
