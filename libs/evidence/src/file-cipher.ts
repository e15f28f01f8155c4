import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';

const MAGIC = Buffer.from('SHF1', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** The longest header: magic, key id length, key id (≤ 255), wrap IV, wrap tag, wrapped key, file IV. */
export const MAX_HEADER_BYTES = MAGIC.length + 1 + 255 + IV_BYTES + TAG_BYTES + KEY_BYTES + IV_BYTES;

/** What the start of an encrypted file says: the master key id, the file's data key (unwrapped) and its IV. */
interface FileHeader {
  keyId: string;
  dataKey: Buffer;
  iv: Buffer;
  length: number;
}

/**
 * Encrypts evidence files at rest, streaming (envelope encryption, AES-256-GCM):
 * every file gets its own random 256-bit data key and IV; the data key is stored in
 * the file's header wrapped (AES-256-GCM) by the configured master key
 * (DATA_ENCRYPTION_KEY, the same key and key id as the child's ID number, see
 * libs/access/src/field-cipher.ts). Layout:
 *   "SHF1" | u8 keyIdLength | keyId | wrapIv(12) | wrapTag(16) | wrappedKey(32) | iv(12) | ciphertext | tag(16)
 * Rotating the master key re-wraps 60 bytes per file, not the file. Previous keys
 * (DATA_ENCRYPTION_PREVIOUS_KEYS) keep older files readable.
 */
export class FileCipher {
  private readonly keys: Map<string, Buffer>;

  constructor(
    readonly currentKeyId: string,
    currentKey: Buffer,
    previousKeys: Record<string, Buffer> = {},
  ) {
    if (currentKey.length !== KEY_BYTES) throw new Error('the data-encryption key must be 32 bytes');
    if (Buffer.byteLength(currentKeyId) > 255) throw new Error('the data-encryption key id is too long');
    this.keys = new Map([...Object.entries(previousKeys), [currentKeyId, currentKey]]);
  }

  /** From configuration: DATA_ENCRYPTION_KEY(_ID), DATA_ENCRYPTION_PREVIOUS_KEYS (as FieldCipher reads them). */
  static fromConfig(c: { DATA_ENCRYPTION_KEY_ID: string; DATA_ENCRYPTION_KEY: string; DATA_ENCRYPTION_PREVIOUS_KEYS?: string }): FileCipher {
    const previous: Record<string, Buffer> = {};
    for (const pair of (c.DATA_ENCRYPTION_PREVIOUS_KEYS ?? '').split(',').filter(Boolean)) {
      const [id, key] = pair.split(':');
      previous[id] = Buffer.from(key, 'base64');
    }
    return new FileCipher(c.DATA_ENCRYPTION_KEY_ID, Buffer.from(c.DATA_ENCRYPTION_KEY, 'base64'), previous);
  }

  /** A transform that turns plaintext into the encrypted file (header, ciphertext, tag), chunk by chunk. */
  encryptor(): Transform {
    const dataKey = randomBytes(KEY_BYTES);
    const wrapIv = randomBytes(IV_BYTES);
    const wrap = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId) as Buffer, wrapIv);
    const wrapped = Buffer.concat([wrap.update(dataKey), wrap.final()]);
    const iv = randomBytes(IV_BYTES);
    const keyId = Buffer.from(this.currentKeyId, 'utf8');
    const header = Buffer.concat([MAGIC, Buffer.from([keyId.length]), keyId, wrapIv, wrap.getAuthTag(), wrapped, iv]);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    dataKey.fill(0);
    let started = false;
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        const out = cipher.update(chunk);
        if (started) return callback(null, out);
        started = true;
        callback(null, Buffer.concat([header, out]));
      },
      flush(callback) {
        if (!started) this.push(header);
        this.push(cipher.final());
        this.push(cipher.getAuthTag());
        callback();
      },
    });
  }

  /** Reads an encrypted file's header (its first bytes); throws when it is not one or its key is not configured. */
  header(head: Buffer): FileHeader {
    if (head.length < MAGIC.length + 1 || !head.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an encrypted attachment');
    const idLength = head[MAGIC.length];
    let at = MAGIC.length + 1;
    const keyId = head.toString('utf8', at, at + idLength);
    at += idLength;
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no key "${keyId}" to decrypt with`);
    const wrapIv = head.subarray(at, (at += IV_BYTES));
    const wrapTag = head.subarray(at, (at += TAG_BYTES));
    const wrapped = head.subarray(at, (at += KEY_BYTES));
    const iv = head.subarray(at, (at += IV_BYTES));
    if (iv.length !== IV_BYTES) throw new Error('truncated attachment header');
    const unwrap = createDecipheriv('aes-256-gcm', key, wrapIv);
    unwrap.setAuthTag(wrapTag);
    const dataKey = Buffer.concat([unwrap.update(wrapped), unwrap.final()]);
    return { keyId, dataKey, iv: Buffer.from(iv), length: at };
  }

  /**
   * A transform that turns the ciphertext (between header and tag) back into plaintext.
   * GCM checks the tag at the end: a tampered file fails there, and the download stops
   * with an error instead of completing.
   */
  decryptor(header: FileHeader, tag: Buffer): Transform {
    const decipher = createDecipheriv('aes-256-gcm', header.dataKey, header.iv);
    decipher.setAuthTag(tag);
    header.dataKey.fill(0);
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        callback(null, decipher.update(chunk));
      },
      flush(callback) {
        try {
          this.push(decipher.final());
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
    });
  }

  /** How many bytes encryption adds to a file written with the current key. */
  overhead(): number {
    return MAGIC.length + 1 + Buffer.byteLength(this.currentKeyId) + IV_BYTES + TAG_BYTES + KEY_BYTES + IV_BYTES + TAG_BYTES;
  }
}

export const FILE_TAG_BYTES = TAG_BYTES;
