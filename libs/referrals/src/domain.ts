/**
 * 协同办理 (domain.md §11) as data: a referral's states and who moves it where. Plain
 * TypeScript, no Nest or TypeORM, so the flow can be read and unit-tested.
 */
import { Role } from '@shouhu/access';

export enum ReferralStatus {
  Pending = 'pending',
  Accepted = 'accepted',
  Declined = 'declined',
  Done = 'done',
  Revoked = 'revoked',
}
export const REFERRAL_STATUSES: readonly ReferralStatus[] = Object.values(ReferralStatus);
export const REFERRAL_STATUS_LABELS: Record<ReferralStatus, string> = {
  [ReferralStatus.Pending]: '待接收 pending',
  [ReferralStatus.Accepted]: '已接收 accepted',
  [ReferralStatus.Declined]: '已拒绝 declined',
  [ReferralStatus.Done]: '已办结 done',
  [ReferralStatus.Revoked]: '已撤回 revoked',
};

/** Still to be answered or carried out: these keep a case from a risk_resolved closure (domain.md §8). */
export const OPEN_REFERRAL_STATUSES: readonly ReferralStatus[] = [ReferralStatus.Pending, ReferralStatus.Accepted];

export enum ReferralStep {
  Accept = 'accept',
  Decline = 'decline',
  Complete = 'complete',
  Revoke = 'revoke',
}

/** The referral flow: from which states each step may be taken, to which state, by whom. */
export const REFERRAL_FLOW: Record<ReferralStep, { from: readonly ReferralStatus[]; to: ReferralStatus; roles: readonly Role[] }> = {
  [ReferralStep.Accept]: { from: [ReferralStatus.Pending], to: ReferralStatus.Accepted, roles: [Role.AgencyLiaison] },
  [ReferralStep.Decline]: { from: [ReferralStatus.Pending], to: ReferralStatus.Declined, roles: [Role.AgencyLiaison] },
  [ReferralStep.Complete]: { from: [ReferralStatus.Accepted], to: ReferralStatus.Done, roles: [Role.AgencyLiaison] },
  [ReferralStep.Revoke]: {
    from: [ReferralStatus.Pending, ReferralStatus.Accepted],
    to: ReferralStatus.Revoked,
    roles: [Role.StreetSupervisor, Role.DistrictStaff],
  },
};

/** May this step be taken from this status? */
export const stepAllowed = (step: ReferralStep, status: ReferralStatus): boolean => REFERRAL_FLOW[step].from.includes(status);
