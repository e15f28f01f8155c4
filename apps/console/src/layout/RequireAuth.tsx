import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import type { Role } from '../i18n/labels';
import { ErrorPage } from '../components';
import { ApiError } from '../api/client';

/** No session → the login page, with this page remembered (?next=…). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) {
    const next = `${location.pathname}${location.search}`;
    const signedOut = sessionStorage.getItem('shouhu.loginReason') === 'logout';
    return <Navigate to={next === '/' || signedOut ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** A page the signed-in role may not open: a plain 403 page. */
export function RoleGate({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { role } = useAuth();
  if (!role || !roles.includes(role)) return <ErrorPage level={1} error={new ApiError({ status: 403, code: 'FORBIDDEN' })} />;
  return <>{children}</>;
}
