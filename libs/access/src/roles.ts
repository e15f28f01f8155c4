/** The roles of domain.md §1. */
export enum Role {
  CommunityDirector = 'community_director',
  StreetSupervisor = 'street_supervisor',
  DistrictStaff = 'district_staff',
  /** 区分管领导: the second stage of escalation reaches it; reads the district's cases and statistics, decides nothing. */
  DistrictLeader = 'district_leader',
  Admin = 'admin',
}

export const ROLES: readonly Role[] = Object.values(Role);

export const ROLE_LABELS: Record<Role, string> = {
  [Role.CommunityDirector]: '社区儿童主任 (community child director)',
  [Role.StreetSupervisor]: '街道儿童督导员 (street supervisor)',
  [Role.DistrictStaff]: '区民政局/未保中心 (district staff)',
  [Role.DistrictLeader]: '区分管领导 (district leader)',
  [Role.Admin]: '系统管理员 (administrator)',
};

export enum JurisdictionLevel {
  District = 'district',
  Street = 'street',
  Community = 'community',
}

/** The jurisdiction level each role's users belong to. */
export const ROLE_LEVEL: Record<Role, JurisdictionLevel> = {
  [Role.CommunityDirector]: JurisdictionLevel.Community,
  [Role.StreetSupervisor]: JurisdictionLevel.Street,
  [Role.DistrictStaff]: JurisdictionLevel.District,
  [Role.DistrictLeader]: JurisdictionLevel.District,
  [Role.Admin]: JurisdictionLevel.District,
};
