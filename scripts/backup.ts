/**
 * Backups that restore (npm run backup / npm run restore FILE; scripts/backup.sh and
 * scripts/restore.sh run this from dist/):
 *   node dist/scripts/backup.js create
 *   node dist/scripts/backup.js restore FILE [--database NAME] [--attachments-dir DIR] [--force] [--no-checksums] [--json]
 *   node dist/scripts/backup.js restore --verify-only [--database NAME] [--attachments-dir DIR] [--no-checksums] [--json]
 * One file holds a consistent pg_dump (-Fc) of DATABASE_URL's database and the attachment
 * store (ATTACHMENT_DIR), packed (scripts/backup-archive.ts) and encrypted with
 * BACKUP_ENCRYPTION_KEY (scripts/backup-crypto.ts). The restore checks the whole file before
 * it creates anything, restores into a fresh database, then counts and verifies what it restored.
 * Neither prints a name, ID number, address or narrative: only counts, sizes, ids of keys and files.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
// The modules themselves, not the libraries' barrels: the tool loads no Nest, no sharp.
import { AppConfig, ConfigError, loadConfig } from '../libs/config/src/app-config';
import { FILE_TAG_BYTES, FileCipher, MAX_HEADER_BYTES } from '../libs/evidence/src/file-cipher';
import { verifyChain } from '../libs/timeline/src/hash-chain';
import { BackupManifest, DumpSummary, EndSummary, jsonRecord, readRecords, RecordType, recordHead } from './backup-archive';
import { BackupFormatError, BackupHeader, backupDecryptor, backupEncryptor, backupKey, keyFingerprint } from './backup-crypto';

/** A storage key of the local attachment driver (libs/evidence/src/storage/local-file-storage.ts). */
const STORAGE_KEY = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const USAGE =
  'FILE [--database NAME] [--attachments-dir DIR] [--force] [--no-checksums] [--json]  |  --verify-only [--database NAME] [--attachments-dir DIR] [--no-checksums] [--json]';

/** What the operator must fix; printed without a stack. */
class Refusal extends Error {}

/**
 * The configuration, validated by AppConfig. The tools use neither Redis nor tokens: where
 * REDIS_URL or JWT_SECRET are unset (a backup host), placeholders satisfy the validator.
 */
function toolConfig(env: Record<string, string | undefined>): AppConfig {
  return loadConfig({ REDIS_URL: 'redis://unused.invalid:6379', JWT_SECRET: 'x'.repeat(32), ...env });
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** libpq's environment for a URL: the password never appears on a command line. */
function pgEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
  };
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/** A PostgreSQL client program: from PG_BIN (scripts/env.sh pg_bin: the server's version) or the PATH. */
function pgProgram(name: string): string {
  return process.env.PG_BIN ? join(process.env.PG_BIN, name) : name;
}

