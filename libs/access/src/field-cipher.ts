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
  ) {
    if (currentKey.length !== 32) throw new Error('the data-encryption key must be 32 bytes');
    this.keys = new Map([...Object.entries(previousKeys), [currentKeyId, currentKey]]);
    this.hmacKey = Buffer.from(hkdfSync('sha256', currentKey, Buffer.alloc(0), 'shouhu-match-hmac', 32));
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
