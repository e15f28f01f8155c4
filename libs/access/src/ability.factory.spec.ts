import { randomUUID } from 'node:crypto';
import { asSubject, defineAbilityFor, subtreeOf } from './ability.factory';
import type { Actor } from './actor';
import { JurisdictionLevel, Role } from './roles';

/** Two districts; district A has streets A1, A2; street A1 has communities A1a, A1b. */
const tree = {
  districtA: randomUUID(),
  districtB: randomUUID(),
  streetA1: randomUUID(),
  streetA2: randomUUID(),
  streetB1: randomUUID(),
  communityA1a: randomUUID(),
  communityA1b: randomUUID(),
  communityA2a: randomUUID(),
  communityB1a: randomUUID(),
};

type Place = { districtId: string; streetId: string | null; communityId: string | null };
const district = (d: string): Place => ({ districtId: d, streetId: null, communityId: null });
const street = (d: string, s: string): Place => ({ districtId: d, streetId: s, communityId: null });
const community = (d: string, s: string, c: string): Place => ({ districtId: d, streetId: s, communityId: c });

const places = {
  districtA: district(tree.districtA),
  streetA1: street(tree.districtA, tree.streetA1),
  streetA2: street(tree.districtA, tree.streetA2),
  communityA1a: community(tree.districtA, tree.streetA1, tree.communityA1a),
  communityA1b: community(tree.districtA, tree.streetA1, tree.communityA1b),
  communityA2a: community(tree.districtA, tree.streetA2, tree.communityA2a),
  districtB: district(tree.districtB),
  streetB1: street(tree.districtB, tree.streetB1),
  communityB1a: community(tree.districtB, tree.streetB1, tree.communityB1a),
};
type PlaceName = keyof typeof places;

function actor(role: Role, at: Place): Actor {
  const level = at.communityId ? JurisdictionLevel.Community : at.streetId ? JurisdictionLevel.Street : JurisdictionLevel.District;
  return {
    id: randomUUID(),
    username: `${role}-${level}`,
    role,
    jurisdictionId: at.communityId ?? at.streetId ?? at.districtId,
    level,
    districtId: at.districtId,
    streetId: at.streetId,
    communityId: at.communityId,
  };
}

const userAt = (name: PlaceName, id: string = randomUUID()) => asSubject('User', { id, ...places[name] });
const jurisdictionAt = (name: PlaceName) => asSubject('Jurisdiction', { id: randomUUID(), ...places[name] });
const ALL_PLACES = Object.keys(places) as PlaceName[];

