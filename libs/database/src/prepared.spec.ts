import { PREPARED_TEXTS_MAX, statementName } from './prepared';

describe('statementName', () => {
  it('names each text once, the same name every time, and none beyond the bound', () => {
    const first = statementName('SELECT 1');
    expect(first).toMatch(/^shouhu_\d+$/);
    expect(statementName('SELECT 1')).toBe(first);
    const names = new Set([first]);
    for (let i = 2; names.size < PREPARED_TEXTS_MAX; i++) names.add(statementName(`SELECT ${i}`));
    expect(names.size).toBe(PREPARED_TEXTS_MAX);
    expect(statementName('SELECT -1')).toBeNull();
    // Texts named before the bound keep their names.
    expect(statementName('SELECT 1')).toBe(first);
  });
});
