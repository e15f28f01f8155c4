import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';
import { JurisdictionLevel, Role } from '@shouhu/access';
import { MaxChars } from '@shouhu/errors';

export class LoginDto {
  @ApiProperty({ example: 'sup-xa' })
  @IsString()
  @IsNotEmpty()
  @MaxChars(64)
  username: string;

  @ApiProperty({ example: 'shouhu-demo' })
  @IsString()
  @IsNotEmpty()
  @MaxChars(128)
  password: string;
}

export class MeJurisdictionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: JurisdictionLevel }) level: JurisdictionLevel;
  @ApiProperty() name: string;
  @ApiProperty({ example: '宝安区 / 新安街道' }) path: string;
}

export class MeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ example: '街道儿童督导员 (street supervisor)' }) roleLabel: string;
  @ApiProperty({ type: MeJurisdictionView }) jurisdiction: MeJurisdictionView;
}

export class LoginResponse {
  @ApiProperty() accessToken: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ type: MeView }) user: MeView;
}
