/**
 * The statutory rules of a report (domain.md §2–§4) in the browser. The rules themselves
 * are the server's: libs/cases/src/statutory-rules.ts is framework-free (its one import
 * besides domain.ts is a type), so the bundle takes it as it is and the console can never
 * disagree with the API. This module only adapts the console's string codes to the
 * server's enums and puts the results into Chinese.
 */
import {
  policeMustBeTold,
  type ReporterType as DomainReporterType,
  type RiskLevel as DomainRiskLevel,
  type Sex as DomainSex,
} from '../../../../libs/cases/src/domain';
import {
  ageOn as ageOnDay,
  dayInChina,
  intakeProblems as sharedIntakeProblems,
  isBelowFloor,
  riskFloor as sharedRiskFloor,
  type RiskFloor,
} from '../../../../libs/cases/src/statutory-rules';
import { categoryText, mandatoryItemShort, messageText, type RiskLevel } from '../i18n/labels';

/** The lowest risk a report allows, in the console's types (`reasons` as the server words them). */
export interface Floor {
  level: RiskLevel;
  /** What sets it, as the API says it: "mandatory item 2", "N02", "emergency placement needed". */
  reasons: string[];
}

/** The floor set by categories, mandatory items and a stated need for emergency placement (domain.md §4). */
export function riskFloor(f: { categories: readonly string[]; mandatoryItems: readonly number[]; needsEmergencyPlacement?: boolean }): Floor | null {
  const floor: RiskFloor | null = sharedRiskFloor(f);
  return floor && { level: floor.level as RiskLevel, reasons: floor.reasons };
}

/** Is `level` less urgent than the floor allows? (R1 is the most urgent.) */
export const belowFloor = (level: RiskLevel | null | undefined, floor: Floor | null | undefined): boolean =>
  !!level && !!floor && isBelowFloor(level as DomainRiskLevel, { level: floor.level as DomainRiskLevel, reasons: floor.reasons });

/** One reason of a floor in Chinese: "mandatory item 2" → "强制报告第2项", "N02" → "N02 无人照料". */
export function floorReasonText(reason: string): string {
  const item = /^mandatory item (\d)$/.exec(reason);
  if (item) return mandatoryItemShort(Number(item[1]));
  if (reason === 'emergency placement needed') return '儿童需要紧急安置';
  return categoryText(reason);
}

/** "R1 紧急（强制报告第2项、儿童需要紧急安置）" parts: the reasons joined for a sentence. */
export const floorReasonsText = (floor: Floor): string => floor.reasons.map(floorReasonText).join('、');

/** Police must be told (or why not given) for any V* category or any mandatory item. */
export const policeDue = (categories: readonly string[], items: readonly number[]): boolean => policeMustBeTold(categories, items);

export interface IntakeInput {
  categories: readonly string[];
  mandatoryItems: readonly number[];
  sex?: string;
  /** YYYY-MM-DD */
  birthDate?: string;
  reporterType?: string;
  anonymous?: boolean;
  /** ISO date-time of the discovery. */
  discoveredAt?: string;
}

/**
 * What intake would refuse (anonymity, N02/N03 against the age, items 2 and 3 against
 * sex and age, on the discovery date), by API field ("categories", "mandatoryItems",
 * "report.anonymous"), each message in Chinese. The age checks need the birth date and
 * the discovery time; without them only anonymity is checked.
 */
export function intakeProblems(f: IntakeInput): { field: string; message: string }[] {
  const dated = !!f.birthDate && !!f.discoveredAt;
  const problems = sharedIntakeProblems({
    categories: dated ? f.categories : [],
    mandatoryItems: dated ? f.mandatoryItems : [],
    child: { sex: (f.sex ?? 'unknown') as DomainSex, birthDate: f.birthDate ?? '2000-01-01' },
    report: {
      reporterType: (f.reporterType ?? 'internal_discovery') as DomainReporterType,
      anonymous: f.anonymous,
      discoveredAt: f.discoveredAt ?? new Date(),
    },
  });
  return problems.map((p) => ({ field: p.field, message: messageText(p.message) }));
}

/** Whole years of age on the day (in China) of an instant. */
export const ageAt = (birthDate: string, at: string | Date): number => ageOnDay(birthDate, dayInChina(typeof at === 'string' ? new Date(at) : at));
