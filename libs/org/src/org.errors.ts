import { DomainError, ErrorCode } from '@shouhu/errors';

export const OrgErrors = {
  userNotFound: () => DomainError.notFound('user'),
  usernameTaken: () => new DomainError(ErrorCode.UsernameTaken, 'username is already taken', [{ field: 'username', message: 'is already taken' }]),
  /** Out of scope and nonexistent look the same (api.md: 404). */
  unknownJurisdiction: () =>
    new DomainError(ErrorCode.NotFound, 'no such jurisdiction in your scope', [{ field: 'jurisdictionId', message: 'is not a jurisdiction you manage' }]),
  levelMismatch: (role: string, level: string) => DomainError.validation('jurisdictionId', `must be a ${level} for role ${role}`),
  /** Nothing of this account waits for a decision (approved already, rejected, or never asked). */
  nothingToApprove: () => new DomainError(ErrorCode.Conflict, 'nothing of this user awaits approval'),
  /** Maker-checker: not the one who asked, and not about one's own account. */
  selfApproval: () => new DomainError(ErrorCode.SelfApproval, 'you cannot decide a request you made or one about your own account'),
  /** A liaison belongs to its agency: no account becomes one or stops being one by an edit (create a new account). */
  liaisonRoleFixed: () => DomainError.validation('role', 'cannot change to or from agency_liaison; create a new account instead'),
  liaisonPlaceFixed: () => DomainError.validation('jurisdictionId', 'of an agency liaison is its agency’s district and cannot change'),
  selfLockout: (field: string) =>
    new DomainError(ErrorCode.SelfLockout, `you cannot change your own ${field}`, [{ field, message: 'cannot be changed on your own account' }]),
};
