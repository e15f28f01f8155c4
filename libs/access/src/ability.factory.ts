import { AbilityBuilder, createMongoAbility, MongoAbility, MongoQuery } from '@casl/ability';
import { Actor } from './actor';
import { JurisdictionLevel, Role } from './roles';

export type Action = 'manage' | 'read' | 'create' | 'update';
/** Subjects are checked as plain objects carrying the scope fields of their jurisdiction. */
export type SubjectName = 'User' | 'Jurisdiction' | 'Case';
export type AppAbility = MongoAbility<[Action, SubjectName | Record<string, unknown>], MongoQuery>;

/**
 * The case states in which the hotline still sees what it filed: before acceptance
 * (the values of CaseStatus in @shouhu/cases, which depends on this library).
 */
export const HOTLINE_VISIBLE_STATUSES: readonly string[] = ['draft', 'submitted', 'returned'];

/**
 * The condition that puts a record inside the actor's subtree of the jurisdiction
 * tree: every scoped record carries districtId, streetId and communityId.
 */
export function subtreeOf(actor: Actor): MongoQuery {
  switch (actor.level) {
    case JurisdictionLevel.District:
      return { districtId: actor.districtId };
    case JurisdictionLevel.Street:
      return { streetId: actor.streetId };
    case JurisdictionLevel.Community:
      return { communityId: actor.communityId };
  }
}

/**
 * What each role may do, as CASL rules with jurisdiction conditions (and, for the
 * hotline, the filer and the state: its fields are in the case repository's CASE_FIELDS). The same
 * rules answer `ability.can(action, record)` and, through rulesToSql, the WHERE
 * clause of list queries, so lists never fetch-then-filter.
 */
export function defineAbilityFor(actor: Actor): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const scope = subtreeOf(actor);
  can('read', 'Jurisdiction', scope);

  switch (actor.role) {
    case Role.Admin:
      // Separation of duties: users and jurisdictions, never case content.
      can(['read', 'create', 'update'], 'User', scope);
      break;
    case Role.DistrictStaff:
      can('read', 'User', scope);
      can(['read', 'update', 'create'], 'Case', scope);
      break;
    case Role.DistrictLeader:
      // Oversight without decisions: reads the district's cases and people, changes nothing.
      can('read', 'User', scope);
      can('read', 'Case', scope);
      break;
    case Role.StreetSupervisor:
      can('read', 'User', scope);
      can(['read', 'update'], 'Case', scope);
      break;
    case Role.HotlineIntake:
      // 一门受理: files for any community of its district, or unlocated (no community yet: district staff route it).
      can('read', 'User', { id: actor.id });
      can('create', 'Case', { districtId: actor.districtId });
      // It sees and completes only the reports it filed, until a supervisor accepts them (then: 404 like any other case).
      can(['read', 'update'], 'Case', { createdById: actor.id, status: { $in: HOTLINE_VISIBLE_STATUSES } });
      break;
    case Role.AgencyLiaison:
      // No case rule at all: a liaison reads only the referrals addressed to its agency, through their own need-to-know view.
      can('read', 'User', { id: actor.id });
      break;
    case Role.CommunityDirector:
      can('read', 'User', { id: actor.id });
      can(['read', 'update', 'create'], 'Case', scope);
      break;
  }
  return build({ detectSubjectType: (o) => (o as { __type: SubjectName }).__type });
}

/** Wraps a plain record as a subject for `ability.can`. */
export function asSubject<T extends object>(type: SubjectName, record: T): T & { __type: SubjectName } {
  return { ...record, __type: type };
}
