/**
 * National ID numbers (GB 11643-1999), the same rules as the server
 * (libs/access masking.ts isValidNationalId / birthDateOfNationalId, and the
 * ChildInput DTO): 17 digits and a check character, whose birth date must equal the
 * child's birth date.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export const normaliseNationalId = (id: string): string => id.trim().toUpperCase();

/** Why this ID number is not acceptable, in Chinese, or null when it is. */
export function nationalIdProblem(raw: string, birthDate?: string | null): string | null {
  const id = normaliseNationalId(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号应为18位：17位数字加1位校验码（数字或X）';
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  if (CHECK[sum % 11] !== id[17]) return '身份证号校验位不正确，请核对每一位数字';
  const encoded = birthDateOfNationalId(id);
  const [y, m, d] = encoded.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return '身份证号中的出生日期无效';
  if (birthDate && encoded !== birthDate) return `身份证号中的出生日期为 ${encoded}，与填写的出生日期不一致`;
  return null;
}

export function birthDateOfNationalId(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** The sex a national ID encodes (17th digit: odd male, even female). */
export function sexOfNationalId(id: string): 'male' | 'female' {
  return Number(id[16]) % 2 === 1 ? 'male' : 'female';
}
