import type { JobsOptions } from 'bullmq';

/** The queues. Each job name belongs to exactly one. */
export enum QueueName {
  Maintenance = 'maintenance',
  Deadlines = 'deadlines',
}

/** Every job Shouhu runs. A name without exactly one handler stops the worker at start. */
export enum JobName {
  /** Records that a worker is alive; the health endpoint reads it. */
  WorkerHeartbeat = 'worker.heartbeat',
  /** A deadline's reminder time has come: remind the responsible person. */
  DeadlineRemind = 'deadline.remind',
  /** A deadline's due time has come: breach and escalate one level if unmet. */
  DeadlineDue = 'deadline.due',
  /** A breached deadline's second window has passed: escalate to the district. */
  DeadlineSecondStage = 'deadline.second_stage',
  /** Finds pending deadlines whose timers are missing or late (every minute). */
  DeadlineReconcile = 'deadline.reconcile',
}

/** The payload of each job, by name. */
export interface DeadlineJobData {
  deadlineId: string;
}

export interface JobPayloads {
  [JobName.WorkerHeartbeat]: Record<string, never>;
  [JobName.DeadlineRemind]: DeadlineJobData;
  [JobName.DeadlineDue]: DeadlineJobData;
  [JobName.DeadlineSecondStage]: DeadlineJobData;
  [JobName.DeadlineReconcile]: Record<string, never>;
}

/** A job as a discriminated union of { name, data }: no Job<any> anywhere. */
export type JobItem = { [N in JobName]: { name: N; data: JobPayloads[N] } }[JobName];

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.WorkerHeartbeat]: QueueName.Maintenance,
  [JobName.DeadlineRemind]: QueueName.Deadlines,
  [JobName.DeadlineDue]: QueueName.Deadlines,
  [JobName.DeadlineSecondStage]: QueueName.Deadlines,
  [JobName.DeadlineReconcile]: QueueName.Deadlines,
};

/** What a deadline timer's job id puts before and after the deadline's id (deadlineJobId), for a script that builds them in Redis. */
export const deadlineJobIdAffixes = (stage: 'remind' | 'due' | 'stage2') => ({ before: 'dl-', after: `-${stage}` });

/** Deterministic job ids: one timer per deadline and stage, so re-adding is a no-op. */
export const deadlineJobId = (deadlineId: string, stage: 'remind' | 'due' | 'stage2') => {
  const { before, after } = deadlineJobIdAffixes(stage);
  return `${before}${deadlineId}${after}`;
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
