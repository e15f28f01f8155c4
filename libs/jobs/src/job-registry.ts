import type { JobsOptions } from 'bullmq';

/** The queues. Each job name belongs to exactly one. */
export enum QueueName {
  Maintenance = 'maintenance',
}

/** Every job Shouhu runs. A name without exactly one handler stops the worker at start. */
export enum JobName {
  /** Records that a worker is alive; the health endpoint reads it. */
  WorkerHeartbeat = 'worker.heartbeat',
}

/** The payload of each job, by name. */
export interface JobPayloads {
  [JobName.WorkerHeartbeat]: Record<string, never>;
}

/** A job as a discriminated union of { name, data }: no Job<any> anywhere. */
export type JobItem = { [N in JobName]: { name: N; data: JobPayloads[N] } }[JobName];

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.WorkerHeartbeat]: QueueName.Maintenance,
};

export const JOB_NAMES: readonly JobName[] = Object.values(JobName);
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);

/**
 * Retries and retention for every job, in one place. Failed jobs are kept a month
 * for inspection; completed ones a day.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** Redis key the worker heartbeat writes and health reads. */
export const heartbeatKey = (prefix: string) => `${prefix}:worker:heartbeat`;
export const HEARTBEAT_EVERY_MS = 15_000;
export const HEARTBEAT_STALE_MS = 60_000;
