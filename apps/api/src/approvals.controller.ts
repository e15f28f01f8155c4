import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import { ApprovalDecisionDto, ApprovalListView, ApprovalStatus, CaseApprovalsService, CaseDetailView } from '@shouhu/cases';
import { ApiErrors } from './http/error-body';
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
  constructor(private readonly approvals: CaseApprovalsService) {}

  @Roles(Role.StreetSupervisor, Role.DistrictStaff, Role.DistrictLeader)
  @Get()
  @ApiOperation({ summary: '审批 (approvals) in the caller’s scope, oldest request first' })
  @ApiOkResponse({ type: ApprovalListView })
  @ApiErrors([400, 401, 403, 503])
  async list(@CurrentActor() actor: Actor, @Query() query: ListApprovalsQuery): Promise<ApprovalListView> {
    return { items: await this.approvals.list(actor, query.status) };
  }

  @Roles(Role.StreetSupervisor, Role.DistrictStaff)
  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: '审批决定 (approve or reject): R1/R2 plans and closures by district staff; R3/R4 closures by the street supervisor' })
  @ApiOkResponse({ type: CaseDetailView, description: 'the case after the decision' })
  @ApiErrors([400, 401, 403, 404, 409, 422, 503])
  decide(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: ApprovalDecisionDto): Promise<CaseDetailView> {
    return this.approvals.decide(actor, id, dto);
  }
}
