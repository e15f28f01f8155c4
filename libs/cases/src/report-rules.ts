/**
 * What a report must carry (domain.md §5) and how it is stored: the checks the
 * DTOs cannot make alone, shared by intake, submission and further reports.
 */
import type { Actor } from '@shouhu/access';
import { birthDateOfNationalId, isValidNationalId } from '@shouhu/access';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { CaseErrors } from './cases.errors';
import { policeMustBeTold, RiskLevel, Sex } from './domain';
import type { CreateCaseDto } from './dto/case.dto';
import type { Report } from './entities/report.entity';
import { sortedUnique } from './lists';
import { intakeProblems, isBelowFloor, riskFloor, RiskFloor } from './statutory-rules';

/**
 * The statutory intake checks of one report (domain.md §2–4): anonymity, the ages N02,
 * N03 and items 2–3 need, then the risk floor. 400 naming every field wrong, or 422
 * RISK_BELOW_FLOOR naming the risk field.
 */
export function checkIntake(
  f: {
    categories: readonly string[];
    mandatoryItems: readonly number[];
    needsEmergencyPlacement?: boolean;
    child: { sex: Sex; birthDate: string };
    report: { reporterType: CreateCaseDto['report']['reporterType']; anonymous?: boolean; discoveredAt: string };
    riskLevel?: RiskLevel | null;
  },
  fields: { prefix?: string; riskField: string },
): void {
  const problems = intakeProblems(f, fields.prefix);
  if (problems.length) throw CaseErrors.invalidInput(problems);
  checkRiskFloor(f.riskLevel ?? null, riskFloor(f), fields.riskField);
}

/** A risk level below the floor is refused, naming the field and what sets the floor. */
export function checkRiskFloor(level: RiskLevel | null, floor: RiskFloor | null, field: string): void {
  if (level && floor && isBelowFloor(level, floor)) {
    throw CaseErrors.riskBelowFloor(field, floor, `${level} is below the risk floor ${floor.level} set by ${floor.reasons.join(', ')}`);
  }
}

/** The ID number's check digit and birth date agree with the child's. */
export function checkChild(dto: CreateCaseDto): void {
  const id = dto.child.idNumber;
  if (id === undefined) return;
  if (!isValidNationalId(id)) throw CaseErrors.invalid('child.idNumber', 'is not a valid national ID number (check digit)');
  if (birthDateOfNationalId(id) !== dto.child.birthDate) throw CaseErrors.invalid('child.birthDate', 'does not match the birth date in child.idNumber');
}

/** An anonymous report names nobody. */
export function checkReporter(report: { anonymous?: boolean; reporterName?: string; reporterOrg?: string; reporterPhone?: string }, prefix: string): void {
  if (!report.anonymous) return;
  for (const field of ['reporterName', 'reporterOrg', 'reporterPhone'] as const) {
    if (report[field]) throw CaseErrors.invalid(`${prefix}.${field}`, 'must be empty for an anonymous report');
  }
}

/** A submitted report needs a narrative; violence or a mandatory item needs the police information (domain.md §5). */
export function checkSubmittable(
  categories: string[],
  mandatoryItems: number[],
  narrative: string | null | undefined,
  police: { reportedAt?: string | Date | null; notReportedReason?: string | null } | undefined,
  narrativeField: string,
  policeField: string,
): void {
  if (!narrative) throw CaseErrors.missing([narrativeField]);
  if (policeMustBeTold(categories, mandatoryItems) && !police?.reportedAt && !police?.notReportedReason) {
    throw new DomainError(ErrorCode.ValidationFailed, 'violence categories and mandatory items need when police were told, or why not', [
      { field: `${policeField}.reportedAt`, message: 'is required for V* categories or mandatory items (or give police.notReportedReason)' },
    ]);
  }
}

/** The report row to store: an anonymous report keeps no reporter, whatever was sent. */
export function reportRow(
  actor: Actor,
  caseId: string,
  input: CreateCaseDto['report'],
  extra: { categories: string[]; mandatoryItems: number[]; riskEstimate: RiskLevel | null; linked: boolean },
): Partial<Report> {
  const anonymous = input.anonymous ?? false;
  return {
    caseId,
    reporterType: input.reporterType,
    anonymous,
    reporterName: anonymous ? null : (input.reporterName ?? null),
    reporterOrg: anonymous ? null : (input.reporterOrg ?? null),
    reporterPhone: anonymous ? null : (input.reporterPhone ?? null),
    discoveredAt: new Date(input.discoveredAt),
    location: input.location ?? null,
    narrative: input.narrative ?? null,
    categories: extra.categories,
    mandatoryItems: sortedUnique(extra.mandatoryItems),
    riskEstimate: extra.riskEstimate,
    linked: extra.linked,
    filedById: actor.id,
  };
}
