import { bearer } from '../helpers/test-app';
import { caseBody, CaseDetail, dataSourceOf, HOUR, isoAgo, nationalId, useCaseBed } from '../helpers/cases';
import { recordStatements, type SentStatement } from '../helpers/pg-statements';

/**
 * Issue 14, point 2: the common filing (a new child, submitted) sends at most 10 statements,
 * the auth guard's user lookup, BEGIN and COMMIT included, all on one connection, in two round
 * trips (BEGIN with the place, the locks and the number; the rows' statement with COMMIT); its
 * answer is built from the rows it wrote and equals what GET /api/cases/:id reads back afterwards.
 * Every statement any pooled connection sends is recorded (recordStatements).
 */
const pg = recordStatements();

/** The statements as they shared round trips: a statement sent before the answers to those before it joins their round trip. */
function roundTrips(stmts: SentStatement[]): string[][] {
  const label = (sql: string) =>
    /pg_advisory_xact_lock/.test(sql) ? 'place' : /^WITH known AS|^WITH child_row AS/.test(sql) ? 'insert' : sql.replace(/\s+/g, ' ').slice(0, 60);
  const trips: string[][] = [];
  for (const s of stmts) {
    if (s.afterAnswers || trips.length === 0) trips.push([label(s.sql)]);
    else trips[trips.length - 1].push(label(s.sql));
  }
  return trips;
}

