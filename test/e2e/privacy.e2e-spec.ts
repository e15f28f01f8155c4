/**
 * Privacy and a timeline nobody can quietly rewrite (issue 5): the database refuses
 * to alter events, a tampered chain is detected, national ID numbers are encrypted
 * at rest, identity reads are logged, reporters are confidential, and hostile input
 * in every filter is harmless.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../helpers/database';
import { bearer, startApi, TestApi, tokenFor } from '../helpers/test-app';

const LEAK = /\bat .+:\d+:\d+\)|QueryFailedError|\bSELECT\b|\bINSERT INTO\b|\bUPDATE "|node_modules/;

/** A valid national ID number (GB 11643 check character) for a birth date. */
function nationalId(birthDate: string): string {
  const first17 = `440306${birthDate.replace(/-/g, '')}${String(Math.floor(Math.random() * 900) + 100)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}

describe('privacy and tamper evidence', () => {
  let api: TestApi;
  let db: DataSource;
  let community: string;
  let supervisorId: string;
  const as = async (username: string) => bearer(await tokenFor(api, username));

  async function file(by: string, extra: { idNumber?: string; birthDate?: string; reporter?: Record<string, unknown> } = {}) {
    const name = `隐私${randomBytes(3).toString('hex')}`;
    const birthDate = extra.birthDate ?? '2013-07-08';
    const res = await api.http
      .post('/api/cases')
      .set(await as(by))
      .send({
        communityId: community,
        child: { name, sex: 'female', birthDate, idNumber: extra.idNumber, address: '宝安区某小区 3 栋', school: '某小学' },
        categories: ['N04'],
        riskLevel: 'R3',
        report: {
          reporterType: 'mandatory_institution',
          reporterName: '陈老师',
          reporterOrg: '某小学',
          reporterPhone: '13800138000',
          discoveredAt: new Date(Date.now() - 3600_000).toISOString(),
          narrative: '儿童独自在家',
          ...extra.reporter,
        },
      });
    if (res.status !== 201) throw new Error(`filing: ${res.status} ${JSON.stringify(res.body)}`);
    return { ...(res.body as { id: string; version: number; caseNo: string }), name };
  }

  beforeAll(async () => {
    api = await startApi();
    db = await openDataSource(api.config);
    community = (await api.http.get('/api/me').set(await as('dir-xa-01'))).body.jurisdiction.id;
    supervisorId = (await api.http.get('/api/me').set(await as('sup-xa'))).body.id;
  });

  afterAll(async () => {
    await db?.destroy();
    await api?.close();
  });

  describe('the timeline', () => {
    it('is refused UPDATE, DELETE and TRUNCATE by the database', async () => {
      const c = await file('dir-xa-01');
      await expect(db.query(`UPDATE case_event SET type = 'x' WHERE case_id = $1`, [c.id])).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM case_event WHERE case_id = $1`, [c.id])).rejects.toThrow(/append-only/);
      await expect(db.query(`TRUNCATE case_event`)).rejects.toThrow(/append-only|cannot truncate/);
      await expect(db.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only/);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM case_event WHERE case_id = $1`, [c.id]);
      expect(n).toBeGreaterThan(0);
    });

    it('chains each event to the previous one and detects a row changed behind the trigger', async () => {
      const c = await file('dir-xa-01');
      const sup = await as('sup-xa');
      const accepted = await api.http
        .post(`/api/cases/${c.id}/transitions`)
        .set(sup)
        .send({ action: 'accept', version: c.version, riskLevel: 'R3', assigneeId: supervisorId });
      expect(accepted.status).toBe(200);
      await api.http.post(`/api/cases/${c.id}/notes`).set(sup).send({ text: '第三个事件' }).expect(200);

      const timeline = await api.http.get(`/api/cases/${c.id}/timeline`).set(sup).expect(200);
      const events = timeline.body.events as { seq: number; hash: string; prevHash: string }[];
      expect(timeline.body.verified).toBe(true);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(events[0].prevHash).toBe('0'.repeat(64));
      expect(events[1].prevHash).toBe(events[0].hash);
      expect(events[2].prevHash).toBe(events[1].hash);
      expect((await api.http.get(`/api/cases/${c.id}/timeline/verify`).set(sup)).body).toEqual({ valid: true, events: 3 });

      // Someone with table-owner rights switches the trigger off and rewrites history.
      await db.query(`ALTER TABLE case_event DISABLE TRIGGER case_event_no_update_delete`);
      try {
        await db.query(`UPDATE case_event SET data = jsonb_set(data, '{riskLevel}', '"R4"') WHERE case_id = $1 AND seq = 2`, [c.id]);
      } finally {
        await db.query(`ALTER TABLE case_event ENABLE TRIGGER case_event_no_update_delete`);
      }
      const verdict = await api.http.get(`/api/cases/${c.id}/timeline/verify`).set(sup).expect(200);
      expect(verdict.body).toEqual({ valid: false, events: 3, brokenAtSeq: 2 });
      expect((await api.http.get(`/api/cases/${c.id}/timeline`).set(sup)).body.verified).toBe(false);
    });
  });

  describe('child identity', () => {
    it('stores the national ID number only encrypted, with a keyed hash beside it', async () => {
      const id = nationalId('2013-07-08');
      const c = await file('dir-xa-01', { idNumber: id });
      const [row] = await db.query(`SELECT ch.id_number_cipher, ch.id_number_hmac FROM child ch JOIN "case" c ON c.child_id = ch.id WHERE c.id = $1`, [c.id]);
      expect(row.id_number_cipher).toMatch(/^k1:[A-Za-z0-9+/=]+$/);
      expect(row.id_number_cipher).not.toContain(id);
      expect(row.id_number_cipher).not.toContain(id.slice(6, 14));
      expect(row.id_number_hmac).toMatch(/^[0-9a-f]{64}$/);
      const [{ dump }] = await db.query(`SELECT row_to_json(ch)::text AS dump FROM child ch JOIN "case" c ON c.child_id = ch.id WHERE c.id = $1`, [c.id]);
      expect(dump).not.toContain(id);
      // The detail shows it to a caller whose scope covers the case.
      const detail = await api.http
        .get(`/api/cases/${c.id}`)
        .set(await as('sup-xa'))
        .expect(200);
      expect(detail.body.child.idNumber).toBe(id);
    });

    it('shows lists only the masked name and never the ID number, address or school', async () => {
      const id = nationalId('2013-07-08');
      const c = await file('dir-xa-01', { idNumber: id });
      const list = await api.http
        .get(`/api/cases?q=${c.caseNo}`)
        .set(await as('sup-xa'))
        .expect(200);
      expect(list.body.items).toHaveLength(1);
      const text = JSON.stringify(list.body);
      expect(text).not.toContain(c.name);
      expect(text).not.toContain(id);
      expect(text).not.toContain('某小区');
      expect(text).not.toContain('某小学');
      expect(list.body.items[0].childDisplayName).toBe(`${c.name[0]}${'*'.repeat(c.name.length - 2)}${c.name[c.name.length - 1]}`);
    });

    it('logs every read of the full identity: who, when, which case, which fields', async () => {
      const c = await file('dir-xa-01', { idNumber: nationalId('2013-07-08') });
      const before = Date.now();
      const sup = (await api.http.get('/api/me').set(await as('sup-xa'))).body.id as string;
      await api.http
        .get(`/api/cases/${c.id}`)
        .set(await as('sup-xa'))
        .expect(200);
      const audit = await api.http
        .get(`/api/audit/events?caseId=${c.id}`)
        .set(await as('district1'))
        .expect(200);
      const reads = (audit.body.items as { source: string; actorId: string; at: string; fields: string[]; caseNo: string }[]).filter(
        (r) => r.source === 'access' && r.actorId === sup,
      );
      expect(reads).toHaveLength(1);
      expect(Date.parse(reads[0].at)).toBeGreaterThanOrEqual(before - 1000);
      expect(reads[0].caseNo).toBe(c.caseNo);
      expect(reads[0].fields).toEqual(expect.arrayContaining(['child.name', 'child.idNumber', 'child.address', 'child.school', 'reports.reporter']));
    });
  });

  describe('reporter confidentiality', () => {
    it('shows the reporter to the filer, the street supervisor and district staff only', async () => {
      const c = await file('district1');
      const reporterOf = async (username: string) =>
        (
          await api.http
            .get(`/api/cases/${c.id}`)
            .set(await as(username))
            .expect(200)
        ).body.reports[0].reporter;
      expect(await reporterOf('district1')).toEqual({ name: '陈老师', org: '某小学', phone: '13800138000' });
      expect(await reporterOf('district2')).toEqual({ name: '陈老师', org: '某小学', phone: '13800138000' });
      expect(await reporterOf('sup-xa')).toEqual({ name: '陈老师', org: '某小学', phone: '13800138000' });
      // The community director did not file this report.
      expect(await reporterOf('dir-xa-01')).toBe('confidential');
    });

    it('stores nothing of an anonymous reporter, and refuses identity sent with one', async () => {
      const c = await file('dir-xa-01', {
        reporter: { reporterType: 'public', anonymous: true, reporterName: undefined, reporterOrg: undefined, reporterPhone: undefined },
      });
      const [row] = await db.query(`SELECT reporter_name, reporter_org, reporter_phone, anonymous FROM report WHERE case_id = $1`, [c.id]);
      expect(row).toEqual({ reporter_name: null, reporter_org: null, reporter_phone: null, anonymous: true });
      const refused = await api.http
        .post('/api/cases')
        .set(await as('dir-xa-01'))
        .send({
          communityId: community,
          child: { name: '匿名测试', sex: 'male', birthDate: '2012-01-01' },
          categories: ['N04'],
          riskLevel: 'R3',
          report: { reporterType: 'public', anonymous: true, reporterPhone: '13800138000', discoveredAt: new Date().toISOString(), narrative: 'x' },
        });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([{ field: 'report.reporterPhone', message: 'must be empty for an anonymous report' }]);
    });
  });

  describe('audit export', () => {
    it('is JSON or CSV of the same rows, for district staff of the district only', async () => {
      const c = await file('dir-xa-01');
      const json = await api.http
        .get(`/api/audit/events?caseId=${c.id}`)
        .set(await as('district1'))
        .expect(200);
      const csv = await api.http
        .get(`/api/audit/events?caseId=${c.id}&format=csv`)
        .set(await as('district1'))
        .expect(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
      expect(lines[0]).toBe('source,at,caseNo,caseId,seq,type,actorId,actorRole,fromStatus,toStatus,fields,data,hash');
      expect(lines.length - 1).toBe(json.body.items.length);
      expect(lines.slice(1).every((l) => l.includes(c.caseNo))).toBe(true);
      await api.http
        .get('/api/audit/events')
        .set(await as('sup-xa'))
        .expect(403);
      const bad = await api.http
        .get('/api/audit/events?from=yesterday')
        .set(await as('district1'))
        .expect(400);
      expect(bad.body.details[0].field).toBe('from');
    });
  });

  describe('hostile input', () => {
    const HOSTILE = ["' OR '1'='1", '1; DROP TABLE "case"; --', '%', '_%_', '\\', "BA-2026-'", '$1', ')) OR ((1=1'];

    it('is harmless in every filter of every list: 200 within scope or 400, never 500', async () => {
      const lists: { path: string; params: string[]; user: string }[] = [
        {
          path: '/api/cases',
          params: ['status', 'riskLevel', 'category', 'communityId', 'streetId', 'assignee', 'overdue', 'q', 'sort', 'limit', 'cursor'],
          user: 'sup-xa',
        },
        { path: '/api/users', params: ['jurisdictionId', 'role', 'active', 'status'], user: 'district1' },
        { path: '/api/approvals', params: ['status'], user: 'district1' },
        { path: '/api/notifications', params: ['unread'], user: 'dir-xa-01' },
        { path: '/api/audit/events', params: ['from', 'to', 'actorId', 'caseId', 'format', 'limit'], user: 'district1' },
      ];
      const seen: string[] = [];
      for (const list of lists) {
        const auth = await as(list.user);
        for (const param of list.params) {
          for (const value of HOSTILE) {
            const res = await api.http.get(`${list.path}?${param}=${encodeURIComponent(value)}`).set(auth);
            seen.push(`${list.path}?${param}=${value} → ${res.status}`);
            expect([200, 400]).toContain(res.status);
            expect(JSON.stringify(res.body ?? '') + (res.text ?? '')).not.toMatch(LEAK);
            if (res.status === 400) expect(res.body.details.map((d: { field: string }) => d.field)).toContain(param);
          }
        }
      }
      // The case table is still there and still scoped.
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "case"`);
      expect(n).toBeGreaterThan(0);
      expect(seen.length).toBe(lists.reduce((acc, l) => acc + l.params.length * HOSTILE.length, 0));
    });

    it('treats metacharacters in text fields as text', async () => {
      const c = await file('dir-xa-01');
      const text = `'); DELETE FROM "case"; -- <script>alert(1)</script> =cmd|' /C calc'!A0`;
      const res = await api.http
        .post(`/api/cases/${c.id}/notes`)
        .set(await as('sup-xa'))
        .send({ text })
        .expect(200);
      expect(res.body.notes[res.body.notes.length - 1].text).toBe(text);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "case" WHERE id = $1`, [c.id]);
      expect(n).toBe(1);
    });

    it('answers an oversized case body with 413 and stores nothing', async () => {
      const name = `超大${randomBytes(3).toString('hex')}`;
      const res = await api.http
        .post('/api/cases')
        .set(await as('dir-xa-01'))
        .send({
          communityId: community,
          child: { name, sex: 'female', birthDate: '2013-01-01' },
          categories: ['N04'],
          riskLevel: 'R3',
          report: { reporterType: 'public', discoveredAt: new Date().toISOString(), narrative: 'x'.repeat(api.config.BODY_LIMIT_BYTES + 10) },
        });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM child WHERE name = $1`, [name]);
      expect(n).toBe(0);
    });
  });
});
