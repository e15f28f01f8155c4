import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Role } from '@shouhu/access';
import { OrgService, User } from '@shouhu/org';
import { CaseErrors } from './cases.errors';
import type { Case } from './entities/case.entity';

/** Who may work on a case: the rule for assignees and measure owners, asked of the org domain. */
@Injectable()
export class CaseStaff {
  constructor(private readonly org: OrgService) {}

  /** A user who may work on this case: active, in the case's street (directors of its community), not admin; else 400 naming `field`. */
  async assignable(manager: EntityManager, c: Case, userId: string, field: string): Promise<User> {
    // An unlocated case (no street yet) has nobody to work on it until district staff route it.
    const user = c.streetId ? await this.org.activeUser(userId, { streetId: c.streetId, districtId: c.districtId }, manager) : null;
    const fits =
      user &&
      ((user.role === Role.CommunityDirector && user.jurisdiction?.id === c.communityId) ||
        user.role === Role.StreetSupervisor ||
        user.role === Role.DistrictStaff);
    if (!user || !fits) throw CaseErrors.invalid(field, 'must be an active director of the case’s community, its street supervisor or district staff');
    return user;
  }

  /** Whether the assignee still works on the case once it moves to this community. */
  async stillFits(manager: EntityManager, userId: string, streetId: string, communityId: string): Promise<boolean> {
    const u = await this.org.activeUser(userId, undefined, manager);
    if (!u?.jurisdiction) return false;
    if (u.role === Role.DistrictStaff) return true;
    if (u.role === Role.StreetSupervisor) return u.jurisdiction.id === streetId;
    return u.jurisdiction.id === communityId;
  }
}
