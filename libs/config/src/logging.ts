import type { DestinationStream, LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

/** Keys that hold identity, narrative, secrets or SQL parameters, wherever they appear in a log line (up to four levels deep). */
const IDENTITY_KEYS = [
  'child',
  'guardians',
  'idNumber',
  'address',
  'school',
  'narrative',
  'reporterName',
  'reporterPhone',
  'reporterOrg',
  'phone',
  'location',
  'password',
  'passwordHash',
  'parameters',
  'driverError',
  'detail',
  'body',
];
/** pino's `redact` paths of the api and the worker: censored before a line is written, whichever the format. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...IDENTITY_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]),
];

export type LogFormat = 'pretty' | 'json';

/**
 * Pretty lines for a person at a terminal (stdout is a TTY and NODE_ENV is neither production
 * nor test: `npm start`); JSON everywhere else (production, stdout piped to a file or a
 * collector, tests).
 */
export function logFormatFor(stdout: { isTTY?: boolean }, nodeEnv: string): LogFormat {
  return stdout.isTTY === true && nodeEnv !== 'production' && nodeEnv !== 'test' ? 'pretty' : 'json';
}

interface LogLine {
  [key: string]: unknown;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  context?: string;
  requestId?: string;
}

/** A request: `GET /api/cases 200 12 ms` (the path without its query string); anything else: `[Context] message`. */
export function prettyMessage(log: LogLine, messageKey: string): string {
  const { req, res } = log;
  if (req?.method && typeof res?.statusCode === 'number') {
    const path = (req.url ?? '').split('?')[0];
    const time = typeof log.responseTime === 'number' ? ` ${Math.round(log.responseTime)} ms` : '';
    return `${req.method} ${path} ${res.statusCode}${time}`;
  }
  const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
  const request = typeof log.requestId === 'string' ? ` (request ${log.requestId})` : '';
  const message = log[messageKey];
  return `${context}${typeof message === 'string' ? message : message === undefined ? '' : JSON.stringify(message)}${request}`;
}

/**
 * pino-pretty, in process (so the message format can be a function), writing to stdout or to
 * `destination`. It formats what pino wrote, so `redact` has already censored the line.
 */
export function prettyLogStream(destination?: NodeJS.WritableStream): DestinationStream {
  return pretty({
    ...(destination ? { destination, colorize: false } : { destination: 1, sync: true }),
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    // Shown in the message (prettyMessage) or of no use to a person at a terminal.
    ignore: 'pid,hostname,context,req,res,responseTime,requestId',
    messageFormat: (log, messageKey) => prettyMessage(log, messageKey),
  });
}

/**
 * nestjs-pino's `pinoHttp` for these options: the options alone (JSON lines on stdout), or
 * with a pretty stream when logFormatFor says so. The options, `redact` included, are the same.
 */
export function withLogFormat<T extends LoggerOptions>(options: T, nodeEnv: string, stdout: { isTTY?: boolean } = process.stdout): T | [T, DestinationStream] {
  return logFormatFor(stdout, nodeEnv) === 'pretty' ? [options, prettyLogStream()] : options;
}