async function run(program: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${program} ${args.join(' ')} failed (exit ${code}): ${withoutData(err)}`);
  return out;
}

/**
 * What pg_dump / pg_restore said, without the lines that may quote data (DETAIL of a
 * constraint names the key's values, CONTEXT of a COPY quotes the row, LINE quotes SQL).
 */
function withoutData(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const kept = lines.filter((l) => !/(^|\s)(DETAIL|CONTEXT|LINE \d+):/.test(l) && !/^\s*LINE \d+/.test(l));
  return kept.join('\n') + (kept.length < lines.length ? '\n(lines that may quote data withheld)' : '');
}

const majorOf = (version: string) => Number(/(\d+)(?:\.\d+)?/.exec(version)?.[1] ?? NaN);

/** The database's counts restored copies are compared with (one snapshot when run inside one). */
interface Counts {
  cases: number;
  reports: number;
  events: number;
  deadlines: number;
  attachments: number;
}

async function counts(client: Client): Promise<Counts> {
  const { rows } = await client.query<Record<keyof Counts, string>>(
    `SELECT (SELECT count(*) FROM "case") AS cases, (SELECT count(*) FROM report) AS reports, (SELECT count(*) FROM case_event) AS events,
            (SELECT count(*) FROM deadline) AS deadlines, (SELECT count(*) FROM attachment) AS attachments`,
  );
  const r = rows[0];
  return { cases: Number(r.cases), reports: Number(r.reports), events: Number(r.events), deadlines: Number(r.deadlines), attachments: Number(r.attachments) };
}

/** Every attachment file under the store: `<2 hex>/<uuid>` (tmp/ holds uploads in progress: skipped). */
async function storedFiles(dir: string): Promise<string[]> {
  const keys: string[] = [];
  const top = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  for (const d of top) {
    if (!d.isDirectory() || !/^[0-9a-f]{2}$/.test(d.name)) continue;
    for (const f of await readdir(join(dir, d.name), { withFileTypes: true })) {
      const key = `${d.name}/${f.name}`;
      if (f.isFile() && STORAGE_KEY.test(key)) keys.push(key);
    }
  }
  return keys.sort();
}

// ── npm run backup ──────────────────────────────────────────────────────────

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** BACKUP_DIR/shouhu-<UTC time to the second>.backup, not yet taken (a second backup within the same second waits for the next). */
async function freshName(dir: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const file = join(dir, `shouhu-${stamp}.backup`);
    if (!(await exists(file)) && !(await exists(`${file}.part`))) return file;
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
  }
  throw new Refusal(`no free backup file name in ${dir}: is another backup running?`);
}

async function create(config: AppConfig): Promise<void> {
  if (!config.BACKUP_ENCRYPTION_KEY) throw new Refusal('BACKUP_ENCRYPTION_KEY is not set (base64 of 32 bytes: openssl rand -base64 32); see README "Backups"');
  const key = backupKey(config.BACKUP_ENCRYPTION_KEY);
  const pgDump = pgProgram('pg_dump');
  const pgDumpVersion = (await run(pgDump, ['--version'])).trim();

  // One snapshot for the counts and the dump: this transaction exports it, pg_dump imports it
  // (--snapshot), and it stays open until pg_dump is done. The manifest's counts are then
  // exactly what the dump holds, and the restore compares its own counts with them.
  const client = new Client({ connectionString: config.DATABASE_URL, application_name: 'shouhu-backup' });
  await client.connect();
  try {
    const serverVersion = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    if (majorOf(pgDumpVersion.replace(/^\D+/, '')) < majorOf(serverVersion)) {
      throw new Refusal(`${pgDump} (${pgDumpVersion}) is older than the server (${serverVersion}): use the client programs of the server's version`);
    }
    const tables = ['case', 'report', 'case_event', 'deadline', 'attachment'];
    const missing = await client.query<{ t: string }>(`SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(quote_ident(t)) IS NULL`, [tables]);
    if (missing.rows.length > 0) {
      const names = missing.rows.map((r) => r.t).join(', ');
      throw new Refusal(`database ${databaseOf(config.DATABASE_URL)} lacks the tables ${names}: run the migrations first (npm run migration:run)`);
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0].s;
    const atSnapshot = await counts(client);

    const dir = resolve(config.BACKUP_DIR);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = await freshName(dir);
    const part = `${file}.part`;

    const manifest: BackupManifest & { counts: Counts } = {
      format: 1,
      createdAt: new Date().toISOString(),
      database: databaseOf(config.DATABASE_URL),
      serverVersion,
      pgDumpVersion,
      counts: atSnapshot,
    };
    const summary: EndSummary = { dumpBytes: 0, attachments: 0, attachmentBytes: 0 };
    const attachmentDir = resolve(config.ATTACHMENT_DIR);
    let dumpChild: ReturnType<typeof spawn> | undefined;

    async function* plaintext(): AsyncGenerator<Buffer> {
      yield jsonRecord(RecordType.Manifest, manifest);
      // 1. The database, first. An upload writes its file before its row commits, so every
      // attachment row in this snapshot already has its file when the copy below starts;
      // files of rows the snapshot does not see are extra, and harmless.
      const child = spawn(pgDump, ['--format=custom', '--no-password', `--snapshot=${snapshot}`], {
        env: pgEnv(config.DATABASE_URL),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      dumpChild = child;
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', resolve);
      });
      const hash = createHash('sha256');
      for await (const piece of child.stdout as AsyncIterable<Buffer>) {
        hash.update(piece);
        summary.dumpBytes += piece.length;
        yield recordHead(RecordType.DumpData, '', piece.length);
        yield piece;
      }
      const code = await exited;
      if (code !== 0) throw new Error(`pg_dump failed (exit ${code}): ${withoutData(stderr)}`);
      const dump: DumpSummary = { bytes: summary.dumpBytes, sha256: hash.digest('hex') };
      yield jsonRecord(RecordType.DumpEnd, dump);
      // 2. Then the attachment store, file by file (each file is written once, renamed into place, never changed).
      for (const storageKey of await storedFiles(attachmentDir)) {
        // Opened first: a file discarded meanwhile (an upload refused after its file was written: no row
        // refers to it) is skipped; once open, its bytes stay readable whatever happens to its name.
        const handle = await open(join(attachmentDir, storageKey), 'r').catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return null;
          throw e;
        });
        if (!handle) continue;
        let size: number;
        try {
          size = (await handle.stat()).size;
          yield recordHead(RecordType.File, storageKey, size);
          let read = 0;
          if (size > 0) {
            for await (const piece of handle.createReadStream({ start: 0, end: size - 1, autoClose: false }) as AsyncIterable<Buffer>) {
              read += piece.length;
              yield piece;
            }
          }
          if (read !== size) throw new Error(`attachment file ${storageKey} changed while it was copied`);
        } finally {
          await handle.close();
        }
        summary.attachments += 1;
        summary.attachmentBytes += size;
      }
      yield jsonRecord(RecordType.End, summary);
    }

    try {
      await pipeline(Readable.from(plaintext()), backupEncryptor(key, config.BACKUP_ENCRYPTION_KEY_ID), createWriteStream(part, { flags: 'wx', mode: 0o600 }));
      const handle = await open(part, 'r+');
      await handle.sync();
      await handle.close();
      await chmod(part, 0o600);
      await rename(part, file);
    } catch (error) {
      dumpChild?.kill('SIGTERM');
      await rm(part, { force: true });
      throw error;
    }
    await client.query('COMMIT');
    const size = (await stat(file)).size;
    console.log(file);
    log(
      `backup written: ${file} (${mib(size)}; database ${manifest.database}: dump ${mib(summary.dumpBytes)}, ` +
        `${atSnapshot.cases} cases, ${atSnapshot.events} events; ${summary.attachments} attachment files, ${mib(summary.attachmentBytes)}; ` +
        `key "${config.BACKUP_ENCRYPTION_KEY_ID}" fingerprint ${keyFingerprint(key)})`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

// ── npm run restore FILE ────────────────────────────────────────────────────

interface RestoreOptions {
  file: string;
  database?: string;
  attachmentsDir?: string;
  force: boolean;
  checksums: boolean;
  json: boolean;
  /** Verifies a database (and attachment folder) already there, such as one recovered to a point in time: no file, nothing written. */
  verifyOnly: boolean;
}

function parseRestoreArgs(args: string[]): RestoreOptions {
  const options: RestoreOptions = { file: '', force: false, checksums: true, json: false, verifyOnly: false };
  const value = (i: number, flag: string) => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Refusal(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i];
    if (a === '--database') options.database = value(i++, a);
    else if (a === '--attachments-dir') options.attachmentsDir = value(i++, a);
    else if (a === '--force') options.force = true;
    else if (a === '--no-checksums') options.checksums = false;
    else if (a === '--json') options.json = true;
    else if (a === '--verify-only') options.verifyOnly = true;
    else if (a.startsWith('--')) throw new Refusal(`unknown option ${a}`);
    else if (!options.file) options.file = a;
    else throw new Refusal(`unexpected argument ${a}`);
  }
  if (!options.file && !options.verifyOnly) throw new Refusal(`usage: npm run restore -- ${USAGE}`);
  if (options.file && options.verifyOnly) throw new Refusal('--verify-only checks a database already there: give no FILE');
  return options;
}

