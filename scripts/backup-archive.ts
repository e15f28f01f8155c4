/**
 * The plaintext inside a backup file (scripts/backup-crypto.ts encrypts it): a stream of
 * records, written and read front to back so that neither side needs a temporary file or
 * the whole of anything in memory. A record is
 *   u8 type | u16 name length | name (utf8) | u64 payload length | payload
 * and a backup is, in this order:
 *   "M" manifest (JSON)  ·  "d" pieces of the pg_dump output (-Fc), as they come
 *   ·  "D" end of the dump (JSON: bytes, sha256)  ·  "f" one per attachment file (name:
 *   its storage key, payload: its stored, still encrypted, bytes)  ·  "Z" end (JSON: counts).
 * A reader that meets anything else, or the end of the stream before "Z", fails.
 */

export const RecordType = {
  Manifest: 0x4d, // M
  DumpData: 0x64, // d
  DumpEnd: 0x44, // D
  File: 0x66, // f
  End: 0x5a, // Z
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

const KNOWN = new Set<number>(Object.values(RecordType));
const MAX_NAME_BYTES = 1024;
/** JSON records are small; anything bigger is damage, not data. */
const MAX_JSON_BYTES = 1024 * 1024;

export interface BackupManifest {
  format: 1;
  createdAt: string;
  database: string;
  serverVersion: string;
  pgDumpVersion: string;
}

export interface DumpSummary {
  bytes: number;
  sha256: string;
}

export interface EndSummary {
  dumpBytes: number;
  attachments: number;
  attachmentBytes: number;
}

/** The head of a record whose payload (`length` bytes) follows. */
export function recordHead(type: RecordType, name: string, length: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > MAX_NAME_BYTES) throw new Error('record name too long');
  const head = Buffer.alloc(1 + 2 + nameBytes.length + 8);
  head[0] = type;
  head.writeUInt16BE(nameBytes.length, 1);
  nameBytes.copy(head, 3);
  head.writeBigUInt64BE(BigInt(length), 3 + nameBytes.length);
  return head;
}

/** A whole record with a JSON payload. */
export function jsonRecord(type: RecordType, value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  return Buffer.concat([recordHead(type, '', payload.length), payload]);
}

/** Reads exact byte counts from an async stream of buffers (a decrypting stream). */
export class ByteReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(min: number): Promise<boolean> {
    while (this.buffer.length < min && !this.done) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    }
    return this.buffer.length >= min;
  }

  /** True when the stream has ended with nothing left. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  async exact(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw new Error('the backup ends in the middle of a record');
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Up to `max` bytes (at least one), as they are available. */
  async some(max: number): Promise<Buffer> {
    if (!(await this.fill(1))) throw new Error('the backup ends in the middle of a record');
    const out = this.buffer.subarray(0, Math.min(max, this.buffer.length));
    this.buffer = this.buffer.subarray(out.length);
    return out;
  }
}

export interface RecordHandlers {
  manifest(m: BackupManifest): Promise<void> | void;
  dumpData(piece: Buffer): Promise<void> | void;
  dumpEnd(s: DumpSummary): Promise<void> | void;
  /** A file's payload, in pieces; `last` once all `size` bytes were given. */
  fileData(name: string, size: number, piece: Buffer, last: boolean): Promise<void> | void;
  end(s: EndSummary): Promise<void> | void;
}

/**
 * Reads every record of a backup's plaintext in order and hands it to the handlers
 * (awaited: their back-pressure holds the reading). Fails on an unknown record, a
 * record out of order, or a stream that ends before the "Z" record or goes on after it.
 */
export async function readRecords(source: AsyncIterable<Buffer>, handlers: RecordHandlers): Promise<void> {
  const reader = new ByteReader(source);
  type Stage = 'start' | 'dump' | 'files' | 'done';
  let stage: Stage = 'start';
  for (;;) {
    if (await reader.atEnd()) break;
    if (stage === 'done') throw new Error('the backup goes on after its end record');
    const fixed = await reader.exact(3);
    const type = fixed[0];
    if (!KNOWN.has(type)) throw new Error(`unknown record type 0x${type.toString(16)} in the backup`);
    const nameLength = fixed.readUInt16BE(1);
    if (nameLength > MAX_NAME_BYTES) throw new Error('record name too long in the backup');
    const name = (await reader.exact(nameLength)).toString('utf8');
    const length = Number((await reader.exact(8)).readBigUInt64BE(0));
    if (!Number.isSafeInteger(length)) throw new Error('record length out of range in the backup');
    const order: Record<number, Stage[]> = {
      [RecordType.Manifest]: ['start'],
      [RecordType.DumpData]: ['dump'],
      [RecordType.DumpEnd]: ['dump'],
      [RecordType.File]: ['files'],
      [RecordType.End]: ['files'],
    };
    if (!order[type].includes(stage)) throw new Error(`record "${String.fromCharCode(type)}" out of order in the backup`);
    const json = async <T>(): Promise<T> => {
      if (length > MAX_JSON_BYTES) throw new Error('record too long in the backup');
      return JSON.parse((await reader.exact(length)).toString('utf8')) as T;
    };
    switch (type) {
      case RecordType.Manifest:
        await handlers.manifest(await json<BackupManifest>());
        stage = 'dump';
        break;
      case RecordType.DumpData: {
        let left = length;
        while (left > 0) {
          const piece = await reader.some(left);
          left -= piece.length;
          await handlers.dumpData(piece);
        }
        break;
      }
      case RecordType.DumpEnd:
        await handlers.dumpEnd(await json<DumpSummary>());
        stage = 'files';
        break;
      case RecordType.File: {
        let left = length;
        if (left === 0) await handlers.fileData(name, 0, Buffer.alloc(0), true);
        while (left > 0) {
          const piece = await reader.some(Math.min(left, 1024 * 1024));
          left -= piece.length;
          await handlers.fileData(name, length, piece, left === 0);
        }
        break;
      }
      case RecordType.End:
        await handlers.end(await json<EndSummary>());
        stage = 'done';
        break;
      default:
        throw new Error('unreachable');
    }
  }
  if (stage !== 'done') throw new Error('the backup ends before its end record');
}
