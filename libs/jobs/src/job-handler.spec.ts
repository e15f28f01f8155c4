import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { JobHandlerRegistry, JobRegistryError, OnJob, registryProblems } from './job-handler';
import { JOB_NAMES, JobName } from './job-registry';

// Names of a pretend registry, so these checks do not depend on how many jobs exist today.
const A = 'test.a' as JobName;
const B = 'test.b' as JobName;
const NAMES = [A, B] as const;

describe('registryProblems', () => {
  it('finds nothing wrong when each job has exactly one handler', () => {
    expect(
      registryProblems(
        [
          { name: A, owner: 'X.a' },
          { name: B, owner: 'Y.b' },
        ],
        NAMES,
      ),
    ).toEqual([]);
  });

  it('names a job without a handler', () => {
    expect(registryProblems([{ name: A, owner: 'X.a' }], NAMES)).toEqual(['job "test.b" has no handler']);
    expect(registryProblems([], NAMES)).toEqual(['job "test.a" has no handler', 'job "test.b" has no handler']);
  });

  it('names a job with two handlers, and both owners', () => {
    expect(
      registryProblems(
        [
          { name: A, owner: 'X.a' },
          { name: B, owner: 'Y.b' },
          { name: A, owner: 'Z.again' },
        ],
        NAMES,
      ),
    ).toEqual(['job "test.a" has 2 handlers: X.a, Z.again']);
  });

  it('names a handler of a job that does not exist', () => {
    expect(
      registryProblems(
        [
          { name: A, owner: 'X.a' },
          { name: B, owner: 'Y.b' },
          { name: 'test.c' as JobName, owner: 'Old.c' },
        ],
        NAMES,
      ),
    ).toEqual(['Old.c handles unknown job "test.c"']);
  });

  it('lists every problem at once', () => {
    const problems = registryProblems(
      [
        { name: A, owner: 'X.a' },
        { name: A, owner: 'X.b' },
        { name: 'test.z' as JobName, owner: 'Q.z' },
      ],
      NAMES,
    );
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining(['job "test.b" has no handler', 'job "test.a" has 2 handlers: X.a, X.b', 'Q.z handles unknown job "test.z"']),
    );
  });

  it('checks the real job names by default', () => {
    const complete = JOB_NAMES.map((name) => ({ name, owner: `H.${name}` }));
    expect(registryProblems(complete)).toEqual([]);
    expect(registryProblems(complete.slice(1))).toEqual([`job "${JOB_NAMES[0]}" has no handler`]);
  });
});

describe('JobHandlerRegistry', () => {
  const calls: unknown[] = [];

  @Injectable()
  class Heartbeat {
    private readonly label = 'heartbeat';

    @OnJob(JobName.WorkerHeartbeat)
    async beat(data: unknown, meta: unknown): Promise<string> {
      calls.push({ data, meta, self: this.label });
      return 'done';
    }

    notAHandler(): void {}
  }

  @Injectable()
  class SecondHeartbeat {
    @OnJob(JobName.WorkerHeartbeat)
    async again(): Promise<void> {}
  }

  /** One handler for every other job name, however many there are. */
  @Injectable()
  class OtherJobs {}
  for (const name of JOB_NAMES.filter((n) => n !== JobName.WorkerHeartbeat)) {
    const key = `handle:${name}`;
    Object.defineProperty(OtherJobs.prototype, key, { value: async () => `other:${name}`, writable: true, configurable: true });
    OnJob(name)(OtherJobs.prototype, key, Object.getOwnPropertyDescriptor(OtherJobs.prototype, key)!);
  }

  async function registryWith(...providers: (new () => object)[]): Promise<{ registry: JobHandlerRegistry; close: () => Promise<void> }> {
    @Module({ imports: [DiscoveryModule], providers: [JobHandlerRegistry, ...providers] })
    class Host {}
    const moduleRef = await Test.createTestingModule({ imports: [Host] }).compile();
    return { registry: moduleRef.get(JobHandlerRegistry), close: () => moduleRef.close() };
  }

  beforeEach(() => {
    calls.length = 0;
  });

  it('loads the one handler of each job and dispatches to it, bound to its instance', async () => {
    const { registry, close } = await registryWith(Heartbeat, OtherJobs);
    try {
      registry.load();
      await expect(registry.dispatch({ name: JobName.WorkerHeartbeat, data: {} }, { jobId: 'j1', attempt: 2 })).resolves.toBe('done');
      expect(calls).toEqual([{ data: {}, meta: { jobId: 'j1', attempt: 2 }, self: 'heartbeat' }]);
      for (const name of JOB_NAMES.filter((n) => n !== JobName.WorkerHeartbeat)) {
        await expect(registry.dispatch({ name, data: {} } as never, { attempt: 1 })).resolves.toBe(`other:${name}`);
      }
    } finally {
      await close();
    }
  });

  it('refuses to load when a job has two handlers, naming both', async () => {
    const { registry, close } = await registryWith(Heartbeat, SecondHeartbeat, OtherJobs);
    try {
      expect(() => registry.load()).toThrow(JobRegistryError);
      expect(() => registry.load()).toThrow(
        /"worker\.heartbeat" has 2 handlers: (Heartbeat\.beat, SecondHeartbeat\.again|SecondHeartbeat\.again, Heartbeat\.beat)/,
      );
    } finally {
      await close();
    }
  });

  it('refuses to load when a job has no handler', async () => {
    const { registry, close } = await registryWith(OtherJobs);
    try {
      expect(() => registry.load()).toThrow(JobRegistryError);
      expect(() => registry.load()).toThrow(/"worker\.heartbeat" has no handler/);
    } finally {
      await close();
    }
  });

  it('refuses to dispatch before load or for an unknown job', async () => {
    const { registry, close } = await registryWith(Heartbeat, OtherJobs);
    try {
      await expect(registry.dispatch({ name: JobName.WorkerHeartbeat, data: {} }, { attempt: 1 })).rejects.toThrow(JobRegistryError);
      registry.load();
      await expect(registry.dispatch({ name: 'nope' as JobName, data: {} } as never, { attempt: 1 })).rejects.toThrow(/no handler for job "nope"/);
      expect(calls).toEqual([]);
    } finally {
      await close();
    }
  });
});
