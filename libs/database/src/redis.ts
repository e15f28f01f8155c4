import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import { AppConfig } from '@shouhu/config';
import { within } from './bounded';

/** A connection to the configured Redis: one server, or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisConnection = Redis | Cluster;

/**
 * Options for a Redis connection. BullMQ workers need maxRetriesPerRequest null;
 * request-path clients fail fast instead of queueing commands while Redis is down.
 */
export function redisOptions(kind: 'request' | 'queue'): RedisOptions {
  return kind === 'queue'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, commandTimeout: 2000 };
}

/** The seed nodes of REDIS_CLUSTER_NODES ("host:port,host:port"), or null on a single Redis. */
export function redisClusterSeeds(config: Pick<AppConfig, 'REDIS_CLUSTER_NODES'>): { host: string; port: number }[] | null {
  if (!config.REDIS_CLUSTER_NODES) return null;
  return config.REDIS_CLUSTER_NODES.split(',').map((node) => {
    const at = node.lastIndexOf(':');
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  });
}

/**
 * What every node connection of the cluster shares: the password (REDIS_PASSWORD, else
 * REDIS_URL's), REDIS_URL's user name and TLS (rediss://). REDIS_URL's host and database
 * are not used: a cluster has database 0 only, and its nodes come from REDIS_CLUSTER_NODES.
 */
function clusterNodeOptions(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_PASSWORD'>): RedisOptions {
  const url = new URL(config.REDIS_URL);
  const password = config.REDIS_PASSWORD ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  return { ...(password ? { password } : {}), ...(username ? { username } : {}), ...(url.protocol === 'rediss:' ? { tls: {} } : {}) };
}

/**
 * A new connection of the given kind to the configured Redis: REDIS_URL, or a cluster client
 * over REDIS_CLUSTER_NODES. A request client's cluster fails fast as a single one does (no
 * offline queue, a bounded slot refresh); a queue client waits and retries, as BullMQ expects.
 */
export function connectRedis(
  config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_PASSWORD'>,
  kind: 'request' | 'queue',
  { lazyConnect = false }: { lazyConnect?: boolean } = {},
): RedisConnection {
  const seeds = redisClusterSeeds(config);
  if (!seeds) return new Redis(config.REDIS_URL, { ...redisOptions(kind), ...(lazyConnect ? { lazyConnect } : {}) });
  const { enableOfflineQueue, ...perNode } = redisOptions(kind);
  const options: ClusterOptions = {
    redisOptions: { ...clusterNodeOptions(config), ...perNode },
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableReadyCheck: true,
    ...(lazyConnect ? { lazyConnect } : {}),
    ...(kind === 'request' ? { slotsRefreshTimeout: 2000, retryDelayOnFailover: 100, retryDelayOnClusterDown: 100 } : {}),
  };
  return new Cluster(seeds, options);
}

/** The shared request-path Redis client (login throttling, health): one server, or the cluster. */
@Injectable()
export class RedisClient implements OnModuleInit, OnApplicationShutdown {
  readonly client: RedisConnection;

  /** How long start-up waits for a cluster to be ready (its slots fetched), at most. */
  static readonly CLUSTER_READY_WAIT_MS = 3000;

  constructor(@Inject(AppConfig) config: AppConfig) {
    this.client = connectRedis(config, 'request');
    // Errors surface on the commands that fail; without a listener ioredis logs each retry.
    this.client.on('error', () => undefined);
  }

  /** The configured Redis is a cluster: keys used together must share a hash tag. */
  static isCluster(config: Pick<AppConfig, 'REDIS_CLUSTER_NODES'>): boolean {
    return redisClusterSeeds(config) !== null;
  }

  /** A new connection of its own (see connectRedis): the caller closes it. */
  static connect(config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_PASSWORD'>, kind: 'request' | 'queue'): RedisConnection {
    return connectRedis(config, kind);
  }

  /**
   * A cluster client answers nothing until it has fetched the slots (no offline queue): the
   * first logins would count in memory. Start-up waits for that, within a bound; a cluster
   * that is down then is no reason not to start.
   */
  async onModuleInit(): Promise<void> {
    if (!(this.client instanceof Cluster) || this.client.status === 'ready') return;
    const client = this.client;
    let settle: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (settle = resolve));
    client.once('ready', settle);
    await within(RedisClient.CLUSTER_READY_WAIT_MS, ready).catch(() => undefined);
    client.off('ready', settle);
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
