import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool, type PoolConfig } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@shouhu/config';
import { ReplicaReads } from './replica';

/** The part of a pg client a named statement needs. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * How many statement texts a process prepares (each on every pooled connection it runs on, where
 * PostgreSQL keeps it and its plan until the connection closes); texts beyond them run unnamed.
 * A hot statement has a handful of shapes (a read's filters and sorts, a filing's optional
 * columns); the bound keeps an unusual mix of filters from growing the server's memory without end.
 */
export const PREPARED_TEXTS_MAX = 64;

const names = new Map<string, string>();

/** The statement's name: the same text has the same one on every connection. Null once the bound is reached. */
export function statementName(text: string): string | null {
  const known = names.get(text);
  if (known !== undefined) return known;
  if (names.size >= PREPARED_TEXTS_MAX) return null;
  const name = `shouhu_${names.size + 1}`;
  names.set(text, name);
  return name;
}

/**
 * Runs a hot statement as a named prepared statement on the manager's connection (inside a
 * transaction, the transaction's; else one of the pool's, as manager.query would): parsed and
 * analysed once per connection. For statements whose plan does not depend on their values (a
 * lookup by key, an insert); a failure is pg's own error (severity, code), as safeErrorFields reads it.
 */
export async function preparedQuery<T>(manager: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const name = statementName(text);
  if (name === null) return manager.query<T[]>(text, values);
  const bound = manager.queryRunner;
  const own = bound === undefined || bound.isReleased;
  const runner = bound !== undefined && !bound.isReleased ? bound : manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as PgClient;
    const result = await client.query({ name, text, values });
    return result.rows as T[];
  } finally {
    if (own) await runner.release();
  }
}

/** pg's pool, as TypeORM's driver holds it: its options are those of every connection it makes. */
interface DriverPool {
  options: PoolConfig;
}

/**
 * The queue's pages: its statement is long (the page is rendered as JSON by PostgreSQL) and reads
 * few rows, so parsing and planning it cost the server more than running it. Here it is a named
 * prepared statement, parsed once per connection, and on the primary it runs in a pool of its own
 * (DB_QUEUE_POOL_SIZE) whose connections plan prepared statements once, generically
 * (plan_cache_mode = force_generic_plan): left to choose, PostgreSQL kept planning the largest
 * streets' pages anew each time, their fresh plan costing a little less than the generic one,
 * the same plan. Only statements whose best plan does not depend on their parameters' values may
 * come here (the caller keeps a LIKE prefix search away: its index range needs the pattern).
 * With replicas, reads go through ReplicaReads (prepared there too, planned as PostgreSQL chooses).
 * A request never holds a connection of this pool while asking another pool for one.
 */
@Injectable()
export class PreparedReads implements OnModuleDestroy {
  private readonly logger = new Logger(PreparedReads.name);
  private readonly size: number;
  private pool: Pool | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly replicas: ReplicaReads,
    @Optional() @Inject(AppConfig) config?: AppConfig,
  ) {
    this.size = config?.DB_QUEUE_POOL_SIZE ?? 4;
  }

  async query<T>(text: string, values: unknown[]): Promise<T[]> {
    if (this.replicas.replicaCount > 0) return this.replicas.read((m) => preparedQuery<T>(m, text, values));
    const name = statementName(text);
    if (name === null) return this.db.query<T[]>(text, values);
    this.replicas.counts.primary += 1;
    const result = await this.queuePool().query({ name, text, values });
    return result.rows as T[];
  }

  /** Its connections: those of the primary's pool (URL, timeouts) but for the plan cache mode and the size. */
  private queuePool(): Pool {
    if (this.pool) return this.pool;
    const primary = (this.db.driver as unknown as { master: DriverPool }).master;
    const options = [primary.options.options, '-c plan_cache_mode=force_generic_plan'].filter(Boolean).join(' ');
    this.pool = new Pool({ ...primary.options, max: this.size, options });
    // A connection that breaks while idle (the server restarted) leaves the pool; the error says nothing of the data.
    this.pool.on('error', (error) => this.logger.warn({ msg: 'idle queue connection failed', error: error.message }));
    return this.pool;
  }

  /** Its pool (total, idle, waiting), for /metrics; null before the first page. */
  poolStats(): { total: number; idle: number; waiting: number } | null {
    return this.pool ? { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount } : null;
  }

  async onModuleDestroy(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }
}
