import { createServer, Server, Socket } from 'node:net';
import { dataSourceOptions } from './data-source-options';
import { reachableReplicas, replicaLabel, replicaUrls } from './replica';

const PASSWORD = 'pw-7f3a9c21d4';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('replicaUrls', () => {
  it('splits DATABASE_REPLICA_URLS, none when unset', () => {
    expect(replicaUrls({})).toEqual([]);
    expect(replicaUrls({ DATABASE_REPLICA_URLS: 'postgres://a/x, postgres://b/x' })).toEqual(['postgres://a/x', 'postgres://b/x']);
  });
});

describe('replicaLabel', () => {
  it('names a replica by position, host and port, never its user or password', () => {
    const label = replicaLabel(`postgres://shouhu:${PASSWORD}@10.0.0.7:6432/shouhu`, 1);
    expect(label).toBe('replica 2 (10.0.0.7:6432)');
    expect(replicaLabel(`postgres://shouhu:${PASSWORD}@db-replica/shouhu`, 0)).toBe('replica 1 (db-replica:5432)');
  });
});

describe('dataSourceOptions with replicas', () => {
  const config = { DATABASE_URL: `postgres://shouhu:${PASSWORD}@primary/shouhu`, DB_POOL_SIZE: 7 };

  it('is TypeORM replication whose default for reads is the primary', () => {
    const options = dataSourceOptions(config, 'shouhu', ['postgres://r1/shouhu', 'postgres://r2/shouhu']) as unknown as Record<string, unknown>;
    expect(options.url).toBeUndefined();
    expect(options.replication).toEqual({
      master: { url: config.DATABASE_URL },
      slaves: [{ url: 'postgres://r1/shouhu' }, { url: 'postgres://r2/shouhu' }],
      defaultMode: 'master',
    });
  });

  it('is one pool on DATABASE_URL without replicas', () => {
    const options = dataSourceOptions(config) as unknown as Record<string, unknown>;
    expect(options.url).toBe(config.DATABASE_URL);
    expect(options.replication).toBeUndefined();
  });
});

describe('reachableReplicas', () => {
  let silent: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (silent ? silent.close(() => r()) : r()));
    silent = undefined;
  });

  it('leaves out a replica that refuses, and a silent one after the wait, with a warning that carries no password', async () => {
    const refused = `postgres://shouhu:${PASSWORD}@127.0.0.1:${await closedPort()}/shouhu`;
    // Accepts the TCP connection and never answers: the probe gives up after waitMs.
    silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((r) => silent?.listen(0, '127.0.0.1', () => r()));
    const quiet = `postgres://shouhu:${PASSWORD}@127.0.0.1:${(silent.address() as { port: number }).port}/shouhu`;
    const warnings: unknown[] = [];
    const started = Date.now();
    const kept = await reachableReplicas([refused, quiet], 300, { warn: (w: unknown) => warnings.push(w) });
    expect(kept).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(warnings).toHaveLength(2);
    const text = JSON.stringify(warnings);
    expect(text).toContain('replica 1 (127.0.0.1:');
    expect(text).toContain('replica 2 (127.0.0.1:');
    expect(text).not.toContain(PASSWORD);
  });

  it('leaves out, without connecting, a replica URL that names another database than DATABASE_URL', async () => {
    const warnings: unknown[] = [];
    const other = `postgres://shouhu:${PASSWORD}@127.0.0.1:${await closedPort()}/other_db`;
    const kept = await reachableReplicas([other], 300, { warn: (w: unknown) => warnings.push(w) }, `postgres://shouhu:${PASSWORD}@127.0.0.1/shouhu`);
    expect(kept).toEqual([]);
    expect(JSON.stringify(warnings)).toContain('another database');
    expect(JSON.stringify(warnings)).not.toContain(PASSWORD);
  });

  it('asks nothing when there are no replicas', async () => {
    expect(await reachableReplicas([], 300, { warn: () => undefined })).toEqual([]);
  });
});
