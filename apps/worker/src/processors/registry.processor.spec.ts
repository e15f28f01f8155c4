import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import type { JobHandlerRegistry } from '@shouhu/jobs';
import { DeadlinesProcessor } from './deadlines.processor';
import { failedJobFields, WORKER_ERROR_LOG_INTERVAL_MS } from './registry.processor';

const job = (attemptsMade: number, attempts = 8) =>
  ({
    queueName: 'deadlines',
    id: 'dl-1-due',
    name: 'deadline.due',
    attemptsMade,
    opts: { attempts },
    data: { deadlineId: 'secret-looking-data' },
  }) as unknown as Job;

/** An error as the driver throws it: its message quotes a value from the row. */
function databaseError(): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint "x": Key (name)=(张小明) already exists'), {
    name: 'QueryFailedError',
    driverError: { code: '23505', constraint: 'child_name_key', table: 'child' },
  });
}

describe('a failed job is logged', () => {
  afterEach(() => jest.restoreAllMocks());

  it('with its queue, id, name, attempt and whether it is retried', () => {
    expect(failedJobFields(job(1), new Error('boom'))).toMatchObject({
      msg: 'job failed; it will be retried',
      queue: 'deadlines',
      jobId: 'dl-1-due',
      job: 'deadline.due',
      attempt: 1,
      attempts: 8,
      retried: true,
      error: { type: 'Error', message: 'boom', stack: expect.stringContaining('registry.processor.spec.ts') },
    });
    expect(failedJobFields(job(8), new Error('boom'))).toMatchObject({ attempt: 8, retried: false, msg: expect.stringContaining('for good') });
    expect(failedJobFields(job(1), new UnrecoverableError('bad payload'))).toMatchObject({ retried: false });
  });

  it('with the error code and stack, never the data of the job nor a database message', () => {
    const fields = failedJobFields(job(2), databaseError());
    expect(fields.error).toMatchObject({ type: 'QueryFailedError', code: '23505', constraint: 'child_name_key', table: 'child' });
    expect(fields.error.stack).toEqual(expect.stringContaining(' at '));
    const line = JSON.stringify(fields);
    expect(line).not.toContain('张小明');
    expect(line).not.toContain('secret-looking-data');
  });

  it('by the processors, on BullMQ’s failed event: a warning while retried, an error at the last attempt', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const processor = new DeadlinesProcessor({} as JobHandlerRegistry);
    processor.onFailed(job(1), new Error('boom'));
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ jobId: 'dl-1-due', attempt: 1, retried: true }));
    processor.onFailed(job(8), new Error('boom'));
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ jobId: 'dl-1-due', attempt: 8, retried: false }));
    // @nestjs/bullmq attaches the method to the worker's `failed` event (found on the prototype chain).
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the method is only read for its decorator's metadata, never called
    expect(Reflect.getMetadata('bullmq:worker_events_metadata', DeadlinesProcessor.prototype.onFailed)).toEqual({ eventName: 'failed' });
  });

  it('a worker’s own errors: a warning with safe fields, at most one a minute with the count left unlogged', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const processor = new DeadlinesProcessor({} as JobHandlerRegistry);
    processor.onWorkerError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenLastCalledWith(expect.objectContaining({ error: expect.objectContaining({ code: 'ECONNREFUSED' }), unloggedSinceLast: 0 }));
    now += 1_000;
    processor.onWorkerError(new Error('again'));
    now += WORKER_ERROR_LOG_INTERVAL_MS - 1_001;
    processor.onWorkerError(new Error('and again'));
    expect(warn).toHaveBeenCalledTimes(1);
    now += 1;
    processor.onWorkerError(new Error('Missing key for job repeat:deadline-reconciler:1. moveToDelayed'));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenLastCalledWith(
      expect.objectContaining({ unloggedSinceLast: 2, error: expect.objectContaining({ message: expect.stringContaining('Missing key') }) }),
    );
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the method is only read for its decorator's metadata, never called
    expect(Reflect.getMetadata('bullmq:worker_events_metadata', DeadlinesProcessor.prototype.onWorkerError)).toEqual({ eventName: 'error' });
  });
});
