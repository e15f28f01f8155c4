import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { safeErrorFields } from '@shouhu/errors';
import { JobHandlerRegistry, JobItem } from '@shouhu/jobs';

/**
 * What a log line says about a failed attempt: the queue, the job and which attempt
 * of how many, whether BullMQ retries it, and the error's safe fields (class, code,
 * stack frames). Never the job's data, never a database error's message.
 */
export function failedJobFields(job: Pick<Job, 'queueName' | 'id' | 'name' | 'attemptsMade' | 'opts'> | undefined, error: unknown) {
  const attempts = job?.opts.attempts ?? 1;
  // BullMQ counts the attempt before it emits `failed`; it retries while attempts remain, unless told not to.
  const retried = job !== undefined && job.attemptsMade < attempts && !(error instanceof UnrecoverableError);
  return {
    msg: retried ? 'job failed; it will be retried' : 'job failed for good; kept in the failed set for inspection',
    queue: job?.queueName,
    jobId: job?.id,
    job: job?.name,
    attempt: job?.attemptsMade,
    attempts,
    retried,
    error: safeErrorFields(error),
  };
}

/** At most one log line per this many milliseconds about a worker's own errors (its connection's, mostly). */
export const WORKER_ERROR_LOG_INTERVAL_MS = 60_000;

/** Thin: hands each job of its queue to the handler registered for the job's name. */
// @Injectable so the constructor's parameter types are recorded for the subclasses.
@Injectable()
export abstract class RegistryProcessor extends WorkerHost {
  private readonly logger = new Logger('Jobs');
  private workerErrorLoggedAt = Number.NEGATIVE_INFINITY;
  private workerErrorsUnlogged = 0;

  constructor(private readonly registry: JobHandlerRegistry) {
    super();
  }

  process(job: Job<unknown>): Promise<unknown> {
    return this.registry.dispatch({ name: job.name, data: job.data } as JobItem, { jobId: job.id, attempt: job.attemptsMade + 1 });
  }

  /** Every failed attempt is logged (a retry as a warning, the last one as an error), so no failure passes unseen. */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    const fields = failedJobFields(job, error);
    if (fields.retried) this.logger.warn(fields);
    else this.logger.error(fields);
  }

  /**
   * The worker's own errors (a lost connection, a job whose key vanished under it): BullMQ recovers
   * from them by itself. Logged as a warning, at most once a minute with the count of those left
   * unlogged, so that an outage does not flood the log; without a listener BullMQ would print
   * each one raw on stderr.
   */
  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    const now = Date.now();
    if (now - this.workerErrorLoggedAt < WORKER_ERROR_LOG_INTERVAL_MS) {
      this.workerErrorsUnlogged++;
      return;
    }
    this.logger.warn({ msg: 'queue worker error; BullMQ goes on by itself', error: safeErrorFields(error), unloggedSinceLast: this.workerErrorsUnlogged });
    this.workerErrorLoggedAt = now;
    this.workerErrorsUnlogged = 0;
  }
}
