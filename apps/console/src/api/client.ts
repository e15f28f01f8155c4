/**
 * The one way to call the API: a typed openapi-fetch client (paths from schema.d.ts) that
 * sends the bearer token, notices 401 (back to login, page remembered), offline and 503,
 * and `unwrap`, which turns every non-2xx into an ApiError with a Chinese message.
 *
 *   const page = await unwrap<CaseList>(api.GET('/api/cases', { params: { query: { sort: 'dueAt' } } }));
 *
 * With React Query: `useQuery({ queryKey: ['cases', q], queryFn: () => unwrap<CaseList>(api.GET(...)) })`.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { clearSession, getToken } from '../auth/session';
import { connectivity } from './connectivity';
import { ERROR_CODE_LABELS, STATUS_CODE_LABELS, conditionMessageText, fieldText, messageText } from '../i18n/labels';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A refused or failed request. `status` 0 means the network failed (no answer at all). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: FieldProblem[];
  readonly requestId?: string;
  /** 429/503: seconds to wait, from Retry-After. */
  readonly retryAfterSeconds?: number;
  /** The server's own (English) message, for logs and the 422 text; never shown alone. */
  readonly serverMessage?: string;

  constructor(init: { status: number; code: string; details?: FieldProblem[]; requestId?: string; retryAfterSeconds?: number; serverMessage?: string }) {
    super(ERROR_CODE_LABELS[init.code] ?? STATUS_CODE_LABELS[init.status] ?? `请求失败（${init.status}），请稍后重试。`);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.serverMessage = init.serverMessage;
  }

  get isStale(): boolean {
    return this.status === 409 && this.code === 'STALE_VERSION';
  }
  get isNetwork(): boolean {
    return this.status === 0;
  }
  /** Each field problem in Chinese: "出生日期：不能晚于当前时间"; an unmet closure condition as "<condition>：<why>". */
  get detailTexts(): string[] {
    return this.details.map((d) => {
      const field = fieldText(d.field);
      return field ? `${field}：${messageText(d.message)}` : conditionMessageText(d.message);
    });
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** Called (once per 401) so the app can go to the login page with the current page remembered. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    connectivity.responded(response.status);
    // A 401 from the login form itself is a wrong password, not an expired session.
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/api/auth/login') && getToken()) {
      sessionStorage.setItem('shouhu.loginReason', 'expired');
      clearSession();
      onUnauthorized?.();
    }
    return response;
  },
  onError() {
    connectivity.requestFailed();
  },
};

export const api = createClient<paths>({ baseUrl: typeof window === 'undefined' ? '' : window.location.origin });
api.use(auth);

function retryAfter(response: Response): number | undefined {
  const h = response.headers.get('Retry-After');
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, Math.ceil(s));
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, Math.ceil((t - Date.now()) / 1000)) : undefined;
}

interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Await an `api.GET/POST/...` call: the body on 2xx, else throws ApiError. */
export async function unwrap<T>(call: Promise<CallResult>): Promise<T> {
  let result: CallResult;
  try {
    result = await call;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    connectivity.requestFailed();
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR' });
  }
  const { response } = result;
  if (response.ok) return result.data as T;
  const body = (result.error ?? {}) as { code?: string; message?: string; details?: FieldProblem[]; requestId?: string };
  throw new ApiError({
    status: response.status,
    code: typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
    details: Array.isArray(body.details) ? body.details : [],
    requestId: body.requestId ?? response.headers.get('x-request-id') ?? undefined,
    retryAfterSeconds: retryAfter(response),
    serverMessage: typeof body.message === 'string' ? body.message : undefined,
  });
}

/** React Query retry policy: retry only when nothing answered or the service was down. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && (error.status === 0 || error.status === 503)) return failureCount < 2;
  return false;
}
