import { caseNumber } from './case-intake.service';

describe('caseNumber', () => {
  it('is prefix-year-number, the number padded to 6 digits', () => {
    expect(caseNumber('BA', 2026, 123)).toBe('BA-2026-000123');
  });

  it('grows past 6 digits instead of wrapping (one global sequence)', () => {
    expect(caseNumber('BA', 2026, 12_345_678)).toBe('BA-2026-12345678');
    // The sequence's MAXVALUE with the longest prefix still fits case.case_no (24).
    expect(caseNumber('ABCDEFGH', 2026, 9_999_999_999)).toHaveLength(24);
  });

  it('never truncates: a number that would not fit case.case_no is an error', () => {
    expect(() => caseNumber('ABCDEFGHI', 2026, 9_999_999_999)).toThrow(/does not fit case\.case_no/);
  });
});
