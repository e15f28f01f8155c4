import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EscalationService, Outcome } from '@shouhu/deadlines';
import { BreachSweeper } from './breach-sweeper.service';
import { DeadlineJobData, JobName, OnJob, QueueName } from '@shouhu/jobs';
import { SchedulerGuard } from './scheduler-guard';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checked(data: DeadlineJobData): string {
  if (!data || typeof data.deadlineId !== 'string' || !UUID.test(data.deadlineId)) throw new Error(`bad deadline job payload: ${JSON.stringify(data)}`);
  return data.deadlineId;
}

export const RECONCILE_EVERY_MS = 60_000;

/** The deadline jobs: check the payload, call the escalation service. */
@Injectable()
export class DeadlineJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Re-creates the reconciler's scheduler should Redis lose it (a FLUSHALL, a failover). */
  private readonly guard: SchedulerGuard;

  constructor(
    private readonly escalation: EscalationService,
    private readonly sweeper: BreachSweeper,
    @InjectQueue(QueueName.Deadlines) private readonly queue: Queue,
  ) {
    this.guard = new SchedulerGuard(this.queue, 'deadline-reconciler', () =>
      this.queue.upsertJobScheduler('deadline-reconciler', { every: RECONCILE_EVERY_MS }, { name: JobName.DeadlineReconcile, data: {} }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // One scheduler however many workers run; it also fires once at start.
    await this.queue.upsertJobScheduler('deadline-reconciler', { every: RECONCILE_EVERY_MS }, { name: JobName.DeadlineReconcile, data: {} });
    this.guard.start();
  }

  onApplicationShutdown(): void {
    this.guard.stop();
  }

  @OnJob(JobName.DeadlineRemind)
  remind(data: DeadlineJobData): Promise<Outcome> {
    return this.escalation.remind(checked(data));
  }

  /**
   * A due timer: while this process's breach sweeper runs, a due pending deadline is the
   * sweep's ('swept': the sweeper is woken, and breaches it with its batch); otherwise, and
   * for a timer that fired early, the one-deadline breach. Already breached or closed: 'noop'.
   */
  @OnJob(JobName.DeadlineDue)
  due(data: DeadlineJobData): Promise<Outcome | 'swept'> {
    const id = checked(data);
    if (this.sweeper.running) return this.escalation.dueOrHandOff(id, () => this.sweeper.wake());
    return this.escalation.breach(id);
  }

  @OnJob(JobName.DeadlineSecondStage)
  secondStage(data: DeadlineJobData): Promise<Outcome> {
    return this.escalation.secondStage(checked(data));
  }

  @OnJob(JobName.DeadlineReconcile)
  reconcile(): Promise<{ processed: number; rescheduled: number }> {
    return this.escalation.reconcile();
  }
}
