import { ApiProperty } from '@nestjs/swagger';
import { maskName } from '@shouhu/access';
import { ageInYears, CATEGORY_LABELS, CategoryCode, Sex } from '@shouhu/cases';
import { AGENCY_KIND_LABELS, AgencyKind } from '@shouhu/org';
import { REFERRAL_STATUS_LABELS, ReferralStatus } from './domain';
import type { ReferralRow } from './referral.repository';

/** A referral as lists show it: its own fields, the case number, the agency, and the child's masked name (domain.md §9). */
export class ReferralView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ example: 'BA-2026-000123' }) caseNo: string;
  @ApiProperty({ example: '张*明', description: 'masked (domain.md §9)' }) childDisplayName: string;
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ example: '宝安公安分局新安派出所' }) agencyName: string;
  @ApiProperty({ enum: AgencyKind, enumName: 'AgencyKind' }) agencyKind: AgencyKind;
  @ApiProperty({ example: '公安 (派出所/公安分局) police' }) agencyKindLabel: string;
  @ApiProperty({ example: '法律援助 legal aid' }) service: string;
  @ApiProperty({ description: 'the referral’s own note' }) note: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) measureId: string | null;
  @ApiProperty({ enum: ReferralStatus, enumName: 'ReferralStatus' }) status: ReferralStatus;
  @ApiProperty({ example: '已接收 accepted' }) statusLabel: string;
  @ApiProperty({ format: 'date-time', description: 'the agency answers (accepts or declines) by then' }) respondBy: string;
  @ApiProperty({ format: 'date-time', description: 'an accepted referral is done by then' }) dueAt: string;
  @ApiProperty({ description: 'pending past respondBy, or accepted past dueAt' }) overdue: boolean;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) respondedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) respondedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) declineReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) completedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) outcome: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null when the case’s closure revoked it' }) revokedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) revokeReason: string | null;
}

export class ReferralListView {
  @ApiProperty({ type: [ReferralView], description: 'newest first' }) items: ReferralView[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as cursor for the next page; null on the last' }) nextCursor: string | null;
}

/** The child as an agency needs to know it (domain.md §11): name, age and sex, nothing else. */
export class ReferralChildView {
  @ApiProperty({ example: '张小明' }) name: string;
  @ApiProperty({ type: 'integer', example: 9 }) age: number;
  @ApiProperty({ enum: Sex, enumName: 'Sex' }) sex: Sex;
}

export class ReferralCategoryView {
  @ApiProperty({ example: 'V01' }) code: string;
  @ApiProperty({ example: '家庭暴力' }) label: string;
}

/** What a referral shows of its case: the need-to-know view of domain.md §11 and nothing more. */
export class ReferralCaseView {
  @ApiProperty({ example: 'BA-2026-000123' }) caseNo: string;
  @ApiProperty({ type: ReferralChildView }) child: ReferralChildView;
  @ApiProperty({ type: [ReferralCategoryView] }) categories: ReferralCategoryView[];
}

/** GET /api/referrals/:id: the referral and its case's need-to-know view; never the reporter, the narrative or other records. */
export class ReferralDetailView extends ReferralView {
  @ApiProperty({ type: ReferralCaseView }) case: ReferralCaseView;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function referralView(row: ReferralRow, now = new Date()): ReferralView {
  const r = row.referral;
  const overdue =
    (r.status === ReferralStatus.Pending && r.respondBy.getTime() < now.getTime()) ||
    (r.status === ReferralStatus.Accepted && r.dueAt.getTime() < now.getTime());
  return {
    id: r.id,
    caseId: r.caseId,
    caseNo: row.caseNo,
    childDisplayName: maskName(row.child.name),
    agencyId: r.agencyId,
    agencyName: row.agencyName,
    agencyKind: row.agencyKind as AgencyKind,
    agencyKindLabel: AGENCY_KIND_LABELS[row.agencyKind as AgencyKind] ?? row.agencyKind,
    service: r.service,
    note: r.note,
    measureId: r.measureId,
    status: r.status,
    statusLabel: REFERRAL_STATUS_LABELS[r.status],
    respondBy: r.respondBy.toISOString(),
    dueAt: r.dueAt.toISOString(),
    overdue,
    createdBy: r.createdById,
    createdAt: r.createdAt.toISOString(),
    respondedAt: iso(r.respondedAt),
    respondedBy: r.respondedById,
    declineReason: r.declineReason,
    completedAt: iso(r.completedAt),
    completedBy: r.completedById,
    outcome: r.outcome,
    revokedAt: iso(r.revokedAt),
    revokedBy: r.revokedById,
    revokeReason: r.revokeReason,
  };
}

export function referralDetail(row: ReferralRow, now = new Date()): ReferralDetailView {
  return {
    ...referralView(row, now),
    case: {
      caseNo: row.caseNo,
      child: { name: row.child.name, age: ageInYears(row.child.birthDate, now), sex: row.child.sex as Sex },
      categories: row.categories.map((code) => ({ code, label: CATEGORY_LABELS[code as CategoryCode] ?? code })),
    },
  };
}
