import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget } from 'typeorm';
import { type FieldMap, type JurisdictionLevel, maskNameSql, TRIMMED_CHARS } from '@shouhu/access';
import { PreparedReads, preparedQuery, ReplicaReads, type SqlCondition } from '@shouhu/database';
import { listQueryParts } from './case-list';
import { CaseStatus, NO_DEADLINE, REOPEN_WINDOW_DAYS, STATUS_LABELS } from './domain';
import type { CaseSort, ListCasesQuery } from './dto/case.dto';
import { Case } from './entities/case.entity';
import { CHILD_MATCH } from './child.repository';
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

/** JSON text of a non-null text value (quoted and escaped), of a nullable uuid ("…" or null). */
const jsonText = (sql: string) => `CAST(to_json(${sql}) AS text)`;
const jsonUuid = (sql: string) => `coalesce('"' || CAST(${sql} AS text) || '"', 'null')`;

/**
 * ageInYears in SQL: `birthDate` a date expression; `year` and `monthDay` parameters holding
 * ageParams(at). Whole years, one fewer before the birthday (UTC dates, as ageInYears counts).
 */
export const ageInYearsSql = (birthDate: string, year: string, monthDay: string) =>
  `(CAST(${year} AS int) - CAST(extract(year FROM ${birthDate}) AS int) - CASE WHEN to_char(${birthDate}, 'MMDD') > ${monthDay} THEN 1 ELSE 0 END)`;

/** The parameters of ageInYearsSql at an instant: its UTC year, and its month and day as MMDD. */
export function ageParams(at: Date): { year: number; monthDay: string } {
  const iso = at.toISOString();
  return { year: at.getUTCFullYear(), monthDay: iso.slice(5, 7) + iso.slice(8, 10) };
}

/**
 * A queue row rendered by PostgreSQL as caseSummary (case.views.ts) renders a case: the JSON text
 * of its summary, written out key by key (json_build_object took twice the server's time of it).
 * Every nullable value is wrapped (coalesce), so that no row's text comes out null; the page's
 * SQL counts any that would. The child's masked name (maskNameSql) and age are computed here as
 * maskName and ageInYears compute them; the queue's tests compare both renderings row by row.
 */
const LIST_ITEM = [
  `'{"childDisplayName":' || ${jsonText(maskNameSql('child.name', ':listTrimmed'))}`,
  `',"childAgeYears":' || CAST(${ageInYearsSql('child.birth_date', ':listYear', ':listMonthDay')} AS text)`,
  `',"id":"' || CAST(c.id AS text) || '","caseNo":' || ${jsonText('c.case_no')}`,
  `',"status":"' || CAST(c.status AS text) || '","statusLabel":' || coalesce(CAST(CAST(:listStatusLabels AS jsonb) -> CAST(c.status AS text) AS text), 'null')`,
  `',"riskLevel":"' || CAST(c.risk_level AS text) || '","categories":' || CAST(array_to_json(c.categories) AS text)`,
  `',"mandatoryItems":' || CAST(array_to_json(c.mandatory_items) AS text)`,
  `',"communityId":' || ${jsonUuid('c.community_id')} || ',"streetId":' || ${jsonUuid('c.street_id')} || ',"districtId":' || ${jsonUuid('c.district_id')}`,
  `',"childSex":"' || CAST(child.sex AS text) || '","assigneeId":' || ${jsonUuid('c.assignee_id')}`,
  `',"reportedAt":"' || ${isoSql('c.reported_at')} || '"'`,
  `',"nextDeadline":' || CASE WHEN c.next_due_at < CAST(:listNoDeadline AS timestamptz) THEN '{"kind":' || ${jsonText("coalesce(c.next_due_kind, 'deadline')")}
     || ',"dueAt":"' || ${isoSql('c.next_due_at')} || '","overdue":' || CASE WHEN c.next_due_at < CAST(:listNow AS timestamptz) THEN 'true' ELSE 'false' END || '}' ELSE 'null' END`,
  `',"escalationLevel":' || CAST(c.escalation_level AS text) || ',"flags":' || CAST(array_to_json(c.flags) AS text) || ',"version":' || CAST(c.version AS text) || '}'`,
].join('\n  || ');

