import 'reflect-metadata';
import { IsOptional, IsString, maxLength, validate } from 'class-validator';
import { charCount, MaxChars, MinChars } from './text-length';

/** Where @nestjs/swagger keeps ApiProperty options (API_MODEL_PROPERTIES, not exported). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

describe('charCount', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['张小明', 3],
    ['明\uFE0F', 2], // a variation selector is a code point of its own
    ['✌\uFE0E', 2],
    ['e\u0301', 2], // a combining mark too
    ['𠀀', 1], // U+20000: a surrogate pair, one code point
    ['😀', 1],
    ['👍🏽', 2], // emoji + skin-tone modifier, both astral
    ['👨‍👩‍👧', 5], // three astral people joined by two ZWJ
    ['\uD800', 1], // a lone surrogate: the driver sends U+FFFD, one code point
    ['\uDC00a', 2],
    ['\uD800\uD800', 2],
    ['a\uD83D', 2],
  ])('counts %j as %i code points, as PostgreSQL does', (value, expected) => {
    expect(charCount(value)).toBe(expected);
  });

  it('agrees with the string iterator and with what UTF-8 round-trips to', () => {
    const pieces = ['a', '明', '\uFE0F', '\u0301', '𠀀', '😀', '\uD800', '\uDFFF', ' ', '\u200D'];
    for (let run = 0; run < 200; run += 1) {
      let s = '';
      for (let i = 0; i < run % 40; i += 1) s += pieces[(run * 7 + i * 13) % pieces.length];
      expect(charCount(s)).toBe(Array.from(s).length);
      // What pg sends: lone surrogates become U+FFFD, one code point each.
      expect(charCount(Buffer.from(s, 'utf8').toString('utf8'))).toBe(charCount(s));
    }
  });

  it('counts what class-validator’s MaxLength does not: variation selectors', () => {
    const fifty = '明'.repeat(50);
    expect(maxLength(`${fifty}\uFE0F`, 50)).toBe(true); // validator.js: 50, PostgreSQL: 51
    expect(charCount(`${fifty}\uFE0F`)).toBe(51);
  });
});

class Sample {
  @IsString()
  @MaxChars(3)
  short: string;

  @IsOptional()
  @IsString()
  @MinChars(2)
  @MaxChars(4)
  ranged?: string;
}

const problems = async (value: Record<string, unknown>) =>
  (await validate(Object.assign(new Sample(), value))).flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));

describe('MaxChars and MinChars', () => {
  it('accept strings within the limits in code points, whatever their UTF-16 length', async () => {
    expect(await problems({ short: 'e\u0301😀' })).toEqual([]);
    expect(await problems({ short: '𠀀𠀀𠀀', ranged: '😀\uFE0F' })).toEqual([]);
    expect(await problems({ short: 'abc', ranged: 'e\u0301e\u0301' })).toEqual([]);
  });

  it('refuse one code point more or less, with a message in characters', async () => {
    expect(await problems({ short: '明\uFE0F明\uFE0F' })).toEqual(['short: must be at most 3 characters']);
    expect(await problems({ short: 'ok', ranged: '😀' })).toEqual(['ranged: must be at least 2 characters']);
    expect(await problems({ short: 'ok', ranged: 'e\u0301e\u0301e' })).toEqual(['ranged: must be at most 4 characters']);
  });

  it('refuse what is not a string', async () => {
    expect(await problems({ short: 123 })).toEqual(expect.arrayContaining(['short: must be at most 3 characters']));
    expect(await problems({ short: ['a'] })).toEqual(expect.arrayContaining(['short: must be at most 3 characters']));
  });

  it('state the same limits in the OpenAPI metadata', () => {
    expect(Reflect.getMetadata(API_MODEL_PROPERTIES, Sample.prototype, 'short')).toMatchObject({ maxLength: 3 });
    expect(Reflect.getMetadata(API_MODEL_PROPERTIES, Sample.prototype, 'ranged')).toMatchObject({ minLength: 2, maxLength: 4 });
  });

  it('refuse a limit that is not a whole number', () => {
    expect(() => MaxChars(1.5)).toThrow(/whole number/);
    expect(() => MinChars(-1)).toThrow(/whole number/);
  });
});
