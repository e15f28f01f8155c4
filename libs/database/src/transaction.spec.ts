import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { TransactionRunner } from './transaction';

/**
 * A DataSource whose query runners answer every statement at once, for the after-commit logic alone
 * (TransactionRunner's statements on PostgreSQL: test/medium/transaction-runner.medium-spec.ts).
 */
const fakeDataSource = () =>
  ({
    createQueryRunner: () => ({
      manager: {} as EntityManager,
      isTransactionActive: false,
      connect: () => Promise.resolve({ query: () => Promise.resolve({ rows: [] }) }),
      query: () => Promise.resolve([]),
      async startTransaction(this: { isTransactionActive: boolean; query(text: string): Promise<unknown> }) {
        this.isTransactionActive = true;
        await this.query('START TRANSACTION');
      },
      async commitTransaction(this: { isTransactionActive: boolean }) {
        this.isTransactionActive = false;
      },
      rollbackTransaction: () => Promise.resolve(),
      release: () => Promise.resolve(),
    }),
  }) as unknown as DataSource;

function failingHook(): Promise<void> {
  return Promise.reject(Object.assign(new Error('Connection is closed.'), { code: 'ECONNREFUSED' }));
}

describe('after-commit work that fails', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('is logged with the error class, code and stack, and the commit stands', async () => {
    const tx = new TransactionRunner(fakeDataSource());
    const ran: string[] = [];
    const result = await tx.run(async (manager) => {
      tx.afterCommit(manager, failingHook);
      tx.afterCommit(manager, async () => {
        ran.push('second');
      });
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(ran).toEqual(['second']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith({
      msg: 'after-commit work failed (the reconciler will repair it)',
      error: expect.objectContaining({ type: 'Error', code: 'ECONNREFUSED', stack: expect.stringContaining('failingHook') }),
    });
  });

  it('outside a transaction runs at once and is logged the same way, even when the hook throws before it returns a promise', async () => {
    const tx = new TransactionRunner(fakeDataSource());
    tx.afterCommit({} as EntityManager, () => {
      throw new TypeError('not a promise');
    });
    await new Promise((r) => setImmediate(r));
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ error: expect.objectContaining({ type: 'TypeError', stack: expect.stringContaining('transaction.spec.ts') }) }),
    );
  });

  it('never logs the message of a database error (it may quote a value)', async () => {
    const tx = new TransactionRunner(fakeDataSource());
    await tx.run(async (manager) => {
      tx.afterCommit(manager, () =>
        Promise.reject(Object.assign(new Error('Key (name)=(张小明) already exists'), { name: 'QueryFailedError', driverError: { code: '23505' } })),
      );
    });
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).toContain('23505');
    expect(logged).not.toContain('张小明');
  });
});
