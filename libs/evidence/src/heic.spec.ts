import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { box, fakeExif, heicLayout, HeicItem } from './heic-fixture';
import { HeicScrub, MAX_META_BYTES, readBoxHeader, scrubMeta } from './heic';

const MARKER = 'GPS-HOME-OF-CHILD-MARKER';
const xmp = Buffer.from(`<x:xmpmeta><rdf:RDF><rdf:Description exif:GPSLatitude="22,32N" xmp:Note="${MARKER}-XMP"/></rdf:RDF></x:xmpmeta>`);

/** Streams `bytes` through a HeicScrub in chunks of `size`: the output, or the refusal's reason. */
async function scrub(bytes: Buffer, size: number): Promise<{ out?: Buffer; refused?: string }> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const out: Buffer[] = [];
  try {
    await pipeline(Readable.from(chunks), new HeicScrub((reason) => new Error(`refused: ${reason}`)), async (source: AsyncIterable<unknown>) => {
      for await (const c of source) out.push(c as Buffer);
    });
  } catch (error) {
    return { refused: (error as Error).message };
  }
  return { out: Buffer.concat(out) };
}

/** The bytes of an item's extents in a file. */
const itemBytes = (file: Buffer, extents: { offset: number; length: number }[]) =>
  Buffer.concat(extents.map((e) => file.subarray(e.offset, e.offset + e.length)));

const phone = (): HeicItem[] => [
  { id: 1, type: 'hvc1', data: randomBytes(3000) },
  { id: 2, type: 'Exif', data: fakeExif(MARKER) },
  { id: 3, type: 'hvc1', data: randomBytes(500) },
  { id: 4, type: 'mime', data: xmp },
];

describe('HeicScrub', () => {
  it.each([1, 7, 64, 100_000])('zeroes the Exif and XMP items and nothing else (chunks of %i bytes)', async (size) => {
    const { file, at } = heicLayout(phone());
    expect(file.includes(MARKER)).toBe(true);
    const { out, refused } = await scrub(file, size);
    expect(refused).toBeUndefined();
    expect(out!.length).toBe(file.length);
    expect(out!.includes(MARKER)).toBe(false);
    expect(out!.includes('GPSLatitude')).toBe(false);
    expect(itemBytes(out!, at.get(2)!).equals(Buffer.alloc(fakeExif(MARKER).length))).toBe(true);
    expect(itemBytes(out!, at.get(4)!).equals(Buffer.alloc(xmp.length))).toBe(true);
    // Every other byte (boxes, image items) is unchanged.
    const zeroed = [...at.get(2)!, ...at.get(4)!];
    for (let i = 0; i < file.length; i += 1) {
      if (zeroed.some((e) => i >= e.offset && i < e.offset + e.length)) continue;
      if (out![i] !== file[i]) throw new Error(`byte ${i} changed`);
    }
    expect(itemBytes(out!, at.get(1)!).equals(itemBytes(file, at.get(1)!))).toBe(true);
    expect(itemBytes(out!, at.get(3)!).equals(itemBytes(file, at.get(3)!))).toBe(true);
  });

  it('zeroes an Exif item split into several extents, and one kept in idat (construction_method 1)', async () => {
    const items: HeicItem[] = [
      { id: 1, type: 'hvc1', data: randomBytes(800) },
      { id: 2, type: 'Exif', data: fakeExif(`${MARKER}-split`), extents: 3 },
      { id: 5, type: 'Exif', data: fakeExif(`${MARKER}-idat`), method: 1 },
    ];
    const { file, at } = heicLayout(items);
    expect(at.get(2)).toHaveLength(3);
    const { out, refused } = await scrub(file, 50);
    expect(refused).toBeUndefined();
    expect(out!.includes(MARKER)).toBe(false);
    expect(itemBytes(out!, at.get(5)!).equals(Buffer.alloc(at.get(5)![0].length))).toBe(true);
    expect(itemBytes(out!, at.get(1)!).equals(itemBytes(file, at.get(1)!))).toBe(true);
  });

  it('cleans a HEIF as libheif writes it (an AVIF from sharp: the same boxes, AV1 in place of HEVC), which still decodes to the same pixels', async () => {
    const avif = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
      .avif()
      .withExif({ IFD0: { Copyright: MARKER }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 32/1 0/1' } })
      .toBuffer();
    expect(avif.includes(MARKER)).toBe(true);
    const { out, refused } = await scrub(avif, 100);
    expect(refused).toBeUndefined();
    expect(out!.length).toBe(avif.length);
    expect(out!.includes(MARKER)).toBe(false);
    expect(out!.includes('GPS')).toBe(false);
    const [before, after] = await Promise.all([sharp(avif).raw().toBuffer(), sharp(out).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
  });

  it('passes a HEIC without metadata items unchanged', async () => {
    const { file } = heicLayout([{ id: 1, type: 'hvc1', data: randomBytes(2000) }]);
    const { out } = await scrub(file, 333);
    expect(out!.equals(file)).toBe(true);
  });

  it('refuses what it cannot clean while streaming', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['meta after mdat', heicLayout(phone(), { mdatFirst: true }).file, /mdat\) comes before its meta/],
      ['an Exif extent past the end', heicLayout(phone(), { exifOverrun: 10_000 }).file, /past the end of the file/],
      ['no meta at all', Buffer.concat([box('ftyp', Buffer.from('heic\0\0\0\0mif1heic')), box('mdat', randomBytes(100))]), /mdat\) comes before/],
      ['only ftyp', box('ftyp', Buffer.from('heic\0\0\0\0mif1heic')), /no meta box/],
      ['a file cut inside a box', heicLayout(phone()).file.subarray(0, 200), /ends inside a box/],
      ['an image sequence', Buffer.concat([box('ftyp', Buffer.from('msf1\0\0\0\0msf1heic')), box('moov', randomBytes(40))]), /image sequence/],
    ];
    for (const [what, file, reason] of cases) {
      const { out, refused } = await scrub(file, 41);
      expect({ what, out, refused }).toEqual({ what, out: undefined, refused: expect.stringMatching(reason) });
    }
  });

  it('refuses a meta box over the bound without holding it', async () => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(MAX_META_BYTES + 100);
    head.write('meta', 4, 'latin1');
    const file = Buffer.concat([box('ftyp', Buffer.from('heic\0\0\0\0mif1heic')), head, Buffer.alloc(64)]);
    expect((await scrub(file, 1000)).refused).toMatch(/meta box is larger than/);
  });
});

