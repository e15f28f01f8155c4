import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { Slots } from '@shouhu/database';
import { AttachmentType } from './domain';
import { AttachmentStorage } from './storage/attachment-storage';

/**
 * How many images are re-encoded at once (others wait their turn, they are not refused):
 * one per two cores. On a 2-core server a second slot re-encoded ten 20 MB photos barely
 * faster (13.9 s against 14.9 s: the other core streams and encrypts) for 30 MB more.
 */
export const IMAGE_SLOTS = Math.max(1, Math.floor(availableParallelism() / 2));
/**
 * The most pixels an image may have: 100 megapixels passes every phone's ordinary and
 * 48/50/64-megapixel modes (8160 × 6144 is 50 MP); a 108 or 200-megapixel shot is refused.
 * An image whose orientation needs a rotation is decoded whole while it is turned
 * (width × height × 3 bytes: 36 MB for 12 MP, 150 MB for 50 MP); an upright one streams.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** The size of the chunks the re-encoded image is handed on in (the cipher then works chunk by chunk). */
const CHUNK = 64 * 1024;

// libvips' operation cache would keep recent inputs and outputs alive after each upload: off.
// One libvips thread per image: the slots, not libvips, use the cores.
sharp.cache(false);
sharp.concurrency(1);

/** Why an image is refused; the service turns it into its error. */
export class ImageRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly kind: 'undecodable' | 'too_many_pixels',
  ) {
    super(reason);
  }
}

/** An upload set aside on disk while it waits for a slot: encrypted with a key that exists only in memory. */
interface Spooled {
  key: string;
  size: number;
  dataKey: Buffer;
  iv: Buffer;
  tag: Buffer;
}

/**
 * Re-encodes JPEG and PNG without their metadata (EXIF, GPS, XMP, IPTC, comments;
 * the EXIF orientation applied first) in bounded memory.
 *
 * sharp does not stream: fed a stream, it gathers the whole input, then hands libvips
 * one buffer and gives back one output buffer. So an image is never fed to it straight
 * from the request. Instead:
 *   1. the upload streams to a temporary object of the storage, encrypted (AES-256-GCM)
 *      with a random key kept only in memory, so a crash leaves nothing readable and a
 *      slow phone holds no slot while its bytes trickle in;
 *   2. it waits for one of IMAGE_SLOTS slots; each slot owns one input buffer of the
 *      largest upload, allocated once and reused, into which the temporary object is
 *      decrypted (no per-upload 20 MB allocation, no Buffer.concat);
 *   3. libvips decodes it sequentially (line by line, without a cache) and re-encodes
 *      it; the output is handed on in 64 KiB chunks, and the slot is released only
 *      once it has gone by.
 * Memory is thus IMAGE_SLOTS × (max upload + one re-encoded image + libvips' working
 * set, about 50 MB for a 20 MB photo), plus what any streamed upload costs (a few MB
 * each while its bytes arrive) and the garbage the collector has not yet reclaimed.
 * Measured (bench/uploads.mjs, a fresh api on 2 cores, one slot): ten parallel 20 MB
 * JPEGs +137 MB, PNGs +103 MB, PDFs +34 MB; one JPEG alone +73 MB and twenty +155 MB,
 * so the cost is mostly fixed, a few MB per further upload. Before (sharp fed the request
 * stream, Huffman-optimised output, two slots) ten JPEGs took +357 MB and PNGs +281 MB.
 */
export class ImageScrubber {
  private readonly slots: Slots<Buffer | undefined>;

  constructor(
    private readonly storage: AttachmentStorage,
    private readonly maxBytes: number,
    slots = IMAGE_SLOTS,
  ) {
    this.slots = new Slots<Buffer | undefined>(Array.from({ length: slots }, () => undefined));
  }

  /** Sets the upload aside (step 1); rejects with the source's error (e.g. over the size limit), leaving nothing behind. */
  async spool(source: Readable): Promise<Spooled> {
    const dataKey = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    let size = 0;
    const counted = new PassThrough();
    counted.on('data', (c: Buffer) => (size += c.length));
    const [flow, put] = await Promise.allSettled([pipeline(source, counted, cipher), this.storage.put(cipher)]);
    if (flow.status === 'rejected' || put.status === 'rejected') {
      if (put.status === 'fulfilled') await this.storage.discard(put.value);
      throw flow.status === 'rejected' ? flow.reason : (put as PromiseRejectedResult).reason;
    }
    return { key: put.value, size, dataKey, iv, tag: cipher.getAuthTag() };
  }

  /** Removes a temporary object (always, once the image is stored or refused). */
  async discard(spooled: Spooled): Promise<void> {
    spooled.dataKey.fill(0);
    await this.storage.discard(spooled.key);
  }

  /**
   * Steps 2 and 3: `consume` gets the re-encoded image as a stream and must have read
   * it all when it resolves; the slot is held until then.
   */
  async reencode<T>(spooled: Spooled, type: AttachmentType.Jpeg | AttachmentType.Png, consume: (image: Readable) => Promise<T>): Promise<T> {
    if (spooled.size > this.maxBytes) throw new ImageRefusal('the image is larger than the upload limit', 'undecodable');
    return this.slots.run(async (slot) => {
      slot.value ??= Buffer.allocUnsafe(this.maxBytes);
      const input = slot.value.subarray(0, spooled.size);
      await this.unspool(spooled, input);
      const output = await this.encoded(input, type);
      return consume(Readable.from(chunks(output)));
    });
  }

  /** Decrypts the temporary object into `target` (exactly its size); the GCM tag is checked at the end. */
  private async unspool(spooled: Spooled, target: Buffer): Promise<void> {
    const decipher = createDecipheriv('aes-256-gcm', spooled.dataKey, spooled.iv);
    decipher.setAuthTag(spooled.tag);
    let at = 0;
    const fill = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (at + chunk.length > target.length) return callback(new Error('the spooled image grew'));
        chunk.copy(target, at);
        at += chunk.length;
        callback();
      },
    });
    await pipeline(this.storage.get(spooled.key), decipher, fill);
    if (at !== target.length) throw new Error('the spooled image shrank');
  }

  private async encoded(input: Buffer, type: AttachmentType.Jpeg | AttachmentType.Png): Promise<Buffer> {
    const options = { failOn: 'error' as const, sequentialRead: true, limitInputPixels: false as const };
    let meta: sharp.Metadata;
    try {
      meta = await sharp(input, options).metadata();
    } catch {
      throw new ImageRefusal('the image cannot be decoded', 'undecodable');
    }
    if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_IMAGE_PIXELS)
      throw new ImageRefusal(`the image has more than ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`, 'too_many_pixels');
    // sharp writes no metadata unless asked (keepExif/withMetadata): EXIF, GPS, XMP and IPTC are dropped; rotate() applies the orientation first.
    const image = sharp(input, { ...options, limitInputPixels: MAX_IMAGE_PIXELS }).rotate();
    try {
      // No Huffman optimisation: it keeps every DCT coefficient of the image (6 bytes a pixel, 100 MB for 17 MP) for a
      // second pass, to save about 5% of the file; without it the JPEG is written as it is decoded, line by line.
      return await (type === AttachmentType.Jpeg ? image.jpeg({ quality: 92, optimiseCoding: false }) : image.png()).toBuffer();
    } catch {
      throw new ImageRefusal('the image cannot be decoded', 'undecodable');
    }
  }
}

function* chunks(buffer: Buffer): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += CHUNK) yield buffer.subarray(at, at + CHUNK);
}