/** True when the database holds any relation of its own (a table, view, sequence) outside the system schemas. */
async function hasObjects(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, application_name: 'shouhu-restore' });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`,
    );
    return Number(rows[0].n) > 0;
  } finally {
    await c.end();
  }
}

/** True when the folder holds any file (empty folders, such as a left-over tmp/, do not count). */
async function hasFiles(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  for (const e of entries) {
    if (!e.isDirectory()) return true;
    if (await hasFiles(join(dir, e.name))) return true;
  }
  return false;
}

/** The plaintext of a backup file, as it is read and checked (a read error fails the stream too). */
function decrypting(file: string, key: Buffer, onHeader?: (header: BackupHeader) => void): Readable {
  const decryptor = backupDecryptor(key, onHeader);
  const source = createReadStream(file);
  source.on('error', (error) => decryptor.destroy(error));
  return source.pipe(decryptor);
}

/** A writable that fails instead of buffering without bound: write() waits for 'drain'. */
async function writeAll(stream: Writable, piece: Buffer): Promise<void> {
  if (stream.write(piece)) return;
  await new Promise<void>((resolve, reject) => {
    const onDrain = () => (stream.off('error', onError), resolve());
    const onError = (e: Error) => (stream.off('drain', onDrain), reject(e));
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

interface RestoreReport {
  file: string;
  database: string;
  attachmentsDir: string;
  /** The backup's header (null with --verify-only). */
  header: Pick<BackupHeader, 'keyId' | 'keyFingerprint' | 'createdAt'> | null;
  expected: Counts | null;
  counts: Counts;
  chains: { verified: number; broken: number; casesWithMissingEvents: number };
  attachmentFiles: { restored: number; bytes: number };
  attachmentRows: { ok: number; missing: number; wrongSize: number; wrongChecksum: number; unchecked: number };
  problems: string[];
}

/** Reads the whole file once, checking every chunk and the records inside, creating nothing. */
async function verifyFile(file: string, key: Buffer): Promise<{ header: BackupHeader; manifest: BackupManifest & { counts?: Counts }; end: EndSummary }> {
  let header: BackupHeader | undefined;
  let manifest: (BackupManifest & { counts?: Counts }) | undefined;
  let end: EndSummary | undefined;
  const hash = createHash('sha256');
  let dumpBytes = 0;
  let files = 0;
  await readRecords(
    decrypting(file, key, (h) => (header = h)),
    {
      manifest: (m) => void (manifest = m),
      dumpData: (piece) => void (hash.update(piece), (dumpBytes += piece.length)),
      dumpEnd: (s) => {
        if (s.bytes !== dumpBytes || s.sha256 !== hash.digest('hex'))
          throw new BackupFormatError('tampered', 'the dump inside the backup does not match its checksum');
      },
      fileData: (name, _size, _piece, last) => {
        if (!STORAGE_KEY.test(name)) throw new BackupFormatError('tampered', 'an attachment in the backup has a name that is not a storage key');
        if (last) files += 1;
      },
      end: (s) => {
        if (s.attachments !== files) throw new BackupFormatError('tampered', 'the backup holds another number of attachment files than its end record says');
        end = s;
      },
    },
  );
  if (!header || !manifest || !end) throw new BackupFormatError('truncated', 'the backup is incomplete');
  return { header, manifest, end };
}

async function restore(config: AppConfig, options: RestoreOptions): Promise<RestoreReport> {
  const base = config.RESTORE_DATABASE_URL;
  if (!base && !options.database)
    throw new Refusal('say where to restore: set RESTORE_DATABASE_URL or pass --database NAME (a new database on the server of DATABASE_URL)');
  const name = options.database ?? databaseOf(base as string);
  if (!DATABASE_NAME.test(name)) throw new Refusal(`--database: "${name}" is not a plain database name (a-z, 0-9, _)`);
  const target = withDatabase(base ?? config.DATABASE_URL, name);
  const admin = withDatabase(target, 'postgres');
  const attachmentsDir = resolve(options.attachmentsDir ?? config.RESTORE_ATTACHMENT_DIR ?? config.ATTACHMENT_DIR);
  const blank = (file: string, header: RestoreReport['header'], expected: Counts | null): RestoreReport => ({
    file,
    database: name,
    attachmentsDir,
    header,
    expected,
    counts: { cases: 0, reports: 0, events: 0, deadlines: 0, attachments: 0 },
    chains: { verified: 0, broken: 0, casesWithMissingEvents: 0 },
    attachmentFiles: { restored: 0, bytes: 0 },
    attachmentRows: { ok: 0, missing: 0, wrongSize: 0, wrongChecksum: 0, unchecked: 0 },
    problems: [],
  });
  if (options.verifyOnly) {
    const report = blank('', null, null);
    await verifyDatabase(config, target, attachmentsDir, options.checksums, report);
    return report;
  }
  if (!config.BACKUP_ENCRYPTION_KEY) throw new Refusal('BACKUP_ENCRYPTION_KEY is not set: the key the backup was made with (see README "Backups")');
  const key = backupKey(config.BACKUP_ENCRYPTION_KEY);
  const file = resolve(options.file);

  // What is there already: refused before anything is read or written, unless --force.
  const adminClient = new Client({ connectionString: admin, application_name: 'shouhu-restore' });
  await adminClient.connect();
  let databaseExists: boolean;
  try {
    databaseExists = (await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await adminClient.end();
  }
  if (databaseExists && !options.force && (await hasObjects(target))) {
    throw new Refusal(`database ${name} is not empty: restore into a new one (--database NAME), or pass --force to replace it`);
  }
  if (!options.force && (await hasFiles(attachmentsDir))) {
    throw new Refusal(`${attachmentsDir} already holds files: give an empty folder (--attachments-dir DIR), or pass --force to add to it`);
  }

  // 1. The whole file, checked: a wrong key, a changed byte or a cut file stops here, before anything is created.
  log(`checking ${file}…`);
  const checked = await verifyFile(file, key);
  log(
    `backup of ${checked.manifest.database} made ${checked.manifest.createdAt} (key "${checked.header.keyId}", fingerprint ${checked.header.keyFingerprint}): ` +
      `every chunk authenticated, dump ${mib(checked.end.dumpBytes)}, ${checked.end.attachments} attachment files`,
  );

  // 2. A fresh database.
  const creator = new Client({ connectionString: admin, application_name: 'shouhu-restore' });
  await creator.connect();
  try {
    if (databaseExists) await creator.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await creator.query(`CREATE DATABASE "${name}"`);
  } finally {
    await creator.end();
  }
  const written: string[] = [];
  const madeDirs: string[] = [];
  const undo = async () => {
    for (const path of written) await rm(path, { force: true });
    for (const dir of madeDirs.reverse()) await rmdir(dir).catch(() => undefined);
    const c = new Client({ connectionString: admin, application_name: 'shouhu-restore' });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
  };

  // 3. Restore: the dump streams into pg_restore (one transaction: all or nothing), the files into the folder.
  let restoredFiles = 0;
  let restoredBytes = 0;
  try {
    const ensureDir = async (dir: string) => {
      const made = await mkdir(dir, { recursive: true, mode: 0o700 });
      if (made) madeDirs.push(...pathsBetween(made, dir));
    };
    await ensureDir(attachmentsDir);
    const restoreChild = spawn(
      pgProgram('pg_restore'),
      ['--no-password', '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${name}`],
      { env: pgEnv(target), stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let restoreErr = '';
    restoreChild.stderr.on('data', (c: Buffer) => (restoreErr += c.toString()));
    const restoreExit = new Promise<number | null>((resolve, reject) => {
      restoreChild.once('error', reject);
      restoreChild.once('close', resolve);
    });
    // An early exit of pg_restore shows as EPIPE here and as its exit code below.
    restoreChild.stdin.on('error', () => undefined);
    let out: Writable | undefined;
    let outPath = '';
    let partPath = '';
    let fileHash = createHash('sha256');
    let writeError: Error | undefined;
    const failIfWriteFailed = () => {
      if (writeError) throw writeError;
    };
    const hash = createHash('sha256');
    await readRecords(decrypting(file, key), {
      manifest: () => undefined,
      dumpData: async (piece) => {
        hash.update(piece);
        await writeAll(restoreChild.stdin, piece);
      },
      dumpEnd: async (s) => {
        restoreChild.stdin.end();
        const code = await restoreExit;
        if (code !== 0) throw new Error(`pg_restore failed (exit ${code}): ${withoutData(restoreErr)}`);
        if (s.sha256 !== hash.digest('hex')) throw new BackupFormatError('tampered', 'the dump changed between the check and the restore');
      },
      fileData: async (storageKey, _size, piece, last) => {
        if (!STORAGE_KEY.test(storageKey)) throw new BackupFormatError('tampered', 'an attachment name is not a storage key');
        if (!out) {
          outPath = join(attachmentsDir, storageKey);
          await ensureDir(dirname(outPath));
          // Written beside its place, then renamed: never half a file under a storage key.
          partPath = `${outPath}.restoring-${process.pid}`;
          out = createWriteStream(partPath, { flags: 'wx', mode: 0o600 });
          out.on('error', (e) => (writeError ??= e));
          written.push(partPath);
          fileHash = createHash('sha256');
        }
        failIfWriteFailed();
        fileHash.update(piece);
        await writeAll(out, piece);
        if (!last) return;
        const w = out;
        out = undefined;
        await new Promise<void>((resolve, reject) => w.end((e?: Error | null) => (e ? reject(e) : resolve())));
        failIfWriteFailed();
        const there = await stat(outPath).catch(() => null);
        if (there) {
          // Only with --force into a folder that holds files: the same file may stay, another is never replaced.
          if ((await sha256File(outPath)) !== fileHash.digest('hex')) throw new Refusal(`${outPath} already exists with other content: not replaced`);
          await rm(partPath, { force: true });
        } else {
          await rename(partPath, outPath);
          written.push(outPath);
        }
        restoredFiles += 1;
        restoredBytes += (await stat(outPath)).size;
      },
      end: () => undefined,
    });
  } catch (error) {
    await undo();
    throw error;
  }

  // 4. What was restored: counts, every case's hash chain, every attachment row's file.
  const { keyId, keyFingerprint: fingerprint, createdAt } = checked.header;
  const report = blank(file, { keyId, keyFingerprint: fingerprint, createdAt }, checked.manifest.counts ?? null);
  report.attachmentFiles = { restored: restoredFiles, bytes: restoredBytes };
  await verifyDatabase(config, target, attachmentsDir, options.checksums, report);
  return report;
}

