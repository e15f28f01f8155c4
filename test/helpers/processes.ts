/**
 * The compiled api as a process of its own (to read what it really logs), and a
 * TCP relay in front of PostgreSQL that a test can cut and restore, so the API
 * sees the database go away and come back while the shared server keeps running.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from './redis-server';

const ROOT = join(__dirname, '..', '..');
export const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');

export interface ApiProcess {
  url: string;
  /** Every line the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A dist api process on a free port, once it answered /api/health/live (spawnApi, and the fuzzer's spawnLoggedApi). */
export interface LaunchedApi {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
}

/**
 * Spawns dist/apps/api/src/main.js on a free port with the test environment plus `env`, hands every chunk it writes
 * (stdout and stderr) to `onOutput`, and resolves once /api/health/live answers; `output()` goes into the error otherwise.
 */
export async function launchApi(env: Record<string, string>, timeoutMs: number, onOutput: (chunk: string) => void, output: () => string): Promise<LaunchedApi> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: build first (scripts/test.sh does unless SHOUHU_NO_BUILD=1)`);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [API_MAIN], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => onOutput(c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => onOutput(c.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`api exited early:\n${output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`api did not answer within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, exited };
}

/** Spawns dist/apps/api/src/main.js on a free port with the test environment plus `env`; resolves once /api/health/live answers. */
export async function spawnApi(env: Record<string, string>, timeoutMs = 20_000): Promise<ApiProcess> {
  const chunks: string[] = [];
  const { child, port, exited } = await launchApi(
    env,
    timeoutMs,
    (c) => chunks.push(c),
    () => chunks.join(''),
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    output: () => chunks.join(''),
    stop: () => stopChild(child, exited),
  };
}

/** Stops a child process: SIGTERM, then SIGKILL after 8 s; resolves once it exited (`exited`). */
export async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

/** A relay from a loopback port to the real PostgreSQL; `cut()` drops every connection and refuses new ones until `restore()`. */
export class TcpRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpRelay> {
    const relay = new TcpRelay(await freePort(), target);
    await relay.restore();
    return relay;
  }

  /** The URL with its host and port replaced by the relay's. */
  urlFor(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = createConnection(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
