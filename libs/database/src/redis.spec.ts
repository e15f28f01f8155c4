import Redis, { Cluster } from 'ioredis';
import { connectRedis, redisClusterSeeds, RedisConnection } from './redis';

// Clients that never connect (lazyConnect): they are inspected, never used.
const URL_PASSWORD = 'from-the-url';
const settings = (overrides: { REDIS_URL?: string; REDIS_CLUSTER_NODES?: string; REDIS_PASSWORD?: string } = {}) => ({
  REDIS_URL: `redis://:${URL_PASSWORD}@127.0.0.1:1/1`,
  REDIS_CLUSTER_NODES: undefined,
  REDIS_PASSWORD: undefined,
  ...overrides,
});

const opened: RedisConnection[] = [];
function open(config: Parameters<typeof connectRedis>[0], kind: 'request' | 'queue'): RedisConnection {
  const client = connectRedis(config, kind, { lazyConnect: true });
  expect(client.status).toBe('wait');
  client.on('error', () => undefined);
  opened.push(client);
  return client;
}
afterEach(() => {
  for (const client of opened.splice(0)) client.disconnect();
});

describe('redisClusterSeeds', () => {
  it('is null without REDIS_CLUSTER_NODES, else the host:port pairs', () => {
    expect(redisClusterSeeds({ REDIS_CLUSTER_NODES: undefined })).toBeNull();
    expect(redisClusterSeeds({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b.local:7001' })).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b.local', port: 7001 },
    ]);
  });
});

describe('connectRedis', () => {
  it('opens a single Redis from REDIS_URL when no cluster is configured', () => {
    const client = open(settings(), 'request');
    expect(client).toBeInstanceOf(Redis);
    expect(client).not.toBeInstanceOf(Cluster);
    expect((client as Redis).options).toMatchObject({ port: 1, db: 1, password: URL_PASSWORD, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  });

  it('opens a cluster client over the seeds, with REDIS_URL’s password when REDIS_PASSWORD is unset', () => {
    const client = open(settings({ REDIS_CLUSTER_NODES: '127.0.0.1:2,127.0.0.1:3' }), 'request') as Cluster;
    expect(client).toBeInstanceOf(Cluster);
    expect((client as unknown as { startupNodes: unknown }).startupNodes).toEqual([
      { host: '127.0.0.1', port: 2 },
      { host: '127.0.0.1', port: 3 },
    ]);
    // A request client fails fast: no offline queue, one retry, bounded commands.
    expect(client.options).toMatchObject({ enableOfflineQueue: false, slotsRefreshTimeout: 2000 });
    expect(client.options.redisOptions).toMatchObject({ password: URL_PASSWORD, maxRetriesPerRequest: 1, commandTimeout: 2000 });
    expect(client.options.redisOptions).not.toHaveProperty('tls');
  });

  it('prefers REDIS_PASSWORD, and takes the user name and TLS (rediss://) from REDIS_URL', () => {
    const client = open(
      settings({ REDIS_URL: 'rediss://app:from-the-url@cache.local:6380', REDIS_CLUSTER_NODES: '127.0.0.1:2', REDIS_PASSWORD: 'p@ss:word' }),
      'request',
    ) as Cluster;
    expect(client.options.redisOptions).toMatchObject({ password: 'p@ss:word', username: 'app', tls: {} });
  });

  it('gives BullMQ a queue client that waits and retries (maxRetriesPerRequest null, offline queue on)', () => {
    const client = open(settings({ REDIS_CLUSTER_NODES: '127.0.0.1:2' }), 'queue') as Cluster;
    expect(client.options.enableOfflineQueue).toBe(true);
    expect(client.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, password: URL_PASSWORD });
  });
});
