import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AppConfig } from '@shouhu/config';
import { safeErrorFields } from '@shouhu/errors';
import { TimeoutError, within } from './bounded';

type AfterCommit = () => Promise<unknown>;

/** The part of pg's client that beginPipelined uses. */
interface PgClient {
  query(text: string): Promise<unknown>;
}

/**
 * Opens the runner's transaction without waiting for BEGIN's answer: BEGIN is written at once, and
 * the pool's connections are in pg's pipeline mode (dataSourceOptions), so the transaction's first
 * statement follows it on the wire, and one round trip answers both (a filing's first statement
 * waited for BEGIN's answer, one of five round trips). TypeORM's own startTransaction (its events,
 * its transaction depth) runs as ever; only its BEGIN is sent here instead of through it, and
 * synchronously, before anything the work sends. The answer holds BEGIN's own, to await before COMMIT (a
 * BEGIN that failed fails the statement behind it too: the connection is gone).
 */
async function beginPipelined(runner: QueryRunner): Promise<{ begun: Promise<unknown> }> {
  const client = (await runner.connect()) as PgClient;
  let begun: Promise<unknown> | null = null;
  const query = runner.query.bind(runner);
  runner.query = ((text: string, ...rest: unknown[]) => {
    if (begun !== null || text !== 'START TRANSACTION') return (query as (...args: unknown[]) => Promise<unknown>)(text, ...rest);
    begun = client.query(text);
    // Awaited before COMMIT; never an unhandled rejection meanwhile.
    begun.catch(() => undefined);
    return Promise.resolve([]);
  }) as QueryRunner['query'];
  try {
    await runner.startTransaction();
  } finally {
    runner.query = query;
  }
  const sent = begun as Promise<unknown> | null;
  if (sent === null) throw new Error('TypeORM began the transaction without START TRANSACTION');
  // Wrapped: an async function's answer that is a promise would be waited for, BEGIN's answer with it.
  return { begun: sent };
}

/**
 * Runs a unit of work in one database transaction. Work that must not happen
 * unless the transaction commits (enqueueing timers) registers with afterCommit;
 * it runs after COMMIT, and its failures are logged, never undo the commit: the
 * database is the truth and the reconciler repairs what a failed hook missed.
 * The caller waits for that work only a short while (REDIS_WAIT_MS): with Redis
 * down a write still answers at once, and the reconciler arms its timers later.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly pending = new WeakMap<EntityManager, AfterCommit[]>();
  private readonly waitMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(AppConfig) config?: AppConfig,
  ) {
    this.waitMs = config?.REDIS_WAIT_MS ?? 300;
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const hooks: AfterCommit[] = [];
    const runner = this.dataSource.createQueryRunner();
    let result: T;
    try {
      const { begun } = await beginPipelined(runner);
      try {
        this.pending.set(runner.manager, hooks);
        result = await work(runner.manager);
        await begun;
        await runner.commitTransaction();
      } catch (error) {
        // The work's error is the answer, even when the rollback fails too (the connection is gone).
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
    if (hooks.length > 0) {
      const started = Date.now();
      try {
        await within(this.waitMs, this.runHooks(hooks));
      } catch (error) {
        if (error instanceof TimeoutError)
          this.logger.warn({
            msg: 'after-commit work still running; the request goes on without it (the reconciler repairs timers)',
            waitedMs: Date.now() - started,
          });
      }
    }
    return result;
  }

  /** Runs each hook in turn; a failure is logged with its error's class, code and stack frames (safeErrorFields) and stops no other hook. */
  private async runHooks(hooks: AfterCommit[]): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        this.logger.warn({ msg: 'after-commit work failed (the reconciler will repair it)', error: safeErrorFields(error) });
      }
    }
  }

  /** Registers work to run after this transaction commits; outside run(), runs it at once (its failure logged the same way). */
  afterCommit(manager: EntityManager, hook: AfterCommit): void {
    const list = this.pending.get(manager);
    if (list) list.push(hook);
    else void this.runHooks([hook]);
  }
}
