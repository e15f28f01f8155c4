/**
 * Reads on a streaming replica (npm run test:cluster: scripts/cluster.sh starts the primary and the
 * replica and sets DATABASE_REPLICA_URLS, CLUSTER_*). The queue, the detail, the timeline and the
 * statistics are served by the replica; writes, and every other statement, by the primary; a read
 * never shows an older state than a write acknowledged before it (the replica waits for the
 * primary's position, else the primary answers); a stopped replica costs no request an error.
 */
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ReplicaReads } from '@shouhu/database';
import { CaseClient, dataSourceOf, expectStatus, useCaseBed } from '../helpers/cases';
import { sleep, waitFor } from '../helpers/deadlines';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this file through npm run test:cluster`);
  return value;
};

/** pg_ctl on the cluster's replica, as its owner (scripts/cluster.sh). */
function replicaCtl(...args: string[]): void {
  const pgCtl = `${env('CLUSTER_PG_BIN')}/pg_ctl`;
  const argv = [pgCtl, '-D', env('CLUSTER_REPLICA_DATA'), '-w', '-t', '30', ...args];
  const owner = env('CLUSTER_PG_OWNER');
  if (process.getuid?.() === 0 && owner !== 'root') execFileSync('runuser', ['-u', owner, '--', ...argv], { cwd: '/', stdio: 'ignore' });
  else execFileSync(argv[0], argv.slice(1), { stdio: 'ignore' });
}

describe('PostgreSQL streaming replica (cluster)', () => {
  const bed = useCaseBed();
  let cc: CaseClient;
  let reads: ReplicaReads;
  let db: DataSource;
  /** A direct connection to the replica (superuser of the test cluster: pauses and resumes replay). */
  let replica: Client;

  beforeAll(async () => {
    cc = bed.cc;
    reads = bed.api.app.get(ReplicaReads);
    db = dataSourceOf(bed.api);
    replica = new Client({ connectionString: env('DATABASE_REPLICA_URLS').split(',')[0] });
    await replica.connect();
  });

  afterAll(async () => {
    await replica?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await replica?.end().catch(() => undefined);
  });

  const delta = async <T>(work: () => Promise<T>) => {
    const before = { ...reads.counts };
    const result = await work();
    const after = reads.counts;
    return {
      result,
      replica: after.replica - before.replica,
      primary: after.primary - before.primary,
      lagging: after.lagging - before.lagging,
      failed: after.failed - before.failed,
    };
  };

  it('reads through ReplicaReads on the replica, every other statement on the primary', async () => {
    expect(reads.replicaCount).toBe(1);
    const { result } = await delta(() =>
      reads.read((m) => m.query<{ standby: boolean; port: number }[]>('SELECT pg_is_in_recovery() AS standby, inet_server_port() AS port')),
    );
    expect(result[0]).toEqual({ standby: true, port: Number(env('CLUSTER_REPLICA_PORT')) });
    // defaultMode 'master': raw queries, repositories and query builders all reach the primary.
    const [raw] = await db.query<{ standby: boolean }[]>('SELECT pg_is_in_recovery() AS standby');
    expect(raw.standby).toBe(false);
    const built = await db.createQueryBuilder().select('pg_is_in_recovery()', 'standby').from('jurisdiction', 'j').limit(1).getRawOne<{ standby: boolean }>();
    expect(built?.standby).toBe(false);
  });

  it('serves the queue, the detail, the timeline and the statistics from the replica, and every write from the primary', async () => {
    const filed = await delta(() => cc.file('dir-xa-01', bed.xa1));
    expect(filed.replica + filed.primary).toBe(0);
    const c = filed.result;
    for (const path of [
      '/api/cases?limit=5',
      `/api/cases/${c.id}`,
      `/api/cases/${c.id}/timeline`,
      `/api/stats?from=${new Date(Date.now() - 86400000).toISOString()}`,
    ]) {
      const as = path.startsWith('/api/stats') ? 'district1' : 'sup-xa';
      const { result: res, replica: onReplica, primary } = await delta(() => cc.get(as, path));
      expectStatus(res, 200);
      expect({ path, onReplica: onReplica > 0, primary }).toEqual({ path, onReplica: true, primary: 0 });
    }
  });

  it('shows every acknowledged write to the next read, through the replica (read-your-own-writes)', async () => {
    let c = await cc.file('dir-xa-01', bed.xa1);
    const { replica: onReplica } = await delta(async () => {
      for (let i = 0; i < 10; i++) {
        const note = `第${i}次随访记录 follow-up note ${i}`;
        const res = await cc.post('sup-xa', `/api/cases/${c.id}/notes`, { text: note });
        expectStatus(res, 200);
        // The very next reads, by the writer and by someone else, see it.
        const mine = await cc.detail('sup-xa', c.id);
        expect(mine.notes.map((n: { text: string }) => n.text)).toContain(note);
        const theirs = await cc.detail('district1', c.id);
        expect(theirs.notes.map((n: { text: string }) => n.text)).toContain(note);
        c = mine;
      }
      // A transition (a new version and status) is seen at once by the next reader, in the detail and in the queue.
      c = await cc.act('sup-xa', c, 'accept', { riskLevel: 'R2', assigneeId: bed.supId });
      const after = await cc.detail('district1', c.id);
      expect({ status: after.status, version: after.version }).toEqual({ status: c.status, version: c.version });
      const timeline = await cc.get('district1', `/api/cases/${c.id}/timeline`);
      expectStatus(timeline, 200);
      expect(timeline.body.events.at(-1)).toMatchObject({ type: 'case.accepted', toStatus: c.status });
      const queue = await cc.get('sup-xa', `/api/cases?limit=100&status=${c.status}`);
      expectStatus(queue, 200);
      expect(queue.body.items.find((s: { id: string }) => s.id === c.id)?.version).toBe(c.version);
    });
    expect(onReplica).toBeGreaterThan(0);
  });

  it('reads on the primary while the replica lags behind a write, and on the replica again once it caught up', async () => {
    const c = await cc.file('dir-xa-01', bed.xa1);
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      const started = Date.now();
      // The write's answer (the detail, read after its commit) and the next read: both on the primary.
      const {
        result,
        lagging,
        primary,
        replica: onReplica,
      } = await delta(async () => {
        expectStatus(await cc.post('sup-xa', `/api/cases/${c.id}/notes`, { text: '回放暂停时写入 written while replay is paused' }), 200);
        return cc.detail('sup-xa', c.id);
      });
      expect(result.notes.map((n: { text: string }) => n.text)).toContain('回放暂停时写入 written while replay is paused');
      expect(lagging).toBeGreaterThan(0);
      expect(primary).toBeGreaterThan(0);
      expect(onReplica).toBe(0);
      // One bounded wait (DB_REPLICA_WAIT_MS), then the replica is skipped: no request waits on it again.
      expect(Date.now() - started).toBeLessThan(2000);
      const again = await delta(() => cc.detail('sup-xa', c.id));
      expect(again.lagging).toBe(0);
      expect(again.replica).toBe(0);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    // After DB_REPLICA_RETRY_MS the replica, caught up, serves again.
    await waitFor(
      'the replica serving again',
      async () => {
        const { replica: onReplica } = await delta(() => cc.detail('sup-xa', c.id));
        return onReplica > 0;
      },
      { timeoutMs: 20_000, everyMs: 500 },
    );
  });

  it('answers every read from the primary, without an error, when the replica is stopped, and uses it again once it is back', async () => {
    const c = await cc.file('dir-xa-01', bed.xa1);
    await replica.end().catch(() => undefined);
    replicaCtl('-m', 'fast', 'stop');
    try {
      const paths = ['/api/cases?limit=5', `/api/cases/${c.id}`, `/api/cases/${c.id}/timeline`];
      const first = await delta(async () => {
        for (const path of paths) expectStatus(await cc.get('sup-xa', path), 200);
      });
      expect(first.replica).toBe(0);
      expect(first.failed).toBeGreaterThan(0);
      expect(first.primary).toBeGreaterThanOrEqual(paths.length);
      // Writes never touched the replica.
      const moved = await cc.post('sup-xa', `/api/cases/${c.id}/notes`, { text: '副本停止时写入 written while the replica is down' });
      expectStatus(moved, 200);
      const seen = await cc.detail('sup-xa', c.id);
      expect(seen.notes.map((n: { text: string }) => n.text)).toContain('副本停止时写入 written while the replica is down');
    } finally {
      replicaCtl('-l', `${env('CLUSTER_REPLICA_DATA')}/server.log`, 'start');
    }
    await waitFor(
      'the replica accepting connections',
      async () => {
        const client = new Client({ connectionString: env('DATABASE_REPLICA_URLS').split(',')[0] });
        client.on('error', () => undefined);
        try {
          await client.connect();
          replica = client;
          return true;
        } catch {
          await sleep(200);
          return false;
        }
      },
      { timeoutMs: 30_000 },
    );
    await waitFor(
      'the replica serving again',
      async () => {
        const { result, replica: onReplica } = await delta(() => cc.get('sup-xa', `/api/cases/${c.id}`));
        expectStatus(result, 200);
        return onReplica > 0;
      },
      { timeoutMs: 30_000, everyMs: 500 },
    );
  });
});
