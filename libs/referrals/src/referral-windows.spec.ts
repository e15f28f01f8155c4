import { Role } from '@shouhu/access';
import { Case, CaseStatus } from '@shouhu/cases';
import { buildPolicy, DeadlineKind, KINDS_BY_STATUS, nextLevel, PolicyError, SlaCalculator, stepsMet, stepsStarted, WINDOW_KINDS } from '@shouhu/deadlines';
import { OPEN_REFERRAL_STATUSES, REFERRAL_FLOW, REFERRAL_STATUSES, ReferralStatus, ReferralStep, stepAllowed } from './domain';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = new Date('2026-06-01T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('a referral’s windows (domain.md §6: the agency answers within 24 h for R1/R2, 72 h for R3/R4)', () => {
  const sla = new SlaCalculator(buildPolicy(), 1);

  it('answers by 24 h for R1 and R2, by 72 h for R3 and R4, reminded at 75 % of the window', () => {
    for (const risk of ['R1', 'R2'] as const) expect(sla.referralDue(risk, T0).respondBy).toEqual({ dueAt: at(24 * HOUR), remindAt: at(18 * HOUR) });
    for (const risk of ['R3', 'R4'] as const) expect(sla.referralDue(risk, T0).respondBy).toEqual({ dueAt: at(72 * HOUR), remindAt: at(54 * HOUR) });
  });

  it('is done by the due date given, else 14 days after the referral (referralCompletion.default)', () => {
    const given = at(5 * DAY);
    expect(sla.referralDue('R3', T0, given).dueAt).toEqual(given);
    expect(sla.referralDue('R3', T0).dueAt).toEqual(at(14 * DAY));
  });

  it('follows the configured policy and the time scale', () => {
    const own = new SlaCalculator(buildPolicy({ windows: { referral_response: { R3: '2wd' } }, referralCompletion: { default: '30d' } }), 1);
    expect(own.referralDue('R1', T0).respondBy.dueAt).toEqual(at(24 * HOUR));
    // 2 working days from a Monday 10:00 in Shanghai: the end of Wednesday.
    expect(own.referralDue('R3', T0).respondBy.dueAt.toISOString()).toBe('2026-06-03T16:00:00.000Z');
    expect(own.referralDue('R3', T0).dueAt).toEqual(at(30 * DAY));
    const fast = new SlaCalculator(buildPolicy(), 0.001);
    expect(fast.referralDue('R2', T0).respondBy.dueAt).toEqual(at(24 * HOUR * 0.001));
    expect(fast.referralDue('R2', T0).dueAt).toEqual(at(14 * DAY * 0.001));
  });

  it('refuses a policy that breaks the referral settings, naming the path', () => {
    expect(() => buildPolicy({ referralCompletion: { default: '14 days' } })).toThrow(PolicyError);
    expect(() => buildPolicy({ referralCompletion: { default: '14 days' } })).toThrow(/^referralCompletion.default: must be a duration/);
    expect(() => buildPolicy({ referralCompletion: { soon: '1d' } })).toThrow(/referralCompletion.soon/);
    expect(() => buildPolicy({ windows: { referral_completion: { R1: '1d' } } })).toThrow(/windows.referral_completion/);
  });

  it('has a window per risk level for the answer, and none for the completion (its own due date)', () => {
    expect(WINDOW_KINDS).toContain(DeadlineKind.ReferralResponse);
    expect(WINDOW_KINDS).not.toContain(DeadlineKind.ReferralCompletion);
  });
});

describe('the referral flow (domain.md §11)', () => {
  it('pending → accepted or declined (liaison), accepted → done (liaison), pending or accepted → revoked (caseworker)', () => {
    const table = REFERRAL_STATUSES.map((s) => [s, Object.values(ReferralStep).filter((step) => stepAllowed(step, s))]);
    expect(table).toEqual([
      [ReferralStatus.Pending, [ReferralStep.Accept, ReferralStep.Decline, ReferralStep.Revoke]],
      [ReferralStatus.Accepted, [ReferralStep.Complete, ReferralStep.Revoke]],
      [ReferralStatus.Declined, []],
      [ReferralStatus.Done, []],
      [ReferralStatus.Revoked, []],
    ]);
    expect(REFERRAL_FLOW[ReferralStep.Revoke].roles).toEqual([Role.StreetSupervisor, Role.DistrictStaff]);
    for (const step of [ReferralStep.Accept, ReferralStep.Decline, ReferralStep.Complete]) expect(REFERRAL_FLOW[step].roles).toEqual([Role.AgencyLiaison]);
  });

  it('counts pending and accepted referrals as open (they keep a risk_resolved closure waiting)', () => {
    expect(OPEN_REFERRAL_STATUSES).toEqual([ReferralStatus.Pending, ReferralStatus.Accepted]);
  });
});

describe('a referral’s deadlines (libs/deadlines rules)', () => {
  const c = { status: CaseStatus.Assessing, policeReportedAt: null, policeFeedbackAt: null, categories: ['N04'], mandatoryItems: [] } as unknown as Case;
  const respondBy = at(72 * HOUR);
  const dueAt = at(14 * DAY);

  it('starts the answer deadline for the agency’s liaisons when made, the completion deadline when accepted (one per referral)', () => {
    expect(stepsStarted({ kind: 'referral_created', referralId: 'r1', agencyId: 'a1', respondBy }, c, T0)).toEqual([
      { kind: DeadlineKind.ReferralResponse, refKey: 'r1', from: T0, dueAt: respondBy, responsibleRole: Role.AgencyLiaison, responsibleUserId: null },
    ]);
    expect(stepsStarted({ kind: 'referral_accepted', referralId: 'r1', dueAt }, c, T0)).toEqual([
      { kind: DeadlineKind.ReferralCompletion, refKey: 'r1', from: T0, dueAt, responsibleRole: Role.AgencyLiaison, responsibleUserId: null },
    ]);
  });

  it('an answer (accepted or declined) meets the answer deadline; completion meets the completion deadline; revocation meets nothing', () => {
    expect(stepsMet({ kind: 'referral_accepted', referralId: 'r1', dueAt }, c)).toEqual([{ kind: DeadlineKind.ReferralResponse, refKey: 'r1' }]);
    expect(stepsMet({ kind: 'referral_closed', referralId: 'r1', outcome: 'declined' }, c)).toEqual([{ kind: DeadlineKind.ReferralResponse, refKey: 'r1' }]);
    expect(stepsMet({ kind: 'referral_closed', referralId: 'r1', outcome: 'done' }, c)).toEqual([{ kind: DeadlineKind.ReferralCompletion, refKey: 'r1' }]);
    expect(stepsMet({ kind: 'referral_closed', referralId: 'r1', outcome: 'revoked' }, c)).toEqual([]);
  });

  it('stay through assessing, intervening and follow-up, and end with the case', () => {
    for (const s of [CaseStatus.Assessing, CaseStatus.Intervening, CaseStatus.FollowUp]) {
      expect(KINDS_BY_STATUS[s]).toEqual(expect.arrayContaining([DeadlineKind.ReferralResponse, DeadlineKind.ReferralCompletion]));
    }
    expect(KINDS_BY_STATUS[CaseStatus.Closed]).toEqual([]);
  });

  it('an overdue agency escalates to the case’s street supervisor (then district leadership, as every breach)', () => {
    expect(nextLevel(Role.AgencyLiaison)).toBe(Role.StreetSupervisor);
  });
});
