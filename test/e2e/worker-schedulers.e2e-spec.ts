import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AppConfig, configWith } from '@shouhu/config';
import { RedisClient, type RedisConnection } from '@shouhu/database';
import { heartbeatKey, QueueName } from '@shouhu/jobs';
import { SCHEDULER_CHECK_MS } from '../../apps/worker/src/scheduler-guard';
import { createWorker } from '../../apps/worker/src/worker';
import { deletePrefixed } from '../helpers/redis-cluster';

/**
 * The fault campaign (RELIABILITY.md, "Redis flushed") found that a worker never re-created its job
 * schedulers once Redis lost them: after a FLUSHALL the reconciler and the heartbeat stopped until a
 * restart. Here every key of this test's own queue prefix is deleted under a running worker (what a
 * FLUSHALL does to it, without touching the shared Redis's other keys): within one check period the
 * schedulers are back, the reconciler's job runs again and the heartbeat is written again.
 */
const ownPrefix = () => `${process.env.QUEUE_PREFIX ?? 'shouhu-test'}-s${randomUUID().slice(0, 6)}`.slice(-40);

async function until<T>(what: string, ms: number, probe: () => Promise<T | null | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('worker job schedulers lost from Redis', () => {
  let config: AppConfig;
  let redis: RedisConnection;
  let worker: INestApplicationContext | undefined;

  beforeAll(() => {
    config = configWith({ QUEUE_PREFIX: ownPrefix() });
    // (A cluster client when the run has REDIS_CLUSTER_NODES, as the worker's.)
    redis = RedisClient.connect(config, 'request');
  });
  afterAll(async () => {
    await worker?.close();
    await deletePrefixed(redis, config.QUEUE_PREFIX);
    redis.disconnect();
  });

  it('are re-created within one check period, and the reconciler and the heartbeat run again', async () => {
    worker = await createWorker(config, { logger: false });
    const deadlines = worker.get<Queue>(getQueueToken(QueueName.Deadlines));
    const maintenance = worker.get<Queue>(getQueueToken(QueueName.Maintenance));
    await until('the heartbeat at start', 20_000, () => redis.get(heartbeatKey(config.QUEUE_PREFIX)));
    expect(await deadlines.getJobScheduler('deadline-reconciler')).toBeTruthy();

    // Everything of this prefix gone, as after a FLUSHALL.
    expect(await deletePrefixed(redis, config.QUEUE_PREFIX)).toBeGreaterThan(0);
    const lostAt = Date.now();
    expect(await deadlines.getJobScheduler('deadline-reconciler')).toBeFalsy();
    expect(await maintenance.getJobScheduler('worker-heartbeat')).toBeFalsy();
    expect(await redis.get(heartbeatKey(config.QUEUE_PREFIX))).toBeNull();

    const within = SCHEDULER_CHECK_MS + 8_000;
    await until('the reconciler scheduler', within, () => deadlines.getJobScheduler('deadline-reconciler'));
    await until('the heartbeat scheduler', within, () => maintenance.getJobScheduler('worker-heartbeat'));
    // A re-created scheduler runs its job at once: the heartbeat is written again, the reconciler ran.
    const beat = await until('the heartbeat', within, () => redis.get(heartbeatKey(config.QUEUE_PREFIX)));
    expect(Number(beat)).toBeGreaterThanOrEqual(lostAt);
    const reconciled = await until('a reconcile job', within, async () => {
      const jobs = await deadlines.getJobs(['completed', 'active']);
      return jobs.some((j) => j.name === 'deadline.reconcile') || null;
    });
    expect(reconciled).toBe(true);
  }, 60_000);
});
