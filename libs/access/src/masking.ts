/**
 * 张*明: keeps the first and last character of a name and masks the middle;
 * two-character names keep the first (李*). Lists, exports and notifications show
 * only this (未成年人保护法 Art.103).
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '*';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/**
 * The characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), for
 * SQL's btrim: maskNameSql trims as maskName does.
 */
export const TRIMMED_CHARS =
  '\u0009\u000A\u000B\u000C\u000D\u0020\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF';

/**
 * maskName in SQL, for rows PostgreSQL renders (the queue): `name` a text expression, `trimmed`
 * a parameter holding TRIMMED_CHARS. PostgreSQL counts characters as Array.from does (code points).
 * The two are compared on awkward names by the masking tests.
 */
export function maskNameSql(name: string, trimmed: string): string {
  const t = `btrim(${name}, ${trimmed})`;
  return `(CASE WHEN char_length(${t}) <= 1 THEN '*' WHEN char_length(${t}) = 2 THEN left(${t}, 1) || '*' ELSE left(${t}, 1) || repeat('*', char_length(${t}) - 2) || right(${t}, 1) END)`;
}

/** 440306********1234 style: the region and the last four digits stay. */
export function maskIdNumber(id: string): string {
  return id.length <= 10 ? '*'.repeat(id.length) : `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** National ID (GB 11643-1999): 17 digits and a check character. */
export function isValidNationalId(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

/** The birth date (YYYY-MM-DD) a national ID number encodes. */
export function birthDateOfNationalId(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}
