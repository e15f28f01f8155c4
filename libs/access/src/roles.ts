/** The roles of domain.md §1. */
export enum Role {
  CommunityDirector = 'community_director',
  StreetSupervisor = 'street_supervisor',
  DistrictStaff = 'district_staff',
  /** 区分管领导: the second stage of escalation reaches it; reads the district's cases and statistics, decides nothing. */
  DistrictLeader = 'district_leader',
  /** 12345-6 热线接报员: files for any community of its district, or unlocated reports; sees only what it filed until accepted. */
  HotlineIntake = 'hotline_intake',
  /** 协同单位联络员: belongs to one agency; sees only the referrals addressed to it, with the minimum of the case. */
  AgencyLiaison = 'agency_liaison',
  Admin = 'admin',
}

export const ROLES: readonly Role[] = Object.values(Role);

export const ROLE_LABELS: Record<Role, string> = {
  [Role.CommunityDirector]: '社区儿童主任 (community child director)',
  [Role.StreetSupervisor]: '街道儿童督导员 (street supervisor)',
  [Role.DistrictStaff]: '区民政局/未保中心 (district staff)',
  [Role.DistrictLeader]: '区分管领导 (district leader)',
  [Role.HotlineIntake]: '12345-6 热线接报员 (hotline intake)',
  [Role.AgencyLiaison]: '协同单位联络员 (agency liaison)',
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
  [Role.HotlineIntake]: JurisdictionLevel.District,
  [Role.AgencyLiaison]: JurisdictionLevel.District,
  [Role.Admin]: JurisdictionLevel.District,
};
