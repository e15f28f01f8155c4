export { JobHandlerRegistry, JobRegistryError, OnJob, registryProblems } from './job-handler';
export type { JobHandlerFn } from './job-handler';
export { JobMonitor } from './job-monitor';
export {
  deadlineJobId,
  deadlineJobIdAffixes,
  DEFAULT_JOB_OPTIONS,
  HEARTBEAT_EVERY_MS,
  HEARTBEAT_STALE_MS,
  heartbeatKey,
  JOB_NAMES,
  JOB_QUEUE,
  JobName,
  QUEUE_NAMES,
  QueueName,
} from './job-registry';
export type { DeadlineJobData, JobItem, JobPayloads } from './job-registry';
export { JobsModule } from './jobs.module';
export { openQueue, QueueConnection, queuePrefix } from './queue-connection';
