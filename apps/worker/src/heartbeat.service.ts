import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@shouhu/config';
import { RedisClient } from '@shouhu/database';
import { HEARTBEAT_EVERY_MS, HEARTBEAT_STALE_MS, heartbeatKey, JobName, OnJob, QueueName } from '@shouhu/jobs';

/** Lets operators (and /api/health) see that some worker is consuming jobs. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // One scheduler for all workers: upsert is idempotent across replicas.
    await this.queue.upsertJobScheduler('worker-heartbeat', { every: HEARTBEAT_EVERY_MS }, { name: JobName.WorkerHeartbeat, data: {} });
  }

  @OnJob(JobName.WorkerHeartbeat)
  async beat(): Promise<void> {
    await this.redis.client.set(heartbeatKey(this.config.QUEUE_PREFIX), String(Date.now()), 'PX', HEARTBEAT_STALE_MS);
  }
}
