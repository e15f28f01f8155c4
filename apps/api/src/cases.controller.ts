import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import {
  AddReportDto,
  AssessmentDto,
  CaseDetailView,
  CasesService,
  CaseSummaryView,
  CreateCaseDto,
  ListCasesQuery,
  MeasureDto,
  NoteDto,
  PoliceDto,
  TransitionDto,
  UpdateMeasureDto,
  VisitDto,
} from '@shouhu/cases';
import { DeadlineService, DeadlineView } from '@shouhu/deadlines';
import { TimelineEventView, TimelineService } from '@shouhu/timeline';
import { UuidParamPipe } from './http/uuid-param.pipe';

const CASE_WORKERS = [Role.CommunityDirector, Role.StreetSupervisor, Role.DistrictStaff] as const;

@ApiTags('cases')
@Controller('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly timeline: TimelineService,
    private readonly deadlines: DeadlineService,
  ) {}

  @Roles(Role.CommunityDirector, Role.DistrictStaff)
  @Post()
  @ApiOperation({ summary: '报告 (file a report): 201 a new case, or 200 with linkedToExisting when the child already has an open case' })
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateCaseDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.cases.create(actor, dto);
    void reply.status(result.linkedToExisting ? 200 : 201);
    return { ...result.detail, linkedToExisting: result.linkedToExisting, reopened: result.reopened };
  }

  @Roles(...CASE_WORKERS)
  @Get()
  @ApiOperation({ summary: '个案队列 (the triage queue), scoped to the caller, keyset-paginated' })
  list(@CurrentActor() actor: Actor, @Query() query: ListCasesQuery): Promise<{ items: CaseSummaryView[]; nextCursor: string | null }> {
    return this.cases.list(actor, query);
  }

  @Roles(...CASE_WORKERS)
  @Get(':id')
  @ApiOperation({ summary: '个案详情 (case detail) with allowedActions' })
  get(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<CaseDetailView> {
    return this.cases.get(actor, id);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/transitions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take a workflow action; `version` must be the case version the caller read' })
  transition(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: TransitionDto): Promise<CaseDetailView> {
    return this.cases.transition(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/assessment')
  @HttpCode(200)
  assessment(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: AssessmentDto): Promise<CaseDetailView> {
    return this.cases.recordAssessment(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/measures')
  @HttpCode(200)
  addMeasure(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: MeasureDto): Promise<CaseDetailView> {
    return this.cases.addMeasure(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Patch(':id/measures/:measureId')
  updateMeasure(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParamPipe) id: string,
    @Param('measureId', UuidParamPipe) measureId: string,
    @Body() dto: UpdateMeasureDto,
  ): Promise<CaseDetailView> {
    return this.cases.updateMeasure(actor, id, measureId, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/visits')
  @HttpCode(200)
  visit(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: VisitDto): Promise<CaseDetailView> {
    return this.cases.addVisit(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/notes')
  @HttpCode(200)
  note(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: NoteDto): Promise<CaseDetailView> {
    return this.cases.addNote(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/reports')
  @HttpCode(200)
  report(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: AddReportDto): Promise<CaseDetailView> {
    return this.cases.addReport(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/police')
  @HttpCode(200)
  police(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: PoliceDto): Promise<CaseDetailView> {
    return this.cases.recordPolice(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Get(':id/timeline')
  @ApiOperation({ summary: '时间线 (the case timeline), hash-chained and verified' })
  async timelineOf(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<{ events: TimelineEventView[]; verified: boolean }> {
    await this.cases.assertInScope(actor, id);
    const [events, verdict] = await Promise.all([this.timeline.list(id), this.timeline.verify(id)]);
    return { events, verified: verdict.valid };
  }

  @Roles(...CASE_WORKERS)
  @Get(':id/timeline/verify')
  @ApiOperation({ summary: 'Recompute the timeline’s hash chain' })
  async verify(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string) {
    await this.cases.assertInScope(actor, id);
    return this.timeline.verify(id);
  }

  @Roles(...CASE_WORKERS)
  @Get(':id/deadlines')
  @ApiOperation({ summary: '时限 (the case’s deadlines)' })
  @ApiOkResponse({ description: '[{ id, kind, dueAt, status, escalationLevel, … }]' })
  async deadlinesOf(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<DeadlineView[]> {
    await this.cases.assertInScope(actor, id);
    return this.deadlines.deadlinesOf(id);
  }
}
