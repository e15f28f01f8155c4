import { rulesToAST } from '@casl/ability/extra';
import type { SqlCondition } from '@shouhu/database';
import type { Action, AppAbility, SubjectName } from './ability.factory';

/** Logical field of a rule condition → the SQL expression (already quoted) that holds it. */
export type FieldMap = Record<string, string>;

interface Node {
  operator: string;
  field?: string;
  value: unknown;
}

export class UnsupportedConditionError extends Error {}

/**
 * Turns the caller's CASL rules for (action, subject) into a parameterised SQL
 * condition. No access → FALSE; unrestricted → TRUE. Unknown fields or operators
 * throw: a rule that cannot be expressed in SQL must never be silently dropped.
 */
export function rulesToSql(ability: AppAbility, action: Action, subject: SubjectName, fields: FieldMap, prefix = 'acl'): SqlCondition {
  const ast = rulesToAST(ability, action, subject) as Node | null;
  if (ast === null) return { sql: 'FALSE', params: {} };
  const params: Record<string, unknown> = {};
  let n = 0;
  const param = (value: unknown) => {
    const name = `${prefix}_${n++}`;
    params[name] = value;
    return name;
  };
  const column = (field: string | undefined) => {
    const sql = field === undefined ? undefined : fields[field];
    if (sql === undefined) throw new UnsupportedConditionError(`no SQL column for field "${field}" of ${subject}`);
    return sql;
  };

  const walk = (node: Node): string => {
    switch (node.operator) {
      case 'and':
      case 'or': {
        const parts = (node.value as Node[]).map(walk);
        if (parts.length === 0) return node.operator === 'and' ? 'TRUE' : 'FALSE';
        return `(${parts.join(node.operator === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'not': {
        const inner = Array.isArray(node.value) ? (node.value as Node[]).map(walk).join(' AND ') : walk(node.value as Node);
        return `NOT (${inner})`;
      }
      case 'eq':
        return node.value === null ? `${column(node.field)} IS NULL` : `${column(node.field)} = :${param(node.value)}`;
      case 'ne':
        return node.value === null ? `${column(node.field)} IS NOT NULL` : `${column(node.field)} IS DISTINCT FROM :${param(node.value)}`;
      case 'in':
        return (node.value as unknown[]).length === 0 ? 'FALSE' : `${column(node.field)} IN (:...${param(node.value)})`;
      case 'nin':
        return (node.value as unknown[]).length === 0 ? 'TRUE' : `${column(node.field)} NOT IN (:...${param(node.value)})`;
      case 'lt':
        return `${column(node.field)} < :${param(node.value)}`;
      case 'lte':
        return `${column(node.field)} <= :${param(node.value)}`;
      case 'gt':
        return `${column(node.field)} > :${param(node.value)}`;
      case 'gte':
        return `${column(node.field)} >= :${param(node.value)}`;
      default:
        throw new UnsupportedConditionError(`operator "${node.operator}" is not translated to SQL`);
    }
  };

  return { sql: walk(ast), params };
}
