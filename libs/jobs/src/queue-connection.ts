import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef } from '@nestjs/core';
import { ConnectionOptions, Queue } from 'bullmq';
import type { Cluster } from 'ioredis';
import { AppConfig } from '@shouhu/config';
import { RedisClient } from '@shouhu/database';
import { QUEUE_NAMES, QueueName } from './job-registry';

type RedisSettings = Pick<AppConfig, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_PASSWORD' | 'QUEUE_PREFIX'>;

/**
 * The BullMQ prefix of one queue. On a single Redis it is QUEUE_PREFIX, as it always was (the
 * key names of existing data do not change). On a cluster BullMQ's scripts touch many keys of
 * a queue at once, which must all hash to one slot: the prefix `QUEUE_PREFIX:{queue}` makes the
 * queue's name its hash tag, so each queue's keys share a slot and different queues spread over
 * the masters (every key still starts with "QUEUE_PREFIX:").
 */
export function queuePrefix(config: Pick<AppConfig, 'REDIS_CLUSTER_NODES' | 'QUEUE_PREFIX'>, queue: QueueName): string {
  return RedisClient.isCluster(config) ? `${config.QUEUE_PREFIX}:{${queue}}` : config.QUEUE_PREFIX;
}

/** BullMQ's connection options on a single Redis (BullMQ opens and closes its connections itself). */
const singleRedis = (config: RedisSettings): ConnectionOptions => ({ url: config.REDIS_URL, maxRetriesPerRequest: null, enableReadyCheck: true });

/**
 * A queue outside Nest (tools, tests) on the configured Redis or cluster, with the prefix the
 * api and the worker use. Its close() also closes a cluster connection made for it.
 */
export function openQueue(config: RedisSettings, name: QueueName): Queue {
  if (!RedisClient.isCluster(config)) return new Queue(name, { connection: singleRedis(config), prefix: queuePrefix(config, name) });
  const cluster = RedisClient.connect(config, 'queue') as Cluster;
  cluster.on('error', () => undefined);
  const queue = new Queue(name, { connection: cluster, prefix: queuePrefix(config, name) });
  const close = queue.close.bind(queue);
  queue.close = async () => {
    try {
      await close();
    } finally {
      await cluster.quit().catch(() => cluster.disconnect());
    }
  };
  return queue;
}

/**
 * BullMQ's connection in the api and the worker. A single Redis: options, as before. A cluster:
 * one cluster client that the queues share and BullMQ duplicates for each worker (BullMQ never
 * closes a client it was given), closed here once the workers and queues are done with it.
 */
@Injectable()
export class QueueConnection implements OnApplicationShutdown {
  readonly connection: ConnectionOptions;
  private readonly cluster: Cluster | null;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
  ) {
    if (RedisClient.isCluster(config)) {
      this.cluster = RedisClient.connect(config, 'queue') as Cluster;
      // Errors reach the commands that fail (and BullMQ's own listeners); without one ioredis logs each retry.
      this.cluster.on('error', () => undefined);
      this.connection = this.cluster;
    } else {
      this.cluster = null;
      this.connection = singleRedis(config);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.cluster) return;
    // A job still running may add to a queue (a second-stage timer): let the workers finish
    // first. Worker.close and Queue.close are idempotent; Nest's own hooks call them too.
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => (host as unknown as { _worker?: { close(): Promise<void> } })._worker)
      .filter((worker) => worker !== undefined);
    await Promise.all(workers.map((worker) => worker.close().catch(() => undefined)));
    for (const name of QUEUE_NAMES) {
      const queue = this.queue(name);
      if (queue) await queue.close().catch(() => undefined);
    }
    await this.cluster.quit().catch(() => this.cluster?.disconnect());
  }

  private queue(name: QueueName): Queue | null {
    try {
      return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    } catch {
      return null;
    }
  }
}

/** Holds the one QueueConnection that BullMQ's root and queue configurations share. */
@Module({ imports: [DiscoveryModule], providers: [QueueConnection], exports: [QueueConnection] })
export class QueueConnectionModule {}
