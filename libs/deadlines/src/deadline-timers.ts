import type { Cluster, Redis } from 'ioredis';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { within } from '@shouhu/database';
import { deadlineJobId, deadlineJobIdAffixes, JobName, QueueName } from '@shouhu/jobs';

/** The key, beside the queue's, that holds when the last reconciler pass over the timers began (BullDeadlineTimers.reconciledAt). */
export const RECONCILED_KEY = 'shouhu:timers-reconciled';

/**
 * Of a page of steps ("<deadline id> <ms>" joined by commas, ARGV[1]), those whose job (ARGV[2] .. id .. ARGV[3])
 * is not in the delayed set (KEYS[1]), in the same format. Reads the delayed set only: in a cluster, the one key
 * the script declares.
 */
const STEPS_NOT_DELAYED = `
local out = {}
for step, id in string.gmatch(ARGV[1], '(([^ ,]+) [^,]+)') do
  if not redis.call('ZSCORE', KEYS[1], ARGV[2] .. id .. ARGV[3]) then out[#out + 1] = step end
end
return table.concat(out, ',')`;

/**
 * BullMQ delayed jobs as the timers of breached deadlines' second stages (and of a step that
 * ran early, re-armed). A pending deadline's reminder and breach need none: the breach sweeper
 * reads them from the rows. Job ids are derived from the deadline id and stage, so scheduling
 * twice adds nothing; the processors re-read the row, so a timer that outlived its deadline
 * does nothing.
 */
@Injectable()
export class BullDeadlineTimers {
  constructor(@InjectQueue(QueueName.Deadlines) private readonly queue: Queue) {}

  /**
   * Refuses at once while the queue's connection is down: commands would wait in
   * ioredis's offline queue, piling up for as long as Redis is away. The deadline
   * rows are committed; the reconciler arms their timers when Redis is back.
   */
  private async assertConnected(): Promise<void> {
    const client = await within(100, this.client()).catch(() => null);
    if ((client as { status?: string } | null)?.status !== 'ready') throw new Error('the queue is not connected to Redis; the reconciler will arm the timers');
  }

  async scheduleSecondStage(deadlineId: string, at: Date): Promise<void> {
    await this.queue.add(
      JobName.DeadlineSecondStage,
      { deadlineId },
      { jobId: deadlineJobId(deadlineId, 'stage2'), delay: Math.max(0, at.getTime() - Date.now()) },
    );
  }

  /**
   * The second-stage timers of a breach sweep's batch, in one round trip per 1,000. Refuses at
   * once while Redis is away (the reconciler arms them later from the rows).
   */
  async scheduleSecondStages(stages: { deadlineId: string; at: Date }[]): Promise<void> {
    if (!stages.length) return;
    await this.assertConnected();
    const now = Date.now();
    for (let i = 0; i < stages.length; i += 1000) {
      await this.queue.addBulk(
        stages.slice(i, i + 1000).map(({ deadlineId, at }) => ({
          name: JobName.DeadlineSecondStage,
          data: { deadlineId },
          opts: { jobId: deadlineJobId(deadlineId, 'stage2'), delay: Math.max(0, at.getTime() - now) },
        })),
      );
    }
  }

  /**
   * Of timer jobs known not to wait in the delayed set, those that still exist (due, running: any
   * state but completed/failed). One pipelined EXISTS each says which have a job hash at all (one
   * without does not exist); only those are asked their state one by one. The reconciler asks it about
   * the few timers secondStagesNotDelayed did not find waiting (asking every timer's state, as it once
   * did, ran one Lua script per timer: 200,000 open second stages each minute).
   */
  async queuedOutsideDelayed(jobIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (!jobIds.length) return found;
    const pipeline = (await this.client()).pipeline();
    for (const id of jobIds) pipeline.exists(this.queue.toKey(id));
    const replies = (await pipeline.exec()) ?? [];
    // An error or no answer: asked its state, as one with a job hash.
    const unsure = jobIds.filter((_, i) => {
      const [error, exists] = replies[i] ?? [null, 1];
      return error !== null || Number(exists) > 0;
    });
    const states = await Promise.all(unsure.map((id) => this.queue.getJobState(id)));
    unsure.forEach((id, i) => {
      if (states[i] !== 'unknown' && states[i] !== 'completed' && states[i] !== 'failed') found.add(id);
    });
    return found;
  }

