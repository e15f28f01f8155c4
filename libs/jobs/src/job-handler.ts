import { Injectable, SetMetadata } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { JOB_NAMES, JobItem, JobName, JobPayloads } from './job-registry';

const JOB_HANDLER = 'shouhu:job-handler';

/** Marks a method as the handler of one job name. */
export const OnJob = (name: JobName) => SetMetadata(JOB_HANDLER, name);

export type JobHandlerFn<N extends JobName = JobName> = (data: JobPayloads[N], meta: { jobId?: string; attempt: number }) => Promise<unknown>;

export class JobRegistryError extends Error {}

interface FoundHandler {
  name: JobName;
  owner: string;
  fn: JobHandlerFn;
}

/** Checks that every job name has exactly one handler; returns the problems. */
export function registryProblems(found: { name: JobName; owner: string }[], names: readonly JobName[] = JOB_NAMES): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const owners = found.filter((h) => h.name === name).map((h) => h.owner);
    if (owners.length === 0) problems.push(`job "${name}" has no handler`);
    if (owners.length > 1) problems.push(`job "${name}" has ${owners.length} handlers: ${owners.join(', ')}`);
  }
  for (const h of found) if (!names.includes(h.name)) problems.push(`${h.owner} handles unknown job "${h.name}"`);
  return problems;
}

/**
 * Finds the @OnJob methods of every provider in the worker, refuses to start
 * when a job name has no handler or two, and dispatches jobs by name.
 */
@Injectable()
export class JobHandlerRegistry {
  private handlers = new Map<JobName, JobHandlerFn>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /** Called once at worker start-up; throws JobRegistryError listing every problem. */
  load(): void {
    const found: FoundHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const name = Reflect.getMetadata(JOB_HANDLER, (instance as Record<string, object>)[method]) as JobName | undefined;
        if (name === undefined) continue;
        const fn = (instance[method] as JobHandlerFn).bind(instance);
        found.push({ name, owner: `${instance.constructor.name}.${method}`, fn });
      }
    }
    const problems = registryProblems(found);
    if (problems.length > 0) throw new JobRegistryError(`job registry is not complete:\n  ${problems.join('\n  ')}`);
    this.handlers = new Map(found.map((h) => [h.name, h.fn]));
  }

  async dispatch(job: JobItem, meta: { jobId?: string; attempt: number }): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new JobRegistryError(`no handler for job "${job.name}"`);
    return handler(job.data, meta);
  }
}
