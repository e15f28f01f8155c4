/**
 * The service tier (Immich's "medium" tests): the case-work services wired by the same
 * Nest module the apps use, against the test database (real PostgreSQL, real
 * migrations) and Redis, without HTTP and without a worker. Time does not pass here:
 * a test moves a deadline's times back (makeDue) and runs the step the timer would run.
 */
import { randomBytes } from 'node:crypto';
import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { plainToInstance } from 'class-transformer';
import { validateOrReject } from 'class-validator';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { Actor } from '@shouhu/access';
import { CaseIntakeService, CaseQueriesService, CaseRecordsService, CaseTransitionsService, CreateCaseDto } from '@shouhu/cases';
import { CaseworkModule } from '@shouhu/casework';
import { AppConfig, ConfigModule, configWith } from '@shouhu/config';
import { DatabaseModule } from '@shouhu/database';
import { DeadlineService, EscalationService } from '@shouhu/deadlines';
import { JobsModule } from '@shouhu/jobs';
import { OrgService } from '@shouhu/org';
import { CaseKind, deadlineCaseBody, deadlinesQueue, Ledger } from './deadlines';

export interface Services {
  module: TestingModule;
  config: AppConfig;
  db: DataSource;
  ledger: Ledger;
  /** The deadlines queue of this file's own prefix: no worker consumes it, so timers only wait there. */
  queue: Queue;
  intake: CaseIntakeService;
  transitions: CaseTransitionsService;
  records: CaseRecordsService;
  queries: CaseQueriesService;
  deadlines: DeadlineService;
  escalation: EscalationService;
  org: OrgService;
  close(): Promise<void>;
}

/** The case-work module (CaseworkModule, as the api and the worker import it) on the test database, with a queue prefix of its own. */
export async function startServices(overrides: Record<string, string> = {}): Promise<Services> {
  const config = configWith({ QUEUE_PREFIX: `${process.env.QUEUE_PREFIX ?? 'shouhu-test'}:m${randomBytes(3).toString('hex')}`, ...overrides });
  const module = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), DatabaseModule, JobsModule.forRoot(), CaseworkModule] }).compile();
  module.useLogger(false);
  await module.init();
  const db = module.get(DataSource);
  const queue = deadlinesQueue(config);
  return {
    module,
    config,
    db,
    ledger: new Ledger(db),
    queue,
    intake: module.get(CaseIntakeService),
    transitions: module.get(CaseTransitionsService),
    records: module.get(CaseRecordsService),
    queries: module.get(CaseQueriesService),
    deadlines: module.get(DeadlineService),
    escalation: module.get(EscalationService),
    org: module.get(OrgService),
    close: async () => {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await module.close();
    },
  };
}

/** The actor of a demo user, as the auth guard would make it. */
export async function actorOf(s: Services, username: string): Promise<Actor> {
  const actor = await s.org.actorByUsername(username);
  if (!actor) throw new Error(`no active user ${username}`);
  return actor;
}

/** A request body as the validation pipe hands it on: the DTO class, transformed and checked. */
export async function dtoOf<T extends object>(cls: new () => T, body: object): Promise<T> {
  const dto = plainToInstance(cls, body);
  await validateOrReject(dto, { whitelist: true, forbidNonWhitelisted: true });
  return dto;
}

/** Files a case of one of the deadline tests' kinds in the community of `as`. */
export async function fileCase(s: Services, as: string, kind: CaseKind) {
  const actor = await actorOf(s, as);
  const result = await s.intake.create(actor, await dtoOf(CreateCaseDto, deadlineCaseBody(actor.jurisdictionId, kind)));
  return result.detail;
}

/** The case's one deadline of this kind (and ref key), as the detail shows it. */
export async function deadlineOf(s: Services, caseId: string, kind: string, refKey = '') {
  const rows = (await s.deadlines.deadlinesOf(caseId)).filter((d) => d.kind === kind && d.refKey === refKey);
  if (rows.length !== 1) throw new Error(`expected one ${kind} deadline on case ${caseId}, found ${JSON.stringify(rows)}`);
  return rows[0];
}

/** Moves a deadline's times back so that it fell due `lateMs` ago; its window (created → due) and reminder keep their lengths. */
export async function makeDue(s: Services, deadlineId: string, lateMs = 1000): Promise<void> {
  await s.db.query(
    `UPDATE deadline SET created_at = created_at - (due_at - now()) - make_interval(secs => $2 / 1000.0),
                         remind_at = remind_at - (due_at - now()) - make_interval(secs => $2 / 1000.0),
                         due_at = now() - make_interval(secs => $2 / 1000.0)
      WHERE id = $1`,
    [deadlineId, lateMs],
  );
}

/** Moves a breached deadline's second stage back so that it fell due `lateMs` ago. */
export async function makeSecondStageDue(s: Services, deadlineId: string, lateMs = 1000): Promise<void> {
  await s.db.query(`UPDATE deadline SET second_stage_at = now() - make_interval(secs => $2 / 1000.0) WHERE id = $1 AND second_stage_at IS NOT NULL`, [
    deadlineId,
    lateMs,
  ]);
}

/** The deadline row as stored (the stage fields the views leave out). */
export async function deadlineRow(s: Services, id: string) {
  const [row] = await s.db.query<
    {
      status: string;
      escalation_level: number;
      created_at: Date;
      due_at: Date;
      breached_at: Date | null;
      second_stage_at: Date | null;
      second_stage_done_at: Date | null;
      reminded_at: Date | null;
      closed_at: Date | null;
    }[]
  >(
    'SELECT status, escalation_level, created_at, due_at, breached_at, second_stage_at, second_stage_done_at, reminded_at, closed_at FROM deadline WHERE id = $1',
    [id],
  );
  return row;
}
