import { ARGON2_AT_ONCE, hashPassword, verifyPassword } from './password';

describe('passwords', () => {
  it('hash and verify in turns: more at once than the limit all answer, right and wrong', async () => {
    expect(ARGON2_AT_ONCE).toBeGreaterThanOrEqual(1);
    const hash = await hashPassword('correct horse');
    const answers = await Promise.all(Array.from({ length: ARGON2_AT_ONCE + 2 }, (_, i) => verifyPassword(hash, i % 2 ? 'correct horse' : 'wrong')));
    expect(answers).toEqual(Array.from({ length: ARGON2_AT_ONCE + 2 }, (_, i) => i % 2 === 1));
    expect(await verifyPassword('not a hash', 'correct horse')).toBe(false);
  });
});
