/**
 * What the compiled api and worker print: pretty lines at a terminal in development
 * (npm start), JSON lines in production and whenever stdout is not a terminal (a pipe,
 * a file, a log collector, these tests). A terminal is a real pseudo-terminal made by
 * util-linux `script`, so the processes decide exactly as they do under npm start.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { configWith } from '@shouhu/config';
import { RedisClient } from '@shouhu/database';
import { deletePrefixed } from '../helpers/redis-cluster';
import { freePort } from '../helpers/redis-server';

const ROOT = join(__dirname, '..', '..');
const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');
const WORKER_MAIN = join(ROOT, 'dist/apps/worker/src/main.js');
const hasScript = spawnSync('script', ['--version']).status === 0;

interface Run {
  /** Everything written so far, without colours and carriage returns. */
  text: () => string;
  stop: () => Promise<void>;
}

/** Runs `node <main>` with `env`, its stdout and stderr a pseudo-terminal (`tty`) or pipes. */
function run(main: string, env: Record<string, string>, tty: boolean): Run {
  const command = [process.execPath, main];
  const child: ChildProcess = tty
    ? spawn('script', ['-qfec', command.map((a) => `'${a}'`).join(' '), '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn(command[0], command.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const chunks: string[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    text: () =>
      chunks
        .join('')
        // eslint-disable-next-line no-control-regex
        .replace(/\x1b\[[0-9;]*m/g, '')
        .replace(/\r/g, ''),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The whole group: `script` and the node process under it.
      process.kill(-(child.pid as number), 'SIGTERM');
      const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function until(what: string, probe: () => Promise<boolean> | boolean, output: () => string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The api on a free port; one request to /api/health/live once it answers; its output once the request line is written. */
async function apiOutput(env: Record<string, string>, tty: boolean): Promise<string> {
  const port = await freePort();
  const api = run(API_MAIN, { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env }, tty);
  try {
    const live = () =>
      fetch(`http://127.0.0.1:${port}/api/health/live?probe=1`).then(
        (r) => r.ok,
        () => false,
      );
    await until('the api to answer', live, api.text);
    await until('the request line', () => /health\/live/.test(api.text().split('listening on')[1] ?? ''), api.text);
    return api.text();
  } finally {
    await api.stop();
  }
}

const jsonLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{'));

(hasScript ? describe : describe.skip)('log lines', () => {
  beforeAll(() => {
    for (const main of [API_MAIN, WORKER_MAIN])
      if (!existsSync(main)) throw new Error(`${main} is missing: build first (scripts/test.sh does unless SHOUHU_NO_BUILD=1)`);
  });

  it('the api at a terminal in development (npm start): pretty, one line per request with method, path, status and time, no JSON', async () => {
    const text = await apiOutput({ NODE_ENV: 'development' }, true);
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: GET \/api\/health\/live 200 \d+ ms$/m);
    expect(text).toMatch(/INFO.*: api listening on http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(jsonLines(text)).toEqual([]);
    // The query string stays out of the pretty line.
    expect(text).not.toContain('probe=1');
  });

  it('the api at a terminal in production: JSON lines', async () => {
    const text = await apiOutput({ NODE_ENV: 'production' }, true);
    const request = jsonLines(text)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request completed');
    expect(request).toMatchObject({ level: 30, req: { method: 'GET', url: '/api/health/live?probe' }, res: { statusCode: 200 } });
    // The request's id, bound to every line of the request, and the request itself once, in its completion line.
    expect(request?.requestId).toEqual(expect.any(String));
    expect(jsonLines(text).filter((l) => l.includes('"req":'))).toHaveLength(1);
    expect(text).not.toMatch(/INFO.*: GET \/api\/health\/live 200/);
    // Of the query, the names only (a value may be a child's name typed into the search).
    expect(text).not.toContain('probe=1');
  });

  it('the api in development with stdout piped (to a file, a collector): JSON lines', async () => {
    const text = await apiOutput({ NODE_ENV: 'development' }, false);
    expect(jsonLines(text).length).toBeGreaterThan(3);
    expect(text.split('\n').filter((l) => l && !l.startsWith('{'))).toEqual([]);
  });

  it('the worker at a terminal in development: pretty; piped: JSON', async () => {
    const prefix = `shouhu-logs-${randomUUID().slice(0, 8)}`;
    const redis = RedisClient.connect(configWith({}), 'request');
    try {
      for (const tty of [true, false]) {
        const worker = run(WORKER_MAIN, { NODE_ENV: 'development', LOG_LEVEL: 'info', QUEUE_PREFIX: prefix }, tty);
        try {
          await until('"worker started"', () => worker.text().includes('worker started'), worker.text);
        } finally {
          await worker.stop();
        }
        const text = worker.text();
        if (tty) {
          expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: worker started$/m);
          expect(jsonLines(text)).toEqual([]);
        } else {
          expect(jsonLines(text).map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('worker started');
        }
      }
    } finally {
      await deletePrefixed(redis, prefix);
      redis.disconnect();
    }
  }, 60_000);
});
