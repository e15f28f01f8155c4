/**
 * Backups that restore (issue 15, point 3): the real `npm run backup` and `npm run restore`
 * scripts (scripts/backup.sh, scripts/restore.sh → dist/scripts/backup.js) on a database of
 * this file's own (migrated from dist/, like the test database), with cases of a district of
 * its own, transitions and an uploaded attachment. The restored copy must hold the same
 * counts, every case's hash chain, the attachment's bytes, and answer through the API; a
 * changed byte, a cut file or a wrong key must fail and leave nothing behind.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import type request from 'supertest';
import { ChainedFields, verifyChain } from '@shouhu/timeline';
import { decodeHeader, keyFingerprint } from '../../scripts/backup-crypto';
import { CaseClient, CaseDetail, createTree, dataSourceOf, expectStatus, TestTree } from '../helpers/cases';
import { bearer, startApi, TestApi } from '../helpers/test-app';

const ROOT = join(__dirname, '..', '..');
const TAG = randomBytes(3).toString('hex');
/** Databases of this file (names end in _test, as scripts/test.sh requires of what it may drop). */
const SOURCE_DB = `bk${TAG}_source_test`;
const RESTORED_DB = `bk${TAG}_restored_test`;
const REFUSED_DB = (what: string) => `bk${TAG}_${what}_test`;
const KEY = randomBytes(32).toString('base64');
const WORK = mkdtempSync(join(tmpdir(), 'shouhu-backup-'));
const SOURCE_FILES = join(WORK, 'attachments');
const RESTORED_FILES = join(WORK, 'restored-attachments');
const BACKUPS = join(WORK, 'backups');
/** This file's queues, under the run's prefix (scripts/test.sh removes the run's keys). */
const QUEUE_PREFIX = `${process.env.QUEUE_PREFIX ?? 'shouhu-test'}:bk${TAG}`;

const urlOf = (database: string) => {
  const u = new URL(process.env.DATABASE_URL as string);
  u.pathname = `/${database}`;
  return u.toString();
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command of the repository (a script, or node on dist/) to its end. */
function run(command: string, args: string[], env: Record<string, string>, timeoutMs = 45_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment of npm run backup / restore in this test: its own database, folders and key; no rebuild of dist/. */
const toolEnv = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: urlOf(SOURCE_DB),
  ATTACHMENT_DIR: SOURCE_FILES,
  BACKUP_DIR: BACKUPS,
  BACKUP_ENCRYPTION_KEY: KEY,
  SHOUHU_NO_BUILD: '1',
  LOG_LEVEL: 'silent',
  ...extra,
});

const restore = (file: string, database: string, attachmentsDir: string, extra: string[] = [], env: Record<string, string> = {}) =>
  run('bash', ['scripts/restore.sh', file, '--database', database, '--attachments-dir', attachmentsDir, ...extra], toolEnv(env));

