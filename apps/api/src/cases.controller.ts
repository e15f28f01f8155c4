import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Role } from '@shouhu/access';
import { CurrentActor, Roles } from '@shouhu/auth';
import {
  AddReportDto,
  AssessmentDto,
  CaseDetailView,
  CaseGuardiansService,
  CaseIntakeService,
  CaseListView,
  CaseQueriesService,
  CaseRecordsService,
  CaseTransitionsService,
  CreateCaseDto,
  FiledCaseView,
  GuardianDto,
  ListCasesQuery,
  MeasureDto,
  NoteDto,
  OutcomeFeedbackDto,
  PoliceDto,
  TRANSITION_VARIANTS,
  TransitionDto,
  TransitionFields,
  UpdateGuardianDto,
  UpdateMeasureDto,
  VisitDto,
} from '@shouhu/cases';
import { DeadlineService, DeadlineView } from '@shouhu/deadlines';
import { ChainVerdictView, TimelineService, TimelineView } from '@shouhu/timeline';
import { ApiErrors, ErrorStatus } from './http/error-body';
import { UuidParamPipe } from './http/uuid-param.pipe';
import { VariantBodyPipe } from './http/validation';

const CASE_WORKERS = [Role.CommunityDirector, Role.StreetSupervisor, Role.DistrictStaff] as const;
/** Who reads cases: the case workers, and district leadership, which reads the district's cases and changes none. */
const CASE_READERS = [...CASE_WORKERS, Role.DistrictLeader] as const;
/**
 * The 12345-6 hotline (一门受理) files reports and completes them: it reads, lists and works on only
 * what it filed, until a supervisor accepts it (its scope, ability.factory.ts); the workflow
 * table says which actions (submit, add_report, record_police, add/update_guardian).
 */
const FILERS = [Role.CommunityDirector, Role.DistrictStaff, Role.HotlineIntake] as const;
const INTAKE_READERS = [...CASE_READERS, Role.HotlineIntake] as const;
const INTAKE_WORKERS = [...CASE_WORKERS, Role.HotlineIntake] as const;

/** A read of one case (or of what lies beside it): bad id, no token, wrong role, not in scope, database down. */
const READ_ONE: ErrorStatus[] = [400, 401, 403, 404, 503];
/** A write on a case: also a refused input, a state or version conflict, and a business rule. */
const WRITE: ErrorStatus[] = [400, 401, 403, 404, 409, 422, 503];

@ApiTags('cases')
@ApiExtraModels(DeadlineView)
@Controller('cases')
export class CasesController {
  constructor(
    private readonly intake: CaseIntakeService,
    private readonly transitions: CaseTransitionsService,
    private readonly records: CaseRecordsService,
    private readonly guardians: CaseGuardiansService,
    private readonly queries: CaseQueriesService,
    private readonly timeline: TimelineService,
    private readonly deadlines: DeadlineService,
  ) {}

  @Roles(...FILERS)
  @Post()
  @ApiOperation({
    summary: '报告 (file a report): 201 a new case, or 200 with linkedToExisting when the child already has an open case',
    description:
      'The hotline (hotline_intake) files for any community of its district, or with communityId null and report.location: an unlocated case that district staff see in GET /api/cases?unlocated=true and route with the transfer transition.',
  })
  @ApiCreatedResponse({ type: FiledCaseView, description: 'a new case (submitted, or draft when submit is false)' })
  @ApiOkResponse({ type: FiledCaseView, description: 'the report joined the child’s open case in the caller’s scope (linkedToExisting: true)' })
  @ApiErrors([400, 401, 403, 404, 422, 503], { 404: { description: 'NOT_FOUND: communityId is not a community the caller may file for' } })
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateCaseDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<FiledCaseView> {
    const result = await this.intake.create(actor, dto);
    void reply.status(result.linkedToExisting ? 200 : 201);
    return { ...result.detail, linkedToExisting: result.linkedToExisting, reopened: result.reopened };
  }

  @Roles(...INTAKE_READERS)
  @Get()
  @ApiOperation({ summary: '个案队列 (the triage queue), scoped to the caller, keyset-paginated' })
  @ApiOkResponse({ type: CaseListView })
  @ApiErrors([400, 401, 403, 503])
  async list(@CurrentActor() actor: Actor, @Query() query: ListCasesQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    // The page comes as JSON text (PostgreSQL renders the rows): sent as it is.
    void reply.type('application/json; charset=utf-8');
    return this.queries.listJson(actor, query);
  }

