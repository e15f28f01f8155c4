/**
 * The encryption layer of a backup file (npm run backup / restore): authenticated
 * encryption (AES-256-GCM) in chunks, so a dump of many gigabytes streams through
 * in constant memory and every chunk is checked before a byte of it is let out.
 *
 * Layout (all integers big-endian):
 *   header  = "SHOUHUBK" | u8 format version (1) | u16 n | n bytes of JSON
 *             { keyId, keyFingerprint, salt, chunkSize, createdAt }
 *   chunk   = u8 flags (1: the last chunk) | u32 length | ciphertext (length bytes) | tag (16)
 * The file's own key is HKDF-SHA256(configured key, salt, "shouhu-backup v1"), the salt
 * random per file, so chunk nonces can simply count (u64 index in the last 8 bytes).
 * Each chunk's additional data is SHA-256(header) | u64 index | u8 flags: a changed header,
 * a reordered, dropped or altered chunk fails its tag; a file cut short lacks its last
 * chunk and fails as truncated; bytes after the last chunk fail too. The header names the
 * key (its id and a fingerprint, HMAC-SHA256 of a fixed text under the key), never the key:
 * a wrong key is told apart from a damaged file before anything is decrypted.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

export const BACKUP_MAGIC = Buffer.from('SHOUHUBK', 'latin1');
export const BACKUP_FORMAT_VERSION = 1;
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** No reader allocates more than this for one chunk, whatever a (damaged) file claims. */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const FINAL = 1;
const CHUNK_PREFIX_BYTES = 5;
const MAX_HEADER_JSON_BYTES = 4096;

export interface BackupHeader {
  keyId: string;
  /** 16 hex digits: identifies the key without revealing it. */
  keyFingerprint: string;
  /** base64 of 32 random bytes: makes the file's own key. */
  salt: string;
  chunkSize: number;
  createdAt: string;
}

/** Why a backup file cannot be read; `kind` lets the restore tell a wrong key from a damaged file. */
export class BackupFormatError extends Error {
  constructor(
    readonly kind: 'not-a-backup' | 'unsupported-version' | 'wrong-key' | 'tampered' | 'truncated',
    message: string,
  ) {
    super(message);
    this.name = 'BackupFormatError';
  }
}

/** Decodes a key from configuration (base64 of 32 bytes). */
export function backupKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new Error('the backup encryption key must be 32 bytes (base64)');
  return key;
}

/** 16 hex digits that name a key in a file header and in messages; the key cannot be recovered from them. */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('shouhu backup key fingerprint v1').digest('hex').slice(0, 16);
}

function fileKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, salt, 'shouhu-backup v1', KEY_BYTES));
}

function nonce(index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

function additionalData(headerHash: Buffer, index: number, flags: number): Buffer {
  const aad = Buffer.alloc(headerHash.length + 9);
  headerHash.copy(aad, 0);
  aad.writeBigUInt64BE(BigInt(index), headerHash.length);
  aad[headerHash.length + 8] = flags;
  return aad;
}

/** The header's bytes (magic, version, JSON). */
export function encodeHeader(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.alloc(BACKUP_MAGIC.length + 3);
  BACKUP_MAGIC.copy(fixed, 0);
  fixed[BACKUP_MAGIC.length] = BACKUP_FORMAT_VERSION;
  fixed.writeUInt16BE(json.length, BACKUP_MAGIC.length + 1);
  return Buffer.concat([fixed, json]);
}

/**
 * Reads a header from the start of a file: undefined while `head` is too short to
 * hold all of it; throws when it is not a backup header.
 */
export function decodeHeader(head: Buffer): { header: BackupHeader; length: number } | undefined {
  const fixed = BACKUP_MAGIC.length + 3;
  const magic = head.subarray(0, Math.min(head.length, BACKUP_MAGIC.length));
  if (!BACKUP_MAGIC.subarray(0, magic.length).equals(magic)) throw new BackupFormatError('not-a-backup', 'not a Shouhu backup file (bad magic)');
  if (head.length < fixed) return undefined;
  const version = head[BACKUP_MAGIC.length];
  if (version !== BACKUP_FORMAT_VERSION) {
    throw new BackupFormatError('unsupported-version', `backup format version ${version} is not supported (this tool reads version ${BACKUP_FORMAT_VERSION})`);
  }
  const jsonLength = head.readUInt16BE(BACKUP_MAGIC.length + 1);
  if (jsonLength > MAX_HEADER_JSON_BYTES) throw new BackupFormatError('not-a-backup', 'backup header too long');
  if (head.length < fixed + jsonLength) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(head.toString('utf8', fixed, fixed + jsonLength));
  } catch {
    throw new BackupFormatError('tampered', 'backup header is not valid JSON');
  }
  const h = parsed as Partial<BackupHeader>;
  if (
    typeof h.keyId !== 'string' ||
    typeof h.keyFingerprint !== 'string' ||
    typeof h.salt !== 'string' ||
    Buffer.from(h.salt, 'base64').length !== 32 ||
    typeof h.createdAt !== 'string' ||
    !Number.isInteger(h.chunkSize) ||
    (h.chunkSize as number) < 1 ||
    (h.chunkSize as number) > MAX_CHUNK_SIZE
  ) {
    throw new BackupFormatError('tampered', 'backup header is incomplete or damaged');
  }
  return { header: h as BackupHeader, length: fixed + jsonLength };
}

/**
 * A transform from plaintext to the backup file: the header, then chunks of
 * `chunkSize` plaintext bytes, the last one flagged (it holds the rest, 1 to
 * `chunkSize` bytes; none only when there was no plaintext at all).
 */