  /**
   * Of a page of second stages (DeadlineRepository.upcomingPages: "<deadline id> <ms>" joined by commas), those
   * whose timer is not waiting in the delayed set, in the same format: one script call, which reads the text in
   * Redis, so that the worker makes no object per step (a pass over the 400,000 open second stages the bench
   * leaves, with a row, an id and a reply per step, grew its heap by ~150 MB). What it returns is usually
   * nothing; `queuedOutsideDelayed` then tells which of those still have a job (due or running).
   */
  async secondStagesNotDelayed(steps: string): Promise<string> {
    if (!steps) return '';
    const { before, after } = deadlineJobIdAffixes('stage2');
    // Redis and Cluster share the command (one type for both, as their union's overloads do not resolve).
    const client: Pick<Redis, 'eval'> = await this.client();
    return String(await client.eval(STEPS_NOT_DELAYED, 1, this.queue.keys.delayed, steps, before, after));
  }

  /**
   * When the last reconciler pass that checked every timer it had to began (the database's clock),
   * as Redis remembers it beside the timers; null when it does not (no pass yet, or Redis lost its
   * data with the timers: a FLUSHALL, a failover to an empty replica), so that the next pass checks them all.
   */
  async reconciledAt(): Promise<Date | null> {
    const value = await (await this.client()).get(this.queue.toKey(RECONCILED_KEY));
    const at = value ? new Date(value) : null;
    return at && !Number.isNaN(at.getTime()) ? at : null;
  }

  /** Records that a reconciler pass begun at `at` checked every timer it had to. */
  async markReconciled(at: Date): Promise<void> {
    await (await this.client()).set(this.queue.toKey(RECONCILED_KEY), at.toISOString());
  }

  /** The queue's own connection (ioredis: a Redis or, with REDIS_CLUSTER_NODES, a Cluster; the queue's keys share one slot). */
  private async client(): Promise<Redis | Cluster> {
    return (await this.queue.getBackend().connection.client) as unknown as Redis | Cluster;
  }

  /**
   * Re-adds timers whose jobs are gone or finished (a completed job keeps its id until retention removes
   * it): the finished jobs among them removed (in parallel), then every one re-added in one addBulk. The reconciler's way back after Redis lost its timers (a FLUSHALL, a failover).
   * One pipelined round trip first says which of them still have a job hash at all: after a FLUSHALL none
   * has, and no job is fetched one by one (5,000 fetches a batch, each its own round trip, before).
   */
  async restore(
    timers: {
      name: JobName.DeadlineDue | JobName.DeadlineRemind | JobName.DeadlineSecondStage;
      deadlineId: string;
      stage: 'remind' | 'due' | 'stage2';
      at: Date;
    }[],
  ): Promise<void> {
    if (!timers.length) return;
    const ids = timers.map((t) => deadlineJobId(t.deadlineId, t.stage));
    const pipeline = (await this.client()).pipeline();
    for (const id of ids) pipeline.exists(this.queue.toKey(id));
    const replies = (await pipeline.exec()) ?? [];
    // An error or no answer: fetched and looked at, as before.
    const withHash = ids.filter((_, i) => {
      const [error, exists] = replies[i] ?? [null, 1];
      return error !== null || Number(exists) > 0;
    });
    const jobs = await Promise.all(withHash.map((id) => this.queue.getJob(id)));
    await Promise.all(jobs.map(async (job) => (job && (await job.isCompleted().catch(() => false)) ? job.remove().catch(() => undefined) : undefined)));
    const now = Date.now();
    await this.queue.addBulk(
      timers.map((t) => ({
        name: t.name,
        data: { deadlineId: t.deadlineId },
        opts: { jobId: deadlineJobId(t.deadlineId, t.stage), delay: Math.max(0, t.at.getTime() - now) },
      })),
    );
  }

  /**
   * A timer that fired before its time (its job is still running, so its id is
   * taken): a second timer with an id of its own, for the same deadline and stage.
   */
  async rearm(
    name: JobName.DeadlineDue | JobName.DeadlineRemind | JobName.DeadlineSecondStage,
    deadlineId: string,
    stage: 'remind' | 'due' | 'stage2',
    at: Date,
  ): Promise<void> {
    await this.queue.add(
      name,
      { deadlineId },
      { jobId: `${deadlineJobId(deadlineId, stage)}-at-${at.getTime()}`, delay: Math.max(0, at.getTime() - Date.now()) },
    );
  }
}
