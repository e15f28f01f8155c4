/**
 * The framing of backup files (scripts/backup-crypto.ts) and of the records inside them
 * (scripts/backup-archive.ts), as pure logic: no database, no files.
 */
import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import fc from 'fast-check';
import { jsonRecord, readRecords, RecordHandlers, recordHead, RecordType } from '../../scripts/backup-archive';
import {
  BACKUP_MAGIC,
  BackupFormatError,
  backupDecryptor,
  backupEncryptor,
  decodeHeader,
  encodeHeader,
  keyFingerprint,
  MAX_CHUNK_SIZE,
} from '../../scripts/backup-crypto';

const KEY = randomBytes(32);

/** Byte equality (jest's toEqual walks a Buffer element by element: seconds for a few MB). */
function expectSame(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.equals(expected)).toBe(true);
}

/** Runs buffers through a transform, written in the given pieces; resolves to the output pieces or rejects with the stream's error. */
async function through(transform: Transform, pieces: Buffer[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    transform.on('data', (b: Buffer) => out.push(b));
    transform.on('end', resolve);
    transform.on('error', reject);
  });
  for (const p of pieces) transform.write(p);
  transform.end();
  await done;
  return out;
}

/** Cuts a buffer at the given (sorted, in range) offsets. */
function split(data: Buffer, cuts: number[]): Buffer[] {
  const points = [0, ...cuts.filter((c) => c > 0 && c < data.length).sort((a, b) => a - b), data.length];
  const pieces: Buffer[] = [];
  for (let i = 1; i < points.length; i += 1) if (points[i] > points[i - 1]) pieces.push(data.subarray(points[i - 1], points[i]));
  return pieces;
}

const encrypt = async (plain: Buffer, chunkSize = 64, pieces: Buffer[] = [plain]) =>
  Buffer.concat(await through(backupEncryptor(KEY, 'b1', { chunkSize }), plain.length ? pieces : []));
const decrypt = async (file: Buffer, key = KEY, pieces: Buffer[] = [file]) => Buffer.concat(await through(backupDecryptor(key), pieces));

/** The error a decryption fails with (the test fails when it succeeds). */
async function failure(file: Buffer, key = KEY): Promise<BackupFormatError> {
  try {
    await decrypt(file, key);
  } catch (error) {
    expect(error).toBeInstanceOf(BackupFormatError);
    return error as BackupFormatError;
  }
  throw new Error('a damaged backup decrypted without an error');
}

/** Offsets of every chunk of a file: [start, end) of each frame after the header. */
function frames(file: Buffer): { start: number; end: number }[] {
  const decoded = decodeHeader(file);
  if (!decoded) throw new Error('no header');
  const out: { start: number; end: number }[] = [];
  let at = decoded.length;
  while (at < file.length) {
    const end = at + 5 + file.readUInt32BE(at + 1) + 16;
    out.push({ start: at, end });
    at = end;
  }
  return out;
}

