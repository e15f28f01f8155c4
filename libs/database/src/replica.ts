import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AppConfig } from '@shouhu/config';
import { DomainError, safeErrorFields } from '@shouhu/errors';
import { within } from './bounded';

/** The replica URLs of DATABASE_REPLICA_URLS, in order; none when unset. */
export function replicaUrls(config: Pick<AppConfig, 'DATABASE_REPLICA_URLS'>): string[] {
  return (config.DATABASE_REPLICA_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

/** A replica named for logs: its position in DATABASE_REPLICA_URLS and its host and port, never its user or password. */
export function replicaLabel(url: string, index: number): string {
  try {
    const u = new URL(url);
    return `replica ${index + 1} (${u.hostname}:${u.port || '5432'})`;
  } catch {
    return `replica ${index + 1}`;
  }
}

/**
 * The replicas that answer now, as a streaming standby (pg_is_in_recovery), within waitMs each.
 * TypeORM opens a connection to every replica when it starts and fails the whole start when one
 * refuses: a replica that is down at start-up is left out (reads go to the primary and the others)
 * until the process restarts.
 */
export async function reachableReplicas(
  urls: string[],
  waitMs: number,
  logger: Pick<Logger, 'warn'> = new Logger('ReplicaReads'),
  primaryUrl?: string,
): Promise<string[]> {
  const answers = await Promise.all(
    urls.map(async (url, index) => {
      // A replica URL naming another database than DATABASE_URL (a tool or test that points DATABASE_URL
      // elsewhere and inherits the replicas) would answer reads from the wrong data: never used.
      if (primaryUrl !== undefined && databaseOf(url) !== databaseOf(primaryUrl)) {
        logger.warn({ msg: 'replica names another database than DATABASE_URL: left out', replica: replicaLabel(url, index) });
        return null;
      }
      const client = new Client({ connectionString: url, connectionTimeoutMillis: waitMs, application_name: 'shouhu-replica-probe' });
      client.on('error', () => undefined);
      try {
        await within(waitMs, client.connect());
        const rows = await within(waitMs, client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby'));
        if (!rows.rows[0]?.standby)
          logger.warn({
            msg: 'not a standby (pg_is_in_recovery is false): its reads wait for nothing, they go to the primary',
            replica: replicaLabel(url, index),
          });
        return url;
      } catch (error) {
        logger.warn({
          msg: 'replica unreachable at start-up: left out until the next start',
          replica: replicaLabel(url, index),
          error: safeErrorFields(error),
        });
        // A server that accepted the connection and never answered: end() would wait on it.
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        return null;
      } finally {
        void client.end().catch(() => undefined);
      }
    }),
  );
  return answers.filter((u): u is string => u !== null);
}

/** The database a URL names (its path), '' when it cannot be read. */
function databaseOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  } catch {
    return '';
  }
}

/** The pg pool of one replica, as TypeORM's Postgres driver keeps it (driver.slaves). */
interface PgPool {
  options: { max: number };
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

interface ReplicatedDriver {
  isReplicated: boolean;
  slaves: PgPool[];
}

/** Where replica reads went, for tests and /metrics. */
export interface ReplicaReadCounts {
  /** Served by a replica. */
  replica: number;
  /** Served by the primary because no replica was usable (none configured, one failing, or behind). */
  primary: number;
  /** Of those, because the replica had not replayed the primary's position within DB_REPLICA_WAIT_MS. */
  lagging: number;
  /** Of those, because a replica failed (refused, dropped, cancelled the statement). */
  failed: number;
}

interface ReplicaState {
  pool: PgPool;
  label: string;
  /** Reads skip this replica until then (ms since the epoch) after it failed or lagged. */
  downUntil: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The runner with its statements queued one after another: the work may start several at once
 * (Promise.all over repositories), which one pg connection would otherwise be handed concurrently
 * (deprecated by pg, removed in pg 9).
 */
function serialised(runner: QueryRunner): QueryRunner {
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  runner.query = ((...args: unknown[]) => {
    const result = tail.then(() => query(...args));
    tail = result.catch(() => undefined);
    return result;
  }) as QueryRunner['query'];
  return runner;
}

/**
 * Reads that may be served by a streaming replica (DATABASE_REPLICA_URLS): the queue, a case's
 * detail, its timeline, the statistics. Everything else uses the primary: TypeORM's replication
 * defaultMode is 'master' (data-source-options.ts), so no statement reaches a replica unless it
 * runs in `read()` here.
 *
 * Consistency (read-your-own-writes, across processes too): as a read starts, the primary tells its
 * WAL flush position (pg_current_wal_flush_lsn(): every transaction acknowledged so far, by any api
 * process or worker, lies before it, since COMMIT answers only after the flush with synchronous_commit on).
 * The read runs on a replica only once that replica has replayed past it (pg_last_wal_replay_lsn()),
 * which it waits for up to DB_REPLICA_WAIT_MS; so no read returns a state older than one already
 * acknowledged to anyone. The primary answers one trivial statement per read; the read itself, the
 * heavy part, runs on the replica.
 *
 * Failure: a replica that refuses, drops the connection, cancels the statement (a recovery conflict)
 * or stays behind is skipped for DB_REPLICA_RETRY_MS and the read is repeated on the primary, after
 * the replica's connection went back to its pool (a read never holds one connection while asking a
 * pool for another). Errors of the work itself (DomainError) are the caller's and are not repeated.
 */
@Injectable()
export class ReplicaReads {
  private readonly logger = new Logger(ReplicaReads.name);
  private readonly waitMs: number;
  private readonly retryMs: number;
  private readonly poolSize: number;
  private replicas: ReplicaState[] | null = null;
  private next = 0;
  readonly counts: ReplicaReadCounts = { replica: 0, primary: 0, lagging: 0, failed: 0 };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Optional() @Inject(AppConfig) config?: AppConfig,
  ) {
    this.waitMs = config?.DB_REPLICA_WAIT_MS ?? 50;
    this.retryMs = config?.DB_REPLICA_RETRY_MS ?? 5000;
    this.poolSize = config?.DB_REPLICA_POOL_SIZE ?? 10;
  }

  /** How many replicas this process reads from (those reachable at start-up). */
  get replicaCount(): number {
    return this.states().length;
  }

  /** The pools of the replicas (total, idle, waiting), for /metrics. */
  pools(): { total: number; idle: number; waiting: number }[] {
    return this.states().map(({ pool }) => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
  }

  /**
   * Runs read-only work on a replica that has replayed every write acknowledged before the call,
   * else on the primary. The work gets an EntityManager bound to one connection: pass it to every
   * repository call (statements in it run one after another on that connection), and never write through it.
   */
  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const replica = this.pick();
    if (!replica) return this.onPrimary(work);
    const fence = await this.primaryPosition();
    const runner = serialised(this.db.createQueryRunner('slave'));
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await runner.release().catch(() => undefined);
    };
    try {
      try {
        await this.connectTo(runner, replica);
        if (!(await this.caughtUp(runner, fence))) {
          this.counts.lagging += 1;
          this.skip(replica, 'replica behind the primary beyond DB_REPLICA_WAIT_MS: reads go to the primary for a while', undefined);
          await release();
          return await this.onPrimary(work);
        }
      } catch (error) {
        this.counts.failed += 1;
        this.skip(replica, 'replica failed: reads go to the primary for a while', error);
        await release();
        return await this.onPrimary(work);
      }
      let result: T;
      try {
        result = await work(runner.manager);
      } catch (error) {
        if (error instanceof DomainError) throw error;
        this.counts.failed += 1;
        this.skip(replica, 'read failed on the replica: repeated on the primary', error);
        await release();
        return await this.onPrimary(work);
      }
      this.counts.replica += 1;
      return result;
    } finally {
      await release();
    }
  }

  private onPrimary<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    this.counts.primary += 1;
    return work(this.db.manager);
  }

  /** The replicas, once the DataSource made their pools; each pool sized DB_REPLICA_POOL_SIZE. */
  private states(): ReplicaState[] {
    if (this.replicas) return this.replicas;
    const driver = this.db.driver as unknown as Partial<ReplicatedDriver>;
    if (!this.db.isInitialized || !driver.isReplicated || !Array.isArray(driver.slaves)) return [];
    // TypeORM gives every pool the same options.extra (DB_POOL_SIZE); a pg pool reads max on each connect.
    for (const pool of driver.slaves) pool.options.max = this.poolSize;
    this.replicas = driver.slaves.map((pool, index) => ({ pool, label: `replica ${index + 1}`, downUntil: 0 }));
    return this.replicas;
  }

  /** The next usable replica, round robin; null when none is. */
  private pick(): ReplicaState | null {
    const all = this.states();
    const now = Date.now();
    for (let i = 0; i < all.length; i++) {
      const candidate = all[(this.next + i) % all.length];
      if (candidate.downUntil <= now) {
        this.next = (this.next + i + 1) % all.length;
        return candidate;
      }
    }
    return null;
  }

  private skip(replica: ReplicaState, msg: string, error: unknown): void {
    const wasUp = replica.downUntil <= Date.now();
    replica.downUntil = Date.now() + this.retryMs;
    if (wasUp) this.logger.warn({ msg, replica: replica.label, retryInMs: this.retryMs, ...(error === undefined ? {} : { error: safeErrorFields(error) }) });
  }

  /** The primary's WAL flush position now (its connection is back in the pool before the replica's is asked for). */
  private async primaryPosition(): Promise<string> {
    const rows: { lsn: string }[] = await this.db.query('SELECT pg_current_wal_flush_lsn()::text AS lsn');
    return rows[0].lsn;
  }

  /**
   * Connects the runner to this replica. TypeORM picks a replica at random (driver.obtainSlaveConnection):
   * for the moment of the call, which asks its pool synchronously, it sees only the one chosen here.
   */
  private async connectTo(runner: QueryRunner, replica: ReplicaState): Promise<void> {
    const driver = this.db.driver as unknown as ReplicatedDriver;
    const all = driver.slaves;
    driver.slaves = [replica.pool];
    let connecting: Promise<unknown>;
    try {
      connecting = runner.connect() as Promise<unknown>;
    } finally {
      driver.slaves = all;
    }
    await connecting;
  }

  /** Whether the replica has replayed past the fence, polling until DB_REPLICA_WAIT_MS. */
  private async caughtUp(runner: QueryRunner, fence: string): Promise<boolean> {
    const deadline = Date.now() + this.waitMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 10)) {
      const rows = (await runner.query('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [fence])) as { ok: boolean | null }[];
      if (rows[0]?.ok === true) return true;
      // NULL: not a standby at all; nothing to wait for.
      if (rows[0]?.ok == null || Date.now() + pause > deadline) return false;
      await sleep(pause);
    }
  }
}
