/**
 * Issue 4, "Deadlines that act": real time on a short scale (SLA_TIME_SCALE 0.0005,
 * so 1 h → 1.8 s), the real API in process, real worker processes spawned from
 * dist/, the real PostgreSQL and Redis. No fake timers, no mocks.
 *
 * The API and the workers of this file use a queue prefix of their own (the run's
 * prefix + ":dl"), so its timers never mix with other files' queues; assertions
 * count only the cases this file creates.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Role } from '@shouhu/access';
import { EscalationService } from '@shouhu/deadlines';
import { deadlineJobId, JobName } from '@shouhu/jobs';
import { EventType } from '@shouhu/timeline';
import {
  apiGet,
  apiPost,
  deadlineOf,
  deadlinesOf,
  deadlinesQueue,
  DeadlineRow,
  DemoPlaces,
  demoPlaces,
  expectStatus,
  FiledCase,
  fileCase,
  finishedJob,
  Ledger,
  parseMetrics,
  sleep,
  startWorker,
  stopAllWorkers,
  waitFor,
  warmUp,
  WorkerProcess,
} from '../helpers/deadlines';
import { expectError, startApi, TestApi } from '../helpers/test-app';

const SCALE = '0.0005';
const HOUR_MS = 3600_000 * Number(SCALE); // 1.8 s
const QUEUE_PREFIX = `${process.env.QUEUE_PREFIX ?? 'shouhu-test'}:dl`;
const WORKER_ENV = { SLA_TIME_SCALE: SCALE, QUEUE_PREFIX };

jest.setTimeout(30_000);

describe('deadlines that act (real time, real worker)', () => {
  let api: TestApi;
  let queue: Queue;
  let ledger: Ledger;
  let places: DemoPlaces;
  let escalation: EscalationService;

  beforeAll(async () => {
    api = await startApi({ SLA_TIME_SCALE: SCALE, QUEUE_PREFIX });
    queue = deadlinesQueue(api.config);
    ledger = Ledger.of(api);
    places = await demoPlaces(api);
    escalation = api.app.get(EscalationService);
  });

  afterAll(async () => {
    await stopAllWorkers();
    await queue?.close();
    await api?.close();
  });

  /** Supervisor accepts a case with itself as the assignee. */
  async function accept(as: string, c: { id: string; version: number }, riskLevel: string) {
    const res = await apiPost(api, as, `/api/cases/${c.id}/transitions`, {
      action: 'accept',
      version: c.version,
      riskLevel,
      assigneeId: await ledger.userId(as),
    });
    expectStatus(res, 200);
    return res.body as FiledCase;
  }

  /** The database row of a deadline (second stage fields included). */
  async function row(id: string): Promise<{
    status: string;
    escalation_level: number;
    second_stage_at: Date | null;
    second_stage_done_at: Date | null;
    reminded_at: Date | null;
    closed_at: Date | null;
  }> {
    const [r] = await ledger.db.query(
      'SELECT status, escalation_level, second_stage_at, second_stage_done_at, reminded_at, closed_at FROM deadline WHERE id = $1',
      [id],
    );
    return r;
  }

  /** Moves a deadline's times back so that it fell due `lateMs` ago (its window keeps its length): time passes without a wait. */
  async function backdate(id: string, lateMs: number): Promise<void> {
    await ledger.db.query(
      `UPDATE deadline SET created_at = created_at - (due_at - now()) - make_interval(secs => $2 / 1000.0),
                           remind_at = remind_at - (due_at - now()) - make_interval(secs => $2 / 1000.0),
                           due_at = now() - make_interval(secs => $2 / 1000.0)
        WHERE id = $1`,
      [id, lateMs],
    );
  }

  const breached = (caseId: string, kind: string) =>
    waitFor(`${kind} of case ${caseId} to be breached`, async () => {
      const d = await deadlineOf(api, 'district1', caseId, kind);
      return d.status === 'breached' ? d : null;
    });

  const secondStageDone = (deadlineId: string) =>
    waitFor(`the second stage of deadline ${deadlineId}`, async () => {
      const r = await row(deadlineId);
      return r.second_stage_done_at ? r : null;
    });

  // ────────────────────────────────────────────────────────────────────────
  describe('with one worker: remind, breach, second stage', () => {
    let worker: WorkerProcess;
    /** R1 V01, police not told: nobody acts on it. */
    let late: FiledCase;
    let lateDeadlinesAtFiling: DeadlineRow[];
    /** R1 neglect, accepted at once. */
    let prompt: FiledCase;
    let promptAcceptDeadline: DeadlineRow;
    let supXa: string;
    let district1: string;
    let leader: string;

    beforeAll(async () => {
      worker = await startWorker(WORKER_ENV);
      await warmUp(queue);
      supXa = await ledger.userId('sup-xa');
      district1 = await ledger.userId('district1');
      leader = await ledger.userId('leader');
      late = await fileCase(api, 'dir-xa-01', places.community('xa', 0), 'r1-violence-no-police');
      lateDeadlinesAtFiling = await deadlinesOf(api, 'dir-xa-01', late.id);
      prompt = await fileCase(api, 'dir-xa-01', places.community('xa', 0), 'r1-neglect');
      promptAcceptDeadline = (prompt.deadlines as DeadlineRow[]).find((d) => d.kind === 'accept_report') as DeadlineRow;
      prompt = await accept('sup-xa', prompt, 'R1');
    });

    afterAll(async () => {
      await worker?.stop();
    });

    it('a filed R1 V01 case without police has accept_report and police_report pending, due 1 h (1.8 s) after the report', () => {
      const reportedAt = Date.parse(late.reportedAt);
      expect(late.status).toBe('submitted');
      const byKind = new Map(lateDeadlinesAtFiling.map((d) => [d.kind, d]));
      expect([...byKind.keys()].sort()).toEqual(['accept_report', 'police_report']);
      for (const d of lateDeadlinesAtFiling) {
        expect(d).toMatchObject({ status: 'pending', escalationLevel: 0, overdue: false, breachedAt: null, closedAt: null });
        const offset = Date.parse(d.dueAt) - reportedAt;
        expect(offset).toBeGreaterThanOrEqual(HOUR_MS - 5);
        expect(offset).toBeLessThan(HOUR_MS + 500);
        // The reminder at 75% of the window.
        expect(Date.parse(d.dueAt) - Date.parse(d.remindAt)).toBeCloseTo(0.25 * HOUR_MS, -1);
      }
      // The case detail of the filing answer carries the same deadlines and the earliest as nextDeadline.
      expect((late.deadlines as DeadlineRow[]).map((d) => d.id).sort()).toEqual(lateDeadlinesAtFiling.map((d) => d.id).sort());
      // When both fall due at the same instant, either is the earliest (the order between them is not defined).
      const first = Math.min(...lateDeadlinesAtFiling.map((d) => Date.parse(d.dueAt)));
      const earliest = lateDeadlinesAtFiling.filter((d) => Date.parse(d.dueAt) === first);
      expect(earliest.map((d) => d.kind)).toContain(late.nextDeadline?.kind);
      expect(late.nextDeadline).toEqual({ kind: late.nextDeadline?.kind, dueAt: earliest[0].dueAt, overdue: false });
    });

    it('breaches accept_report once: timeline event, flag, escalation level, reminder and breach notifications up the chain', async () => {
      const d = await breached(late.id, 'accept_report');
      expect(d.escalationLevel).toBe(1);
      expect(d.overdue).toBe(true);
      expect(Date.parse(d.breachedAt as string)).toBeGreaterThanOrEqual(Date.parse(d.dueAt));

      const timeline = await apiGet(api, 'district1', `/api/cases/${late.id}/timeline`);
      expectStatus(timeline, 200);
      expect(timeline.body.verified).toBe(true);
      const breaches = (timeline.body.events as { type: string; actor: { role: string }; data: Record<string, unknown> }[]).filter(
        (e) => e.type === 'deadline.breached' && e.data.deadlineId === d.id,
      );
      expect(breaches).toHaveLength(1);
      expect(breaches[0].actor).toEqual({ id: null, role: 'system' });
      expect(breaches[0].data).toMatchObject({
        kind: 'accept_report',
        dueAt: d.dueAt,
        responsibleRole: Role.StreetSupervisor,
        escalatedTo: Role.DistrictStaff,
        escalationLevel: 1,
      });

      const detail = await apiGet(api, 'sup-xa', `/api/cases/${late.id}`);
      expectStatus(detail, 200);
      expect(detail.body.flags).toContain('deadline_breached');
      expect(detail.body.escalationLevel).toBeGreaterThanOrEqual(1);
      // A system event does not bump the version a user is working with.
      expect(detail.body.version).toBe(late.version);

      // The street supervisor (responsible) had the reminder, then the breach.
      const supNotes = await waitFor('sup-xa to see the reminder and the breach', async () => {
        const res = await apiGet(api, 'sup-xa', '/api/notifications');
        expectStatus(res, 200);
        const mine = (res.body.items as { caseId: string; kind: string; title: string; body: string }[]).filter((n) => n.caseId === late.id);
        const kinds = new Set(mine.map((n) => n.kind));
        return kinds.has('deadline.reminder') && kinds.has('deadline.breached') ? mine : null;
      });
      for (const n of supNotes) {
        expect(n.title).toContain(late.caseNo);
        // Only the masked name, never the child's full name.
        expect(`${n.title} ${n.body}`).not.toContain(late.child.name);
      }
      // District staff (one level above the supervisor) had the breach.
      const districtRes = await apiGet(api, 'district1', '/api/notifications?unread=true');
      expectStatus(districtRes, 200);
      const districtKinds = (districtRes.body.items as { caseId: string; kind: string }[]).filter((n) => n.caseId === late.id).map((n) => n.kind);
      expect(districtKinds).toContain('deadline.breached');
      expect(districtKinds).not.toContain('deadline.reminder');

      // In the database: one reminder and one breach notification per recipient, by cause.
      const notes = await ledger.notifications(late.id);
      const about = (cause: string) => notes.filter((n) => n.dedupeKey.startsWith(`dl:${d.id}:${cause}:`));
      expect(about('remind').map((n) => n.userId)).toEqual(expect.arrayContaining([supXa]));
      expect(about('remind').map((n) => n.userId)).not.toContain(district1);
      expect(about('breach').map((n) => n.userId)).toEqual(expect.arrayContaining([supXa, district1]));
      const keys = notes.map((n) => n.dedupeKey);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('breaches police_report too: the community director is reminded and the street supervisor told', async () => {
      const d = await breached(late.id, 'police_report');
      expect(await ledger.eventsFor(late.id, EventType.DeadlineBreached, d.id)).toHaveLength(1);
      const [event] = await ledger.eventsFor(late.id, EventType.DeadlineBreached, d.id);
      expect(event.data).toMatchObject({ kind: 'police_report', responsibleRole: Role.CommunityDirector, escalatedTo: Role.StreetSupervisor });
      const director = await ledger.userId('dir-xa-01');
      const notes = await ledger.notifications(late.id);
      const to = (cause: string) => notes.filter((n) => n.dedupeKey.startsWith(`dl:${d.id}:${cause}:`)).map((n) => n.userId);
      expect(to('remind')).toContain(director);
      expect(to('breach')).toEqual(expect.arrayContaining([director, supXa]));
    });

    it('escalates to district leadership at the second stage: one deadline.escalated, escalation level 2, the leader and district staff notified', async () => {
      const d = await breached(late.id, 'accept_report');
      const r = await secondStageDone(d.id);
      expect(r.escalation_level).toBe(2);
      // The second window is as long as the first.
      expect((r.second_stage_at as Date).getTime() - Date.parse(d.breachedAt as string)).toBeGreaterThanOrEqual(HOUR_MS - 50);

      const escalations = await ledger.eventsFor(late.id, EventType.DeadlineEscalated, d.id);
      expect(escalations).toHaveLength(1);
      expect(escalations[0].data).toMatchObject({ kind: 'accept_report', escalatedTo: Role.DistrictLeader, escalationLevel: 2 });
      expect(escalations[0].data.leadersNotified).toBeGreaterThanOrEqual(1);
      const view = await deadlineOf(api, 'district1', late.id, 'accept_report');
      expect(view).toMatchObject({ status: 'breached', escalationLevel: 2 });

      const detail = await apiGet(api, 'district1', `/api/cases/${late.id}`);
      expect(detail.body.escalationLevel).toBe(2);
      expect(detail.body.flags).toEqual(expect.arrayContaining(['deadline_breached', 'escalated']));

      // The leader sees it among its own notifications, and opens the case and its timeline (it reads, it does not act).
      const leaderRes = await apiGet(api, 'leader', '/api/notifications?unread=true');
      expectStatus(leaderRes, 200);
      const toLeader = (leaderRes.body.items as { caseId: string; kind: string; title: string; body: string }[]).filter((n) => n.caseId === late.id);
      // (police_report, breached too, may have reached its own second stage: escalated as well.)
      expect(toLeader.length).toBeGreaterThanOrEqual(1);
      for (const n of toLeader) {
        expect(n.kind).toBe('deadline.escalated');
        expect(n.title).toContain(late.caseNo);
        expect(n.title).toContain('已升级至区分管领导');
        expect(`${n.title} ${n.body}`).not.toContain(late.child.name);
      }
      const asLeader = await apiGet(api, 'leader', `/api/cases/${late.id}`);
      expectStatus(asLeader, 200);
      expect(asLeader.body).toMatchObject({ escalationLevel: 2, allowedActions: [] });
      const leaderTimeline = await apiGet(api, 'leader', `/api/cases/${late.id}/timeline`);
      expectStatus(leaderTimeline, 200);
      expect((leaderTimeline.body.events as { type: string }[]).map((e) => e.type)).toContain('deadline.escalated');

      const res = await apiGet(api, 'district1', '/api/notifications');
      const escalated = (res.body.items as { caseId: string; kind: string }[]).filter((n) => n.caseId === late.id && n.kind === 'deadline.escalated');
      expect(escalated.length).toBeGreaterThanOrEqual(1);
      const notes = await ledger.notifications(late.id);
      expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:stage2:${district1}`)).toHaveLength(1);
      expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:stage2:${leader}`)).toHaveLength(1);
      // The second stage goes to the district only: leadership and staff, not the street.
      expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:stage2:${supXa}`)).toHaveLength(0);
      // Reminders and breaches never reach the leader: only second stages do.
      expect(notes.filter((n) => n.userId === leader).every((n) => /^dl:[0-9a-f-]+:stage2:/.test(n.dedupeKey))).toBe(true);
    });

    it('a case accepted in time: accept_report is met, never reminded nor breached, and no timer of it was ever queued', async () => {
      const view = await deadlineOf(api, 'sup-xa', prompt.id, 'accept_report');
      expect(view.id).toBe(promptAcceptDeadline.id);
      expect(view).toMatchObject({ status: 'met', escalationLevel: 0, overdue: false, breachedAt: null });
      expect(view.closedAt).not.toBeNull();
      expect((await row(view.id)).reminded_at).toBeNull();

      // A pending deadline has no timer: the sweeper reads its reminder and due time from the row.
      // That a met deadline's steps do nothing when its time comes is the service tier's test (test/medium).
      for (const stage of ['remind', 'due'] as const) expect(await queue.getJob(deadlineJobId(view.id, stage))).toBeUndefined();
      expect(await ledger.events(prompt.id, EventType.DeadlineBreached)).toHaveLength(0);
    });

    it('a job that fails is logged by the worker: queue, job id, attempt, error, and nothing of the job’s data', async () => {
      const jobId = `bad-${randomBytes(4).toString('hex')}`;
      await queue.add(JobName.DeadlineDue, { deadlineId: 'not-a-deadline-id' }, { jobId, attempts: 1 });
      expect(await finishedJob(queue, jobId)).toMatchObject({ state: 'failed' });
      const line = await waitFor('the failure in the worker’s log', () =>
        Promise.resolve(
          worker
            .output()
            .split('\n')
            .find((l) => l.includes(`"jobId":"${jobId}"`)),
        ),
      );
      expect(line).toContain('"level":50');
      expect(line).toContain('"msg":"job failed for good; kept in the failed set for inspection"');
      expect(line).toContain('"queue":"deadlines"');
      expect(line).toContain('"job":"deadline.due","attempt":1,"attempts":1,"retried":false');
      expect(line).toContain('"error":{"type":');
    });

    it('list and detail carry nextDeadline; overdue=true and sort=dueAt work on the queue', async () => {
      await breached(late.id, 'accept_report');
      await breached(late.id, 'police_report');
      const community = places.community('xa', 0);

      // The late case: its earliest open deadline is past due.
      const lateDetail = (await apiGet(api, 'sup-xa', `/api/cases/${late.id}`)).body;
      expect(lateDetail.nextDeadline).not.toBeNull();
      expect(lateDetail.nextDeadline.overdue).toBe(true);
      const lateOpen = (await deadlinesOf(api, 'sup-xa', late.id)).filter((d) => d.closedAt === null).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
      expect(lateDetail.nextDeadline).toEqual({ kind: lateOpen[0].kind, dueAt: lateOpen[0].dueAt, overdue: true });

      // The prompt case: the assessment, 24 h (43.2 s) after acceptance, not yet due.
      const promptDetail = (await apiGet(api, 'sup-xa', `/api/cases/${prompt.id}`)).body;
      const assessment = await deadlineOf(api, 'sup-xa', prompt.id, 'assessment');
      expect(assessment.status).toBe('pending');
      expect(Date.parse(assessment.dueAt) - Date.parse(promptDetail.acceptedAt)).toBeGreaterThanOrEqual(24 * HOUR_MS - 5);
      expect(Date.parse(assessment.dueAt) - Date.parse(promptDetail.acceptedAt)).toBeLessThan(24 * HOUR_MS + 500);
      expect(promptDetail.nextDeadline).toEqual({ kind: 'assessment', dueAt: assessment.dueAt, overdue: false });

      const list = async (query: Record<string, string>) => {
        const items: { id: string; nextDeadline: { kind: string; dueAt: string; overdue: boolean } | null }[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 100; page += 1) {
          const qs = new URLSearchParams({ communityId: community, limit: '200', ...query, ...(cursor ? { cursor } : {}) });
          const res = await apiGet(api, 'sup-xa', `/api/cases?${qs.toString()}`);
          expectStatus(res, 200);
          items.push(...res.body.items);
          cursor = res.body.nextCursor;
          if (!cursor) return items;
        }
        throw new Error('pagination does not end');
      };

      // Summaries carry the same nextDeadline as the details.
      const all = await list({});
      expect(all.find((c) => c.id === late.id)?.nextDeadline).toEqual(lateDetail.nextDeadline);
      expect(all.find((c) => c.id === prompt.id)?.nextDeadline).toEqual(promptDetail.nextDeadline);

      const overdue = await list({ overdue: 'true' });
      expect(overdue.map((c) => c.id)).toContain(late.id);
      expect(overdue.map((c) => c.id)).not.toContain(prompt.id);
      for (const c of overdue) expect(c.nextDeadline?.overdue).toBe(true);

      const notOverdue = await list({ overdue: 'false' });
      expect(notOverdue.map((c) => c.id)).toContain(prompt.id);
      expect(notOverdue.map((c) => c.id)).not.toContain(late.id);

      const byDue = await list({ sort: 'dueAt' });
      const dueTimes = byDue.map((c) => (c.nextDeadline ? Date.parse(c.nextDeadline.dueAt) : Infinity));
      expect(dueTimes).toEqual([...dueTimes].sort((a, b) => a - b));
      expect(byDue.findIndex((c) => c.id === late.id)).toBeLessThan(byDue.findIndex((c) => c.id === prompt.id));
    });

    it('a notification can be marked read by its recipient only', async () => {
      const mine = await waitFor('a breach notification for sup-xa', async () => {
        const res = await apiGet(api, 'sup-xa', '/api/notifications?unread=true');
        expectStatus(res, 200);
        return (res.body.items as { id: string; caseId: string; kind: string; read: boolean }[]).find(
          (n) => n.caseId === late.id && n.kind === 'deadline.breached',
        );
      });
      expect(mine.read).toBe(false);

      const read = await apiPost(api, 'sup-xa', `/api/notifications/${mine.id}/read`);
      expectStatus(read, 200);
      expect(read.body).toMatchObject({ id: mine.id, read: true });
      expect(Date.parse(read.body.readAt)).toBeLessThanOrEqual(Date.now());
      // Reading again changes nothing.
      const again = await apiPost(api, 'sup-xa', `/api/notifications/${mine.id}/read`);
      expectStatus(again, 200);
      expect(again.body.readAt).toBe(read.body.readAt);

      const unread = await apiGet(api, 'sup-xa', '/api/notifications?unread=true');
      expect((unread.body.items as { id: string }[]).map((n) => n.id)).not.toContain(mine.id);
      const all = await apiGet(api, 'sup-xa', '/api/notifications');
      expect((all.body.items as { id: string; read: boolean }[]).find((n) => n.id === mine.id)).toMatchObject({ read: true });

      // Someone else's notification: 404, as if it did not exist, and it stays unread.
      const theirs = (await ledger.notifications(late.id)).find((n) => n.userId === district1) as { id: string };
      expectError(await apiPost(api, 'sup-xa', `/api/notifications/${theirs.id}/read`), 404, 'NOT_FOUND');
      expectError(await apiPost(api, 'sup-xa', `/api/notifications/${randomUUID()}/read`), 404, 'NOT_FOUND');
      const districtView = await apiGet(api, 'district1', '/api/notifications');
      expect((districtView.body.items as { id: string; read: boolean }[]).find((n) => n.id === theirs.id)).toMatchObject({ read: false });
    });

    it('exactly once: each step run again, directly or by a duplicate job, changes nothing', async () => {
      const deadlines = await Promise.all(['accept_report', 'police_report'].map((k) => breached(late.id, k)));
      for (const d of deadlines) await secondStageDone(d.id);
      const before = await ledger.snapshot([late.id]);

      for (const d of deadlines) {
        expect(await escalation.remind(d.id)).toBe('noop');
        expect(await escalation.breach(d.id)).toBe('noop');
        expect(await escalation.secondStage(d.id)).toBe('noop');
      }
      expect(await ledger.snapshot([late.id])).toEqual(before);

      // Duplicate jobs with other ids, handled by the worker process.
      const dupes: string[] = [];
      for (const d of deadlines) {
        for (const name of [JobName.DeadlineDue, JobName.DeadlineRemind, JobName.DeadlineSecondStage]) {
          const jobId = `dup-${d.id}-${name.replace('.', '-')}-${randomBytes(3).toString('hex')}`;
          await queue.add(name, { deadlineId: d.id }, { jobId });
          dupes.push(jobId);
        }
      }
      for (const jobId of dupes) expect(await finishedJob(queue, jobId)).toMatchObject({ state: 'completed', returnvalue: 'noop' });
      expect(await ledger.snapshot([late.id])).toEqual(before);
      for (const d of deadlines) {
        expect(await ledger.eventsFor(late.id, EventType.DeadlineBreached, d.id)).toHaveLength(1);
        expect(await ledger.eventsFor(late.id, EventType.DeadlineEscalated, d.id)).toHaveLength(1);
      }
    });
    // A breached step keeping its one deadline through later changes is the service tier's test (test/medium).
  });

  // ────────────────────────────────────────────────────────────────────────
  describe('the reconciler', () => {
    it('re-creates no timer for pending deadlines: the sweeper takes their reminders and due times from the rows', async () => {
      const cases = [
        await fileCase(api, 'dir-hc-01', places.community('hc', 0), 'r4-welfare'),
        await fileCase(api, 'dir-hc-01', places.community('hc', 0), 'r4-welfare'),
      ];
      const deadlines = await Promise.all(cases.map((c) => deadlineOf(api, 'sup-hc', c.id, 'accept_report')));
      const jobIds = deadlines.flatMap((d) => [deadlineJobId(d.id, 'due'), deadlineJobId(d.id, 'remind')]);
      // The filing queued nothing for them…
      for (const id of jobIds) expect(await queue.getJobState(id)).toBe('unknown');
      // …and a full pass of the reconciler (as after Redis lost its data) re-creates nothing either.
      const client = (await queue.getBackend().connection.client) as unknown as { del(key: string): Promise<number> };
      await client.del(queue.toKey('shouhu:timers-reconciled'));
      const result = await escalation.reconcile();
      expect(result.full).toBe(true);
      for (const d of deadlines) expect(d.status).toBe('pending');
      for (const id of jobIds) expect(await queue.getJobState(id)).toBe('unknown');
    });

    it('a worker started after deadlines fell due processes each breach exactly once', async () => {
      const community = places.community('fy', 0);
      const cases = [];
      for (let i = 0; i < 3; i += 1) cases.push(await fileCase(api, 'dir-fy-01', community, 'r1-neglect'));
      const deadlines = await Promise.all(cases.map((c) => deadlineOf(api, 'sup-fy', c.id, 'accept_report')));

      // No worker runs while the deadlines fall due: their times move back past the reconciler's 2 s grace (their windows unchanged).
      for (const d of deadlines) await backdate(d.id, 2_300);
      for (const d of deadlines) expect((await row(d.id)).status).toBe('pending');
      for (const c of cases) expect(await ledger.events(c.id, EventType.DeadlineBreached)).toHaveLength(0);

      // The worker starts: its start-up reconcile run and the timers (which still fire at the old instants) meet on the same deadlines.
      const worker = await startWorker(WORKER_ENV);
      try {
        for (const d of deadlines) await secondStageDone(d.id);
        await sleep(300);
        const supFy = await ledger.userId('sup-fy');
        const district1 = await ledger.userId('district1');
        for (const [i, d] of deadlines.entries()) {
          expect(await ledger.eventsFor(cases[i].id, EventType.DeadlineBreached, d.id)).toHaveLength(1);
          expect(await ledger.eventsFor(cases[i].id, EventType.DeadlineEscalated, d.id)).toHaveLength(1);
          const notes = await ledger.notifications(cases[i].id);
          expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:breach:${supFy}`)).toHaveLength(1);
          expect(notes.filter((n) => n.dedupeKey === `dl:${d.id}:breach:${district1}`)).toHaveLength(1);
          // Reminded at most once: only when the reminder ran before the breach.
          const supervisors = await ledger.activeUserIds(Role.StreetSupervisor, places.street('fy'));
          const reminded = notes
            .filter((n) => n.kind === 'deadline.reminder')
            .map((n) => n.userId)
            .sort();
          expect(reminded).toEqual((await row(d.id)).reminded_at ? [...supervisors].sort() : []);
        }
      } finally {
        await worker.stop();
      }
    });
  });

  // ────────────────────────────────────────────────────────────────────────
  describe('two workers at once', () => {
    let workers: WorkerProcess[] = [];

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });

    it('each deadline breaches and escalates once, each (cause, recipient) is notified once', async () => {
      workers = await Promise.all([startWorker(WORKER_ENV), startWorker(WORKER_ENV)]);
      await warmUp(queue, 16);
      const where = [
        { director: 'dir-xx-01', supervisor: 'sup-xx', community: places.community('xx', 0), street: places.street('xx') },
        { director: 'dir-sj-01', supervisor: 'sup-sj', community: places.community('sj', 0), street: places.street('sj') },
      ];
      const cases: { c: FiledCase; at: (typeof where)[number] }[] = [];
      for (let i = 0; i < 6; i += 1) {
        const at = where[i % 2];
        cases.push({ c: await fileCase(api, at.director, at.community, 'r1-neglect'), at });
      }
      const deadlines = await Promise.all(cases.map(({ c, at }) => deadlineOf(api, at.supervisor, c.id, 'accept_report')));

      // Extra due jobs, timed with the real ones, so both workers race for the same deadlines.
      for (const d of deadlines) {
        for (let k = 0; k < 3; k += 1) {
          await queue.add(JobName.DeadlineDue, { deadlineId: d.id }, { jobId: `race-${d.id}-due-${k}`, delay: Math.max(0, Date.parse(d.dueAt) - Date.now()) });
        }
      }
      const breachedRows = [];
      for (const d of deadlines)
        breachedRows.push(await waitFor(`deadline ${d.id} breached`, async () => ((await row(d.id)).status === 'breached' ? row(d.id) : null)));
      // …and the same for the second stage.
      for (const [i, d] of deadlines.entries()) {
        const delay = Math.max(0, (breachedRows[i].second_stage_at as Date).getTime() - Date.now());
        for (let k = 0; k < 3; k += 1) await queue.add(JobName.DeadlineSecondStage, { deadlineId: d.id }, { jobId: `race-${d.id}-stage2-${k}`, delay });
      }
      for (const d of deadlines) await secondStageDone(d.id);
      for (const d of deadlines) {
        for (let k = 0; k < 3; k += 1) {
          expect((await finishedJob(queue, `race-${d.id}-due-${k}`)).state).toBe('completed');
          expect((await finishedJob(queue, `race-${d.id}-stage2-${k}`)).state).toBe('completed');
        }
      }

      const district = await ledger.activeUserIds(Role.DistrictStaff, places.districtId);
      const leaders = await ledger.activeUserIds(Role.DistrictLeader, places.districtId);
      expect(leaders.length).toBeGreaterThanOrEqual(1);
      for (const [i, d] of deadlines.entries()) {
        const { c, at } = cases[i];
        expect(await ledger.eventsFor(c.id, EventType.DeadlineBreached, d.id)).toHaveLength(1);
        expect(await ledger.eventsFor(c.id, EventType.DeadlineEscalated, d.id)).toHaveLength(1);
        expect(await ledger.events(c.id, EventType.DeadlineBreached)).toHaveLength(1);

        const supervisors = await ledger.activeUserIds(Role.StreetSupervisor, at.street);
        const notes = await ledger.notifications(c.id);
        const pairs = notes.map((n) => `${n.kind} ${n.userId}`);
        expect(new Set(pairs).size).toBe(pairs.length);
        const recipients = (kind: string) =>
          notes
            .filter((n) => n.kind === kind)
            .map((n) => n.userId)
            .sort();
        expect(recipients('deadline.breached')).toEqual([...new Set([...supervisors, ...district])].sort());
        // The second stage: district leadership, and district staff kept informed.
        expect(recipients('deadline.escalated')).toEqual([...district, ...leaders].sort());
        // The reminder went to the supervisors once, unless the deadline was breached before a worker got to it.
        expect(recipients('deadline.reminder')).toEqual((await row(d.id)).reminded_at ? [...supervisors].sort() : []);

        // The hash chain of the timeline survived the concurrent writers.
        const timeline = await apiGet(api, 'district1', `/api/cases/${c.id}/timeline/verify`);
        expect(timeline.body.valid).toBe(true);
        expect((await apiGet(api, at.supervisor, `/api/cases/${c.id}`)).body.escalationLevel).toBe(2);
      }
      for (const w of workers) expect(w.child.exitCode).toBeNull();
    });
  });

  // ────────────────────────────────────────────────────────────────────────
  describe('GET /metrics', () => {
    it('exposes queue depth, deadlines by kind and status, HTTP latency and the database pool', async () => {
      const pending = await fileCase(api, 'dir-yl-01', places.community('yl', 0), 'r4-welfare');
      const overdue = await fileCase(api, 'dir-yl-01', places.community('yl', 0), 'r1-neglect');
      const d = await deadlineOf(api, 'sup-yl', overdue.id, 'accept_report');
      await backdate(d.id, 50);
      // No worker in this block: the escalation step runs here, in the API's process.
      expect(await escalation.breach(d.id)).toBe('done');
      expect((await apiGet(api, 'sup-yl', `/api/cases/${pending.id}`)).status).toBe(200);

      const counts = async () => {
        const rows: { kind: string; status: string; n: string }[] = await ledger.db.query(
          `SELECT kind, status, count(*) AS n FROM deadline WHERE status IN ('pending', 'breached') GROUP BY kind, status`,
        );
        return new Map(rows.map((r) => [`${r.kind}/${r.status}`, Number(r.n)]));
      };
      const before = await counts();
      const headers = api.config.METRICS_TOKEN ? { Authorization: `Bearer ${api.config.METRICS_TOKEN}` } : {};
      const res = await api.http.get('/metrics').set(headers);
      const after = await counts();
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const samples = parseMetrics(res.text);
      const find = (name: string, labels: Record<string, string>) =>
        samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

      // Queue depth by queue and state.
      const delayed = find('shouhu_queue_jobs', { queue: 'deadlines', state: 'delayed' });
      expect(delayed).toHaveLength(1);
      expect(delayed[0].value).toBeGreaterThanOrEqual(1); // the breached deadline's second-stage timer, at least
      expect(find('shouhu_queue_jobs', { queue: 'deadlines' }).map((s) => s.labels.state)).toEqual(
        expect.arrayContaining(['waiting', 'delayed', 'active', 'failed', 'completed']),
      );
      expect(find('shouhu_queue_jobs', { queue: 'maintenance' }).length).toBeGreaterThan(0);

      // Deadlines by kind and status, as in the database.
      const gauge = new Map(find('shouhu_deadlines', {}).map((s) => [`${s.labels.kind}/${s.labels.status}`, s.value]));
      expect(gauge.get('accept_report/pending')).toBeGreaterThanOrEqual(1);
      expect(gauge.get('accept_report/breached')).toBeGreaterThanOrEqual(1);
      for (const [key, n] of after) if (before.get(key) === n) expect([key, gauge.get(key)]).toEqual([key, n]);
      for (const s of find('shouhu_deadlines', {})) expect(['pending', 'breached']).toContain(s.labels.status);

      // HTTP latency by route template, never by real id.
      const latency = find('shouhu_http_request_duration_seconds_count', { method: 'GET', route: '/api/cases/:id', status: '200' });
      expect(latency).toHaveLength(1);
      expect(latency[0].value).toBeGreaterThanOrEqual(1);
      expect(find('shouhu_http_request_duration_seconds_bucket', { route: '/api/cases/:id', le: '+Inf' }).length).toBeGreaterThan(0);
      expect(find('shouhu_http_request_duration_seconds_sum', { route: '/api/cases/:id' }).length).toBeGreaterThan(0);
      for (const s of samples) for (const v of Object.values(s.labels)) expect(v).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

      // The database pool of this process.
      const total = find('shouhu_db_pool_connections', { state: 'total' });
      expect(total).toHaveLength(1);
      expect(total[0].value).toBeGreaterThanOrEqual(1);
      expect(find('shouhu_db_pool_connections', { state: 'idle' })).toHaveLength(1);
      expect(find('shouhu_db_pool_connections', { state: 'waiting' })).toHaveLength(1);
    });
  });
});
