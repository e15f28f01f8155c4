import { Transform } from 'node:stream';

/**
 * HEIC without its metadata, without decoding it (this sharp build cannot decode HEVC).
 *
 * A HEIF file is a sequence of ISOBMFF boxes: `ftyp`, then `meta` (hdlr 'pict', iinf with
 * one `infe` per item, iloc saying where each item's bytes are), then `mdat` with the
 * bytes. EXIF (GPS included) is an item of type 'Exif', XMP an item of type 'mime'
 * (content type application/rdf+xml). HeicScrub streams the file through unchanged
 * except that it overwrites the bytes of every 'Exif' and 'mime' item with zeros: same
 * length, so every offset in iloc stays valid and the image items are left byte for byte.
 *
 * Only the `meta` box is held in memory (at most MAX_META_BYTES); the rest passes
 * through. A layout it cannot clean while streaming is refused rather than stored with
 * its metadata (HeicRefusal): `mdat` before `meta`, no `meta`, an image sequence (`moov`),
 * an item whose bytes lie in another file (data_reference_index ≠ 0) or are built
 * (construction_method 2), an extent "to the end of the file" (length 0), extents that
 * point back into what already went by or past the end of the file, more than
 * MAX_SCRUBBED_EXTENTS of them.
 */

/** The largest `meta` box held to read it (a phone's is a few KiB; thumbnails live in mdat). */
export const MAX_META_BYTES = 1024 * 1024;
/** The most metadata extents one file may have. */
export const MAX_SCRUBBED_EXTENTS = 64;

/** Item types whose bytes are metadata, never pixels: EXIF (GPS) and MIME items (XMP). */
const METADATA_ITEM_TYPES = new Set(['Exif', 'mime']);

/** A layout the scrubber cannot clean; the message says why (no file content in it). */
export class HeicRefusal extends Error {
  constructor(readonly reason: string) {
    super(`HEIC refused: ${reason}`);
  }
}

/** A byte range [start, end) of the file to zero. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A box's header: its type, where its body starts (relative to the header), its total size (null: to the end of the file). */
export interface BoxHeader {
  type: string;
  headerSize: number;
  size: number | null;
}

/** Reads a box header at `at`, or undefined when `buf` does not hold all of it yet. */
export function readBoxHeader(buf: Buffer, at = 0): BoxHeader | undefined {
  if (buf.length - at < 8) return undefined;
  const size32 = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  let headerSize = 8;
  let size: number | null = size32;
  if (size32 === 1) {
    if (buf.length - at < 16) return undefined;
    const large = buf.readBigUInt64BE(at + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeicRefusal(`the ${type} box is too large`);
    size = Number(large);
    headerSize = 16;
  } else if (size32 === 0) {
    size = null;
  }
  if (type === 'uuid') headerSize += 16;
  if (buf.length - at < headerSize) return undefined;
  if (size !== null && size < headerSize) throw new HeicRefusal(`the ${type} box has an impossible size`);
  return { type, headerSize, size };
}

/** The child boxes of a body (`buf` from `from` to `to`): type, body start and end. */
function children(buf: Buffer, from: number, to: number): { type: string; body: number; end: number }[] {
  const out: { type: string; body: number; end: number }[] = [];
  let at = from;
  while (at < to) {
    const h = readBoxHeader(buf.subarray(0, to), at);
    if (!h) throw new HeicRefusal('a box inside meta is cut short');
    const end = h.size === null ? to : at + h.size;
    if (end > to) throw new HeicRefusal(`the ${h.type} box runs past its parent`);
    out.push({ type: h.type, body: at + h.headerSize, end });
    at = end;
  }
  return out;
}

/** A cursor over a box body that refuses to read past its end. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    public at: number,
    private readonly end: number,
    private readonly box: string,
  ) {}

  private need(n: number): void {
    if (this.at + n > this.end) throw new HeicRefusal(`the ${this.box} box is cut short`);
  }

  uint(bytes: number): number {
    if (bytes === 0) return 0;
    this.need(bytes);
    let value: number;
    if (bytes === 1) value = this.buf.readUInt8(this.at);
    else if (bytes === 2) value = this.buf.readUInt16BE(this.at);
    else if (bytes === 4) value = this.buf.readUInt32BE(this.at);
    else if (bytes === 8) {
      const big = this.buf.readBigUInt64BE(this.at);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeicRefusal(`an offset in ${this.box} is too large`);
      value = Number(big);
    } else throw new HeicRefusal(`the ${this.box} box uses a field size of ${bytes} bytes`);
    this.at += bytes;
    return value;
  }

  skip(bytes: number): void {
    this.need(bytes);
    this.at += bytes;
  }

  fourcc(): string {
    this.need(4);
    const s = this.buf.toString('latin1', this.at, this.at + 4);
    this.at += 4;
    return s;
  }

  /** A NUL-terminated string (or up to the end of the box). */
  cstring(): string {
    const nul = this.buf.indexOf(0, this.at);
    const stop = nul === -1 || nul >= this.end ? this.end : nul;
    const s = this.buf.toString('utf8', this.at, stop);
    this.at = Math.min(this.end, stop + 1);
    return s;
  }
}

