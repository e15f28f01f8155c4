import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, getMetadataArgsStorage } from 'typeorm';
import { configWith } from '@shouhu/config';
import { dataSourceOptions } from '@shouhu/database';
import { Jurisdiction, User } from '@shouhu/org';

const ROOT = join(__dirname, '..', '..');

/**
 * Every entity class of the libraries: the foundation's, plus whatever a library
 * declares later under src/entities/ (the same files the migration CLI loads).
 */
type EntityClass = abstract new (...args: never[]) => object;

function allEntities(): EntityClass[] {
  for (const lib of readdirSync(join(ROOT, 'libs'))) {
    const dir = join(ROOT, 'libs', lib, 'src', 'entities');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.entity.ts'))) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded for their decorators only, as the migration CLI's glob loads them
      require(join(dir, file));
    }
  }
  const found = getMetadataArgsStorage()
    .tables.map((t) => t.target)
    .filter((t): t is EntityClass => typeof t === 'function');
  return [...new Set([Jurisdiction, User, ...found])];
}

describe('database schema', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource({ ...dataSourceOptions(configWith({}), 'shouhu-schema-test'), entities: allEntities(), extra: { max: 1 } });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  it('knows the foundation’s entities', () => {
    const tables = ds.entityMetadatas.map((m) => m.tableName);
    expect(tables).toEqual(expect.arrayContaining(['jurisdiction', 'user']));
  });

  it('has run every migration in migrations/', async () => {
    const files = readdirSync(join(ROOT, 'migrations')).filter((f) => /^\d+-[A-Za-z0-9]+\.ts$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    // A migration's name is its class name: <Name><timestamp>.
    const expected = files.map((f) => {
      const match = /export class (\w+) implements MigrationInterface/.exec(readFileSync(join(ROOT, 'migrations', f), 'utf8'));
      if (!match) throw new Error(`${f} declares no migration class`);
      return match[1];
    });
    const applied = await ds.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((m) => m.name).sort()).toEqual(expected.sort());
  });

  it('matches the entities: generating a migration now would produce nothing', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    const pending = sql.upQueries.map((q) => q.query.trim());
    if (pending.length > 0) {
      throw new Error(`the entities and the migrations disagree; run "npm run migration:generate -- <Name>" and review it. Pending:\n${pending.join(';\n')};`);
    }
    expect(pending).toEqual([]);
  });
});
