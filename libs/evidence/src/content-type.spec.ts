import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DocxCheck, sniff, typeClaimedBy } from './content-type';
import { AttachmentType } from './domain';

/** A ZIP local file header for `name` (sizes zero: DocxCheck reads only the name). */
const localHeader = (name: string) => {
  const head = Buffer.alloc(30);
  head.writeUInt32LE(0x04034b50, 0);
  head.writeUInt16LE(Buffer.byteLength(name), 26);
  return Buffer.concat([head, Buffer.from(name)]);
};

/** Streams `bytes` through a DocxCheck in chunks of `size`; resolves to true when it passes. */
async function passes(bytes: Buffer, size: number): Promise<boolean> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const out: Buffer[] = [];
  try {
    await pipeline(Readable.from(chunks), new DocxCheck(() => new Error('not a docx')), async (source: AsyncIterable<unknown>) => {
      for await (const c of source) out.push(c as Buffer);
    });
  } catch {
    return false;
  }
  expect(Buffer.concat(out).equals(bytes)).toBe(true);
  return true;
}

describe('sniff', () => {
  it.each([
    [[0xff, 0xd8, 0xff, 0xe1], AttachmentType.Jpeg],
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], AttachmentType.Png],
    [[...Buffer.from('%PDF-1.7')], AttachmentType.Pdf],
    [[0, 0, 0, 0x18, ...Buffer.from('ftypheic')], AttachmentType.Heic],
    [[0, 0, 0, 0x18, ...Buffer.from('ftypmif1')], AttachmentType.Heic],
    [[0x50, 0x4b, 0x03, 0x04, 0x14], 'zip'],
  ])('tells %p apart', (bytes, type) => {
    expect(sniff(Buffer.from(bytes))).toBe(type);
  });

  it('knows nothing else: text, an executable, an AVIF (ftyp avif), too few bytes', () => {
    expect(sniff(Buffer.from('hello world, not a file type'))).toBeNull();
    expect(sniff(Buffer.from('MZ\x90\x00\x03\x00\x00\x00'))).toBeNull();
    expect(sniff(Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypavif')]))).toBeNull();
    expect(sniff(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniff(Buffer.alloc(0))).toBeNull();
  });

  it('reads the claim of a name’s extension, case-insensitively', () => {
    expect(typeClaimedBy('伤情.JPG')).toBe(AttachmentType.Jpeg);
    expect(typeClaimedBy('letter.docx')).toBe(AttachmentType.Docx);
    expect(typeClaimedBy('scan')).toBeUndefined();
    expect(typeClaimedBy('notes.txt')).toBeUndefined();
  });
});

describe('DocxCheck', () => {
  const docx = Buffer.concat([localHeader('[Content_Types].xml'), Buffer.from('<Types/>'), localHeader('word/document.xml'), Buffer.from('<w:document/>')]);

  it.each([1, 3, 7, 29, 31, 1024])('passes a DOCX through unchanged in chunks of %i bytes', async (size) => {
    expect(await passes(docx, size)).toBe(true);
  });

  it('fails a ZIP without [Content_Types].xml or without word/', async () => {
    expect(await passes(Buffer.concat([localHeader('[Content_Types].xml'), localHeader('xl/workbook.xml')]), 5)).toBe(false);
    expect(await passes(Buffer.concat([localHeader('word/document.xml'), localHeader('other.xml')]), 5)).toBe(false);
    expect(await passes(Buffer.from('PK\x03\x04 truncated'), 4)).toBe(false);
  });
});