/** iinf: the id and type of every item (infe version 2 and 3; older versions have no item type and are refused). */
function itemTypes(buf: Buffer, body: number, end: number): Map<number, string> {
  const r = new Reader(buf, body, end, 'iinf');
  const version = r.uint(1);
  r.skip(3); // flags
  r.uint(version === 0 ? 2 : 4);
  const types = new Map<number, string>();
  for (const child of children(buf, r.at, end)) {
    if (child.type !== 'infe') continue;
    const e = new Reader(buf, child.body, child.end, 'infe');
    const v = e.uint(1);
    e.skip(3); // flags
    if (v < 2) throw new HeicRefusal(`an item info entry of version ${v} (no item type)`);
    const id = e.uint(v === 2 ? 2 : 4);
    e.uint(2); // item_protection_index
    types.set(id, e.fourcc());
  }
  return types;
}

/** One item's location (iloc): how it is constructed and its extents, file offsets when construction_method is 0. */
interface ItemLocation {
  method: number;
  dataReference: number;
  extents: { offset: number; length: number }[];
}

function itemLocations(buf: Buffer, body: number, end: number): Map<number, ItemLocation> {
  const r = new Reader(buf, body, end, 'iloc');
  const version = r.uint(1);
  r.skip(3); // flags
  if (version > 2) throw new HeicRefusal(`an iloc box of version ${version}`);
  const sizes = r.uint(2);
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 0xf;
  const baseOffsetSize = (sizes >> 4) & 0xf;
  const indexSize = version === 1 || version === 2 ? sizes & 0xf : 0;
  const count = r.uint(version < 2 ? 2 : 4);
  const locations = new Map<number, ItemLocation>();
  for (let i = 0; i < count; i += 1) {
    const id = r.uint(version < 2 ? 2 : 4);
    const method = version === 1 || version === 2 ? r.uint(2) & 0xf : 0;
    const dataReference = r.uint(2);
    const base = r.uint(baseOffsetSize);
    const extentCount = r.uint(2);
    const extents: { offset: number; length: number }[] = [];
    for (let k = 0; k < extentCount; k += 1) {
      r.uint(indexSize);
      const offset = r.uint(offsetSize);
      const length = r.uint(lengthSize);
      extents.push({ offset: base + offset, length });
    }
    locations.set(id, { method, dataReference, extents });
  }
  return locations;
}

/**
 * Reads a whole `meta` box (`meta`: the box from its header on, found at file offset
 * `metaAt`) and zeroes, in place, the metadata items that lie inside it (in its idat, or
 * at file offsets within it). Returns the file ranges still to zero after it, sorted
 * and merged. Throws HeicRefusal for a layout it cannot clean.
 */
export function scrubMeta(meta: Buffer, metaAt: number): ByteRange[] {
  const header = readBoxHeader(meta);
  if (!header || header.type !== 'meta') throw new HeicRefusal('no meta box');
  const bodyStart = header.headerSize + 4; // meta is a FullBox
  if (bodyStart > meta.length) throw new HeicRefusal('the meta box is cut short');
  const boxes = children(meta, bodyStart, meta.length);
  const hdlr = boxes.find((b) => b.type === 'hdlr');
  if (!hdlr || meta.toString('latin1', hdlr.body + 8, hdlr.body + 12) !== 'pict') throw new HeicRefusal('the meta box is not an image’s (hdlr is not pict)');
  const iinf = boxes.find((b) => b.type === 'iinf');
  const iloc = boxes.find((b) => b.type === 'iloc');
  if (!iinf) return [];
  const types = itemTypes(meta, iinf.body, iinf.end);
  const locations = iloc ? itemLocations(meta, iloc.body, iloc.end) : new Map<number, ItemLocation>();
  const idat = boxes.find((b) => b.type === 'idat');
  const ranges: ByteRange[] = [];
  for (const [id, type] of types) {
    if (!METADATA_ITEM_TYPES.has(type)) continue;
    const where = locations.get(id);
    if (!where) throw new HeicRefusal(`the ${type} item has no location`);
    if (where.dataReference !== 0) throw new HeicRefusal(`the ${type} item lies in another file`);
    if (where.method !== 0 && where.method !== 1)
      throw new HeicRefusal(`the ${type} item is constructed from other items (construction_method ${where.method})`);
    for (const { offset, length } of where.extents) {
      if (length === 0) throw new HeicRefusal(`the ${type} item runs to the end of the file`);
      if (where.method === 1) {
        // Inside the idat box: zeroed here, in the buffered meta.
        if (!idat || idat.body + offset + length > idat.end) throw new HeicRefusal(`the ${type} item lies outside the idat box`);
        meta.fill(0, idat.body + offset, idat.body + offset + length);
        continue;
      }
      ranges.push({ start: offset, end: offset + length });
    }
  }
  if (ranges.length > MAX_SCRUBBED_EXTENTS) throw new HeicRefusal(`more than ${MAX_SCRUBBED_EXTENTS} metadata extents`);
  const later: ByteRange[] = [];
  for (const range of ranges) {
    if (range.start < metaAt) throw new HeicRefusal('a metadata item lies before the meta box');
    const inMetaEnd = Math.min(range.end, metaAt + meta.length);
    if (range.start < inMetaEnd) meta.fill(0, range.start - metaAt, inMetaEnd - metaAt);
    if (range.end > metaAt + meta.length) later.push({ start: Math.max(range.start, metaAt + meta.length), end: range.end });
  }
  return merged(later);
}

