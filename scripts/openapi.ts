/**
 * The api's OpenAPI document, and the console's types generated from it, without
 * listening on a port (npm run console:types):
 *   node dist/scripts/openapi.js [--json <file>] [--types <file>]
 * The app is created as the api creates it, so it needs PostgreSQL and Redis
 * (the npm script brings them up). test/e2e/console-types.e2e-spec.ts fails when
 * the committed types differ from what this writes.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { ConfigError, processConfig } from '@shouhu/config';
import { createApiApp } from '../apps/api/src/app';
import { createOpenApiDocument } from '../apps/api/src/openapi';

/** Where the console imports its types from (`paths`, `components`), relative to the repository root. */
export const CONSOLE_TYPES_FILE = 'apps/console/src/api/schema.d.ts';

/** The TypeScript the console's openapi-fetch client is typed with: openapi-typescript's defaults, its own header. */
export async function consoleTypes(document: OpenAPIObject | Record<string, unknown>): Promise<string> {
  // openapi-typescript may annotate what it is given: hand it a copy.
  const ast = await openapiTS(JSON.parse(JSON.stringify(document)) as Parameters<typeof openapiTS>[0], { silent: true });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}

/** The document as a stable, readable file: two-space JSON and a final newline. */
export const documentJson = (document: OpenAPIObject): string => `${JSON.stringify(document, null, 2)}\n`;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}

async function main(): Promise<void> {
  const jsonFile = argument('--json');
  const typesFile = argument('--types');
  if (!jsonFile && !typesFile) throw new Error('usage: node dist/scripts/openapi.js [--json <file>] [--types <file>]');
  const app = await createApiApp(processConfig(), { logger: false });
  try {
    const document = createOpenApiDocument(app);
    if (jsonFile) write(jsonFile, documentJson(document));
    if (typesFile) write(typesFile, await consoleTypes(document));
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `openapi: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