/** Counts (compared with the backup's, when there is one), every case's hash chain, every attachment row's file. */
async function verifyDatabase(config: AppConfig, target: string, attachmentsDir: string, checksums: boolean, report: RestoreReport): Promise<void> {
  const db = new Client({ connectionString: target, application_name: 'shouhu-restore' });
  await db.connect();
  try {
    report.counts = await counts(db);
    if (report.expected) {
      for (const k of Object.keys(report.counts) as (keyof Counts)[]) {
        if (report.counts[k] !== report.expected[k]) report.problems.push(`${k}: ${report.counts[k]} restored, ${report.expected[k]} in the backup's snapshot`);
      }
    }
    await verifyChains(db, report);
    await verifyAttachments(db, report, attachmentsDir, checksums ? FileCipher.fromConfig(config) : null);
  } finally {
    await db.end();
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path) as AsyncIterable<Buffer>) hash.update(piece);
  return hash.digest('hex');
}

/** The folders mkdir -p made: from the first one it created down to `leaf`. */
function pathsBetween(first: string, leaf: string): string[] {
  const out: string[] = [];
  for (let p = leaf; p.length >= first.length; p = dirname(p)) {
    out.unshift(p);
    if (p === first) break;
  }
  return out;
}

/** Every case's events, in (case, seq) order through a cursor: recomputes each chain (libs/timeline verifyChain). */
async function verifyChains(db: Client, report: RestoreReport): Promise<void> {
  const missing = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM "case" c WHERE c.last_event_seq <> (SELECT count(*) FROM case_event e WHERE e.case_id = c.id)`,
  );
  report.chains.casesWithMissingEvents = Number(missing.rows[0].n);
  if (report.chains.casesWithMissingEvents > 0) report.problems.push(`${report.chains.casesWithMissingEvents} case(s) lack events their last_event_seq counts`);
  type Row = {
    caseId: string;
    seq: number;
    type: string;
    at: Date;
    actorId: string | null;
    actorRole: string;
    fromStatus: string | null;
    toStatus: string | null;
    data: unknown;
    prevHash: string;
    hash: string;
  };
  let currentCase = '';
  let events: Row[] = [];
  const settle = () => {
    if (!currentCase) return;
    const verdict = verifyChain(events.map((e) => ({ ...e, actor: { id: e.actorId, role: e.actorRole } })));
    if (verdict.valid) report.chains.verified += 1;
    else {
      report.chains.broken += 1;
      report.problems.push(`case ${currentCase}: hash chain broken at event ${verdict.brokenAtSeq}`);
    }
  };
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await db.query(
      `DECLARE chain CURSOR FOR SELECT case_id AS "caseId", seq, type, at, actor_id AS "actorId", actor_role AS "actorRole", from_status AS "fromStatus",
              to_status AS "toStatus", data, prev_hash AS "prevHash", hash FROM case_event ORDER BY case_id, seq`,
    );
    for (;;) {
      const { rows } = await db.query<Row>('FETCH 5000 FROM chain');
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.caseId !== currentCase) {
          settle();
          currentCase = row.caseId;
          events = [];
        }
        events.push(row);
      }
    }
    settle();
  } finally {
    await db.query('COMMIT');
  }
}

/** Every attachment row: its file is there, of the size its plaintext and the key's header make, and (with the data keys) of its SHA-256. */
async function verifyAttachments(db: Client, report: RestoreReport, dir: string, cipher: FileCipher | null): Promise<void> {
  type Row = { id: string; storageKey: string; size: string; sha256: string; keyId: string };
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await db.query(`DECLARE files CURSOR FOR SELECT id, storage_key AS "storageKey", size, sha256, key_id AS "keyId" FROM attachment ORDER BY id`);
    for (;;) {
      const { rows } = await db.query<Row>('FETCH 1000 FROM files');
      if (rows.length === 0) break;
      for (const row of rows) {
        const verdict = await checkAttachment(join(dir, row.storageKey), STORAGE_KEY.test(row.storageKey), Number(row.size), row.sha256, row.keyId, cipher);
        report.attachmentRows[verdict] += 1;
        if (verdict !== 'ok' && verdict !== 'unchecked') report.problems.push(`attachment ${row.id}: ${verdict}`);
      }
    }
  } finally {
    await db.query('COMMIT');
  }
}

async function checkAttachment(
  path: string,
  validKey: boolean,
  plainSize: number,
  sha256: string,
  keyId: string,
  cipher: FileCipher | null,
): Promise<'ok' | 'missing' | 'wrongSize' | 'wrongChecksum' | 'unchecked'> {
  if (!validKey) return 'missing';
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) return 'missing';
  // The stored file: header (magic, key id, wrapped data key, IVs) + ciphertext (as long as the plaintext) + tag.
  const overhead = 4 + 1 + Buffer.byteLength(keyId) + 12 + 16 + 32 + 12 + FILE_TAG_BYTES;
  if (st.size !== plainSize + overhead) return 'wrongSize';
  if (!cipher) return 'unchecked';
  const handle = await open(path, 'r');
  let head: Buffer;
  let tag: Buffer;
  try {
    head = Buffer.alloc(Math.min(MAX_HEADER_BYTES, st.size));
    await handle.read(head, 0, head.length, 0);
    tag = Buffer.alloc(FILE_TAG_BYTES);
    await handle.read(tag, 0, FILE_TAG_BYTES, st.size - FILE_TAG_BYTES);
  } finally {
    await handle.close();
  }
  try {
    const header = cipher.header(head);
    const hash = createHash('sha256');
    const end = st.size - FILE_TAG_BYTES - 1;
    if (end >= header.length) {
      await pipeline(createReadStream(path, { start: header.length, end }), cipher.decryptor(header, tag), async (source: AsyncIterable<Buffer>) => {
        for await (const piece of source) hash.update(piece);
      });
    } else {
      await pipeline(Readable.from([]), cipher.decryptor(header, tag), async (source: AsyncIterable<Buffer>) => {
        for await (const piece of source) hash.update(piece);
      });
    }
    return hash.digest('hex') === sha256 ? 'ok' : 'wrongChecksum';
  } catch {
    return 'wrongChecksum';
  }
}

function printReport(r: RestoreReport, json: boolean): void {
  const c = r.counts;
  const e = r.expected;
  const vs = (k: keyof Counts) => (e ? ` (backup: ${e[k]})` : '');
  log(
    r.header
      ? `restored into database ${r.database}; attachment files into ${r.attachmentsDir}`
      : `database ${r.database}; attachment files in ${r.attachmentsDir}`,
  );
  log(`  cases        ${c.cases}${vs('cases')}`);
  log(`  reports      ${c.reports}${vs('reports')}`);
  log(`  events       ${c.events}${vs('events')}`);
  log(`  deadlines    ${c.deadlines}${vs('deadlines')}`);
  log(`  attachments  ${c.attachments}${vs('attachments')}; ${r.attachmentFiles.restored} files (${mib(r.attachmentFiles.bytes)}) restored`);
  log(`  hash chains  ${r.chains.verified} verified, ${r.chains.broken} broken, ${r.chains.casesWithMissingEvents} case(s) missing events`);
  const a = r.attachmentRows;
  log(
    `  files        ${a.ok} ok, ${a.missing} missing, ${a.wrongSize} wrong size, ${a.wrongChecksum} wrong checksum${a.unchecked ? `, ${a.unchecked} not decrypted (--no-checksums)` : ''}`,
  );
  for (const p of r.problems.slice(0, 50)) log(`  PROBLEM: ${p}`);
  if (r.problems.length > 50) log(`  … and ${r.problems.length - 50} more problems`);
  if (r.problems.length === 0) log(r.header ? 'restore verified' : 'verified');
  else log(`${r.header ? 'RESTORE ' : ''}VERIFICATION FAILED: ${r.problems.length} problem(s)${r.header ? '; the database is kept for inspection' : ''}`);
  if (json) console.log(JSON.stringify(r));
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'create') {
    await create(toolConfig(process.env));
    return 0;
  }
  if (command === 'restore') {
    const options = parseRestoreArgs(args);
    const report = await restore(toolConfig(process.env), options);
    printReport(report, options.json);
    return report.problems.length === 0 ? 0 : 3;
  }
  log(`usage: backup.js create | restore ${USAGE}`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof Refusal) log(error.message);
    else if (error instanceof BackupFormatError) log(`the backup cannot be restored (${error.kind}): ${error.message}; nothing was restored`);
    else log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
