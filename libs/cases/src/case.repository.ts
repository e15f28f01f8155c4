import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget } from 'typeorm';
import type { FieldMap } from '@shouhu/access';
import { ReplicaReads, type SqlCondition } from '@shouhu/database';
import { listQueryParts } from './case-list';
import { CaseStatus, NO_DEADLINE, REOPEN_WINDOW_DAYS, STATUS_LABELS } from './domain';
import type { CaseSort, ListCasesQuery } from './dto/case.dto';
import { Case } from './entities/case.entity';
import { Child } from './entities/child.entity';
import { Report } from './entities/report.entity';
import type { FilingDeadline } from './lifecycle-hooks';

/**
 * Rule fields of the Case subject → columns of alias `c`. The place for every role;
 * the filer and the state for the hotline (what it filed, until accepted).
 */
export const CASE_FIELDS: FieldMap = {
  id: 'c.id',
  districtId: 'c.district_id',
  streetId: 'c.street_id',
  communityId: 'c.community_id',
  createdById: 'c.created_by_id',
  status: 'c.status',
};

/** An instant as the API writes it (Date.toISOString: UTC, milliseconds truncated), rendered by PostgreSQL. */
const isoSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A queue row rendered by PostgreSQL as caseSummary (case.views.ts) renders a case, but for the
 * child's masked name and age, which stay in TypeScript (maskName, ageInYears): the service
 * puts them in front (CaseQueriesService.listJson). The two renderings are compared on real rows
 * by the queue's tests. Beside it the keyset cursor's fields of the row.
 */
const LIST_COLUMNS = [
  'c.id',
  'c.risk_level',
  'child.name AS child_name',
  "to_char(child.birth_date, 'YYYY-MM-DD') AS child_birth_date",
  `${isoSql('c.reported_at')} AS reported_at`,
  `${isoSql('c.next_due_at')} AS next_due_at`,
  `json_build_object(
    'id', c.id, 'caseNo', c.case_no, 'status', c.status, 'statusLabel', CAST(:listStatusLabels AS jsonb) ->> CAST(c.status AS text),
    'riskLevel', c.risk_level, 'categories', c.categories, 'mandatoryItems', c.mandatory_items,
    'communityId', c.community_id, 'streetId', c.street_id, 'districtId', c.district_id, 'childSex', child.sex, 'assigneeId', c.assignee_id,
    'reportedAt', ${isoSql('c.reported_at')},
    'nextDeadline', CASE WHEN c.next_due_at < CAST(:listNoDeadline AS timestamptz) THEN json_build_object(
      'kind', coalesce(c.next_due_kind, 'deadline'), 'dueAt', ${isoSql('c.next_due_at')}, 'overdue', c.next_due_at < CAST(:listNow AS timestamptz)) END,
    'escalationLevel', c.escalation_level, 'flags', c.flags, 'version', c.version)::text AS summary`,
].join(', ');

/** A queue row: the summary as JSON without the child's masked name and age, what makes them, and the cursor's fields. */
export interface CaseListRow {
  id: string;
  riskLevel: string;
  childName: string;
  childBirthDate: string;
  /** ISO instants, as the cursor holds them. */
  reportedAt: string;
  nextDueAt: string;
  summary: string;
}

const toListRow = (r: Record<string, string>): CaseListRow => ({
  id: r.id,
  riskLevel: r.risk_level,
  childName: r.child_name,
  childBirthDate: r.child_birth_date,
  reportedAt: r.reported_at,
  nextDueAt: r.next_due_at,
  summary: r.summary,
});
const STATUS_LABELS_JSON = JSON.stringify(STATUS_LABELS);

