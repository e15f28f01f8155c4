/**
 * Hand-built HEIF layouts for the tests (heic.spec.ts, the attachments e2e test): the
 * boxes a phone writes, with fake payloads instead of HEVC. Not used by the api.
 */

/** An ISOBMFF box: size, type, body. */
export function box(type: string, ...body: Buffer[]): Buffer {
  const payload = Buffer.concat(body);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

/** A FullBox: version and flags before the body. */
export function fullBox(type: string, version: number, ...body: Buffer[]): Buffer {
  return box(type, Buffer.from([version, 0, 0, 0]), ...body);
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

export interface HeicItem {
  id: number;
  /** 'hvc1' (an image tile), 'Exif', 'mime' (XMP)… */
  type: string;
  data: Buffer;
  /** For 'mime' items. */
  contentType?: string;
  /** Split the item's data into this many extents (default 1). */
  extents?: number;
  /** iloc construction_method (default 0: file offsets); 1 puts the data in idat. */
  method?: number;
}

export interface HeicLayoutOptions {
  /** `mdat` before `meta` (a layout the scrubber refuses). */
  mdatFirst?: boolean;
  /** The iloc version (default 1 when an item uses a construction method, else 0). */
  ilocVersion?: number;
  /** Bytes added to the extents' lengths of the Exif item (points past the end of the file when large). */
  exifOverrun?: number;
}

/** The infe of an item (version 2: 16-bit id, item type, name, and a content type for 'mime'). */
function infe(item: HeicItem): Buffer {
  const name = Buffer.from('\0');
  const content = item.type === 'mime' ? Buffer.from(`${item.contentType ?? 'application/rdf+xml'}\0`) : Buffer.alloc(0);
  return fullBox('infe', 2, u16(item.id), u16(0), Buffer.from(item.type, 'latin1'), name, content);
}

/**
 * ftyp + meta (hdlr pict, pitm, iinf, iloc[, idat]) + mdat with the items' data, the
 * offsets in iloc pointing at it. Returns the file and where each item's bytes are.
 */
export function heicLayout(items: HeicItem[], options: HeicLayoutOptions = {}): { file: Buffer; at: Map<number, { offset: number; length: number }[]> } {
  const ftyp = box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heic'));
  const inIdat = items.filter((i) => i.method === 1);
  const inMdat = items.filter((i) => i.method !== 1);
  const version = options.ilocVersion ?? (inIdat.length > 0 ? 1 : 0);
  const build = (mdatBodyAt: number) => {
    const at = new Map<number, { offset: number; length: number }[]>();
    const entries: Buffer[] = [];
    let mdatOffset = mdatBodyAt;
    let idatOffset = 0;
    for (const item of items) {
      const pieces = item.extents ?? 1;
      const step = Math.ceil(item.data.length / pieces);
      const extents: { offset: number; length: number }[] = [];
      for (let k = 0; k < item.data.length; k += step) {
        const length = Math.min(step, item.data.length - k);
        if (item.method === 1) {
          extents.push({ offset: idatOffset, length });
          idatOffset += length;
        } else {
          extents.push({ offset: mdatOffset, length });
          mdatOffset += length;
        }
      }
      at.set(item.id, extents);
      const overrun = item.type === 'Exif' ? (options.exifOverrun ?? 0) : 0;
      entries.push(
        u16(item.id),
        version >= 1 ? u16(item.method ?? 0) : Buffer.alloc(0),
        u16(0), // data_reference_index
        u16(extents.length),
        ...extents.flatMap((e) => [u32(e.offset), u32(e.length + overrun)]),
      );
    }
    // offset_size 4, length_size 4, base_offset_size 0, index_size/reserved 0.
    const iloc = fullBox('iloc', version, Buffer.from([0x44, 0x00]), u16(items.length), ...entries);
    const iinf = fullBox('iinf', 0, u16(items.length), ...items.map(infe));
    const hdlr = fullBox('hdlr', 0, u32(0), Buffer.from('pict'), Buffer.alloc(12), Buffer.from('\0'));
    const pitm = fullBox('pitm', 0, u16(items.find((i) => i.type === 'hvc1')?.id ?? 1));
    const idat = inIdat.length > 0 ? [box('idat', ...inIdat.map((i) => i.data))] : [];
    return { meta: fullBox('meta', 0, hdlr, pitm, iloc, iinf, ...idat), at };
  };
  const mdatBody = Buffer.concat(inMdat.map((i) => i.data));
  if (options.mdatFirst) {
    const { meta, at } = build(ftyp.length + 8);
    return { file: Buffer.concat([ftyp, box('mdat', mdatBody), meta]), at: absolute(at, items, 0) };
  }
  const metaLength = build(0).meta.length;
  const mdatBodyAt = ftyp.length + metaLength + 8;
  const { meta, at } = build(mdatBodyAt);
  const idatBodyAt = ftyp.length + meta.indexOf(Buffer.from('idat')) + 4;
  return { file: Buffer.concat([ftyp, meta, box('mdat', mdatBody)]), at: absolute(at, items, idatBodyAt) };
}

/** Item extents as file offsets (those in idat are relative to its body). */
function absolute(at: Map<number, { offset: number; length: number }[]>, items: HeicItem[], idatBodyAt: number) {
  for (const item of items) {
    if (item.method !== 1) continue;
    at.set(
      item.id,
      (at.get(item.id) ?? []).map((e) => ({ offset: e.offset + idatBodyAt, length: e.length })),
    );
  }
  return at;
}

/** A fake EXIF payload (4-byte TIFF header offset, "Exif\0\0", a TIFF header) carrying GPS-like text. */
export function fakeExif(marker: string): Buffer {
  return Buffer.concat([u32(6), Buffer.from('Exif\0\0MM\0*\0\0\0\x08', 'latin1'), Buffer.from(`GPSLatitude 22/1 32/1 ${marker} GPSLongitude 113/1 56/1`)]);
}
