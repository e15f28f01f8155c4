import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { AttachmentType } from './domain';
import { ImageRefusal, ImageScrubber } from './image-scrubber';
import { LocalFileStorage } from './storage/local-file-storage';

const dir = mkdtempSync(join(tmpdir(), 'shouhu-image-scrubber-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under the storage folder. */
const files = (): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

const collect = async (s: Readable): Promise<Buffer> => {
  const out: Buffer[] = [];
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out);
};

describe('ImageScrubber', () => {
  const storage = new LocalFileStorage(dir);
  const marker = 'spool-plaintext-marker-4711';

  it('sets the upload aside encrypted, re-encodes it without metadata, and leaves nothing behind', async () => {
    const photo = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#c33' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Copyright: marker } })
      .toBuffer();
    const scrubber = new ImageScrubber(storage, 1024 * 1024, 1);
    const spooled = await scrubber.spool(Readable.from([photo.subarray(0, 100), photo.subarray(100)]));
    expect(spooled.size).toBe(photo.length);
    const onDisk = files();
    expect(onDisk).toHaveLength(1);
    const stored = readFileSync(onDisk[0]);
    expect(stored.includes(marker)).toBe(false);
    expect(stored.includes(photo.subarray(0, 64))).toBe(false);

    const out = await scrubber.reencode(spooled, AttachmentType.Jpeg, collect);
    await scrubber.discard(spooled);
    expect(files()).toEqual([]);
    expect(out.includes(marker)).toBe(false);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height, meta.exif, meta.orientation]).toEqual([20, 40, undefined, undefined]);
  });

  it('refuses what does not decode, and a spool whose source fails leaves nothing', async () => {
    const scrubber = new ImageScrubber(storage, 1024 * 1024, 1);
    const spooled = await scrubber.spool(Readable.from([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])]));
    await expect(scrubber.reencode(spooled, AttachmentType.Jpeg, collect)).rejects.toBeInstanceOf(ImageRefusal);
    await scrubber.discard(spooled);
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(Object.assign(new Error('too large'), { code: 'FST_REQ_FILE_TOO_LARGE' }));
      },
    });
    await expect(scrubber.spool(failing)).rejects.toMatchObject({ code: 'FST_REQ_FILE_TOO_LARGE' });
    await new Promise((r) => setTimeout(r, 50));
    expect(files()).toEqual([]);
  });

  it('re-encodes a PNG without its text chunks', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#0a0' } })
      .png()
      .withMetadata({ exif: { IFD0: { Artist: marker } } })
      .toBuffer();
    expect(png.includes(marker)).toBe(true);
    const scrubber = new ImageScrubber(storage, 1024 * 1024, 1);
    const spooled = await scrubber.spool(Readable.from([png]));
    const out = await scrubber.reencode(spooled, AttachmentType.Png, collect);
    await scrubber.discard(spooled);
    expect(out.includes(marker)).toBe(false);
    expect((await sharp(out).metadata()).format).toBe('png');
  });
});
