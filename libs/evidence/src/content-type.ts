import { extname } from 'node:path';
import { Transform } from 'node:stream';
import { AttachmentType } from './domain';

/** Enough bytes to tell every accepted type apart (HEIC's brand ends at byte 12). */
export const SNIFF_BYTES = 12;

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const HEIC_BRANDS = new Set(['heic', 'heix', 'mif1', 'msf1']);

/**
 * The type of a file from its first bytes (magic numbers), never from its name or
 * from what the client says. A ZIP is only a candidate DOCX: DocxCheck decides as it streams.
 */
export function sniff(head: Buffer): AttachmentType | 'zip' | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return AttachmentType.Jpeg;
  if (head.length >= PNG.length && head.subarray(0, PNG.length).equals(PNG)) return AttachmentType.Png;
  if (head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp' && HEIC_BRANDS.has(head.toString('latin1', 8, 12))) return AttachmentType.Heic;
  if (head.length >= 5 && head.toString('latin1', 0, 5) === '%PDF-') return AttachmentType.Pdf;
  if (head.length >= 4 && head.subarray(0, 4).equals(ZIP_LOCAL_HEADER)) return 'zip';
  return null;
}

const BY_EXTENSION: Record<string, AttachmentType> = {
  jpg: AttachmentType.Jpeg,
  jpeg: AttachmentType.Jpeg,
  png: AttachmentType.Png,
  heic: AttachmentType.Heic,
  heif: AttachmentType.Heic,
  pdf: AttachmentType.Pdf,
  docx: AttachmentType.Docx,
};

/** The type a file's name claims, when its extension is one of ours. */
export function typeClaimedBy(fileName: string): AttachmentType | undefined {
  return BY_EXTENSION[extname(fileName).slice(1).toLowerCase()];
}

/** The usual extension of a type (for a download's file name when the upload's had none). */
export function extensionOf(type: AttachmentType): string {
  return Object.entries(BY_EXTENSION).find(([, t]) => t === type)?.[0] ?? 'bin';
}

/** The longest local file header DocxCheck keeps across chunks: 30 fixed bytes and a name of up to 64 KiB. */
const MAX_LOCAL_HEADER = 30 + 0xffff;

/**
 * Passes a ZIP through unchanged while reading the local file headers as they go by
 * (signature PK\x03\x04, the name's length at offset 26, the name at offset 30), and
 * fails at the end unless it saw both `[Content_Types].xml` and an entry under `word/`:
 * what makes a ZIP a Word document (OOXML). Nothing is buffered beyond one header;
 * the central directory is not needed. A signature that happens to occur inside
 * compressed data can only add a name, never hide one.
 */
export class DocxCheck extends Transform {
  private tail: Buffer = Buffer.alloc(0);
  private contentTypes = false;
  private word = false;

  constructor(private readonly refuse: () => Error) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    const buf = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
    let keepFrom = Math.max(0, buf.length - (ZIP_LOCAL_HEADER.length - 1));
    for (let at = buf.indexOf(ZIP_LOCAL_HEADER); at !== -1; at = buf.indexOf(ZIP_LOCAL_HEADER, at + ZIP_LOCAL_HEADER.length)) {
      if (at + 30 > buf.length || at + 30 + buf.readUInt16LE(at + 26) > buf.length) {
        keepFrom = Math.min(keepFrom, at);
        break;
      }
      const name = buf.toString('utf8', at + 30, at + 30 + buf.readUInt16LE(at + 26));
      if (name === '[Content_Types].xml') this.contentTypes = true;
      if (name.startsWith('word/')) this.word = true;
    }
    this.tail = Buffer.from(buf.subarray(Math.max(keepFrom, buf.length - MAX_LOCAL_HEADER)));
    callback(null, chunk);
  }

  override _flush(callback: (error?: Error | null) => void): void {
    callback(this.contentTypes && this.word ? null : this.refuse());
  }
}
