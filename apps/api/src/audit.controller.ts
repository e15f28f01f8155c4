import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import { AuditListView, AuditService } from '@shouhu/timeline';
import { ApiErrors } from './http/error-body';
import { queryDate } from './http/query-date';

class AuditQuery {
  @ApiPropertyOptional({ description: 'ISO date or date-time (inclusive)' })
  @IsOptional()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO date or date-time (exclusive)' })
  @IsOptional()
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  actorId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  caseId?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'must be json or csv' })
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ default: 10000, maximum: 100000 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100000)
  limit?: number;
}

@ApiTags('audit')
@ApiExtraModels(AuditListView)
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Roles(Role.DistrictStaff)
  @Get('events')
  @ApiOperation({
    summary:
      '审计 (audit): timeline events and identity reads of the district’s cases, and changes of its user accounts (source "user", type user.*, caseId null); JSON or CSV (formula-safe)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'format=json (default): { items }; format=csv: the same rows as a CSV attachment, cells safe against formula injection',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(AuditListView) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiErrors([400, 401, 403, 503])
  async events(@CurrentActor() actor: Actor, @Query() query: AuditQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<AuditListView | string> {
    const rows = await this.audit.events({
      districtId: actor.districtId,
      from: queryDate('from', query.from),
      to: queryDate('to', query.to),
      actorId: query.actorId,
      caseId: query.caseId,
      limit: query.limit ?? 10000,
    });
    if (query.format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="shouhu-audit.csv"');
      return this.audit.toCsv(rows);
    }
    return { items: rows };
  }
}