function merged(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/**
 * The streaming scrubber (see the top of this file). Top-level boxes are followed by
 * their headers; the bytes of each are passed on as they come, except `meta`, held until
 * complete. `refuse` turns a HeicRefusal into the caller's error.
 */
export class HeicScrub extends Transform {
  /** File offset of the next byte to arrive. */
  private at = 0;
  /** Bytes of an unfinished box header, or of the meta box being collected. */
  private held: Buffer[] = [];
  private heldLength = 0;
  /** Where the current top-level box ends (null: at the end of the file; undefined: a header is expected). */
  private boxEnd: number | null | undefined = undefined;
  private collectingMeta = false;
  private metaSeen = false;
  private pending: ByteRange[] = [];

  constructor(private readonly refuse: (reason: string) => Error) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error instanceof HeicRefusal ? this.refuse(error.reason) : (error as Error));
    }
  }

  override _flush(callback: (error?: Error | null) => void): void {
    let reason: string | undefined;
    if (this.collectingMeta || (this.boxEnd === undefined && this.heldLength > 0)) reason = 'the file ends inside a box';
    else if (typeof this.boxEnd === 'number' && this.at < this.boxEnd) reason = 'the file ends inside a box';
    else if (!this.metaSeen) reason = 'it has no meta box';
    else if (this.pending.length > 0) reason = 'a metadata item lies past the end of the file';
    callback(reason ? this.refuse(reason) : null);
  }

  private consume(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      if (this.boxEnd === undefined) {
        rest = this.readHeader(rest);
        continue;
      }
      const room = this.boxEnd === null ? rest.length : Math.min(rest.length, this.boxEnd - this.at);
      const piece = rest.subarray(0, room);
      rest = rest.subarray(room);
      if (this.collectingMeta) {
        this.hold(piece);
        this.at += piece.length;
        if (this.at === this.boxEnd) this.finishMeta();
      } else {
        this.pass(piece);
      }
      if (this.at === this.boxEnd) this.boxEnd = undefined;
    }
  }

  /** Gathers a top-level box header; once whole, decides what to do with the box. Returns the bytes after what it used. */
  private readHeader(rest: Buffer): Buffer {
    const before = this.heldLength;
    this.hold(rest);
    const buf = this.heldBytes();
    const h = readBoxHeader(buf);
    if (!h) return Buffer.alloc(0);
    const used = h.headerSize - before;
    const headerBytes = buf.subarray(0, h.headerSize);
    this.held = [];
    this.heldLength = 0;
    const start = this.at;
    this.boxEnd = h.size === null ? null : start + h.size;
    if (h.type === 'meta') {
      if (this.metaSeen) throw new HeicRefusal('it has two meta boxes');
      if (h.size === null || h.size > MAX_META_BYTES) throw new HeicRefusal(`its meta box is larger than ${MAX_META_BYTES} bytes`);
      this.collectingMeta = true;
      this.hold(headerBytes);
      this.at += headerBytes.length;
      if (this.at === this.boxEnd) this.finishMeta();
    } else {
      if (!this.metaSeen && h.type === 'mdat') throw new HeicRefusal('its image data (mdat) comes before its meta box');
      if (h.type === 'moov') throw new HeicRefusal('it is an image sequence (moov)');
      if (h.type === 'ftyp' && start !== 0) throw new HeicRefusal('a second ftyp box');
      this.pass(headerBytes);
    }
    if (this.at === this.boxEnd) this.boxEnd = undefined;
    return rest.subarray(used);
  }

  private finishMeta(): void {
    const meta = Buffer.concat(this.held); // a copy: zeroed in place, never the caller's chunk
    const metaAt = this.at - meta.length;
    this.held = [];
    this.heldLength = 0;
    this.collectingMeta = false;
    this.metaSeen = true;
    this.pending = scrubMeta(meta, metaAt);
    this.at = metaAt;
    this.pass(meta);
  }

  /** Passes bytes at the current offset on, zeroing those of pending ranges. */
  private pass(bytes: Buffer): void {
    const start = this.at;
    const end = start + bytes.length;
    let out = bytes;
    while (this.pending.length > 0 && this.pending[0].start < end) {
      const r = this.pending[0];
      if (out === bytes) out = Buffer.from(bytes);
      out.fill(0, Math.max(r.start, start) - start, Math.min(r.end, end) - start);
      if (r.end <= end) this.pending.shift();
      else break;
    }
    this.at = end;
    if (out.length > 0) this.push(out);
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.held.push(bytes);
    this.heldLength += bytes.length;
  }

  private heldBytes(): Buffer {
    if (this.held.length !== 1) this.held = [Buffer.concat(this.held)];
    return this.held[0];
  }
}
