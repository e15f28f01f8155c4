import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { AppConfig } from '@shouhu/config';
import { RedisClient, within } from '@shouhu/database';
import { HEARTBEAT_STALE_MS, heartbeatKey, QUEUE_NAMES, QueueName } from './job-registry';

/** The states a queue's jobs are counted in for /metrics. */
const COUNTED_STATES = ['waiting', 'delayed', 'active', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

/** What the queues hold and whether a worker consumes them, read within a bound (Redis may be away). */
@Injectable()
export class JobMonitor {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly redis: RedisClient,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Jobs by state, per queue; a queue whose counts did not come within `waitMs` is left out. */
  async jobCounts(waitMs: number): Promise<Map<QueueName, Record<string, number>>> {
    const counts = new Map<QueueName, Record<string, number>>();
    for (const name of QUEUE_NAMES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      const byState = await within(waitMs, queue.getJobCounts(...COUNTED_STATES)).catch(() => null);
      if (byState) counts.set(name, byState);
    }
    return counts;
  }

  /** A worker wrote its heartbeat recently (deadlines fire only while one runs). */
  async workerAlive(waitMs: number): Promise<boolean> {
    try {
      const at = await within(waitMs, this.redis.client.get(heartbeatKey(this.config.QUEUE_PREFIX)));
      return at !== null && Date.now() - Number(at) < HEARTBEAT_STALE_MS;
    } catch {
      return false;
    }
  }
}