export function backupEncryptor(key: Buffer, keyId: string, options: { chunkSize?: number; now?: Date } = {}): Transform {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) throw new Error(`chunk size must be 1..${MAX_CHUNK_SIZE}`);
  const salt = randomBytes(32);
  const headerBytes = encodeHeader({
    keyId,
    keyFingerprint: keyFingerprint(key),
    salt: salt.toString('base64'),
    chunkSize,
    createdAt: (options.now ?? new Date()).toISOString(),
  });
  const headerHash = createHash('sha256').update(headerBytes).digest();
  const k = fileKey(key, salt);
  let index = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  const seal = (plain: Buffer, flags: number): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', k, nonce(index));
    const prefix = Buffer.alloc(CHUNK_PREFIX_BYTES);
    prefix[0] = flags;
    prefix.writeUInt32BE(plain.length, 1);
    cipher.setAAD(additionalData(headerHash, index, flags));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    index += 1;
    return Buffer.concat([prefix, body, cipher.getAuthTag()]);
  };

  let started = false;
  const start = (push: (b: Buffer) => void) => {
    if (!started) push(headerBytes);
    started = true;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      start((b) => this.push(b));
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < chunkSize) return callback();
      let all = Buffer.concat(pending, pendingBytes);
      // Keep at least one byte back: the last chunk is sealed at flush, flagged.
      while (all.length > chunkSize) {
        this.push(seal(all.subarray(0, chunkSize), 0));
        all = all.subarray(chunkSize);
      }
      pending = [all];
      pendingBytes = all.length;
      callback();
    },
    flush(callback: TransformCallback) {
      start((b) => this.push(b));
      this.push(seal(Buffer.concat(pending, pendingBytes), FINAL));
      pending = [];
      k.fill(0);
      callback();
    },
  });
}

/**
 * A transform from a backup file to its plaintext. Nothing of a chunk is let out
 * before its tag is checked; the stream fails (BackupFormatError) on a wrong key,
 * any changed byte, a missing last chunk or data after it. `onHeader` sees the header
 * once it is read (before any plaintext).
 */
export function backupDecryptor(key: Buffer, onHeader?: (header: BackupHeader) => void): Transform {
  let buffered: Buffer = Buffer.alloc(0);
  // Pieces not yet joined into `buffered`, and how many bytes the next step needs: a 1 MiB chunk arriving
  // in 64 KiB reads is joined once, not sixteen times.
  let pieces: Buffer[] = [];
  let piecesBytes = 0;
  let need = 1;
  let header: BackupHeader | undefined;
  let headerHash: Buffer | undefined;
  let k: Buffer | undefined;
  let index = 0;
  let finished = false;

  const step = (push: (b: Buffer) => void): void => {
    if (!header) {
      const decoded = decodeHeader(buffered);
      if (!decoded) {
        need = buffered.length + 1;
        return;
      }
      header = decoded.header;
      const fingerprint = keyFingerprint(key);
      if (header.keyFingerprint !== fingerprint) {
        throw new BackupFormatError(
          'wrong-key',
          `this backup was encrypted with key "${header.keyId}" (fingerprint ${header.keyFingerprint}); the configured BACKUP_ENCRYPTION_KEY has fingerprint ${fingerprint}`,
        );
      }
      headerHash = createHash('sha256').update(buffered.subarray(0, decoded.length)).digest();
      k = fileKey(key, Buffer.from(header.salt, 'base64'));
      buffered = buffered.subarray(decoded.length);
      onHeader?.(header);
    }
    for (;;) {
      need = 1;
      if (buffered.length === 0) return;
      if (finished) throw new BackupFormatError('tampered', 'data after the last chunk of the backup');
      need = CHUNK_PREFIX_BYTES;
      if (buffered.length < need) return;
      const flags = buffered[0];
      const length = buffered.readUInt32BE(1);
      if ((flags !== 0 && flags !== FINAL) || length > header.chunkSize) throw new BackupFormatError('tampered', `chunk ${index} of the backup is damaged`);
      const total = CHUNK_PREFIX_BYTES + length + TAG_BYTES;
      need = total;
      if (buffered.length < need) return;
      const decipher = createDecipheriv('aes-256-gcm', k as Buffer, nonce(index));
      decipher.setAAD(additionalData(headerHash as Buffer, index, flags));
      decipher.setAuthTag(buffered.subarray(total - TAG_BYTES, total));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(buffered.subarray(CHUNK_PREFIX_BYTES, total - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new BackupFormatError('tampered', `chunk ${index} of the backup fails its authentication tag: the file was altered or damaged`);
      }
      buffered = buffered.subarray(total);
      index += 1;
      if (flags === FINAL) finished = true;
      if (plain.length > 0) push(plain);
    }
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pieces.push(chunk);
      piecesBytes += chunk.length;
      if (buffered.length + piecesBytes < need) return callback();
      buffered = Buffer.concat([buffered, ...pieces]);
      pieces = [];
      piecesBytes = 0;
      try {
        step((b) => this.push(b));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      if (piecesBytes > 0) {
        buffered = Buffer.concat([buffered, ...pieces]);
        pieces = [];
        try {
          step((b) => this.push(b));
        } catch (error) {
          return callback(error as Error);
        }
      }
      k?.fill(0);
      if (!header) return callback(new BackupFormatError(buffered.length === 0 ? 'not-a-backup' : 'truncated', 'the backup file ends inside its header'));
      if (!finished) return callback(new BackupFormatError('truncated', `the backup file is truncated: it ends after ${index} chunk(s) without its last one`));
      callback();
    },
  });
}
