import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '@shouhu/database';
import { MaxChars } from '@shouhu/errors';
import {
  CATEGORY_CODES,
  FEEDBACK_CHANNELS,
  FeedbackChannel,
  GUARDIAN_RELATIONS,
  GuardianRelation,
  MEASURE_TYPES,
  MeasureStatus,
  MeasureType,
  PLACEMENT_DECISIONS,
  PlacementDecision,
  REPORTER_TYPES,
  ReporterType,
  RISK_LEVELS,
  RiskLevel,
  Sex,
  VISIT_KINDS,
  VisitKind,
} from '../domain';
import { IsChildBirthDate, IsDateTime, IsNationalId, IsPastDateTime, oneOf, trim } from './validators';

export class ChildInput {
  @ApiProperty({ example: '张小明' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(50)
  name: string;

  @ApiProperty({ enum: Sex })
  @IsIn(Object.values(Sex), oneOf(Object.values(Sex)))
  sex: Sex;

  @ApiProperty({ example: '2015-04-02', description: 'not in the future; the child is under 18' })
  @IsChildBirthDate()
  birthDate: string;

  @ApiPropertyOptional({ description: '18-character national ID number; stored encrypted, never listed' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @Matches(/^\d{17}[\dX]$/, { message: 'must be an 18-character national ID number' })
  idNumber?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(200)
  address?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(100)
  school?: string;
}

export class ReportInput {
  @ApiProperty({ enum: ReporterType })
  @IsIn(REPORTER_TYPES, oneOf(REPORTER_TYPES))
  reporterType: ReporterType;

  @ApiPropertyOptional({ description: 'confidential; not stored when anonymous' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(50)
  reporterName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(100)
  reporterOrg?: string;

  @ApiPropertyOptional({ example: '13800138000' })
  @IsOptional()
  @Matches(/^\+?[0-9][0-9 -]{4,28}$/, { message: 'must be a phone number' })
  reporterPhone?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;

  @ApiProperty({ example: '2026-11-23T09:30:00+08:00', description: 'not in the future' })
  @IsPastDateTime()
  discoveredAt: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(200)
  location?: string;

  @ApiPropertyOptional({ description: 'required to submit' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(5000)
  narrative?: string;
}

/**
 * The report of a filing (POST /api/cases): the hotline may leave the reporter type out
 * (its filings are `hotline` unless it says otherwise); everyone else states it. An
 * unlocated filing (communityId null) needs `location`.
 */
export class FilingReportInput extends ReportInput {
  @ApiPropertyOptional({ enum: ReporterType, description: 'required; a hotline_intake filing without it is `hotline`' })
  @IsOptional()
  declare reporterType: ReporterType;

  @ApiPropertyOptional({
    description: 'where it happened, as told (a short free-text place); required when communityId is null. Kept like an address: never logged',
  })
  declare location?: string;
}

export class PoliceInput {
  @ApiPropertyOptional({ description: 'when police were told; not in the future' })
  @IsOptional()
  @IsPastDateTime()
  reportedAt?: string;

  @ApiPropertyOptional({ description: '接报回执号 receipt number' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(64)
  receiptNo?: string;

  @ApiPropertyOptional({ description: 'why police were not told, when they had to be' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(1000)
  notReportedReason?: string;
}

export class CreateCaseDto {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'the community the case belongs to; null (hotline_intake only) files an unlocated report that district staff route with `transfer` (report.location is then required)',
  })
  // null is a value of its own (unlocated); a missing or malformed id is a 400 like any other field.
  @ValidateIf((o: { communityId?: unknown }) => o.communityId !== null)
  @IsUUID('all')
  communityId: string | null;

  @ApiProperty({ type: ChildInput })
  @IsObject()
  @ValidateNested()
  @Type(() => ChildInput)
  child: ChildInput;

  @ApiProperty({ example: ['V01', 'N02'], description: 'codes of domain.md §3' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(CATEGORY_CODES, { each: true, message: 'each must be a category code (V01–V10, N01–N06, D01–D09)' })
  categories: string[];

  @ApiPropertyOptional({ type: 'integer', isArray: true, minimum: 1, maximum: 9, example: [4], description: '强制报告意见 Art.4 items 1–9' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(9)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(9, { each: true })
  mandatoryItems?: number[];

  @ApiProperty({
    enum: RiskLevel,
    description:
      'the reporter’s estimate; the supervisor confirms it. Not below the risk floor (domain.md §4): mandatory items 1–3, 5, 7, N02 or needsEmergencyPlacement → R1; items 4, 6, 8, 9, V01–V03, N03 → R2 (422 RISK_BELOW_FLOOR)',
  })
  @IsIn(RISK_LEVELS, oneOf(RISK_LEVELS))
  riskLevel: RiskLevel;

  @ApiPropertyOptional({ description: 'the child needs emergency placement (未成年人保护法 Art.92(6)): sets the risk floor to R1; default false' })
  @IsOptional()
  @IsBoolean()
  needsEmergencyPlacement?: boolean;

  @ApiProperty({ type: FilingReportInput })
  @IsObject()
  @ValidateNested()
  @Type(() => FilingReportInput)
  report: FilingReportInput;

  @ApiPropertyOptional({ type: PoliceInput })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PoliceInput)
  police?: PoliceInput;

  @ApiPropertyOptional({ default: true, description: 'false keeps it as a draft' })
  @IsOptional()
  @IsBoolean()
  submit?: boolean;
}

export class ClosureChecklistInput {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() riskLowOnTwoVisits?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() safeCareArranged?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() measuresDone?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() policeOutcomeRecorded?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() reporterInformed?: boolean;
}

const longText = (max: number) => [Transform(trim), IsString(), IsNotEmpty(), MaxChars(max)];
function LongText(max: number): PropertyDecorator {
  return (target, key) => longText(max).forEach((d) => d(target, key));
}

export class AssessmentDto {
  @ApiProperty({ description: '安全状况 safety' }) @LongText(5000) safety: string;
  @ApiProperty({ description: '监护状况 guardianship' }) @LongText(5000) guardianship: string;
  @ApiProperty({ description: '身心状况 physical and mental state' }) @LongText(5000) wellbeing: string;
  @ApiProperty({ enum: RiskLevel }) @IsIn(RISK_LEVELS, oneOf(RISK_LEVELS)) riskLevel: RiskLevel;
  @ApiProperty() @LongText(5000) summary: string;

  @ApiPropertyOptional({
    enum: PlacementDecision,
    description: 'after temporary guardianship: return to the guardian (after this assessment, Art.93) or long-term placement',
  })
  @IsOptional()
  @IsIn(PLACEMENT_DECISIONS, oneOf(PLACEMENT_DECISIONS))
  placement?: PlacementDecision;
}

export class MeasureDto {
  @ApiProperty({ enum: MeasureType })
  @IsIn(MEASURE_TYPES, oneOf(MEASURE_TYPES))
  type: MeasureType;

  @ApiPropertyOptional({ format: 'uuid', description: 'a user in the case’s scope' })
  @IsOptional()
  @IsUUID('all')
  ownerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(100)
  agency?: string;

  @ApiProperty({ example: '2026-11-30T17:00:00+08:00' })
  @IsDateTime()
  dueAt: string;

  @ApiPropertyOptional({ description: 'protection_order only: an urgent application, to be decided within 24 h instead of 72 h; default false' })
  @IsOptional()
  @IsBoolean()
  urgent?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(2000)
  note?: string;
}

export class UpdateMeasureDto {
  @ApiProperty({ enum: [MeasureStatus.Done, MeasureStatus.Cancelled] })
  @IsIn([MeasureStatus.Done, MeasureStatus.Cancelled], oneOf([MeasureStatus.Done, MeasureStatus.Cancelled]))
  status: MeasureStatus.Done | MeasureStatus.Cancelled;

  @ApiProperty()
  @LongText(2000)
  outcome: string;
}

export class VisitDto {
  @ApiPropertyOptional({ enum: VisitKind, description: 'default: verification while assessing, routine otherwise' })
  @IsOptional()
  @IsIn(VISIT_KINDS, oneOf(VISIT_KINDS))
  kind?: VisitKind;

  @ApiProperty({ description: 'not in the future' })
  @IsPastDateTime()
  visitedAt: string;

  @ApiProperty({ enum: RiskLevel, description: 'risk seen on this visit' })
  @IsIn(RISK_LEVELS, oneOf(RISK_LEVELS))
  riskLevel: RiskLevel;

  @ApiProperty()
  @LongText(2000)
  outcome: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxChars(5000)
  notes?: string;
}

export class OutcomeFeedbackDto {
  @ApiProperty({ enum: FeedbackChannel })
  @IsIn(FEEDBACK_CHANNELS, oneOf(FEEDBACK_CHANNELS))
  channel: FeedbackChannel;

  @ApiProperty({ description: 'when the reporting unit was told; not in the future' })
  @IsPastDateTime()
  at: string;

  @ApiProperty({ description: 'what they were told' })
  @LongText(2000)
  summary: string;
}

export class NoteDto {
  @ApiProperty()
  @LongText(5000)
  text: string;
}

export class AddReportDto extends ReportInput {
  @ApiPropertyOptional({ description: 'categories this report adds' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(CATEGORY_CODES, { each: true, message: 'each must be a category code (V01–V10, N01–N06, D01–D09)' })
  categories?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(9)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(9, { each: true })
  mandatoryItems?: number[];

  @ApiPropertyOptional({ enum: RiskLevel })
  @IsOptional()
  @IsIn(RISK_LEVELS, oneOf(RISK_LEVELS))
  riskEstimate?: RiskLevel;

  @ApiPropertyOptional({ description: 'the child needs emergency placement: raises the risk floor to R1' })
  @IsOptional()
  @IsBoolean()
  needsEmergencyPlacement?: boolean;
}

export class PoliceDto {
  @ApiPropertyOptional() @IsOptional() @IsPastDateTime() reportedAt?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxChars(64) receiptNo?: string;
  @ApiPropertyOptional({ description: '公安反馈 when police reported progress' }) @IsOptional() @IsPastDateTime() feedbackAt?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxChars(2000) feedback?: string;
}

const upperTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);
const RELATION_DESCRIPTION =
  'father 父亲 · mother 母亲 · grandparent 祖父母/外祖父母 · sibling 兄弟姐妹 · other_relative 其他亲属 · foster 寄养/委托照护人 · institution 机构 · other 其他';

/** 监护人/家庭成员 (domain.md §13). Their identity follows the child's rules: detail only, every read logged. */
export class GuardianDto {
  @ApiProperty({ example: '张大强' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(50)
  name: string;

  @ApiProperty({ enum: GuardianRelation, enumName: 'GuardianRelation', description: RELATION_DESCRIPTION })
  @IsIn(GUARDIAN_RELATIONS, oneOf(GUARDIAN_RELATIONS))
  relation: GuardianRelation;

  @ApiPropertyOptional({ type: String, nullable: true, example: '13800138000' })
  @IsOptional()
  @Matches(/^\+?[0-9][0-9 -]{4,28}$/, { message: 'must be a phone number' })
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: '18-character national ID number (check digit verified); stored encrypted, never listed' })
  @IsOptional()
  @Transform(upperTrim)
  @IsNationalId()
  idNumber?: string | null;

  @ApiProperty({ description: '与儿童同住 lives with the child' })
  @IsBoolean()
  livesWithChild: boolean;

  @ApiProperty({ description: '疑似施害人 suspected perpetrator: never a notification target, never shown the reporter' })
  @IsBoolean()
  suspectedPerpetrator: boolean;
}

/** Any subset of a guardian's fields; `phone: null` or `idNumber: null` clears it. */
export class UpdateGuardianDto {
  @ApiPropertyOptional({ example: '张大强' })
  @ValidateIf((o: UpdateGuardianDto) => o.name !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(50)
  name?: string;

  @ApiPropertyOptional({ enum: GuardianRelation, enumName: 'GuardianRelation', description: RELATION_DESCRIPTION })
  @ValidateIf((o: UpdateGuardianDto) => o.relation !== undefined)
  @IsIn(GUARDIAN_RELATIONS, oneOf(GUARDIAN_RELATIONS))
  relation?: GuardianRelation;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  @IsOptional()
  @Matches(/^\+?[0-9][0-9 -]{4,28}$/, { message: 'must be a phone number' })
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: '18-character national ID number; null clears it' })
  @IsOptional()
  @Transform(upperTrim)
  @IsNationalId()
  idNumber?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((o: UpdateGuardianDto) => o.livesWithChild !== undefined)
  @IsBoolean()
  livesWithChild?: boolean;

  @ApiPropertyOptional()
  @ValidateIf((o: UpdateGuardianDto) => o.suspectedPerpetrator !== undefined)
  @IsBoolean()
  suspectedPerpetrator?: boolean;
}

export class ApprovalDecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'], oneOf(['approve', 'reject']))
  decision: 'approve' | 'reject';

  @ApiPropertyOptional({ description: 'required to reject' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(1000)
  reason?: string;
}

export const CASE_SORTS = ['-reportedAt', 'dueAt', 'riskLevel'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'one status or several, comma-separated' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @IsIn(['draft', 'submitted', 'returned', 'assessing', 'intervening', 'follow_up', 'closed'], { each: true, message: 'each must be a case status' })
  status?: string[];

  @ApiPropertyOptional({ description: 'one risk level or several, comma-separated' })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @IsIn(RISK_LEVELS, { each: true, message: `each must be one of ${RISK_LEVELS.join(', ')}` })
  riskLevel?: RiskLevel[];

  @ApiPropertyOptional({ description: 'a category code' })
  @IsOptional()
  @IsIn(CATEGORY_CODES, { message: 'must be a category code (V01–V10, N01–N06, D01–D09)' })
  category?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  communityId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  streetId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only unlocated cases (hotline reports without a community, waiting for district staff to route them); false: only located ones',
  })
  @IsOptional()
  @IsIn(['true', 'false'], oneOf(['true', 'false']))
  unlocated?: 'true' | 'false';

  @ApiPropertyOptional({ description: '"me" or a user id' })
  @IsOptional()
  @Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, { message: 'must be "me" or a user id' })
  assignee?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], oneOf(['true', 'false']))
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'case number or its beginning, e.g. BA-2026-0001' })
  @IsOptional()
  @Transform(trim)
  @Matches(/^[A-Za-z0-9-]{1,24}$/, { message: 'must be (the beginning of) a case number' })
  q?: string;

  @ApiPropertyOptional({ enum: CASE_SORTS, default: '-reportedAt' })
  @IsOptional()
  @IsIn(CASE_SORTS, oneOf(CASE_SORTS))
  sort?: CaseSort;
}