describe('backup encryption framing', () => {
  it.each([0, 1, 63, 64, 65, 64 * 3, 64 * 3 + 17])('round-trips %i bytes in 64-byte chunks, the last chunk flagged', async (size) => {
    const plain = randomBytes(size);
    const file = await encrypt(plain);
    expectSame(await decrypt(file), plain);
    const chunks = frames(file);
    // The last chunk holds the rest (a full chunk when the plaintext ends on a boundary; empty only for no plaintext).
    expect(chunks).toHaveLength(Math.max(1, Math.ceil(size / 64)));
    expect(chunks.map((c) => file[c.start])).toEqual([...Array<number>(chunks.length - 1).fill(0), 1]);
  });

  it('round-trips any plaintext however the writes and reads are cut (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.nat({ max: 700 }), { maxLength: 8 }),
        fc.array(fc.nat({ max: 1200 }), { maxLength: 8 }),
        async (bytes, chunkSize, writeCuts, readCuts) => {
          const plain = Buffer.from(bytes);
          const file = await encrypt(plain, chunkSize, split(plain, writeCuts));
          expectSame(await decrypt(file, KEY, split(file, readCuts)), plain);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never lets out a piece larger than a chunk, so memory stays bounded whatever the size', async () => {
    const plain = randomBytes(3 * 1024 * 1024 + 5);
    const enc = backupEncryptor(KEY, 'b1', { chunkSize: 256 * 1024 });
    const file = Buffer.concat(await through(enc, split(plain, [100, 300_000, 2_000_000])));
    const out = await through(backupDecryptor(KEY), split(file, [7, 70_000, 1_000_000]));
    expect(Math.max(...out.map((b) => b.length))).toBeLessThanOrEqual(256 * 1024);
    expectSame(Buffer.concat(out), plain);
  });

  it('names the key by id and fingerprint in the header, never by its bytes', async () => {
    const file = await encrypt(randomBytes(10));
    const decoded = decodeHeader(file);
    expect(decoded?.header.keyId).toBe('b1');
    expect(decoded?.header.keyFingerprint).toBe(keyFingerprint(KEY));
    expect(decoded?.header.keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(file.subarray(0, BACKUP_MAGIC.length).toString('latin1')).toBe('SHOUHUBK');
    expect(file[BACKUP_MAGIC.length]).toBe(1);
    expect(file.includes(KEY)).toBe(false);
    expect(file.toString('latin1')).not.toContain(KEY.toString('base64'));
    expect(keyFingerprint(randomBytes(32))).not.toBe(keyFingerprint(KEY));
  });

  it('refuses a wrong key before any plaintext, saying which key the file needs', async () => {
    const file = await encrypt(randomBytes(500));
    const other = randomBytes(32);
    const error = await failure(file, other);
    expect(error.kind).toBe('wrong-key');
    expect(error.message).toContain(keyFingerprint(KEY));
    expect(error.message).toContain(keyFingerprint(other));
    expect(error.message).not.toContain(KEY.toString('base64'));
  });

  it('fails on every single changed byte, wherever it is', async () => {
    const file = await encrypt(randomBytes(150), 64);
    for (let at = 0; at < file.length; at += 1) {
      const bad = Buffer.from(file);
      bad[at] ^= 0x01;
      const error = await failure(bad);
      expect(['tampered', 'truncated', 'not-a-backup', 'unsupported-version', 'wrong-key']).toContain(error.kind);
    }
  });

  it('lets out nothing of a chunk that fails its tag (only the chunks before it)', async () => {
    const plain = randomBytes(64 * 4);
    const file = await encrypt(plain, 64);
    const third = frames(file)[2];
    const bad = Buffer.from(file);
    bad[third.start + 10] ^= 0x80;
    const decryptor = backupDecryptor(KEY);
    const out: Buffer[] = [];
    decryptor.on('data', (b: Buffer) => out.push(b));
    const failed = new Promise<Error>((resolve) => decryptor.on('error', resolve));
    decryptor.end(bad);
    expect(await failed).toBeInstanceOf(BackupFormatError);
    expectSame(Buffer.concat(out), plain.subarray(0, 128));
  });

  it('fails on a file cut at any length, and on bytes added after the last chunk', async () => {
    const file = await encrypt(randomBytes(150), 64);
    for (let length = 0; length < file.length; length += 1) {
      const error = await failure(file.subarray(0, length));
      expect(['truncated', 'not-a-backup']).toContain(error.kind);
    }
    expect((await failure(Buffer.concat([file, Buffer.from([0])]))).kind).toBe('tampered');
    // A whole extra (valid-looking) frame after the last one: its own copy of the last chunk.
    const last = frames(file).at(-1) as { start: number; end: number };
    expect((await failure(Buffer.concat([file, file.subarray(last.start, last.end)]))).kind).toBe('tampered');
  });

  it('fails when chunks are swapped, dropped or the last flag is moved', async () => {
    const file = await encrypt(randomBytes(64 * 3 + 10), 64);
    const [a, b, c, d] = frames(file);
    const head = file.subarray(0, a.start);
    const part = (f: { start: number; end: number }) => file.subarray(f.start, f.end);
    expect((await failure(Buffer.concat([head, part(b), part(a), part(c), part(d)]))).kind).toBe('tampered');
    expect((await failure(Buffer.concat([head, part(a), part(c), part(d)]))).kind).toBe('tampered');
    // The last chunk dropped: ends without its flagged chunk.
    expect((await failure(Buffer.concat([head, part(a), part(b), part(c)]))).kind).toBe('truncated');
    // Flagging an earlier chunk as the last one (cutting the rest) breaks its tag.
    const flagged = Buffer.from(part(a));
    flagged[0] = 1;
    expect((await failure(Buffer.concat([head, flagged]))).kind).toBe('tampered');
  });

  it('fails on the header of another backup spliced onto this one', async () => {
    const one = await encrypt(randomBytes(100));
    const two = await encrypt(randomBytes(100));
    const spliced = Buffer.concat([two.subarray(0, frames(two)[0].start), one.subarray(frames(one)[0].start)]);
    expect((await failure(spliced)).kind).toBe('tampered');
  });

  it('refuses a chunk that claims more than the chunk size, without allocating it', async () => {
    const file = await encrypt(randomBytes(100), 64);
    const bad = Buffer.from(file);
    bad.writeUInt32BE(0xfffffff0, frames(file)[0].start + 1);
    expect((await failure(bad)).kind).toBe('tampered');
  });

  it('refuses what is not a backup, another format version, and a damaged header', async () => {
    expect((await failure(Buffer.from('PGDMP not a backup at all'))).kind).toBe('not-a-backup');
    expect((await failure(Buffer.alloc(0))).kind).toBe('not-a-backup');
    const file = await encrypt(randomBytes(10));
    const v2 = Buffer.from(file);
    v2[BACKUP_MAGIC.length] = 2;
    expect((await failure(v2)).kind).toBe('unsupported-version');
    const header = encodeHeader({ keyId: 'b1', keyFingerprint: keyFingerprint(KEY), salt: 'short', chunkSize: 64, createdAt: 'x' });
    expect(() => decodeHeader(header)).toThrow(BackupFormatError);
    const huge = encodeHeader({
      keyId: 'b1',
      keyFingerprint: keyFingerprint(KEY),
      salt: randomBytes(32).toString('base64'),
      chunkSize: MAX_CHUNK_SIZE + 1,
      createdAt: 'x',
    });
    expect(() => decodeHeader(huge)).toThrow(BackupFormatError);
  });

  it('refuses a chunk size out of range when writing', () => {
    expect(() => backupEncryptor(KEY, 'b1', { chunkSize: 0 })).toThrow();
    expect(() => backupEncryptor(KEY, 'b1', { chunkSize: MAX_CHUNK_SIZE + 1 })).toThrow();
  });
});

describe('backup records', () => {
  /** Collects what readRecords hands out, as a list of events. */
  function recorder(): { events: string[]; handlers: RecordHandlers; files: Record<string, Buffer>; dump: Buffer[] } {
    const events: string[] = [];
    const files: Record<string, Buffer> = {};
    const dump: Buffer[] = [];
    const open: Record<string, Buffer[]> = {};
    return {
      events,
      files,
      dump,
      handlers: {
        manifest: (m) => void events.push(`M ${m.database}`),
        dumpData: (p) => void dump.push(p),
        dumpEnd: (s) => void events.push(`D ${s.bytes}`),
        fileData: (name, size, piece, last) => {
          (open[name] ??= []).push(piece);
          if (last) {
            files[name] = Buffer.concat(open[name]);
            expect(files[name]).toHaveLength(size);
            events.push(`f ${name}`);
          }
        },
        end: (s) => void events.push(`Z ${s.attachments}`),
      },
    };
  }

  const manifest = { format: 1, createdAt: 'now', database: 'shouhu', serverVersion: '15', pgDumpVersion: '15' };
  const fileRecord = (name: string, data: Buffer) => Buffer.concat([recordHead(RecordType.File, name, data.length), data]);
  const backupPlaintext = (dump: Buffer, files: Record<string, Buffer>) =>
    Buffer.concat([
      jsonRecord(RecordType.Manifest, manifest),
      recordHead(RecordType.DumpData, '', dump.length),
      dump,
      jsonRecord(RecordType.DumpEnd, { bytes: dump.length, sha256: '' }),
      ...Object.entries(files).map(([n, d]) => fileRecord(n, d)),
      jsonRecord(RecordType.End, { dumpBytes: dump.length, attachments: Object.keys(files).length, attachmentBytes: 0 }),
    ]);

  it('reads back what was written, however the stream is cut', async () => {
    const dump = randomBytes(3000);
    const files = { 'ab/ab000000-0000-4000-8000-000000000000': randomBytes(5000), 'cd/cd000000-0000-4000-8000-000000000000': Buffer.alloc(0) };
    const plain = backupPlaintext(dump, files);
    for (const cuts of [[], [1], [3, 4, 5, 100, 2999, 3001, 7000], Array.from({ length: 60 }, (_, i) => i * 137)]) {
      const r = recorder();
      await readRecords(Readable.from(split(plain, cuts)), r.handlers);
      expect(r.events).toEqual(['M shouhu', 'D 3000', ...Object.keys(files).map((n) => `f ${n}`), 'Z 2']);
      expectSame(Buffer.concat(r.dump), dump);
      expect(Object.keys(r.files)).toEqual(Object.keys(files));
      for (const [name, data] of Object.entries(files)) expectSame(r.files[name], data);
    }
  });

  it('fails when the stream ends before the end record, or goes on after it', async () => {
    const plain = backupPlaintext(randomBytes(100), { 'ab/ab000000-0000-4000-8000-000000000000': randomBytes(50) });
    for (const length of [0, 5, 60, plain.length - 40, plain.length - 1]) {
      await expect(readRecords(Readable.from([plain.subarray(0, length)]), recorder().handlers)).rejects.toThrow(/ends/);
    }
    await expect(readRecords(Readable.from([plain, jsonRecord(RecordType.End, {})]), recorder().handlers)).rejects.toThrow(/after its end/);
  });

  it('fails on records out of order and on unknown record types', async () => {
    const files = Buffer.concat([jsonRecord(RecordType.Manifest, manifest), fileRecord('ab/ab000000-0000-4000-8000-000000000000', Buffer.from('x'))]);
    await expect(readRecords(Readable.from([files]), recorder().handlers)).rejects.toThrow(/out of order/);
    const twoManifests = Buffer.concat([jsonRecord(RecordType.Manifest, manifest), jsonRecord(RecordType.Manifest, manifest)]);
    await expect(readRecords(Readable.from([twoManifests]), recorder().handlers)).rejects.toThrow(/out of order/);
    const unknown = Buffer.concat([jsonRecord(RecordType.Manifest, manifest), Buffer.from([0x58, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])]);
    await expect(readRecords(Readable.from([unknown]), recorder().handlers)).rejects.toThrow(/unknown record/);
  });

  it('survives encryption and decryption whole (the two layers together)', async () => {
    const dump = randomBytes(10_000);
    const files = { 'ef/ef000000-0000-4000-8000-000000000000': randomBytes(70_000) };
    const plain = backupPlaintext(dump, files);
    const file = await encrypt(plain, 4096, split(plain, [10, 5000, 50_000]));
    const decryptor = backupDecryptor(KEY);
    const r = recorder();
    const reading = readRecords(decryptor, r.handlers);
    for (const piece of split(file, [3, 9000, 40_000])) decryptor.write(piece);
    decryptor.end();
    await reading;
    expectSame(Buffer.concat(r.dump), dump);
    expect(Object.keys(r.files)).toEqual(Object.keys(files));
    for (const [name, data] of Object.entries(files)) expectSame(r.files[name], data);
  });
});
