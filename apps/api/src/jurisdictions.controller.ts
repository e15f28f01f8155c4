import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@shouhu/access';
import { AnyRole, CurrentActor } from '@shouhu/auth';
import { JurisdictionNodeView, OrgService } from '@shouhu/org';
import { ApiErrors } from './http/error-body';

@ApiTags('organisation')
@Controller('jurisdictions')
export class JurisdictionsController {
  constructor(private readonly org: OrgService) {}

  @AnyRole()
  @Get()
  @ApiOperation({ summary: '辖区 (jurisdictions): the part of the district → street → community tree in the caller’s scope' })
  @ApiOkResponse({ type: [JurisdictionNodeView] })
  @ApiErrors([401, 503])
  tree(@CurrentActor() actor: Actor): Promise<JurisdictionNodeView[]> {
    return this.org.jurisdictionTree(actor);
  }
}
