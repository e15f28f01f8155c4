import { randomUUID } from 'node:crypto';
import * as argon2 from 'argon2';
import { DataSource } from 'typeorm';
import { JurisdictionLevel, Role } from '@shouhu/access';
import { AppConfig } from '@shouhu/config';
import { dataSourceOptions } from '@shouhu/database';
import { Agency, AgencyKind, Jurisdiction, User } from '@shouhu/org';
import { unique } from './factories';

/** A DataSource on the test database (already migrated by npm test), for set-up the API cannot do. */
export async function openDataSource(config: AppConfig, entities: DataSourceEntities = [Jurisdiction, User, Agency]): Promise<DataSource> {
  const ds = new DataSource({ ...dataSourceOptions(config, 'shouhu-test'), entities, extra: { max: 2 } });
  await ds.initialize();
  return ds;
}
type DataSourceEntities = NonNullable<ConstructorParameters<typeof DataSource>[0]['entities']>;

export interface OtherDistrict {
  district: Jurisdiction;
  street: Jurisdiction;
  community: Jurisdiction;
  /** One user per role, all with `password`. */
  users: Record<Role, User>;
  /** The agency its agency_liaison belongs to. */
  agency: Agency;
  password: string;
  remove(): Promise<void>;
}

/**
 * A second district tree (district → street → community) with one user of each
 * role, written straight to the database: nothing in the API creates districts.
 */
export async function createOtherDistrict(ds: DataSource): Promise<OtherDistrict> {
  const code = unique('T').toUpperCase().slice(0, 12);
  const name = `${code}区`;
  const districtId = randomUUID();
  const streetId = randomUUID();
  const communityId = randomUUID();
  const jurisdictions = ds.getRepository(Jurisdiction);
  const district = jurisdictions.create({
    id: districtId,
    code,
    name,
    level: JurisdictionLevel.District,
    parentId: null,
    districtId,
    streetId: null,
    communityId: null,
    path: name,
  });
  const street = jurisdictions.create({
    id: streetId,
    code: `${code}-S`,
    name: '测试街道',
    level: JurisdictionLevel.Street,
    parentId: districtId,
    districtId,
    streetId,
    communityId: null,
    path: `${name} / 测试街道`,
  });
  const community = jurisdictions.create({
    id: communityId,
    code: `${code}-S-01`,
    name: '测试社区',
    level: JurisdictionLevel.Community,
    parentId: streetId,
    districtId,
    streetId,
    communityId,
    path: `${name} / 测试街道 / 测试社区`,
  });
  await jurisdictions.save([district, street, community]);

  // Its liaison needs an agency of the district (user_agency_liaison_check).
  const agency = await ds
    .getRepository(Agency)
    .save(ds.getRepository(Agency).create({ kind: AgencyKind.Police, name: `${name}派出所`, districtId, active: true }));

  const password = `other-${randomUUID()}`;
  const passwordHash = await argon2.hash(password, { type: argon2.argon2id });
  const place: Record<Role, Jurisdiction> = {
    [Role.Admin]: district,
    [Role.DistrictStaff]: district,
    [Role.DistrictLeader]: district,
    [Role.HotlineIntake]: district,
    [Role.AgencyLiaison]: district,
    [Role.StreetSupervisor]: street,
    [Role.CommunityDirector]: community,
  };
  const users = {} as Record<Role, User>;
  for (const role of Object.values(Role)) {
    const username = unique(`other-${role.split('_')[0]}`);
    const { identifiers } = await ds.getRepository(User).insert({
      username,
      displayName: `外区 ${role}`,
      role,
      jurisdictionId: place[role].id,
      agencyId: role === Role.AgencyLiaison ? agency.id : null,
      passwordHash,
      active: true,
    });
    users[role] = await ds.getRepository(User).findOneByOrFail({ id: identifiers[0].id as string });
  }

  return {
    district,
    street,
    community,
    users,
    agency,
    password,
    async remove() {
      // Tests may have added users under this district; remove them all, then the tree bottom-up.
      await ds.query(`DELETE FROM "user" WHERE jurisdiction_id IN (SELECT id FROM jurisdiction WHERE district_id = $1)`, [districtId]);
      await ds.query(`DELETE FROM agency WHERE district_id = $1`, [districtId]);
      await ds.query(`DELETE FROM jurisdiction WHERE level = 'community' AND district_id = $1`, [districtId]);
      await ds.query(`DELETE FROM jurisdiction WHERE level = 'street' AND district_id = $1`, [districtId]);
      await ds.query(`DELETE FROM jurisdiction WHERE id = $1`, [districtId]);
    },
  };
}
