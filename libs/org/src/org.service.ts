import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, asSubject, defineAbilityFor, JurisdictionLevel, Role, ROLE_LABELS, ROLE_LEVEL, rulesToSql } from '@shouhu/access';
import { TransactionRunner } from '@shouhu/database';
import { DomainError } from '@shouhu/errors';
import { EventType } from '@shouhu/timeline';
import { AgencyRepository } from './agency.repository';
import { JurisdictionNodeView, JurisdictionRefView, UserView } from './dto/user.dto';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto, UserApprovalDto } from './dto/user.dto';
import { Jurisdiction } from './entities/jurisdiction.entity';
import { User, UserStatus } from './entities/user.entity';
import { JURISDICTION_FIELDS, JurisdictionRepository } from './jurisdiction.repository';
import { OrgErrors } from './org.errors';
import { decoyHash, hashPassword, verifyPassword } from './password';
import { NewUserEvent, USER_FIELDS, UserRepository, UserWithHash } from './user.repository';

/**
 * Every role but admin can read case content. Creating such an account, changing
 * its role or jurisdiction, or setting its password is the admin's request and
 * takes effect only when district staff of the district approve it (maker-checker):
 * otherwise an admin could make an account for itself and read children's identities.
 */
export const readsCases = (role: Role): boolean => role !== Role.Admin;

const USER_LIST_LIMIT = 1000;

/** Turns a user row into the Actor the access rules work with. */
export function toActor(user: User & { jurisdiction?: Jurisdiction }): Actor {
  const j = user.jurisdiction;
  if (!j) throw new Error('toActor needs the user with its jurisdiction');
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    jurisdictionId: j.id,
    level: j.level,
    districtId: j.districtId,
    streetId: j.streetId,
    communityId: j.communityId,
    agencyId: user.agencyId ?? null,
  };
}

export function jurisdictionRef(j: Jurisdiction): JurisdictionRefView {
  return { id: j.id, code: j.code, level: j.level, name: j.name, path: j.path };
}

export function userView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    roleLabel: ROLE_LABELS[u.role],
    jurisdiction: jurisdictionRef(u.jurisdiction as Jurisdiction),
    agencyId: u.agencyId ?? null,
    active: u.active,
    status: u.status,
    pendingChange:
      u.pendingRole || u.pendingJurisdiction || u.pendingPasswordHash
        ? { role: u.pendingRole, jurisdiction: u.pendingJurisdiction ? jurisdictionRef(u.pendingJurisdiction) : null, password: Boolean(u.pendingPasswordHash) }
        : null,
    approvalRequestedBy: u.approvalRequestedBy,
    approvalRequestedAt: u.approvalRequestedAt ? u.approvalRequestedAt.toISOString() : null,
    lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** Jurisdictions and users, each read and write scoped by the caller's ability. */
@Injectable()
export class OrgService {
  constructor(
    private readonly jurisdictions: JurisdictionRepository,
    private readonly users: UserRepository,
    private readonly agencies: AgencyRepository,
    private readonly tx: TransactionRunner,
  ) {}

