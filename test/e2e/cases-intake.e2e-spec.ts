/**
 * Intake (POST /api/cases): duplicate reports of one child join its open case,
 * a report within 90 days of closure reopens it, drafts, and case numbers.
 */
import {
  caseBody,
  CaseClient,
  CaseDetail,
  dataSourceOf,
  DemoIds,
  expectStatus,
  isoAgo,
  nationalId,
  r1Violence,
  randomBirthDate,
  uniqueChildName,
  useCaseBed,
} from '../helpers/cases';
import type { TestApi } from '../helpers/test-app';

describe('case intake (e2e)', () => {
  const bed = useCaseBed();
  let api: TestApi;
  let cc: CaseClient;
  let ids: DemoIds;
  let xa1: string;
  let supId: string;

  beforeAll(() => ({ api, cc, ids, xa1, supId } = bed));

  const withId = () => {
    const birthDate = randomBirthDate();
    return { name: uniqueChildName(), birthDate, idNumber: nationalId(birthDate) };
  };

  it('a second report with the same national ID joins the child’s open case', async () => {
    const child = withId();
    const first = await cc.file('dir-xa-01', xa1, { child, categories: ['N04'] });
    expect(first).toMatchObject({ status: 'submitted', linkedToExisting: false, reopened: false, child: { idNumber: child.idNumber } });

    // Another reporter, other categories, police told this time; the name is spelt differently.
    const res = await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, r1Violence({ child: { ...child, name: `${child.name}儿` }, riskLevel: 'R2' })));
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: first.id, caseNo: first.caseNo, status: 'submitted', linkedToExisting: true, reopened: false, version: 2 });
    expect(res.body.reports).toHaveLength(2);
    expect(res.body.reports[1]).toMatchObject({ linked: true, categories: ['V01'], mandatoryItems: [4], reporterType: 'mandatory_institution' });
    expect([...res.body.categories].sort()).toEqual(['N04', 'V01']);
    expect(res.body.mandatoryItems).toEqual([4]);
    expect(res.body.police.reportedAt).not.toBeNull();
    // The child stays as first recorded; the risk stays the supervisor's to set.
    expect(res.body.child.name).toBe(child.name);
    expect(res.body.riskLevel).toBe('R3');

    const events = (await cc.timeline('sup-xa', first.id)).events;
    expect(events.map((e) => e.type)).toEqual(['case.reported', 'report.linked']);
    expect(events[1].data).toMatchObject({ reportId: res.body.reports[1].id, reporterType: 'mandatory_institution' });

    // The same ID from another street (an ID is the same child anywhere): the caller may not see
    // that case, so they get a case of their own, linked on the server side, and learn nothing.
    const far = await cc.post('dir-xx-01', '/api/cases', caseBody(ids.community('xx', 0), { child: { ...child, name: `${child.name}某`, address: '别处' } }));
    expectStatus(far, 201);
    expect(far.body).toMatchObject({
      status: 'submitted',
      linkedToExisting: false,
      reopened: false,
      streetId: ids.street('xx'),
      relatedCaseIds: [],
      child: { name: `${child.name}某`, address: '别处' },
    });
    expect(far.body.id).not.toBe(first.id);
    expect(JSON.stringify(far.body)).not.toContain(first.id);
    expect(JSON.stringify(far.body)).not.toContain(first.caseNo);
    // The first case is untouched but for the link; only a reader covering both sees it.
    const firstNow = await cc.detail('sup-xa', first.id);
    expect(firstNow.reports).toHaveLength(2);
    expect(firstNow.relatedCaseIds).toEqual([]);
    expect((await cc.detail('district1', first.id)).relatedCaseIds).toEqual([far.body.id]);
    expect((await cc.detail('district1', far.body.id)).relatedCaseIds).toEqual([first.id]);
    expect((await cc.detail('sup-xx', far.body.id)).relatedCaseIds).toEqual([]);
  });

  it('without an ID, the same name and birth date in the same street links; in another street it does not', async () => {
    const child = { name: uniqueChildName(), birthDate: randomBirthDate(), sex: 'male' };
    const first = await cc.file('dir-xa-01', xa1, { child });

    // Another community of the same street: outside that director's scope, so a case of their
    // own, which their street supervisor sees linked to the first.
    const same = await cc.post('dir-xa-02', '/api/cases', caseBody(ids.community('xa', 1), { child: { ...child, address: '占位', school: '占位' } }));
    expectStatus(same, 201);
    expect(same.body).toMatchObject({ linkedToExisting: false, relatedCaseIds: [], child: { address: '占位', school: '占位' } });
    expect((await cc.detail('sup-xa', same.body.id)).relatedCaseIds).toEqual([first.id]);
    // District staff may work on both: their report joins the child's latest open case.
    const byDistrict = await cc.post('district1', '/api/cases', caseBody(ids.community('xa', 2), { child }));
    expectStatus(byDistrict, 200);
    expect(byDistrict.body).toMatchObject({ id: same.body.id, linkedToExisting: true, child: { name: child.name } });
    expect(await cc.eventTypes('sup-xa', first.id)).toEqual(['case.reported', 'case.related_report']);
    expect(await cc.eventTypes('sup-xa', same.body.id)).toEqual(['case.reported', 'report.linked']);

    // Another street: a different child as far as intake can tell.
    const elsewhere = await cc.file('dir-xx-01', ids.community('xx', 0), { child });
    expect(elsewhere.id).not.toBe(first.id);
    expect(elsewhere).toMatchObject({ linkedToExisting: false, streetId: ids.street('xx') });
    // Same name, another birth date: another child.
    const other = await cc.file('dir-xa-01', xa1, { child: { ...child, birthDate: randomBirthDate() } });
    expect(other.id).not.toBe(first.id);
    // Same birth date, another name: another child.
    const another = await cc.file('dir-xa-01', xa1, { child: { ...child, name: uniqueChildName() } });
    expect(another.id).not.toBe(first.id);
  });

  it('a child whose case closed less than 90 days ago: the case reopens', async () => {
    const child = withId();
    let c = await cc.file('dir-xa-01', xa1, { child });
    c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
    c = await cc.act('sup-xa', await cc.evidence('sup-xa', c), 'close_unsubstantiated', { reason: '核实不实' });
    expect(c.status).toBe('closed');

    const res = await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { child, report: { narrative: '又发现儿童独自在家。' } }));
    expectStatus(res, 200);
    expect(res.body).toMatchObject({
      id: c.id,
      linkedToExisting: true,
      reopened: true,
      status: 'assessing',
      closure: null,
      assigneeId: supId,
      version: c.version + 1,
    });
    expect(res.body.flags).toContain('reopened');
    expect(res.body.reports).toHaveLength(2);
    expect(res.body.nextDeadline).toMatchObject({ kind: 'assessment' });
    const events = (await cc.timeline('sup-xa', c.id)).events;
    expect(events.map((e) => e.type)).toEqual(['case.reported', 'case.accepted', 'visit.recorded', 'case.closed', 'report.linked', 'case.reopened']);
    expect(events[5]).toMatchObject({ fromStatus: 'closed', toStatus: 'assessing', actor: { role: 'community_director' } });
  });

  it('a child whose case closed more than 90 days ago, or was merged away: a new case', async () => {
    const child = withId();
    let c = await cc.file('dir-xa-01', xa1, { child });
    c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
    c = await cc.act('sup-xa', await cc.evidence('sup-xa', c), 'close_unsubstantiated', { reason: '核实不实' });
    // Nothing in the API moves time: the closure is dated back in the database.
    await dataSourceOf(api).query(`UPDATE "case" SET closed_at = now() - interval '91 days' WHERE id = $1`, [c.id]);
    const fresh = await cc.file('dir-xa-01', xa1, { child });
    expect(fresh.id).not.toBe(c.id);
    expect(fresh).toMatchObject({ status: 'submitted', linkedToExisting: false, reopened: false });
    expect((await cc.detail('sup-xa', c.id)).status).toBe('closed');

    // Merged away: the report goes to the open case the child has (the fresh one), never to the merged one.
    const dupChild = withId();
    const keep = await cc.file('dir-xa-01', xa1);
    const dup = await cc.file('dir-xa-01', xa1, { child: dupChild });
    await cc.act('sup-xa', dup, 'merge', { intoCaseId: keep.id });
    const after = await cc.file('dir-xa-01', xa1, { child: dupChild });
    expect(after.id).not.toBe(dup.id);
    expect(after.id).not.toBe(keep.id);
  });

  it('a draft (submit: false) is filed as draft, then submitted', async () => {
    const draft = await cc.file('dir-xa-01', xa1, { submit: false, report: { narrative: undefined } });
    expect(draft).toMatchObject({ status: 'draft', version: 1, linkedToExisting: false, nextDeadline: null, deadlines: [] });
    expect([...draft.allowedActions].sort()).toEqual(['add_guardian', 'add_note', 'add_report', 'record_police', 'submit']);
    expect((await cc.detail('sup-xa', draft.id)).allowedActions).not.toContain('accept');
    expect(await cc.eventTypes('dir-xa-01', draft.id)).toEqual(['case.filed']);

    // Without a narrative it cannot be submitted.
    const missing = await cc.transitionRaw('dir-xa-01', draft.id, { action: 'submit', version: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual([{ field: 'narrative', message: 'is required' }]);

    const submitted = await cc.act('dir-xa-01', draft, 'submit', { narrative: '补充：儿童长期独自在家。', riskLevel: 'R2' });
    expect(submitted).toMatchObject({ status: 'submitted', version: 2, riskLevel: 'R2' });
    expect(submitted.reports[0].narrative).toBe('补充：儿童长期独自在家。');
    expect(Date.parse(submitted.reportedAt)).toBeGreaterThan(Date.parse(draft.reportedAt));
    expect(submitted.nextDeadline).toMatchObject({ kind: 'accept_report' });
    const events = (await cc.timeline('dir-xa-01', draft.id)).events;
    expect(events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ['case.filed', null, 'draft'],
      ['case.reported', 'draft', 'submitted'],
    ]);
    // The supervisor can now accept it.
    expect((await cc.detail('sup-xa', draft.id)).allowedActions).toContain('accept');
  });

  it('a submitted report on a child who has only a draft is not parked in the draft: it is a case of its own', async () => {
    const child = { name: uniqueChildName(), birthDate: randomBirthDate() };
    const draft = await cc.file('dir-xa-01', xa1, { child, submit: false });
    const res = await cc.post('dir-xa-02', '/api/cases', caseBody(ids.community('xa', 1), { child }));
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ status: 'submitted', linkedToExisting: false });
    expect(res.body.id).not.toBe(draft.id);
    expect(res.body.nextDeadline).toMatchObject({ kind: 'accept_report' });
    expect((await cc.detail('sup-xa', res.body.id)).allowedActions).toContain('accept');
    // The draft is as its director left it.
    expect(await cc.detail('dir-xa-01', draft.id)).toMatchObject({
      status: 'draft',
      version: 1,
      reports: [expect.objectContaining({ id: draft.reports[0].id })],
    });
    // Once both are open, further reports from those who may work on it join the submitted case, and the supervisor may merge the draft into it.
    const again = await cc.post('dir-xa-02', '/api/cases', caseBody(ids.community('xa', 1), { child }));
    expectStatus(again, 200);
    expect(again.body.id).toBe(res.body.id);
    const merged = await cc.act('sup-xa', await cc.detail('sup-xa', draft.id), 'merge', { intoCaseId: res.body.id });
    expect(merged.closure).toMatchObject({ kind: 'merged', mergedIntoId: res.body.id });
  });

  it('district staff file for any community of the district', async () => {
    const c = await cc.file('district2', ids.community('sy', 2), { report: { reporterType: 'hotline', discoveredAt: isoAgo(60_000) } });
    expect(c).toMatchObject({ status: 'submitted', communityId: ids.community('sy', 2), streetId: ids.street('sy'), districtId: ids.districtId });
    expect((await cc.detail('dir-sy-03', c.id)).reports[0].reporter).toBe('confidential');
    expect((await cc.detail('sup-sy', c.id)).reports[0].reporter).toEqual({ name: '走访人', org: null, phone: '13800138000' });
  });

  it('case numbers: BA-<year>-<six digits>, unique and consecutive under parallel filing', async () => {
    const year = new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date());
    const filed: CaseDetail[] = await Promise.all(
      Array.from({ length: 15 }, (_, i) => cc.file(i % 2 ? 'dir-xa-01' : 'district1', i % 2 ? xa1 : ids.community('fy', i % 3))),
    );
    const numbers = filed.map((c) => {
      expect(c.caseNo).toMatch(/^BA-\d{4}-\d{6}$/);
      expect(c.caseNo.slice(3, 7)).toBe(year);
      return Number(c.caseNo.slice(8));
    });
    expect(new Set(numbers).size).toBe(15);
    numbers.sort((a, b) => a - b);
    expect(numbers[14] - numbers[0]).toBe(14);
    // q finds a case by its number or the number's beginning.
    const one = filed[0];
    const found = await cc.get('district1', `/api/cases?q=${one.caseNo.toLowerCase()}`);
    expectStatus(found, 200);
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([one.id]);
  });

  it('after a transfer, a report from the child’s new street finds the case by name and birth date', async () => {
    const child = { name: uniqueChildName(), birthDate: randomBirthDate() };
    let c = await cc.file('dir-xa-01', xa1, { child });
    c = await cc.act('district1', c, 'transfer', { communityId: ids.community('hc', 0), reason: '搬家' });
    const res = await cc.post('dir-hc-01', '/api/cases', caseBody(ids.community('hc', 0), { child }));
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: c.id, linkedToExisting: true });
  });
});
