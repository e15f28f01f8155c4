import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import { DomainError } from '@shouhu/errors';
import { DistrictStats, statsCsv, StatsService, statsXlsx } from '@shouhu/stats';
import { ApiErrors } from './http/error-body';
import { queryDate } from './http/query-date';

class StatsQueryDto {
  @ApiPropertyOptional({ description: 'ISO date or date-time, inclusive; default one year before `to`' })
  @IsOptional()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO date or date-time, exclusive; default now' })
  @IsOptional()
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'one street of the district (district staff and leaders: any; supervisors: only their own)' })
  @IsOptional()
  @IsUUID('all')
  streetId?: string;
}

class StatsExportDto extends StatsQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'xlsx'], { message: 'must be csv or xlsx' })
  format?: 'csv' | 'xlsx';
}

function period(q: StatsQueryDto): { from: Date; to: Date } {
  const to = queryDate('to', q.to) ?? new Date();
  const from = queryDate('from', q.from) ?? new Date(to.getTime() - 365 * 86400_000);
  if (from.getTime() >= to.getTime()) throw DomainError.validation('from', 'must be before to');
  return { from, to };
}

@ApiTags('statistics')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Roles(Role.DistrictStaff, Role.DistrictLeader, Role.StreetSupervisor)
  @Get()
  @ApiOperation({
    summary: '监测评估 (district indicators), de-identified: counts, shares and medians only',
    description:
      'Counts narrower than the district (a street, a sex × age band, a worker, every count of one street’s answer) of 1–4 are "<5", ' +
      'with a second count withheld wherever one could be worked out from a total (one plan for the district and all its streets); ' +
      'shares and medians over them are null and flagged. `alerts` lists the rates past STATS_ALERT_BREACH_RATE / STATS_ALERT_REREPORT_RATE.',
  })
  @ApiOkResponse({ type: DistrictStats })
  @ApiErrors([400, 401, 403, 404, 503], { 404: { description: 'NOT_FOUND: streetId is not a street of the caller’s scope' } })
  get(@CurrentActor() actor: Actor, @Query() q: StatsQueryDto): Promise<DistrictStats> {
    return this.stats.compute(actor, { ...period(q), streetId: q.streetId });
  }

  @Roles(Role.DistrictStaff, Role.DistrictLeader, Role.StreetSupervisor)
  @Get('export')
  @ApiOperation({ summary: '导出指标 (export the same figures as CSV or XLSX)' })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({
    description: 'an attachment: rows of section, key, value',
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiErrors([400, 401, 403, 404, 503], { 404: { description: 'NOT_FOUND: streetId is not a street of the caller’s scope' } })
  async export(@CurrentActor() actor: Actor, @Query() q: StatsExportDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<string | Buffer> {
    const stats = await this.stats.compute(actor, { ...period(q), streetId: q.streetId });
    const rows = this.stats.rows(stats);
    if (q.format === 'xlsx') {
      void reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="shouhu-indicators.xlsx"');
      return statsXlsx(rows);
    }
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="shouhu-indicators.csv"');
    return statsCsv(rows);
  }
}
