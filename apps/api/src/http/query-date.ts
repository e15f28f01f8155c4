import { DomainError } from '@shouhu/errors';

const ISO_DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An optional ISO-8601 date or date-time query parameter; a bad one is a 400 naming it. */
export function queryDate(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  if (!ISO_DATE_OR_TIME.test(value) || !Number.isFinite(Date.parse(value))) throw DomainError.validation(field, 'must be an ISO-8601 date or date-time');
  return new Date(value);
}
