import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { FieldMap, Role } from '@shouhu/access';
import type { SqlCondition } from '@shouhu/database';
import type { EventType } from '@shouhu/timeline';
import { ActorCache } from './actor-cache';
import { Jurisdiction } from './entities/jurisdiction.entity';
import { RevokedToken } from './entities/revoked-token.entity';
import { UserEvent } from './entities/user-event.entity';
import { User, UserStatus } from './entities/user.entity';

/** Rule fields of the User subject → columns (user `u`, their jurisdiction `j`). */
export const USER_FIELDS: FieldMap = {
  id: 'u.id',
  role: 'u.role',
  districtId: 'j.district_id',
  streetId: 'j.street_id',
  communityId: 'j.community_id',
};

export interface UserFilter {
  jurisdictionId?: string;
  role?: Role;
  active?: boolean;
  /** pending_approval: awaiting a district decision, a new account or a pending change alike. */
  status?: UserStatus;
  /** Only approved accounts (callers who pick assignees, not approvers). */
  approvedOnly?: boolean;
}

export type UserWithHash = User & { passwordHash: string };

/** A user event to append: its type is one of the audit trail's (user.*). */
export type NewUserEvent = Omit<UserEvent, 'id' | 'at' | 'type'> & { type: EventType };

@Injectable()
export class UserRepository {
  constructor(
    @InjectRepository(User) private readonly repo: Repository<User>,
    private readonly cache: ActorCache,
  ) {}

  /** With the pending jurisdiction, and the pending password hash so the view can say one waits (it never shows it). */
  private scoped(scope: SqlCondition, manager?: EntityManager) {
    return (manager ?? this.repo.manager)
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.pendingPasswordHash')
      .innerJoinAndSelect('u.jurisdiction', 'j')
      .leftJoinAndSelect('u.pendingJurisdiction', 'pj')
      .where(scope.sql, scope.params);
  }

  list(scope: SqlCondition, filter: UserFilter, limit: number): Promise<User[]> {
    const q = this.scoped(scope);
    if (filter.jurisdictionId) q.andWhere('u.jurisdiction_id = :jid', { jid: filter.jurisdictionId });
    if (filter.role) q.andWhere('u.role = :role', { role: filter.role });
    if (filter.active !== undefined) q.andWhere('u.active = :active', { active: filter.active });
    if (filter.status === UserStatus.PendingApproval) q.andWhere('u.approval_requested_at IS NOT NULL');
    else if (filter.status) q.andWhere('u.status = :status', { status: filter.status });
    if (filter.approvedOnly) q.andWhere('u.status = :approved', { approved: UserStatus.Active });
    return q.orderBy('j.code', 'ASC').addOrderBy('u.username', 'ASC').limit(limit).getMany();
  }

  findWithin(id: string, scope: SqlCondition, options: { approvedOnly?: boolean } = {}): Promise<User | null> {
    const q = this.scoped(scope).andWhere('u.id = :id', { id });
    if (options.approvedOnly) q.andWhere('u.status = :approved', { approved: UserStatus.Active });
    return q.getOne();
  }

  /** The user row locked for this transaction (FOR UPDATE), with its password hashes, when in scope. */
  lockWithin(id: string, scope: SqlCondition, manager: EntityManager): Promise<UserWithHash | null> {
    return this.scoped(scope, manager).addSelect('u.passwordHash').andWhere('u.id = :id', { id }).setLock('pessimistic_write', undefined, ['u']).getOne();
  }

  async updateIn(manager: EntityManager, id: string, changes: Partial<UserWithHash>): Promise<void> {
    // This process forgets the user now; every replica (this one included) again at commit (the trigger's notification).
    this.cache.forgetUser(id);
    await manager.getRepository(User).update({ id }, changes);
  }

  async appendEvents(manager: EntityManager, events: NewUserEvent[]): Promise<void> {
    if (events.length > 0) await manager.getRepository(UserEvent).insert(events as never);
  }

  /** Refuses this token from now on; prunes revocations of tokens that have expired anyway. */
  async revokeToken(jti: string, userId: string, expiresAt: Date): Promise<void> {
    this.cache.forgetToken(jti);
    await this.repo.manager.transaction(async (manager) => {
      await manager.createQueryBuilder().insert().into(RevokedToken).values({ jti, userId, expiresAt }).orIgnore().execute();
      await manager.createQueryBuilder().delete().from(RevokedToken).where('expires_at < now()').execute();
    });
  }

  /** For login: the user with the password hash, whatever its state. */
  findForLogin(username: string): Promise<UserWithHash | null> {
    return this.repo
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .innerJoinAndSelect('u.jurisdiction', 'j')
      .where('u.username = :username', { username })
      .getOne();
  }

