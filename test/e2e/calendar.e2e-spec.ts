/**
 * The official working-day calendar over HTTP (issue 12, item 9; domain.md §14):
 * GET /api/calendar/:year for every role, PUT by district staff only, validated with
 * every problem named; the shipped files fill the table at start without overwriting
 * it; a replacement reaches the SLA arithmetic of the process at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type request from 'supertest';
import type { DataSource } from 'typeorm';
import { configWith } from '@shouhu/config';
import { CalendarStore, SLA_CALCULATOR, SlaCalculator } from '@shouhu/deadlines';
import { createApiApp } from '../../apps/api/src/app';
import { openDataSource } from '../helpers/database';
import { bearer, expectError, startApi, TestApi, tokenFor } from '../helpers/test-app';

/** 24:00 Beijing time of a day. */
const endOf = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString();
const fieldsOf = (res: request.Response) => (res.body.details as { field: string }[]).map((d) => d.field);

/** A year no shipped file holds and no other test touches. */
const SPARE_YEAR = 2091;

describe('working-day calendar (GET/PUT /api/calendar/:year)', () => {
  let api: TestApi;
  let ds: DataSource;
  let original2026: Record<string, unknown>;
  const as = async (username: string) => bearer(await tokenFor(api, username));
  const get = async (year: string | number, username = 'district1') => api.http.get(`/api/calendar/${year}`).set(await as(username));
  const put = async (year: string | number, body: unknown, username = 'district1') =>
    api.http
      .put(`/api/calendar/${year}`)
      .set(await as(username))
      .send(body as object);

  beforeAll(async () => {
    api = await startApi();
    ds = await openDataSource(api.config);
    await ds.query(`DELETE FROM working_calendar WHERE year IN ($1, 2092, 2093, 2094)`, [SPARE_YEAR]);
    original2026 = (await get(2026)).body;
  });
  afterAll(async () => {
    // Leave 2026 as the shipped file has it, for the files that run after this one.
    if (original2026?.holidays) {
      const { holidays, workdays, source, provisional } = original2026;
      await put(2026, { holidays, workdays, source, provisional });
    }
    await ds?.query(`DELETE FROM working_calendar WHERE year IN ($1, 2092, 2093, 2094)`, [SPARE_YEAR]);
    await ds?.destroy();
    await api?.close();
  });

  describe('GET', () => {
    it('serves 2026 as the State Council notice has it', async () => {
      const res = await get(2026);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['holidays', 'provisional', 'source', 'updatedAt', 'workdays', 'year']);
      expect(res.body).toMatchObject({
        year: 2026,
        provisional: false,
        workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
      });
      expect(res.body.holidays).toHaveLength(33);
      expect(res.body.holidays).toEqual(expect.arrayContaining(['2026-02-15', '2026-02-23', '2026-10-07']));
      expect([...res.body.holidays].sort()).toEqual(res.body.holidays);
      expect(res.body.source).toMatch(/国办发明电〔2025〕7号/);
      expect(Number.isNaN(Date.parse(res.body.updatedAt))).toBe(false);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('serves 2027 as provisional: statutory holidays only, no make-up days', async () => {
      const res = await get(2027);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ year: 2027, provisional: true, workdays: [] });
      expect(res.body.holidays).toEqual(expect.arrayContaining(['2027-01-01', '2027-02-05', '2027-02-08', '2027-06-09', '2027-09-15', '2027-10-03']));
      expect(res.body.holidays).toHaveLength(13);
    });

    it('every role may read it (it holds no personal data)', async () => {
      for (const username of ['dir-xa-01', 'sup-xa', 'district1', 'admin']) {
        const res = await get(2026, username);
        expect({ username, status: res.status }).toEqual({ username, status: 200 });
      }
      expectError(await api.http.get('/api/calendar/2026'), 401, 'UNAUTHENTICATED');
    });

    it('404 for a year without data', async () => {
      expectError(await get(SPARE_YEAR), 404, 'NOT_FOUND');
    });

    it.each(['1999', '2101', '20266', 'abc', '2026.5', '-2026', '0x7ea', '2.026e3', '%202026', '02026'])('400 naming `year` for %p', async (year) => {
      const res = await get(year);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['year']);
    });
  });

  describe('PUT', () => {
    const year = { holidays: [`${SPARE_YEAR}-10-02`, `${SPARE_YEAR}-10-01`, `${SPARE_YEAR}-10-03`], workdays: [`${SPARE_YEAR}-09-29`] };

    it('district staff store a year; GET then shows it, sorted, with who stored it', async () => {
      const res = await put(SPARE_YEAR, { ...year, source: '测试 (test notice)' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        year: SPARE_YEAR,
        holidays: [`${SPARE_YEAR}-10-01`, `${SPARE_YEAR}-10-02`, `${SPARE_YEAR}-10-03`],
        workdays: [`${SPARE_YEAR}-09-29`],
        source: '测试 (test notice)',
        provisional: false,
      });
      const read = await get(SPARE_YEAR, 'dir-xa-01');
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
      const district1 = (await api.http.get('/api/me').set(await as('district1'))).body.id as string;
      const [row] = await ds.query(`SELECT updated_by_id, updated_at FROM working_calendar WHERE year = $1`, [SPARE_YEAR]);
      expect(row.updated_by_id).toBe(district1);
      expect(new Date(row.updated_at).toISOString()).toBe(res.body.updatedAt);
    });

    it('replaces the whole year: what the new body leaves out is gone', async () => {
      await put(SPARE_YEAR, { ...year, source: 'first' });
      const res = await put(SPARE_YEAR, { holidays: [`${SPARE_YEAR}-01-01`], workdays: [], provisional: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ holidays: [`${SPARE_YEAR}-01-01`], workdays: [], source: null, provisional: true });
      expect((await get(SPARE_YEAR)).body).toMatchObject({ holidays: [`${SPARE_YEAR}-01-01`], workdays: [], source: null, provisional: true });
    });

    it('a replaced 2026 applies at once to deadlines computed in this process', async () => {
      const sla = api.app.get<SlaCalculator>(SLA_CALCULATOR);
      const friday = new Date('2026-02-13T10:00:00+08:00');
      // The notice: 1 wd from Friday 02-13 ends with the make-up Saturday 02-14; from 02-14, after the break.
      expect(sla.dueIn('1wd', friday).dueAt.toISOString()).toBe(endOf('2026-02-14'));
      expect(sla.dueIn('1wd', new Date('2026-02-14T10:00:00+08:00')).dueAt.toISOString()).toBe(endOf('2026-02-24'));

      // Without the make-up Saturday, and Monday 02-16 the only day off.
      const res = await put(2026, { holidays: ['2026-02-16'], workdays: [], source: 'test replacement' });
      expect(res.status).toBe(200);
      expect(sla.dueIn('1wd', friday).dueAt.toISOString()).toBe(endOf('2026-02-17'));

      const { holidays, workdays, source, provisional } = original2026;
      expect((await put(2026, { holidays, workdays, source, provisional })).status).toBe(200);
      expect(sla.dueIn('1wd', friday).dueAt.toISOString()).toBe(endOf('2026-02-14'));
      expect((await get(2026)).body).toMatchObject({ holidays, workdays, source, provisional });
    });

    it.each(['sup-xa', 'dir-xa-01', 'admin'])('%s may not replace it: 403, and nothing changes', async (username) => {
      const before = (await get(2026)).body;
      expectError(await put(2026, { holidays: [], workdays: [] }, username), 403, 'FORBIDDEN');
      expect((await get(2026)).body).toEqual(before);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a make-up workday on a weekday', { holidays: ['2026-02-15'], workdays: ['2026-02-14', '2026-02-28', '2026-02-16'] }, ['workdays[2]']],
      ['a date that does not exist', { holidays: ['2026-02-30'], workdays: [] }, ['holidays[0]']],
      ['a date of another year', { holidays: ['2026-10-01', '2027-10-01'], workdays: [] }, ['holidays[1]']],
      ['a date twice', { holidays: ['2026-10-01', '2026-10-01'], workdays: [] }, ['holidays[1]']],
      ['a day in both lists', { holidays: ['2026-02-14'], workdays: ['2026-02-14'] }, ['workdays[0]']],
      ['a date that is not text', { holidays: [20261001], workdays: [] }, ['holidays[0]']],
      ['lists that are not arrays', { holidays: '2026-10-01', workdays: null }, ['holidays', 'workdays']],
      ['missing lists', {}, ['holidays', 'workdays']],
      ['an unknown field', { holidays: [], workdays: [], year: 2026 }, ['year']],
      ['a source too long', { holidays: [], workdays: [], source: '国'.repeat(301) }, ['source']],
      ['provisional not a boolean', { holidays: [], workdays: [], provisional: 'yes' }, ['provisional']],
      ['too many dates', { holidays: Array.from({ length: 367 }, () => '2026-01-01'), workdays: [] }, ['holidays']],
    ])('400 for %s, naming the field', async (_what, body, fields) => {
      const before = (await get(2026)).body;
      const res = await put(2026, body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect([...new Set(fieldsOf(res))].sort()).toEqual(fields.sort());
      expect((await get(2026)).body).toEqual(before);
    });

    it('the message of a weekday make-up day says what is wrong with it', async () => {
      const res = await put(2026, { holidays: [], workdays: ['2026-02-14', '2026-02-28', '2026-02-16'] });
      expect(res.body.details).toEqual([{ field: 'workdays[2]', message: '2026-02-16 is not a Saturday or Sunday' }]);
    });

    it('400 naming `year` for a year out of range, whose dates are then not checked against it', async () => {
      const res = await put('1999', { holidays: ['1999-01-01'], workdays: [] });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['year']);
    });
  });

  describe('the shipped files at start', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'shouhu-calendar-'));
      writeFileSync(join(dir, '2092.json'), JSON.stringify({ year: 2092, source: 'file 2092', holidays: ['2092-10-01'], workdays: [] }));
      // A file for a year the table already holds does not overwrite it.
      writeFileSync(join(dir, '2026.json'), JSON.stringify({ year: 2026, source: 'an older file', holidays: ['2026-01-01'], workdays: [] }));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('fill the years the table lacks, never the ones it holds; several processes may start at once', async () => {
      const before2026 = (await get(2026)).body;
      const [one, two] = await Promise.all([startApi({ CALENDAR_DIR: dir }), startApi({ CALENDAR_DIR: dir })]);
      try {
        const res = await get(2092);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ year: 2092, source: 'file 2092', holidays: ['2092-10-01'], workdays: [], provisional: false });
        expect((await get(2026)).body).toEqual(before2026);
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM working_calendar WHERE year = 2092`);
        expect(n).toBe(1);
        // The other processes compute on the table's 2026, not the file's.
        const friday = new Date('2026-02-13T10:00:00+08:00');
        expect(one.app.get<SlaCalculator>(SLA_CALCULATOR).dueIn('1wd', friday).dueAt.toISOString()).toBe(endOf('2026-02-14'));
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });

    it('a process sees a year another process replaced once it reloads (every minute)', async () => {
      const other = await startApi();
      try {
        const sla = other.app.get<SlaCalculator>(SLA_CALCULATOR);
        const monday = new Date('2093-03-02T10:00:00+08:00');
        expect(sla.dueIn('1wd', monday).dueAt.toISOString()).toBe(endOf('2093-03-03'));
        expect((await put(2093, { holidays: ['2093-03-03'], workdays: [] })).status).toBe(200);
        await other.app.get(CalendarStore).refresh();
        expect(sla.dueIn('1wd', monday).dueAt.toISOString()).toBe(endOf('2093-03-04'));
      } finally {
        await other.close();
      }
    });

    it('a bad file stops the start, naming the file and the field', async () => {
      const bad = mkdtempSync(join(tmpdir(), 'shouhu-calendar-bad-'));
      try {
        writeFileSync(join(bad, '2094.json'), JSON.stringify({ year: 2094, holidays: [], workdays: ['2094-01-04'] }));
        const app = await createApiApp(configWith({ CALENDAR_DIR: bad }), { logger: false });
        try {
          await expect(app.init()).rejects.toThrow(`${join(bad, '2094.json')}: workdays[0]: 2094-01-04 is not a Saturday or Sunday`);
        } finally {
          await app.close();
        }
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM working_calendar WHERE year = 2094`);
        expect(n).toBe(0);
      } finally {
        rmSync(bad, { recursive: true, force: true });
      }
    });
  });
});
