/**
 * The side of the fuzzer that talks to the server (test/e2e/fuzz.e2e-spec.ts): the
 * compiled api as a process of its own, so that every line it logs is captured and
 * searched for identity canaries; a raw HTTP client (any method with any body, any
 * content type, duplicate query parameters); and the properties every answer must have.
 */
import { Agent, request as httpRequest } from 'node:http';
import { FuzzRequest, urlOf } from './fuzz-openapi';
import { launchApi, stopChild } from './processes';

// ── The api, every line it writes kept ──────────────────────────────────────

export interface LoggedApi {
  host: string;
  port: number;
  /** Everything written to stdout and stderr so far. */
  log(): string;
  /** What was written since the previous call (with a little overlap, so a value cut between two writes is still seen). */
  newLog(): string;
  stop(): Promise<void>;
}

/** dist/apps/api/src/main.js on a free port with the test environment plus `env`; resolves once it answers. */
export async function spawnLoggedApi(env: Record<string, string>, timeoutMs = 30_000): Promise<LoggedApi> {
  let text = '';
  let seen = 0;
  const { child, port, exited } = await launchApi(
    env,
    timeoutMs,
    (c) => (text += c),
    () => text,
  );
  return {
    host: '127.0.0.1',
    port,
    log: () => text,
    newLog() {
      const from = Math.max(0, seen - 256);
      seen = text.length;
      return text.slice(from);
    },
    stop: () => stopChild(child, exited),
  };
}

// ── Raw HTTP ────────────────────────────────────────────────────────────────

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Destroys the client's idle connections (the end of a run). */
export function closeClient(): void {
  agent.destroy();
}

export interface SentRequest {
  method: string;
  /** Path and query, already encoded. */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** One request; rejects when no answer comes within `timeoutMs` (a hang is a finding too). */
export function send(api: { host: string; port: number }, req: SentRequest, timeoutMs = 30_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body) headers['content-length'] = String(req.body.length);
    const r = httpRequest({ host: api.host, port: api.port, method: req.method, path: req.url, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    if (req.body) r.write(req.body);
    r.end();
  });
}

/** The wire form of a generated request: its URL, headers (a token for `token`), body bytes. */
export function wireOf(req: FuzzRequest, token: string | undefined, requestId: string): SentRequest {
  const headers: Record<string, string> = { 'x-request-id': requestId, accept: 'application/json' };
  if (req.auth.kind === 'caller' && token) headers.authorization = `Bearer ${token}`;
  if (req.auth.kind === 'tampered' && token) headers.authorization = `Bearer ${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  if (req.auth.kind === 'header') headers.authorization = req.auth.value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
  let body: Buffer | undefined;
  const b = req.body;
  if (b.kind === 'json') {
    const text = JSON.stringify(b.value);
    if (text !== undefined) body = Buffer.from(text, 'utf8');
    if (b.contentType) headers['content-type'] = b.contentType;
  } else if (b.kind === 'raw') {
    body = Buffer.from(b.text, 'utf8');
    if (b.contentType) headers['content-type'] = b.contentType;
  } else if (b.kind === 'multipart') {
    const boundary = `fz${requestId.replace(/[^A-Za-z0-9]/g, '')}`;
    const parts: Buffer[] = [];
    for (const [name, value] of b.fields) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
    }
    if (b.file) {
      const fileName = b.file.name.replace(/["\r\n]/g, '_');
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${b.file.type}\r\n\r\n`, 'utf8'),
      );
      parts.push(Buffer.from(b.file.bytes), Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    body = Buffer.concat(parts);
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  }
  return { method: req.method, url: urlOf(req), headers, body };
}

// ── Properties of every answer ──────────────────────────────────────────────

/** What is wrong with an answer (empty when nothing): no 5xx; api.md's error body; a field named by every validation error; no canary in an error. */
export function problemsOf(res: RawResponse, requestId: string, canaries: string[]): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  if (res.headers['x-request-id'] !== requestId) problems.push(`x-request-id ${String(res.headers['x-request-id'])}, sent ${requestId}`);
  if (res.status < 400) return problems;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    return [...problems, `an error answer that is not JSON: ${res.text.slice(0, 300)}`];
  }
  if (!String(res.headers['content-type'] ?? '').startsWith('application/json')) problems.push(`error content-type ${String(res.headers['content-type'])}`);
  if (body.statusCode !== res.status) problems.push(`statusCode ${String(body.statusCode)} in a ${res.status} answer`);
  if (typeof body.code !== 'string' || !/^[A-Z][A-Z_]+$/.test(body.code)) problems.push(`code ${JSON.stringify(body.code)}`);
  if (typeof body.message !== 'string' || body.message.length === 0) problems.push('no message');
  if (body.requestId !== requestId) problems.push(`requestId ${JSON.stringify(body.requestId)}`);
  const details = body.details;
  if (!Array.isArray(details)) problems.push('details is not an array');
  else {
    for (const d of details as Record<string, unknown>[]) {
      if (typeof d?.field !== 'string' || typeof d?.message !== 'string') problems.push(`a detail without field and message: ${JSON.stringify(d)}`);
    }
    // (A field may be "": the name of a query parameter sent without one.)
    if (body.code === 'VALIDATION_FAILED' && details.length === 0) {
      problems.push('a validation error that names no field');
    }
  }
  for (const c of canaries)
    if (res.text.includes(c) || res.text.includes(JSON.stringify(c).slice(1, -1))) problems.push(`the error shows the identity value ${c}`);
  return problems;
}

/** The answer with its request id taken out and the given values replaced, to compare an out-of-scope answer with an unknown-id one. */
export function comparable(res: RawResponse, replace: string[]): string {
  let text = res.text;
  for (const v of replace) text = text.split(v).join('<id>');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    delete body.requestId;
    return `${res.status} ${JSON.stringify(body)}`;
  } catch {
    return `${res.status} ${text}`;
  }
}

/** The log lines that hold a canary: `[canary, line]`. */
export function leaksIn(log: string, canaries: string[]): [string, string][] {
  const found: [string, string][] = [];
  for (const c of canaries) {
    const at = log.indexOf(c);
    if (at === -1) continue;
    const start = log.lastIndexOf('\n', at) + 1;
    const end = log.indexOf('\n', at);
    found.push([c, log.slice(start, end === -1 ? undefined : end).slice(0, 2000)]);
  }
  return found;
}
