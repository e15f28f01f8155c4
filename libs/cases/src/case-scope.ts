import { Actor, defineAbilityFor, rulesToSql } from '@shouhu/access';
import type { SqlCondition } from '@shouhu/database';
import { CASE_FIELDS } from './case.repository';

/** The cases this caller may read (or update), as SQL over the case alias `c`: every case query is scoped by it. */
export function caseScope(actor: Actor, action: 'read' | 'update' = 'read'): SqlCondition {
  return rulesToSql(defineAbilityFor(actor), action, 'Case', CASE_FIELDS);
}
