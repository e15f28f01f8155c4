export { asSubject, defineAbilityFor, subtreeOf } from './ability.factory';
export type { Action, AppAbility, SubjectName } from './ability.factory';
export type { Actor } from './actor';
export { JurisdictionLevel, Role, ROLE_LABELS, ROLE_LEVEL, ROLES } from './roles';
export { rulesToSql, UnsupportedConditionError } from './rules-to-sql';
export type { FieldMap } from './rules-to-sql';
export { FieldCipher } from './field-cipher';
export { birthDateOfNationalId, isValidNationalId, maskIdNumber, maskName, maskNameSql, TRIMMED_CHARS } from './masking';
