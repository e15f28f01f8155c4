/**
 * Saving a file the API sends (CSV, XLSX). The request goes through the typed client, so it
 * carries the bearer token like every other call; the body is kept as a Blob and handed to
 * the browser as a download. Nothing is written to the URL (no token in a link).
 */
import { ApiError, unwrap } from '../../api/client';

export async function saveDownload(call: Promise<{ data?: unknown; error?: unknown; response: Response }>, fallbackName: string): Promise<void> {
  const settled = await call;
  const blob = await unwrap<Blob>(Promise.resolve(settled));
  if (!(blob instanceof Blob)) throw new ApiError({ status: 0, code: 'INTERNAL_ERROR' });
  const header = settled.response.headers.get('content-disposition') ?? '';
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header)?.[1];
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = name ? decodeURIComponent(name) : fallbackName;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** "2026-12-01" (Shanghai) → the instant that day starts, "+08:00". */
export const dayStart = (d: string): string => `${d}T00:00:00+08:00`;
/** The day after `d` starts: an exclusive upper bound that includes all of `d`. */
export function dayAfter(d: string): string {
  const t = new Date(`${d}T00:00:00+08:00`).getTime() + 86_400_000;
  const next = new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
  return `${next}T00:00:00+08:00`;
}
