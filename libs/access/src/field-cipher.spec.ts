import { randomBytes } from 'node:crypto';
import { FieldCipher } from './field-cipher';
import { isValidNationalId, maskIdNumber, maskName } from './masking';

describe('FieldCipher', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('encrypts with AES-256-GCM under the current key id, differently each time', () => {
    const c = new FieldCipher('k1', k1);
    const a = c.encrypt('44030620130708123X');
    const b = c.encrypt('44030620130708123X');
    expect(a).toMatch(/^k1:/);
    expect(a).not.toBe(b);
    expect(c.decrypt(a)).toBe('44030620130708123X');
  });

  it('detects tampering (GCM tag)', () => {
    const c = new FieldCipher('k1', k1);
    const stored = c.encrypt('secret');
    const raw = Buffer.from(stored.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => c.decrypt(`k1:${raw.toString('base64')}`)).toThrow();
  });

  it('rotates: new writes use the new key, old rows stay readable, matching stays stable with the match key kept', () => {
    const before = new FieldCipher('k1', k1);
    const old = before.encrypt('440306201307081234');
    const after = FieldCipher.fromConfig({
      DATA_ENCRYPTION_KEY_ID: 'k2',
      DATA_ENCRYPTION_KEY: k2.toString('base64'),
      DATA_ENCRYPTION_PREVIOUS_KEYS: `k1:${k1.toString('base64')}`,
      DATA_MATCH_KEY: k1.toString('base64'),
    });
    expect(after.decrypt(old)).toBe('440306201307081234');
    expect(after.isStale(old)).toBe(true);
    expect(after.encrypt('x')).toMatch(/^k2:/);
    expect(after.matchHash('440306201307081234')).toBe(before.matchHash('440306201307081234'));
    expect(() => new FieldCipher('k2', k2).decrypt(old)).toThrow(/no key "k1"/);
  });

  it('matches on a keyed hash, not a plain one', () => {
    expect(new FieldCipher('k1', k1).matchHash('x')).not.toBe(new FieldCipher('k1', k2).matchHash('x'));
  });
});

describe('masking', () => {
  it('masks names as 张*明', () => {
    expect(maskName('张小明')).toBe('张*明');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('王')).toBe('*');
  });

  it('masks ID numbers and checks their check character', () => {
    expect(maskIdNumber('44030620130708123X')).toBe('440306********123X');
    expect(isValidNationalId('11010519491231002X')).toBe(true);
    expect(isValidNationalId('110105194912310021')).toBe(false);
    expect(isValidNationalId('1101051949123100')).toBe(false);
  });
});
