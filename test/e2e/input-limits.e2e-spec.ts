/**
 * Input a client can send that PostgreSQL or the process could not take: strings
 * of a valid length that JavaScript and PostgreSQL count differently, numbers and
 * dates out of range, and bodies nested thousands of levels deep. Each is a 400
 * naming the problem, never a 500; what is within the limits is stored intact.
 */
import { randomInt } from 'node:crypto';
import { Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import { getMetadataStorage, maxLength } from 'class-validator';
import { charCount } from '@shouhu/errors';
import {
  assessmentBody,
  caseBody,
  CaseClient,
  CaseDetail,
  CaseOverrides,
  dataSourceOf,
  DAY,
  demoIds,
  expectError,
  expectStatus,
  isoAgo,
  isoIn,
  Res,
  uniqueChildName,
} from '../helpers/cases';
import { unique } from '../helpers/factories';
import { bearer, startApi, TestApi, tokenFor } from '../helpers/test-app';

/** Code points JavaScript (UTF-16 length, validator.js) and PostgreSQL count differently. */
const PIECES = ['明', '\uFE0F', 'e', '\u0301', '𠀀', '😀', '字', '\uFE0E'];

/**
 * Exactly `n` code points (PostgreSQL's count), starting with `lead`: variation
 * selectors, combining marks and astral characters mixed in.
 */
function chars(n: number, lead = ''): string {
  const out = Array.from(lead);
  for (let i = 0; out.length < n; i += 1) out.push(PIECES[i % PIECES.length]);
  return out.slice(0, n).join('');
}

/** One code point over the limit, the extra one a variation selector (which validator.js does not count). */
const over = (n: number, lead = '') => `${chars(n, lead)}\uFE0F`;

/** 400 VALIDATION_FAILED naming this field, with this message. */
function expectInvalid(res: Res, field: string, message: string): void {
  expectError(res, 400, 'VALIDATION_FAILED');
  const messages = (res.body.details as { field: string; message: string }[]).filter((d) => d.field === field).map((d) => d.message);
  if (!messages.includes(message)) throw new Error(`expected "${field} ${message}", got ${JSON.stringify(res.body.details)}`);
}

const atMost = (n: number) => `must be at most ${n} characters`;

/** Sets a dotted path ("report.narrative") of a body object. */
function withPath(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
  return copy;
}

describe('input limits (e2e)', () => {
  let api: TestApi;
  let cc: CaseClient;
  let xa1: string;
  let supId: string;
  const query = (sql: string, params: unknown[]) => dataSourceOf(api).query(sql, params);

  beforeAll(async () => {
    api = await startApi();
    cc = new CaseClient(api);
    xa1 = (await demoIds(api)).community('xa', 0);
    supId = await cc.userId('sup-xa');
  });
  afterEach(() => {
    expect(cc.serverErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await api?.close();
  });

  const file = (overrides: CaseOverrides = {}) => cc.file('dir-xa-01', xa1, overrides);

  it('the test strings are what they claim: n code points, longer in UTF-16, and the old check passed n + 1', () => {
    for (const n of [10, 50, 64, 1000, 5000]) {
      expect(charCount(chars(n))).toBe(n);
      expect(Array.from(chars(n))).toHaveLength(n);
      expect(chars(n).length).toBeGreaterThan(n);
      expect(charCount(over(n))).toBe(n + 1);
      expect(maxLength(over(n), n)).toBe(true); // class-validator's MaxLength let these through to PostgreSQL
    }
  });

  describe('every bounded string counts what its column counts', () => {
    /**
     * Every bounded string of every DTO and its limit: the length of the varchar
     * column it lands in (comment), or a cap on text/jsonb. A new bounded field
     * must be added here and to the round trips below.
     */
    const LIMITS: Record<string, number> = {
      'ChildInput.name': 50, // child.name varchar(50)
      'ChildInput.address': 200, // child.address varchar(200)
      'ChildInput.school': 100, // child.school varchar(100)
      'ReportInput.reporterName': 50, // report.reporter_name varchar(50)
      'ReportInput.reporterOrg': 100, // report.reporter_org varchar(100)
      'ReportInput.location': 200, // report.location varchar(200)
      'ReportInput.narrative': 5000, // report.narrative text
      'PoliceInput.receiptNo': 64, // case.police_receipt_no varchar(64)
      'PoliceInput.notReportedReason': 1000, // case.police_not_reported_reason varchar(1000)
      // A transition is validated by its action's class (each extends TransitionBase); TransitionFields is what the document shows.
      'TransitionBase.reason': 1000, // case.closure_note varchar(1000) (close_unsubstantiated, merge); event data otherwise
      'SubmitTransition.narrative': 5000, // report.narrative text
      'TransitionFields.reason': 1000,
      'TransitionFields.narrative': 5000,
      'AssessmentDto.safety': 5000, // assessment.* text
      'AssessmentDto.guardianship': 5000,
      'AssessmentDto.wellbeing': 5000,
      'AssessmentDto.summary': 5000,
      'MeasureDto.agency': 100, // measure.agency varchar(100)
      'MeasureDto.note': 2000, // measure.note varchar(2000)
      'UpdateMeasureDto.outcome': 2000, // measure.outcome varchar(2000)
      'VisitDto.outcome': 2000, // visit.outcome varchar(2000)
      'VisitDto.notes': 5000, // visit.notes text
      'NoteDto.text': 5000, // note.text text
      'OutcomeFeedbackDto.summary': 2000, // outcome_feedback.summary varchar(2000)
      'GuardianDto.name': 50, // guardian.name varchar(50)
      'RetractAttachmentDto.reason': 1000, // attachment.retraction_reason varchar(1000)
      'UpdateGuardianDto.name': 50,
      'ReplaceCalendarDto.source': 300, // working_calendar.source varchar(300)
      'PoliceDto.receiptNo': 64, // case.police_receipt_no varchar(64)
      'PoliceDto.feedback': 2000, // case.police_feedback varchar(2000)
      'ApprovalDecisionDto.reason': 1000, // approval.decision_reason varchar(1000)
      'CreateUserDto.displayName': 100, // user.display_name varchar(100)
      'CreateUserDto.password': 128, // hashed
      'UpdateUserDto.displayName': 100,
      'UpdateUserDto.password': 128,
      'UserApprovalDto.reason': 500, // user_event.data jsonb
      'LoginDto.username': 64, // compared with user.username varchar(64)
      'LoginDto.password': 128,
      'CreateAgencyDto.name': 100, // agency.name varchar(100)
      'UpdateAgencyDto.name': 100,
      'CreateReferralDto.service': 100, // referral.service varchar(100)
      'CreateReferralDto.note': 2000, // referral.note varchar(2000)
      'ReferralResponseDto.reason': 500, // referral.decline_reason varchar(500)
      'ReferralCompletionDto.outcome': 2000, // referral.outcome varchar(2000)
      'ReferralRevocationDto.reason': 500, // referral.revoke_reason varchar(500)
    };
    const MINIMUMS: Record<string, number> = { 'CreateUserDto.password': 10, 'UpdateUserDto.password': 10 };

    it('every DTO bounds strings with MaxChars/MinChars, at the limits above, and never with MaxLength/MinLength/Length', () => {
      // Every class-validator rule of every class loaded (the app imports every DTO).
      type Rule = { name?: string; target: { name: string } | string; propertyName: string; constraints: unknown[] };
      const all = [...(getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, Rule[]> }).validationMetadatas.values()].flat();
      const limits = (name: string) =>
        Object.fromEntries(all.filter((m) => m.name === name).map((m) => [`${(m.target as { name: string }).name}.${m.propertyName}`, m.constraints[0]]));
      expect(limits('maxChars')).toEqual(LIMITS);
      expect(limits('minChars')).toEqual(MINIMUMS);
      const byteOrUtf16 = all.filter(
        (m) => ['maxLength', 'minLength', 'isLength', 'isByteLength'].includes(m.name ?? '') && (m.target as { name: string }).name !== 'AppConfig',
      );
      expect(byteOrUtf16.map((m) => `${(m.target as { name: string }).name}.${m.propertyName} ${m.name}`)).toEqual([]);
    });

    it('the OpenAPI document states the same limits', async () => {
      const res = await api.http.get('/api/docs-json');
      expectStatus(res, 200);
      const schemas = res.body.components.schemas as Record<string, { properties: Record<string, { maxLength?: number; minLength?: number }> }>;
      // The document's name of a class where it differs (TransitionFields is the transitions' TransitionDto).
      const SCHEMA_OF: Record<string, string> = { TransitionFields: 'TransitionDto' };
      for (const [key, max] of Object.entries(LIMITS)) {
        const [className, property] = key.split('.');
        const schema = SCHEMA_OF[className] ?? className;
        if (!schemas[schema]) continue; // a DTO no route uses yet (or a class only validation sees)
        expect({ key, maxLength: schemas[schema].properties[property]?.maxLength }).toEqual({ key, maxLength: max });
      }
      for (const [key, min] of Object.entries(MINIMUMS)) {
        const [schema, property] = key.split('.');
        expect({ key, minLength: schemas[schema].properties[property]?.minLength }).toEqual({ key, minLength: min });
      }
    });

    it('filing a case: each field at its limit is stored intact; one more is 400 naming it', async () => {
      const name = chars(50, uniqueChildName());
      const values = {
        'child.name': name,
        'child.address': chars(200),
        'child.school': chars(100),
        'report.reporterName': chars(50),
        'report.reporterOrg': chars(100),
        'report.location': chars(200),
        'report.narrative': chars(5000),
        'police.receiptNo': chars(64),
        'police.notReportedReason': chars(1000),
      };
      const base = caseBody(xa1, { police: { reportedAt: isoAgo(DAY) } });
      let body = base;
      for (const [path, value] of Object.entries(values)) body = withPath(body, path, value);
      const res = await cc.post('dir-xa-01', '/api/cases', body);
      expectStatus(res, 201);
      const [stored] = await query(
        `SELECT ch.name, ch.address, ch.school, c.police_receipt_no, c.police_not_reported_reason
           FROM "case" c JOIN child ch ON ch.id = c.child_id WHERE c.id = $1`,
        [res.body.id],
      );
      expect(stored).toEqual({
        name: values['child.name'],
        address: values['child.address'],
        school: values['child.school'],
        police_receipt_no: values['police.receiptNo'],
        police_not_reported_reason: values['police.notReportedReason'],
      });
      const [report] = await query('SELECT reporter_name, reporter_org, location, narrative FROM report WHERE case_id = $1', [res.body.id]);
      expect(report).toEqual({
        reporter_name: values['report.reporterName'],
        reporter_org: values['report.reporterOrg'],
        location: values['report.location'],
        narrative: values['report.narrative'],
      });

      for (const [path, value] of Object.entries(values)) {
        const n = charCount(value);
        const tooLong = withPath(base, path, over(n, path === 'child.name' ? uniqueChildName() : ''));
        expectInvalid(await cc.post('dir-xa-01', '/api/cases', tooLong), path, atMost(n));
      }
    });

    it('submit, return and close_unsubstantiated: narrative, police and reason', async () => {
      let c: CaseDetail = await file({ submit: false });
      const narrative = chars(5000);
      const police = { reportedAt: isoAgo(DAY), receiptNo: chars(64), notReportedReason: chars(1000) };
      expectInvalid(await cc.transitionRaw('dir-xa-01', c.id, { action: 'submit', version: c.version, narrative: over(5000) }), 'narrative', atMost(5000));
      expectInvalid(
        await cc.transitionRaw('dir-xa-01', c.id, { action: 'submit', version: c.version, police: { ...police, receiptNo: over(64) } }),
        'police.receiptNo',
        atMost(64),
      );
      expectInvalid(
        await cc.transitionRaw('dir-xa-01', c.id, { action: 'submit', version: c.version, police: { ...police, notReportedReason: over(1000) } }),
        'police.notReportedReason',
        atMost(1000),
      );
      c = await cc.act('dir-xa-01', c, 'submit', { narrative, police });
      expect(await query('SELECT narrative FROM report WHERE case_id = $1', [c.id])).toEqual([{ narrative }]);
      expect(await query('SELECT police_receipt_no, police_not_reported_reason FROM "case" WHERE id = $1', [c.id])).toEqual([
        { police_receipt_no: police.receiptNo, police_not_reported_reason: police.notReportedReason },
      ]);

      const returnReason = chars(1000);
      expectInvalid(await cc.transitionRaw('sup-xa', c.id, { action: 'return', version: c.version, reason: over(1000) }), 'reason', atMost(1000));
      c = await cc.act('sup-xa', c, 'return', { reason: returnReason });
      const returned = (await cc.timeline('sup-xa', c.id)).events.find((e) => e.type === 'case.returned');
      expect(returned?.data.reason).toBe(returnReason);

      c = await cc.act('dir-xa-01', c, 'submit');
      c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
      const closeReason = chars(1000);
      expectInvalid(
        await cc.transitionRaw('sup-xa', c.id, { action: 'close_unsubstantiated', version: c.version, reason: over(1000) }),
        'reason',
        atMost(1000),
      );
      c = await cc.act('sup-xa', await cc.evidence('sup-xa', c), 'close_unsubstantiated', { reason: closeReason });
      // The free text is stored apart from the closure code (closure.note), formerly in closure.reason.
      expect([c.closure.note, c.closure.reason]).toContain(closeReason);
      expect((await cc.detail('sup-xa', c.id)).closure).toEqual(c.closure);
    });

    it('assessment, measures, visits, notes, added reports, police records and guardians', async () => {
      let c: CaseDetail = await file();
      c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });

      const assessment = { ...assessmentBody('R3'), safety: chars(5000), guardianship: chars(5000), wellbeing: chars(5000), summary: chars(5000) };
      for (const field of ['safety', 'guardianship', 'wellbeing', 'summary']) {
        expectInvalid(await cc.post('sup-xa', `/api/cases/${c.id}/assessment`, { ...assessment, [field]: over(5000) }), field, atMost(5000));
      }
      expectStatus(await cc.post('sup-xa', `/api/cases/${c.id}/assessment`, assessment), 200);
      expect(await query('SELECT safety, guardianship, wellbeing, summary FROM assessment WHERE case_id = $1', [c.id])).toEqual([
        { safety: assessment.safety, guardianship: assessment.guardianship, wellbeing: assessment.wellbeing, summary: assessment.summary },
      ]);

      const measure = { type: 'counseling', dueAt: isoIn(7 * DAY), agency: chars(100), note: chars(2000) };
      expectInvalid(await cc.post('sup-xa', `/api/cases/${c.id}/measures`, { ...measure, agency: over(100) }), 'agency', atMost(100));
      expectInvalid(await cc.post('sup-xa', `/api/cases/${c.id}/measures`, { ...measure, note: over(2000) }), 'note', atMost(2000));
      c = await cc.addMeasure('sup-xa', c.id, measure);
      const measureId = c.measures[0].id as string;
      const outcome = chars(2000);
      expectInvalid(await cc.patch('sup-xa', `/api/cases/${c.id}/measures/${measureId}`, { status: 'done', outcome: over(2000) }), 'outcome', atMost(2000));
      expectStatus(await cc.patch('sup-xa', `/api/cases/${c.id}/measures/${measureId}`, { status: 'done', outcome }), 200);
      expect(await query('SELECT agency, note, outcome FROM measure WHERE id = $1', [measureId])).toEqual([
        { agency: measure.agency, note: measure.note, outcome },
      ]);

      c = await cc.addMeasure('sup-xa', c.id);
      c = await cc.act('sup-xa', c, 'start_intervention');
      const visit = { visitedAt: isoAgo(60_000), riskLevel: 'R3', outcome: chars(2000), notes: chars(5000) };
      expectInvalid(await cc.post('dir-xa-01', `/api/cases/${c.id}/visits`, { ...visit, outcome: over(2000) }), 'outcome', atMost(2000));
      expectInvalid(await cc.post('dir-xa-01', `/api/cases/${c.id}/visits`, { ...visit, notes: over(5000) }), 'notes', atMost(5000));
      expectStatus(await cc.post('dir-xa-01', `/api/cases/${c.id}/visits`, visit), 200);
      expect(await query('SELECT outcome, notes FROM visit WHERE case_id = $1', [c.id])).toEqual([{ outcome: visit.outcome, notes: visit.notes }]);

      const text = chars(5000);
      expectInvalid(await cc.post('dir-xa-01', `/api/cases/${c.id}/notes`, { text: over(5000) }), 'text', atMost(5000));
      expectStatus(await cc.post('dir-xa-01', `/api/cases/${c.id}/notes`, { text }), 200);
      expect(await query('SELECT text FROM note WHERE case_id = $1', [c.id])).toEqual([{ text }]);

      const report = {
        reporterType: 'mandatory_institution',
        discoveredAt: isoAgo(DAY),
        reporterName: chars(50),
        reporterOrg: chars(100),
        location: chars(200),
        narrative: chars(5000),
      };
      for (const [field, n] of [
        ['reporterName', 50],
        ['reporterOrg', 100],
        ['location', 200],
        ['narrative', 5000],
      ] as const) {
        expectInvalid(await cc.post('dir-xa-01', `/api/cases/${c.id}/reports`, { ...report, [field]: over(n) }), field, atMost(n));
      }
      const added = await cc.post('dir-xa-01', `/api/cases/${c.id}/reports`, report);
      expectStatus(added, 200);
      expect(
        await query('SELECT reporter_name, reporter_org, location, narrative FROM report WHERE case_id = $1 AND narrative = $2', [c.id, report.narrative]),
      ).toEqual([{ reporter_name: report.reporterName, reporter_org: report.reporterOrg, location: report.location, narrative: report.narrative }]);

      const policeRecord = { reportedAt: isoAgo(2 * DAY), receiptNo: chars(64), feedbackAt: isoAgo(DAY), feedback: chars(2000) };
      expectInvalid(await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, { ...policeRecord, receiptNo: over(64) }), 'receiptNo', atMost(64));
      expectInvalid(await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, { ...policeRecord, feedback: over(2000) }), 'feedback', atMost(2000));
      expectStatus(await cc.post('dir-xa-01', `/api/cases/${c.id}/police`, policeRecord), 200);
      expect(await query('SELECT police_receipt_no, police_feedback FROM "case" WHERE id = $1', [c.id])).toEqual([
        { police_receipt_no: policeRecord.receiptNo, police_feedback: policeRecord.feedback },
      ]);

      const guardian = { name: chars(50), relation: 'mother', livesWithChild: true, suspectedPerpetrator: false };
      expectInvalid(await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, { ...guardian, name: over(50) }), 'name', atMost(50));
      const withGuardian = await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, guardian);
      expectStatus(withGuardian, 200);
      const guardianId = withGuardian.body.guardians[0].id as string;
      const renamed = chars(50);
      expectInvalid(await cc.patch('dir-xa-01', `/api/cases/${c.id}/guardians/${guardianId}`, { name: over(50) }), 'name', atMost(50));
      expectStatus(await cc.patch('dir-xa-01', `/api/cases/${c.id}/guardians/${guardianId}`, { name: renamed }), 200);
      expect(await query('SELECT name FROM guardian WHERE case_id = $1', [c.id])).toEqual([{ name: renamed }]);
    });

    it('approval decisions: the reason', async () => {
      let c: CaseDetail = await file({ categories: ['N03'], riskLevel: 'R2' });
      c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R2', assigneeId: supId });
      await cc.assess('sup-xa', c.id, 'R2');
      c = await cc.addMeasure('sup-xa', c.id, { type: 'family_guidance' });
      c = await cc.act('sup-xa', c, 'start_intervention');
      const approvalId = c.pendingApproval.id as string;
      const reason = chars(1000);
      expectInvalid(await cc.post('district1', `/api/approvals/${approvalId}/decision`, { decision: 'reject', reason: over(1000) }), 'reason', atMost(1000));
      expectStatus(await cc.post('district1', `/api/approvals/${approvalId}/decision`, { decision: 'reject', reason }), 200);
      expect(await query('SELECT decision_reason FROM approval WHERE id = $1', [approvalId])).toEqual([{ decision_reason: reason }]);
    });

    it('users: displayName at most 100, password 10 to 128 characters', async () => {
      const admin = bearer(await tokenFor(api, 'admin'));
      const jurisdictionId = xa1;
      const user = (displayName: string, password: string) => ({ username: unique('t'), displayName, role: 'community_director', jurisdictionId, password });
      const passwordOf = async (id: string) =>
        ((await query('SELECT password_hash FROM "user" WHERE id = $1', [id])) as { password_hash: string }[])[0].password_hash;

      for (const [displayName, password] of [
        [chars(100), chars(128)],
        [chars(1), chars(10)],
      ]) {
        const res = await api.http.post('/api/users').set(admin).send(user(displayName, password));
        expectStatus(res, 201);
        expect(res.body.displayName).toBe(displayName);
        expect(await query('SELECT display_name FROM "user" WHERE id = $1', [res.body.id])).toEqual([{ display_name: displayName }]);
        expect(await argon2.verify(await passwordOf(res.body.id), password)).toBe(true);
      }
      expectInvalid(
        await api.http
          .post('/api/users')
          .set(admin)
          .send(user(over(100), chars(20))),
        'displayName',
        atMost(100),
      );
      expectInvalid(
        await api.http
          .post('/api/users')
          .set(admin)
          .send(user('测试', over(128))),
        'password',
        atMost(128),
      );
      expectInvalid(
        await api.http
          .post('/api/users')
          .set(admin)
          .send(user('测试', chars(9))),
        'password',
        'must be at least 10 characters',
      );

      const target = (
        await api.http
          .post('/api/users')
          .set(admin)
          .send(user('测试', chars(20)))
      ).body.id as string;
      const displayName = chars(100);
      const patched = await api.http.patch(`/api/users/${target}`).set(admin).send({ displayName });
      expect(patched.status).toBeLessThan(300);
      expect(await query('SELECT display_name FROM "user" WHERE id = $1', [target])).toEqual([{ display_name: displayName }]);
      expectInvalid(
        await api.http
          .patch(`/api/users/${target}`)
          .set(admin)
          .send({ displayName: over(100) }),
        'displayName',
        atMost(100),
      );
      expectInvalid(
        await api.http
          .patch(`/api/users/${target}`)
          .set(admin)
          .send({ password: over(128) }),
        'password',
        atMost(128),
      );
      expectInvalid(
        await api.http
          .patch(`/api/users/${target}`)
          .set(admin)
          .send({ password: chars(9) }),
        'password',
        'must be at least 10 characters',
      );
    });

    it('account approvals: a rejection reason of at most 500 characters', async () => {
      const admin = bearer(await tokenFor(api, 'admin'));
      const created = await api.http
        .post('/api/users')
        .set(admin)
        .send({ username: unique('t'), displayName: '测试', role: 'community_director', jurisdictionId: xa1, password: chars(20) });
      expectStatus(created, 201);
      const staff = bearer(await tokenFor(api, 'district1'));
      const reason = chars(500);
      expectInvalid(
        await api.http
          .post(`/api/users/${created.body.id}/approval`)
          .set(staff)
          .send({ decision: 'reject', reason: over(500) }),
        'reason',
        atMost(500),
      );
      expectStatus(await api.http.post(`/api/users/${created.body.id}/approval`).set(staff).send({ decision: 'reject', reason }), 200);
      expect(await query(`SELECT data->>'reason' AS reason FROM user_event WHERE user_id = $1 AND type = 'user.rejected'`, [created.body.id])).toEqual([
        { reason },
      ]);
    });

    it('login: username at most 64, password at most 128 characters', async () => {
      const login = (username: string, password: string) => api.http.post('/api/auth/login').send({ username, password });
      expectError(await login(chars(64), 'shouhu-demo'), 401, 'INVALID_CREDENTIALS');
      expectError(await login('admin', chars(128)), 401, 'INVALID_CREDENTIALS');
      expectInvalid(await login(over(64), 'shouhu-demo'), 'username', atMost(64));
      expectInvalid(await login('admin', over(128)), 'password', atMost(128));
    });
  });

  describe('numbers and dates PostgreSQL could not take', () => {
    it('a case version beyond the integer range is 400 naming it', async () => {
      const c = await file();
      for (const version of [2147483648, 1e300]) {
        expectInvalid(
          await cc.transitionRaw('sup-xa', c.id, { action: 'accept', version, riskLevel: 'R3', assigneeId: supId }),
          'version',
          'must not be greater than 2147483647',
        );
      }
    });

    it('a date that is not on the calendar is 400, not rolled over into the next month', async () => {
      expectInvalid(
        await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { report: { discoveredAt: '2025-02-29T10:00:00+08:00' } })),
        'report.discoveredAt',
        'must be an ISO-8601 date-time with offset, e.g. 2026-11-23T09:30:00+08:00',
      );
      let c: CaseDetail = await file();
      c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
      const year = new Date().getUTCFullYear() + 1;
      for (const dueAt of [`${year}-02-30T10:00:00+08:00`, `${year}-04-31T10:00:00+08:00`, `${year}-13-01T10:00:00+08:00`]) {
        expectInvalid(
          await cc.post('sup-xa', `/api/cases/${c.id}/measures`, { type: 'counseling', dueAt }),
          'dueAt',
          'must be an ISO-8601 date-time with offset, e.g. 2026-11-30T17:00:00+08:00',
        );
      }
      expect((await cc.detail('sup-xa', c.id)).measures).toEqual([]);
    });

    it('years PostgreSQL cannot store (it ends at 294276) are refused wherever a date is read', async () => {
      const c = await cc.act('sup-xa', await file(), 'accept', { riskLevel: 'R3', assigneeId: supId });
      for (const dueAt of ['300000-01-01T00:00:00Z', '+300000-01-01T00:00:00Z']) {
        expectInvalid(
          await cc.post('sup-xa', `/api/cases/${c.id}/measures`, { type: 'counseling', dueAt }),
          'dueAt',
          'must be an ISO-8601 date-time with offset, e.g. 2026-11-30T17:00:00+08:00',
        );
      }
      expectInvalid(
        await cc.post('dir-xa-01', '/api/cases', caseBody(xa1, { child: { birthDate: '300000-01-01' } })),
        'child.birthDate',
        'must be a date YYYY-MM-DD',
      );
      expectInvalid(await cc.get('district1', '/api/audit/events?from=300000-01-01'), 'from', 'must be an ISO-8601 date or date-time');
      expectInvalid(await cc.get('district1', '/api/stats?to=300000-01-01T00:00:00Z'), 'to', 'must be an ISO-8601 date or date-time');
    });

    it('the latest date-time a client can write is stored as sent', async () => {
      let c: CaseDetail = await file();
      c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R3', assigneeId: supId });
      const dueAt = '9999-12-31T23:59:59-14:00';
      const res = await cc.post('sup-xa', `/api/cases/${c.id}/measures`, { type: 'counseling', dueAt });
      expectStatus(res, 200);
      expect(new Date(res.body.measures[0].dueAt).getTime()).toBe(Date.parse(dueAt));
    });
  });

  describe('deeply nested bodies', () => {
    const arrays = (levels: number, inner = '') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
    const objects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const TOO_DEEP = { field: 'body', message: 'is nested too deeply (at most 32 levels)' };

    /** 400 VALIDATION_FAILED saying the body is nested too deeply, in api.md's shape. */
    function expectTooDeep(res: Res): void {
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body).toEqual({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'the request body is nested too deeply (at most 32 levels)',
        details: [TOO_DEEP],
        requestId: res.headers['x-request-id'],
      });
    }

    /** Spies on every Nest logger's error(); checks first that the spy sees a logger with logging off (as in these tests). */
    function spyOnErrorLogs(): jest.SpyInstance {
      const errors = jest.spyOn(Logger.prototype, 'error');
      new Logger('probe').error('probe');
      expect(errors).toHaveBeenCalledTimes(1);
      errors.mockClear();
      return errors;
    }

    const bodies: [string, string][] = [
      ['3000 arrays', arrays(3000)],
      ['3000 objects', objects(3000)],
      ['arrays as a field value', `{"username": ${arrays(3000, '"admin"')}, "password": "shouhu-demo"}`],
      ['objects as a field value', `{"username": "admin", "password": ${objects(3000)}}`],
      ['33 levels', arrays(33)],
    ];

    it('are refused with 400 on login, logging no error, and the next login works', async () => {
      const errors = spyOnErrorLogs();
      try {
        for (const [, body] of bodies) {
          expectTooDeep(await api.http.post('/api/auth/login').set('Content-Type', 'application/json').send(body));
        }
        expect(errors).not.toHaveBeenCalled();
      } finally {
        errors.mockRestore();
      }
      expectStatus(await api.http.post('/api/auth/login').send({ username: 'admin', password: 'shouhu-demo' }), 200);
    });

    it('are refused with 400 on POST /api/cases, before the token is even looked at', async () => {
      const token = bearer(await tokenFor(api, 'dir-xa-01'));
      const errors = spyOnErrorLogs();
      try {
        for (const [, body] of bodies) {
          expectTooDeep(await api.http.post('/api/cases').set(token).set('Content-Type', 'application/json').send(body));
          expectTooDeep(await api.http.post('/api/cases').set('Content-Type', 'application/json').send(body));
        }
        const deepChild = JSON.stringify(caseBody(xa1)).replace('"child":{', `"child":{"extra":${arrays(3000)},`);
        expectTooDeep(await api.http.post('/api/cases').set(token).set('Content-Type', 'application/json').send(deepChild));
        expect(errors).not.toHaveBeenCalled();
      } finally {
        errors.mockRestore();
      }
      expectStatus(await cc.post('dir-xa-01', '/api/cases', caseBody(xa1)), 201);
    });

    it('up to 32 levels reach validation, which names the field', async () => {
      const res = await api.http
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(`{"username": ${arrays(31, '"admin"')}, "password": "shouhu-demo"}`);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).not.toContainEqual(TOO_DEEP);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain('username');
    });

    it('do not count against the login limits', async () => {
      const limited = await startApi({ TRUST_PROXY: 'true', LOGIN_MAX_ATTEMPTS_PER_IP: '2' });
      try {
        const ip = `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
        for (let i = 0; i < 5; i += 1) {
          expectTooDeep(await limited.http.post('/api/auth/login').set('X-Forwarded-For', ip).set('Content-Type', 'application/json').send(bodies[2][1]));
        }
        expectStatus(await limited.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ username: 'admin', password: 'shouhu-demo' }), 200);
      } finally {
        await limited.close();
      }
    });

    it('query strings do not nest: brackets stay part of the parameter name', async () => {
      const token = bearer(await tokenFor(api, 'dir-xa-01'));
      const res = await api.http.get(`/api/cases?${'status'}${'[a]'.repeat(100)}=draft`).set(token);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field: `status${'[a]'.repeat(100)}`, message: 'is not an allowed field' }]);
    });
  });
});
