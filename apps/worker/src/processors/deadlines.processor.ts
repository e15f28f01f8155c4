import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobHandlerRegistry, JobItem, QueueName } from '@shouhu/jobs';

/** Thin: hands each deadline job to its registered handler. */
@Processor(QueueName.Deadlines, { concurrency: 4 })
export class DeadlinesProcessor extends WorkerHost {
  constructor(private readonly registry: JobHandlerRegistry) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.registry.dispatch({ name: job.name, data: job.data } as JobItem, { jobId: job.id, attempt: job.attemptsMade + 1 });
  }
}
