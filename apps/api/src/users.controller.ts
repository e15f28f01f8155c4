import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import { CreateUserDto, ListUsersQuery, OrgService, UpdateUserDto, UserApprovalDto, UserListView, UserView } from '@shouhu/org';
import { UuidParamPipe } from './http/uuid-param.pipe';

@ApiTags('organisation')
@Controller('users')
export class UsersController {
  constructor(private readonly org: OrgService) {}

  @Roles(Role.StreetSupervisor, Role.DistrictStaff, Role.Admin)
  @Get()
  @ApiOperation({ summary: '用户 (users) in the caller’s scope, e.g. for assignment; ?status=pending_approval: what awaits a district decision' })
  @ApiOkResponse({ type: UserListView })
  async list(@CurrentActor() actor: Actor, @Query() query: ListUsersQuery): Promise<UserListView> {
    return { items: await this.org.listUsers(actor, query) };
  }

  @Roles(Role.StreetSupervisor, Role.DistrictStaff, Role.Admin)
  @Get(':id')
  @ApiOkResponse({ type: UserView })
  get(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<UserView> {
    return this.org.getUser(actor, id);
  }

  @Roles(Role.Admin)
  @Post()
  @ApiOperation({ summary: 'Create a user (admin only); every role but admin starts pending_approval and cannot sign in until district staff approve' })
  @ApiCreatedResponse({ type: UserView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.org.createUser(actor, dto);
  }

  @Roles(Role.Admin)
  @Patch(':id')
  @ApiOperation({
    summary: 'Edit a user (admin only). Role, jurisdiction and password of an account that reads case content become a pendingChange until district staff approve; deactivating ends its sessions at once',
  })
  @ApiOkResponse({ type: UserView })
  update(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.org.updateUser(actor, id, dto);
  }

  @Roles(Role.DistrictStaff)
  @Post(':id/approval')
  @HttpCode(200)
  @ApiOperation({ summary: '审批账号 (approve an account or its pending change): district staff of its district, never who asked for it; a rejection needs a reason' })
  @ApiOkResponse({ type: UserView })
  approve(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: UserApprovalDto): Promise<UserView> {
    return this.org.decideApproval(actor, id, dto);
  }
}
