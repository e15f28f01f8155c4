import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';
import { MaxChars } from '@shouhu/errors';
import { MAX_SOURCE_CHARS } from './calendar-validation';

/** One year of the official working-day calendar (GET and PUT /api/calendar/:year). */
export class CalendarYearView {
  @ApiProperty({ type: 'integer', example: 2026 }) year: number;

  @ApiProperty({
    type: 'string',
    format: 'date',
    isArray: true,
    example: ['2026-02-15', '2026-02-16', '2026-02-17'],
    description: '放假日 (days off by the State Council’s notice: the whole break, weekends included), ascending',
  })
  holidays: string[];

  @ApiProperty({
    type: 'string',
    format: 'date',
    isArray: true,
    example: ['2026-02-14', '2026-02-28'],
    description: '调休上班日 (Saturdays and Sundays that are working days), ascending',
  })
  workdays: string[];

  @ApiProperty({ type: String, nullable: true, example: '国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）' })
  source: string | null;

  @ApiProperty({ description: '暂定 (provisional): only the statutory holidays, before the year’s notice is published; no make-up days' })
  provisional: boolean;

  @ApiProperty({ format: 'date-time', description: 'when the year was last loaded or replaced' })
  updatedAt: string;
}

/** The whole year, in place of what is stored (PUT /api/calendar/:year). */
export class ReplaceCalendarDto {
  @ApiProperty({
    type: 'string',
    format: 'date',
    isArray: true,
    maxItems: 366,
    example: ['2026-01-01', '2026-01-02', '2026-01-03'],
    description: '放假日: every day off of the year (YYYY-MM-DD, any weekday), each once',
  })
  @IsArray()
  @ArrayMaxSize(366)
  holidays: string[];

  @ApiProperty({
    type: 'string',
    format: 'date',
    isArray: true,
    maxItems: 366,
    example: ['2026-01-04'],
    description: '调休上班日: Saturdays and Sundays of the year that are working days, each once, none a holiday',
  })
  @IsArray()
  @ArrayMaxSize(366)
  workdays: string[];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'where the dates come from (the notice’s title and number)' })
  @IsOptional()
  @IsString()
  @MaxChars(MAX_SOURCE_CHARS)
  source?: string | null;

  @ApiPropertyOptional({ default: false, description: 'true while only the statutory holidays are known' })
  @IsOptional()
  @IsBoolean()
  provisional?: boolean;
}
