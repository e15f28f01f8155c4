/**
 * What may be logged about an error: its class, the SQLSTATE or system error code,
 * the constraint, table and column it names, and the stack frames. Never the
 * message of a database error (PostgreSQL quotes values in messages and details),
 * never the query's parameters: those hold children's names, addresses, phones
 * and narratives.
 */
export interface SafeErrorFields {
  type: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
  message?: string;
  stack?: string;
}

interface DriverLike {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
  severity?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, 120) : undefined);

/** True for errors raised by PostgreSQL or its driver (their messages may quote values). */
export function isDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; driverError?: unknown; severity?: unknown; query?: unknown };
  return e.name === 'QueryFailedError' || e.driverError !== undefined || e.severity !== undefined || e.query !== undefined;
}

/** Stack frames only: the first line of a stack repeats the message. */
function frames(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 15)
    .join('\n');
}

export function safeErrorFields(error: unknown): SafeErrorFields {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const e = error as Error & DriverLike & { driverError?: DriverLike };
  const driver: DriverLike = e.driverError ?? e;
  const out: SafeErrorFields = { type: str(e.name) ?? str(e.constructor?.name) ?? 'Error' };
  const code = str(driver.code) ?? str(e.code);
  if (code) out.code = code;
  for (const key of ['constraint', 'table', 'column', 'routine'] as const) {
    const v = str(driver[key]);
    if (v) out[key] = v;
  }
  // Messages of our own code and of the runtime name no person; the driver's may quote values.
  if (!isDatabaseError(error) && typeof e.message === 'string') out.message = e.message.slice(0, 300);
  const stack = frames(e.stack);
  if (stack) out.stack = stack;
  return out;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable|Client was closed and is not queryable|Connection refused|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * True when the error says PostgreSQL could not be reached or dropped the
 * connection (server stopped, restarting, overloaded), as opposed to a query
 * that failed: the request may be retried once the server is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } };
  const code = typeof e.driverError?.code === 'string' ? e.driverError.code : typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
  const message = typeof e.driverError?.message === 'string' ? e.driverError.message : typeof e.message === 'string' ? e.message : '';
  return UNAVAILABLE_MESSAGES.test(message);
}