/** The case rows: locked, scoped, listed, numbered, linked and updated. Their records and approvals have repositories of their own. */
@Injectable()
export class CaseRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly replicas: ReplicaReads,
  ) {}

  /** The case if it is in scope, locked for the rest of the transaction. */
  lockInScope(manager: EntityManager, id: string, scope: SqlCondition): Promise<Case | null> {
    return manager
      .getRepository(Case)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.id = :id', { id })
      .andWhere(scope.sql, scope.params)
      .getOne();
  }

  lockWithChild(manager: EntityManager, id: string): Promise<Case | null> {
    return manager
      .getRepository(Case)
      .createQueryBuilder('c')
      .setLock('pessimistic_write', undefined, ['c'])
      .innerJoinAndSelect('c.child', 'child')
      .where('c.id = :id', { id })
      .getOne();
  }

  /** Without a manager (a read outside a transaction: the detail, a scope check), on a caught-up replica when there is one (ReplicaReads). */
  findInScope(id: string, scope: SqlCondition, manager?: EntityManager): Promise<Case | null> {
    if (!manager) return this.replicas.read((m) => this.findInScope(id, scope, m));
    return manager
      .getRepository(Case)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.child', 'child')
      .where('c.id = :id', { id })
      .andWhere(scope.sql, scope.params)
      .getOne();
  }

  /** One page of the queue: scoped in SQL, filtered, keyset-ordered; one extra row tells if there is more. On a caught-up replica when there is one. */
  async listPage(scope: SqlCondition, query: ListCasesQuery, actorId: string, limit: number, now: Date): Promise<{ rows: CaseListRow[]; sort: CaseSort }> {
    const [sql, params] = this.listSql(scope, query, actorId, limit, now);
    const raw: Record<string, string>[] = await this.replicas.read((m) => m.query(sql, params));
    return { rows: raw.map(toListRow), sort: query.sort ?? '-reportedAt' };
  }

  /**
   * The SQL of a queue page (also for EXPLAIN in tests and benchmarks). Written as SQL, not
   * through the query builder, and the rows rendered as JSON by PostgreSQL: a queue page is the
   * hottest read there is, and building its statement, parsing its rows into objects and
   * serialising them again took most of the api's time for it.
   */
  listSql(scope: SqlCondition, query: ListCasesQuery, actorId: string, limit: number, now = new Date()): [string, unknown[]] {
    const parts = listQueryParts(query, actorId);
    const where = [`(${scope.sql})`, ...parts.conditions].join(' AND ');
    const sql = `SELECT ${LIST_COLUMNS} FROM "case" c INNER JOIN child ON child.id = c.child_id WHERE ${where} ORDER BY ${parts.orderBy} LIMIT :listLimit`;
    return this.db.driver.escapeQueryWithParameters(sql, {
      ...scope.params,
      ...parts.params,
      listLimit: limit + 1,
      listStatusLabels: STATUS_LABELS_JSON,
      listNoDeadline: NO_DEADLINE.toISOString(),
      listNow: now.toISOString(),
    });
  }

  /**
   * Takes the intake's advisory locks (in order: ChildRepository.identityLockKeys) and the next
   * case number in one statement. A sequence: nothing is held until commit, and no second
   * connection is asked for (a number taken by a filing that fails or links leaves a gap).
   */
  async lockAndNumber(manager: EntityManager, lockKeys: string[]): Promise<number> {
    const locks = lockKeys.map((_, i) => `pg_advisory_xact_lock(hashtextextended($${i + 1}, 0))`).join(', ');
    const rows: { n: string }[] = await manager.query(`SELECT ${locks}${locks ? ', ' : ''}nextval('case_number_seq') AS n`, lockKeys);
    return Number(rows[0].n);
  }

  insert(manager: EntityManager, row: Partial<Case>): Promise<Case> {
    return manager.getRepository(Case).save(Object.assign(new Case(), row));
  }

  /**
   * A new case in one statement: its child, the case row, the report, the first timeline
   * event, its deadlines and the access-log entry of the detail the filer gets back, each a
   * data-modifying CTE (foreign keys are checked at the end of the statement, when every row
   * is in). Every id and value is made by the caller, so nothing needs to be read back.
   * The tables of the timeline and the deadlines are named by entity name: the cases library
   * does not import the deadlines library (which follows it through the lifecycle hooks).
   */
  async insertFiling(manager: EntityManager, rows: FilingRows): Promise<void> {
    const params: unknown[] = [];
    const parts: [string, EntityTarget<object>, object[]][] = [
      ['child_row', Child, [rows.child]],
      ['case_row', Case, [rows.caseRow]],
      ['report_row', Report, [rows.report]],
      ['event_row', 'CaseEvent', [rows.event]],
      ['deadline_rows', 'Deadline', rows.deadlines],
      ['access_row', 'AccessLog', [rows.access]],
    ];
    const ctes = parts
      .filter(([, , values]) => values.length > 0)
      .map(([name, target, values]) => `${name} AS (${insertSql(manager, target, values, params)})`);
    await manager.query(`WITH ${ctes.join(',\n')}\nSELECT 1`, params);
  }

  /**
   * The case a new report on these child rows belongs to: an open one, else one
   * closed (not merged away) within the reopen window. Locked. Never a draft:
   * nobody handles a draft yet, so a submitted report linked to one would wait unseen.
   * Cases inside `preferred` (the caller's scope) come first.
   */
  findLinkableCase(manager: EntityManager, childIds: string[], preferred: SqlCondition): Promise<Case | null> {
    return manager
      .getRepository(Case)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.child_id IN (:...childIds)', { childIds })
      .andWhere('c.status <> :draft', { draft: CaseStatus.Draft })
      .andWhere(`(c.status <> :closed OR (c.closure_kind IS DISTINCT FROM 'merged' AND c.closed_at > now() - make_interval(days => :days)))`, {
        closed: CaseStatus.Closed,
        days: REOPEN_WINDOW_DAYS,
      })
      .orderBy(`(${preferred.sql})`, 'DESC')
      .addOrderBy(`(c.status <> 'closed')`, 'DESC')
      .addOrderBy('c.reported_at', 'DESC')
      .setParameters(preferred.params)
      .limit(1)
      .getOne();
  }

  /** Links a case to others of the same child (both directions are written by the caller). */
  async addRelatedCases(manager: EntityManager, id: string, relatedIds: string[]): Promise<void> {
    await manager.query(`UPDATE "case" SET related_case_ids = ARRAY(SELECT DISTINCT unnest(related_case_ids || $2::uuid[]) ORDER BY 1) WHERE id = $1`, [
      id,
      relatedIds,
    ]);
  }

  /** Of these case ids, the ones inside the scope. */
  async idsWithin(ids: string[], scope: SqlCondition, manager: EntityManager = this.db.manager): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await manager
      .getRepository(Case)
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.id IN (:...ids)', { ids })
      .andWhere(scope.sql, scope.params)
      .orderBy('c.id')
      .getRawMany();
    return rows.map((r) => r.id);
  }

  /** Applies changes to the case row and bumps its version (the row is locked by the caller). */
  async updateCase(manager: EntityManager, id: string, changes: Partial<Case>, bumpVersion = true): Promise<void> {
    const set: Record<string, unknown> = { ...changes };
    if (bumpVersion) set.version = () => 'version + 1';
    await manager.getRepository(Case).createQueryBuilder().update(Case).set(set).where('id = :id', { id }).execute();
  }

  async takeEventSeq(manager: EntityManager, id: string): Promise<number> {
    const rows: [{ last_event_seq: number }[], number] = await manager.query(
      'UPDATE "case" SET last_event_seq = last_event_seq + 1 WHERE id = $1 RETURNING last_event_seq',
      [id],
    );
    return rows[0][0].last_event_seq;
  }
}

