import { WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobHandlerRegistry, JobItem } from '@shouhu/jobs';

/** Thin: hands each job of its queue to the handler registered for the job's name. */
// @Injectable so the constructor's parameter types are recorded for the subclasses.
@Injectable()
export abstract class RegistryProcessor extends WorkerHost {
  constructor(private readonly registry: JobHandlerRegistry) {
    super();
  }

  process(job: Job): Promise<unknown> {
    return this.registry.dispatch({ name: job.name, data: job.data } as JobItem, { jobId: job.id, attempt: job.attemptsMade + 1 });
  }
}
