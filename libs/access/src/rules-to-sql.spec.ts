import { randomUUID } from 'node:crypto';
import { createMongoAbility, MongoQuery } from '@casl/ability';
import { AppAbility, defineAbilityFor, SubjectName } from './ability.factory';
import type { Actor } from './actor';
import { JurisdictionLevel, Role } from './roles';
import { FieldMap, rulesToSql, UnsupportedConditionError } from './rules-to-sql';

/** The same shape as the repositories' maps: users `u` joined to their jurisdiction `j`. */
const USER_FIELDS: FieldMap = { id: 'u.id', role: 'u.role', districtId: 'j.district_id', streetId: 'j.street_id', communityId: 'j.community_id' };
const JURISDICTION_FIELDS: FieldMap = { id: 'j.id', districtId: 'j.district_id', streetId: 'j.street_id', communityId: 'j.community_id' };

const districtId = randomUUID();
const streetId = randomUUID();
const communityId = randomUUID();

function actor(role: Role): Actor {
  const level =
    role === Role.CommunityDirector ? JurisdictionLevel.Community : role === Role.StreetSupervisor ? JurisdictionLevel.Street : JurisdictionLevel.District;
  return {
    id: randomUUID(),
    username: role,
    role,
    jurisdictionId: level === JurisdictionLevel.Community ? communityId : level === JurisdictionLevel.Street ? streetId : districtId,
    level,
    districtId,
    streetId: level === JurisdictionLevel.District ? null : streetId,
    communityId: level === JurisdictionLevel.Community ? communityId : null,
  };
}

const FALSE = { sql: 'FALSE', params: {} };

