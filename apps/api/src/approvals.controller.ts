import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import { ApprovalDecisionDto, ApprovalStatus, CaseDetailView, CasesService } from '@shouhu/cases';
import { UuidParamPipe } from './http/uuid-param.pipe';

class ListApprovalsQuery {
  @ApiPropertyOptional({ enum: ApprovalStatus })
  @IsOptional()
  @IsIn(Object.values(ApprovalStatus), { message: `must be one of ${Object.values(ApprovalStatus).join(', ')}` })
  status?: ApprovalStatus;
}

@ApiTags('cases')
@Controller('approvals')
export class ApprovalsController {
  constructor(private readonly cases: CasesService) {}

  @Roles(Role.StreetSupervisor, Role.DistrictStaff)
  @Get()
  @ApiOperation({ summary: '审批 (approvals) in the caller’s scope' })
  async list(@CurrentActor() actor: Actor, @Query() query: ListApprovalsQuery) {
    return { items: await this.cases.listApprovals(actor, query.status) };
  }

  @Roles(Role.StreetSupervisor, Role.DistrictStaff)
  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve or reject (R1/R2 plans and closures: district staff; R3/R4 closures: street supervisor)' })
  decide(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: ApprovalDecisionDto): Promise<CaseDetailView> {
    return this.cases.decide(actor, id, dto);
  }
}
