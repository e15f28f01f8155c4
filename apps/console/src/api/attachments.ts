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

/** What the file input offers (the server checks the content, not this list). */
export const ATTACHMENT_ACCEPT =
  'image/jpeg,image/png,image/heic,image/heif,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,.heic,.docx';
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

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

/** Uploads one file; the fields go first so the server can refuse a bad kind before reading the file. */
export function uploadAttachment(caseId: string, input: { file: File; kind: AttachmentKind; note?: string }): Promise<AttachmentView> {
  const form = new FormData();
  form.append('kind', input.kind);
  if (input.note?.trim()) form.append('note', input.note.trim());
  form.append('file', input.file, input.file.name);
  return unwrap(call(path(caseId), { method: 'POST', body: form }));
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
