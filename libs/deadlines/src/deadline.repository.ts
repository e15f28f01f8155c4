import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Deadline, DeadlineStatus } from './entities/deadline.entity';

/**
 * A page of future second stages that should have a timer, as PostgreSQL writes it: `count` steps in
 * `steps`, each "<deadline id> <its time, ms since the epoch>", joined by commas (parseUpcomingSteps
 * reads them back; BullDeadlineTimers.secondStagesNotDelayed hands the text to Redis as it is).
 */
export interface UpcomingPage {
  count: number;
  steps: string;
}

/** A page's steps (or a part of one, the same format) as deadline ids and times. */
export function parseUpcomingSteps(steps: string): { deadlineId: string; at: Date }[] {
  if (!steps) return [];
  return steps.split(',').map((step) => {
    const [deadlineId, ms] = step.split(' ');
    return { deadlineId, at: new Date(Number(ms)) };
  });
}

/**
 * Memory for the cursor's grouping of the steps into pages (one transaction's setting): ~60 bytes a step,
 * so that the 400,000 open second stages the bench leaves are grouped without spilling to disk.
 */
const UPCOMING_WORK_MEM = '64MB';

@Injectable()
export class DeadlineRepository {
  constructor(@InjectRepository(Deadline) private readonly repo: Repository<Deadline>) {}

  findById(id: string, manager: EntityManager = this.repo.manager): Promise<Deadline | null> {
    return manager.getRepository(Deadline).findOneBy({ id });
  }

  /** Marks the step's pending deadline met (or cancelled); a breached one is closed so its second stage never fires. */
  async close(
    manager: EntityManager,
    caseId: string,
    kind: string,
    refKey: string | undefined,
    outcome: DeadlineStatus.Met | DeadlineStatus.Cancelled,
  ): Promise<Deadline[]> {
    const q = manager
      .getRepository(Deadline)
      .createQueryBuilder()
      .update(Deadline)
      .set({ status: () => `CASE WHEN status = 'pending' THEN '${outcome}'::deadline_status ELSE status END`, closedAt: () => 'now()' })
      .where('case_id = :caseId AND kind = :kind AND closed_at IS NULL AND status IN (:...open)', {
        caseId,
        kind,
        open: [DeadlineStatus.Pending, DeadlineStatus.Breached],
      });
    if (refKey !== undefined) q.andWhere('ref_key = :refKey', { refKey });
    const result = await q.returning('*').execute();
    return result.raw as Deadline[];
  }

  /** Cancels every open deadline of kinds that no longer apply. */
  async cancelExcept(manager: EntityManager, caseId: string, keep: readonly string[]): Promise<string[]> {
    const q = manager
      .getRepository(Deadline)
      .createQueryBuilder()
      .update(Deadline)
      .set({ status: () => `CASE WHEN status = 'pending' THEN 'cancelled'::deadline_status ELSE status END`, closedAt: () => 'now()' })
      .where('case_id = :caseId AND closed_at IS NULL', { caseId });
    if (keep.length) q.andWhere('kind NOT IN (:...keep)', { keep });
    const result = await q.returning(['id']).execute();
    return (result.raw as { id: string }[]).map((r) => r.id);
  }

  /** Inserts the deadline unless the step already has a pending one; returns it when new. */
  async insertIfAbsent(manager: EntityManager, row: Partial<Deadline>): Promise<Deadline | null> {
    const result = await manager.createQueryBuilder().insert().into(Deadline).values(row).orIgnore().returning('*').execute();
    const raw = result.raw as Record<string, unknown>[];
    return raw.length ? manager.getRepository(Deadline).create(manager.getRepository(Deadline).merge(new Deadline(), fromRaw(raw[0]))) : null;
  }

  /** Whether the step has an open deadline: pending, or breached and not yet met (closed). */
  async hasOpen(manager: EntityManager, caseId: string, kind: string): Promise<boolean> {
    return manager.getRepository(Deadline).exists({
      where: [
        { caseId, kind, status: DeadlineStatus.Pending },
        { caseId, kind, status: DeadlineStatus.Breached, closedAt: IsNull() },
      ],
    });
  }

  async clearResponsible(manager: EntityManager, caseId: string, role: string): Promise<void> {
    await manager
      .getRepository(Deadline)
      .createQueryBuilder()
      .update(Deadline)
      .set({ responsibleUserId: null })
      .where('case_id = :caseId AND closed_at IS NULL AND responsible_role = :role', { caseId, role })
      .execute();
  }

  /**
   * The case's earliest open deadline: pending, or breached and still unmet (so a
   * case with an overdue step stays overdue in the queue until the step is done).
   * Of deadlines due at the same instant, the first kind in alphabetical order, as everywhere.
   */
  nextPending(manager: EntityManager, caseId: string): Promise<Deadline | null> {
    return manager.getRepository(Deadline).findOne({
      where: [
        { caseId, status: DeadlineStatus.Pending },
        { caseId, status: DeadlineStatus.Breached, closedAt: IsNull() },
      ],
      order: { dueAt: 'ASC', kind: 'ASC' },
    });
  }