  /**
   * For the request guard: the active, approved user behind a token that was not
   * signed out, with its jurisdiction. On every request: one round trip, no ORM hydration.
   */
  async findActive(id: string, jti: string): Promise<User | null> {
    const rows: Record<string, unknown>[] = await this.repo.query(
      `SELECT u.id, u.username, u.display_name, u.role, u.jurisdiction_id, u.agency_id, u.credentials_changed_at, u.active, u.status, u.last_login_at, u.created_at, u.updated_at,
              j.code, j.name, j.level, j.parent_id, j.district_id, j.street_id, j.community_id, j.path, j.case_prefix, j.created_at AS j_created_at
         FROM "user" u JOIN jurisdiction j ON j.id = u.jurisdiction_id
        WHERE u.id = $1 AND u.active AND u.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM revoked_token r WHERE r.jti = $2)`,
      [id, jti],
    );
    if (rows.length === 0) return null;
    const r = rows[0];
    const jurisdiction = Object.assign(new Jurisdiction(), {
      id: r.jurisdiction_id,
      code: r.code,
      name: r.name,
      level: r.level,
      parentId: r.parent_id,
      districtId: r.district_id,
      streetId: r.street_id,
      communityId: r.community_id,
      path: r.path,
      casePrefix: r.case_prefix,
      createdAt: r.j_created_at,
    });
    return Object.assign(new User(), {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      jurisdictionId: r.jurisdiction_id,
      agencyId: r.agency_id,
      jurisdiction,
      credentialsChangedAt: r.credentials_changed_at,
      active: r.active,
      status: r.status,
      pendingRole: null,
      pendingJurisdictionId: null,
      approvalRequestedBy: null,
      approvalRequestedAt: null,
      lastLoginAt: r.last_login_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    });
  }

  /** An active, approved user with its jurisdiction (alias j), when that lies inside the condition. */
  activeApprovedWithin(id: string, scope: SqlCondition, manager: EntityManager = this.repo.manager): Promise<User | null> {
    return (
      manager
        .getRepository(User)
        .createQueryBuilder('u')
        .innerJoinAndSelect('u.jurisdiction', 'j')
        .where('u.id = :id', { id })
        .andWhere('u.active')
        // An account still waiting for district approval may not be given work.
        .andWhere('u.status = :approved', { approved: UserStatus.Active })
        .andWhere(scope.sql, scope.params)
        .getOne()
    );
  }

  async activeIdsWithRole(role: Role, jurisdictionId: string, manager?: EntityManager): Promise<string[]> {
    const rows = await (manager ?? this.repo.manager)
      .getRepository(User)
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .where('u.role = :role AND u.jurisdiction_id = :jurisdictionId AND u.active AND u.status = :approved', {
        role,
        jurisdictionId,
        approved: UserStatus.Active,
      })
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /**
   * Active, approved liaisons of an agency, or of the agency a referral is addressed to
   * (the referrals library's table, read here by SQL: the deadlines know only the referral).
   */
  async activeLiaisonIds(of: { agencyId: string } | { referralId: string }, manager?: EntityManager): Promise<string[]> {
    const agency = 'agencyId' in of ? '$1' : '(SELECT r.agency_id FROM referral r WHERE r.id = $1)';
    const rows: { id: string }[] = await (manager ?? this.repo.manager).query(
      `SELECT u.id FROM "user" u WHERE u.role = 'agency_liaison' AND u.active AND u.status = 'active' AND u.agency_id = ${agency}`,
      ['agencyId' in of ? of.agencyId : of.referralId],
    );
    return rows.map((r) => r.id);
  }

  existsByUsername(username: string): Promise<boolean> {
    return this.repo.existsBy({ username });
  }

  async insert(user: Partial<UserWithHash>, manager?: EntityManager): Promise<string> {
    const result = await (manager ?? this.repo.manager).getRepository(User).insert(user);
    return result.identifiers[0].id as string;
  }

  async recordLogin(id: string): Promise<void> {
    await this.repo.update({ id }, { lastLoginAt: () => 'now()' });
  }

  /** Demo seeding: the usernames among these that already exist, with their hashes. */
  findByUsernames(usernames: string[], manager: EntityManager): Promise<UserWithHash[]> {
    return manager.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.username IN (:...usernames)', { usernames }).getMany();
  }

  async setPasswordHash(usernames: string[], passwordHash: string, manager: EntityManager): Promise<void> {
    this.cache.forgetAll();
    await manager
      .getRepository(User)
      .createQueryBuilder()
      .update()
      .set({ passwordHash, credentialsChangedAt: () => 'now()' })
      .where('username IN (:...usernames)', { usernames })
      .execute();
  }
}
