import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { changedGuardianFields, GUARDIAN_FIELDS, guardianEventData } from './case-guardians.service';
import { GUARDIAN_RELATION_LABELS, GUARDIAN_RELATIONS, GuardianRelation } from './domain';
import { GuardianDto, UpdateGuardianDto } from './dto/case.dto';

/** The GB 11643-1999 check character of 17 digits (written out here, not taken from the code under test). */
function withCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}

const problems = (cls: typeof GuardianDto | typeof UpdateGuardianDto, body: object) =>
  validateSync(plainToInstance(cls, body) as object, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);

describe('guardians: the pure rules', () => {
  const valid = { name: '王某', relation: 'father', livesWithChild: true, suspectedPerpetrator: false };

  it('labels every relation in Chinese with English beside it', () => {
    expect([...GUARDIAN_RELATIONS].sort()).toEqual(Object.keys(GUARDIAN_RELATION_LABELS).sort());
    for (const r of GUARDIAN_RELATIONS) expect(GUARDIAN_RELATION_LABELS[r]).toMatch(/^[\u4e00-\u9fff/]+ [a-z ]+$/);
  });

  it('checks an ID number’s check digit (and upper-cases a trailing x)', () => {
    const id = withCheck('11010519850615123');
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(problems(GuardianDto, { ...valid, idNumber: id })).toEqual([]);
    expect(problems(GuardianDto, { ...valid, idNumber: wrong })).toEqual(['idNumber']);
    expect(problems(GuardianDto, { ...valid, idNumber: '1234' })).toEqual(['idNumber']);
    const withX = withCheck('11010519491231002');
    expect(withX.endsWith('X')).toBe(true);
    expect(problems(GuardianDto, { ...valid, idNumber: withX.toLowerCase() })).toEqual([]);
  });

  it('requires the flags on a new guardian, and nothing in particular on a change; null only where it clears', () => {
    expect(problems(GuardianDto, { name: '王某', relation: 'father' }).sort()).toEqual(['livesWithChild', 'suspectedPerpetrator']);
    expect(problems(GuardianDto, { ...valid, relation: 'uncle' })).toEqual(['relation']);
    expect(problems(UpdateGuardianDto, { livesWithChild: false })).toEqual([]);
    expect(problems(UpdateGuardianDto, { phone: null, idNumber: null })).toEqual([]);
    expect(problems(UpdateGuardianDto, { name: null }).sort()).toEqual(['name']);
    expect(problems(UpdateGuardianDto, { suspectedPerpetrator: null })).toEqual(['suspectedPerpetrator']);
  });

  it('names the fields a change sends, null included, in a fixed order', () => {
    expect(changedGuardianFields({})).toEqual([]);
    expect(changedGuardianFields({ suspectedPerpetrator: true, name: 'x', idNumber: null })).toEqual(['name', 'idNumber', 'suspectedPerpetrator']);
    expect(
      changedGuardianFields({ name: 'x', relation: GuardianRelation.Mother, phone: '1', idNumber: '2', livesWithChild: true, suspectedPerpetrator: false }),
    ).toEqual([...GUARDIAN_FIELDS]);
  });

  it('puts ids, the relation and the flags on the timeline, never a name, phone or ID number', () => {
    const g = {
      id: 'g-1',
      relation: GuardianRelation.Father,
      livesWithChild: true,
      suspectedPerpetrator: true,
      name: '王大锤',
      phone: '13900000000',
      idNumberCipher: 'k:abc',
    };
    expect(guardianEventData(g)).toEqual({ guardianId: 'g-1', relation: 'father', livesWithChild: true, suspectedPerpetrator: true });
    const data = guardianEventData(g, ['name', 'phone']);
    expect(data).toEqual({ guardianId: 'g-1', relation: 'father', livesWithChild: true, suspectedPerpetrator: true, changed: ['name', 'phone'] });
    expect(JSON.stringify(data)).not.toMatch(/王大锤|13900000000|abc/);
  });
});
