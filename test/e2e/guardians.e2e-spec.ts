/**
 * 监护人与家庭成员 (domain.md §13, issue 13 item 4): a case's guardians and household
 * members, recorded and changed by the case workers, with the child's identity rules:
 * full identity only in the case detail, every read logged, the ID number stored only
 * encrypted (with its keyed hash), nothing of them in lists, timelines or errors, and
 * never a notification target.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  caseBody,
  CaseClient,
  CaseDetail,
  dataSourceOf,
  expectError,
  expectStatus,
  isoAgo,
  nationalId,
  randomBirthDate,
  Res,
  uniqueChildName,
  useCaseBed,
} from '../helpers/cases';

interface GuardianOut {
  id: string;
  name: string;
  relation: string;
  phone: string | null;
  idNumber: string | null;
  livesWithChild: boolean;
  suspectedPerpetrator: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The fields a 400 names (each once: a field may break several rules). */
const fieldsOf = (res: Res) => [...new Set(((res.body.details ?? []) as { field: string }[]).map((d) => d.field))];

/** A fictitious adult's ID number (born 1985), unique per call. */
const adultId = (valid = true) => nationalId(`1985-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`, { valid });

/** A fictitious phone number, unique enough per call. */
const phone = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

function guardianBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `${uniqueChildName().slice(0, 1)}监护${Math.floor(Math.random() * 1000)}`,
    relation: 'mother',
    livesWithChild: true,
    suspectedPerpetrator: false,
    ...overrides,
  };
}

