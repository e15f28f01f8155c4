import { decodeCursor as decodeKeyset, encodeCursor as encodeKeyset, isCursorId, isCursorInstant } from '@shouhu/database';
import { DomainError } from '@shouhu/errors';
import type { CaseSort, ListCasesQuery } from './dto/case.dto';

/**
 * Keyset pagination for the triage queue. A cursor holds the sort key of the last
 * row served, so pages stay stable while new cases arrive (they sort before it or
 * after it, never into a page already served). Every sort ends on id for ties.
 */
interface CursorV1 {
  s: CaseSort;
  t: string;
  id: string;
  r?: string;
}

/** The cursor after a queue row: its id, risk level and instants (ISO, as CaseRepository.listPage reads them). */
export function encodeCursor(sort: CaseSort, last: { id: string; riskLevel: string; nextDueAt: string; reportedAt: string }): string {
  const c: CursorV1 = { s: sort, id: last.id, t: sort === 'dueAt' ? last.nextDueAt : last.reportedAt };
  if (sort === 'riskLevel') c.r = last.riskLevel;
  return encodeKeyset({ ...c });
}

function decodeCursor(sort: CaseSort, raw: string): CursorV1 {
  const c = decodeKeyset(raw);
  const ok =
    c !== null && c.s === sort && isCursorId(c.id) && isCursorInstant(c.t) && (sort !== 'riskLevel' || (typeof c.r === 'string' && /^R[1-4]$/.test(c.r)));
  if (ok) return c as unknown as CursorV1;
  throw DomainError.validation('cursor', 'is not a cursor this API issued for this sort');
}

/** The filters, the keyset cursor's condition and the order of a queue page, as SQL over `case c` with named parameters. */
export interface ListQueryParts {
  conditions: string[];
  orderBy: string;
  params: Record<string, unknown>;
  sort: CaseSort;
}

/** Filters, order and cursor of GET /api/cases on a query of `case c`. */
export function listQueryParts(query: ListCasesQuery, actorId: string): ListQueryParts {
  const sort: CaseSort = query.sort ?? '-reportedAt';
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  const where = (sql: string, values: Record<string, unknown> = {}) => {
    conditions.push(sql);
    Object.assign(params, values);
  };
  if (query.status?.length) where('c.status IN (:...fStatus)', { fStatus: query.status });
  if (query.riskLevel?.length) where('c.risk_level IN (:...fRisk)', { fRisk: query.riskLevel });
  if (query.category) where('c.categories @> ARRAY[:fCat]::varchar[]', { fCat: query.category });
  if (query.communityId) where('c.community_id = :fCommunity', { fCommunity: query.communityId });
  if (query.streetId) where('c.street_id = :fStreet', { fStreet: query.streetId });
  // Unlocated: a hotline report without a community yet (district staff route it with transfer).
  if (query.unlocated === 'true') where('c.community_id IS NULL');
  if (query.unlocated === 'false') where('c.community_id IS NOT NULL');
  if (query.assignee) where('c.assignee_id = :fAssignee', { fAssignee: query.assignee.toLowerCase() === 'me' ? actorId : query.assignee.toLowerCase() });
  if (query.overdue === 'true') where('c.next_due_at < now()');
  if (query.overdue === 'false') where('c.next_due_at >= now()');
  if (query.q) where('c.case_no LIKE :fQ', { fQ: `${query.q.toUpperCase().replace(/[%_]/g, '')}%` });

  const cursor = query.cursor ? decodeCursor(sort, query.cursor) : undefined;
  let orderBy: string;
  switch (sort) {
    case '-reportedAt':
      if (cursor) where('(c.reported_at, c.id) < (:cT, :cId)', { cT: cursor.t, cId: cursor.id });
      orderBy = 'c.reported_at DESC, c.id DESC';
      break;
    case 'dueAt':
      if (cursor) where('(c.next_due_at, c.id) > (:cT, :cId)', { cT: cursor.t, cId: cursor.id });
      orderBy = 'c.next_due_at ASC, c.id ASC';
      break;
    case 'riskLevel':
      if (cursor) where('(c.risk_level, c.reported_at, c.id) > (CAST(:cR AS risk_level), :cT, :cId)', { cR: cursor.r, cT: cursor.t, cId: cursor.id });
      orderBy = 'c.risk_level ASC, c.reported_at ASC, c.id ASC';
      break;
  }
  return { conditions, orderBy, params, sort };
}
