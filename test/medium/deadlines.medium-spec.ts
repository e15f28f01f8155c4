/**
 * The deadline and escalation rules through the services (the module the apps use),
 * against the real PostgreSQL, without HTTP, without a worker and without waiting: a
 * test moves a deadline's times back and runs the step its timer would run. The real
 * timers and workers are test/e2e/deadlines.e2e-spec.ts's subject.
 */
import { randomUUID } from 'node:crypto';
import { Role } from '@shouhu/access';
import { CaseAction, CaseFlag, RiskLevel } from '@shouhu/cases';
import { BullDeadlineTimers, DeadlineRepository, parseUpcomingSteps } from '@shouhu/deadlines';
import { deadlineJobId, JobName } from '@shouhu/jobs';
import { EventType } from '@shouhu/timeline';
import { createOtherDistrict } from '../helpers/database';
import { waitFor } from '../helpers/deadlines';
import { actorOf, deadlineOf, deadlineRow, fileCase, makeDue, makeSecondStageDue, Services, startServices } from '../helpers/medium';

const HOUR_MS = 3600_000;

describe('deadlines and escalation (services, real PostgreSQL)', () => {
  let s: Services;
  let supXa: string;
  let district1: string;
  let directorXa01: string;
  let leader: string;

  beforeAll(async () => {
    s = await startServices();
    [supXa, district1, directorXa01, leader] = await Promise.all(['sup-xa', 'district1', 'dir-xa-01', 'leader'].map(async (u) => (await actorOf(s, u)).id));
  });
  afterAll(async () => {
    await s?.close();
  });

  /** sup-xa accepts the case as R1, handling it itself. */
  const accept = async (caseId: string, version: number) => {
    const supervisor = await actorOf(s, 'sup-xa');
    return s.transitions.transition(supervisor, caseId, { action: CaseAction.Accept, version, riskLevel: RiskLevel.R1, assigneeId: supervisor.id });
  };
  const notified = async (caseId: string, deadlineId: string, stage: 'remind' | 'breach' | 'stage2') =>
    (await s.ledger.notifications(caseId)).filter((n) => n.dedupeKey.startsWith(`dl:${deadlineId}:${stage}:`)).map((n) => n.userId);

  it('filing an R1 V01 case without police opens accept_report and police_report, due an hour after the report, reminded at 75%', async () => {
    const c = await fileCase(s, 'dir-xa-01', 'r1-violence-no-police');
    const deadlines = await s.deadlines.deadlinesOf(c.id);
    expect(deadlines.map((d) => d.kind).sort()).toEqual(['accept_report', 'police_report']);
    for (const d of deadlines) {
      expect(d).toMatchObject({ status: 'pending', escalationLevel: 0, overdue: false, breachedAt: null, closedAt: null });
      const offset = Date.parse(d.dueAt) - Date.parse(c.reportedAt);
      expect(offset).toBeGreaterThanOrEqual(HOUR_MS - 5);
      expect(offset).toBeLessThan(HOUR_MS + 1000);
      expect(Date.parse(d.dueAt) - Date.parse(d.remindAt)).toBeCloseTo(0.25 * HOUR_MS, -3);
    }
    expect(deadlines.find((d) => d.kind === 'accept_report')).toMatchObject({ responsibleRole: Role.StreetSupervisor });
    expect(deadlines.find((d) => d.kind === 'police_report')).toMatchObject({ responsibleRole: Role.CommunityDirector });
    const earliest = [...deadlines].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
    expect(c.nextDeadline).toEqual({ kind: earliest.kind, dueAt: earliest.dueAt, overdue: false });
    // Nothing is queued for them: the breach sweeper reads their reminders and due times from the rows.
    for (const d of deadlines) for (const stage of ['remind', 'due'] as const) expect(await s.queue.getJobState(deadlineJobId(d.id, stage))).toBe('unknown');
  });

  it('a timer that fires early changes nothing and is re-armed for the deadline’s own instant', async () => {
    const c = await fileCase(s, 'dir-xa-01', 'r1-neglect');
    const d = await deadlineOf(s, c.id, 'accept_report');
    expect(await s.escalation.breach(d.id)).toBe('not_due');
    expect(await s.escalation.remind(d.id)).toBe('not_due');
    expect(await deadlineRow(s, d.id)).toMatchObject({ status: 'pending', reminded_at: null });
    for (const [stage, at] of [
      ['due', d.dueAt],
      ['remind', d.remindAt],
    ] as const) {
      const job = await waitFor(`the ${stage} timer re-armed`, () => s.queue.getJob(`${deadlineJobId(d.id, stage)}-at-${Date.parse(at)}`), { timeoutMs: 5000 });
      expect(Math.abs(job.timestamp + (job.delay ?? 0) - Date.parse(at))).toBeLessThan(1000);
    }
  });

  describe('a case nobody acts on', () => {
    let late: Awaited<ReturnType<typeof fileCase>>;
    let acceptReport: Awaited<ReturnType<typeof deadlineOf>>;
    let police: Awaited<ReturnType<typeof deadlineOf>>;

    beforeAll(async () => {
      late = await fileCase(s, 'dir-xa-01', 'r1-violence-no-police');
      acceptReport = await deadlineOf(s, late.id, 'accept_report');
      police = await deadlineOf(s, late.id, 'police_report');
    });

    it('reminds the responsible role once, at the reminder time', async () => {
      await makeDue(s, acceptReport.id, 10_000);
      expect(await s.escalation.remind(acceptReport.id)).toBe('done');
      expect(await s.escalation.remind(acceptReport.id)).toBe('noop');
      const supervisors = await s.ledger.activeUserIds(Role.StreetSupervisor, late.streetId as string);
      expect((await notified(late.id, acceptReport.id, 'remind')).sort()).toEqual([...supervisors].sort());
      expect(await notified(late.id, acceptReport.id, 'remind')).not.toContain(district1);
      for (const n of (await s.ledger.notifications(late.id)).filter((x) => x.kind === 'deadline.reminder')) expect(n.userId).not.toBe(district1);
    });

    it('breaches accept_report once: the event by the system, the flag, level 1, the version kept, the breach told one level up', async () => {
      const before = await deadlineRow(s, acceptReport.id);
      expect(await s.escalation.breach(acceptReport.id)).toBe('done');
      expect(await s.escalation.breach(acceptReport.id)).toBe('noop');

      const row = await deadlineRow(s, acceptReport.id);
      expect(row).toMatchObject({ status: 'breached', escalation_level: 1 });
      // The second window is as long as the first.
      const window = before.due_at.getTime() - before.created_at.getTime();
      expect((row.second_stage_at as Date).getTime() - (row.breached_at as Date).getTime()).toBeGreaterThanOrEqual(window - 50);

      const events = await s.ledger.eventsFor(late.id, EventType.DeadlineBreached, acceptReport.id);
      expect(events).toHaveLength(1);
      expect(events[0].data).toMatchObject({
        kind: 'accept_report',
        responsibleRole: Role.StreetSupervisor,
        escalatedTo: Role.DistrictStaff,
        escalationLevel: 1,
      });
      const timeline = await s.db.query<{ actor_id: string | null; actor_role: string }[]>(
        'SELECT actor_id, actor_role FROM case_event WHERE case_id = $1 AND seq = $2',
        [late.id, events[0].seq],
      );
      expect(timeline[0]).toEqual({ actor_id: null, actor_role: 'system' });

      const detail = await s.queries.get(await actorOf(s, 'sup-xa'), late.id);
      expect(detail.flags).toContain(CaseFlag.DeadlineBreached);
      expect(detail.escalationLevel).toBe(1);
      // A system event does not bump the version a user is working with.
      expect(detail.version).toBe(late.version);
      expect(detail.nextDeadline).toMatchObject({ overdue: true });

      expect(await notified(late.id, acceptReport.id, 'breach')).toEqual(expect.arrayContaining([supXa, district1]));
      // Notifications name the case, never the child.
      for (const n of await s.db.query<{ title: string; body: string }[]>('SELECT title, body FROM notification WHERE case_id = $1', [late.id])) {
        expect(`${n.title} ${n.body}`).toContain(late.caseNo);
        expect(`${n.title} ${n.body}`).not.toContain(late.child.name);
      }
    });

    it('breaches police_report: the community director reminded and responsible, the street supervisor told', async () => {
      await makeDue(s, police.id);
      expect(await s.escalation.remind(police.id)).toBe('done');
      expect(await s.escalation.breach(police.id)).toBe('done');
      const [event] = await s.ledger.eventsFor(late.id, EventType.DeadlineBreached, police.id);
      expect(event.data).toMatchObject({ kind: 'police_report', responsibleRole: Role.CommunityDirector, escalatedTo: Role.StreetSupervisor });
      expect(await notified(late.id, police.id, 'remind')).toContain(directorXa01);
      expect(await notified(late.id, police.id, 'breach')).toEqual(expect.arrayContaining([directorXa01, supXa]));
    });

    it('escalates to district leadership at the second stage, once: level 2, the escalated flag, the district’s leaders and staff told, not the street', async () => {
      expect(await s.escalation.secondStage(acceptReport.id)).toBe('not_due');
      await makeSecondStageDue(s, acceptReport.id);
      expect(await s.escalation.secondStage(acceptReport.id)).toBe('done');
      expect(await s.escalation.secondStage(acceptReport.id)).toBe('noop');
      expect(await deadlineRow(s, acceptReport.id)).toMatchObject({ status: 'breached', escalation_level: 2, second_stage_done_at: expect.any(Date) });
      const escalations = await s.ledger.eventsFor(late.id, EventType.DeadlineEscalated, acceptReport.id);
      expect(escalations).toHaveLength(1);
      expect(escalations[0].data).toMatchObject({ kind: 'accept_report', escalatedTo: Role.DistrictLeader, escalationLevel: 2 });
      const detail = await s.queries.get(await actorOf(s, 'district1'), late.id);
      expect(detail.escalationLevel).toBe(2);
      expect(detail.flags).toEqual(expect.arrayContaining([CaseFlag.DeadlineBreached, CaseFlag.Escalated]));
      const stage2 = await notified(late.id, acceptReport.id, 'stage2');
      expect(stage2).toEqual(expect.arrayContaining([leader, district1]));
      expect(stage2).not.toContain(supXa);
      expect(stage2).not.toContain(directorXa01);
      // The event counts the leaders reached: the demo leader, and any other approved leader of the district.
      const leaders = await s.db.query<{ id: string }[]>(
        `SELECT id FROM "user" WHERE role = 'district_leader' AND jurisdiction_id = $1 AND active AND status = 'active'`,
        [late.districtId],
      );
      expect(escalations[0].data.leadersNotified).toBe(leaders.length);
      expect(stage2).toEqual(expect.arrayContaining(leaders.map((l) => l.id)));
      // One message for leaders and staff alike: the case number and the masked name, never the child's name.
      const rows = await s.db.query<{ user_id: string; title: string; body: string }[]>(
        `SELECT user_id, title, body FROM notification WHERE case_id = $1 AND dedupe_key LIKE $2`,
        [late.id, `dl:${acceptReport.id}:stage2:%`],
      );
      for (const n of rows) {
        expect(n.title).toBe(`${late.caseNo} 受理 accept or return 超时未办，已升级至区分管领导 (escalated to district leadership)`);
        expect(`${n.title} ${n.body}`).not.toContain(late.child.name);
      }
    });

    it('exactly once: every step run again changes nothing', async () => {
      await makeSecondStageDue(s, police.id);
      expect(await s.escalation.secondStage(police.id)).toBe('done');
      const before = await s.ledger.snapshot([late.id]);
      for (const d of [acceptReport, police]) {
        expect(await s.escalation.remind(d.id)).toBe('noop');
        expect(await s.escalation.breach(d.id)).toBe('noop');
        expect(await s.escalation.secondStage(d.id)).toBe('noop');
      }
      expect(await s.ledger.snapshot([late.id])).toEqual(before);
    });
  });

  it('a case accepted in time: accept_report is met, and its steps find nothing to do', async () => {
    const c = await fileCase(s, 'dir-xa-01', 'r1-neglect');
    const d = await deadlineOf(s, c.id, 'accept_report');
    const accepted = await accept(c.id, c.version);
    const met = await deadlineOf(s, c.id, 'accept_report');
    expect(met).toMatchObject({ id: d.id, status: 'met', escalationLevel: 0, overdue: false, breachedAt: null });
    expect(met.closedAt).not.toBeNull();
    // Its time comes (a timer armed by an older version that fires, the reconciler, a sweep): nothing happens.
    await makeDue(s, d.id);
    expect(await s.escalation.remind(d.id)).toBe('noop');
    expect(await s.escalation.breach(d.id)).toBe('noop');
    expect(await s.escalation.secondStage(d.id)).toBe('noop');
    expect(await s.ledger.events(c.id, EventType.DeadlineBreached)).toHaveLength(0);
    expect((await s.ledger.notifications(c.id)).filter((n) => n.dedupeKey.startsWith(`dl:${d.id}:`))).toHaveLength(0);
    const detail = await s.queries.get(await actorOf(s, 'sup-xa'), c.id);
    expect(detail.flags).not.toContain(CaseFlag.DeadlineBreached);
    expect(detail.escalationLevel).toBe(0);
    // The next step, the assessment, is due 24 h after acceptance (R1).
    const assessment = await deadlineOf(s, c.id, 'assessment');
    expect(Date.parse(assessment.dueAt) - Date.parse(accepted.acceptedAt as string)).toBeGreaterThanOrEqual(24 * HOUR_MS - 5);
    expect(Date.parse(assessment.dueAt) - Date.parse(accepted.acceptedAt as string)).toBeLessThan(24 * HOUR_MS + 1000);
    expect(detail.nextDeadline).toEqual({ kind: 'assessment', dueAt: assessment.dueAt, overdue: false });
  });

  it('a breached step keeps its one deadline through later changes: met late it never escalates; telling the police starts the feedback deadline', async () => {
    const c = await fileCase(s, 'dir-xa-02', 'r1-violence-no-police');
    const police = await deadlineOf(s, c.id, 'police_report');
    const acceptReport = await deadlineOf(s, c.id, 'accept_report');
    for (const d of [police, acceptReport]) {
      await makeDue(s, d.id);
      expect(await s.escalation.breach(d.id)).toBe('done');
    }

    // The supervisor accepts late: accept_report is met late, police are still not told.
    const accepted = await accept(c.id, c.version);
    expect(accepted.status).toBe('assessing');
    const policeRows = (await s.deadlines.deadlinesOf(c.id)).filter((d) => d.kind === 'police_report');
    expect(policeRows).toEqual([expect.objectContaining({ id: police.id, status: 'breached', closedAt: null })]);
    expect(await deadlineOf(s, c.id, 'accept_report')).toMatchObject({ status: 'breached', closedAt: expect.any(String) });

    // accept_report was met before its second stage: it never escalates to the district; police_report does.
    await makeSecondStageDue(s, acceptReport.id);
    await makeSecondStageDue(s, police.id);
    expect(await s.escalation.secondStage(acceptReport.id)).toBe('noop');
    expect(await s.escalation.secondStage(police.id)).toBe('done');
    expect((await s.ledger.events(c.id, EventType.DeadlineBreached)).map((e) => e.data.kind).sort()).toEqual(['accept_report', 'police_report']);
    expect((await s.ledger.events(c.id, EventType.DeadlineEscalated)).map((e) => e.data.kind)).toEqual(['police_report']);

    // Telling the police later closes the police deadline and starts the feedback one.
    await s.records.recordPolice(await actorOf(s, 'dir-xa-02'), c.id, { reportedAt: new Date(Date.now() - 1000).toISOString(), receiptNo: 'JJ-TEST-1' });
    const after = await s.deadlines.deadlinesOf(c.id);
    expect(after.filter((d) => d.kind === 'police_report')).toEqual([
      expect.objectContaining({ id: police.id, status: 'breached', closedAt: expect.any(String) }),
    ]);
    expect(after.filter((d) => d.kind === 'police_feedback')).toEqual([expect.objectContaining({ status: 'pending' })]);
  });

  it('a district without a leader account: the escalation is recorded all the same, and its staff are told nobody above them was reached', async () => {
    const other = await createOtherDistrict(s.db);
    try {
      await s.db.query('DELETE FROM "user" WHERE id = $1', [other.users[Role.DistrictLeader].id]);
      const c = await fileCase(s, other.users[Role.CommunityDirector].username, 'r1-neglect');
      const d = await deadlineOf(s, c.id, 'accept_report');
      await makeDue(s, d.id);
      expect(await s.escalation.breach(d.id)).toBe('done');
      await makeSecondStageDue(s, d.id);
      expect(await s.escalation.secondStage(d.id)).toBe('done');

      const [event] = await s.ledger.eventsFor(c.id, EventType.DeadlineEscalated, d.id);
      expect(event.data).toMatchObject({ kind: 'accept_report', escalatedTo: Role.DistrictLeader, escalationLevel: 2, leadersNotified: 0 });
      expect(await deadlineRow(s, d.id)).toMatchObject({ status: 'breached', escalation_level: 2 });
      expect(await notified(c.id, d.id, 'stage2')).toEqual([other.users[Role.DistrictStaff].id]);
      const [note] = await s.db.query<{ title: string; kind: string }[]>(`SELECT title, kind FROM notification WHERE dedupe_key = $1`, [
        `dl:${d.id}:stage2:${other.users[Role.DistrictStaff].id}`,
      ]);
      expect(note).toEqual({
        kind: 'deadline.escalated',
        title: `${c.caseNo} 受理 accept or return 超时未办，本区无可通知的分管领导账号 (escalated to district leadership, but the district has no active district leader account)`,
      });
      // Another district's leader is never told.
      expect(await notified(c.id, d.id, 'stage2')).not.toContain(leader);
    } finally {
      // The district keeps its case (nothing deletes cases); only what can go goes.
      await other.remove().catch(() => undefined);
    }
  });

  it('the reconciler processes each late step exactly once, however often it runs', async () => {
    const cases = await Promise.all([0, 1, 2].map(() => fileCase(s, 'dir-fy-01', 'r1-neglect')));
    const deadlines = await Promise.all(cases.map((c) => deadlineOf(s, c.id, 'accept_report')));
    // Past the due time and the reconciler's grace, with nobody to run the timers.
    for (const d of deadlines) await makeDue(s, d.id, 5000);
    const first = await s.escalation.reconcile();
    expect(first.processed).toBeGreaterThanOrEqual(deadlines.length);
    await s.escalation.reconcile();
    for (const [i, d] of deadlines.entries()) {
      // Its reminder ("due soon") fell due too, but is not sent late: the breach tells the same people, and the level above.
      expect(await deadlineRow(s, d.id)).toMatchObject({ status: 'breached', escalation_level: 1, reminded_at: null });
      expect(await notified(cases[i].id, d.id, 'remind')).toEqual([]);
      expect(await s.ledger.eventsFor(cases[i].id, EventType.DeadlineBreached, d.id)).toHaveLength(1);
    }
    // The second stage falls due too: one escalation each, however often the reconciler runs.
    for (const d of deadlines) await makeSecondStageDue(s, d.id, 5000);
    await s.escalation.reconcile();
    await s.escalation.reconcile();
    const supFy = await actorOf(s, 'sup-fy');
    for (const [i, d] of deadlines.entries()) {
      expect(await s.ledger.eventsFor(cases[i].id, EventType.DeadlineEscalated, d.id)).toHaveLength(1);
      const notes = await s.ledger.notifications(cases[i].id);
      expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:breach:${supFy.id}`)).toHaveLength(1);
      expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:breach:${district1}`)).toHaveLength(1);
      expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:remind:${supFy.id}`)).toHaveLength(0);
      expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:stage2:${district1}`)).toHaveLength(1);
      expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:stage2:${leader}`)).toHaveLength(1);
    }
    // A reminder late past the grace whose deadline is not due yet: sent, once, however often the reconciler runs.
    const c = await fileCase(s, 'dir-fy-01', 'r1-neglect');
    const d = await deadlineOf(s, c.id, 'accept_report');
    await s.db.query(`UPDATE deadline SET remind_at = now() - interval '10 seconds' WHERE id = $1`, [d.id]);
    expect((await s.escalation.reconcile()).processed).toBeGreaterThanOrEqual(1);
    await s.escalation.reconcile();
    expect(await deadlineRow(s, d.id)).toMatchObject({ status: 'pending', reminded_at: expect.any(Date) });
    const reminded = await notified(c.id, d.id, 'remind');
    expect(reminded).toContain(supFy.id);
    expect(new Set(reminded).size).toBe(reminded.length);
  });

  it('the reconciler tells which timers outside the delayed set Redis holds: one already due, not one removed or never made', async () => {
    const timers = s.module.get(BullDeadlineTimers, { strict: false });
    const [delayed, due, removed, never] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()].map((id) => deadlineJobId(id, 'remind'));
    await s.queue.add(JobName.DeadlineRemind, { deadlineId: delayed }, { jobId: delayed, delay: 3_600_000 });
    // Due: out of the delayed set, waiting for a worker (none consumes this queue).
    const dueJob = await s.queue.add(JobName.DeadlineRemind, { deadlineId: due }, { jobId: due, delay: 3_600_000 });
    await dueJob.promote();
    await s.queue.add(JobName.DeadlineRemind, { deadlineId: removed }, { jobId: removed, delay: 3_600_000 });
    expect(await s.queue.remove(removed)).toBe(1);
    expect(await Promise.all([delayed, due, removed, never].map((id) => s.queue.getJobState(id)))).toEqual(['delayed', 'waiting', 'unknown', 'unknown']);
    expect(await timers.queuedOutsideDelayed([due, removed, never])).toEqual(new Set([due]));
    expect(await timers.queuedOutsideDelayed([])).toEqual(new Set());
  });

  it("the reconciler asks Redis which of a page's second stages have no timer waiting, in the page's own format", async () => {
    const timers = s.module.get(BullDeadlineTimers, { strict: false });
    const [armed, due, never] = [randomUUID(), randomUUID(), randomUUID()];
    await s.queue.add(JobName.DeadlineSecondStage, { deadlineId: armed }, { jobId: deadlineJobId(armed, 'stage2'), delay: 3_600_000 });
    // A timer of another stage is not this one's.
    await s.queue.add(JobName.DeadlineRemind, { deadlineId: never }, { jobId: deadlineJobId(never, 'remind'), delay: 3_600_000 });
    // Due: out of the delayed set (queuedOutsideDelayed then tells it still has a job).
    const dueJob = await s.queue.add(JobName.DeadlineSecondStage, { deadlineId: due }, { jobId: deadlineJobId(due, 'stage2'), delay: 3_600_000 });
    await dueJob.promote();
    const steps = [armed, due, never].map((id, i) => `${id} ${1_900_000_000_000 + i}`).join(',');
    const outside = await timers.secondStagesNotDelayed(steps);
    expect(outside).toBe(`${due} 1900000000001,${never} 1900000000002`);
    expect(parseUpcomingSteps(outside)).toEqual([
      { deadlineId: due, at: new Date(1_900_000_000_001) },
      { deadlineId: never, at: new Date(1_900_000_000_002) },
    ]);
    expect(await timers.secondStagesNotDelayed(`${armed} 1900000000000`)).toBe('');
    expect(await timers.secondStagesNotDelayed('')).toBe('');
  });

  it('the reconciler checks the timers armed since its last pass began, and every open one once Redis lost track of that pass', async () => {
    const timers = s.module.get(BullDeadlineTimers, { strict: false });
    const cases = await Promise.all([0, 1].map(() => fileCase(s, 'dir-fy-01', 'r1-neglect')));
    const [recent, old] = await Promise.all(cases.map((c) => deadlineOf(s, c.id, 'accept_report')));
    // Both breached: each breach arms its deadline's second-stage timer.
    for (const d of [recent, old]) {
      await makeDue(s, d.id);
      expect(await s.escalation.breach(d.id)).toBe('done');
    }
    const stage2Job = (d: { id: string }) => deadlineJobId(d.id, 'stage2');
    for (const d of [recent, old])
      await waitFor('the second-stage timer armed', async () => (await s.queue.getJobState(stage2Job(d))) === 'delayed', { timeoutMs: 5000 });
    // The old deadline was breached, and its second stage armed, an hour before the last pass began a minute ago.
    await s.db.query(`UPDATE deadline SET breached_at = now() - interval '1 hour' WHERE id = $1`, [old.id]);
    await timers.markReconciled(new Date(Date.now() - 60_000));
    // Both timers are lost (as when arming them failed after the commit).
    for (const d of [recent, old]) expect(await s.queue.remove(stage2Job(d))).toBe(1);

    const since = await s.escalation.reconcile();
    expect(since).toMatchObject({ full: false });
    expect(await s.queue.getJobState(stage2Job(recent))).toBe('delayed');
    expect(await s.queue.getJobState(stage2Job(old))).toBe('unknown');

    // Redis loses its data, and the instant of the last pass with it: the next pass checks every open timer.
    const client = (await s.queue.getBackend().connection.client) as unknown as { del(key: string): Promise<number> };
    expect(await client.del(s.queue.toKey('shouhu:timers-reconciled'))).toBe(1);
    expect(await timers.reconciledAt()).toBeNull();
    const full = await s.escalation.reconcile();
    expect(full.full).toBe(true);
    expect(full.rescheduled).toBeGreaterThanOrEqual(1);
    expect(full.checked).toBeGreaterThanOrEqual(2);
    expect(await s.queue.getJobState(stage2Job(old))).toBe('delayed');
    // Then again only what was armed since, and nothing is missing.
    expect(await s.escalation.reconcile()).toMatchObject({ full: false, rescheduled: 0 });
    expect((await timers.reconciledAt())?.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('the reconciler reads the open steps a page at a time through one cursor: each once, every one, none past a page', async () => {
    const repo = s.module.get(DeadlineRepository, { strict: false });
    const cases = await Promise.all([0, 1, 2].map(() => fileCase(s, 'dir-fy-01', 'r1-neglect')));
    // Breached, so that each has a second stage to come (a pending deadline has no step with a timer).
    const mine = new Set<string>();
    for (const c of cases) {
      const d = await deadlineOf(s, c.id, 'accept_report');
      await makeDue(s, d.id);
      expect(await s.escalation.breach(d.id)).toBe('done');
      mine.add(d.id);
    }
    const expected: { id: string; ms: string }[] = await s.db.query(
      `SELECT id, (extract(epoch FROM second_stage_at) * 1000)::bigint AS ms FROM deadline
        WHERE status = 'breached' AND closed_at IS NULL AND second_stage_done_at IS NULL AND second_stage_at > now()`,
    );
    const pages: number[] = [];
    const seen: string[] = [];
    const total = await repo.upcomingPages(undefined, 2, async (page) => {
      const steps = parseUpcomingSteps(page.steps);
      expect(steps).toHaveLength(page.count);
      pages.push(page.count);
      for (const step of steps) {
        expect(step.at.getTime()).toBeGreaterThan(Date.now() - 60_000);
        seen.push(`${step.deadlineId}:${step.at.getTime()}`);
      }
    });
    expect(total).toBe(expected.length);
    expect(seen.sort()).toEqual(expected.map((e) => `${e.id}:${e.ms}`).sort());
    expect(pages.every((n) => n >= 1 && n <= 2)).toBe(true);
    expect(pages.length).toBe(Math.ceil(expected.length / 2));
    for (const id of mine) expect(seen.some((x) => x.startsWith(`${id}:`))).toBe(true);
    // Only what was armed since: none of it when that is in the future.
    expect(await repo.upcomingPages(new Date(Date.now() + 3_600_000), 2, () => Promise.reject(new Error('no page expected')))).toBe(0);
    // A page that fails ends the pass, rolls the cursor's transaction back and gives its connection back.
    await expect(repo.upcomingPages(undefined, 2, () => Promise.reject(new Error('redis away')))).rejects.toThrow('redis away');
    expect(await repo.upcomingPages(undefined, 1000, async () => undefined)).toBe(expected.length);
  });
});
