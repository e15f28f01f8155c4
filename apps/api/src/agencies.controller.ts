import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@shouhu/access';
import { AnyRole, CurrentActor, Roles } from '@shouhu/auth';
import { ErrorCode } from '@shouhu/errors';
import { AgencyService, AgencyView, CreateAgencyDto, UpdateAgencyDto } from '@shouhu/org';
import { ApiErrors } from './http/error-body';
import { UuidParamPipe } from './http/uuid-param.pipe';

const NAME_TAKEN = {
  description: 'CONFLICT: the district already has an agency of this name',
  code: ErrorCode.Conflict,
  message: 'the district already has an agency of this name',
};

@ApiTags('organisation')
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly agencies: AgencyService) {}

  @AnyRole()
  @Get()
  @ApiOperation({ summary: '协同单位 (agencies) of the caller’s district, inactive ones included; an agency liaison sees its own agency only' })
  @ApiOkResponse({ type: [AgencyView] })
  @ApiErrors([401, 503])
  list(@CurrentActor() actor: Actor): Promise<AgencyView[]> {
    return this.agencies.list(actor);
  }

  @Roles(Role.Admin)
  @Post()
  @ApiOperation({ summary: '新建协同单位 (add an agency; admin only), in the admin’s district; on the audit trail (agency.created)' })
  @ApiCreatedResponse({ type: AgencyView })
  @ApiErrors([400, 401, 403, 404, 409, 503], { 404: { description: 'NOT_FOUND: districtId is not a district in the caller’s scope' }, 409: NAME_TAKEN })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateAgencyDto): Promise<AgencyView> {
    return this.agencies.create(actor, dto);
  }

  @Roles(Role.Admin)
  @Patch(':id')
  @ApiOperation({ summary: '修改协同单位 (rename, change the kind, deactivate or reactivate an agency; admin only); on the audit trail (agency.updated)' })
  @ApiOkResponse({ type: AgencyView })
  @ApiErrors([400, 401, 403, 404, 409, 503], { 409: NAME_TAKEN })
  update(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateAgencyDto): Promise<AgencyView> {
    return this.agencies.update(actor, id, dto);
  }
}
