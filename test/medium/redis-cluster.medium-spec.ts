/**
 * Shouhu on a Redis Cluster of three masters (REDIS_CLUSTER_NODES): BullMQ's queues under
 * hash-tagged prefixes (each queue's keys in one slot), the login throttle's counters on
 * whichever masters their keys hash to, and bounded waits when the cluster dies. Runs on the
 * run's cluster (scripts/redis-cluster.sh test) or on three masters of its own.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import type { Job, Queue } from 'bullmq';
import { AppConfig, ConfigModule, configWith } from '@shouhu/config';
import { DatabaseModule, DependencyProbe, RedisClient } from '@shouhu/database';
import { BullDeadlineTimers } from '@shouhu/deadlines';
import { DomainError } from '@shouhu/errors';
import { deadlineJobId, heartbeatKey, JobMonitor, JobName, JobsModule, openQueue, queuePrefix, QUEUE_NAMES, QueueName } from '@shouhu/jobs';
import { waitFor } from '../helpers/deadlines';
// The throttle is not exported by @shouhu/auth (the api wires it): imported from its file.
import { LoginThrottle } from '../../libs/auth/src/login-throttle';
import { clusterKeys, deletePrefixed, keySlot, startOwnCluster, testCluster, TestCluster } from '../helpers/redis-cluster';

const ownPrefix = (tag: string) => `${process.env.QUEUE_PREFIX ?? 'shouhu-test'}:${tag}${randomBytes(3).toString('hex')}`.slice(-40);

function clusterConfig(cluster: TestCluster, overrides: Record<string, string> = {}): AppConfig {
  return configWith({ REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PASSWORD: cluster.password, ...overrides });
}

/** Completes maintenance jobs and fails deadline jobs, so that each queue has keys of every kind. */
const processed: string[] = [];
@Processor(QueueName.Maintenance)
class MaintenanceConsumer extends WorkerHost {
  async process(job: Job): Promise<string> {
    processed.push(`${QueueName.Maintenance}:${job.id}`);
    return 'ok';
  }
}
@Processor(QueueName.Deadlines)
class DeadlinesConsumer extends WorkerHost {
  async process(job: Job): Promise<never> {
    processed.push(`${QueueName.Deadlines}:${job.id}`);
    throw new Error('refused on purpose');
  }
}
@Injectable()
class Queues {
  constructor(
    @InjectQueue(QueueName.Maintenance) readonly maintenance: Queue,
    @InjectQueue(QueueName.Deadlines) readonly deadlines: Queue,
  ) {}
}

async function startModule(config: AppConfig, withWorkers: boolean): Promise<TestingModule> {
  @Module({ providers: [Queues, ...(withWorkers ? [MaintenanceConsumer, DeadlinesConsumer] : [])] })
  class Host {}
  const module = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule, JobsModule.forRoot(), Host] }).compile();
  module.useLogger(false);
  await module.init();
  return module;
}

