import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { Duplex, PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { Actor } from '@shouhu/access';
import { CaseErrors, CaseRepository, caseScope, CaseWriter } from '@shouhu/cases';
import { AppConfig } from '@shouhu/config';
import { charCount, DomainError, FieldProblem } from '@shouhu/errors';
import { AuditService, EventType } from '@shouhu/timeline';
import { AttachmentRepository } from './attachment.repository';
import { AttachmentListView, AttachmentView, attachmentView } from './attachment.views';
import { DocxCheck, extensionOf, sniff, SNIFF_BYTES, typeClaimedBy } from './content-type';
import { ATTACHMENT_KINDS, AttachmentKind, AttachmentType, FILE_NAME_MAX_CHARS, NOTE_MAX_CHARS } from './domain';
import type { Attachment } from './entities/attachment.entity';
import { EvidenceErrors } from './evidence.errors';
import { FILE_TAG_BYTES, FileCipher, MAX_HEADER_BYTES } from './file-cipher';
import { HeicScrub } from './heic';
import { ImageRefusal, ImageScrubber } from './image-scrubber';
import { AttachmentStorage } from './storage/attachment-storage';
import { FILE_TOO_LARGE, UploadForm, UploadPart } from './upload-form';

/** The access log's field for a download of an attachment's content (an identity read: photos show the child). */
export const ATTACHMENT_CONTENT_FIELD = 'attachments.content';

const FORM_FIELDS = ['file', 'kind', 'note'];

/** A file written to the storage, not yet recorded. */
interface StoredFile {
  key: string;
  size: number;
  sha256: string;
  contentType: AttachmentType;
  fileName: string;
}

/** A download: what it is and its plaintext, streaming. */
export interface AttachmentContent {
  attachment: AttachmentView;
  stream: Readable;
}

/**
 * Evidence (附件, domain.md §12). An upload streams through: type sniffed from its
 * first bytes → images without their metadata (EXIF, GPS, XMP: JPEG and PNG re-encoded
 * by sharp, the orientation applied first; HEIC's metadata items zeroed) → SHA-256 and
 * size of what is kept (the cleaned file, as served) → AES-256-GCM with a
 * per-file key → the storage, atomically. Only then is the row written, with the
 * `attachment.added` event, in one transaction on the locked case. Nothing is deleted:
 * a retraction hides the attachment with its reason on the timeline.
 */
@Injectable()
export class AttachmentsService {
  /** Re-encodes JPEG and PNG a few at a time, in bounded memory (see ImageScrubber). */
  private readonly images: ImageScrubber;

  constructor(
    private readonly attachments: AttachmentRepository,
    private readonly storage: AttachmentStorage,
    private readonly cipher: FileCipher,
    private readonly cases: CaseRepository,
    private readonly writer: CaseWriter,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {
    this.images = new ImageScrubber(storage, config.ATTACHMENT_MAX_BYTES);
  }

  async upload(actor: Actor, caseId: string, form: UploadForm): Promise<AttachmentView> {
    // Out of scope: 404 before a byte of the file is read.
    if (!(await this.cases.findInScope(caseId, caseScope(actor, 'update')))) throw CaseErrors.notFound();
    const fields = new Map<string, string>();
    let stored: StoredFile | undefined;
    try {
      for await (const part of form) {
        if (part.type === 'field') {
          this.acceptField(fields, part.name, part.value);
          continue;
        }
        const refusal =
          part.name !== 'file'
            ? { field: part.name, message: 'is not a field of an attachment (send the file as "file")' }
            : stored
              ? { field: 'file', message: 'only one file per upload' }
              : kindProblem(fields, false);
        if (refusal) {
          part.stream.resume();
          throw CaseErrors.invalidInput([refusal]);
        }
        stored = await this.store(part);
      }
      const input = this.checkedInput(fields, stored);
      let row: Attachment | undefined;
      await this.writer.write(actor, caseId, async (ctx) => {
        row = await this.attachments.insert(ctx.manager, {
          caseId: ctx.c.id,
          kind: input.kind,
          fileName: input.file.fileName,
          size: input.file.size,
          contentType: input.file.contentType,
          sha256: input.file.sha256,
          storageKey: input.file.key,
          keyId: this.cipher.currentKeyId,
          note: input.note,
          uploadedById: actor.id,
          uploadedAt: new Date(),
        });
        // No file name on the timeline: it may name the child.
        await this.writer.event(ctx.manager, ctx.c, actor, EventType.AttachmentAdded, {
          data: { attachmentId: row.id, kind: row.kind, contentType: row.contentType, size: row.size, sha256: row.sha256 },
        });
      });
      return attachmentView(row as Attachment);
    } catch (error) {
      if (stored) await this.storage.discard(stored.key);
      throw error;
    }
  }

  /** The case's attachments, metadata only (retracted ones marked); 404 outside the caller's read scope. */
  async list(actor: Actor, caseId: string): Promise<AttachmentListView> {
    if (!(await this.cases.findInScope(caseId, caseScope(actor, 'read')))) throw CaseErrors.notFound();
    return { items: (await this.attachments.ofCase(caseId)).map(attachmentView) };
  }

  /**
   * The file, decrypted as it streams. Logged in the access log first (field
   * attachments.content). A retracted attachment's file is kept but no longer
   * served: 404, like an attachment that never was.
   */
  async open(actor: Actor, caseId: string, attachmentId: string): Promise<AttachmentContent> {
    const c = await this.cases.findInScope(caseId, caseScope(actor, 'read'));
    if (!c) throw CaseErrors.notFound();
    const a = await this.attachments.find(c.id, attachmentId);
    if (!a) throw EvidenceErrors.attachmentNotFound();
    if (a.retractedAt) throw DomainError.notFound('attachment (it was retracted)');
    const stream = await this.decrypted(a.storageKey);
    await this.audit.recordAccess({
      at: new Date(),
      actorId: actor.id,
      actorRole: actor.role,
      caseId: c.id,
      districtId: c.districtId,
      fields: [ATTACHMENT_CONTENT_FIELD],
    });
    return { attachment: attachmentView(a), stream };
  }

  /** Hides the attachment with a reason (on the timeline); the encrypted file stays. */
  async retract(actor: Actor, caseId: string, attachmentId: string, reason: string): Promise<AttachmentView> {
    let view: AttachmentView | undefined;
    await this.writer.write(actor, caseId, async (ctx) => {
      const a = await this.attachments.lock(ctx.manager, ctx.c.id, attachmentId);
      if (!a) throw EvidenceErrors.attachmentNotFound();
      if (a.retractedAt) throw EvidenceErrors.alreadyRetracted();
      await this.attachments.retract(ctx.manager, a.id, actor.id, reason);
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.AttachmentRetracted, { data: { attachmentId: a.id, kind: a.kind, reason } });
      view = attachmentView((await this.attachments.find(ctx.c.id, a.id, ctx.manager)) as Attachment);
    });
    return view as AttachmentView;
  }

  private acceptField(fields: Map<string, string>, name: string, value: string): void {
    if (!FORM_FIELDS.includes(name) || name === 'file') throw EvidenceErrors.invalid(name, 'is not a field of an attachment');
    if (fields.has(name)) throw EvidenceErrors.invalid(name, 'is given twice');
    fields.set(name, value);
  }

  private checkedInput(fields: Map<string, string>, file: StoredFile | undefined): { kind: AttachmentKind; note: string | null; file: StoredFile } {
    const problems: FieldProblem[] = [];
    if (!file) problems.push({ field: 'file', message: 'is required' });
    const kind = kindProblem(fields, true);
    if (kind) problems.push(kind);
    const note = fields.get('note');
    if (note !== undefined && charCount(note) > NOTE_MAX_CHARS) problems.push({ field: 'note', message: `must be at most ${NOTE_MAX_CHARS} characters` });
    if (note?.includes('\u0000')) problems.push({ field: 'note', message: 'must not contain NUL characters' });
    if (problems.length > 0) throw CaseErrors.invalidInput(problems);
    return { kind: fields.get('kind') as AttachmentKind, note: note?.trim() ? note : null, file: file as StoredFile };
  }

  /**
   * Streams one file through the checks, the scrubbing, the hash and the cipher into the
   * storage. JPEG and PNG are set aside (encrypted) and re-encoded in one of a few slots
   * (ImageScrubber: sharp holds a whole image); HEIC is cleaned as it streams (HeicScrub);
   * PDF and DOCX stream straight through.
   */
  private async store(part: Extract<UploadPart, { type: 'file' }>): Promise<StoredFile> {
    const { head, stream } = await peek(part.stream, SNIFF_BYTES);
    const sniffed = sniff(head);
    if (!sniffed) {
      stream.resume();
      throw EvidenceErrors.unsupported(head.length === 0 ? 'the file is empty' : 'its content is none of these types');
    }
    const contentType = sniffed === 'zip' ? AttachmentType.Docx : sniffed;
    const fileName = cleanFileName(part.fileName, contentType);
    const claimed = typeClaimedBy(fileName);
    if (claimed && claimed !== contentType) {
      stream.resume();
      throw EvidenceErrors.unsupported(`its name says ${claimed} but its content is ${sniffed === 'zip' ? 'a ZIP archive' : contentType}`);
    }

    const stages: Duplex[] = [];
    if (sniffed === 'zip') stages.push(new DocxCheck(() => EvidenceErrors.unsupported('a ZIP archive that is not a Word document (DOCX)')));
    if (contentType === AttachmentType.Heic) stages.push(new HeicScrub((reason) => EvidenceErrors.heicNotCleanable(reason)));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    const write = (source: Readable) => this.write(source, [...stages, meter]);
    let key: string | undefined;
    try {
      if (contentType === AttachmentType.Jpeg || contentType === AttachmentType.Png) {
        const spooled = await this.images.spool(stream);
        try {
          if (part.truncated()) throw EvidenceErrors.tooLarge(this.config.ATTACHMENT_MAX_BYTES);
          key = await this.images.reencode(spooled, contentType, write);
        } finally {
          await this.images.discard(spooled);
        }
      } else {
        key = await write(stream);
      }
      if (part.truncated()) throw EvidenceErrors.tooLarge(this.config.ATTACHMENT_MAX_BYTES);
    } catch (error) {
      if (key) await this.storage.discard(key);
      stream.resume();
      if (part.truncated() || errorCode(error) === FILE_TOO_LARGE) throw EvidenceErrors.tooLarge(this.config.ATTACHMENT_MAX_BYTES);
      if (error instanceof ImageRefusal)
        throw error.kind === 'too_many_pixels' ? EvidenceErrors.imageTooLarge(error.reason) : EvidenceErrors.unsupported(error.reason);
      throw error;
    }
    // What is stored and served is the cleaned file: its size and SHA-256 are those of the cleaned bytes.
    return { key, size, sha256: hash.digest('hex'), contentType, fileName };
  }

  /** Streams `source` through `stages` and the cipher into the storage; resolves to the key, leaving nothing behind on failure. */
  private async write(source: Readable, stages: Duplex[]): Promise<string> {
    const sink = new PassThrough();
    const [flow, put] = await Promise.allSettled([pipeline([source, ...stages, this.cipher.encryptor(), sink]), this.storage.put(sink)]);
    if (flow.status === 'fulfilled' && put.status === 'fulfilled') return put.value;
    if (put.status === 'fulfilled') await this.storage.discard(put.value);
    throw flow.status === 'rejected' ? flow.reason : (put as PromiseRejectedResult).reason;
  }

  /** The plaintext of a stored file, streaming: header and tag read first, then the ciphertext between them. */
  private async decrypted(key: string): Promise<Readable> {
    const total = await this.storage.size(key);
    const header = this.cipher.header(await readAll(this.storage.get(key, { start: 0, end: Math.min(total, MAX_HEADER_BYTES) - 1 })));
    const tag = await readAll(this.storage.get(key, { start: total - FILE_TAG_BYTES, end: total - 1 }));
    const body = total - FILE_TAG_BYTES > header.length ? this.storage.get(key, { start: header.length, end: total - FILE_TAG_BYTES - 1 }) : Readable.from([]);
    const decryptor = this.cipher.decryptor(header, tag);
    body.on('error', (error) => decryptor.destroy(error));
    return body.pipe(decryptor);
  }
}

/** The kind field's problem, if any (`required`: whether a missing kind is one yet). */
function kindProblem(fields: Map<string, string>, required: boolean): FieldProblem | undefined {
  const kind = fields.get('kind');
  if (kind === undefined) return required ? { field: 'kind', message: 'is required' } : undefined;
  if (!ATTACHMENT_KINDS.includes(kind as AttachmentKind)) return { field: 'kind', message: `must be one of ${ATTACHMENT_KINDS.join(', ')}` };
  return undefined;
}

/** The uploader's file name without any path, control characters or excess length; a neutral one when none is left. */
export function cleanFileName(given: string | undefined, type: AttachmentType): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const controls = /[\u0000-\u001f\u007f]/g;
  const name = basename((given ?? '').replace(/\\/g, '/'))
    .replace(controls, '')
    .trim();
  if (!name) return `attachment.${extensionOf(type)}`;
  const chars = [...name];
  if (chars.length <= FILE_NAME_MAX_CHARS) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return chars.slice(0, FILE_NAME_MAX_CHARS - ext.length).join('') + ext;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Reads the first `bytes` bytes (fewer if the stream is shorter) and gives back a stream that still starts with them. */
function peek(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (ended: boolean) => {
      source.off('readable', onReadable);
      source.off('end', onEnd);
      source.off('error', reject);
      const head = Buffer.concat(chunks);
      if (ended) return resolve({ head, stream: Readable.from(head.length > 0 ? [head] : []) });
      source.unshift(head);
      resolve({ head, stream: source });
    };
    const onEnd = () => done(true);
    const onReadable = () => {
      let chunk: Buffer | null;
      while (length < bytes && (chunk = source.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        length += chunk.length;
      }
      if (length >= bytes) done(false);
    };
    source.on('readable', onReadable);
    source.once('end', onEnd);
    source.once('error', reject);
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
