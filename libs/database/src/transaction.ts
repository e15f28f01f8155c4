import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

type AfterCommit = () => Promise<unknown>;

/**
 * Runs a unit of work in one database transaction. Work that must not happen
 * unless the transaction commits (enqueueing timers) registers with afterCommit;
 * it runs after COMMIT, and its failures are logged, never undo the commit: the
 * database is the truth and the reconciler repairs what a failed hook missed.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly pending = new WeakMap<EntityManager, AfterCommit[]>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let hooks: AfterCommit[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      hooks = [];
      this.pending.set(manager, hooks);
      return work(manager);
    });
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        this.logger.warn(`after-commit work failed (the reconciler will repair it): ${(error as Error).message}`);
      }
    }
    return result;
  }

  /** Registers work to run after this transaction commits; outside run(), runs it at once. */
  afterCommit(manager: EntityManager, hook: AfterCommit): void {
    const list = this.pending.get(manager);
    if (list) list.push(hook);
    else void hook().catch((error: unknown) => this.logger.warn(`after-commit work failed: ${(error as Error).message}`));
  }
}