/**
 * One queue page as one row: the items' JSON texts joined in order (those of the page, not the
 * extra row that tells whether there is more), how many rows were read, whether any item came
 * out null (never, unless a column the item reads became nullable), and the keyset cursor's
 * fields of the page's last row.
 */
export interface CaseListPage {
  items: string | null;
  fetched: number;
  broken: boolean;
  last: { id: string; riskLevel: string; reportedAt: string; nextDueAt: string } | null;
}

const STATUS_LABELS_JSON = JSON.stringify(STATUS_LABELS);

/**
 * Whether a queue page's best plan is the same whatever its parameters' values (PreparedReads
 * plans it once): the queue as it opens (scope, sort, page size, cursor) and the overdue view by
 * due time, whose generic plans the queue's tests check on a large table. Filters are planned per
 * request: a case-number prefix (LIKE) needs its pattern for its index range, a category or a
 * status its frequency, overdue under another sort how many are overdue, to choose an index.
 */
function hasGenericPlan(query: ListCasesQuery): boolean {
  const { sort, overdue, ...rest } = query;
  if (overdue !== undefined && sort !== 'dueAt') return false;
  return Object.entries(rest).every(([key, value]) => key === 'cursor' || key === 'limit' || value === undefined);
}

/** The case rows: locked, scoped, listed, numbered, linked and updated. Their records and approvals have repositories of their own. */
@Injectable()
export class CaseRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly replicas: ReplicaReads,
    private readonly prepared: PreparedReads,
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
  async listPage(scope: SqlCondition, query: ListCasesQuery, actorId: string, limit: number, now: Date): Promise<{ page: CaseListPage; sort: CaseSort }> {
    const [sql, params] = this.listSql(scope, query, actorId, limit, now);
    type Row = Record<string, string | number | boolean | null>;
    const [row] = !hasGenericPlan(query) ? await this.replicas.read((m) => m.query<Row[]>(sql, params)) : await this.prepared.query<Row>(sql, params);
    const page: CaseListPage = {
      items: row.items as string | null,
      fetched: Number(row.fetched),
      broken: row.broken === true,
      last:
        row.last_id === null
          ? null
          : {
              id: row.last_id as string,
              riskLevel: row.last_risk_level as string,
              reportedAt: row.last_reported_at as string,
              nextDueAt: row.last_next_due_at as string,
            },
    };
    return { page, sort: query.sort ?? '-reportedAt' };
  }

  /**
   * The SQL of a queue page (also for EXPLAIN in tests and benchmarks), one row (CaseListPage).
   * Written as SQL, not through the query builder, and the page rendered as JSON text by
   * PostgreSQL: a queue page is the hottest read there is, and building its statement, parsing
   * its rows into objects and serialising them again took most of the api's time for it.
   * The inner query reads the page in the index's order (row_number over the same order, so the
   * items are joined in it); the outer one joins them.
   */
  listSql(scope: SqlCondition, query: ListCasesQuery, actorId: string, limit: number, now = new Date()): [string, unknown[]] {
    const parts = listQueryParts(query, actorId);
    const where = [`(${scope.sql})`, ...parts.conditions].join(' AND ');
    const age = ageParams(now);
    // The page size is written into the statement, not passed: with a parameter there, the
    // planner cannot tell a prepared statement's LIMIT from an unbounded one and plans it anew
    // for every request. It is an integer (PageQuery validates 1–200), checked again here.
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`a queue page size must be a positive integer, not ${limit}`);
    const lastOf = (column: string) => `min(${column}) FILTER (WHERE page.n = ${limit})`;
    const sql = `SELECT string_agg(page.item, ',' ORDER BY page.n) FILTER (WHERE page.n <= ${limit}) AS items,
  CAST(count(*) AS int) AS fetched, coalesce(bool_or(page.item IS NULL), false) AS broken,
  ${lastOf('CAST(page.id AS text)')} AS last_id, CAST(${lastOf('page.risk_level')} AS text) AS last_risk_level,
  ${isoSql(lastOf('page.reported_at'))} AS last_reported_at, ${isoSql(lastOf('page.next_due_at'))} AS last_next_due_at
FROM (SELECT ${LIST_ITEM} AS item,
  c.id, c.risk_level, c.reported_at, c.next_due_at, row_number() OVER (ORDER BY ${parts.orderBy}) AS n
  FROM "case" c INNER JOIN child ON child.id = c.child_id WHERE ${where} ORDER BY ${parts.orderBy} LIMIT ${limit + 1}) page`;
    return this.db.driver.escapeQueryWithParameters(sql, {
      ...scope.params,
      ...parts.params,
      listStatusLabels: STATUS_LABELS_JSON,
      listNoDeadline: NO_DEADLINE.toISOString(),
      listNow: now.toISOString(),
      listYear: age.year,
      listMonthDay: age.monthDay,
      listTrimmed: TRIMMED_CHARS,
    });
  }

  /**
   * The intake's first statement, in its transaction: where the case goes (`jurisdictionId`: the
   * community, or the district of an unlocated report) with its district's case-number prefix, the
   * advisory locks that serialise intakes of the same child until commit, and the next case number.
   * The locks' keys: `child:<match scope>:<name>:<birth date>` (the match scope: the place's street,
   * or the district itself when it has none, as child.street_id holds it) and, with an ID number,
   * `child-id:<its keyed hash>`, in this order, so two intakes never wait for each other's second
   * key. Null (nothing locked, no number taken) when there is no such jurisdiction. A sequence:
   * nothing is held until commit, and no second connection is asked for (a number taken by a
   * filing that fails or links leaves a gap).
   */
  async placeLockAndNumber(manager: EntityManager, jurisdictionId: string, identity: ChildIdentity): Promise<PlacedFiling | null> {
    const locks = [`pg_advisory_xact_lock(hashtextextended('child:' || CAST(coalesce(j.street_id, j.district_id) AS text) || ':' || $2 || ':' || $3, 0))`];
    const params: unknown[] = [jurisdictionId, identity.name, identity.birthDate];
    if (identity.idHash) locks.push(`pg_advisory_xact_lock(hashtextextended('child-id:' || $${params.push(identity.idHash)}, 0))`);
    const rows = await preparedQuery<Record<string, string | null>>(
      manager,
      `SELECT j.id, j.level, j.district_id, j.street_id, coalesce(d.case_prefix, d.code) AS case_prefix,
              ${locks.map((lock, i) => `${lock} AS lock_${i + 1}`).join(', ')}, nextval('case_number_seq') AS n
         FROM jurisdiction j JOIN jurisdiction d ON d.id = j.district_id WHERE j.id = CAST($1 AS uuid)`,
      params,
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id as string,
      level: r.level as JurisdictionLevel,
      districtId: r.district_id as string,
      streetId: r.street_id,
      casePrefix: r.case_prefix as string,
      n: Number(r.n),
    };
  }

  insert(manager: EntityManager, row: Partial<Case>): Promise<Case> {
    return manager.getRepository(Case).save(Object.assign(new Case(), row));
  }

  /**
   * A new case in one statement: its child, the case row, the report, the first timeline
   * event, its deadlines and the access-log entry of the detail the filer gets back, each a
   * data-modifying CTE (foreign keys are checked at the end of the statement, when every row
   * is in). Every id and value is made by the caller, so nothing needs to be read back.
   * With `unlessKnown` (a submitted report), nothing is written when a child of that identity was
   * reported before (CHILD_MATCH, as ChildRepository.matchingIds asks): its one row's `written`
   * is then false, and the caller takes the path that links the report. The statement begins
   * after the intake's locks are held (read committed: it sees every intake of the child that
   * committed before them), so the match and the insert need no second round trip.
   * The caller sends it as its transaction's last statement, with COMMIT (TransactionRunner's
   * endingWith), as a named prepared statement: its text depends only on which columns are set
   * and how many deadlines there are, a handful of shapes. Parsing and planning it and the
   * filing's lookups anew each time were a sixth to a third of what a filing cost the server.
   * The tables of the timeline and the deadlines are named by entity name: the cases library
   * does not import the deadlines library (which follows it through the lifecycle hooks).
   */
  filingStatement(manager: EntityManager, rows: FilingRows, unlessKnown: (ChildIdentity & { streetId: string }) | null): { text: string; values: unknown[] } {
    const params: unknown[] = [];
    const known: string[] = [];
    if (unlessKnown) {
      if (unlessKnown.idHash) known.push(`EXISTS (SELECT 1 FROM child WHERE ${CHILD_MATCH.byId(unlessKnown.idHash, params)})`);
      known.push(`EXISTS (SELECT 1 FROM child WHERE ${CHILD_MATCH.byName(unlessKnown, params)})`);
    }
    const condition = known.length ? `NOT (SELECT found FROM known)` : null;
    const parts: [string, EntityTarget<object>, object[]][] = [
      ['child_row', Child, [rows.child]],
      ['case_row', Case, [rows.caseRow]],
      ['report_row', Report, [rows.report]],
      ['event_row', 'CaseEvent', [rows.event]],
      ['deadline_row', 'Deadline', rows.deadlines],
      ['access_row', 'AccessLog', [rows.access]],
    ];
    // One CTE a row: a conditional insert is INSERT … SELECT, whose values take their types from the
    // columns only when they are a single row's (in a VALUES list of several, they would be text).
    const ctes = parts.flatMap(([name, target, values]) =>
      values.map((value, i) => `${values.length > 1 ? `${name}_${i + 1}` : name} AS (${insertSql(manager, target, value, params, condition)})`),
    );
    if (known.length) ctes.unshift(`known AS (SELECT ${known.join(' OR ')} AS found)`);
    return { text: `WITH ${ctes.join(',\n')}\nSELECT ${condition ?? 'TRUE'} AS written`, values: params };
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

/** Who a filing is about, as intake locks and matches a child (placeLockAndNumber; ChildRepository.matchingIds). */
export interface ChildIdentity {
  name: string;
  birthDate: string;
  /** The keyed hash of the ID number, when one was given. */
  idHash: string | null;
}

/** Where a filing goes (CaseRepository.placeLockAndNumber): the jurisdiction, its district's case-number prefix, and the case number taken. */
export interface PlacedFiling {
  id: string;
  level: JurisdictionLevel;
  districtId: string;
  streetId: string | null;
  casePrefix: string;
  n: number;
}

/** The rows of a new case, written by filingStatement (entity property names; every id set). */
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
 * `INSERT INTO <table> (<columns>) VALUES (…)` for a row given by entity property, or, with a
 * condition, `INSERT INTO <table> (<columns>) SELECT … WHERE <condition>`: the columns are those the
 * row sets, the values converted as TypeORM's own inserts convert them (preparePersistentValue),
 * appended to `params`.
 */
function insertSql(manager: EntityManager, target: EntityTarget<object>, row: object, params: unknown[], condition: string | null): string {
  const meta = manager.connection.getMetadata(target);
  const r = row as Record<string, unknown>;
  const columns = meta.columns.filter((c) => r[c.propertyName] !== undefined);
  const driver = manager.connection.driver;
  const values = columns.map((c) => `$${params.push(driver.preparePersistentValue(r[c.propertyName], c))}`).join(', ');
  const into = `INSERT INTO "${meta.tableName}" (${columns.map((c) => `"${c.databaseName}"`).join(', ')})`;
  return condition ? `${into} SELECT ${values} WHERE ${condition}` : `${into} VALUES (${values})`;
}