describe('guardians and household members (e2e)', () => {
  const bed = useCaseBed();
  let cc: CaseClient;
  let xa1: string;
  let supId: string;
  let db: DataSource;

  beforeAll(async () => {
    ({ cc, xa1, supId } = bed);
    db = dataSourceOf(bed.api);
  });

  const filed = (overrides: Record<string, unknown> = {}): Promise<CaseDetail> => cc.file('dir-xa-01', xa1, overrides);

  async function accepted(): Promise<CaseDetail> {
    const c = await filed();
    return cc.act('sup-xa', await cc.detail('sup-xa', c.id), 'accept', { riskLevel: 'R3', assigneeId: supId });
  }

  async function add(as: string, caseId: string, body: Record<string, unknown>): Promise<{ detail: CaseDetail; guardian: GuardianOut }> {
    const res = await cc.post(as, `/api/cases/${caseId}/guardians`, body);
    expectStatus(res, 200);
    const detail = res.body as CaseDetail;
    const guardian = (detail.guardians as GuardianOut[]).find((g) => g.name === body.name) as GuardianOut;
    expect(guardian).toBeDefined();
    return { detail, guardian };
  }

  const accessFields = async (caseId: string, username: string): Promise<string[][]> => {
    const rows: { fields: string[] }[] = await db.query(
      `SELECT a.fields FROM access_log a JOIN "user" u ON u.id = a.actor_id WHERE a.case_id = $1 AND u.username = $2 ORDER BY a.at`,
      [caseId, username],
    );
    return rows.map((r) => r.fields);
  };

  describe('recording and changing', () => {
    it('the filer records a guardian on a submitted case: the detail shows every field, and update_guardian becomes possible', async () => {
      const c = await filed();
      expect(c.guardians).toEqual([]);
      expect(c.allowedActions).toContain('add_guardian');
      expect(c.allowedActions).not.toContain('update_guardian');
      const id = adultId();
      const tel = phone();
      const body = guardianBody({ relation: 'father', phone: tel, idNumber: id, livesWithChild: true, suspectedPerpetrator: true });
      const { detail, guardian } = await add('dir-xa-01', c.id, body);
      expect(guardian).toEqual({
        id: expect.any(String),
        name: body.name,
        relation: 'father',
        phone: tel,
        idNumber: id,
        livesWithChild: true,
        suspectedPerpetrator: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(detail.allowedActions).toEqual(expect.arrayContaining(['add_guardian', 'update_guardian']));
      // A guardian is not a change of state: the version (and so the next transition) is untouched.
      expect(detail.version).toBe(c.version);
      // The supervisor and district staff see the same record.
      expect((await cc.detail('sup-xa', c.id)).guardians).toEqual([guardian]);
      expect((await cc.detail('district1', c.id)).guardians).toEqual([guardian]);
    });

    it('the supervisor (assessing) and district staff add and change guardians; the director changes one too', async () => {
      const c = await accepted();
      const { guardian: mother } = await add('sup-xa', c.id, guardianBody({ relation: 'mother' }));
      const { detail, guardian: grandma } = await add('district1', c.id, guardianBody({ relation: 'grandparent', livesWithChild: false }));
      expect((detail.guardians as GuardianOut[]).map((g) => g.id)).toEqual([mother.id, grandma.id]);

      const id = adultId();
      let res = await cc.patch('sup-xa', `/api/cases/${c.id}/guardians/${mother.id}`, { suspectedPerpetrator: true, idNumber: id.toLowerCase() });
      expectStatus(res, 200);
      let after = (res.body.guardians as GuardianOut[]).find((g) => g.id === mother.id) as GuardianOut;
      expect(after).toMatchObject({ name: mother.name, relation: 'mother', suspectedPerpetrator: true, idNumber: id, livesWithChild: true });

      res = await cc.patch('district1', `/api/cases/${c.id}/guardians/${grandma.id}`, { relation: 'foster', livesWithChild: true, phone: '0755-1234567' });
      expectStatus(res, 200);
      after = (res.body.guardians as GuardianOut[]).find((g) => g.id === grandma.id) as GuardianOut;
      expect(after).toMatchObject({ relation: 'foster', livesWithChild: true, phone: '0755-1234567', name: grandma.name });

      // phone: null and idNumber: null clear them; the name can be corrected.
      res = await cc.patch('dir-xa-01', `/api/cases/${c.id}/guardians/${mother.id}`, { idNumber: null, phone: null, name: '更正后姓名' });
      expectStatus(res, 200);
      after = (res.body.guardians as GuardianOut[]).find((g) => g.id === mother.id) as GuardianOut;
      expect(after).toMatchObject({ idNumber: null, phone: null, name: '更正后姓名', suspectedPerpetrator: true });
      const [row] = await db.query('SELECT id_number_cipher, id_number_hmac FROM guardian WHERE id = $1', [mother.id]);
      expect(row).toEqual({ id_number_cipher: null, id_number_hmac: null });
    });

    it('may not be recorded on a closed case (409), and the workflow table says so in allowedActions', async () => {
      let c = await accepted();
      c = await cc.visit('dir-xa-01', c.id, 'R4');
      c = await cc.act('sup-xa', c, 'close_unsubstantiated', { reason: '核实后情况不属实。' });
      expect(c.status).toBe('closed');
      expect(c.allowedActions).not.toContain('add_guardian');
      expectError(await cc.post('sup-xa', `/api/cases/${c.id}/guardians`, guardianBody()), 409, 'INVALID_TRANSITION');
    });
  });

  describe('who may', () => {
    it('refuses the admin and district leadership (403)', async () => {
      const c = await filed();
      const { guardian } = await add('dir-xa-01', c.id, guardianBody());
      for (const who of ['admin', 'leader']) {
        expectError(await cc.post(who, `/api/cases/${c.id}/guardians`, guardianBody()), 403, 'FORBIDDEN');
        expectError(await cc.patch(who, `/api/cases/${c.id}/guardians/${guardian.id}`, { livesWithChild: false }), 403, 'FORBIDDEN');
      }
      // Nothing changed.
      expect((await cc.detail('sup-xa', c.id)).guardians).toEqual([guardian]);
    });

    it('answers a case outside the caller’s scope exactly as a case that does not exist (404), and changes nothing', async () => {
      const c = await filed();
      const { guardian } = await add('dir-xa-01', c.id, guardianBody());
      const none = await cc.post('dir-xa-02', `/api/cases/${randomUUID()}/guardians`, guardianBody());
      expectError(none, 404, 'NOT_FOUND');
      for (const who of ['dir-xa-02', 'sup-hc', 'dir-hc-01']) {
        const res = await cc.post(who, `/api/cases/${c.id}/guardians`, guardianBody());
        expectError(res, 404, 'NOT_FOUND');
        expect(res.body.message).toBe(none.body.message);
        const upd = await cc.patch(who, `/api/cases/${c.id}/guardians/${guardian.id}`, { name: '越权修改' });
        expectError(upd, 404, 'NOT_FOUND');
        expect(upd.body.message).toBe(none.body.message);
        expect(JSON.stringify(upd.body)).not.toContain(guardian.name);
      }
      expect((await cc.detail('sup-xa', c.id)).guardians).toEqual([guardian]);
    });

    it('a guardian of another case, or none, is not found on this case', async () => {
      const a = await filed();
      const b = await filed();
      const { guardian } = await add('dir-xa-01', a.id, guardianBody());
      expectError(await cc.patch('sup-xa', `/api/cases/${b.id}/guardians/${guardian.id}`, { name: '张三' }), 404, 'NOT_FOUND');
      expectError(await cc.patch('sup-xa', `/api/cases/${b.id}/guardians/${randomUUID()}`, { name: '张三' }), 404, 'NOT_FOUND');
      expectError(await cc.patch('sup-xa', `/api/cases/${b.id}/guardians/not-a-uuid`, { name: '张三' }), 400, 'VALIDATION_FAILED');
      expect((await cc.detail('sup-xa', a.id)).guardians[0].name).toBe(guardian.name);
    });
  });

  describe('validation', () => {
    let c: CaseDetail;
    let g: GuardianOut;
    beforeAll(async () => {
      c = await filed();
      g = (await add('dir-xa-01', c.id, guardianBody())).guardian;
    });

    it('names the field: a wrong check digit, an unknown relation, an unknown field, missing flags, a bad phone', async () => {
      const bad = adultId(false);
      let res = await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, guardianBody({ idNumber: bad }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['idNumber']);
      expect(res.body.details[0].message).toMatch(/check digit/);
      // The refused value is not echoed back.
      expect(JSON.stringify(res.body)).not.toContain(bad);

      res = await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, guardianBody({ idNumber: '12345' }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['idNumber']);

      res = await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, guardianBody({ relation: 'uncle' }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['relation']);
      expect(res.body.details[0].message).toContain('grandparent');

      res = await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, guardianBody({ nickname: '老张' }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['nickname']);

      res = await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, { name: '李四', relation: 'father' });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res).sort()).toEqual(['livesWithChild', 'suspectedPerpetrator']);

      res = await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, guardianBody({ phone: 'call me' }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['phone']);

      res = await cc.post('dir-xa-01', `/api/cases/${c.id}/guardians`, guardianBody({ name: '   ' }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['name']);

      expect((await cc.detail('dir-xa-01', c.id)).guardians).toHaveLength(1);
    });

    it('a change names its field too; null clears only phone and idNumber; an empty change is refused', async () => {
      const path = `/api/cases/${c.id}/guardians/${g.id}`;
      let res = await cc.patch('dir-xa-01', path, { idNumber: adultId(false) });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['idNumber']);
      res = await cc.patch('dir-xa-01', path, { relation: 'neighbour' });
      expect(fieldsOf(res)).toEqual(['relation']);
      res = await cc.patch('dir-xa-01', path, { name: null });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['name']);
      res = await cc.patch('dir-xa-01', path, { suspectedPerpetrator: null });
      expect(fieldsOf(res)).toEqual(['suspectedPerpetrator']);
      res = await cc.patch('dir-xa-01', path, { livesWithChild: 'yes' });
      expect(fieldsOf(res)).toEqual(['livesWithChild']);
      res = await cc.patch('dir-xa-01', path, { caseId: randomUUID() });
      expect(fieldsOf(res)).toEqual(['caseId']);
      res = await cc.patch('dir-xa-01', path, {});
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['body']);
      expect((await cc.detail('dir-xa-01', c.id)).guardians).toEqual([g]);
    });
  });

  describe('privacy', () => {
    it('stores the ID number only encrypted, with its keyed hash (the same number, the same hash)', async () => {
      const c = await filed();
      const id = adultId();
      const { guardian } = await add('dir-xa-01', c.id, guardianBody({ idNumber: id }));
      const other = await filed();
      const { guardian: again } = await add('dir-xa-01', other.id, guardianBody({ idNumber: id }));
      const rows: { id: string; id_number_cipher: string; id_number_hmac: string }[] = await db.query(
        'SELECT id, id_number_cipher, id_number_hmac FROM guardian WHERE id = ANY($1) ORDER BY created_at',
        [[guardian.id, again.id]],
      );
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.id_number_cipher).toMatch(/^[^:]+:[A-Za-z0-9+/=]+$/);
        expect(row.id_number_cipher).not.toContain(id);
        expect(row.id_number_cipher).not.toContain(id.slice(6, 14));
        expect(row.id_number_hmac).toMatch(/^[0-9a-f]{64}$/);
        expect(row.id_number_hmac).not.toContain(id);
      }
      // Encrypted with a fresh IV each time; matched by the hash.
      expect(rows[0].id_number_cipher).not.toBe(rows[1].id_number_cipher);
      expect(rows[0].id_number_hmac).toBe(rows[1].id_number_hmac);
      // Nothing else in the row holds it in the clear.
      const [plain] = await db.query('SELECT count(*)::int AS n FROM guardian WHERE row_to_json(guardian)::text LIKE $1', [`%${id}%`]);
      expect(plain.n).toBe(0);
    });

    it('logs every read of the detail that shows guardians as an identity read of "guardians"', async () => {
      const c = await filed();
      await cc.detail('sup-xa', c.id);
      expect((await accessFields(c.id, 'sup-xa')).at(-1)).not.toContain('guardians');
      await add('dir-xa-01', c.id, guardianBody({ idNumber: adultId() }));
      const before = (await accessFields(c.id, 'sup-xa')).length;
      await cc.detail('sup-xa', c.id);
      const after = await accessFields(c.id, 'sup-xa');
      expect(after).toHaveLength(before + 1);
      expect(after.at(-1)).toEqual(expect.arrayContaining(['child.name', 'guardians']));
      // The write's own answer shows them too, and is logged for its writer.
      expect((await accessFields(c.id, 'dir-xa-01')).at(-1)).toContain('guardians');
    });

    it('never shows guardians in the case list, the timeline or the notifications', async () => {
      const c = await filed();
      const tel = phone();
      const id = adultId();
      const name = `疑犯${Math.floor(Math.random() * 1e6)}`;
      const { guardian } = await add('dir-xa-01', c.id, guardianBody({ name, relation: 'father', phone: tel, idNumber: id, suspectedPerpetrator: true }));
      await cc.patch('sup-xa', `/api/cases/${c.id}/guardians/${guardian.id}`, { phone: phone(), name: `${name}改` });
      const secrets = [name, tel, id, id.slice(0, 14)];

      const list = await cc.get('district1', '/api/cases?limit=200');
      expectStatus(list, 200);
      const item = (list.body.items as { id: string }[]).find((i) => i.id === c.id);
      expect(item).toBeDefined();
      expect(Object.keys(item as object)).not.toContain('guardians');
      for (const s of secrets) expect(JSON.stringify(list.body)).not.toContain(s);

      const events = (await cc.timeline('sup-xa', c.id)).events;
      const added = events.find((e) => e.type === 'guardian.added');
      const updated = events.find((e) => e.type === 'guardian.updated');
      expect(added?.data).toEqual({ guardianId: guardian.id, relation: 'father', livesWithChild: true, suspectedPerpetrator: true });
      expect(updated?.data).toEqual({
        guardianId: guardian.id,
        relation: 'father',
        livesWithChild: true,
        suspectedPerpetrator: true,
        changed: ['name', 'phone'],
      });
      for (const s of [...secrets, `${name}改`]) expect(JSON.stringify(events)).not.toContain(s);
      const verify = await cc.get('sup-xa', `/api/cases/${c.id}/timeline/verify`);
      expect(verify.body).toMatchObject({ valid: true });

      for (const who of ['sup-xa', 'district1', 'dir-xa-01']) {
        const notes = await cc.get(who, '/api/notifications');
        for (const s of secrets) expect(JSON.stringify(notes.body)).not.toContain(s);
      }
    });

    it('a suspected perpetrator is never a notification target: a case’s notifications go to staff users only', async () => {
      // The child's case, with a suspected perpetrator who lives with them (the perpetrator's ID number is the kind a user could share).
      const birthDate = randomBirthDate();
      const child = { name: uniqueChildName(), sex: 'female', birthDate, idNumber: nationalId(birthDate), address: '测试路9号', school: '测试小学' };
      const c = await filed({ child });
      const { guardian } = await add('dir-xa-01', c.id, guardianBody({ relation: 'father', phone: phone(), idNumber: adultId(), suspectedPerpetrator: true }));
      // Another street reports the same child: the case's handlers are told (case.related_report).
      const elsewhere = await cc.post('dir-hc-01', '/api/cases', caseBody(bed.ids.community('hc', 0), { child, report: { discoveredAt: isoAgo(3600_000) } }));
      expectStatus(elsewhere, 201);
      const rows: { user_id: string; role: string | null; username: string | null; title: string; body: string }[] = await db.query(
        `SELECT n.user_id, u.role, u.username, n.title, n.body FROM notification n LEFT JOIN "user" u ON u.id = n.user_id WHERE n.case_id = $1`,
        [c.id],
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        // Every recipient is a staff user of the system, never a guardian row.
        expect(r.username).not.toBeNull();
        expect(['street_supervisor', 'district_staff', 'community_director', 'district_leader']).toContain(r.role);
        expect(r.user_id).not.toBe(guardian.id);
        expect(`${r.title} ${r.body}`).not.toContain(guardian.name);
        expect(`${r.title} ${r.body}`).not.toContain(guardian.phone as string);
      }
      const guardianIsUser = await db.query('SELECT 1 FROM "user" WHERE id = $1', [guardian.id]);
      expect(guardianIsUser).toEqual([]);
    });
  });
});
