/**
 * The console types its API calls with apps/console/src/api/schema.d.ts, which
 * openapi-typescript generates from the OpenAPI document. This fails while the
 * committed file is not what the running app's document generates, so a change of
 * a route or a view cannot land without the console seeing it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_TYPES_FILE, consoleTypes } from '../../scripts/openapi';
import { startApi, TestApi } from '../helpers/test-app';

/** The first line where two texts differ, to show in the failure. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  committed: ${a[i] ?? '(end of file)'}\n  generated: ${b[i] ?? '(end of file)'}`;
  }
  return 'none';
}

describe('the console’s generated API types', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it(`${CONSOLE_TYPES_FILE} is what openapi-typescript makes of /api/docs-json, byte for byte`, async () => {
    const res = await api.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    const generated = await consoleTypes(res.body as Record<string, unknown>);
    let committed: string;
    try {
      committed = readFileSync(join(__dirname, '..', '..', CONSOLE_TYPES_FILE), 'utf8');
    } catch {
      throw new Error(`${CONSOLE_TYPES_FILE} is missing: run \`npm run console:types\` and commit it`);
    }
    if (committed !== generated) {
      throw new Error(
        `${CONSOLE_TYPES_FILE} is stale (the API's OpenAPI document changed): run \`npm run console:types\` and commit the result.\n` +
          `First difference at ${firstDifference(committed, generated)}`,
      );
    }
  });

  it('describes a response for every route, so the console’s calls are typed', () => {
    const types = readFileSync(join(__dirname, '..', '..', CONSOLE_TYPES_FILE), 'utf8');
    expect(types).toContain('export interface paths');
    expect(types).toContain('export interface components');
    for (const schema of ['CaseDetailView', 'CaseListView', 'FiledCaseView', 'TimelineView', 'DeadlineView', 'ErrorBody']) {
      expect(types).toContain(`        ${schema}: {`);
    }
  });
});
