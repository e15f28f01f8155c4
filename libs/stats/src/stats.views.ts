import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

/** Counts keyed by a code (a status, a category…): only the codes that occur. */
const counts = (example: Record<string, number>, description: string) =>
  ({ type: 'object', additionalProperties: { type: 'integer' }, example, description }) as const;

export class Share {
  @ApiProperty({ type: 'integer', minimum: 0 }) numerator: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) denominator: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    example: 0.125,
    description: 'numerator / denominator to four places; null when there is nothing to divide',
  })
  share: number | null;
}

export class StatsPeriodView {
  @ApiProperty({ format: 'date-time', description: 'inclusive' }) from: string;
  @ApiProperty({ format: 'date-time', description: 'exclusive' }) to: string;
}

export class StatsScopeView {
  @ApiProperty({ format: 'uuid' }) districtId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the whole district' }) streetId: string | null;
}

export class StreetCountView {
  @ApiProperty({ format: 'uuid' }) streetId: string;
  @ApiProperty({ example: '新安街道' }) name: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) cases: number;
}

export class SexAgeCountView {
  @ApiProperty({ example: 'female' }) sex: string;
  @ApiProperty({ enum: ['0-2', '3-5', '6-11', '12-13', '14-15', '16-17'] }) ageBand: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) cases: number;
}

export class StreetBreachRateView {
  @ApiProperty({ format: 'uuid' }) streetId: string;
  @ApiProperty({ example: '新安街道' }) name: string;
  @ApiProperty({ type: Share }) rate: Share;
}

export class MedianHoursView {
  @ApiProperty({ type: Number, nullable: true, example: 20.5 }) reportToAcceptance: number | null;
  @ApiProperty({ type: Number, nullable: true }) reportToAssessment: number | null;
  @ApiProperty({ type: Number, nullable: true }) reportToIntervention: number | null;
}

export class WorkerLoadView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 'dir-xa-01' }) username: string;
  @ApiProperty({ example: 'community_director' }) role: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) openCases: number;
}

/** GET /api/stats: the district's indicators (domain.md §10), de-identified: counts, shares and medians only. */
export class DistrictStats {
  @ApiProperty({ type: StatsPeriodView }) period: StatsPeriodView;
  @ApiProperty({ type: StatsScopeView }) scope: StatsScopeView;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'cases reported in the period, drafts excluded' }) totalCases: number;
  @ApiProperty(counts({ submitted: 3, assessing: 5 }, 'by status')) byStatus: Record<string, number>;
  @ApiProperty(counts({ V01: 4, N02: 2 }, 'by category code (a case counts once per category)')) byCategory: Record<string, number>;
  @ApiProperty(counts({ mandatory_institution: 6 }, 'by the reporter type of each case’s first report')) byReporterType: Record<string, number>;
  @ApiProperty(counts({ R2: 3, R3: 5 }, 'by risk level')) byRiskLevel: Record<string, number>;
  @ApiProperty({ type: [StreetCountView] }) byStreet: StreetCountView[];
  @ApiProperty({ type: [SexAgeCountView] }) bySexAndAgeBand: SexAgeCountView[];
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(Share) }, description: 'breached / concluded deadlines, by deadline kind' })
  breachRateByStep: Record<string, Share>;
  @ApiProperty({ type: [StreetBreachRateView] }) breachRateByStreet: StreetBreachRateView[];
  @ApiProperty({ type: MedianHoursView, description: 'median hours from report to each step' }) medianHours: MedianHoursView;
  @ApiProperty({ type: Share, description: 'police told within the window, of the cases that had to be reported' }) policeToldOnTime: Share;
  @ApiProperty({ type: Share }) policeFeedbackWithin3Days: Share;
  @ApiProperty({ type: Share }) reReportWithin90Days: Share;
  @ApiProperty({ type: [WorkerLoadView] }) openCasesPerWorker: WorkerLoadView[];
}
