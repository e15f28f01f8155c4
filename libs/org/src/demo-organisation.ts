import { Role } from '@shouhu/access';
import { AgencyKind } from './entities/agency.entity';

/**
 * The demo organisation: 宝安区 (Bao'an district, Shenzhen) with its ten streets
 * and three communities each. People are fictitious; usernames are stable so
 * seeding is idempotent and the README can list them.
 */
export const DEMO_DISTRICT = { code: '440306', name: '宝安区', casePrefix: 'BA' };

export const DEMO_STREETS: { key: string; name: string; communities: string[] }[] = [
  { key: 'xa', name: '新安街道', communities: ['海旺社区', '灵芝园社区', '上川社区'] },
  { key: 'xx', name: '西乡街道', communities: ['固戍社区', '盐田社区', '臣田社区'] },
  { key: 'hc', name: '航城街道', communities: ['黄田社区', '钟屋社区', '三围社区'] },
  { key: 'fy', name: '福永街道', communities: ['福永社区', '白石厦社区', '凤凰社区'] },
  { key: 'fh', name: '福海街道', communities: ['桥头社区', '新田社区', '塘尾社区'] },
  { key: 'sj', name: '沙井街道', communities: ['沙井社区', '沙头社区', '后亭社区'] },
  { key: 'xq', name: '新桥街道', communities: ['新桥社区', '上星社区', '黄埔社区'] },
  { key: 'sg', name: '松岗街道', communities: ['松岗社区', '东方社区', '潭头社区'] },
  { key: 'yl', name: '燕罗街道', communities: ['燕川社区', '罗田社区', '塘下涌社区'] },
  { key: 'sy', name: '石岩街道', communities: ['石岩社区', '官田社区', '浪心社区'] },
];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const GIVEN = ['晓红', '建国', '丽娟', '志强', '秀英', '海燕', '伟', '芳', '静', '磊', '敏', '军', '霞', '洋', '婷'];

/** A deterministic fictitious name for the n-th demo person. */
export function demoPersonName(n: number): string {
  return SURNAMES[n % SURNAMES.length] + GIVEN[(n * 7) % GIVEN.length];
}

export interface DemoUserSpec {
  username: string;
  displayName: string;
  role: Role;
  /** Code of the jurisdiction the user belongs to. */
  jurisdictionCode: string;
  /** An agency liaison's agency (by its name in DEMO_AGENCIES). */
  agencyName?: string;
}

/** The demo district's agencies (协同单位, domain.md §11), each with one demo liaison. */
export const DEMO_AGENCIES: { kind: AgencyKind; name: string; liaison: string }[] = [
  { kind: AgencyKind.Police, name: '宝安公安分局新安派出所', liaison: 'liaison-police' },
  { kind: AgencyKind.Education, name: '宝安区新安中学', liaison: 'liaison-school' },
  { kind: AgencyKind.Health, name: '宝安区人民医院', liaison: 'liaison-hospital' },
  { kind: AgencyKind.Court, name: '宝安区人民法院', liaison: 'liaison-court' },
  { kind: AgencyKind.WomensFederation, name: '宝安区妇女联合会', liaison: 'liaison-fulian' },
];

export const streetCode = (key: string) => `${DEMO_DISTRICT.code}-${key.toUpperCase()}`;
export const communityCode = (key: string, i: number) => `${streetCode(key)}-${String(i + 1).padStart(2, '0')}`;

export function demoUsers(): DemoUserSpec[] {
  let n = 0;
  const users: DemoUserSpec[] = [
    { username: 'admin', displayName: `系统管理员 ${demoPersonName(n++)}`, role: Role.Admin, jurisdictionCode: DEMO_DISTRICT.code },
    { username: 'district1', displayName: `区民政局 ${demoPersonName(n++)}`, role: Role.DistrictStaff, jurisdictionCode: DEMO_DISTRICT.code },
    { username: 'district2', displayName: `区未保中心 ${demoPersonName(n++)}`, role: Role.DistrictStaff, jurisdictionCode: DEMO_DISTRICT.code },
  ];
  for (const street of DEMO_STREETS) {
    users.push({
      username: `sup-${street.key}`,
      displayName: `${street.name}督导员 ${demoPersonName(n++)}`,
      role: Role.StreetSupervisor,
      jurisdictionCode: streetCode(street.key),
    });
    street.communities.forEach((community, i) => {
      users.push({
        username: `dir-${street.key}-${String(i + 1).padStart(2, '0')}`,
        displayName: `${community}儿童主任 ${demoPersonName(n++)}`,
        role: Role.CommunityDirector,
        jurisdictionCode: communityCode(street.key, i),
      });
    });
  }
  // Last, so the names of the people above stay what they were.
  users.push({ username: 'leader', displayName: `区分管领导 ${demoPersonName(n++)}`, role: Role.DistrictLeader, jurisdictionCode: DEMO_DISTRICT.code });
  users.push({ username: 'hotline', displayName: `12345-6 热线 ${demoPersonName(n++)}`, role: Role.HotlineIntake, jurisdictionCode: DEMO_DISTRICT.code });
  for (const agency of DEMO_AGENCIES) {
    users.push({
      username: agency.liaison,
      displayName: `${agency.name}联络员 ${demoPersonName(n++)}`,
      role: Role.AgencyLiaison,
      jurisdictionCode: DEMO_DISTRICT.code,
      agencyName: agency.name,
    });
  }
  return users;
}
