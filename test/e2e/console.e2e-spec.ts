/**
 * The browser console served by the api at / (apps/console/dist, which npm test builds):
 * its files with the right caching, index.html for every other page path, and the api's
 * paths left to the api. Also run in Chromium under the api's CSP.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DEFAULT_CONSOLE_DIR } from '@shouhu/config';
import { ASSET_CACHE, PAGE_CACHE } from '../../apps/api/src/http/console';
import { bearer, expectError, startApi, TestApi, tokenFor } from '../helpers/test-app';

const INDEX = join(DEFAULT_CONSOLE_DIR, 'index.html');
/** Run in the page: React rendered into #root (a string, as this file is compiled without the DOM's types). */
const ROOT_RENDERED = "(document.getElementById('root')?.childElementCount ?? 0) > 0";

describe('the console at /', () => {
  let api: TestApi;
  let index: string;
  let entryScript: string;

  beforeAll(async () => {
    if (!existsSync(INDEX)) throw new Error(`the console is not built (${INDEX}): run npm run build, or npm test, which builds it`);
    index = readFileSync(INDEX, 'utf8');
    entryScript = (/<script type="module"[^>]* src="(\/assets\/[^"]+\.js)"/.exec(index) ?? [])[1];
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const expectIndex = (res: { status: number; text: string; headers: Record<string, string> }) => {
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe(PAGE_CACHE);
    expect(res.text).toBe(index);
  };

  it('answers / with index.html, revalidated on every load', async () => {
    expectIndex(await api.http.get('/'));
    expectIndex(await api.http.get('/index.html'));
  });

  it('answers a page path of the console (client-side route) with index.html', async () => {
    for (const path of [
      '/cases/00000000-0000-4000-8000-000000000000',
      '/queue?status=submitted',
      '/login',
      '/stats/',
      '/%E4%B8%AA%E6%A1%88',
      '/apix',
      '/metricsx',
    ]) {
      const res = await api.http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expectIndex(res);
    }
  });

  it('serves hashed assets as immutable for a year, with their content type', async () => {
    expect(entryScript).toBeDefined();
    const res = await api.http.get(entryScript);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe(ASSET_CACHE);
    expect(res.headers.etag).toBeDefined();
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(index)?.[1];
    if (css) expect((await api.http.get(css)).headers['content-type']).toMatch(/^text\/css/);
    const head = await api.http.head(entryScript);
    expect(head.status).toBe(200);
    expect(head.headers['cache-control']).toBe(ASSET_CACHE);
  });

  it('never serves what lies outside the console’s folder, nor dotfiles', async () => {
    for (const path of ['/..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/.env', '/assets/.hidden']) {
      const res = await api.http.get(path);
      expect({ path, leaked: res.text.includes('"name": "shouhu"') }).toEqual({ path, leaked: false });
      expect({ path, status: res.status }).toEqual({ path, status: expect.any(Number) });
      expect(res.status).not.toBe(500);
    }
  });

  it('leaves /api and /metrics to the api: an unknown path there is still the JSON 404', async () => {
    for (const path of ['/api', '/api/', '/api/nowhere', '/api/cases/00000000-0000-4000-8000-000000000000/nowhere', '/metrics/nowhere', '/%61pi/nowhere']) {
      const res = await api.http.get(path);
      try {
        expectError(res, 404, 'NOT_FOUND');
      } catch (error) {
        throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
      }
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    // Other methods on a console path are not pages either.
    expectError(await api.http.post('/').send({}), 404, 'NOT_FOUND');
  });

  it('keeps Cache-Control: no-store on the api and /metrics', async () => {
    const token = await tokenFor(api, 'sup-xa');
    for (const res of [
      await api.http.get('/api/health'),
      await api.http.get('/api/me').set(bearer(token)),
      await api.http.get('/metrics'),
      await api.http.get('/api/docs-json'),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('sends the CSP with every page: scripts from the origin only, inline styles allowed (antd)', async () => {
    const csp = (await api.http.get('/')).headers['content-security-policy'];
    const directives = Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(expect.arrayContaining(["'self'", "'unsafe-inline'"]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
  });

  describe('without a built console', () => {
    let bare: TestApi;
    const warn = jest.spyOn(Logger.prototype, 'warn');
    beforeAll(async () => {
      warn.mockClear();
      bare = await startApi({ CONSOLE_DIR: join(DEFAULT_CONSOLE_DIR, 'no-such-folder') });
    });
    afterAll(async () => {
      warn.mockRestore();
      await bare?.close();
    });

    it('the api still starts and serves, says once that the console is not built, and / is the JSON 404', async () => {
      expect((await bare.http.get('/api/health')).status).toBe(200);
      expectError(await bare.http.get('/'), 404, 'NOT_FOUND');
      expectError(await bare.http.get('/cases/x'), 404, 'NOT_FOUND');
      const lines = warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('console is not built'));
      expect(lines).toHaveLength(1);
    });
  });

  describe('in Chromium', () => {
    /** Listening on a real port: the browser needs one. */
    let url: string;
    beforeAll(async () => {
      await api.app.listen({ port: 0, host: '127.0.0.1' });
      url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    });

    it('loads and renders the console without a CSP violation or a failed script', async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
        await page.goto(`${url}/`, { waitUntil: 'networkidle' });
        await page.waitForFunction(ROOT_RENDERED, undefined, { timeout: 10000 });
        // A client-side route loads the same page (the fallback), and antd's inline styles apply.
        await page.goto(`${url}/cases/00000000-0000-4000-8000-000000000000`, { waitUntil: 'networkidle' });
        await page.waitForFunction(ROOT_RENDERED, undefined, { timeout: 10000 });
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 60000);
  });
});
