import { lazy, Suspense, useEffect } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useNavigate, useRouteError } from 'react-router';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { AppLayout } from './layout/AppLayout';
import { RequireAuth, RoleGate } from './layout/RequireAuth';
import { homePathFor, routes } from './routes';
import { setUnauthorizedHandler, shouldRetry, ApiError } from './api/client';
import { ErrorPage, PageLoading } from './components';
import { theme } from './layout/theme';
import './i18n/time';

const LoginPage = lazy(() => import('./pages/login/LoginPage'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: shouldRetry, staleTime: 15_000, refetchOnWindowFocus: true },
    mutations: { retry: false },
  },
});

function Home() {
  const { role } = useAuth();
  return <Navigate to={homePathFor(role)} replace />;
}

/** A render error or a failed lazy chunk: a page, not a white screen. */
function RouteError() {
  const error = useRouteError();
  return <ErrorPage level={1} error={error} onRetry={() => window.location.reload()} />;
}

/** A 401 anywhere sends the user to the login page with the current page remembered. */
function UnauthorizedRedirect() {
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      const here = `${window.location.pathname}${window.location.search}`;
      if (!here.startsWith('/login')) void navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate]);
  return null;
}

const router = createBrowserRouter([
  {
    path: '/login',
    element: (
      <Suspense fallback={<PageLoading />}>
        <LoginPage />
      </Suspense>
    ),
    errorElement: <RouteError />,
  },
  {
    path: '/',
    element: (
      <RequireAuth>
        <UnauthorizedRedirect />
        <AppLayout />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Home /> },
      ...routes.map((r) => ({
        path: r.path,
        element: (
          <RoleGate roles={r.roles}>
            <r.element />
          </RoleGate>
        ),
        errorElement: <RouteError />,
      })),
      { path: '*', element: <ErrorPage level={1} error={new ApiError({ status: 404, code: 'NOT_FOUND' })} /> },
    ],
  },
]);

export function App() {
  return (
    <ConfigProvider locale={zhCN} theme={theme} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <RouterProvider router={router} />
          </AuthProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
