/**
 * TransactionRunner on the real PostgreSQL, its pool in pg's pipeline mode as the apps make it
 * (dataSourceOptions): BEGIN goes on the wire with the work's first statement, and a work that
 * ends with a statement (endingWith) has it sent with COMMIT. What must hold whatever the
 * round trips: one transaction, all or nothing, a failed last statement rolls everything back
 * and its error is the run's, and the connection serves the next transaction cleanly.
 * Every statement a pooled connection sends is recorded (recordStatements).
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { configWith } from '@shouhu/config';
import { dataSourceOptions, endingWith, TransactionRunner } from '@shouhu/database';
import { recordStatements } from '../helpers/pg-statements';

const pg = recordStatements(true);
const sent = pg.sent;

describe('TransactionRunner (real PostgreSQL, pipeline mode)', () => {
  const table = `tx_runner_${randomBytes(4).toString('hex')}`;
  let db: DataSource;
  let tx: TransactionRunner;

  beforeAll(async () => {
    const options = dataSourceOptions(configWith({}), 'shouhu-test');
    // One connection: every run below reuses the connection the one before it left.
    db = new DataSource({ ...options, extra: { ...(options.extra as object), max: 1 } });
    await db.initialize();
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text NOT NULL)`);
    tx = new TransactionRunner(db);
  });
  afterAll(async () => {
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.destroy();
  });
  beforeEach(async () => {
    await db.query(`TRUNCATE ${table}`);
    sent.length = 0;
  });

  const ids = async () => (await db.query<{ id: number }[]>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  it('sends BEGIN with the first statement and the last statement with COMMIT, in one transaction', async () => {
    const answer = await tx.run(async (manager) => {
      const [first] = await manager.query<{ xid: string }[]>(`INSERT INTO ${table} VALUES (1, 'first') RETURNING CAST(txid_current() AS text) AS xid`);
      return endingWith(
        { text: `INSERT INTO ${table} VALUES ($1, $2) RETURNING CAST(txid_current() AS text) AS xid`, values: [2, 'last'] },
        ([last]: { xid: string }[]) => ({ first: first.xid, last: last.xid }),
      );
    });
    expect(answer.last).toBe(answer.first);
    expect(await ids()).toEqual([1, 2]);

    const statements = sent.filter((s) => !/^SELECT id FROM/.test(s.sql)).map((s) => [s.sql.split(' ')[0], s.afterAnswers]);
    // Each pair shares a round trip: the second of it leaves before the first's answer came.
    expect(statements).toEqual([
      ['START', true],
      ['INSERT', false],
      ['INSERT', true],
      ['COMMIT', false],
    ]);
  });

  it('a last statement that fails rolls the whole transaction back, its error is the run’s, and the connection serves the next run', async () => {
    await expect(
      tx.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (1, 'first')`);
        // The same key again: a unique violation, after COMMIT was already on the wire.
        return endingWith({ text: `INSERT INTO ${table} VALUES ($1, $2)`, values: [1, 'again'] }, () => 'committed');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await ids()).toEqual([]);

    // The one connection is out of the aborted transaction: the next run commits.
    const next = await tx.run(async (manager) => {
      await manager.query(`INSERT INTO ${table} VALUES (3, 'next')`);
      return endingWith({ text: `SELECT count(*)::int AS n FROM ${table}`, values: [] }, ([row]: { n: number }[]) => row.n);
    });
    expect(next).toBe(1);
    expect(await ids()).toEqual([3]);
    const [state] = await db.query<{ tx: string }[]>(`SELECT CAST(txid_current_if_assigned() AS text) AS tx`);
    expect(state.tx).toBeNull();
  });

  it('a work that fails after its first statement leaves nothing, and the connection serves the next run', async () => {
    await expect(
      tx.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (1, 'first')`);
        throw new RangeError('the work gave up');
      }),
    ).rejects.toThrow('the work gave up');
    expect(await ids()).toEqual([]);
    await tx.run((manager) => manager.query(`INSERT INTO ${table} VALUES (2, 'next')`));
    expect(await ids()).toEqual([2]);
  });

  it('transactions waiting for the one connection each get their own answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        tx.run(async (manager) => {
          await manager.query(`INSERT INTO ${table} VALUES ($1, 'first')`, [i * 2]);
          return endingWith({ text: `INSERT INTO ${table} VALUES ($1, 'last') RETURNING id`, values: [i * 2 + 1] }, ([row]: { id: number }[]) => row.id);
        }),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => i * 2 + 1));
    expect(await ids()).toEqual(Array.from({ length: 80 }, (_, i) => i));
  });
});