  /** The part of the tree the caller may see, as a forest rooted at its highest visible nodes. */
  async jurisdictionTree(actor: Actor): Promise<JurisdictionNodeView[]> {
    const scope = rulesToSql(defineAbilityFor(actor), 'read', 'Jurisdiction', JURISDICTION_FIELDS);
    const rows = await this.jurisdictions.listWithin(scope);
    const nodes = new Map<string, JurisdictionNodeView>(
      rows.map((j) => [j.id, { id: j.id, code: j.code, level: j.level, name: j.name, path: j.path, parentId: j.parentId, children: [] }]),
    );
    const roots: JurisdictionNodeView[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    return roots;
  }

  async listUsers(actor: Actor, query: ListUsersQuery): Promise<UserView[]> {
    const scope = rulesToSql(defineAbilityFor(actor), 'read', 'User', USER_FIELDS);
    const rows = await this.users.list(scope, { ...query, approvedOnly: !approves(actor) }, USER_LIST_LIMIT);
    return rows.map(userView);
  }

  async getUser(actor: Actor, id: string): Promise<UserView> {
    const scope = rulesToSql(defineAbilityFor(actor), 'read', 'User', USER_FIELDS);
    const user = await this.users.findWithin(id, scope, { approvedOnly: !approves(actor) });
    if (!user) throw OrgErrors.userNotFound();
    return userView(user);
  }

  /** An account that can read case content starts pending_approval: it cannot sign in until district staff approve it. */
  async createUser(actor: Actor, dto: CreateUserDto): Promise<UserView> {
    const place = await this.assertPlacement(actor, dto.role, dto.jurisdictionId);
    await this.assertAgency(dto.role, dto.agencyId, place);
    if (await this.users.existsByUsername(dto.username)) throw OrgErrors.usernameTaken();
    const gated = readsCases(dto.role);
    const passwordHash = await hashPassword(dto.password);
    let id: string;
    try {
      id = await this.tx.run(async (manager) => {
        const newId = await this.users.insert(
          {
            username: dto.username,
            displayName: dto.displayName,
            role: dto.role,
            jurisdictionId: dto.jurisdictionId,
            agencyId: dto.role === Role.AgencyLiaison ? dto.agencyId : null,
            passwordHash,
            active: dto.active ?? true,
            status: gated ? UserStatus.PendingApproval : UserStatus.Active,
            approvalRequestedBy: gated ? actor.id : null,
            approvalRequestedAt: gated ? new Date() : null,
          },
          manager,
        );
        const event = eventOf(actor, newId, place.districtId);
        await this.users.appendEvents(manager, [
          event(EventType.UserCreated, {
            username: dto.username,
            displayName: dto.displayName,
            role: dto.role,
            jurisdictionId: dto.jurisdictionId,
            ...(dto.agencyId ? { agencyId: dto.agencyId } : {}),
            active: dto.active ?? true,
          }),
          ...(gated ? [event(EventType.UserApprovalRequested, { role: dto.role, jurisdictionId: dto.jurisdictionId })] : []),
        ]);
        return newId;
      });
    } catch (error) {
      // Two admins creating the same username at once: the unique index decides.
      if (isUniqueViolation(error)) throw OrgErrors.usernameTaken();
      throw error;
    }
    return this.getUser(actor, id);
  }

  /**
   * Display name and active apply at once. Role, jurisdiction and password: at once
   * for admin accounts; for an account that can (or would) read case content they
   * become a pending change that district staff approve, while the account keeps
   * working as it was; for an account not approved yet they replace what awaits
   * approval and ask for it again.
   */
  async updateUser(actor: Actor, id: string, dto: UpdateUserDto): Promise<UserView> {
    const scope = rulesToSql(defineAbilityFor(actor), 'update', 'User', USER_FIELDS);
    // argon2 outside the transaction: it is the slow part and needs no lock.
    const newHash = dto.password !== undefined ? await hashPassword(dto.password) : undefined;
    await this.tx.run(async (manager) => {
      const user = await this.users.lockWithin(id, scope, manager);
      if (!user) throw OrgErrors.userNotFound();
      if (user.id === actor.id) {
        if (dto.active === false) throw OrgErrors.selfLockout('active');
        if (dto.role !== undefined && dto.role !== user.role) throw OrgErrors.selfLockout('role');
        if (dto.jurisdictionId !== undefined && dto.jurisdictionId !== user.jurisdictionId) throw OrgErrors.selfLockout('jurisdictionId');
      }
      // What the account is to become: what this request says, else what already waits, else what it is.
      const role = dto.role ?? user.pendingRole ?? user.role;
      const jurisdictionId = dto.jurisdictionId ?? user.pendingJurisdictionId ?? user.jurisdictionId;
      if (dto.role !== undefined || dto.jurisdictionId !== undefined) await this.assertPlacement(actor, role, jurisdictionId);
      // A liaison is bound to its agency (and the agency's district): it is created as one and stays one.
      if ((role === Role.AgencyLiaison) !== (user.role === Role.AgencyLiaison)) throw OrgErrors.liaisonRoleFixed();
      if (user.role === Role.AgencyLiaison && jurisdictionId !== user.jurisdictionId) throw OrgErrors.liaisonPlaceFixed();

      const event = eventOf(actor, user.id, (user.jurisdiction as Jurisdiction).districtId);
      const events: NewUserEvent[] = [];
      const changes: Partial<UserWithHash> = {};
      if (dto.displayName !== undefined && dto.displayName !== user.displayName) {
        changes.displayName = dto.displayName;
        events.push(event(EventType.UserUpdated, { displayName: { from: user.displayName, to: dto.displayName } }));
      }
      if (dto.active !== undefined && dto.active !== user.active) {
        changes.active = dto.active;
        events.push(event(dto.active ? EventType.UserReactivated : EventType.UserDeactivated, {}));
      }

      if (user.status !== UserStatus.Active) {
        // Not approved yet (or rejected): it cannot sign in, so the row itself changes and asks again.
        const asked = newHash !== undefined || role !== user.role || jurisdictionId !== user.jurisdictionId;
        if (asked) {
          Object.assign(changes, { role, jurisdictionId, ...(newHash ? { passwordHash: newHash } : {}) });
          const gated = readsCases(role);
          Object.assign(changes, {
            status: gated ? UserStatus.PendingApproval : UserStatus.Active,
            approvalRequestedBy: gated ? actor.id : null,
            approvalRequestedAt: gated ? new Date() : null,
          });
          const what = changeData(user, role, jurisdictionId, newHash !== undefined);
          events.push(
            gated
              ? event(EventType.UserApprovalRequested, { role, jurisdictionId, ...(newHash ? { password: true } : {}) })
              : event(EventType.UserChangeApplied, what),
          );
        }
      } else if (readsCases(user.role) || readsCases(role)) {
        // An approved account that can (or would) read case content: the change waits.
        const pendingRole = role === user.role ? null : role;
        const pendingJurisdictionId = jurisdictionId === user.jurisdictionId ? null : jurisdictionId;
        const pendingPasswordHash = newHash ?? user.pendingPasswordHash ?? null;
        const differs = pendingRole !== user.pendingRole || pendingJurisdictionId !== user.pendingJurisdictionId || newHash !== undefined;
        if (differs) {
          const waits = pendingRole !== null || pendingJurisdictionId !== null || pendingPasswordHash !== null;
          Object.assign(changes, {
            pendingRole,
            pendingJurisdictionId,
            pendingPasswordHash,
            approvalRequestedBy: waits ? actor.id : null,
            approvalRequestedAt: waits ? new Date() : null,
          });
          events.push(
            event(waits ? EventType.UserChangeRequested : EventType.UserChangeWithdrawn, {
              ...(pendingRole ? { role: pendingRole } : {}),
              ...(pendingJurisdictionId ? { jurisdictionId: pendingJurisdictionId } : {}),
              ...(pendingPasswordHash ? { password: true } : {}),
            }),
          );
        }
      } else {
        // An admin account staying admin: nothing to approve.
        if (role !== user.role || jurisdictionId !== user.jurisdictionId) {
          Object.assign(changes, { role, jurisdictionId });
          events.push(event(EventType.UserChangeApplied, changeData(user, role, jurisdictionId, false)));
        }
        if (newHash) {
          changes.passwordHash = newHash;
          events.push(event(EventType.UserPasswordChanged, {}));
        }
      }
      // Any change to who the user is or what they may do ends their sessions (a form that
      // resends the current role and jurisdiction changes nothing).
      if (
        changes.passwordHash !== undefined ||
        changes.active === false ||
        (changes.role ?? user.role) !== user.role ||
        (changes.jurisdictionId ?? user.jurisdictionId) !== user.jurisdictionId
      ) {
        changes.credentialsChangedAt = new Date();
      }
      if (Object.keys(changes).length > 0) await this.users.updateIn(manager, user.id, changes);
      await this.users.appendEvents(manager, events);
    });
    return this.getUser(actor, id);
  }

  /**
   * District staff of the user's district decide what an admin asked for: a new
   * account, or a pending change of an approved one. Nobody decides a request of
   * their own or one about their own account.
   */
  async decideApproval(actor: Actor, id: string, dto: UserApprovalDto): Promise<UserView> {
    const scope = rulesToSql(defineAbilityFor(actor), 'read', 'User', USER_FIELDS);
    await this.tx.run(async (manager) => {
      const user = await this.users.lockWithin(id, scope, manager);
      if (!user) throw OrgErrors.userNotFound();
      if (user.approvalRequestedAt === null) throw OrgErrors.nothingToApprove();
      if (user.id === actor.id || user.approvalRequestedBy === actor.id) throw OrgErrors.selfApproval();
      const event = eventOf(actor, user.id, (user.jurisdiction as Jurisdiction).districtId);
      const approve = dto.decision === 'approve';
      const reason = dto.reason ? { reason: dto.reason } : {};
      const cleared = { approvalRequestedBy: null, approvalRequestedAt: null, pendingRole: null, pendingJurisdictionId: null, pendingPasswordHash: null };
      if (user.status !== UserStatus.Active) {
        await this.users.updateIn(manager, user.id, { ...cleared, status: approve ? UserStatus.Active : UserStatus.Rejected });
        await this.users.appendEvents(manager, [
          event(approve ? EventType.UserApproved : EventType.UserRejected, {
            kind: 'account',
            role: user.role,
            jurisdictionId: user.jurisdictionId,
            requestedBy: user.approvalRequestedBy,
            ...reason,
          }),
        ]);
        return;
      }
      const role = user.pendingRole ?? user.role;
      const jurisdictionId = user.pendingJurisdictionId ?? user.jurisdictionId;
      const password = Boolean(user.pendingPasswordHash);
      const events = [
        event(approve ? EventType.UserApproved : EventType.UserRejected, {
          kind: 'change',
          ...changeData(user, role, jurisdictionId, password),
          requestedBy: user.approvalRequestedBy,
          ...reason,
        }),
      ];
      const changes: Partial<UserWithHash> = { ...cleared };
      if (approve) {
        Object.assign(changes, {
          role,
          jurisdictionId,
          credentialsChangedAt: new Date(),
          ...(password ? { passwordHash: user.pendingPasswordHash as string } : {}),
        });
        if (role !== user.role || jurisdictionId !== user.jurisdictionId)
          events.push(event(EventType.UserChangeApplied, changeData(user, role, jurisdictionId, false)));
        if (password) events.push(event(EventType.UserPasswordChanged, {}));
      }
      await this.users.updateIn(manager, user.id, changes);
      await this.users.appendEvents(manager, events);
    });
    return this.getUser(actor, id);
  }

  /**
   * Login check: the user when the password matches and the account is active,
   * else null. Unknown users cost one argon2 verification too.
   */
  async verifyCredentials(username: string, password: string): Promise<User | null> {
    const user = await this.users.findForLogin(username.trim().toLowerCase());
    if (!user) {
      await verifyPassword(await decoyHash(), password);
      return null;
    }
    const ok = await verifyPassword(user.passwordHash, password);
    // Not approved yet, rejected and deactivated accounts get the same answer as a wrong password.
    if (!ok || !user.active || user.status !== UserStatus.Active) return null;
    await this.users.recordLogin(user.id);
    return user;
  }

  /**
   * The actor behind a token, or null when the user is gone, inactive or not approved,
   * its credentials changed after `issuedAt`, or the token was signed out.
   */
  async actorForToken(userId: string, issuedAtSeconds: number, tokenId: string): Promise<{ actor: Actor; user: User } | null> {
    const user = await this.users.findActive(userId, tokenId);
    if (!user) return null;
    if (user.credentialsChangedAt.getTime() > issuedAtSeconds * 1000) return null;
    return { actor: toActor(user), user };
  }

  /** The actor of an active user by username (seeding, tools). */
  async actorByUsername(username: string): Promise<Actor | null> {
    const user = await this.users.findForLogin(username);
    return user && user.active && user.status === UserStatus.Active ? toActor(user) : null;
  }

  /** Signs a token out: refused from now on, by every replica (PostgreSQL holds the list). */
  revokeToken(tokenId: string, userId: string, expiresAt: Date): Promise<void> {
    return this.users.revokeToken(tokenId, userId, expiresAt);
  }

  /** A jurisdiction by id, whoever asks (the caller checks its ability on it). */
  jurisdiction(id: string, manager?: EntityManager): Promise<Jurisdiction | null> {
    return this.jurisdictions.findById(id, manager);
  }

  /**
   * An active, approved user with its jurisdiction: anywhere, or, with `near`, placed in
   * that street (or one of its communities) or at that district itself.
   */
  activeUser(id: string, near?: { streetId: string; districtId: string }, manager?: EntityManager): Promise<User | null> {
    const scope = near
      ? { sql: '(j.street_id = :street OR j.id = :district)', params: { street: near.streetId, district: near.districtId } }
      : { sql: 'TRUE', params: {} };
    return this.users.activeApprovedWithin(id, scope, manager);
  }

  /** Active users with this role placed exactly at this jurisdiction (notification recipients). */
  activeUserIdsWithRole(role: Role, jurisdictionId: string, manager?: EntityManager): Promise<string[]> {
    return this.users.activeIdsWithRole(role, jurisdictionId, manager);
  }

  /** Active, approved liaisons of an agency (notification recipients). */
  activeLiaisonIds(agencyId: string, manager?: EntityManager): Promise<string[]> {
    return this.users.activeLiaisonIds({ agencyId }, manager);
  }

  /** Active, approved liaisons of the agency a referral is addressed to (the deadlines know the referral, not its agency). */
  activeLiaisonIdsOfReferral(referralId: string, manager?: EntityManager): Promise<string[]> {
    return this.users.activeLiaisonIds({ referralId }, manager);
  }

  /** agencyId: required for a liaison (an agency of the district it is placed at), refused for every other role. */
  private async assertAgency(role: Role, agencyId: string | undefined, place: Jurisdiction): Promise<void> {
    if (role !== Role.AgencyLiaison) {
      if (agencyId !== undefined) throw DomainError.validation('agencyId', 'applies to role agency_liaison only');
      return;
    }
    if (!agencyId) throw DomainError.validation('agencyId', 'is required for role agency_liaison');
    const agency = await this.agencies.findById(agencyId);
    if (!agency || agency.districtId !== place.districtId)
      throw DomainError.validation('agencyId', 'must be an agency of the district given as jurisdictionId');
    if (!agency.active) throw DomainError.validation('agencyId', 'is an agency that is no longer active');
  }

  /** The role's level must match the jurisdiction's, and the jurisdiction must be in the caller's scope. */
  private async assertPlacement(actor: Actor, role: Role, jurisdictionId: string): Promise<Jurisdiction> {
    const ability = defineAbilityFor(actor);
    const scope = rulesToSql(ability, 'read', 'Jurisdiction', JURISDICTION_FIELDS);
    const j = await this.jurisdictions.findWithin(jurisdictionId, scope);
    const placed = j && asSubject('User', { districtId: j.districtId, streetId: j.streetId, communityId: j.communityId });
    if (!j || !ability.can('create', placed as never)) throw OrgErrors.unknownJurisdiction();
    const expected: JurisdictionLevel = ROLE_LEVEL[role];
    if (j.level !== expected) throw OrgErrors.levelMismatch(role, expected);
    return j;
  }
}

/** Who decides pending accounts may also see them; supervisors pick assignees among approved accounts only. */
const approves = (actor: Actor) => actor.role === Role.DistrictStaff || actor.role === Role.Admin;

/** A user event by this actor about this user, for the district's audit trail. */
function eventOf(actor: Actor, userId: string, districtId: string) {
  return (type: EventType, data: Record<string, unknown>): NewUserEvent => ({ userId, districtId, actorId: actor.id, actorRole: actor.role, type, data });
}

/** What a change does, for event data: from → to of role and jurisdiction, and whether a password was set (never the password). */
function changeData(user: User, role: Role, jurisdictionId: string, password: boolean): Record<string, unknown> {
  return {
    ...(role !== user.role ? { role: { from: user.role, to: role } } : {}),
    ...(jurisdictionId !== user.jurisdictionId ? { jurisdictionId: { from: user.jurisdictionId, to: jurisdictionId } } : {}),
    ...(password ? { password: true } : {}),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { driverError?: { code?: string } }).driverError?.code === '23505';
}
