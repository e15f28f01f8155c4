import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig, processConfig } from '@shouhu/config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Source files (.ts under jest or ts tools) or compiled output (.js under dist/). */
const ext = __filename.endsWith('.ts') ? 'ts' : 'js';
/** The repository root, or dist/ when compiled: both hold libs/ and migrations/. */
const root = join(__dirname, '..', '..', '..');

export const ENTITY_GLOB = join(root, 'libs', '*', 'src', 'entities', `*.entity.${ext}`);
export const MIGRATION_GLOB = join(root, 'migrations', `*.${ext}`);

/**
 * One definition of how Shouhu talks to PostgreSQL, shared by the Nest apps,
 * the migration CLI and the tests. synchronize is never on: the schema changes
 * only through migrations.
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'DATABASE_URL' | 'DB_POOL_SIZE'> & Partial<Pick<AppConfig, 'DB_CONNECT_TIMEOUT_MS'>>,
  applicationName = 'shouhu',
  replicas: string[] = [],
): DataSourceOptions {
  return {
    type: 'postgres',
    // With replicas (libs/database/src/replica.ts): TypeORM replication, every statement on the
    // primary ('master') unless ReplicaReads runs it on a replica explicitly.
    ...(replicas.length > 0
      ? { replication: { master: { url: config.DATABASE_URL }, slaves: replicas.map((url) => ({ url })), defaultMode: 'master' as const } }
      : { url: config.DATABASE_URL }),
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    applicationName,
    // pg's pipeline mode: a statement is written when it is asked for, not when the one before it
    // has its answer. Callers await each statement as before; TransactionRunner writes BEGIN with the
    // transaction's first statement and COMMIT with its last (a filing: two round trips, not four).
    // No cursor or streamed query runs on these connections (pg refuses them in this mode, loudly).
    extra: { max: config.DB_POOL_SIZE, connectionTimeoutMillis: config.DB_CONNECT_TIMEOUT_MS ?? 3000, statement_timeout: 30000, pipeline: true },
  };
}

/** A DataSource with every entity and migration, for migrations and seeding outside Nest. */
export function createCliDataSource(config: Pick<AppConfig, 'DATABASE_URL' | 'DB_POOL_SIZE'> = processConfig()): DataSource {
  return new DataSource({ ...dataSourceOptions(config, 'shouhu-cli'), entities: [ENTITY_GLOB], migrations: [MIGRATION_GLOB] });
}
