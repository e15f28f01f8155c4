import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type request from 'supertest';
import { DEMO_EVIDENCE_UPLOADER, DEMO_PHOTO_NAME, DemoEvidenceSeeder, demoPhoto } from '@shouhu/evidence';
import { fakeExif, heicLayout } from '../../libs/evidence/src/heic-fixture';
import { CaseDetail, dataSourceOf, expectError, expectStatus, useCaseBed } from '../helpers/cases';
import { bearer } from '../helpers/test-app';

/** Where this file's API keeps attachments: a folder of its own, removed at the end. */
const DIR = mkdtempSync(join(tmpdir(), 'shouhu-attachments-'));
const MB = 1024 * 1024;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Collects a response body as bytes, whatever its content type. */
function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** Every stored object (tmp/ included): what an upload left behind. */
function storedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else out.push(join(dir, entry.name));
    }
  };
  walk(DIR);
  return out.sort();
}

/** A small valid PDF carrying a marker text, padded to `size` bytes when asked. */
function pdf(marker: string, size = 0): Buffer {
  const body = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${marker}\n`);
  const end = Buffer.from('\n%%EOF\n');
  const pad = Math.max(0, size - body.length - end.length);
  return Buffer.concat([body, randomBytes(pad), end]);
}

// ── A minimal ZIP writer (stored entries), to make a DOCX in the test ─────────

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const docx = () =>
  zip({
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    '_rels/.rels': '<?xml version="1.0"?><Relationships/>',
    'word/document.xml': '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
  });

describe('evidence attachments (附件)', () => {
  const bed = useCaseBed({ ATTACHMENT_DIR: DIR });
  let c: CaseDetail;

  beforeAll(async () => {
    c = await bed.cc.file('dir-xa-01', bed.xa1);
  });
  afterAll(() => {
    rmSync(DIR, { recursive: true, force: true });
  });

  const path = (caseId = c.id) => `/api/cases/${caseId}/attachments`;

  async function upload(as: string, file: Buffer | null, fileName: string, fields: Record<string, string> = { kind: 'document' }, caseId = c.id) {
    const req = bed.api.http.post(path(caseId)).set(bearer(await bed.cc.token(as)));
    for (const [name, value] of Object.entries(fields)) void req.field(name, value);
    if (file) void req.attach('file', file, { filename: fileName, contentType: 'application/octet-stream' });
    return bed.cc.note('POST', path(caseId), await req);
  }

  /** The file as bytes; an error answer's body parsed as JSON, as expectError reads it. */
  async function download(as: string, attachmentId: string, caseId = c.id) {
    const res = await bed.api.http
      .get(`${path(caseId)}/${attachmentId}/content`)
      .set(bearer(await bed.cc.token(as)))
      .buffer(true)
      .parse(binary);
    if (res.status !== 200) res.body = JSON.parse((res.body as Buffer).toString('utf8'));
    return bed.cc.note('GET', 'content', res);
  }

  const storedFileOf = async (id: string): Promise<string> => {
    const [row] = await dataSourceOf(bed.api).query<{ storage_key: string }[]>(`SELECT storage_key FROM attachment WHERE id = $1`, [id]);
    return join(DIR, row.storage_key);
  };

  it('strips EXIF and GPS from a JPEG, keeps its orientation, and returns exactly what it stored', async () => {
    const photo = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#c33' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Copyright: 'owner-secret-marker', ImageDescription: 'home-of-child' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 32/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '113/1 56/1 0/1' },
      })
      .toBuffer();
    const before = await sharp(photo).metadata();
    expect(before.exif).toBeDefined();
    expect(photo.includes('owner-secret-marker')).toBe(true);
    expect(photo.includes('GPS') || before.exif!.length > 100).toBe(true);

    const res = await upload('dir-xa-01', photo, '伤情照片.jpg', { kind: 'photo', note: '左臂淤青。' });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ kind: 'photo', fileName: '伤情照片.jpg', contentType: 'image/jpeg', note: '左臂淤青。', retracted: null });
    expect(res.body.uploadedBy).toBe(await bed.cc.userId('dir-xa-01'));

    const got = await download('dir-xa-01', res.body.id);
    expectStatus(got, 200);
    const bytes = got.body as Buffer;
    expect(bytes.length).toBe(res.body.size);
    expect(sha256(bytes)).toBe(res.body.sha256);
    const after = await sharp(bytes).metadata();
    expect(after.format).toBe('jpeg');
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    // Orientation 6 (rotate 90°) was applied before the tag was dropped.
    expect([after.width, after.height]).toEqual([32, 64]);
    expect(bytes.includes('owner-secret-marker')).toBe(false);
    expect(bytes.includes('home-of-child')).toBe(false);
  });

  it('accepts a PNG (re-encoded without metadata), a PDF and a DOCX, each by content', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#0a0' } })
      .png()
      .withMetadata({ exif: { IFD0: { Artist: 'png-artist-marker' } } })
      .toBuffer();
    const p = await upload('sup-xa', png, 'scan.png', { kind: 'medical' });
    expectStatus(p, 201);
    expect(p.body.contentType).toBe('image/png');
    const pngBack = (await download('sup-xa', p.body.id)).body as Buffer;
    expect((await sharp(pngBack).metadata()).exif).toBeUndefined();
    expect(pngBack.includes('png-artist-marker')).toBe(false);

    const doc = pdf('police-receipt');
    // No extension of ours in the name: the content decides.
    const d = await upload('district1', doc, '报警回执', { kind: 'police' });
    expectStatus(d, 201);
    expect(d.body).toMatchObject({ contentType: 'application/pdf', size: doc.length, sha256: sha256(doc), fileName: '报警回执' });
    expect(((await download('district1', d.body.id)).body as Buffer).equals(doc)).toBe(true);

    const word = docx();
    const w = await upload('dir-xa-01', word, 'letter.docx', { kind: 'school' });
    expectStatus(w, 201);
    expect(w.body.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(((await download('dir-xa-01', w.body.id)).body as Buffer).equals(word)).toBe(true);

    // A HEIC is recognised by its ftyp brand; one whose boxes cannot be followed is refused (422), never stored with its metadata.
    const bare = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), randomBytes(64)]);
    const h = await upload('dir-xa-01', bare, 'IMG_0001.HEIC', { kind: 'photo' });
    expectError(h, 422, 'RULE_VIOLATION');
    expect(h.body.details).toEqual([{ field: 'file', message: expect.stringContaining('HEIC') }]);
  });

  it('removes EXIF (GPS) and XMP from a HEIC without decoding it: those items zeroed, the image items byte for byte', async () => {
    const marker = 'GPS-22.5333N-113.9333E-HOME-MARKER';
    const xmp = Buffer.from(`<x:xmpmeta><rdf:RDF><rdf:Description exif:GPSLatitude="22,32.0N" note="${marker}-xmp"/></rdf:RDF></x:xmpmeta>`);
    const tile = randomBytes(4000);
    const thumb = randomBytes(700);
    const { file, at } = heicLayout([
      { id: 1, type: 'hvc1', data: tile },
      { id: 2, type: 'Exif', data: fakeExif(marker) },
      { id: 3, type: 'hvc1', data: thumb },
      { id: 4, type: 'mime', data: xmp },
    ]);
    expect(file.includes(marker)).toBe(true);
    const before = storedFiles();
    const up = await upload('dir-xa-01', file, 'IMG_0002.HEIC', { kind: 'photo' });
    expectStatus(up, 201);
    expect(up.body).toMatchObject({ contentType: 'image/heic', size: file.length });
    // The SHA-256 is of what is stored and served (the cleaned file), not of the upload.
    expect(up.body.sha256).not.toBe(sha256(file));
    const got = await download('dir-xa-01', up.body.id);
    expectStatus(got, 200);
    const back = got.body as Buffer;
    expect(back.length).toBe(file.length);
    expect(sha256(back)).toBe(up.body.sha256);
    expect(back.includes(marker)).toBe(false);
    expect(back.includes('GPSLatitude')).toBe(false);
    const bytesOf = (b: Buffer, id: number) => Buffer.concat(at.get(id)!.map((e) => b.subarray(e.offset, e.offset + e.length)));
    expect(bytesOf(back, 1).equals(tile)).toBe(true);
    expect(bytesOf(back, 3).equals(thumb)).toBe(true);
    expect(bytesOf(back, 2).equals(Buffer.alloc(bytesOf(file, 2).length))).toBe(true);
    expect(bytesOf(back, 4).equals(Buffer.alloc(xmp.length))).toBe(true);
    // Outside the two metadata items, nothing changed.
    const mask = (b: Buffer) => {
      const copy = Buffer.from(b);
      for (const id of [2, 4]) for (const e of at.get(id)!) copy.fill(0, e.offset, e.offset + e.length);
      return copy;
    };
    expect(back.equals(mask(file))).toBe(true);
    // Neither the stored object (encrypted) nor anything left in the storage's tmp/ holds the marker.
    for (const f of storedFiles().filter((x) => !before.includes(x))) expect(readFileSync(f).includes(marker)).toBe(false);
    expect(storedFiles().filter((x) => x.includes(`${join(DIR, 'tmp')}`))).toEqual([]);

    // A layout that cannot be cleaned as it streams (its meta box after mdat) is refused, nothing kept.
    const late = heicLayout(
      [
        { id: 1, type: 'hvc1', data: tile },
        { id: 2, type: 'Exif', data: fakeExif(marker) },
      ],
      { mdatFirst: true },
    ).file;
    const refused = await upload('dir-xa-01', late, 'IMG_0003.HEIC', { kind: 'photo' });
    expectError(refused, 422, 'RULE_VIOLATION');
    expect(refused.body.details).toEqual([{ field: 'file', message: expect.stringContaining('mdat') }]);
    expect(JSON.stringify(refused.body)).not.toContain(marker);
    expect(storedFiles().length).toBe(before.length + 1);
  });

  it('re-encodes more photos at once than there are slots (they wait, none is refused), and refuses one of over 100 megapixels', async () => {
    const photos = await Promise.all(
      ['#a22', '#2a2', '#22a', '#aa2', '#2aa'].map((background, i) =>
        sharp({ create: { width: 300 + i, height: 200, channels: 3, background } })
          .jpeg()
          .withExif({ IFD0: { Copyright: `parallel-marker-${i}` } })
          .toBuffer(),
      ),
    );
    const answers = await Promise.all(photos.map((p, i) => upload('dir-xa-01', p, `p${i}.jpg`, { kind: 'photo' })));
    for (const [i, a] of answers.entries()) {
      expectStatus(a, 201);
      const back = (await download('dir-xa-01', a.body.id)).body as Buffer;
      expect(sha256(back)).toBe(a.body.sha256);
      expect(back.includes(`parallel-marker-${i}`)).toBe(false);
      expect((await sharp(back).metadata()).width).toBe(300 + i);
    }
    // A small JPEG whose frame header (SOF0) claims 12000 × 9000 pixels: refused from its header, before any decoding.
    const small = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const sof = small.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    const huge = Buffer.from(small);
    huge.writeUInt16BE(9000, sof + 5);
    huge.writeUInt16BE(12000, sof + 7);
    const res = await upload('dir-xa-01', huge, 'huge.jpg', { kind: 'photo' });
    expectError(res, 422, 'RULE_VIOLATION');
    expect(res.body.details).toEqual([{ field: 'file', message: expect.stringContaining('megapixels') }]);
  });

  it('refuses by content: a PDF named .jpg, text named .pdf, a ZIP that is no DOCX, an empty file (415, nothing stored)', async () => {
    const before = storedFiles();
    const count = async () => Number((await dataSourceOf(bed.api).query(`SELECT count(*) AS n FROM attachment WHERE case_id = $1`, [c.id]))[0].n);
    const rows = await count();
    expectError(await upload('dir-xa-01', pdf('x'), 'photo.jpg', { kind: 'photo' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await upload('dir-xa-01', Buffer.from('just some text, not a PDF at all\n'), 'report.pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await upload('dir-xa-01', Buffer.from('MZ\x90\x00 an executable pretending'), 'photo.jpg', { kind: 'photo' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await upload('dir-xa-01', zip({ 'a.txt': 'hello', 'b.txt': 'world' }), 'letter.docx'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(
      await upload('dir-xa-01', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]), 'broken.jpg', { kind: 'photo' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const empty = await upload('dir-xa-01', Buffer.alloc(0), 'empty.pdf');
    expect([400, 415]).toContain(empty.status);
    expect(storedFiles()).toEqual(before);
    expect(await count()).toBe(rows);
  });

  it('refuses a file over 20 MB with 413 and keeps nothing', async () => {
    const before = storedFiles();
    const res = await upload('dir-xa-01', pdf('too-big', 21 * MB), 'big.pdf');
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.body.details).toEqual([{ field: 'file', message: expect.stringContaining('at most') }]);
    expect(storedFiles()).toEqual(before);
    // An image is set aside (encrypted) before it is re-encoded: over the limit, that temporary object goes too.
    const photo = await upload('dir-xa-01', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(21 * MB)]), 'big.jpg', { kind: 'photo' });
    expectError(photo, 413, 'PAYLOAD_TOO_LARGE');
    expect(storedFiles()).toEqual(before);
  });

  it('names the missing or wrong field (400): kind, file, an unknown field', async () => {
    const noKind = await upload('dir-xa-01', pdf('k'), 'a.pdf', {});
    expectError(noKind, 400, 'VALIDATION_FAILED');
    expect(noKind.body.details).toEqual([{ field: 'kind', message: 'is required' }]);
    const badKind = await upload('dir-xa-01', pdf('k'), 'a.pdf', { kind: 'selfie' });
    expectError(badKind, 400, 'VALIDATION_FAILED');
    expect(badKind.body.details[0].field).toBe('kind');
    const noFile = await upload('dir-xa-01', null, 'a.pdf', { kind: 'photo' });
    expectError(noFile, 400, 'VALIDATION_FAILED');
    expect(noFile.body.details).toEqual([{ field: 'file', message: 'is required' }]);
    const extra = await upload('dir-xa-01', pdf('k'), 'a.pdf', { kind: 'photo', owner: 'x' });
    expectError(extra, 400, 'VALIDATION_FAILED');
    expect(extra.body.details[0].field).toBe('owner');
    const longNote = await upload('dir-xa-01', pdf('k'), 'a.pdf', { kind: 'photo', note: '字'.repeat(1001) });
    expectError(longNote, 400, 'VALIDATION_FAILED');
    expect(longNote.body.details[0].field).toBe('note');
    // JSON is not an upload; and multipart is refused by every other route.
    const json = await bed.api.http
      .post(path())
      .set(bearer(await bed.cc.token('dir-xa-01')))
      .send({ kind: 'photo' });
    expectError(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const elsewhere = await bed.api.http
      .post(`/api/cases/${c.id}/notes`)
      .set(bearer(await bed.cc.token('dir-xa-01')))
      .field('text', 'hello');
    expectError(elsewhere, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('serves a download as an attachment, never cached, and logs it as an identity read', async () => {
    const doc = pdf('download-check');
    const up = await upload('dir-xa-01', doc, '学校来函.pdf', { kind: 'school' });
    expectStatus(up, 201);
    const db = dataSourceOf(bed.api);
    const logged = async () =>
      Number(
        (
          await db.query(`SELECT count(*) AS n FROM access_log WHERE case_id = $1 AND 'attachments.content' = ANY(fields) AND actor_id = $2`, [
            c.id,
            await bed.cc.userId('leader'),
          ])
        )[0].n,
      );
    const before = await logged();
    // District leadership reads full case content: it may download too.
    const res = await download('leader', up.body.id);
    expectStatus(res, 200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="/);
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('学校来函.pdf')}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Number(res.headers['content-length'])).toBe(doc.length);
    expect(sha256(res.body as Buffer)).toBe(up.body.sha256);
    expect(await logged()).toBe(before + 1);
    const list = await bed.cc.get('leader', path());
    expectStatus(list, 200);
    expect(list.body.items.map((a: { id: string }) => a.id)).toContain(up.body.id);
  });

  it('retracts with a reason: marked in the list, on the timeline, no longer served, the encrypted file kept', async () => {
    const marker = 'RETRACTION-PLAINTEXT-MARKER-0123456789';
    const doc = pdf(marker);
    const up = await upload('dir-xa-01', doc, 'wrong-case.pdf', { kind: 'document' });
    expectStatus(up, 201);
    const id = up.body.id as string;

    const noReason = await bed.cc.post('dir-xa-01', `${path()}/${id}/retraction`, {});
    expectError(noReason, 400, 'VALIDATION_FAILED');
    expect(noReason.body.details[0].field).toBe('reason');
    expectError(await bed.cc.post('leader', `${path()}/${id}/retraction`, { reason: '错传' }), 403, 'FORBIDDEN');

    const res = await bed.cc.post('sup-xa', `${path()}/${id}/retraction`, { reason: '上传错了个案。' });
    expectStatus(res, 200);
    expect(res.body.retracted).toMatchObject({ reason: '上传错了个案。', by: await bed.cc.userId('sup-xa') });
    expectError(await bed.cc.post('sup-xa', `${path()}/${id}/retraction`, { reason: 'again' }), 409, 'CONFLICT');

    const list = (await bed.cc.get('dir-xa-01', path())).body.items as { id: string; retracted: unknown }[];
    expect(list.find((a) => a.id === id)?.retracted).toMatchObject({ reason: '上传错了个案。' });
    const events = (await bed.cc.timeline('dir-xa-01', c.id)).events;
    const added = events.find((e) => e.type === 'attachment.added' && e.data.attachmentId === id);
    expect(added?.data).toMatchObject({ kind: 'document', sha256: sha256(doc), size: doc.length });
    expect(JSON.stringify(added?.data)).not.toContain('wrong-case');
    expect(events.find((e) => e.type === 'attachment.retracted' && e.data.attachmentId === id)?.data).toMatchObject({ reason: '上传错了个案。' });

    expectError(await download('dir-xa-01', id), 404, 'NOT_FOUND');

    const file = await storedFileOf(id);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = readFileSync(file);
    expect(stored.includes(marker)).toBe(false);
    expect(stored.includes('%PDF-')).toBe(false);
    // The database keeps the row too: it refuses deletion.
    await expect(dataSourceOf(bed.api).query(`DELETE FROM attachment WHERE id = $1`, [id])).rejects.toThrow(/never deleted/);
  });

  it('answers out of scope with 404 and refuses leader and admin uploads with 403', async () => {
    const up = await upload('dir-xa-01', pdf('scope'), 'scope.pdf');
    expectStatus(up, 201);
    const other = 'dir-xa-02';
    expectError(await upload(other, pdf('scope'), 'scope.pdf'), 404, 'NOT_FOUND');
    // Scope first, whatever the body: a JSON body out of scope is 404 too (415 only in scope).
    expectError(
      await bed.api.http
        .post(path())
        .set(bearer(await bed.cc.token(other)))
        .send({ kind: 'photo' }),
      404,
      'NOT_FOUND',
    );
    expectError(await bed.cc.get(other, path()), 404, 'NOT_FOUND');
    expectError(await download(other, up.body.id), 404, 'NOT_FOUND');
    expectError(await bed.cc.post(other, `${path()}/${up.body.id}/retraction`, { reason: 'x' }), 404, 'NOT_FOUND');
    expectError(await download('dir-xa-01', '00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    expectError(await upload('leader', pdf('scope'), 'scope.pdf'), 403, 'FORBIDDEN');
    expectError(await upload('admin', pdf('scope'), 'scope.pdf'), 403, 'FORBIDDEN');
    expectError(await bed.cc.get('admin', path()), 403, 'FORBIDDEN');
  });

  it('seeds the demo sample photo through the upload pipeline: GPS removed, encrypted, once', async () => {
    const raw = await demoPhoto();
    expect((await sharp(raw).metadata()).exif).toBeDefined();
    expect(raw.includes('Shouhu demo')).toBe(true);
    const seeder = bed.api.app.get(DemoEvidenceSeeder, { strict: false });
    expect(await seeder.seed()).toEqual({ created: 1, skipped: false });
    expect(await seeder.seed()).toEqual({ created: 0, skipped: true });
    const [row] = await dataSourceOf(bed.api).query<{ id: string; case_id: string; kind: string; storage_key: string }[]>(
      `SELECT id, case_id, kind, storage_key FROM attachment WHERE file_name = $1`,
      [DEMO_PHOTO_NAME],
    );
    expect(row.kind).toBe('photo');
    const got = await download(DEMO_EVIDENCE_UPLOADER, row.id, row.case_id);
    expectStatus(got, 200);
    const photo = got.body as Buffer;
    const meta = await sharp(photo).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['jpeg', 640, 480, undefined]);
    expect(photo.includes('Shouhu demo')).toBe(false);
    expect(readFileSync(join(DIR, row.storage_key)).includes(photo.subarray(0, 200))).toBe(false);
    const events = (await bed.cc.timeline(DEMO_EVIDENCE_UPLOADER, row.case_id)).events;
    expect(events.some((e) => e.type === 'attachment.added' && e.data.attachmentId === row.id)).toBe(true);
  });

  it('streams a 19 MB file through: ciphertext size, hash and round trip', async () => {
    const big = pdf('nineteen', 19 * MB);
    const up = await upload('district1', big, 'big.pdf', { kind: 'medical' });
    expectStatus(up, 201);
    expect(up.body.size).toBe(big.length);
    expect(up.body.sha256).toBe(sha256(big));
    const file = await storedFileOf(up.body.id);
    // Header (magic, key id, wrapped data key, IVs) and GCM tag: a fixed overhead, no padding.
    const keyId = (await dataSourceOf(bed.api).query(`SELECT key_id FROM attachment WHERE id = $1`, [up.body.id]))[0].key_id as string;
    expect(statSync(file).size).toBe(big.length + 4 + 1 + Buffer.byteLength(keyId) + 12 + 16 + 32 + 12 + 16);
    const stored = readFileSync(file);
    expect(stored.includes(big.subarray(1000, 1064))).toBe(false);
    const back = await download('district1', up.body.id);
    expectStatus(back, 200);
    expect(sha256(back.body as Buffer)).toBe(up.body.sha256);
  });
});
