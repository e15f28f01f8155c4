/**
 * Evidence attachments (附件). Multipart is not in the generated types (schema.d.ts), so
 * these calls are written by hand with fetch and FormData; they carry the bearer token and
 * go through `unwrap` like every other call, so errors read the same (ApiError, Chinese text).
 */
import { getToken } from '../auth/session';
import { unwrap } from './client';

export type AttachmentKind = 'photo' | 'medical' | 'police' | 'school' | 'document' | 'other';

export const ATTACHMENT_KIND_LABELS: Record<AttachmentKind, string> = {
  photo: '照片 (photo)',
  medical: '病历/诊断 (medical)',
  police: '报警回执 (police)',
  school: '学校函件 (school)',
  document: '文书 (document)',
  other: '其他 (other)',
};

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** What the file input offers: any image (so a phone offers its camera and gallery), PDF and DOCX. The server checks the content, not this list. */
export const ATTACHMENT_ACCEPT = `image/*,application/pdf,${DOCX},.jpg,.jpeg,.png,.heic,.heif,.pdf,.docx`;
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

/** The types the server keeps (JPEG, PNG, HEIC, PDF, DOCX), by the browser's type or, when it has none (HEIC on many desks), by the name. */
const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence', 'application/pdf', DOCX];
const ACCEPTED_EXTENSIONS = /\.(jpe?g|png|heic|heif|pdf|docx)$/i;

/**
 * Why this file cannot be sent, before a byte of it leaves the phone (a 20 MB photo on a
 * slow line should fail at once, not after the upload); null when it may be sent. The
 * server still checks the content: a renamed file is refused there (415).
 */
export function attachmentProblem(file: Pick<File, 'name' | 'size' | 'type'>): string | null {
  if (file.size === 0) return '文件是空的（0 字节），请重新选择。';
  if (file.size > ATTACHMENT_MAX_BYTES) return `文件过大：附件最大 20 MB，此文件 ${(file.size / 1024 / 1024).toFixed(1)} MB。请压缩后再上传，或分成几个文件。`;
  const type = file.type.toLowerCase();
  const known = type ? ACCEPTED_TYPES.includes(type) : ACCEPTED_EXTENSIONS.test(file.name);
  if (!known) return '文件类型不支持：只接受 JPEG、PNG、HEIC 照片，PDF 或 Word (DOCX) 文档。';
  return null;
}

export interface AttachmentView {
  id: string;
  caseId: string;
  kind: AttachmentKind;
  fileName: string;
  size: number;
  contentType: string;
  sha256: string;
  note: string | null;
  uploadedAt: string;
  uploadedBy: string;
  retracted: { at: string; by: string; reason: string } | null;
}

interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

const base = () => (typeof window === 'undefined' ? '' : window.location.origin);
const path = (caseId: string) => `${base()}/api/cases/${encodeURIComponent(caseId)}/attachments`;

/** fetch with the token, shaped like an openapi-fetch result for `unwrap` (body as JSON, or as a Blob for a file). */
async function call(url: string, init: RequestInit = {}, as: 'json' | 'blob' = 'json'): Promise<CallResult> {
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const response = await fetch(url, { ...init, headers });
  if (response.ok) return { data: as === 'blob' ? await response.blob() : await response.json(), response };
  return { error: await response.json().catch(() => ({})), response };
}

export function listAttachments(caseId: string): Promise<{ items: AttachmentView[] }> {
  return unwrap(call(path(caseId)));
}

/** How far an upload is: bytes sent of the whole request body. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Uploads one file; the fields go first so the server can refuse a bad kind before reading
 * the file. XMLHttpRequest, not fetch: only it reports how much of the body was sent
 * (`onProgress`), which a phone on a slow line needs to see. The answer goes through
 * `unwrap` like every other call.
 */
export function uploadAttachment(
  caseId: string,
  input: { file: File; kind: AttachmentKind; note?: string },
  onProgress?: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<AttachmentView> {
  const form = new FormData();
  form.append('kind', input.kind);
  if (input.note?.trim()) form.append('note', input.note.trim());
  form.append('file', input.file, input.file.name);
  const sent = new Promise<CallResult>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path(caseId));
    const token = getToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : input.file.size });
    xhr.onload = () => {
      const headers = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      const response = new Response(null, { status: xhr.status, headers });
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : {};
      } catch {
        body = {};
      }
      resolve(response.ok ? { data: body, response } : { error: body, response });
    };
    // No answer at all: `unwrap` turns the rejection into the network error (status 0).
    xhr.onerror = () => reject(new TypeError('network error'));
    xhr.onabort = () => reject(new TypeError('upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
  return unwrap(sent);
}

export function retractAttachment(caseId: string, attachmentId: string, reason: string): Promise<AttachmentView> {
  return unwrap(
    call(`${path(caseId)}/${encodeURIComponent(attachmentId)}/retraction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
    }),
  );
}

/** The file's bytes (the download is logged by the server); nothing goes into a URL. */
export function attachmentContent(caseId: string, attachmentId: string): Promise<CallResult> {
  return call(`${path(caseId)}/${encodeURIComponent(attachmentId)}/content`, {}, 'blob');
}
