/**
 * Browser tests on the real stack: the compiled api (serving the built console at /)
 * and a real worker on the test database and Redis, driven by Debian's Chromium
 * through playwright-core (no browser download reaches these machines).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { spawnApi, ApiProcess } from './processes';
import { startWorker, WorkerProcess } from './deadlines';
import type { CaseDetail } from './cases';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '..', '..', '.shouhu', 'screenshots');
export const CONSOLE_DIST = join(__dirname, '..', '..', 'apps', 'console', 'dist');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };

export interface Stack {
  api: ApiProcess;
  worker: WorkerProcess;
  browser: Browser;
  stop(): Promise<void>;
}

/** The api and a worker as processes of their own, and a headless Chromium. */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const api = await spawnApi({ LOG_LEVEL: 'warn', LOGIN_MAX_ATTEMPTS_PER_IP: '100000', ...env });
  // (the worker keeps its info level: startWorker waits for its "worker started" line)
  const worker = await startWorker(env);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    api,
    worker,
    browser,
    async stop() {
      await browser.close().catch(() => undefined);
      await Promise.all([worker.stop(), api.stop()]);
    },
  };
}

/** A fresh browser context (its own storage) at phone or desk size, in Chinese, on Beijing time. */
export async function newPage(stack: Stack, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({
    baseURL: stack.api.url,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  (page as Page & { problems?: string[] }).problems = problems;
  return { context, page };
}

/** Uncaught errors the page raised so far (a test expects none). */
export const pageErrors = (page: Page): string[] => (page as Page & { problems?: string[] }).problems ?? [];

/** Axe on the page as it is: the serious and critical violations, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Every demo user's password in the test stack. */
export const DEMO_PASSWORD = 'shouhu-demo';

/** Signs in through the login page and waits until the console has left it. */
export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByRole('textbox', { name: '用户名' }).fill(username);
  await page.getByRole('textbox', { name: '密码' }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/**
 * Reads `read()` every 50 ms until `holds` says yes or `timeoutMs` has passed; the last value read.
 * (Polled from here: the console's CSP forbids the string evaluation waitForFunction needs.)
 */
async function polled<T>(page: Page, read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  let value = await read();
  for (const until = Date.now() + timeoutMs; !holds(value) && Date.now() < until;) {
    await page.waitForTimeout(50);
    value = await read();
  }
  return value;
}

/**
 * Expects the element's attribute to read `expected`, waiting up to 10 s for it: the console
 * renders after the event that changed it, so a read straight after a click or a check can see
 * the value before. A value that never comes fails with the last one read.
 */
export async function expectAttribute(locator: Locator, name: string, expected: string): Promise<void> {
  const value = await polled(
    locator.page(),
    () => locator.getAttribute(name),
    (v) => v === expected,
  );
  expect({ attribute: name, value }).toEqual({ attribute: name, value: expected });
}

/**
 * Expects the element's text to contain `expected` (or match it), waiting up to 10 s for it, for
 * text that an action changes in place: a read straight after it can see the text before.
 */
export async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  const holds = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  const text = await polled(locator.page(), () => locator.innerText(), holds);
  if (typeof expected === 'string') expect(text).toContain(expected);
  else expect(text).toMatch(expected);
}

/** Pictures the page as people read it, then expects no serious axe violation and no page error. */
export async function checkPage(page: Page, name: string): Promise<void> {
  // Tables fade in once loaded: check (and picture) them as they are read, not while they load.
  await page.locator('.ant-spin-blur').waitFor({ state: 'detached' });
  // A message toast (antd's, gone after 3 s) starts fading out on its own clock: axe, taking a second
  // or more on a loaded machine, judged a half-transparent one's contrast. The page is read without them.
  const toasts = page.locator('.ant-message-notice');
  await polled(
    page,
    () => toasts.count(),
    (n) => n === 0,
  );
  // A transition read half-way (a button fading into its loading state) has colours of neither
  // state, and axe judged its contrast on some runs: let finite animations end first (2 s at most;
  // spinners and progress stripes run forever and are not waited for).
  await page.evaluate(
    `Promise.race([
      Promise.all(document.getAnimations()
        .filter((a) => !a.effect || a.effect.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined))),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ])`,
  );
  await screenshot(page, name);
  expect({ page: name, violations: await seriousViolations(page) }).toEqual({ page: name, violations: [] });
  expect({ page: name, errors: pageErrors(page) }).toEqual({ page: name, errors: [] });
}

/**
 * What the first page loads: the entry script and the modules index.html preloads,
 * with their gzip sizes (bytes).
 */
export function firstPageScripts(): { file: string; gzip: number }[] {
  const html = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+\.js)"/g)].map((m) => m[1]);
  return [...new Set(files)].map((file) => ({ file, gzip: gzipSync(readFileSync(join(CONSOLE_DIST, file)), { level: 9 }).length }));
}

/**
 * The stack's api over plain HTTP, for the set-up steps of a browser test (the steps the
 * test is not about): logs in once per demo user and answers status and JSON body.
 */
export class StackApi {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    private readonly password = 'shouhu-demo',
  ) {}

  async token(username: string): Promise<string> {
    const known = this.tokens.get(username);
    if (known) return known;
    const res = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: this.password }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as { accessToken: string }).accessToken;
    this.tokens.set(username, token);
    return token;
  }

  async call(username: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: CaseDetail }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.token(username)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as CaseDetail };
  }

  /** The answer's body; throws with the body when the status is not `status`. */
  async expect(status: number, username: string, method: string, path: string, body?: unknown): Promise<CaseDetail> {
    const res = await this.call(username, method, path, body);
    if (res.status !== status) throw new Error(`${method} ${path} as ${username}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A workflow action with the case's current version. */
  act(username: string, c: { id: string; version: number }, action: string, payload: Record<string, unknown> = {}): Promise<CaseDetail> {
    return this.expect(200, username, 'POST', `/api/cases/${c.id}/transitions`, { action, version: c.version, ...payload });
  }
}
