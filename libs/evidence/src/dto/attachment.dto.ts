import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString } from 'class-validator';
import { MaxChars } from '@shouhu/errors';
import { NOTE_MAX_CHARS } from '../domain';

export class RetractAttachmentDto {
  @ApiProperty({ description: '撤回原因 (why the attachment is withdrawn); shown on the timeline', maxLength: NOTE_MAX_CHARS, example: '上传错了个案。' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxChars(NOTE_MAX_CHARS)
  reason: string;
}
