import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, ValidateIf } from 'class-validator';
import { MaxChars } from '@shouhu/errors';
import { AGENCY_KINDS, AgencyKind } from '../entities/agency.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const present = (_dto: object, value: unknown) => value !== undefined;
const kindMessage = { message: `must be one of ${AGENCY_KINDS.join(', ')}` };

export class CreateAgencyDto {
  @ApiProperty({ enum: AgencyKind, enumName: 'AgencyKind' })
  @IsIn(AGENCY_KINDS, kindMessage)
  kind: AgencyKind;

  @ApiProperty({ example: '新安派出所', maxLength: 100, description: 'unique within the district' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(100)
  name: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'a district in the admin’s scope; default: the admin’s district' })
  @IsOptional()
  @IsUUID('all')
  districtId?: string;
}

/** A change names what it changes; null is not "no change" (the columns are NOT NULL: a null was a 500, found by the fuzzer). */
export class UpdateAgencyDto {
  @ApiPropertyOptional({ enum: AgencyKind, enumName: 'AgencyKind' })
  @ValidateIf(present)
  @IsIn(AGENCY_KINDS, kindMessage)
  kind?: AgencyKind;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf(present)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxChars(100)
  name?: string;

  @ApiPropertyOptional({ description: 'false: no new referrals may be addressed to it (its open ones stay)' })
  @ValidateIf(present)
  @IsBoolean()
  active?: boolean;
}

export class AgencyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AgencyKind, enumName: 'AgencyKind' }) kind: AgencyKind;
  @ApiProperty({ example: '公安 (派出所/公安分局) police' }) kindLabel: string;
  @ApiProperty({ example: '新安派出所' }) name: string;
  @ApiProperty({ format: 'uuid' }) districtId: string;
  @ApiProperty() active: boolean;
}
