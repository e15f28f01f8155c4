import { maskName, maskNameSql, TRIMMED_CHARS } from './masking';

describe('masking', () => {
  it('TRIMMED_CHARS are exactly the characters String.prototype.trim removes', () => {
    const trimmed: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (`${ch}x${ch}`.trim() === 'x') trimmed.push(ch);
    }
    expect([...TRIMMED_CHARS].sort()).toEqual(trimmed.sort());
  });

  it('maskName keeps the first and last character and masks the middle', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张小明')).toBe('张*明');
    expect(maskName(' 欧阳小明\u3000')).toBe('欧**明');
    expect(maskName('王')).toBe('*');
    expect(maskName('   ')).toBe('*');
    expect(maskName('𠀋𠀌𠀍')).toBe('𠀋*𠀍');
  });

  it('maskNameSql reads the name and the trimmed characters it is given, nothing else', () => {
    const sql = maskNameSql('child.name', '$9');
    expect(sql).toContain('btrim(child.name, $9)');
    expect(sql).not.toMatch(/\$(?!9)\d/);
  });
});