describe('scrubMeta', () => {
  it('refuses items in another file, built ones, and "to the end of the file" extents', () => {
    const { file } = heicLayout(phone(), { ilocVersion: 1 });
    const metaAt = file.indexOf(Buffer.from('meta')) - 4;
    const meta = () => Buffer.from(file.subarray(metaAt, metaAt + file.readUInt32BE(metaAt)));
    expect(scrubMeta(meta(), metaAt)).toHaveLength(2);
    // iloc v1: per item, id(2) method(2) dri(2) count(2) offset(4) length(4); the Exif item is the second.
    const ilocAt = meta().indexOf(Buffer.from('iloc')) - 4;
    const exifEntry = ilocAt + 8 + 4 + 2 + 2 + 16;
    expect(meta().readUInt16BE(exifEntry)).toBe(2);
    const tweak = (offset: number, value: number, bytes = 2) => {
      const m = meta();
      if (bytes === 2) m.writeUInt16BE(value, exifEntry + offset);
      else m.writeUInt32BE(value, exifEntry + offset);
      return m;
    };
    expect(() => scrubMeta(tweak(2, 2), metaAt)).toThrow(/construction_method 2/);
    expect(() => scrubMeta(tweak(4, 1), metaAt)).toThrow(/another file/);
    expect(() => scrubMeta(tweak(12, 0, 4), metaAt)).toThrow(/end of the file/);
    expect(() => scrubMeta(tweak(8, 3, 4), metaAt)).toThrow(/before the meta box/);
  });

  it('refuses a meta box that is not an image’s', () => {
    const { file } = heicLayout(phone());
    const metaAt = file.indexOf(Buffer.from('meta')) - 4;
    const meta = Buffer.from(file.subarray(metaAt, metaAt + file.readUInt32BE(metaAt)));
    meta.write('vide', meta.indexOf(Buffer.from('pict')), 'latin1');
    expect(() => scrubMeta(meta, metaAt)).toThrow(/not pict/);
  });
});

describe('readBoxHeader', () => {
  it('reads 32-bit, 64-bit and to-the-end sizes, and waits for a whole header', () => {
    expect(readBoxHeader(box('free', Buffer.alloc(4)))).toEqual({ type: 'free', headerSize: 8, size: 12 });
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(5_000_000_000n, 8);
    expect(readBoxHeader(large)).toEqual({ type: 'mdat', headerSize: 16, size: 5_000_000_000 });
    expect(readBoxHeader(large.subarray(0, 12))).toBeUndefined();
    expect(readBoxHeader(Buffer.from('\0\0\0\0mdat', 'latin1'))).toEqual({ type: 'mdat', headerSize: 8, size: null });
    expect(() => readBoxHeader(Buffer.from('\0\0\0\x04free', 'latin1'))).toThrow(/impossible size/);
  });
});