describe('the filing in few statements', () => {
  const bed = useCaseBed();

  /** POST /api/cases as the community director, with what each statement sent. */
  async function fileRecorded(
    body: Record<string, unknown>,
  ): Promise<{ res: CaseDetail & { linkedToExisting: boolean; reopened: boolean }; stmts: SentStatement[] }> {
    const token = await bed.cc.token('dir-xa-01');
    pg.sent.length = 0;
    pg.recording = true;
    const res = await bed.api.http.post('/api/cases').set(bearer(token)).send(body);
    pg.recording = false;
    expect(res.status).toBe(201);
    return { res: res.body, stmts: [...pg.sent] };
  }

  /** The detail as GET reads it, against the filing's answer (deadlines of one due time may come in either order). */
  async function expectSameAsRead(filed: CaseDetail & { linkedToExisting: boolean; reopened: boolean }): Promise<void> {
    const read = await bed.cc.detail('dir-xa-01', filed.id);
    const { linkedToExisting, reopened, ...detail } = filed;
    expect(linkedToExisting).toBe(false);
    expect(reopened).toBe(false);
    const byKind = (d: CaseDetail) => ({ ...d, deadlines: [...d.deadlines].sort((a: { kind: string }, b: { kind: string }) => a.kind.localeCompare(b.kind)) });
    expect(byKind(detail as CaseDetail)).toEqual(byKind(read));
  }

  it('a new child, R3, submitted: at most 10 statements on one connection, the answer as read back, the access logged once', async () => {
    const { res, stmts } = await fileRecorded(caseBody(bed.xa1));
    if (process.env.SHOW_FILING_SQL) console.log(stmts.map((s) => `${s.pid} ${s.afterAnswers} ${s.sql.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n'));
    expect(stmts.length).toBeLessThanOrEqual(10);
    expect(new Set(stmts.map((s) => s.pid)).size).toBe(1);
    // (The auth guard's user lookup, when the token's actor is not cached yet, comes before, in a round trip of its own.)
    expect(roundTrips(stmts).filter((t) => !/FROM "?user/.test(t[0]) && !/^SELECT u\./.test(t[0]))).toEqual([
      ['START TRANSACTION', 'place'],
      ['insert', 'COMMIT'],
    ]);
    // No reads the transaction does not need: no timeline read, no deadline read, no detail re-read.
    expect(stmts.filter((s) => /FROM "?case_event"?|FROM "?deadline"?|FROM "?report"?/i.test(s.sql) && /^\s*SELECT/i.test(s.sql))).toEqual([]);
    expect(stmts.filter((s) => /case_number_counter/.test(s.sql))).toEqual([]);
    // The filing's own statements are prepared: the place with the locks and the number; the insert with the match of the child.
    const own = [
      /pg_advisory_xact_lock[\s\S]*FROM jurisdiction j JOIN jurisdiction d/,
      /^WITH known AS \([\s\S]*FROM child WHERE street_id[\s\S]*child_row AS \(INSERT/,
    ];
    for (const pattern of own) expect(stmts.filter((s) => pattern.test(s.sql)).map((s) => s.named)).toEqual([true]);
    expect(res.caseNo).toMatch(/^BA-\d{4}-\d{6,10}$/);
    expect(res.status).toBe('submitted');
    expect(res.reports).toHaveLength(1);
    expect(res.deadlines.map((d: { kind: string }) => d.kind)).toEqual(['accept_report']);
    expect(res.nextDeadline).toEqual({ kind: 'accept_report', dueAt: res.deadlines[0].dueAt, overdue: false });

    const db = dataSourceOf(bed.api);
    const [logged] = await db.query<{ fields: string[] }[]>(`SELECT fields FROM access_log WHERE case_id = $1`, [res.id]);
    expect(logged.fields).toEqual(['child.name', 'child.birthDate', 'child.address', 'child.school', 'reports.reporter', 'reports.location']);
    const [row] = await db.query<{ last_event_seq: number; version: number }[]>(`SELECT last_event_seq, version FROM "case" WHERE id = $1`, [res.id]);
    expect(row).toEqual({ last_event_seq: 1, version: 1 });

    const timeline = await bed.cc.timeline('dir-xa-01', res.id);
    expect(timeline.verified).toBe(true);
    expect(timeline.events.map((e) => [e.seq, e.type, e.toStatus, e.data])).toEqual([
      [1, 'case.reported', 'submitted', { reportId: res.reports[0].id, caseNo: res.caseNo, riskLevel: 'R3', categories: ['N04'] }],
    ]);
    await expectSameAsRead(res);
  });

  it('R1 violence, police not told, with an ID number: the police alert and its deadline in the same few statements', async () => {
    const birthDate = '2015-04-02';
    const idNumber = nationalId(birthDate);
    const { res, stmts } = await fileRecorded(
      caseBody(bed.xa1, {
        child: { birthDate, idNumber },
        categories: ['V01'],
        mandatoryItems: [4],
        riskLevel: 'R1',
        police: { notReportedReason: '家属拒绝报警，正在劝说。' },
      }),
    );
    expect(stmts.length).toBeLessThanOrEqual(10);
    expect(new Set(stmts.map((s) => s.pid)).size).toBe(1);
    expect(res.flags).toEqual(['police_alert']);
    expect(res.deadlines.map((d: { kind: string }) => d.kind).sort()).toEqual(['accept_report', 'police_report']);
    expect(res.child.idNumber).toBe(idNumber);
    const [logged] = await dataSourceOf(bed.api).query<{ fields: string[] }[]>(`SELECT fields FROM access_log WHERE case_id = $1`, [res.id]);
    expect(logged.fields).toContain('child.idNumber');
    await expectSameAsRead(res);
  });

  it('police told: the feedback deadline; numbers increase from the sequence', async () => {
    const a = await fileRecorded(caseBody(bed.xa1, { categories: ['V01'], riskLevel: 'R2', police: { reportedAt: isoAgo(HOUR), receiptNo: 'JJ-1' } }));
    const b = await fileRecorded(caseBody(bed.xa1));
    expect(a.res.flags).toEqual([]);
    expect(a.res.deadlines.map((d: { kind: string }) => d.kind).sort()).toEqual(['accept_report', 'police_feedback']);
    await expectSameAsRead(a.res);
    const n = (caseNo: string) => Number(caseNo.split('-')[2]);
    expect(n(b.res.caseNo)).toBeGreaterThan(n(a.res.caseNo));
  });

  it('a second report on the same child still joins its case (the full path); a draft files in the same few statements', async () => {
    const body = caseBody(bed.xa1);
    const first = await fileRecorded(body);
    const token = await bed.cc.token('dir-xa-01');
    pg.sent.length = 0;
    pg.recording = true;
    const again = await bed.api.http
      .post('/api/cases')
      .set(bearer(token))
      .send({ ...body, report: { ...(body.report as object), narrative: '再次发现。' } });
    pg.recording = false;
    expect(again.status).toBe(200);
    // The one statement wrote nothing (the child is known) and committed; the report joined the case
    // in a second transaction, under the same locks, one statement per round trip after its first.
    const trips = roundTrips([...pg.sent]);
    expect(trips.slice(trips.findIndex((t) => t[0] === 'START TRANSACTION')).slice(0, 3)).toEqual([
      ['START TRANSACTION', 'place'],
      ['insert', 'COMMIT'],
      ['START TRANSACTION', 'place'],
    ]);
    expect(trips.filter((t) => t.includes('COMMIT'))).toHaveLength(2);
    expect(again.body.id).toBe(first.res.id);
    expect(again.body.linkedToExisting).toBe(true);
    expect(again.body.reports).toHaveLength(2);
    const timeline = await bed.cc.timeline('dir-xa-01', first.res.id);
    expect(timeline.verified).toBe(true);
    expect(timeline.events.map((e) => e.seq)).toEqual([1, 2]);

    // A draft: no deadlines, the same one statement.
    const draft = await fileRecorded(caseBody(bed.xa1, { submit: false }));
    expect(draft.stmts.length).toBeLessThanOrEqual(10);
    expect(new Set(draft.stmts.map((s) => s.pid)).size).toBe(1);
    expect(draft.res.status).toBe('draft');
    expect(draft.res.deadlines).toEqual([]);
    expect(draft.res.nextDeadline).toBeNull();
    expect((await bed.cc.timeline('dir-xa-01', draft.res.id)).events.map((e) => [e.seq, e.type, e.toStatus])).toEqual([[1, 'case.filed', 'draft']]);
    await expectSameAsRead(draft.res);
  });
});
