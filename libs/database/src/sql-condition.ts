/**
 * A parameterised SQL boolean expression, e.g. a caller's access scope, ready for
 * `queryBuilder.andWhere(cond.sql, cond.params)`. Values never go into `sql`.
 */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

export const SQL_TRUE: SqlCondition = { sql: 'TRUE', params: {} };
export const SQL_FALSE: SqlCondition = { sql: 'FALSE', params: {} };
