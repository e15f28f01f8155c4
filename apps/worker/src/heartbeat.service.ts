import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@shouhu/config';
import { RedisClient } from '@shouhu/database';
import { HEARTBEAT_EVERY_MS, HEARTBEAT_STALE_MS, heartbeatKey, JobName, OnJob, QueueName } from '@shouhu/jobs';
import { SchedulerGuard } from './scheduler-guard';

/** Lets operators (and /api/health) see that some worker is consuming jobs. */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Re-creates the heartbeat's scheduler should Redis lose it (a FLUSHALL, a failover). */
  private readonly guard: SchedulerGuard;

  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {
    this.guard = new SchedulerGuard(this.queue, 'worker-heartbeat', () =>
      this.queue.upsertJobScheduler('worker-heartbeat', { every: HEARTBEAT_EVERY_MS }, { name: JobName.WorkerHeartbeat, data: {} }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // One scheduler for all workers: upsert is idempotent across replicas.
    await this.queue.upsertJobScheduler('worker-heartbeat', { every: HEARTBEAT_EVERY_MS }, { name: JobName.WorkerHeartbeat, data: {} });
    this.guard.start();
  }

  onApplicationShutdown(): void {
    this.guard.stop();
  }

  @OnJob(JobName.WorkerHeartbeat)
  async beat(): Promise<void> {
    await this.redis.client.set(heartbeatKey(this.config.QUEUE_PREFIX), String(Date.now()), 'PX', HEARTBEAT_STALE_MS);
  }
}