async function withClient<T>(database: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: urlOf(database) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const databaseExists = (name: string) =>
  withClient('postgres', async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);

interface Counts {
  cases: number;
  reports: number;
  events: number;
  deadlines: number;
  attachments: number;
}

const countsOf = (database: string) =>
  withClient(database, async (c) => {
    const { rows } = await c.query(
      `SELECT (SELECT count(*) FROM "case")::int AS cases, (SELECT count(*) FROM report)::int AS reports, (SELECT count(*) FROM case_event)::int AS events,
              (SELECT count(*) FROM deadline)::int AS deadlines, (SELECT count(*) FROM attachment)::int AS attachments`,
    );
    return rows[0] as Counts;
  });

/** Every event of the district's cases, in (case, seq) order. */
const eventsOf = (database: string, districtId: string) =>
  withClient(database, async (c) => {
    const { rows } = await c.query(
      `SELECT e.case_id AS "caseId", e.seq, e.type, e.at, e.actor_id AS "actorId", e.actor_role AS "actorRole", e.from_status AS "fromStatus",
              e.to_status AS "toStatus", e.data, e.prev_hash AS "prevHash", e.hash
         FROM case_event e JOIN "case" c ON c.id = e.case_id WHERE c.district_id = $1 ORDER BY e.case_id, e.seq`,
      [districtId],
    );
    return rows as (Omit<ChainedFields, 'actor'> & { actorId: string | null; actorRole: string; hash: string })[];
  });

/** Every file under a folder, relative path → SHA-256. */
function filesIn(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else
        out[`${prefix}${e.name}`] = createHash('sha256')
          .update(readFileSync(join(d, e.name)))
          .digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** Collects a response body as bytes. */
function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** A small valid PDF with random padding. */
const pdf = () => Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% '), randomBytes(2000), Buffer.from('\n%%EOF\n')]);

describe('npm run backup / npm run restore', () => {
  let api: TestApi | undefined;
  let restoredApi: TestApi | undefined;
  let cc: CaseClient;
  let tree: TestTree;
  const cases: CaseDetail[] = [];
  let evidence: { caseId: string; id: string; bytes: Buffer };
  let source: Counts;
  let backupFile: string;
  const created = new Set<string>([SOURCE_DB]);

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/scripts/backup.js')))
      throw new Error('dist/scripts/backup.js is missing: build first (scripts/test.sh does unless SHOUHU_NO_BUILD=1)');
    await withClient('postgres', (c) => c.query(`CREATE DATABASE "${SOURCE_DB}"`));
    const migrated = await run(process.execPath, ['dist/scripts/db.js', 'migrate'], { DATABASE_URL: urlOf(SOURCE_DB), LOG_LEVEL: 'silent' });
    if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);

    api = await startApi({ DATABASE_URL: urlOf(SOURCE_DB), ATTACHMENT_DIR: SOURCE_FILES, QUEUE_PREFIX });
    cc = new CaseClient(api);
    tree = await createTree(dataSourceOf(api), { streets: { s: 1 }, users: { staff: 'district', sup: 's', dir: 's-1' } });
    cc.addTree(tree);
    const dir = tree.users.dir.username;
    const sup = tree.users.sup.username;
    const community = tree.communities['s-1'];
    // One case through acceptance, assessment, a measure and the start of the intervention; one accepted; one as filed.
    let c = await cc.file(dir, community);
    c = await cc.act(sup, c, 'accept', { riskLevel: 'R3', assigneeId: tree.users.sup.id });
    await cc.assess(sup, c.id, 'R3');
    c = await cc.act(sup, await cc.addMeasure(sup, c.id), 'start_intervention');
    cases.push(c);
    cases.push(await cc.act(sup, await cc.file(dir, community), 'accept', { riskLevel: 'R2', assigneeId: tree.users.sup.id }));
    cases.push(await cc.file(dir, community));

    const bytes = pdf();
    const res = await api.http
      .post(`/api/cases/${cases[0].id}/attachments`)
      .set(bearer(await cc.token(sup)))
      .field('kind', 'document')
      .attach('file', bytes, { filename: '报警回执.pdf', contentType: 'application/octet-stream' });
    expectStatus(res, 201);
    evidence = { caseId: cases[0].id, id: res.body.id, bytes };
    expect(cc.serverErrors).toEqual([]);
    source = await countsOf(SOURCE_DB);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await restoredApi?.close();
    await withClient('postgres', async (c) => {
      for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
    const redis = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: 1 });
    try {
      const keys = await redis.keys(`${QUEUE_PREFIX}:*`);
      if (keys.length) await redis.unlink(...keys);
    } finally {
      redis.disconnect();
    }
    rmSync(WORK, { recursive: true, force: true });
  });

  it('writes one encrypted file, owner-only, that names its key but holds none of the data in clear', async () => {
    expect(source).toMatchObject({ cases: 3, reports: 3, attachments: 1 });
    expect(source.events).toBeGreaterThan(5);
    expect(source.deadlines).toBeGreaterThan(0);

    const result = await run('bash', ['scripts/backup.sh'], toolEnv());
    if (result.code !== 0) throw new Error(`backup failed (${result.code}): ${result.stderr}`);
    backupFile = result.stdout.trim().split('\n').at(-1) as string;
    expect(backupFile).toMatch(new RegExp(`^${BACKUPS}/shouhu-\\d{8}T\\d{6}Z\\.backup$`));
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(BACKUPS)).toEqual([backupFile.slice(BACKUPS.length + 1)]);
    // What was written, in sizes and counts.
    expect(result.stderr).toMatch(/backup written: .*3 cases.*1 attachment files/);

    const file = readFileSync(backupFile);
    const header = decodeHeader(file);
    expect(header?.header).toMatchObject({ keyId: 'b1', keyFingerprint: keyFingerprint(Buffer.from(KEY, 'base64')) });
    expect(file.includes(Buffer.from(KEY, 'base64'))).toBe(false);
    // The attachment's stored bytes and the dump's magic do not appear in clear.
    const stored = Object.keys(filesIn(SOURCE_FILES));
    expect(stored).toHaveLength(1);
    expect(file.includes(readFileSync(join(SOURCE_FILES, stored[0])).subarray(0, 64))).toBe(false);
    expect(file.includes(Buffer.from('PGDMP'))).toBe(false);
  }, 45_000);

  it('restores into a fresh database with the same counts, every hash chain and the attachment files', async () => {
    created.add(RESTORED_DB);
    const result = await restore(backupFile, RESTORED_DB, RESTORED_FILES, ['--json']);
    if (result.code !== 0) throw new Error(`restore failed (${result.code}): ${result.stderr}`);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
    expect(report.counts).toEqual(source);
    expect(report.expected).toEqual(source);
    expect(report.chains).toEqual({ verified: source.cases, broken: 0, casesWithMissingEvents: 0 });
    expect(report.attachmentRows).toEqual({ ok: 1, missing: 0, wrongSize: 0, wrongChecksum: 0, unchecked: 0 });
    expect(report.problems).toEqual([]);
    expect(result.stderr).toContain('restore verified');

    // Checked here too, not only by the tool: the same counts, the same events, every chain holds.
    expect(await countsOf(RESTORED_DB)).toEqual(source);
    const before = await eventsOf(SOURCE_DB, tree.districtId);
    const after = await eventsOf(RESTORED_DB, tree.districtId);
    expect(after).toEqual(before);
    for (const c of cases) {
      const events = after.filter((e) => e.caseId === c.id);
      expect(events.length).toBeGreaterThan(0);
      const verdict = verifyChain(events.map((e) => ({ ...e, actor: { id: e.actorId, role: e.actorRole } })));
      expect(verdict).toEqual({ valid: true, events: events.length });
    }
    expect(filesIn(RESTORED_FILES)).toEqual(filesIn(SOURCE_FILES));
    expect(statSync(join(RESTORED_FILES, Object.keys(filesIn(RESTORED_FILES))[0])).mode & 0o777).toBe(0o600);
  }, 45_000);

  it('gives a restored copy the API serves: the case, its verified timeline, the attachment bytes', async () => {
    restoredApi = await startApi({ DATABASE_URL: urlOf(RESTORED_DB), ATTACHMENT_DIR: RESTORED_FILES, QUEUE_PREFIX });
    const restored = new CaseClient(restoredApi);
    restored.addTree(tree);
    const sup = tree.users.sup.username;
    for (const c of cases) {
      const detail = await restored.detail(sup, c.id);
      expect({ caseNo: detail.caseNo, status: detail.status, version: detail.version }).toEqual({ caseNo: c.caseNo, status: c.status, version: c.version });
      expect((await restored.timeline(sup, c.id)).verified).toBe(true);
    }
    const got = await restoredApi.http
      .get(`/api/cases/${evidence.caseId}/attachments/${evidence.id}/content`)
      .set(bearer(await restored.token(sup)))
      .buffer(true)
      .parse(binary);
    expectStatus(got, 200);
    expect(Buffer.compare(got.body as Buffer, evidence.bytes)).toBe(0);
    expect(restored.serverErrors).toEqual([]);
  });

  it('refuses to restore over a database that is not empty, or into a folder that holds files, unless --force', async () => {
    const again = await restore(backupFile, RESTORED_DB, join(WORK, 'unused'));
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`database ${RESTORED_DB} is not empty`);
    expect(await countsOf(RESTORED_DB)).toEqual(source);

    const folder = await restore(backupFile, REFUSED_DB('folder'), RESTORED_FILES);
    expect(folder.code).not.toBe(0);
    expect(folder.stderr).toContain('already holds files');
    expect(await databaseExists(REFUSED_DB('folder'))).toBe(false);

    // --force replaces the database and keeps the files that are already there, the same.
    await restoredApi?.close();
    restoredApi = undefined;
    const forced = await restore(backupFile, RESTORED_DB, RESTORED_FILES, ['--force', '--json']);
    if (forced.code !== 0) throw new Error(`restore --force failed (${forced.code}): ${forced.stderr}`);
    expect(JSON.parse(forced.stdout.trim().split('\n').at(-1) as string)).toMatchObject({ counts: source, problems: [], attachmentFiles: { restored: 1 } });
    expect(filesIn(RESTORED_FILES)).toEqual(filesIn(SOURCE_FILES));
  }, 45_000);

  it('fails on a changed byte, a cut file or a wrong key, and leaves no database and no file behind', async () => {
    const size = statSync(backupFile).size;
    const tampered = join(WORK, 'tampered.backup');
    copyFileSync(backupFile, tampered);
    const bytes = readFileSync(tampered);
    bytes[Math.floor(size / 2)] ^= 0x40;
    writeFileSync(tampered, bytes);
    const cut = join(WORK, 'cut.backup');
    copyFileSync(backupFile, cut);
    truncateSync(cut, size - 100);

    const cases_: { name: string; file: string; env: Record<string, string>; says: RegExp }[] = [
      { name: 'tampered', file: tampered, env: {}, says: /\(tampered\).*authentication tag/ },
      { name: 'cut', file: cut, env: {}, says: /\(truncated\)/ },
      { name: 'wrongkey', file: backupFile, env: { BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, says: /\(wrong-key\).*fingerprint/ },
    ];
    const results = await Promise.all(
      cases_.map((t) => {
        created.add(REFUSED_DB(t.name));
        return restore(t.file, REFUSED_DB(t.name), join(WORK, `files-${t.name}`), [], t.env);
      }),
    );
    for (const [i, t] of cases_.entries()) {
      const r = results[i];
      expect({ name: t.name, code: r.code }).toEqual({ name: t.name, code: 1 });
      expect(r.stderr).toMatch(t.says);
      expect(r.stderr).toContain('nothing was restored');
      expect(await databaseExists(REFUSED_DB(t.name))).toBe(false);
      expect(filesIn(join(WORK, `files-${t.name}`))).toEqual({});
    }
  }, 45_000);

  it('reports a broken hash chain and a missing attachment file in what it restored, and exits non-zero', async () => {
    // A source damaged behind the application's back: one event's data changed (the append-only trigger set aside), one stored file gone.
    const third = cases[2];
    await withClient(SOURCE_DB, async (c) => {
      await c.query('ALTER TABLE case_event DISABLE TRIGGER USER');
      await c.query(`UPDATE case_event SET data = data || '{"altered": true}' WHERE case_id = $1 AND seq = 1`, [third.id]);
      await c.query('ALTER TABLE case_event ENABLE TRIGGER USER');
    });
    const stored = Object.keys(filesIn(SOURCE_FILES))[0];
    rmSync(join(SOURCE_FILES, stored));

    const backup = await run('bash', ['scripts/backup.sh'], toolEnv());
    if (backup.code !== 0) throw new Error(`backup failed (${backup.code}): ${backup.stderr}`);
    const file = backup.stdout.trim().split('\n').at(-1) as string;
    expect(file).not.toBe(backupFile);
    created.add(REFUSED_DB('damaged'));
    const result = await restore(file, REFUSED_DB('damaged'), join(WORK, 'files-damaged'), ['--json']);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
    expect(report.counts).toEqual(source);
    expect(report.chains).toEqual({ verified: source.cases - 1, broken: 1, casesWithMissingEvents: 0 });
    expect(report.attachmentRows).toMatchObject({ ok: 0, missing: 1 });
    expect(report.problems).toEqual([`case ${third.id}: hash chain broken at event 1`, `attachment ${evidence.id}: missing`]);
    expect(result.stderr).toContain('RESTORE VERIFICATION FAILED: 2 problem(s)');

    // --verify-only checks a database already there (one recovered to a point in time): the same findings, and none on the good copy.
    const verifyOnly = (database: string, files: string) =>
      run('bash', ['scripts/restore.sh', '--verify-only', '--database', database, '--attachments-dir', files, '--json'], toolEnv());
    const [damaged, healthy] = await Promise.all([verifyOnly(REFUSED_DB('damaged'), join(WORK, 'files-damaged')), verifyOnly(RESTORED_DB, RESTORED_FILES)]);
    expect(damaged.code).toBe(3);
    expect(JSON.parse(damaged.stdout.trim().split('\n').at(-1) as string)).toMatchObject({ header: null, counts: source, problems: report.problems });
    if (healthy.code !== 0) throw new Error(`--verify-only failed (${healthy.code}): ${healthy.stderr}`);
    expect(JSON.parse(healthy.stdout.trim().split('\n').at(-1) as string)).toMatchObject({
      counts: source,
      chains: { verified: source.cases, broken: 0, casesWithMissingEvents: 0 },
      attachmentRows: { ok: 1 },
      problems: [],
    });
  }, 45_000);
});
