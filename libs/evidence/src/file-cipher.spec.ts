import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FILE_TAG_BYTES, FileCipher } from './file-cipher';

async function through(input: Buffer[], transform: NodeJS.ReadWriteStream): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(input), transform, async (source: AsyncIterable<unknown>) => {
    for await (const c of source) out.push(c as Buffer);
  });
  return Buffer.concat(out);
}

async function decrypt(cipher: FileCipher, file: Buffer): Promise<Buffer> {
  const header = cipher.header(file.subarray(0, 400));
  const tag = file.subarray(file.length - FILE_TAG_BYTES);
  return through([file.subarray(header.length, file.length - FILE_TAG_BYTES)], cipher.decryptor(header, tag));
}

describe('FileCipher (streaming envelope encryption)', () => {
  const key = randomBytes(32);
  const cipher = new FileCipher('k2', key);

  it('round-trips chunked plaintext, adds a fixed overhead and never repeats a ciphertext', async () => {
    const plain = randomBytes(100_000);
    const chunks = [plain.subarray(0, 1), plain.subarray(1, 70_000), plain.subarray(70_000)];
    const a = await through(chunks, cipher.encryptor());
    const b = await through(chunks, cipher.encryptor());
    expect(a.length).toBe(plain.length + cipher.overhead());
    expect(a.equals(b)).toBe(false);
    expect(a.includes(plain.subarray(500, 532))).toBe(false);
    expect((await decrypt(cipher, a)).equals(plain)).toBe(true);
  });

  it('encrypts an empty file too', async () => {
    const file = await through([], cipher.encryptor());
    expect(file.length).toBe(cipher.overhead());
    expect((await decrypt(cipher, file)).length).toBe(0);
  });

  it('fails on a flipped byte, and without the key that wrapped the file', async () => {
    const file = await through([Buffer.from('evidence')], cipher.encryptor());
    const tampered = Buffer.from(file);
    tampered[tampered.length - FILE_TAG_BYTES - 1] ^= 1;
    await expect(decrypt(cipher, tampered)).rejects.toThrow();
    expect(() => new FileCipher('k3', randomBytes(32)).header(file)).toThrow(/no key "k2"/);
    // A previous key keeps it readable after rotation.
    const rotated = new FileCipher('k3', randomBytes(32), { k2: key });
    expect((await decrypt(rotated, file)).toString()).toBe('evidence');
  });
});