describe('rulesToSql for each role', () => {
  it('admin: users and jurisdictions of its district, for read, create and update', () => {
    const ability = defineAbilityFor(actor(Role.Admin));
    for (const action of ['read', 'create', 'update'] as const) {
      expect(rulesToSql(ability, action, 'User', USER_FIELDS)).toEqual({ sql: 'j.district_id = :acl_0', params: { acl_0: districtId } });
    }
    expect(rulesToSql(ability, 'read', 'Jurisdiction', JURISDICTION_FIELDS)).toEqual({ sql: 'j.district_id = :acl_0', params: { acl_0: districtId } });
    expect(rulesToSql(ability, 'update', 'Jurisdiction', JURISDICTION_FIELDS)).toEqual(FALSE);
  });

  it('district staff: reads its district, writes nothing', () => {
    const ability = defineAbilityFor(actor(Role.DistrictStaff));
    expect(rulesToSql(ability, 'read', 'User', USER_FIELDS)).toEqual({ sql: 'j.district_id = :acl_0', params: { acl_0: districtId } });
    expect(rulesToSql(ability, 'read', 'Jurisdiction', JURISDICTION_FIELDS)).toEqual({ sql: 'j.district_id = :acl_0', params: { acl_0: districtId } });
    expect(rulesToSql(ability, 'create', 'User', USER_FIELDS)).toEqual(FALSE);
    expect(rulesToSql(ability, 'update', 'User', USER_FIELDS)).toEqual(FALSE);
  });

  it('hotline intake: files in its district; reads and updates only what it filed, before acceptance', () => {
    const CASE_FIELDS: FieldMap = {
      id: 'c.id',
      districtId: 'c.district_id',
      streetId: 'c.street_id',
      communityId: 'c.community_id',
      createdById: 'c.created_by_id',
      status: 'c.status',
    };
    const hotline = actor(Role.HotlineIntake);
    const ability = defineAbilityFor(hotline);
    const own = {
      sql: '(c.created_by_id = :acl_0 AND c.status IN (:...acl_1))',
      params: { acl_0: hotline.id, acl_1: ['draft', 'submitted', 'returned'] },
    };
    expect(rulesToSql(ability, 'read', 'Case', CASE_FIELDS)).toEqual(own);
    expect(rulesToSql(ability, 'update', 'Case', CASE_FIELDS)).toEqual(own);
    expect(rulesToSql(ability, 'create', 'Case', CASE_FIELDS)).toEqual({ sql: 'c.district_id = :acl_0', params: { acl_0: districtId } });
    expect(rulesToSql(ability, 'read', 'User', USER_FIELDS)).toEqual({ sql: 'u.id = :acl_0', params: { acl_0: hotline.id } });
    // Without the filer and state columns the rule cannot be expressed: it throws rather than widen the scope.
    const LOCATION_ONLY: FieldMap = { id: 'c.id', districtId: 'c.district_id', streetId: 'c.street_id', communityId: 'c.community_id' };
    expect(() => rulesToSql(ability, 'read', 'Case', LOCATION_ONLY)).toThrow(UnsupportedConditionError);
  });

  it('district leader: reads the cases and users of its district; every write is FALSE, so a write query finds no case', () => {
    const CASE_FIELDS: FieldMap = { id: 'c.id', districtId: 'c.district_id', streetId: 'c.street_id', communityId: 'c.community_id' };
    const ability = defineAbilityFor(actor(Role.DistrictLeader));
    const district = { sql: 'j.district_id = :acl_0', params: { acl_0: districtId } };
    expect(rulesToSql(ability, 'read', 'Case', CASE_FIELDS)).toEqual({ sql: 'c.district_id = :acl_0', params: { acl_0: districtId } });
    expect(rulesToSql(ability, 'read', 'User', USER_FIELDS)).toEqual(district);
    expect(rulesToSql(ability, 'read', 'Jurisdiction', JURISDICTION_FIELDS)).toEqual(district);
    for (const action of ['create', 'update'] as const) {
      expect(rulesToSql(ability, action, 'Case', CASE_FIELDS)).toEqual(FALSE);
      expect(rulesToSql(ability, action, 'User', USER_FIELDS)).toEqual(FALSE);
    }
  });

  it('street supervisor: reads its street, writes nothing', () => {
    const ability = defineAbilityFor(actor(Role.StreetSupervisor));
    expect(rulesToSql(ability, 'read', 'User', USER_FIELDS)).toEqual({ sql: 'j.street_id = :acl_0', params: { acl_0: streetId } });
    expect(rulesToSql(ability, 'read', 'Jurisdiction', JURISDICTION_FIELDS)).toEqual({ sql: 'j.street_id = :acl_0', params: { acl_0: streetId } });
    expect(rulesToSql(ability, 'create', 'User', USER_FIELDS)).toEqual(FALSE);
    expect(rulesToSql(ability, 'update', 'User', USER_FIELDS)).toEqual(FALSE);
  });

  it('community director: reads itself and its community, writes nothing', () => {
    const director = actor(Role.CommunityDirector);
    const ability = defineAbilityFor(director);
    expect(rulesToSql(ability, 'read', 'User', USER_FIELDS)).toEqual({ sql: 'u.id = :acl_0', params: { acl_0: director.id } });
    expect(rulesToSql(ability, 'read', 'Jurisdiction', JURISDICTION_FIELDS)).toEqual({ sql: 'j.community_id = :acl_0', params: { acl_0: communityId } });
    expect(rulesToSql(ability, 'create', 'User', USER_FIELDS)).toEqual(FALSE);
    expect(rulesToSql(ability, 'update', 'User', USER_FIELDS)).toEqual(FALSE);
  });

  it('names parameters with the given prefix, so two conditions can share a query', () => {
    const ability = defineAbilityFor(actor(Role.StreetSupervisor));
    expect(rulesToSql(ability, 'read', 'User', USER_FIELDS, 'users')).toEqual({ sql: 'j.street_id = :users_0', params: { users_0: streetId } });
  });

  it('refuses a rule field that has no column, instead of dropping the condition', () => {
    const { districtId: _d, ...withoutDistrict } = USER_FIELDS;
    const { id: _i, ...withoutId } = USER_FIELDS;
    expect(() => rulesToSql(defineAbilityFor(actor(Role.Admin)), 'read', 'User', withoutDistrict)).toThrow(UnsupportedConditionError);
    expect(() => rulesToSql(defineAbilityFor(actor(Role.Admin)), 'read', 'User', withoutDistrict)).toThrow(/"districtId" of User/);
    expect(() => rulesToSql(defineAbilityFor(actor(Role.CommunityDirector)), 'read', 'User', withoutId)).toThrow(/"id" of User/);
    expect(() => rulesToSql(defineAbilityFor(actor(Role.StreetSupervisor)), 'read', 'Jurisdiction', {})).toThrow(UnsupportedConditionError);
  });

  it('does not need a column when there is no rule', () => {
    expect(rulesToSql(defineAbilityFor(actor(Role.CommunityDirector)), 'create', 'User', {})).toEqual(FALSE);
  });
});

