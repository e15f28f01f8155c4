import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, ValidateIf } from 'class-validator';
import { JurisdictionLevel, Role, ROLES } from '@shouhu/access';
import { MaxChars, MinChars } from '@shouhu/errors';
import { UserStatus } from '../entities/user.entity';

const USER_STATUSES = Object.values(UserStatus);

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class CreateUserDto {
  @ApiProperty({ example: 'dir-xa-04', description: '3-64 characters: a-z, 0-9, ".", "_", "-"; stored lower-case' })
  @Transform(lower)
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{2,63}$/, { message: 'must be 3-64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit' })
  username: string;

  @ApiProperty({ example: '陈晓红', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(100)
  displayName: string;

  @ApiProperty({ enum: Role })
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiProperty({ format: 'uuid', description: 'community for directors, street for supervisors, district for district staff, district leaders and admins' })
  @IsUUID('all')
  jurisdictionId: string;

  @ApiProperty({ minLength: 10, maxLength: 128 })
  @IsString()
  @MinChars(10)
  @MaxChars(128)
  password: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'required for role agency_liaison, refused for every other role: the liaison’s agency, which must be of the district given as jurisdictionId',
  })
  @IsOptional()
  @IsUUID('all')
  agencyId?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(100)
  displayName?: string;

  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  jurisdictionId?: string;

  @ApiPropertyOptional({ minLength: 10, maxLength: 128 })
  @IsOptional()
  @IsString()
  @MinChars(10)
  @MaxChars(128)
  password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ListUsersQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  jurisdictionId?: string;

  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ description: 'true or false; default: both' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    enum: UserStatus,
    description: 'pending_approval: every account awaiting a district decision, new accounts and approved accounts with a pendingChange alike',
  })
  @IsOptional()
  @IsIn(USER_STATUSES, { message: `must be one of ${USER_STATUSES.join(', ')}` })
  status?: UserStatus;
}

export class UserApprovalDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'], { message: 'must be approve or reject' })
  decision: 'approve' | 'reject';

  @ApiPropertyOptional({ maxLength: 500, description: 'required to reject' })
  @ValidateIf((o: UserApprovalDto) => o.decision === 'reject' || o.reason !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'must not be empty (a rejection needs a reason)' })
  @MaxChars(500)
  reason?: string;
}

export class JurisdictionRefView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty({ enum: JurisdictionLevel }) level: JurisdictionLevel;
  @ApiProperty() name: string;
  @ApiProperty({ example: '宝安区 / 新安街道 / 海旺社区' }) path: string;
}

/** A change that waits for district approval; the password itself is never shown. */
export class PendingUserChangeView {
  @ApiProperty({ enum: Role, nullable: true, description: 'the role it will have; null: unchanged' }) role: Role | null;
  @ApiProperty({ type: JurisdictionRefView, nullable: true, description: 'where it will be; null: unchanged' }) jurisdiction: JurisdictionRefView | null;
  @ApiProperty({ description: 'an admin set a new password' }) password: boolean;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty() roleLabel: string;
  @ApiProperty({ type: JurisdictionRefView }) jurisdiction: JurisdictionRefView;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the agency of an agency_liaison; null for every other role' })
  agencyId: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ enum: UserStatus, description: 'pending_approval and rejected accounts cannot sign in' }) status: UserStatus;
  @ApiProperty({ type: PendingUserChangeView, nullable: true, description: 'of an approved account; it keeps working as it was until approval' })
  pendingChange: PendingUserChangeView | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'who asked for the pending approval' }) approvalRequestedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) approvalRequestedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class UserListView {
  @ApiProperty({ type: [UserView] }) items: UserView[];
}

export class JurisdictionNodeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty({ enum: JurisdictionLevel }) level: JurisdictionLevel;
  @ApiProperty() name: string;
  @ApiProperty() path: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) parentId: string | null;
  @ApiProperty({ type: () => [JurisdictionNodeView] }) children: JurisdictionNodeView[];
}
