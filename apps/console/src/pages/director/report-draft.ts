/**
 * The report being written is kept in localStorage until the server answers 2xx: a
 * closed tab, a dead battery or a lost connection must never lose a child report.
 * One draft per user (the key holds the user id) so a colleague signing in on the same
 * phone does not see it.
 */
import { dayjs } from '../../i18n/time';

const WALL = 'YYYY-MM-DDTHH:mm:ss';
const key = (userId: string) => `shouhu.reportDraft.${userId}`;

export interface StoredDraft<V> {
  values: V;
  step: number;
  savedAt: string;
}

/** dayjs values become { $wall } so they come back as the same wall-clock times. */
function encode(v: unknown): unknown {
  if (dayjs.isDayjs(v)) return { $wall: v.format(WALL) };
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}
function decode(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && '$wall' in v) return dayjs((v as { $wall: string }).$wall);
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

export function loadDraft<V>(userId: string): StoredDraft<V> | null {
  try {
    const raw = localStorage.getItem(key(userId));
    if (!raw) return null;
    const d = JSON.parse(raw) as StoredDraft<unknown>;
    return { values: decode(d.values) as V, step: d.step ?? 0, savedAt: d.savedAt };
  } catch {
    return null;
  }
}

/** Returns false when the browser refused (storage full or disabled): the page then warns. */
export function saveDraft<V>(userId: string, values: V, step: number): boolean {
  try {
    localStorage.setItem(key(userId), JSON.stringify({ values: encode(values), step, savedAt: new Date().toISOString() }));
    return true;
  } catch {
    return false;
  }
}

/** Only after the server confirmed the report (2xx), or when the user chooses to discard it. */
export function clearDraft(userId: string): void {
  localStorage.removeItem(key(userId));
}
