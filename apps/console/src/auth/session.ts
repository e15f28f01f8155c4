import type { Role } from '../i18n/labels';

/** The signed-in user as /api/auth/login and /api/me describe it. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  jurisdiction: { id: string; level: string; name: string; path?: string };
}

export interface Session {
  accessToken: string;
  expiresAt: string;
  user: SessionUser;
}

/**
 * The session lives in sessionStorage: it dies with the tab, is never shared with another
 * tab a colleague opens on the same computer, and is not readable by other origins.
 */
const KEY = 'shouhu.session';
const listeners = new Set<() => void>();
let cached: Session | null | undefined;

export function getSession(): Session | null {
  if (cached !== undefined) return cached;
  try {
    const raw = sessionStorage.getItem(KEY);
    const s = raw ? (JSON.parse(raw) as Session) : null;
    cached = s && Date.parse(s.expiresAt) > Date.now() ? s : null;
  } catch {
    cached = null;
  }
  return cached;
}

export function getToken(): string | null {
  return getSession()?.accessToken ?? null;
}

export function setSession(s: Session): void {
  cached = s;
  sessionStorage.setItem(KEY, JSON.stringify(s));
  listeners.forEach((l) => l());
}

export function updateSessionUser(user: SessionUser): void {
  const s = getSession();
  if (s) setSession({ ...s, user });
}

export function clearSession(): void {
  cached = null;
  sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