  /**
   * Moves a deadline into the next stage if, and only if, it is still waiting for
   * it and its time has come; returns the row, or null when there is nothing to do.
   */
  async claim(manager: EntityManager, id: string, stage: 'remind' | 'breach' | 'stage2', secondStageMs = 0): Promise<Deadline | null> {
    const sql = {
      remind: `UPDATE deadline SET reminded_at = now() WHERE id = $1 AND status = 'pending' AND reminded_at IS NULL AND remind_at <= now() RETURNING *`,
      breach: `UPDATE deadline SET status = 'breached', escalation_level = 1, breached_at = now(), second_stage_at = now() + make_interval(secs => $2::double precision / 1000)
               WHERE id = $1 AND status = 'pending' AND due_at <= now() RETURNING *`,
      stage2: `UPDATE deadline SET escalation_level = 2, second_stage_done_at = now()
               WHERE id = $1 AND status = 'breached' AND closed_at IS NULL AND second_stage_done_at IS NULL AND second_stage_at <= now() RETURNING *`,
    }[stage];
    const [rows] = await manager.query<[Record<string, unknown>[], number]>(sql, stage === 'breach' ? [id, secondStageMs] : [id]);
    return rows.length ? manager.getRepository(Deadline).merge(new Deadline(), fromRaw(rows[0])) : null;
  }

  /** Steps whose time passed more than graceMs ago and that nobody processed. */
  async late(graceMs: number): Promise<{ id: string; stage: 'remind' | 'due' | 'stage2' }[]> {
    const rows: { id: string; stage: 'remind' | 'due' | 'stage2' }[] = await this.repo.query(
      `SELECT id, 'due' AS stage, due_at AS at FROM deadline WHERE status = 'pending' AND due_at <= now() - make_interval(secs => $1::double precision / 1000)
       UNION ALL
       SELECT id, 'remind', remind_at FROM deadline WHERE status = 'pending' AND reminded_at IS NULL AND remind_at < due_at AND remind_at <= now() - make_interval(secs => $1::double precision / 1000)
       UNION ALL
       SELECT id, 'stage2', second_stage_at FROM deadline WHERE status = 'breached' AND closed_at IS NULL AND second_stage_done_at IS NULL AND second_stage_at <= now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY at LIMIT 5000`,
      [graceMs],
    );
    return rows;
  }

  /**
   * Future steps that should have a timer: second stages. Not the reminder nor the due step: the
   * breach sweeper reads those from the rows (a due timer re-created for each of 100,000 deadlines,
   * one by one, held the worker's event loop for tens of seconds while they fell due). With
   * `armedSince`, only the second stages armed since then (at the breach).
   *
   * Handed over `pageSize` at a time, through one cursor: one scan of the table, and one page in
   * memory (a first pass over a million cases read 234,000 steps at once, and the worker grew to
   * 680 MB). Each page is one text, which the reconciler passes to Redis without reading it: a row
   * object, an id, a Date and a job id per step, as pages were before, made ~200 bytes of garbage a
   * step, and a pass over the bench's 400,000 open second stages grew the worker's heap to ~200 MB.
   * The cursor's connection is the only one held: `each` must not use the database.
   */
  async upcomingPages(armedSince: Date | undefined, pageSize: number, each: (page: UpcomingPage) => Promise<void>): Promise<number> {
    const runner = this.repo.manager.connection.createQueryRunner();
    let seen = 0;
    try {
      await runner.startTransaction();
      await runner.query(`SET LOCAL work_mem = '${UPCOMING_WORK_MEM}'`);
      await runner.query(
        `DECLARE upcoming_steps NO SCROLL CURSOR FOR
         SELECT count(*)::int AS count, string_agg(id::text || ' ' || (extract(epoch FROM at) * 1000)::bigint, ',') AS steps
           FROM (SELECT id, second_stage_at AS at, (row_number() OVER () - 1) / $2 AS page FROM deadline
                  WHERE status = 'breached' AND closed_at IS NULL AND second_stage_done_at IS NULL AND second_stage_at > now()
                    AND ($1::timestamptz IS NULL OR breached_at >= $1)) upcoming
          GROUP BY page`,
        [armedSince ?? null, Math.max(1, Math.floor(pageSize))],
      );
      for (;;) {
        const [page] = (await runner.query(`FETCH 1 FROM upcoming_steps`)) as UpcomingPage[];
        if (!page) break;
        seen += page.count;
        await each(page);
      }
      await runner.commitTransaction();
      return seen;
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }

  /** Counts for /metrics: pending and breached by kind. */
  async countsByKind(): Promise<{ kind: string; status: string; n: number }[]> {
    const rows: { kind: string; status: string; n: string }[] = await this.repo.query(
      `SELECT kind, status, count(*) AS n FROM deadline WHERE status IN ('pending', 'breached') GROUP BY kind, status`,
    );
    return rows.map((r) => ({ kind: r.kind, status: r.status, n: Number(r.n) }));
  }

  listForCase(caseId: string): Promise<Deadline[]> {
    return this.repo.find({ where: { caseId }, order: { dueAt: 'ASC', kind: 'ASC', createdAt: 'ASC' } });
  }
}

/** RETURNING * gives snake_case columns. */
function fromRaw(raw: Record<string, unknown>): Partial<Deadline> {
  return {
    id: raw.id as string,
    caseId: raw.case_id as string,
    kind: raw.kind as string,
    refKey: raw.ref_key as string,
    dueAt: raw.due_at as Date,
    remindAt: raw.remind_at as Date,
    status: raw.status as DeadlineStatus,
    escalationLevel: raw.escalation_level as number,
    responsibleRole: raw.responsible_role as Deadline['responsibleRole'],
    responsibleUserId: raw.responsible_user_id as string | null,
    secondStageAt: raw.second_stage_at as Date | null,
    remindedAt: raw.reminded_at as Date | null,
    breachedAt: raw.breached_at as Date | null,
    secondStageDoneAt: raw.second_stage_done_at as Date | null,
    closedAt: raw.closed_at as Date | null,
    createdAt: raw.created_at as Date,
  };
}
