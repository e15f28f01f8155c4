/**
 * 协同单位 (domain.md §1, §11; issue 13 item 2): the agency registry the admin keeps per
 * district, and agency_liaison accounts that belong to one agency.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Role } from '@shouhu/access';
import { createOtherDistrict, openDataSource, OtherDistrict } from '../helpers/database';
import { createUser, decideUser, demoAgencies, demoAgencyId, freshLogin, jurisdictionId, demoCode, unique } from '../helpers/factories';
import { bearer, expectError, startApi, TestApi, tokenFor } from '../helpers/test-app';

const DEMO_AGENCY_NAMES = ['宝安公安分局新安派出所', '宝安区新安中学', '宝安区人民医院', '宝安区人民法院', '宝安区妇女联合会'];

describe('agencies and agency liaisons (e2e)', () => {
  let api: TestApi;
  let ds: DataSource;
  let other: OtherDistrict;

  beforeAll(async () => {
    api = await startApi();
    ds = await openDataSource(api.config);
    other = await createOtherDistrict(ds);
  });
  afterAll(async () => {
    await other?.remove();
    await ds?.destroy();
    await api?.close();
  });

  const as = async (username: string) => bearer(await tokenFor(api, username));
  const post = async (username: string, body: object) =>
    api.http
      .post('/api/agencies')
      .set(await as(username))
      .send(body);
  const patch = async (username: string, id: string, body: object) =>
    api.http
      .patch(`/api/agencies/${id}`)
      .set(await as(username))
      .send(body);
  const fieldsOf = (res: { body: { details?: { field: string }[] } }) => (res.body.details ?? []).map((d) => d.field);

  describe('GET /api/agencies', () => {
    it('lists the demo district’s five agencies (派出所, school, hospital, court, 妇联) to every case role of the district', async () => {
      for (const username of ['admin', 'district1', 'leader', 'sup-xa', 'dir-xa-01', 'hotline']) {
        const res = await api.http.get('/api/agencies').set(await as(username));
        expect(res.status).toBe(200);
        const names = (res.body as { name: string }[]).map((a) => a.name);
        expect(names).toEqual(expect.arrayContaining(DEMO_AGENCY_NAMES));
        for (const a of res.body as Record<string, unknown>[]) {
          expect(Object.keys(a).sort()).toEqual(['active', 'districtId', 'id', 'kind', 'kindLabel', 'name']);
        }
      }
      const kinds = (await demoAgencies(api)).filter((a) => DEMO_AGENCY_NAMES.includes(a.name)).map((a) => a.kind);
      expect(kinds.sort()).toEqual(['court', 'education', 'health', 'police', 'womens_federation']);
    });

    it('shows a liaison its own agency only', async () => {
      const res = await api.http.get('/api/agencies').set(await as('liaison-school'));
      expect(res.status).toBe(200);
      expect((res.body as { name: string }[]).map((a) => a.name)).toEqual(['宝安区新安中学']);
    });

    it('shows nothing of another district', async () => {
      const res = await api.http.get('/api/agencies').set(await as('district1'));
      expect((res.body as { id: string }[]).map((a) => a.id)).not.toContain(other.agency.id);
    });

    it('needs a token (401)', async () => {
      expectError(await api.http.get('/api/agencies'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('POST and PATCH /api/agencies (admin)', () => {
    it('the admin adds an agency to its district and changes it; each change is on the district’s audit trail', async () => {
      const name = `测试派出所-${randomBytes(3).toString('hex')}`;
      const created = await post('admin', { kind: 'police', name });
      expect(created.status).toBe(201);
      const districtId = await jurisdictionId(api, demoCode.district);
      expect(created.body).toEqual({ id: expect.any(String), kind: 'police', kindLabel: expect.stringContaining('police'), name, districtId, active: true });

      const renamed = await patch('admin', created.body.id, { name: `${name}（新）`, kind: 'procuratorate', active: false });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: created.body.id, name: `${name}（新）`, kind: 'procuratorate', active: false });
      const listed = (await demoAgencies(api)).find((a) => a.id === created.body.id);
      expect(listed).toMatchObject({ active: false, kind: 'procuratorate' });

      const audit = await api.http.get('/api/audit/events?format=json').set(await as('district1'));
      expect(audit.status).toBe(200);
      const rows = (audit.body.items as { type: string; data: Record<string, unknown> }[]).filter((r) => r.data.agencyId === created.body.id);
      expect(rows.map((r) => r.type).sort()).toEqual(['agency.created', 'agency.updated']);
      const updated = rows.find((r) => r.type === 'agency.updated');
      expect(updated?.data).toMatchObject({ active: { from: true, to: false }, kind: { from: 'police', to: 'procuratorate' } });
    });

    it('refuses a second agency of the same name in the district (409 CONFLICT naming name), on create and on rename', async () => {
      const name = `重名单位-${randomBytes(3).toString('hex')}`;
      expect((await post('admin', { kind: 'other', name })).status).toBe(201);
      const again = await post('admin', { kind: 'health', name });
      expectError(again, 409, 'CONFLICT');
      expect(fieldsOf(again)).toEqual(['name']);
      const second = await post('admin', { kind: 'other', name: `${name}-2` });
      const rename = await patch('admin', second.body.id, { name });
      expectError(rename, 409, 'CONFLICT');
      expect(fieldsOf(rename)).toEqual(['name']);
    });

    it('names the field of bad input (400): an unknown kind, an empty or too long name, an unknown field, a street as district', async () => {
      const bad = await post('admin', { kind: 'army', name: 'x' });
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(bad)).toEqual(['kind']);
      expect(fieldsOf(await post('admin', { kind: 'police', name: '  ' }))).toEqual(['name']);
      expect(fieldsOf(await post('admin', { kind: 'police', name: '长'.repeat(101) }))).toEqual(['name']);
      expectError(await post('admin', { kind: 'police', name: 'x', phone: '1' }), 400, 'VALIDATION_FAILED');
      const street = await post('admin', {
        kind: 'police',
        name: `街道单位-${randomBytes(3).toString('hex')}`,
        districtId: await jurisdictionId(api, demoCode.street('xa')),
      });
      expectError(street, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(street)).toEqual(['districtId']);
      expect(fieldsOf(await patch('admin', randomUUID(), { active: 'no' }))).toEqual(['active']);
    });

    it('answers another district, and an agency there, as not found (404)', async () => {
      const res = await post('admin', { kind: 'police', name: `外区-${randomBytes(3).toString('hex')}`, districtId: other.district.id });
      expectError(res, 404, 'NOT_FOUND');
      expect(fieldsOf(res)).toEqual(['districtId']);
      expectError(await patch('admin', other.agency.id, { active: false }), 404, 'NOT_FOUND');
      expectError(await patch('admin', randomUUID(), { active: false }), 404, 'NOT_FOUND');
    });

    it('is the admin’s alone (403 for every other role)', async () => {
      const id = await demoAgencyId(api, 'court');
      for (const username of ['district1', 'leader', 'sup-xa', 'dir-xa-01', 'hotline', 'liaison-court']) {
        expectError(await post(username, { kind: 'police', name: 'x' }), 403, 'FORBIDDEN');
        expectError(await patch(username, id, { active: false }), 403, 'FORBIDDEN');
      }
    });
  });

  describe('agency liaison accounts', () => {
    const newLiaison = async (body: Record<string, unknown>) =>
      api.http
        .post('/api/users')
        .set(await as('admin'))
        .send({ username: unique('liaison'), displayName: '测试联络员', role: 'agency_liaison', password: `pw-${randomBytes(8).toString('hex')}`, ...body });

    it('belong to one agency of their district: created pending approval with agencyId, then see that agency only', async () => {
      const agencyId = await demoAgencyId(api, 'health');
      const user = await createUser(api, { role: Role.AgencyLiaison, agencyId });
      const view = await api.http.get(`/api/users/${user.id}`).set(await as('admin'));
      expect(view.body).toMatchObject({ role: 'agency_liaison', agencyId, status: 'active' });
      const token = await freshLogin(api, user.username, user.password);
      const mine = await api.http.get('/api/agencies').set(bearer(token));
      expect((mine.body as { id: string }[]).map((a) => a.id)).toEqual([agencyId]);
    });

    it('need district approval like every account that reads case content (maker-checker)', async () => {
      const res = await newLiaison({ jurisdictionId: await jurisdictionId(api, demoCode.district), agencyId: await demoAgencyId(api, 'court') });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'pending_approval', agencyId: expect.any(String) });
      await decideUser(api, res.body.id);
    });

    it('refuse a liaison without agencyId, an agency of another district, and agencyId on any other role (400 naming agencyId)', async () => {
      const district = await jurisdictionId(api, demoCode.district);
      const missing = await newLiaison({ jurisdictionId: district });
      expectError(missing, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(missing)).toEqual(['agencyId']);
      const elsewhere = await newLiaison({ jurisdictionId: district, agencyId: other.agency.id });
      expectError(elsewhere, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(elsewhere)).toEqual(['agencyId']);
      const director = await newLiaison({ role: 'district_staff', jurisdictionId: district, agencyId: await demoAgencyId(api, 'police') });
      expectError(director, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(director)).toEqual(['agencyId']);
      const unknown = await newLiaison({ jurisdictionId: district, agencyId: randomUUID() });
      expect(fieldsOf(unknown)).toEqual(['agencyId']);
    });

    it('stay liaisons of their agency: no edit turns an account into a liaison or a liaison into anything else (400)', async () => {
      const liaison = await createUser(api, { role: Role.AgencyLiaison });
      const toStaff = await api.http
        .patch(`/api/users/${liaison.id}`)
        .set(await as('admin'))
        .send({ role: 'district_staff' });
      expectError(toStaff, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(toStaff)).toEqual(['role']);
      const staff = await createUser(api, { role: Role.DistrictStaff });
      const toLiaison = await api.http
        .patch(`/api/users/${staff.id}`)
        .set(await as('admin'))
        .send({ role: 'agency_liaison' });
      expectError(toLiaison, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(toLiaison)).toEqual(['role']);
    });

    it('the database refuses a liaison without an agency, and an agency on any other role (user_agency_liaison_check)', async () => {
      const base = { display_name: 'x', password_hash: 'x', jurisdiction_id: other.district.id };
      await expect(
        ds.query(`INSERT INTO "user" (username, display_name, role, jurisdiction_id, password_hash) VALUES ($1, $2, 'agency_liaison', $3, $4)`, [
          unique('chk'),
          base.display_name,
          base.jurisdiction_id,
          base.password_hash,
        ]),
      ).rejects.toThrow(/user_agency_liaison_check/);
      await expect(
        ds.query(`INSERT INTO "user" (username, display_name, role, jurisdiction_id, password_hash, agency_id) VALUES ($1, $2, 'district_staff', $3, $4, $5)`, [
          unique('chk'),
          base.display_name,
          base.jurisdiction_id,
          base.password_hash,
          other.agency.id,
        ]),
      ).rejects.toThrow(/user_agency_liaison_check/);
    });
  });
});
