import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@shouhu/config';
import { safeErrorFields } from '@shouhu/errors';
import { TimeoutError, within } from './bounded';

type AfterCommit = () => Promise<unknown>;

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
    let hooks: AfterCommit[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      hooks = [];
      this.pending.set(manager, hooks);
      return work(manager);
    });
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
