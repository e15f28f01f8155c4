/**
 * 一门受理 (issue 13, item 1; domain.md §1): the 12345-6 hotline files for any community of its
 * district, or files an unlocated report (communityId null + report.location) that district
 * staff find with ?unlocated=true and route with `transfer`; the hotline sees only what it
 * filed, until a supervisor accepts it.
 */
import { randomBytes } from 'node:crypto';
import { Role } from '@shouhu/access';
import { CaseTransitionsService } from '@shouhu/cases';
import {
  CaseDetail,
  caseBody,
  createTree,
  dataSourceOf,
  expectError,
  expectStatus,
  HOUR,
  isoAgo,
  nationalId,
  randomBirthDate,
  TestTree,
  uniqueChildName,
  useCaseBed,
} from '../helpers/cases';

interface DeadlineRow {
  kind: string;
  status: string;
  dueAt: string;
  responsibleRole: string;
}

describe('hotline intake (e2e)', () => {
  const bed = useCaseBed();
  let other: TestTree;

  beforeAll(async () => {
    other = await createTree(dataSourceOf(bed.api), { streets: { a: 1 }, users: { staff: 'district', dir: 'a-1' } });
    bed.cc.addTree(other);
  });

  /** A body for an unlocated hotline report (no community; where it happened, as the caller said). */
  const unlocatedBody = (overrides: Record<string, unknown> = {}) => {
    const body = caseBody('placeholder', { report: { reporterType: undefined, location: `宝安区某公园东门${randomBytes(2).toString('hex')}` }, ...overrides });
    body.communityId = null;
    return body;
  };

  async function fileUnlocated(overrides: Record<string, unknown> = {}): Promise<CaseDetail> {
    const res = await bed.cc.post('hotline', '/api/cases', unlocatedBody(overrides));
    expectStatus(res, 201);
    return res.body;
  }

  async function deadlines(as: string, id: string): Promise<DeadlineRow[]> {
    const res = await bed.cc.get(as, `/api/cases/${id}/deadlines`);
    expectStatus(res, 200);
    return res.body;
  }

  const listIds = async (as: string, query: Record<string, string> = {}) => (await bed.cc.listAll(as, query)).map((c) => c.id);

  describe('filing', () => {
    it('files for any community of its district (201), as reporter type hotline unless it says otherwise', async () => {
      const inXa = await bed.cc.post('hotline', '/api/cases', caseBody(bed.xa1, { report: { reporterType: undefined } }));
      expectStatus(inXa, 201);
      expect(inXa.body).toMatchObject({ status: 'submitted', communityId: bed.xa1, streetId: bed.ids.street('xa'), linkedToExisting: false });
      expect(inXa.body.reports[0].reporterType).toBe('hotline');

      const inHc = await bed.cc.post('hotline', '/api/cases', caseBody(bed.ids.community('hc', 2), { report: { reporterType: 'public' } }));
      expectStatus(inHc, 201);
      expect(inHc.body).toMatchObject({ communityId: bed.ids.community('hc', 2), streetId: bed.ids.street('hc') });
      expect(inHc.body.reports[0].reporterType).toBe('public');

      // null states nothing either.
      const unstated = await bed.cc.post('hotline', '/api/cases', caseBody(bed.xa1, { report: { reporterType: null } }));
      expectStatus(unstated, 201);
      expect(unstated.body.reports[0].reporterType).toBe('hotline');
    });

    it('anyone else still states the reporter type (400 naming report.reporterType)', async () => {
      const res = await bed.cc.post('dir-xa-01', '/api/cases', caseBody(bed.xa1, { report: { reporterType: undefined } }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['report.reporterType']);
    });

    it('another district’s community gets the answer of an unknown one (404 naming communityId)', async () => {
      const foreign = await bed.cc.post('hotline', '/api/cases', caseBody(other.communities['a-1']));
      const unknown = await bed.cc.post('hotline', '/api/cases', caseBody('00000000-0000-4000-8000-000000000000'));
      expectError(foreign, 404, 'NOT_FOUND');
      expectError(unknown, 404, 'NOT_FOUND');
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(foreign.body)).toEqual(strip(unknown.body));
      expect(foreign.body.details).toEqual([{ field: 'communityId', message: expect.any(String) }]);
      // A street is no community either.
      expectError(await bed.cc.post('hotline', '/api/cases', caseBody(bed.ids.street('xa'))), 404, 'NOT_FOUND');
    });

    it('an unlocated report needs report.location (400 naming it), missing or blank', async () => {
      for (const location of [undefined, '', '   ']) {
        const res = await bed.cc.post('hotline', '/api/cases', unlocatedBody({ report: { reporterType: undefined, location } }));
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['report.location']);
      }
    });

    it('only the hotline files unlocated reports: a director or district staff gets 400 naming communityId', async () => {
      for (const who of ['dir-xa-01', 'district1']) {
        const res = await bed.cc.post(who, '/api/cases', unlocatedBody({ report: { reporterType: 'public', location: '某处' } }));
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['communityId']);
      }
    });

    it('no 500 for malformed input', async () => {
      const bodies: unknown[] = [
        { ...unlocatedBody(), communityId: 123 },
        { ...unlocatedBody(), communityId: 'not-a-uuid' },
        { ...unlocatedBody(), communityId: {} },
        { ...unlocatedBody(), communityId: [null] },
        { ...unlocatedBody(), communityId: undefined },
        { ...unlocatedBody(), report: null },
        { ...unlocatedBody(), report: 'x' },
        unlocatedBody({ report: { location: 7 } }),
        unlocatedBody({ report: { location: '长'.repeat(201) } }),
        unlocatedBody({ report: { location: ['公园'] } }),
        unlocatedBody({ report: { reporterType: 'hotline_intake', location: '公园' } }),
        [],
        null,
      ];
      for (const body of bodies) {
        const res = await bed.cc.post('hotline', '/api/cases', body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.details.length).toBeGreaterThan(0);
      }
      for (const q of ['unlocated=yes', 'unlocated=', 'unlocated=true&unlocated=false', 'unlocated[a]=1']) {
        const res = await bed.cc.get('district1', `/api/cases?${q}`);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.some((d: { field: string }) => d.field.startsWith('unlocated'))).toBe(true);
      }
    });
  });

  describe('an unlocated report from filing to acceptance', () => {
    let c: CaseDetail;
    let acceptDue: string;

    beforeAll(async () => {
      c = await fileUnlocated({ categories: ['N04'], riskLevel: 'R3' });
    });

    it('is a case of the district without community or street, filed as hotline, the report keeping the place', async () => {
      expect(c).toMatchObject({ status: 'submitted', communityId: null, streetId: null, districtId: bed.ids.districtId, relatedCaseIds: [] });
      expect(c.reports[0]).toMatchObject({ reporterType: 'hotline', location: expect.stringContaining('宝安区某公园东门') });
      expect(c.allowedActions).not.toContain('accept');
    });

    it('while unlocated the accept-report deadline is district staff’s, and district staff are told of it', async () => {
      const accept = (await deadlines('district1', c.id)).filter((d) => d.kind === 'accept_report');
      expect(accept).toEqual([expect.objectContaining({ status: 'pending', responsibleRole: 'district_staff' })]);
      acceptDue = accept[0].dueAt;
      const res = await bed.cc.get('district1', '/api/notifications');
      expectStatus(res, 200);
      const told = (res.body.items as { kind: string; caseId: string; title: string; body: string }[]).filter((n) => n.caseId === c.id);
      expect(told.map((n) => n.kind)).toContain('case.unlocated_report');
      // The notice names no child and no place.
      for (const n of told) expect(`${n.title} ${n.body}`).not.toContain(c.reports[0].location);
    });

    it('district staff see it in ?unlocated=true (and not in ?unlocated=false); the leader reads it too', async () => {
      expect(await listIds('district1', { unlocated: 'true' })).toContain(c.id);
      expect(await listIds('district1', { unlocated: 'false' })).not.toContain(c.id);
      const unlocated = await bed.cc.listAll('district1', { unlocated: 'true' });
      for (const row of unlocated) expect(row).toMatchObject({ communityId: null, streetId: null });
      const mine = unlocated.find((row) => row.id === c.id);
      expect(mine).toMatchObject({ nextDeadline: { kind: 'accept_report' } });
      expect(await listIds('leader', { unlocated: 'true' })).toContain(c.id);
      const detail = await bed.cc.detail('district1', c.id);
      expect(detail.allowedActions).toContain('transfer');
      expect(detail.allowedActions).not.toContain('accept');
      // The place as told is read like the child's address: the read is in the access log.
      const reads: { fields: string[] }[] = await dataSourceOf(bed.api).query(
        `SELECT a.fields FROM access_log a JOIN "user" u ON u.id = a.actor_id WHERE a.case_id = $1 AND u.username = 'district1'`,
        [c.id],
      );
      expect(reads.length).toBeGreaterThan(0);
      for (const r of reads) expect(r.fields).toContain('reports.location');
    });

    it('supervisors and directors never see it (list and read)', async () => {
      for (const who of ['sup-xa', 'sup-hc', 'dir-xa-01']) {
        expect(await listIds(who)).not.toContain(c.id);
        expect(await listIds(who, { unlocated: 'true' })).toEqual([]);
        expectError(await bed.cc.get(who, `/api/cases/${c.id}`), 404, 'NOT_FOUND');
        expectError(await bed.cc.transitionRaw(who, c.id, { action: 'accept', version: c.version, riskLevel: 'R3', assigneeId: bed.supId }), 404, 'NOT_FOUND');
      }
    });

    it('cannot be accepted until routed: 422 RULE_VIOLATION naming communityId, even for a caller whose scope covers it', async () => {
      // No HTTP caller who may accept can see an unlocated case; the service still refuses on its own.
      const transitions = bed.api.app.get(CaseTransitionsService);
      const district = await bed.cc.detail('district1', c.id);
      const actor = {
        id: bed.supId,
        username: 'sup-xa',
        role: Role.StreetSupervisor,
        jurisdictionId: bed.ids.districtId,
        level: 'district',
        districtId: bed.ids.districtId,
        streetId: null,
        communityId: null,
      } as Parameters<CaseTransitionsService['transition']>[0];
      await expect(
        transitions.transition(actor, c.id, { action: 'accept', version: district.version, riskLevel: 'R3', assigneeId: bed.supId } as never),
      ).rejects.toMatchObject({ code: 'RULE_VIOLATION', details: [{ field: 'communityId', message: expect.any(String) }] });
    });

    it('the hotline sees its own report until acceptance', async () => {
      expect((await bed.cc.detail('hotline', c.id)).id).toBe(c.id);
      expect(await listIds('hotline')).toContain(c.id);
    });

    it('district staff route it with transfer; the accept deadline moves to the street supervisor with the same due time', async () => {
      const current = await bed.cc.detail('district1', c.id);
      const routed = await bed.cc.act('district1', current, 'transfer', { communityId: bed.xa1, reason: '来电人补充了地址 (the caller gave the address)' });
      expect(routed).toMatchObject({ status: 'submitted', communityId: bed.xa1, streetId: bed.ids.street('xa') });
      const accept = (await deadlines('district1', c.id)).filter((d) => d.kind === 'accept_report');
      const pending = accept.filter((d) => d.status === 'pending');
      expect(pending).toEqual([expect.objectContaining({ responsibleRole: 'street_supervisor', dueAt: acceptDue })]);
      expect(accept.filter((d) => d.status !== 'pending')).toEqual([expect.objectContaining({ status: 'cancelled', responsibleRole: 'district_staff' })]);
      expect(await listIds('district1', { unlocated: 'true' })).not.toContain(c.id);
      const event = (await bed.cc.timeline('district1', c.id)).events.find((e) => e.type === 'case.transferred');
      expect(event?.data).toMatchObject({ fromCommunityId: null, toCommunityId: bed.xa1 });
    });

    it('then the street supervisor sees it and accepts it; from then on the hotline gets 404', async () => {
      expect(await listIds('sup-xa')).toContain(c.id);
      expect(await listIds('hotline')).toContain(c.id);
      const current = await bed.cc.detail('sup-xa', c.id);
      expect(current.allowedActions).toContain('accept');
      const accepted = await bed.cc.act('sup-xa', current, 'accept', { riskLevel: 'R3', assigneeId: bed.supId });
      expect(accepted.status).toBe('assessing');
      expectError(await bed.cc.get('hotline', `/api/cases/${c.id}`), 404, 'NOT_FOUND');
      expect(await listIds('hotline')).not.toContain(c.id);
      expectError(await bed.cc.post('hotline', `/api/cases/${c.id}/police`, { reportedAt: isoAgo(HOUR) }), 404, 'NOT_FOUND');
      expectError(
        await bed.cc.post('hotline', `/api/cases/${c.id}/guardians`, { name: '王某', relation: 'father', livesWithChild: true, suspectedPerpetrator: false }),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('the hotline’s own drafts and work before acceptance', () => {
    it('files an unlocated draft, completes and submits it; the accept deadline then is district staff’s', async () => {
      const draft = await fileUnlocated({ submit: false, report: { reporterType: undefined, location: '某小区', narrative: undefined } });
      expect(draft).toMatchObject({ status: 'draft', communityId: null });
      const withGuardian = await bed.cc.post('hotline', `/api/cases/${draft.id}/guardians`, {
        name: '王某',
        relation: 'father',
        livesWithChild: true,
        suspectedPerpetrator: false,
      });
      expectStatus(withGuardian, 200);
      const submitted = await bed.cc.act('hotline', withGuardian.body, 'submit', { narrative: '来电人称儿童长期无人照看。' });
      expect(submitted.status).toBe('submitted');
      const accept = (await deadlines('district1', draft.id)).filter((d) => d.kind === 'accept_report' && d.status === 'pending');
      expect(accept).toEqual([expect.objectContaining({ responsibleRole: 'district_staff' })]);
      // The workflow table still bounds it: the hotline may not route or accept.
      expectError(
        await bed.cc.transitionRaw('hotline', draft.id, { action: 'transfer', version: submitted.version, communityId: bed.xa1, reason: 'x' }),
        403,
        'FORBIDDEN',
      );
    });

    it('a supervisor’s return keeps it the hotline’s to complete (returned is before acceptance), the reason on its timeline', async () => {
      const filed = await bed.cc.file('hotline', bed.xa1, { report: { reporterType: undefined } });
      const returned = await bed.cc.act('sup-xa', await bed.cc.detail('sup-xa', filed.id), 'return', { reason: '请补充来电人联系方式' });
      expect(returned.status).toBe('returned');
      const timeline = await bed.cc.get('hotline', `/api/cases/${filed.id}/timeline`);
      expect(timeline.status).toBe(200);
      const returnedEvent = (timeline.body.events as { type: string; data: { reason?: string } }[]).find((e) => e.type === 'case.returned');
      expect(returnedEvent?.data.reason).toBe('请补充来电人联系方式');
      const own = await bed.cc.detail('hotline', filed.id);
      expect(own.allowedActions).toContain('submit');
      expect((await bed.cc.act('hotline', own, 'submit')).status).toBe('submitted');
    });
  });

  describe('the hotline never sees other people’s cases', () => {
    it('not a director’s case of its district, nor district staff’s (list, read, write: 404)', async () => {
      const byDirector = await bed.cc.file('dir-xa-01', bed.xa1);
      const byDistrict = await bed.cc.file('district1', bed.ids.community('xx', 0));
      const own = await fileUnlocated();
      const visible = await listIds('hotline');
      for (const c of [byDirector, byDistrict]) {
        expect(visible).not.toContain(c.id);
        expectError(await bed.cc.get('hotline', `/api/cases/${c.id}`), 404, 'NOT_FOUND');
        expectError(await bed.cc.get('hotline', `/api/cases/${c.id}/timeline`), 404, 'NOT_FOUND');
        expectError(await bed.cc.post('hotline', `/api/cases/${c.id}/police`, { reportedAt: isoAgo(HOUR) }), 404, 'NOT_FOUND');
        expectError(await bed.cc.transitionRaw('hotline', c.id, { action: 'submit', version: c.version }), 404, 'NOT_FOUND');
      }
      // Everything the hotline lists is its own, before acceptance.
      const hotlineId = await bed.cc.userId('hotline');
      for (const row of await bed.cc.listAll('hotline')) {
        expect(['draft', 'submitted', 'returned']).toContain(row.status);
        expect((await bed.cc.detail('hotline', row.id)).reports[0].filedById).toBe(hotlineId);
      }
      expect(visible).toContain(own.id);
    });

    it('a filing for a child who already has a case reveals nothing: plain 201, linked on the server side', async () => {
      for (const located of [true, false]) {
        const birthDate = randomBirthDate();
        const child = { name: uniqueChildName(), sex: 'female', birthDate, idNumber: nationalId(birthDate), address: '真实地址9号', school: '真实学校' };
        const existing = await bed.cc.file('dir-xa-01', bed.xa1, { child });
        const call = { ...child, address: '来电地址', school: undefined };
        const body = located ? caseBody(bed.xa1, { child: call, report: { reporterType: undefined } }) : unlocatedBody({ child: call });
        const res = await bed.cc.post('hotline', '/api/cases', body);
        expectStatus(res, 201);
        expect(res.body).toMatchObject({ linkedToExisting: false, reopened: false, relatedCaseIds: [], child: { address: '来电地址', school: null } });
        expect(res.body.id).not.toBe(existing.id);
        expect(JSON.stringify(res.body)).not.toContain('真实地址9号');
        expect(JSON.stringify(res.body)).not.toContain(existing.caseNo);
        expect((await bed.cc.detail('district1', res.body.id)).relatedCaseIds).toEqual([existing.id]);
        expect((await bed.cc.detail('district1', existing.id)).relatedCaseIds).toEqual([res.body.id]);
        // The other case's supervisor hears of it, naming no child.
        const told = await bed.cc.get('sup-xa', '/api/notifications');
        expect((told.body.items as { kind: string; caseId: string }[]).some((n) => n.kind === 'case.related_report' && n.caseId === existing.id)).toBe(true);
      }
    });

    it('a second call about a child it reported itself joins its own open report (200 linkedToExisting)', async () => {
      const birthDate = randomBirthDate();
      const child = { name: uniqueChildName(), sex: 'male', birthDate, idNumber: nationalId(birthDate) };
      const first = await bed.cc.file('hotline', bed.xa1, { child, report: { reporterType: undefined } });
      const again = await bed.cc.post('hotline', '/api/cases', caseBody(bed.xa1, { child, report: { reporterType: undefined } }));
      expectStatus(again, 200);
      expect(again.body).toMatchObject({ id: first.id, linkedToExisting: true });
      expect(again.body.reports).toHaveLength(2);
    });
  });

  describe('district staff work with unlocated cases', () => {
    it('an unlocated duplicate merged into a located case takes that case’s place', async () => {
      const target = await bed.cc.file('dir-xa-01', bed.xa1);
      const dup = await fileUnlocated();
      const merged = await bed.cc.act('district1', await bed.cc.detail('district1', dup.id), 'merge', { intoCaseId: target.id, reason: '同一来电重复登记' });
      expect(merged).toMatchObject({ status: 'closed', communityId: bed.xa1, streetId: bed.ids.street('xa') });
      const twoUnlocated = [await fileUnlocated(), await fileUnlocated()];
      const res = await bed.cc.transitionRaw('district1', twoUnlocated[0].id, {
        action: 'merge',
        version: twoUnlocated[0].version,
        intoCaseId: twoUnlocated[1].id,
        reason: 'x',
      });
      expectError(res, 422, 'RULE_VIOLATION');
    });

    it('transfer to another district’s community is 404 naming communityId and leaves it unlocated', async () => {
      const c = await fileUnlocated();
      const res = await bed.cc.transitionRaw('district1', c.id, { action: 'transfer', version: c.version, communityId: other.communities['a-1'], reason: 'x' });
      expectError(res, 404, 'NOT_FOUND');
      expect(await bed.cc.detail('district1', c.id)).toMatchObject({ communityId: null, streetId: null, version: c.version });
    });

    it('stats count unlocated cases in the district’s total and in no street', async () => {
      const before = await bed.cc.get('district1', '/api/stats');
      expectStatus(before, 200);
      await fileUnlocated();
      const after = await bed.cc.get('district1', '/api/stats');
      expectStatus(after, 200);
      expect(after.body.totalCases).toBe(before.body.totalCases + 1);
      const streets = after.body.byStreet as { streetId: string }[];
      expect(streets.map((s) => s.streetId)).toEqual((before.body.byStreet as { streetId: string }[]).map((s) => s.streetId));
      for (const s of [...streets, ...(after.body.breachRateByStreet as { streetId: string }[])]) expect(s.streetId).toMatch(/^[0-9a-f-]{36}$/);
      // A street's answer is unchanged by the unlocated report.
      const xa = bed.ids.street('xa');
      const streetBefore = await bed.cc.get('district1', `/api/stats?streetId=${xa}`);
      await fileUnlocated();
      const streetAfter = await bed.cc.get('district1', `/api/stats?streetId=${xa}`);
      expect(streetAfter.body.totalCases).toEqual(streetBefore.body.totalCases);
    });
  });
});
