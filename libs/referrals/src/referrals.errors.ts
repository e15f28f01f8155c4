import { DomainError, ErrorCode } from '@shouhu/errors';
import { REFERRAL_STATUS_LABELS, ReferralStatus } from './domain';

export const ReferralErrors = {
  /** No such referral, one of another agency, or one of a case outside the caller's scope: one answer. */
  notFound: () => DomainError.notFound('referral'),
  /** The step is not allowed from the referral's current state (409, as a case's wrong state). */
  invalidState: (step: string, status: ReferralStatus) =>
    new DomainError(ErrorCode.InvalidTransition, `cannot ${step} a referral that is ${status} (${REFERRAL_STATUS_LABELS[status]})`, [
      { field: 'status', message: `is ${status}` },
    ]),
  agencyUnusable: (why: string) => new DomainError(ErrorCode.RuleViolation, `agencyId ${why}`, [{ field: 'agencyId', message: why }]),
  measureNotOfCase: () =>
    new DomainError(ErrorCode.RuleViolation, 'measureId is not a measure of this case', [{ field: 'measureId', message: 'is not a measure of this case' }]),
  badCursor: () => DomainError.validation('cursor', 'is not a cursor this API issued'),
};
