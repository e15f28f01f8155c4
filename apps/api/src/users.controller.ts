import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@shouhu/access';
import { ErrorCode } from '@shouhu/errors';
import { CurrentActor, Roles } from '@shouhu/auth';
import { CreateUserDto, ListUsersQuery, OrgService, UpdateUserDto, UserApprovalDto, UserListView, UserView } from '@shouhu/org';
import { ApiErrors } from './http/error-body';
import { UuidParamPipe } from './http/uuid-param.pipe';

@ApiTags('organisation')
@Controller('users')
export class UsersController {
  constructor(private readonly org: OrgService) {}

  @Roles(Role.StreetSupervisor, Role.DistrictStaff, Role.DistrictLeader, Role.Admin)
  @Get()
  @ApiOperation({ summary: '用户 (users) in the caller’s scope, e.g. for assignment; ?status=pending_approval: what awaits a district decision' })
  @ApiOkResponse({ type: UserListView })
  @ApiErrors([400, 401, 403, 404, 503], { 404: { description: 'NOT_FOUND: jurisdictionId is not in the caller’s scope' } })
  async list(@CurrentActor() actor: Actor, @Query() query: ListUsersQuery): Promise<UserListView> {
    return { items: await this.org.listUsers(actor, query) };
  }

  @Roles(Role.StreetSupervisor, Role.DistrictStaff, Role.DistrictLeader, Role.Admin)
  @Get(':id')
  @ApiOperation({ summary: '用户详情 (one user in the caller’s scope)' })
  @ApiOkResponse({ type: UserView })
  @ApiErrors([400, 401, 403, 404, 503])
  get(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<UserView> {
    return this.org.getUser(actor, id);
  }

  @Roles(Role.Admin)
  @Post()
  @ApiOperation({
    summary: '新建用户 (create a user; admin only): every role but admin starts pending_approval and cannot sign in until district staff approve',
  })
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors([400, 401, 403, 404, 409, 503], {
    404: { description: 'NOT_FOUND: jurisdictionId is not in the caller’s scope' },
    409: { description: 'USERNAME_TAKEN', code: ErrorCode.UsernameTaken, message: 'username is already taken' },
  })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserView> {
    return this.org.createUser(actor, dto);
  }

  @Roles(Role.Admin)
  @Patch(':id')
  @ApiOperation({
    summary:
      '修改用户 (edit a user; admin only). Role, jurisdiction and password of an account that reads case content become a pendingChange until district staff approve; deactivating ends its sessions at once',
  })
  @ApiOkResponse({ type: UserView })
  @ApiErrors([400, 401, 403, 404, 422, 503], {
    422: {
      description: 'SELF_LOCKOUT: an admin cannot deactivate themselves or change their own role or jurisdiction',
      code: ErrorCode.SelfLockout,
      message: 'you cannot change your own role',
    },
  })
  update(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.org.updateUser(actor, id, dto);
  }

  @Roles(Role.DistrictStaff)
  @Post(':id/approval')
  @HttpCode(200)
  @ApiOperation({
    summary: '审批账号 (approve an account or its pending change): district staff of its district, never who asked for it; a rejection needs a reason',
  })
  @ApiOkResponse({ type: UserView })
  @ApiErrors([400, 401, 403, 404, 409, 422, 503], {
    409: { description: 'CONFLICT: nothing of this account awaits approval', code: ErrorCode.Conflict, message: 'nothing of this user awaits approval' },
    422: {
      description: 'SELF_APPROVAL: nobody decides a request they made or one about their own account',
      code: ErrorCode.SelfApproval,
      message: 'you cannot decide a request you made or one about your own account',
    },
  })
  approve(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: UserApprovalDto): Promise<UserView> {
    return this.org.decideApproval(actor, id, dto);
  }
}
