import { ARGON2_AT_ONCE, hashPassword, inTurns, verifyPassword } from './password';

/** A task that records when it starts, and ends when told to (or fails). */
function gate(log: string[], name: string) {
  let end!: (fail?: boolean) => void;
  const done = new Promise<void>((resolve, reject) => (end = (fail) => (fail ? reject(new Error(name)) : resolve())));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
    end,
  };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('inTurns', () => {
  it('runs at most `limit` tasks at once, the others in the order they came, and a failed task gives its turn on', async () => {
    const log: string[] = [];
    const turn = inTurns(2);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(log, n));
    const results = [a, b, c, d].map((g) => turn(g.task).catch((e: Error) => `failed ${e.message}`));
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    b.end(true);
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    a.end();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d']);
    c.end();
    d.end();
    expect(await Promise.all(results)).toEqual(['a', 'failed b', 'c', 'd']);
    // Every turn was given back: two new tasks start at once.
    const [e, f] = ['e', 'f'].map((n) => gate(log, n));
    const more = [turn(e.task), turn(f.task)];
    await settle();
    expect(log.slice(-2)).toEqual(['start e', 'start f']);
    e.end();
    f.end();
    expect(await Promise.all(more)).toEqual(['e', 'f']);
  });
});

describe('passwords', () => {
  it('hash and verify in turns: more at once than the limit all answer, right and wrong', async () => {
    expect(ARGON2_AT_ONCE).toBeGreaterThanOrEqual(1);
    const hash = await hashPassword('correct horse');
    const answers = await Promise.all(Array.from({ length: ARGON2_AT_ONCE + 2 }, (_, i) => verifyPassword(hash, i % 2 ? 'correct horse' : 'wrong')));
    expect(answers).toEqual(Array.from({ length: ARGON2_AT_ONCE + 2 }, (_, i) => i % 2 === 1));
    expect(await verifyPassword('not a hash', 'correct horse')).toBe(false);
  });
});
