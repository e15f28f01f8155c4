import { ApiProperty, ApiPropertyOptions, getSchemaPath } from '@nestjs/swagger';
import type { Cell } from './suppression';

const CELL_DESCRIPTION =
  'a count, or "<5" when withheld (small-cell suppression, domain.md §9): counts of 1–4 in anything narrower than the district, ' +
  'and, where needed, a second count withheld with them so that none can be worked out from a total (that one may be 0 or 5 or more)';

/** A count that may be withheld: an integer, or "<5". */
const cellSchema = () =>
  ({
    oneOf: [
      { type: 'integer', minimum: 0 },
      { type: 'string', enum: ['<5'] },
    ],
  }) satisfies ApiPropertyOptions;

const cell = (description = CELL_DESCRIPTION): ApiPropertyOptions => ({ ...cellSchema(), description });

/** Counts keyed by a code (a status, a category…): only the codes that occur. */
const counts = (example: Record<string, number | string>, description: string): ApiPropertyOptions => ({
  type: 'object',
  additionalProperties: cellSchema(),
  example,
  description: `${description}; only the codes that occur`,
});

export class Share {
  @ApiProperty(cell()) numerator: Cell;
  @ApiProperty(cell()) denominator: Cell;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    example: 0.125,
    description: 'numerator / denominator to four places; null when there is nothing to divide, or when withheld (`suppressed`)',
  })
  share: number | null;
  @ApiProperty({ description: 'true: the share is withheld (null) because its numerator or denominator is; never for district-wide figures' })
  suppressed: boolean;
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
  @ApiProperty(cell()) cases: Cell;
}

export class SexAgeCountView {
  @ApiProperty({ enum: ['female', 'male', 'unknown'] }) sex: string;
  @ApiProperty({ enum: ['0-2', '3-5', '6-11', '12-13', '14-15', '16-17'] }) ageBand: string;
  @ApiProperty(cell()) cases: Cell;
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
  @ApiProperty(cell()) openCases: Cell;
}

export enum AlertIndicator {
  BreachRate = 'breach_rate',
  RereportRate = 'rereport_rate',
}

export enum AlertScope {
  District = 'district',
  Street = 'street',
  Step = 'step',
}

/** An indicator past its threshold. De-identified: a rate, a street or a deadline kind, never a case. */
export class StatsAlertView {
  @ApiProperty({ enum: AlertIndicator, enumName: 'StatsAlertIndicator' }) indicator: AlertIndicator;
  @ApiProperty({
    enum: AlertScope,
    enumName: 'StatsAlertScope',
    description: 'what the rate is taken over: the answer’s whole scope, one street, or one step (deadline kind)',
  })
  scope: AlertScope;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'accept_report',
    description: 'the street id (scope street) or the deadline kind (scope step); null for the district',
  })
  key: string | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 1, description: 'the rate; null when withheld like the share it comes from' }) value:
    number | null;
  @ApiProperty({ type: Number, minimum: 0, maximum: 1, description: 'STATS_ALERT_BREACH_RATE or STATS_ALERT_REREPORT_RATE' }) threshold: number;
  @ApiProperty(cell()) numerator: Cell;
  @ApiProperty(cell()) denominator: Cell;
  @ApiProperty({ description: 'true: value withheld (small-cell suppression); the rate is still past the threshold' }) suppressed: boolean;
  @ApiProperty({ example: '期限超时率 breach rate · 受理 accept or return: 40% > 20%', description: 'a de-identified label, Chinese with English' })
  label: string;
}

/** GET /api/stats: the district's indicators (domain.md §10), de-identified: counts, shares and medians only. */
export class DistrictStats {
  @ApiProperty({ type: StatsPeriodView }) period: StatsPeriodView;
  @ApiProperty({ type: StatsScopeView }) scope: StatsScopeView;
  @ApiProperty({ format: 'date-time', description: 'when these figures were computed' }) asOf: string;
  @ApiProperty(cell('cases reported in the period, drafts excluded (withheld when 1–4 in a street’s answer)')) totalCases: Cell;
  @ApiProperty(counts({ submitted: 3, assessing: 5 }, 'by status')) byStatus: Record<string, Cell>;
  @ApiProperty(counts({ V01: 4, N02: '<5' }, 'by category code (a case counts once per category)')) byCategory: Record<string, Cell>;
  @ApiProperty(
    counts(
      { mandatory_institution: 6, guardian: '<5' },
      'every report that reached the system in the period, by reporter type: a case’s first report, further reports and reports linked to an open case alike (a draft’s report counts when the case is submitted)',
    ),
  )
  byReporterType: Record<string, Cell>;
  @ApiProperty(counts({ R2: 3, R3: 5 }, 'by risk level')) byRiskLevel: Record<string, Cell>;
  @ApiProperty({
    type: [StreetCountView],
    description: 'every street of the scope, with or without cases; unlocated cases (no street yet) count in totalCases and in no street',
  })
  byStreet: StreetCountView[];
  @ApiProperty({ type: [SexAgeCountView], description: 'the sex × age-band cells that occur (age at the report)' }) bySexAndAgeBand: SexAgeCountView[];
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(Share) }, description: 'breached / concluded deadlines, by deadline kind' })
  breachRateByStep: Record<string, Share>;
  @ApiProperty({ type: [StreetBreachRateView] }) breachRateByStreet: StreetBreachRateView[];
  @ApiProperty({ type: MedianHoursView, description: 'median hours from report to each step' }) medianHours: MedianHoursView;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 5.5,
    description:
      'median hours from discovery to the report being filed, over the period’s reports by mandatory reporters (mandatory_institution, mandatory_staff)',
  })
  reportDelayHours: number | null;
  @ApiProperty({
    type: [String],
    example: ['medianHours.reportToAcceptance', 'reportDelayHours'],
    description: 'medians withheld (null) because they were taken over 1–4 cases or reports of one street',
  })
  suppressedMedians: string[];
  @ApiProperty({ type: Share, description: 'police told within the window, of the cases that had to be reported' }) policeToldOnTime: Share;
  @ApiProperty({ type: Share }) policeFeedbackWithin3Days: Share;
  @ApiProperty({ type: Share }) reReportWithin90Days: Share;
  @ApiProperty({ type: [WorkerLoadView], description: 'open cases now (not only the period’s), by assignee' }) openCasesPerWorker: WorkerLoadView[];
  @ApiProperty({
    type: [StatsAlertView],
    description:
      'indicators past their thresholds: the breach rate of each step and each street above STATS_ALERT_BREACH_RATE, the re-report rate above ' +
      'STATS_ALERT_REREPORT_RATE; a rate over fewer than 5 (deadlines or cases) never alerts',
  })
  alerts: StatsAlertView[];
}