describe('rulesToSql operators', () => {
  type RawRule = { action: string; subject: SubjectName; conditions?: MongoQuery; inverted?: boolean };
  const abilityOf = (rules: RawRule[]) => createMongoAbility(rules as never) as unknown as AppAbility;
  const sqlOf = (rules: RawRule[], action: 'read' | 'update' = 'read') => rulesToSql(abilityOf(rules), action, 'User', USER_FIELDS);

  it('no rule for the action → FALSE; a rule without conditions → TRUE', () => {
    expect(sqlOf([{ action: 'update', subject: 'User' }])).toEqual(FALSE);
    expect(sqlOf([{ action: 'read', subject: 'User' }])).toEqual({ sql: 'TRUE', params: {} });
  });

  it('ORs rules and ANDs the negation of inverted ones', () => {
    const a = randomUUID();
    const d = randomUUID();
    expect(
      sqlOf([
        { action: 'read', subject: 'User', conditions: { districtId: d } },
        { action: 'read', subject: 'User', conditions: { id: a } },
        { action: 'read', subject: 'User', conditions: { role: 'admin' }, inverted: true },
      ]),
    ).toEqual({
      sql: '((u.id = :acl_0 AND NOT (u.role = :acl_1)) OR (j.district_id = :acl_2 AND NOT (u.role = :acl_3)))',
      params: { acl_0: a, acl_1: 'admin', acl_2: d, acl_3: 'admin' },
    });
  });

  it('ANDs several fields of one rule', () => {
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { districtId: 'd', role: 'admin' } }])).toEqual({
      sql: '(j.district_id = :acl_0 AND u.role = :acl_1)',
      params: { acl_0: 'd', acl_1: 'admin' },
    });
  });

  it('translates null equality to IS NULL / IS NOT NULL and $ne to IS DISTINCT FROM', () => {
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { streetId: null } }])).toEqual({ sql: 'j.street_id IS NULL', params: {} });
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { streetId: { $ne: null } } }])).toEqual({ sql: 'j.street_id IS NOT NULL', params: {} });
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { role: { $ne: 'admin' } } }])).toEqual({
      sql: 'u.role IS DISTINCT FROM :acl_0',
      params: { acl_0: 'admin' },
    });
  });

  it('translates $in and $nin, including empty lists', () => {
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { role: { $in: ['admin', 'district_staff'] } } }])).toEqual({
      sql: 'u.role IN (:...acl_0)',
      params: { acl_0: ['admin', 'district_staff'] },
    });
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { role: { $in: [] } } }])).toEqual(FALSE);
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { role: { $nin: ['admin'] } } }])).toEqual({
      sql: 'u.role NOT IN (:...acl_0)',
      params: { acl_0: ['admin'] },
    });
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { role: { $nin: [] } } }])).toEqual({ sql: 'TRUE', params: {} });
  });

  it('translates comparisons', () => {
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { id: { $lt: 'm' } } }]).sql).toBe('u.id < :acl_0');
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { id: { $lte: 'm' } } }]).sql).toBe('u.id <= :acl_0');
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { id: { $gt: 'm' } } }]).sql).toBe('u.id > :acl_0');
    expect(sqlOf([{ action: 'read', subject: 'User', conditions: { id: { $gte: 'm' } } }])).toEqual({ sql: 'u.id >= :acl_0', params: { acl_0: 'm' } });
  });

  it('refuses operators it cannot translate', () => {
    expect(() => sqlOf([{ action: 'read', subject: 'User', conditions: { role: { $regex: '^adm' } } }])).toThrow(UnsupportedConditionError);
    expect(() => sqlOf([{ action: 'read', subject: 'User', conditions: { role: { $exists: true } } }])).toThrow(/operator "exists"/);
  });

  it('never puts a value into the SQL text', () => {
    const hostile = "x' OR '1'='1";
    const cond = sqlOf([{ action: 'read', subject: 'User', conditions: { role: hostile } }]);
    expect(cond.sql).not.toContain(hostile);
    expect(Object.values(cond.params)).toEqual([hostile]);
  });
});