/** The rows of a new case, written by insertFiling (entity property names; every id set). */
export interface FilingRows {
  child: Partial<Child>;
  caseRow: Partial<Case>;
  report: Partial<Report>;
  /** A CaseEvent (timeline) row. */
  event: object;
  deadlines: FilingDeadline[];
  /** An AccessLog (timeline) row. */
  access: object;
}

/**
 * `INSERT INTO <table> (<columns>) VALUES (…), (…)` for rows given by entity property:
 * the columns are those the first row sets, the values converted as TypeORM's own inserts
 * convert them (preparePersistentValue), appended to `params`.
 */
function insertSql(manager: EntityManager, target: EntityTarget<object>, rows: object[], params: unknown[]): string {
  const meta = manager.connection.getMetadata(target);
  const first = rows[0] as Record<string, unknown>;
  const columns = meta.columns.filter((c) => first[c.propertyName] !== undefined);
  const driver = manager.connection.driver;
  const tuples = rows.map((row) => {
    const r = row as Record<string, unknown>;
    return `(${columns.map((c) => `$${params.push(driver.preparePersistentValue(r[c.propertyName], c))}`).join(', ')})`;
  });
  return `INSERT INTO "${meta.tableName}" (${columns.map((c) => `"${c.databaseName}"`).join(', ')}) VALUES ${tuples.join(', ')}`;
}
