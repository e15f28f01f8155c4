import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import { ErrorCode } from '@shouhu/errors';
import {
  CreateReferralDto,
  ListReferralsQuery,
  ReferralCompletionDto,
  ReferralDetailView,
  ReferralListView,
  ReferralResponseDto,
  ReferralRevocationDto,
  ReferralsService,
  ReferralView,
} from '@shouhu/referrals';
import { ApiErrors, ErrorStatus } from './http/error-body';
import { UuidParamPipe } from './http/uuid-param.pipe';

/** Who refers and revokes (domain.md §11). */
const REFERRERS = [Role.StreetSupervisor, Role.DistrictStaff] as const;
/** Who reads referrals: the liaisons (their agency's), and the case readers (those of cases in their scope). */
const READERS = [Role.AgencyLiaison, Role.CommunityDirector, Role.StreetSupervisor, Role.DistrictStaff, Role.DistrictLeader] as const;

const STEP: ErrorStatus[] = [400, 401, 403, 404, 409, 503];
const WRONG_STATE = {
  description: 'INVALID_TRANSITION: the referral is not in a state this step is taken from',
  code: ErrorCode.InvalidTransition,
  message: 'cannot accept a referral that is declined (已拒绝 declined)',
};

@ApiTags('referrals')
@Controller()
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Roles(...REFERRERS)
  @Post('cases/:id/referrals')
  @ApiOperation({
    summary: '转介协同单位 (refer a measure or a need of the case to an agency): respondBy from the SLA policy, dueAt given or the policy’s default',
  })
  @ApiCreatedResponse({ type: ReferralView })
  @ApiErrors([400, 401, 403, 404, 409, 422, 503], {
    409: {
      description: 'INVALID_TRANSITION: the case is not in assessing, intervening or follow_up',
      code: ErrorCode.InvalidTransition,
      message: 'refer is not allowed while the case is submitted',
    },
    422: {
      description: 'RULE_VIOLATION: agencyId is not an active agency of the case’s district, or measureId not a measure of the case',
      code: ErrorCode.RuleViolation,
      message: 'agencyId is an agency that is no longer active',
    },
  })
  create(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: CreateReferralDto): Promise<ReferralView> {
    return this.referrals.create(actor, id, dto);
  }

  @Roles(...READERS)
  @Get('referrals')
  @ApiOperation({
    summary: '转介列表 (referrals): a liaison’s inbox holds its agency’s; everyone else sees those of cases in their scope. Newest first, keyset-paginated',
  })
  @ApiOkResponse({ type: ReferralListView })
  @ApiErrors([400, 401, 403, 503])
  list(@CurrentActor() actor: Actor, @Query() query: ListReferralsQuery): Promise<ReferralListView> {
    return this.referrals.list(actor, query);
  }

  @Roles(...READERS)
  @Get('referrals/:id')
  @ApiOperation({
    summary:
      '转介详情 (a referral and the need-to-know view of its case: case number, the child’s name, age and sex, the categories; never the reporter, the narrative or other records). The read is logged',
  })
  @ApiOkResponse({ type: ReferralDetailView })
  @ApiErrors([400, 401, 403, 404, 503])
  get(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<ReferralDetailView> {
    return this.referrals.get(actor, id);
  }

  @Roles(Role.AgencyLiaison)
  @Post('referrals/:id/response')
  @HttpCode(200)
  @ApiOperation({ summary: '答复转介 (the agency’s liaison accepts, or declines with a reason, a pending referral)' })
  @ApiOkResponse({ type: ReferralView })
  @ApiErrors(STEP, { 409: WRONG_STATE })
  respond(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: ReferralResponseDto): Promise<ReferralView> {
    return this.referrals.respond(actor, id, dto);
  }

  @Roles(Role.AgencyLiaison)
  @Post('referrals/:id/completion')
  @HttpCode(200)
  @ApiOperation({ summary: '办结转介 (the agency’s liaison completes an accepted referral, with its outcome)' })
  @ApiOkResponse({ type: ReferralView })
  @ApiErrors(STEP, { 409: WRONG_STATE })
  complete(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: ReferralCompletionDto): Promise<ReferralView> {
    return this.referrals.complete(actor, id, dto);
  }

  @Roles(...REFERRERS)
  @Post('referrals/:id/revocation')
  @HttpCode(200)
  @ApiOperation({ summary: '撤回转介 (the caseworker withdraws a pending or accepted referral, with a reason)' })
  @ApiOkResponse({ type: ReferralView })
  @ApiErrors(STEP, { 409: WRONG_STATE })
  revoke(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: ReferralRevocationDto): Promise<ReferralView> {
    return this.referrals.revoke(actor, id, dto);
  }
}