  @Roles(...INTAKE_READERS)
  @Get(':id')
  @ApiOperation({ summary: '个案详情 (case detail) with allowedActions; the read of the child’s identity is logged' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(READ_ONE)
  get(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<CaseDetailView> {
    return this.queries.get(actor, id);
  }

  @Roles(...INTAKE_WORKERS)
  @Post(':id/transitions')
  @HttpCode(200)
  @ApiOperation({ summary: '流转 (take a workflow action); `version` must be the case version the caller read' })
  @ApiOkResponse({ type: CaseDetailView, description: 'the case after the action (start_intervention on R1/R2 creates a pendingApproval instead of moving)' })
  // One class per action validates the body (VariantBodyPipe); the document shows every field (TransitionFields).
  @ApiBody({ type: TransitionFields })
  @ApiErrors(WRITE)
  transition(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParamPipe) id: string,
    @Body(new VariantBodyPipe('action', TRANSITION_VARIANTS, TransitionFields)) dto: TransitionDto,
  ): Promise<CaseDetailView> {
    return this.transitions.transition(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/assessment')
  @HttpCode(200)
  @ApiOperation({ summary: '核实评估 (record an assessment, or a reassessment)' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  assessment(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: AssessmentDto): Promise<CaseDetailView> {
    return this.records.recordAssessment(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/measures')
  @HttpCode(200)
  @ApiOperation({ summary: '处置措施 (plan a measure)' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  addMeasure(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: MeasureDto): Promise<CaseDetailView> {
    return this.records.addMeasure(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Patch(':id/measures/:measureId')
  @ApiOperation({ summary: '完成或取消措施 (complete or cancel a measure, with its outcome)' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  updateMeasure(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParamPipe) id: string,
    @Param('measureId', UuidParamPipe) measureId: string,
    @Body() dto: UpdateMeasureDto,
  ): Promise<CaseDetailView> {
    return this.records.updateMeasure(actor, id, measureId, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/visits')
  @HttpCode(200)
  @ApiOperation({
    summary: '走访 (record a visit) while assessing, intervening or in follow-up; the latest visit’s risk becomes the case’s (a risk.changed event)',
  })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  visit(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: VisitDto): Promise<CaseDetailView> {
    return this.records.addVisit(actor, id, dto);
  }

  @Roles(...INTAKE_WORKERS)
  @Post(':id/guardians')
  @HttpCode(200)
  @ApiOperation({ summary: '监护人/家庭成员 (record a guardian or household member; identity as the child’s: detail only, every read logged)' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  addGuardian(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: GuardianDto): Promise<CaseDetailView> {
    return this.guardians.add(actor, id, dto);
  }

  @Roles(...INTAKE_WORKERS)
  @Patch(':id/guardians/:guardianId')
  @ApiOperation({ summary: '修改监护人/家庭成员 (change any of a guardian’s fields; phone or idNumber null clears it)' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  updateGuardian(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParamPipe) id: string,
    @Param('guardianId', UuidParamPipe) guardianId: string,
    @Body() dto: UpdateGuardianDto,
  ): Promise<CaseDetailView> {
    return this.guardians.update(actor, id, guardianId, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/outcome-feedback')
  @HttpCode(200)
  @ApiOperation({ summary: '反馈报告单位 (the reporting unit was told the outcome, 未成年人保护法 Art.11¶3); meets the outcome_feedback deadline' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  outcomeFeedback(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: OutcomeFeedbackDto): Promise<CaseDetailView> {
    return this.records.recordOutcomeFeedback(actor, id, dto);
  }

  @Roles(...CASE_WORKERS)
  @Post(':id/notes')
  @HttpCode(200)
  @ApiOperation({ summary: '备注 (add a note)' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  note(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: NoteDto): Promise<CaseDetailView> {
    return this.records.addNote(actor, id, dto);
  }

  @Roles(...INTAKE_WORKERS)
  @Post(':id/reports')
  @HttpCode(200)
  @ApiOperation({ summary: '追加报告 (add a further report to the case)' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  report(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: AddReportDto): Promise<CaseDetailView> {
    return this.records.addReport(actor, id, dto);
  }

  @Roles(...INTAKE_WORKERS)
  @Post(':id/police')
  @HttpCode(200)
  @ApiOperation({ summary: '报警与公安反馈 (record when police were told, the receipt, their feedback)' })
  @ApiOkResponse({ type: CaseDetailView })
  @ApiErrors(WRITE)
  police(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string, @Body() dto: PoliceDto): Promise<CaseDetailView> {
    return this.records.recordPolice(actor, id, dto);
  }

  // The hotline reads the timeline of what it filed (a return's reason is there), while the case is in its scope.
  @Roles(...INTAKE_READERS)
  @Get(':id/timeline')
  @ApiOperation({ summary: '时间线 (the case timeline), hash-chained and verified' })
  @ApiOkResponse({ type: TimelineView })
  @ApiErrors(READ_ONE)
  async timelineOf(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<TimelineView> {
    await this.queries.assertInScope(actor, id);
    const [events, verdict] = await Promise.all([this.timeline.list(id), this.timeline.verify(id)]);
    return { events, verified: verdict.valid };
  }

  @Roles(...CASE_READERS)
  @Get(':id/timeline/verify')
  @ApiOperation({ summary: '校验时间线 (recompute the timeline’s hash chain)' })
  @ApiOkResponse({ type: ChainVerdictView })
  @ApiErrors(READ_ONE)
  async verify(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<ChainVerdictView> {
    await this.queries.assertInScope(actor, id);
    return this.timeline.verify(id);
  }

  @Roles(...CASE_READERS)
  @Get(':id/deadlines')
  @ApiOperation({ summary: '时限 (the case’s deadlines)' })
  @ApiOkResponse({ type: [DeadlineView] })
  @ApiErrors(READ_ONE)
  async deadlinesOf(@CurrentActor() actor: Actor, @Param('id', UuidParamPipe) id: string): Promise<DeadlineView[]> {
    await this.queries.assertInScope(actor, id);
    return this.deadlines.deadlinesOf(id);
  }
}
