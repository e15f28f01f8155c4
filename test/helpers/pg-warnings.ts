/**
 * Every test file fails if pg warned that a client was handed a statement while it was still
 * running one: the work started several statements at once on one connection (a transaction's,
 * say), which pg only queues today and pg 9 will refuse. Registered for every file by
 * jest.config.js (setupFilesAfterEnv); the warning comes once per file (each file loads pg anew).
 */
import { runInThisContext } from 'node:vm';

/** Node's own process object: pg warns through it, not through the copy jest gives each test file. */
const hostProcess = runInThisContext('process') as NodeJS.Process;
const seen: string[] = [];
/**
 * Not ours: TypeORM's schema builder (test/e2e/schema.e2e-spec.ts compares the entities with the
 * migrated schema through it) reads the catalogue with several statements at once on its one
 * connection. Nothing else runs it: synchronize is off, and the schema changes by migrations only.
 */
const LIBRARY_ONLY = /RdbmsSchemaBuilder\.log/;
const onWarning = (warning: Error): void => {
  const where = warning.stack ?? warning.message;
  if (/already executing a query/.test(warning.message) && !LIBRARY_ONLY.test(where)) seen.push(where);
};

beforeAll(() => {
  hostProcess.on('warning', onWarning);
});

afterAll(() => {
  hostProcess.off('warning', onWarning);
  expect(seen).toEqual([]);
});
