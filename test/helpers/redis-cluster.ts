/**
 * A Redis Cluster for a test: the one REDIS_CLUSTER_NODES names (scripts/redis-cluster.sh test),
 * or three masters of the test's own, started with scripts/redis-cluster.sh on free ports and
 * removed by stop() (never the shared redis-server).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Redis, { Cluster } from 'ioredis';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/redis-cluster.sh');

export interface TestCluster {
  /** The REDIS_CLUSTER_NODES value. */
  nodes: string;
  password: string;
  /** Started by this test (and stopped by stop()), or the run's own. */
  own: boolean;
  /** A cluster client of the test's own (closed by stop()). */
  client: Cluster;
  stop(): Promise<void>;
}

function clientOf(nodes: string, password: string): Cluster {
  const seeds = nodes.split(',').map((n) => ({ host: n.slice(0, n.lastIndexOf(':')), port: Number(n.slice(n.lastIndexOf(':') + 1)) }));
  const client = new Cluster(seeds, { redisOptions: { password, maxRetriesPerRequest: 1 }, enableOfflineQueue: true });
  client.on('error', () => undefined);
  return client;
}

/**
 * A cluster of this test's own, whatever the environment says. A start that fails (a port taken
 * between the check and the bind) is cleaned up and tried again on other ports, three times in all.
 */
export async function startOwnCluster(): Promise<TestCluster> {
  const sh = (script: string) => run('bash', ['-c', `. "${SCRIPT}"; ${script}`], { cwd: ROOT, timeout: 60_000 });
  for (let attempt = 1; ; attempt++) {
    const dir = join(ROOT, '.shouhu', `redis-cluster-test-${process.pid}-${randomBytes(3).toString('hex')}`);
    const { stdout: base } = await sh('redis_cluster_free_base');
    let nodes: string;
    try {
      ({ stdout: nodes } = await sh(`redis_cluster_up "${dir}" ${base.trim()}`));
    } catch (error) {
      await sh(`redis_cluster_down "${dir}"`).catch(() => undefined);
      if (attempt < 3) continue;
      throw error;
    }
    const password = readFileSync(join(dir, 'password'), 'utf8').trim();
    const client = clientOf(nodes.trim(), password);
    return {
      nodes: nodes.trim(),
      password,
      own: true,
      client,
      stop: async () => {
        client.disconnect();
        await sh(`redis_cluster_down "${dir}"`);
      },
    };
  }
}

/** The run's cluster (REDIS_CLUSTER_NODES and REDIS_PASSWORD), else one of this test's own. */
export async function testCluster(): Promise<TestCluster> {
  const nodes = process.env.REDIS_CLUSTER_NODES;
  if (!nodes) return startOwnCluster();
  const password = process.env.REDIS_PASSWORD ?? decodeURIComponent(new URL(process.env.REDIS_URL ?? 'redis://x').password);
  const client = clientOf(nodes, password);
  return { nodes, password, own: false, client, stop: async () => client.disconnect() };
}

/** Every key of the cluster that starts with `prefix:`, from every master. */
export async function clusterKeys(client: Cluster, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for (const node of client.nodes('master')) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}

/** CLUSTER KEYSLOT of a key, as the server computes it. */
export async function keySlot(client: Cluster, key: string): Promise<number> {
  return Number(await client.cluster('KEYSLOT', key));
}

/**
 * Deletes every key that starts with `prefix:`, on a single Redis or on every master of a
 * cluster (one key per command there: a multi-key command must stay within one slot).
 */
export async function deletePrefixed(client: Redis | Cluster, prefix: string): Promise<number> {
  let deleted = 0;
  for (const node of client instanceof Cluster ? client.nodes('master') : [client]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (client instanceof Cluster) for (const key of keys) deleted += await node.unlink(key);
      else if (keys.length) deleted += await node.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return deleted;
}