describe('on a Redis Cluster (three masters)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await testCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is a cluster of three masters that share the 16384 slots', async () => {
    expect(cluster.client.nodes('master')).toHaveLength(3);
    const info = String(await cluster.client.cluster('INFO'));
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_slots_assigned:16384/);
  });

  describe('BullMQ', () => {
    let config: AppConfig;
    let module: TestingModule;
    let queues: Queues;

    beforeAll(async () => {
      config = clusterConfig(cluster, { QUEUE_PREFIX: ownPrefix('rc') });
      module = await startModule(config, true);
      queues = module.get(Queues);
    }, 30_000);
    afterAll(async () => {
      await module?.close();
      await deletePrefixed(cluster.client, config.QUEUE_PREFIX);
      expect(await clusterKeys(cluster.client, config.QUEUE_PREFIX)).toEqual([]);
    });

    it('puts each queue under QUEUE_PREFIX:{queue}; a single Redis keeps QUEUE_PREFIX (the key names of existing data)', () => {
      expect(queues.deadlines.opts.prefix).toBe(`${config.QUEUE_PREFIX}:{deadlines}`);
      expect(queues.maintenance.opts.prefix).toBe(`${config.QUEUE_PREFIX}:{maintenance}`);
      for (const name of QUEUE_NAMES) expect(queuePrefix({ QUEUE_PREFIX: 'shouhu' }, name)).toBe('shouhu');
    });

    it('keeps every key of one queue in one slot (the hash tag), whatever the job and its state', async () => {
      const tag = randomBytes(3).toString('hex');
      // Waiting jobs completed or failed by the workers, delayed ones, a repeatable scheduler, bulk adds.
      for (let i = 0; i < 3; i += 1) await queues.maintenance.add(JobName.WorkerHeartbeat, {}, { jobId: `now-${tag}-${i}` });
      await queues.deadlines.add(JobName.DeadlineDue, { deadlineId: 'x' }, { jobId: `fail-${tag}`, attempts: 1 });
      await queues.deadlines.addBulk(
        [0, 1, 2].map((i) => ({ name: JobName.DeadlineDue, data: { deadlineId: `d${i}` }, opts: { jobId: `later-${tag}-${i}`, delay: 3_600_000 } })),
      );
      await queues.maintenance.upsertJobScheduler(`every-${tag}`, { every: 3_600_000 }, { name: JobName.WorkerHeartbeat, data: {} });
      await waitFor('the workers to finish the waiting jobs', async () => {
        const [done, failed] = await Promise.all([queues.maintenance.getCompletedCount(), queues.deadlines.getFailedCount()]);
        return done >= 3 && failed >= 1;
      });
      expect(processed).toEqual(expect.arrayContaining([`maintenance:now-${tag}-0`, `deadlines:fail-${tag}`]));

      const keys = await clusterKeys(cluster.client, config.QUEUE_PREFIX);
      const slots = new Map<QueueName, Set<number>>();
      for (const name of QUEUE_NAMES) {
        const own = keys.filter((k) => k.startsWith(`${config.QUEUE_PREFIX}:{${name}}:${name}:`));
        // The kinds of key BullMQ writes for these jobs, all found under the queue's prefix.
        const kinds = new Set(own.map((k) => k.slice(`${config.QUEUE_PREFIX}:{${name}}:${name}:`.length).split(':')[0]));
        expect([...kinds]).toEqual(expect.arrayContaining(['id', 'meta', 'events']));
        if (name === QueueName.Maintenance) expect([...kinds]).toEqual(expect.arrayContaining(['completed', 'repeat', 'delayed', `now-${tag}-0`]));
        if (name === QueueName.Deadlines) expect([...kinds]).toEqual(expect.arrayContaining(['failed', 'delayed', `later-${tag}-0`]));
        slots.set(name, new Set(await Promise.all(own.map((k) => keySlot(cluster.client, k)))));
        expect([...slots.get(name)!]).toEqual([await keySlot(cluster.client, `{${name}}`)]);
      }
      // No key of the prefix outside the queues' own (nothing BullMQ wrote landed elsewhere).
      expect(keys.filter((k) => !QUEUE_NAMES.some((name) => k.startsWith(`${config.QUEUE_PREFIX}:{${name}}:`)))).toEqual([]);
      // Two queues, two slots: they may sit on different masters.
      expect(slots.get(QueueName.Deadlines)).not.toEqual(slots.get(QueueName.Maintenance));
    });

    it("runs the reconciler's checks on the queue's slot: a page's second stages without a timer waiting, then which of those still have a job", async () => {
      const timers = new BullDeadlineTimers(queues.deadlines);
      const [armed, lost] = [randomUUID(), randomUUID()];
      await queues.deadlines.add(JobName.DeadlineSecondStage, { deadlineId: armed }, { jobId: deadlineJobId(armed, 'stage2'), delay: 3_600_000 });
      const outside = await timers.secondStagesNotDelayed(`${armed} 1900000000000,${lost} 1900000000001`);
      expect(outside).toBe(`${lost} 1900000000001`);
      expect(await timers.queuedOutsideDelayed([deadlineJobId(lost, 'stage2')])).toEqual(new Set());
    });

    it('reads the same queue from outside Nest (openQueue), and JobMonitor counts it within its bound', async () => {
      const queue = openQueue(config, QueueName.Deadlines);
      try {
        expect(queue.opts.prefix).toBe(`${config.QUEUE_PREFIX}:{deadlines}`);
        const [fromOutside, fromModule] = await Promise.all([queue.getDelayedCount(), queues.deadlines.getDelayedCount()]);
        expect(fromOutside).toBe(fromModule);
        expect(fromOutside).toBeGreaterThanOrEqual(3);
        const counts = await module.get(JobMonitor).jobCounts(2000);
        expect(counts.get(QueueName.Deadlines)?.delayed).toBe(fromOutside);
      } finally {
        await queue.close();
      }
    });

    it('the heartbeat key is one key of the request client, which reads it back', async () => {
      const redis = module.get(RedisClient);
      await redis.client.set(heartbeatKey(config.QUEUE_PREFIX), String(Date.now()), 'PX', 60_000);
      await expect(module.get(JobMonitor).workerAlive(1000)).resolves.toBe(true);
      await expect(module.get(DependencyProbe).redisUp(1000)).resolves.toBe(true);
    });
  });

  describe('the login throttle', () => {
    let config: AppConfig;
    let redis: RedisClient;
    let throttle: LoginThrottle;

    beforeAll(async () => {
      config = clusterConfig(cluster, { QUEUE_PREFIX: ownPrefix('lt'), LOGIN_MAX_FAILURES_PER_USERNAME: '2', LOGIN_MAX_ATTEMPTS_PER_IP: '3' });
      redis = new RedisClient(config);
      // As at the api's start-up: the cluster client is ready (its slots fetched) before the first login.
      await redis.onModuleInit();
      expect(redis.client.status).toBe('ready');
      throttle = new LoginThrottle(redis, config);
    });
    afterAll(async () => {
      await deletePrefixed(cluster.client, config.QUEUE_PREFIX);
      redis.onApplicationShutdown();
    });

    /** A username whose counter lives on another master than the address's (so a cross-slot command would fail). */
    async function apart(ip: string): Promise<string> {
      const owner = async (key: string) => {
        const slot = await keySlot(cluster.client, key);
        const ranges = await cluster.client.cluster('SLOTS');
        return ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
      };
      const ipOwner = await owner(`${config.QUEUE_PREFIX}:login:ip:${ip}`);
      for (let i = 0; ; i += 1) {
        const username = `apart-${randomBytes(3).toString('hex')}-${i}`;
        if ((await owner(`${config.QUEUE_PREFIX}:login:user:${username}`)) !== ipOwner) return username;
      }
    }

    it('counts an address and a username that live on different masters, in Redis (not in memory)', async () => {
      const ip = `10.9.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      const username = await apart(ip);
      const first = await throttle.admit(username, ip);
      expect(first.store).toBe('redis');
      const second = await throttle.admit(username, ip);
      expect(second.store).toBe('redis');
      expect(await cluster.client.get(first.ipKey)).toBe('2');
      expect(await cluster.client.get(first.userKey)).toBe('2');
      expect(await cluster.client.ttl(first.userKey)).toBeGreaterThan(0);
      // A third attempt of the username is over its limit of two: 429, and the refused attempt is not counted.
      const refused = await throttle.admit(username, ip).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect((refused as DomainError).code).toBe('TOO_MANY_ATTEMPTS');
      expect(await cluster.client.get(first.userKey)).toBe('2');
      expect(await cluster.client.get(first.ipKey)).toBe('2');
    });

    it('a success forgets the username and refunds the address; an undecided attempt refunds both', async () => {
      const ip = `10.8.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      const username = await apart(ip);
      const failed = await throttle.admit(username, ip);
      const ok = await throttle.admit(username, ip);
      await throttle.succeeded(ok);
      expect(await cluster.client.exists(ok.userKey)).toBe(0);
      expect(await cluster.client.get(ok.ipKey)).toBe('1');
      const undecided = await throttle.admit(username, ip);
      await throttle.release(undecided);
      expect(await cluster.client.get(failed.ipKey)).toBe('1');
      expect(await cluster.client.get(failed.userKey)).toBe('0');
    });
  });

  describe('when the whole cluster is gone', () => {
    let dying: TestCluster;
    let module: TestingModule;
    let config: AppConfig;

    beforeAll(async () => {
      // A cluster of its own, since this one is stopped.
      dying = await startOwnCluster();
      config = clusterConfig(dying, { QUEUE_PREFIX: ownPrefix('dead'), REDIS_WAIT_MS: '300' });
      module = await startModule(config, false);
      // The queues report the lost connection as 'error' events: expected here.
      for (const queue of [module.get(Queues).deadlines, module.get(Queues).maintenance]) queue.on('error', () => undefined);
      await expect(module.get(DependencyProbe).redisUp(2000)).resolves.toBe(true);
      await dying.stop();
    }, 60_000);
    let closed = false;
    afterAll(async () => {
      if (!closed) await module?.close();
    });

    it('answers within the bounds: the probe says down, the throttle counts in memory, the monitor leaves the queues out', async () => {
      await waitFor('the client to notice', async () => !(await module.get(DependencyProbe).redisUp(300)), { timeoutMs: 10_000 });
      let started = Date.now();
      await expect(module.get(DependencyProbe).redisUp(300)).resolves.toBe(false);
      expect(Date.now() - started).toBeLessThan(1000);

      started = Date.now();
      const throttle = new LoginThrottle(module.get(RedisClient), config);
      const ticket = await throttle.admit('someone', '10.7.0.1');
      expect(ticket.store).toBe('memory');
      await throttle.release(ticket);
      expect(Date.now() - started).toBeLessThan(1500);

      // A sweep's second-stage timers: refused at once (the reconciler arms them later), not queued behind a dead cluster.
      const timers = new BullDeadlineTimers(module.get(Queues).deadlines);
      started = Date.now();
      await expect(timers.scheduleSecondStages([{ deadlineId: randomUUID(), at: new Date() }])).rejects.toThrow(/not connected|Connection is closed/);
      expect(Date.now() - started).toBeLessThan(1000);

      started = Date.now();
      expect((await module.get(JobMonitor).jobCounts(300)).size).toBe(0);
      await expect(module.get(JobMonitor).workerAlive(300)).resolves.toBe(false);
      expect(Date.now() - started).toBeLessThan(2500);
    });

    it('shuts down without waiting for the cluster', async () => {
      const started = Date.now();
      await module.close();
      closed = true;
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });
});
