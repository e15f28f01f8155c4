import { JurisdictionLevel, Role } from './roles';

/**
 * The authenticated caller as access rules see it: who, in which role, and where
 * in the district → street → community tree. Ancestor ids are null above the level.
 */
export interface Actor {
  id: string;
  username: string;
  role: Role;
  jurisdictionId: string;
  level: JurisdictionLevel;
  districtId: string;
  streetId: string | null;
  communityId: string | null;
  /**
   * The agency of an agency_liaison (its jurisdiction is the agency's district); null for
   * every other role. Always set where the actor is built (toActor); optional in the type
   * only so that actors written out by hand in tests of other roles need not name it.
   */
  agencyId?: string | null;
}
