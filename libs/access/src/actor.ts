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
}
