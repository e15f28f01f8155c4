import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AppConfig } from '@shouhu/config';
import { safeErrorFields } from '@shouhu/errors';
import { TimeoutError, within } from './bounded';
import { statementName } from './prepared';

type AfterCommit = () => Promise<unknown>;

/** The part of pg's client the runner sends through itself. */
interface PgClient {
  /** In pg's pipeline mode: a statement is written without waiting for the answers before it. */
  readonly pipeline?: boolean;
  query(config: string | { name?: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * What a unit of work may end with instead of its answer: its last statement, which goes on the
 * wire together with COMMIT (one round trip for both), and how its rows make the answer. A
 * statement that fails rolls the transaction back (PostgreSQL answers that COMMIT with ROLLBACK)
 * and its error is the run's. Made by endingWith.
 */
export class LastStatement<T> {
  constructor(
    readonly text: string,
    readonly values: unknown[],
    readonly answer: (rows: unknown[]) => T,
  ) {}
}

/** The work's last statement (a named prepared one, as preparedQuery sends it) and its answer from the rows. */
export function endingWith<R, T>(statement: { text: string; values: unknown[] }, answer: (rows: R[]) => T): LastStatement<T> {
  return new LastStatement(statement.text, statement.values, (rows) => answer(rows as R[]));
}

/**
 * Opens the runner's transaction. On a connection in pg's pipeline mode (dataSourceOptions) without
 * waiting for BEGIN's answer: BEGIN is written at once and the transaction's first statement follows
 * it on the wire, one round trip for both. TypeORM's own startTransaction (its state, its
 * transaction depth) runs as ever; only its BEGIN is sent here, synchronously, before anything the
 * work sends. The answer holds BEGIN's own, awaited before COMMIT (a BEGIN that failed fails the
 * statement behind it too: the connection is gone). Elsewhere (a pool made without pipeline mode) as
 * TypeORM does it.
 */
async function begin(runner: QueryRunner, client: PgClient): Promise<{ begun: Promise<unknown> }> {
  if (!client.pipeline) {
    await runner.startTransaction();
    return { begun: Promise.resolve() };
  }
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
 * Commits the runner's transaction with `last` sent before COMMIT: on a connection in pipeline mode
 * without waiting for its answer, both in one round trip. Its rows, or its error (the transaction
 * then rolled back: PostgreSQL answers a COMMIT after a failed statement with ROLLBACK).
 */
async function commitAfter(runner: QueryRunner, client: PgClient, last: LastStatement<unknown>): Promise<unknown[]> {
  const name = statementName(last.text);
  // Written at once: whatever TypeORM's commit awaits first, COMMIT comes after it on the wire.
  const sent = client.query(name === null ? { text: last.text, values: last.values } : { name, text: last.text, values: last.values });
  if (!client.pipeline) await sent;
  sent.catch(() => undefined);
  await runner.commitTransaction();
  return (await sent).rows;
}

/**
 * Runs a unit of work in one database transaction. Work that must not happen
 * unless the transaction commits (enqueueing timers) registers with afterCommit;
 * it runs after COMMIT, and its failures are logged, never undo the commit: the
 * database is the truth and the reconciler repairs what a failed hook missed.
 * The caller waits for that work only a short while (REDIS_WAIT_MS): with Redis
 * down a write still answers at once, and the reconciler arms its timers later.
 * BEGIN travels with the work's first statement, and the work may end with a
 * statement that travels with COMMIT (endingWith): a filing is two round trips.
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

  async run<T>(work: (manager: EntityManager) => Promise<T | LastStatement<T>>): Promise<T> {
    const hooks: AfterCommit[] = [];
    const runner = this.dataSource.createQueryRunner();
    let result: T;
    try {
      const client = (await runner.connect()) as PgClient;
      const { begun } = await begin(runner, client);
      try {
        this.pending.set(runner.manager, hooks);
        const done = await work(runner.manager);
        await begun;
        if (done instanceof LastStatement) result = done.answer(await commitAfter(runner, client, done));
        else {
          await runner.commitTransaction();
          result = done;
        }
      } catch (error) {
        // The work's error is the answer, even when the rollback fails too (the connection is gone).
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
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
