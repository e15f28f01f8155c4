import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '@shouhu/access';
import { CASE_STATUSES, CaseStatus } from './domain';
import { actionsFor, CASE_ACTIONS, CaseAction, judge, ruleOf, toMermaid, WORKFLOW } from './workflow';

/**
 * The expected workflow, written out by hand from domain.md §5 — not derived from
 * WORKFLOW — so a change to the table fails here until someone means it.
 * Columns: action | roles that may ever take it | states it may be taken from.
 */
const EXPECTED = `
submit                | director district hotline   | draft returned
return                | supervisor                   | submitted
accept                | supervisor                   | submitted
start_intervention    | supervisor                   | assessing
begin_follow_up       | supervisor                   | intervening
request_closure       | director supervisor          | submitted returned assessing intervening follow_up
close_unsubstantiated | supervisor                   | assessing
reopen                | district                     | closed
transfer              | district                     | submitted returned assessing intervening follow_up
merge                 | supervisor district          | draft submitted returned assessing intervening follow_up
escalate              | director supervisor          | submitted returned assessing intervening follow_up
record_assessment     | supervisor                   | assessing intervening follow_up
add_measure           | supervisor                   | assessing intervening
update_measure        | director supervisor          | assessing intervening
add_visit             | director supervisor          | assessing intervening follow_up
add_note              | director supervisor district | draft submitted returned assessing intervening follow_up closed
add_report            | director supervisor district hotline | draft submitted returned assessing intervening follow_up
record_police         | director supervisor district hotline | draft submitted returned assessing intervening follow_up
record_outcome_feedback | director supervisor district | assessing intervening follow_up
add_guardian          | director supervisor district hotline | draft submitted returned assessing intervening follow_up
update_guardian       | director supervisor district hotline | draft submitted returned assessing intervening follow_up
refer                 | supervisor district          | assessing intervening follow_up
revoke_referral       | supervisor district          | assessing intervening follow_up
decide_approval       | supervisor district          | submitted returned assessing intervening follow_up
`;

const ROLE_NAMES: Record<string, Role> = {
  director: Role.CommunityDirector,
  supervisor: Role.StreetSupervisor,
  district: Role.DistrictStaff,
  hotline: Role.HotlineIntake,
};

const expected = new Map(
  EXPECTED.trim()
    .split('\n')
    .map((line) => {
      const [action, roles, states] = line.split('|').map((s) => s.trim().split(/\s+/));
      return [action[0], { roles: roles.map((r) => ROLE_NAMES[r]), states: states as CaseStatus[] }] as const;
    }),
);

describe('workflow table', () => {
  it('covers every action exactly once, and the expectations name every action', () => {
    expect(WORKFLOW.map((r) => r.action).sort()).toEqual([...CASE_ACTIONS].sort());
    expect([...expected.keys()].sort()).toEqual([...CASE_ACTIONS].sort());
  });

  const combos: [CaseStatus, CaseAction, Role][] = [];
  for (const s of CASE_STATUSES) for (const a of CASE_ACTIONS) for (const r of Object.values(Role)) combos.push([s, a, r]);

  it(`judges all ${combos.length} (state, action, role) combinations as written out`, () => {
    const wrong: string[] = [];
    for (const [status, action, role] of combos) {
      const e = expected.get(action)!;
      const want = !e.roles.includes(role) ? 'role_forbidden' : e.states.includes(status) ? 'allowed' : 'invalid_state';
      const got = judge(status, action, role);
      if (got !== want) wrong.push(`${status} × ${action} × ${role}: expected ${want}, table says ${got}`);
    }
    expect(wrong).toEqual([]);
  });

  it('gives the admin nothing to do on any case (separation of duties)', () => {
    for (const s of CASE_STATUSES) expect(actionsFor(s, Role.Admin)).toEqual([]);
  });

  it('lets nobody act on a closed case except to reopen it (district) or add a note', () => {
    expect(actionsFor(CaseStatus.Closed, Role.DistrictStaff).sort()).toEqual([CaseAction.AddNote, CaseAction.Reopen].sort());
    expect(actionsFor(CaseStatus.Closed, Role.StreetSupervisor)).toEqual([CaseAction.AddNote]);
    expect(actionsFor(CaseStatus.Closed, Role.CommunityDirector)).toEqual([CaseAction.AddNote]);
  });

  it('names the targets of the moves of domain.md §5', () => {
    expect(ruleOf(CaseAction.Submit).to).toBe(CaseStatus.Submitted);
    expect(ruleOf(CaseAction.Return).to).toBe(CaseStatus.Returned);
    expect(ruleOf(CaseAction.Accept).to).toBe(CaseStatus.Assessing);
    expect(ruleOf(CaseAction.StartIntervention).to).toBe(CaseStatus.Intervening);
    expect(ruleOf(CaseAction.BeginFollowUp).to).toBe(CaseStatus.FollowUp);
    expect(ruleOf(CaseAction.RequestClosure).to).toBe(CaseStatus.Closed);
    expect(ruleOf(CaseAction.CloseUnsubstantiated).to).toBe(CaseStatus.Closed);
    expect(ruleOf(CaseAction.Reopen).to).toBe(CaseStatus.Assessing);
    expect(ruleOf(CaseAction.Merge).to).toBe(CaseStatus.Closed);
    expect(ruleOf(CaseAction.Transfer).to).toBeNull();
    expect(ruleOf(CaseAction.Escalate).to).toBeNull();
  });

  it('requires the payload api.md lists', () => {
    expect(ruleOf(CaseAction.Return).requires).toEqual(['reason']);
    expect(ruleOf(CaseAction.Accept).requires).toEqual(['riskLevel', 'assigneeId']);
    expect(ruleOf(CaseAction.RequestClosure).requires).toEqual(['closureReason']);
    expect(ruleOf(CaseAction.CloseUnsubstantiated).requires).toEqual(['reason']);
    expect(ruleOf(CaseAction.Reopen).requires).toEqual(['reason']);
    expect(ruleOf(CaseAction.Transfer).requires).toEqual(['communityId', 'reason']);
    expect(ruleOf(CaseAction.Merge).requires).toEqual(['intoCaseId']);
    expect(ruleOf(CaseAction.Escalate).requires).toEqual(['reason']);
  });

  it('needs approval for R1/R2 plans (district) and for every closure request', () => {
    expect(ruleOf(CaseAction.StartIntervention).approval).toBe('high_risk_by_district');
    expect(ruleOf(CaseAction.RequestClosure).approval).toBe('by_risk_level');
    expect(
      WORKFLOW.filter((r) => r.approval)
        .map((r) => r.action)
        .sort(),
    ).toEqual([CaseAction.RequestClosure, CaseAction.StartIntervention].sort());
  });

  it('prints a Mermaid state diagram with every move', () => {
    const diagram = toMermaid();
    expect(diagram.startsWith('stateDiagram-v2')).toBe(true);
    expect(diagram).toContain('submitted --> assessing: accept (supervisor)');
    expect(diagram).toContain('assessing --> intervening: start_intervention (supervisor, R1/R2 approved by district)');
    expect(diagram).toContain('closed --> assessing: reopen (district)');
    expect(diagram).not.toContain('transfer');
  });

  it('is the diagram the README shows (npm run workflow:diagram prints it)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const block = /```mermaid\n(stateDiagram-v2[\s\S]*?)\n```/.exec(readme);
    expect(block?.[1]).toBe(toMermaid());
  });
});
