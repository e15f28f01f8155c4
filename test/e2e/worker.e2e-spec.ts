import { randomUUID } from 'node:crypto';
import { Injectable, INestApplicationContext, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AppConfig, configWith } from '@shouhu/config';
import { RedisClient, type RedisConnection } from '@shouhu/database';
import { heartbeatKey, JobHandlerRegistry, JobName, JobRegistryError, OnJob, QueueName } from '@shouhu/jobs';
import { createWorker } from '../../apps/worker/src/worker';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { deletePrefixed } from '../helpers/redis-cluster';
import { startApi } from '../helpers/test-app';

/** A queue prefix of this test's own: its scheduler and heartbeat start from nothing. */
const ownPrefix = () => `${process.env.QUEUE_PREFIX ?? 'shouhu-test'}-w${randomUUID().slice(0, 6)}`.slice(-40);

describe('worker', () => {
  let config: AppConfig;
  let redis: RedisConnection;

  beforeAll(() => {
    config = configWith({ QUEUE_PREFIX: ownPrefix() });
    // (A cluster client when the run has REDIS_CLUSTER_NODES: scripts/redis-cluster.sh test.)
    redis = RedisClient.connect(config, 'request');
  });
  afterAll(async () => {
    await deletePrefixed(redis, config.QUEUE_PREFIX);
    redis.disconnect();
  });

  it('starts against the real Redis, runs the heartbeat job, and closes cleanly', async () => {
    const api = await startApi({ QUEUE_PREFIX: config.QUEUE_PREFIX });
    let worker: INestApplicationContext | undefined;
    try {
      expect((await api.http.get('/api/health')).body.worker).toBe('down');
      expect(await redis.get(heartbeatKey(config.QUEUE_PREFIX))).toBeNull();

      const before = Date.now();
      worker = await createWorker(config, { logger: false });
      expect(worker.get(JobHandlerRegistry)).toBeInstanceOf(JobHandlerRegistry);

      // The scheduler's first job runs at once; allow for a slow machine.
      let beat: string | null = null;
      for (let i = 0; i < 100 && beat === null; i++) {
        await new Promise((r) => setTimeout(r, 200));
        beat = await redis.get(heartbeatKey(config.QUEUE_PREFIX));
      }
      expect(beat).not.toBeNull();
      expect(Number(beat)).toBeGreaterThanOrEqual(before);
      expect(Number(beat)).toBeLessThanOrEqual(Date.now());
      const health = await api.http.get('/api/health');
      expect(health.status).toBe(200);
      expect(health.body.worker).toBe('up');

      // The job went through BullMQ: the queue knows its scheduler and a completed heartbeat.
      const queue = worker.get<Queue>(getQueueToken(QueueName.Maintenance));
      expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain('worker-heartbeat');
      const completed = await queue.getJobs(['completed']);
      expect(completed.map((j) => j.name)).toContain(JobName.WorkerHeartbeat);
      expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    } finally {
      await worker?.close();
      await api.close();
    }
  });

  it('refuses to start when a job has a second handler', async () => {
    @Injectable()
    class SecondHeartbeat {
      @OnJob(JobName.WorkerHeartbeat)
      async beatAgain(): Promise<void> {}
    }
    @Module({ imports: [WorkerModule.forRoot(config)], providers: [SecondHeartbeat] })
    class WorkerWithTwoHeartbeats {}

    // The same start-up as createWorker (NestFactory.createApplicationContext → init), but
    // through the testing module: NestFactory never returns a context whose init failed,
    // so the connections the partial start opened could not be closed.
    const context = await Test.createTestingModule({ imports: [WorkerWithTwoHeartbeats] }).compile();
    try {
      const started = context.init();
      await expect(started).rejects.toThrow(JobRegistryError);
      await expect(started).rejects.toThrow(/"worker\.heartbeat" has 2 handlers: .*SecondHeartbeat\.beatAgain/);
    } finally {
      await context.close();
    }
  });

  it('starts with the real module alone (the check above fails for the duplicate, not for the set-up)', async () => {
    const context = await Test.createTestingModule({ imports: [WorkerModule.forRoot(config)] }).compile();
    try {
      await expect(context.init()).resolves.toBe(context);
    } finally {
      await context.close();
    }
  });
});
