import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, ValidateIf } from 'class-validator';
import { IsDateTime } from '@shouhu/cases';
import { PageQuery } from '@shouhu/database';
import { MaxChars } from '@shouhu/errors';
import { REFERRAL_STATUSES, ReferralStatus } from '../domain';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The longest texts of a referral (the columns' lengths). */
export const REFERRAL_LIMITS = { service: 100, note: 2000, reason: 500, outcome: 2000 } as const;

export class CreateReferralDto {
  @ApiProperty({ format: 'uuid', description: 'an active agency of the case’s district (GET /api/agencies)' })
  @IsUUID('all')
  agencyId: string;

  @ApiProperty({ example: '法律援助 legal aid', maxLength: REFERRAL_LIMITS.service, description: 'what is asked of the agency, in a few words' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(REFERRAL_LIMITS.service)
  service: string;

  @ApiProperty({
    maxLength: REFERRAL_LIMITS.note,
    description: 'what the agency needs to know to help: the only free text of the case its liaison reads (no reporter, no narrative)',
  })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(REFERRAL_LIMITS.note)
  note: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'a measure of the same case that this referral carries out' })
  @IsOptional()
  @IsUUID('all')
  measureId?: string;

  @ApiPropertyOptional({
    example: '2026-12-20T17:00:00+08:00',
    description: 'when the agency should be done; default: the SLA policy’s referralCompletion.default after now',
  })
  @IsOptional()
  @IsDateTime()
  dueAt?: string;
}

export class ReferralResponseDto {
  @ApiProperty({ enum: ['accept', 'decline'] })
  @IsIn(['accept', 'decline'], { message: 'must be accept or decline' })
  decision: 'accept' | 'decline';

  @ApiPropertyOptional({ maxLength: REFERRAL_LIMITS.reason, description: 'required to decline' })
  @ValidateIf((o: ReferralResponseDto) => o.decision === 'decline' || o.reason !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'must not be empty (declining needs a reason)' })
  @MaxChars(REFERRAL_LIMITS.reason)
  reason?: string;
}

export class ReferralCompletionDto {
  @ApiProperty({ maxLength: REFERRAL_LIMITS.outcome, description: 'what the agency did' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(REFERRAL_LIMITS.outcome)
  outcome: string;
}

export class ReferralRevocationDto {
  @ApiProperty({ maxLength: REFERRAL_LIMITS.reason })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(REFERRAL_LIMITS.reason)
  reason: string;
}

export class ListReferralsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ReferralStatus, isArray: true, description: 'one status or several, comma-separated' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value))
  @IsIn(REFERRAL_STATUSES, { each: true, message: `each must be one of ${REFERRAL_STATUSES.join(', ')}` })
  status?: ReferralStatus[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  caseId?: string;
}
