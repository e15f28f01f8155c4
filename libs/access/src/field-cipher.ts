import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts sensitive fields (the child's national ID number) with AES-256-GCM.
 * Ciphertexts carry the key id ("k1:base64(iv|tag|data)") so keys can rotate:
 * new writes use the current key, old rows stay readable while their key is
 * configured. Matching uses an HMAC with a key derived from the data key.
 */
export class FieldCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly hmacKey: Buffer;

  constructor(
    private readonly currentKeyId: string,
    currentKey: Buffer,
    previousKeys: Record<string, Buffer> = {},
    /** The HMAC's own key material; by default derived from the current key. */
    matchKey: Buffer = currentKey,
  ) {
    if (currentKey.length !== 32) throw new Error('the data-encryption key must be 32 bytes');
    this.keys = new Map([...Object.entries(previousKeys), [currentKeyId, currentKey]]);
    this.hmacKey = Buffer.from(hkdfSync('sha256', matchKey, Buffer.alloc(0), 'shouhu-match-hmac', 32));
  }

  /** From configuration: DATA_ENCRYPTION_KEY(_ID), DATA_ENCRYPTION_PREVIOUS_KEYS, DATA_MATCH_KEY. */
  static fromConfig(c: {
    DATA_ENCRYPTION_KEY_ID: string;
    DATA_ENCRYPTION_KEY: string;
    DATA_ENCRYPTION_PREVIOUS_KEYS?: string;
    DATA_MATCH_KEY?: string;
  }): FieldCipher {
    const previous: Record<string, Buffer> = {};
    for (const pair of (c.DATA_ENCRYPTION_PREVIOUS_KEYS ?? '').split(',').filter(Boolean)) {
      const [id, key] = pair.split(':');
      previous[id] = Buffer.from(key, 'base64');
    }
    const current = Buffer.from(c.DATA_ENCRYPTION_KEY, 'base64');
    return new FieldCipher(c.DATA_ENCRYPTION_KEY_ID, current, previous, c.DATA_MATCH_KEY ? Buffer.from(c.DATA_MATCH_KEY, 'base64') : current);
  }

  /** Whether a stored ciphertext was written with an older key (re-encrypt it). */
  isStale(stored: string): boolean {
    return !stored.startsWith(`${this.currentKeyId}:`);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId) as Buffer, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${this.currentKeyId}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    const sep = stored.indexOf(':');
    const key = this.keys.get(stored.slice(0, sep));
    if (sep < 0 || !key) throw new Error(`no key "${stored.slice(0, sep)}" to decrypt with`);
    const raw = Buffer.from(stored.slice(sep + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** A stable keyed hash for equality matching, never reversible. */
  matchHash(plain: string): string {
    return createHmac('sha256', this.hmacKey).update(plain, 'utf8').digest('hex');
  }
}
