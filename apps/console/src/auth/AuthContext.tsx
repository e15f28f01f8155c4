import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { LoginResult } from '../api/types';
import type { Role } from '../i18n/labels';
import { clearSession, getSession, setSession, subscribeSession, type Session, type SessionUser } from './session';

interface AuthValue {
  user: SessionUser | null;
  role: Role | null;
  login: (username: string, password: string) => Promise<SessionUser>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const session = useSyncExternalStore(subscribeSession, getSession, getSession);
  const queryClient = useQueryClient();

  const login = useCallback(
    async (username: string, password: string) => {
      const r = await unwrap<LoginResult>(api.POST('/api/auth/login', { body: { username, password } }));
      const s = r as unknown as Session;
      queryClient.clear();
      setSession({ accessToken: s.accessToken, expiresAt: s.expiresAt, user: s.user });
      sessionStorage.removeItem('shouhu.loginReason');
      return s.user;
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      // The server refuses this token from now on; sign out locally even if that fails.
      await unwrap(api.POST('/api/auth/logout'));
    } catch {
      /* offline or already expired: the local session goes anyway */
    }
    // Signing out on purpose: the login page should not offer to come back here.
    sessionStorage.setItem('shouhu.loginReason', 'logout');
    clearSession();
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo<AuthValue>(() => ({ user: session?.user ?? null, role: session?.user.role ?? null, login, logout }), [session, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The signed-in user; only for pages behind RequireAuth. */
export function useUser(): SessionUser {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a session');
  return user;
}
