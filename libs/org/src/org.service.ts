import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, asSubject, defineAbilityFor, JurisdictionLevel, Role, ROLE_LABELS, ROLE_LEVEL, rulesToSql } from '@shouhu/access';
import { JurisdictionNodeView, JurisdictionRefView, UserView } from './dto/user.dto';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto } from './dto/user.dto';
import { Jurisdiction } from './entities/jurisdiction.entity';
import { User } from './entities/user.entity';
import { JURISDICTION_FIELDS, JurisdictionRepository } from './jurisdiction.repository';
import { OrgErrors } from './org.errors';
import { decoyHash, hashPassword, verifyPassword } from './password';
import { USER_FIELDS, UserRepository } from './user.repository';

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
    active: u.active,
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
    const rows = await this.users.list(scope, query, USER_LIST_LIMIT);
    return rows.map(userView);
  }

  async getUser(actor: Actor, id: string): Promise<UserView> {
    const scope = rulesToSql(defineAbilityFor(actor), 'read', 'User', USER_FIELDS);
    const user = await this.users.findWithin(id, scope);
    if (!user) throw OrgErrors.userNotFound();
    return userView(user);
  }

  async createUser(actor: Actor, dto: CreateUserDto): Promise<UserView> {
    await this.assertPlacement(actor, dto.role, dto.jurisdictionId);
    if (await this.users.existsByUsername(dto.username)) throw OrgErrors.usernameTaken();
    let id: string;
    try {
      id = await this.users.insert({
        username: dto.username,
        displayName: dto.displayName,
        role: dto.role,
        jurisdictionId: dto.jurisdictionId,
        passwordHash: await hashPassword(dto.password),
        active: dto.active ?? true,
      });
    } catch (error) {
      // Two admins creating the same username at once: the unique index decides.
      if (isUniqueViolation(error)) throw OrgErrors.usernameTaken();
      throw error;
    }
    return this.getUser(actor, id);
  }

  async updateUser(actor: Actor, id: string, dto: UpdateUserDto): Promise<UserView> {
    const scope = rulesToSql(defineAbilityFor(actor), 'update', 'User', USER_FIELDS);
    const user = await this.users.findWithin(id, scope);
    if (!user) throw OrgErrors.userNotFound();
    if (user.id === actor.id) {
      if (dto.active === false) throw OrgErrors.selfLockout('active');
      if (dto.role !== undefined && dto.role !== user.role) throw OrgErrors.selfLockout('role');
      if (dto.jurisdictionId !== undefined && dto.jurisdictionId !== user.jurisdictionId) throw OrgErrors.selfLockout('jurisdictionId');
    }
    const role = dto.role ?? user.role;
    const jurisdictionId = dto.jurisdictionId ?? user.jurisdictionId;
    if (dto.role !== undefined || dto.jurisdictionId !== undefined) await this.assertPlacement(actor, role, jurisdictionId);

    const changes: Partial<User & { passwordHash: string }> = {};
    if (dto.displayName !== undefined) changes.displayName = dto.displayName;
    if (dto.role !== undefined) changes.role = dto.role;
    if (dto.jurisdictionId !== undefined) changes.jurisdictionId = dto.jurisdictionId;
    if (dto.active !== undefined) changes.active = dto.active;
    if (dto.password !== undefined) changes.passwordHash = await hashPassword(dto.password);
    // Any change to who the user is or what they may do ends their sessions (a form that
    // resends the current role and jurisdiction changes nothing).
    if (dto.password !== undefined || dto.active === false || role !== user.role || jurisdictionId !== user.jurisdictionId) {
      changes.credentialsChangedAt = new Date();
    }
    if (Object.keys(changes).length > 0) await this.users.update(id, changes);
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
    if (!ok || !user.active) return null;
    await this.users.recordLogin(user.id);
    return user;
  }

  /** The actor behind a token, or null when the user is gone, inactive or its credentials changed after `issuedAt`. */
  async actorForToken(userId: string, issuedAtSeconds: number): Promise<{ actor: Actor; user: User } | null> {
    const user = await this.users.findActive(userId);
    if (!user) return null;
    if (user.credentialsChangedAt.getTime() > issuedAtSeconds * 1000) return null;
    return { actor: toActor(user), user };
  }

  /** The actor of an active user by username (seeding, tools). */
  async actorByUsername(username: string): Promise<Actor | null> {
    const user = await this.users.findForLogin(username);
    return user && user.active ? toActor(user) : null;
  }

  /** Active users with this role placed exactly at this jurisdiction (notification recipients). */
  activeUserIdsWithRole(role: Role, jurisdictionId: string, manager?: EntityManager): Promise<string[]> {
    return this.users.activeIdsWithRole(role, jurisdictionId, manager);
  }

  /** The role's level must match the jurisdiction's, and the jurisdiction must be in the caller's scope. */
  private async assertPlacement(actor: Actor, role: Role, jurisdictionId: string): Promise<void> {
    const ability = defineAbilityFor(actor);
    const scope = rulesToSql(ability, 'read', 'Jurisdiction', JURISDICTION_FIELDS);
    const j = await this.jurisdictions.findWithin(jurisdictionId, scope);
    const placed = j && asSubject('User', { districtId: j.districtId, streetId: j.streetId, communityId: j.communityId });
    if (!j || !ability.can('create', placed as never)) throw OrgErrors.unknownJurisdiction();
    const expected: JurisdictionLevel = ROLE_LEVEL[role];
    if (j.level !== expected) throw OrgErrors.levelMismatch(role, expected);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { driverError?: { code?: string } }).driverError?.code === '23505';
}