describe('defineAbilityFor', () => {
  describe('admin of district A', () => {
    const admin = actor(Role.Admin, places.districtA);
    const ability = defineAbilityFor(admin);
    const inside: PlaceName[] = ['districtA', 'streetA1', 'streetA2', 'communityA1a', 'communityA1b', 'communityA2a'];
    const outside: PlaceName[] = ['districtB', 'streetB1', 'communityB1a'];

    it.each(inside)('reads, creates and updates users of %s', (place) => {
      for (const action of ['read', 'create', 'update'] as const) expect(ability.can(action, userAt(place))).toBe(true);
    });

    it.each(outside)('may do nothing with users of %s', (place) => {
      for (const action of ['read', 'create', 'update'] as const) expect(ability.cannot(action, userAt(place))).toBe(true);
    });

    it('reads the jurisdictions of its district only', () => {
      for (const place of inside) expect(ability.can('read', jurisdictionAt(place))).toBe(true);
      for (const place of outside) expect(ability.can('read', jurisdictionAt(place))).toBe(false);
    });

    it('may not create or update jurisdictions, and has no manage rule', () => {
      expect(ability.can('create', jurisdictionAt('streetA1'))).toBe(false);
      expect(ability.can('update', jurisdictionAt('districtA'))).toBe(false);
      expect(ability.can('manage', userAt('districtA'))).toBe(false);
    });
  });

  describe('district staff of district A', () => {
    const staff = actor(Role.DistrictStaff, places.districtA);
    const ability = defineAbilityFor(staff);

    it('reads users and jurisdictions anywhere in district A', () => {
      for (const place of ['districtA', 'streetA2', 'communityA1b'] as PlaceName[]) {
        expect(ability.can('read', userAt(place))).toBe(true);
        expect(ability.can('read', jurisdictionAt(place))).toBe(true);
      }
    });

    it('reads nothing of district B', () => {
      for (const place of ['districtB', 'streetB1', 'communityB1a'] as PlaceName[]) {
        expect(ability.can('read', userAt(place))).toBe(false);
        expect(ability.can('read', jurisdictionAt(place))).toBe(false);
      }
    });

    it('may not create or update users, even in its district', () => {
      expect(ability.can('create', userAt('communityA1a'))).toBe(false);
      expect(ability.can('update', userAt('communityA1a'))).toBe(false);
      expect(ability.can('update', userAt('districtA', staff.id))).toBe(false);
    });
  });

  describe('district leader of district A', () => {
    const leader = actor(Role.DistrictLeader, places.districtA);
    const ability = defineAbilityFor(leader);
    const inside: PlaceName[] = ['districtA', 'streetA1', 'streetA2', 'communityA1a', 'communityA1b', 'communityA2a'];
    const outside: PlaceName[] = ['districtB', 'streetB1', 'communityB1a'];
    const caseAt = (name: PlaceName) => asSubject('Case', { id: randomUUID(), ...places[name] });

    it.each(inside)('reads the cases, users and jurisdictions of %s', (place) => {
      expect(ability.can('read', caseAt(place))).toBe(true);
      expect(ability.can('read', userAt(place))).toBe(true);
      expect(ability.can('read', jurisdictionAt(place))).toBe(true);
    });

    it.each(outside)('reads nothing of %s', (place) => {
      expect(ability.can('read', caseAt(place))).toBe(false);
      expect(ability.can('read', userAt(place))).toBe(false);
      expect(ability.can('read', jurisdictionAt(place))).toBe(false);
    });

    it('decides nothing: may not create or update cases, users or jurisdictions, even in its district', () => {
      for (const place of inside) {
        for (const action of ['create', 'update', 'manage'] as const) {
          expect(ability.can(action, caseAt(place))).toBe(false);
          expect(ability.can(action, userAt(place))).toBe(false);
          expect(ability.can(action, jurisdictionAt(place))).toBe(false);
        }
      }
      expect(ability.can('update', userAt('districtA', leader.id))).toBe(false);
    });
  });

  describe('cases by role: who reads and who writes (district A’s community A1a)', () => {
    const caseA1a = asSubject('Case', { id: randomUUID(), ...places.communityA1a });
    it.each([
      [Role.Admin, places.districtA, { read: false, update: false, create: false }],
      [Role.DistrictStaff, places.districtA, { read: true, update: true, create: true }],
      [Role.DistrictLeader, places.districtA, { read: true, update: false, create: false }],
      [Role.StreetSupervisor, places.streetA1, { read: true, update: true, create: false }],
      [Role.CommunityDirector, places.communityA1a, { read: true, update: true, create: true }],
    ] as const)('%s', (role, place, want) => {
      const ability = defineAbilityFor(actor(role, place));
      expect({ read: ability.can('read', caseA1a), update: ability.can('update', caseA1a), create: ability.can('create', caseA1a) }).toEqual(want);
    });
  });

  describe('hotline intake of district A', () => {
    const hotline = actor(Role.HotlineIntake, places.districtA);
    const ability = defineAbilityFor(hotline);
    const unlocatedA = { districtId: tree.districtA, streetId: null, communityId: null };
    const filed = (status: string, at: object = places.communityA1a, createdById = hotline.id) =>
      asSubject('Case', { id: randomUUID(), ...at, createdById, status });

    it('files for any community of its district, and unlocated reports of its district', () => {
      for (const place of ['communityA1a', 'communityA1b', 'communityA2a'] as PlaceName[])
        expect(ability.can('create', asSubject('Case', places[place]))).toBe(true);
      expect(ability.can('create', asSubject('Case', unlocatedA))).toBe(true);
    });

    it('files nothing for district B, located or not', () => {
      expect(ability.can('create', asSubject('Case', places.communityB1a))).toBe(false);
      expect(ability.can('create', asSubject('Case', { districtId: tree.districtB, streetId: null, communityId: null }))).toBe(false);
    });

    it.each(['draft', 'submitted', 'returned'])('reads and completes what it filed while %s', (status) => {
      expect(ability.can('read', filed(status))).toBe(true);
      expect(ability.can('update', filed(status))).toBe(true);
      expect(ability.can('read', filed(status, unlocatedA))).toBe(true);
    });

    it.each(['assessing', 'intervening', 'follow_up', 'closed'])('no longer sees what it filed once %s (accepted)', (status) => {
      expect(ability.can('read', filed(status))).toBe(false);
      expect(ability.can('update', filed(status))).toBe(false);
    });

    it('never sees cases filed by someone else, even in its district and before acceptance', () => {
      expect(ability.can('read', filed('submitted', places.communityA1a, randomUUID()))).toBe(false);
      expect(ability.can('read', filed('draft', unlocatedA, randomUUID()))).toBe(false);
    });

    it('reads only its own user record', () => {
      expect(ability.can('read', userAt('districtA', hotline.id))).toBe(true);
      expect(ability.can('read', userAt('districtA'))).toBe(false);
      expect(ability.can('create', userAt('communityA1a'))).toBe(false);
    });
  });

  describe('unlocated cases (no street, no community) of district A', () => {
    const unlocated = asSubject('Case', { id: randomUUID(), districtId: tree.districtA, streetId: null, communityId: null, status: 'submitted' });
    it.each([
      [Role.DistrictStaff, places.districtA, true],
      [Role.DistrictLeader, places.districtA, true],
      [Role.StreetSupervisor, places.streetA1, false],
      [Role.CommunityDirector, places.communityA1a, false],
      [Role.Admin, places.districtA, false],
    ] as const)('%s reads them: %s', (role, place, want) => {
      expect(defineAbilityFor(actor(role, place)).can('read', unlocated)).toBe(want);
    });
  });

  describe('street supervisor of street A1', () => {
    const supervisor = actor(Role.StreetSupervisor, places.streetA1);
    const ability = defineAbilityFor(supervisor);
    const inside: PlaceName[] = ['streetA1', 'communityA1a', 'communityA1b'];
    const outside = ALL_PLACES.filter((p) => !inside.includes(p));

    it.each(inside)('reads users and jurisdictions of %s', (place) => {
      expect(ability.can('read', userAt(place))).toBe(true);
      expect(ability.can('read', jurisdictionAt(place))).toBe(true);
    });

    it.each(outside)('reads neither users nor jurisdictions of %s', (place) => {
      expect(ability.can('read', userAt(place))).toBe(false);
      expect(ability.can('read', jurisdictionAt(place))).toBe(false);
    });

    it('may not create or update users of its street', () => {
      expect(ability.can('create', userAt('communityA1a'))).toBe(false);
      expect(ability.can('update', userAt('streetA1', supervisor.id))).toBe(false);
    });
  });

  describe('community director of community A1a', () => {
    const director = actor(Role.CommunityDirector, places.communityA1a);
    const ability = defineAbilityFor(director);

    it('reads only its own user record', () => {
      expect(ability.can('read', userAt('communityA1a', director.id))).toBe(true);
      expect(ability.can('read', userAt('communityA1a'))).toBe(false);
      expect(ability.can('read', userAt('streetA1'))).toBe(false);
    });

    it('may not create or update users, itself included', () => {
      expect(ability.can('create', userAt('communityA1a'))).toBe(false);
      expect(ability.can('update', userAt('communityA1a', director.id))).toBe(false);
    });

    it('reads its own community and nothing above or beside it', () => {
      expect(ability.can('read', jurisdictionAt('communityA1a'))).toBe(true);
      for (const place of ALL_PLACES.filter((p) => p !== 'communityA1a')) expect(ability.can('read', jurisdictionAt(place))).toBe(false);
    });
  });

  it('checks the subject type: a jurisdiction rule does not open users', () => {
    const supervisor = actor(Role.StreetSupervisor, places.streetA1);
    const director = actor(Role.CommunityDirector, places.communityA1a);
    // The director may read the Jurisdiction A1a but not a User placed there.
    expect(defineAbilityFor(director).can('read', asSubject('Jurisdiction', places.communityA1a))).toBe(true);
    expect(defineAbilityFor(director).can('read', asSubject('User', { id: randomUUID(), ...places.communityA1a }))).toBe(false);
    // A record without a subject type matches no rule.
    expect(defineAbilityFor(supervisor).can('read', { ...places.streetA1 })).toBe(false);
  });

  it('asSubject copies the record and tags it', () => {
    const record = { id: 'x', districtId: 'd' };
    const subject = asSubject('User', record);
    expect(subject).toEqual({ id: 'x', districtId: 'd', __type: 'User' });
    expect(record).not.toHaveProperty('__type');
  });
});

describe('subtreeOf', () => {
  it('is one equality on the id of the actor’s own level', () => {
    expect(subtreeOf(actor(Role.Admin, places.districtA))).toEqual({ districtId: tree.districtA });
    expect(subtreeOf(actor(Role.DistrictStaff, places.districtA))).toEqual({ districtId: tree.districtA });
    expect(subtreeOf(actor(Role.StreetSupervisor, places.streetA1))).toEqual({ streetId: tree.streetA1 });
    expect(subtreeOf(actor(Role.CommunityDirector, places.communityA1b))).toEqual({ communityId: tree.communityA1b });
  });
});
