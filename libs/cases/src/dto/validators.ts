import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isValidNationalId } from '@shouhu/access';

/** class-transformer: strings arrive trimmed. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The message of an IsIn check that lists what is allowed. */
export const oneOf = (values: readonly (string | number)[]) => ({ message: `must be one of ${values.join(', ')}` });

/** An ISO-8601 date-time with an offset. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A date-time of DATE_TIME's form on a real calendar day: Date.parse would roll
 * 2026-02-30 over into March and store a day nobody typed.
 */
function isRealDateTime(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || !Number.isFinite(Date.parse(value))) return false;
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const day = new Date(0);
  day.setUTCFullYear(y, m - 1, d);
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** A little slack for clocks of phones that run a few minutes fast. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** An ISO-8601 date-time with offset that is not in the future. */
export function IsPastDateTime(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPastDateTime',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          if (!isRealDateTime(value)) return false;
          const t = Date.parse(value);
          return t <= Date.now() + CLOCK_SKEW_MS && t > Date.parse('1990-01-01T00:00:00Z');
        },
        defaultMessage: (args?: ValidationArguments) =>
          isRealDateTime(args?.value) ? 'must not be in the future' : 'must be an ISO-8601 date-time with offset, e.g. 2026-11-23T09:30:00+08:00',
      },
    });
}

/** An ISO-8601 date-time with offset (any time). */
export function IsDateTime(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isDateTime',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          return isRealDateTime(value);
        },
        defaultMessage: () => 'must be an ISO-8601 date-time with offset, e.g. 2026-11-30T17:00:00+08:00',
      },
    });
}

/** The age in whole years on `at` of someone born on `birthDate` (YYYY-MM-DD). */
export function ageInYears(birthDate: string, at: Date = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = at.getUTCFullYear() - y;
  const beforeBirthday = at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

/** A real calendar date (YYYY-MM-DD), not in the future, of a child under 18. */
export function IsChildBirthDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isChildBirthDate',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          return birthDateProblem(value) === null;
        },
        defaultMessage: (args?: ValidationArguments) => birthDateProblem(args?.value) ?? 'is invalid',
      },
    });
}

export function birthDateProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'must be a date YYYY-MM-DD';
  const t = Date.parse(`${value}T00:00:00Z`);
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== value) return 'must be a real calendar date';
  if (t > Date.now()) return 'must not be in the future';
  if (ageInYears(value) >= 18) return 'must be of a child under 18';
  return null;
}

/** An 18-character national ID number with a valid check digit (GB 11643), as the child's. */
export function IsNationalId(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isNationalId',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          return typeof value === 'string' && /^\d{17}[\dX]$/.test(value) && isValidNationalId(value);
        },
        defaultMessage: (args?: ValidationArguments) =>
          typeof args?.value === 'string' && /^\d{17}[\dX]$/.test(args.value)
            ? 'is not a valid national ID number (check digit)'
            : 'must be an 18-character national ID number',
      },
    });
}
