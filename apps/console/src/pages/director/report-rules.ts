/**
 * The intake rules of domain.md §2–§5, checked in the browser before a report is sent
 * (the server checks them again). Pure functions: easy to read against domain.md.
 */
import { isViolenceCategory, RISK_LEVELS, type RiskLevel } from '../../i18n/labels';

export interface Floor {
  level: RiskLevel;
  because: string[];
}

/**
 * The lowest risk a report may be filed at (domain.md §4): mandatory items 1–3, 5, 7,
 * N02, or a stated need for emergency placement → R1; items 4, 6, 8, 9, V01–V03, N03 → R2.
 */
export function riskFloor(categories: readonly string[], items: readonly number[], emergencyPlacement: boolean): Floor | null {
  const r1: string[] = [];
  const r2: string[] = [];
  for (const n of items) {
    if ([1, 2, 3, 5, 7].includes(n)) r1.push(`强制报告第${n}项`);
    else if ([4, 6, 8, 9].includes(n)) r2.push(`强制报告第${n}项`);
  }
  if (categories.includes('N02')) r1.push('N02 无人照料');
  if (emergencyPlacement) r1.push('需要紧急安置');
  for (const c of ['V01', 'V02', 'V03', 'N03']) if (categories.includes(c)) r2.push(c);
  if (r1.length) return { level: 'R1', because: r1 };
  if (r2.length) return { level: 'R2', because: r2 };
  return null;
}

/** R1 is "higher" than R2: is `level` below the floor? */
export const belowFloor = (level: RiskLevel, floor: Floor | null): boolean => !!floor && RISK_LEVELS.indexOf(level) > RISK_LEVELS.indexOf(floor.level);

/** Police must be told (or why not given) for any V* category or any mandatory item. */
export const policeDue = (categories: readonly string[], items: readonly number[]): boolean => categories.some(isViolenceCategory) || items.length > 0;

/** Age/sex rules of categories and items (domain.md §3), given the age on the discovery date. */
export function categoryProblems(categories: readonly string[], age: number | null): string[] {
  if (age === null) return [];
  const out: string[] = [];
  if (categories.includes('N02') && age >= 8) out.push(`N02 无人照料只适用于不满8周岁的儿童（发现时 ${age} 周岁）`);
  if (categories.includes('N03') && age >= 16) out.push(`N03 未满16周岁单独生活只适用于未满16周岁的儿童（发现时 ${age} 周岁）`);
  return out;
}

export function itemProblems(items: readonly number[], sex: string | undefined, age: number | null): string[] {
  const out: string[] = [];
  if (sex === 'male' && (items.includes(2) || items.includes(3))) out.push('强制报告第2、3项只适用于女性（或性别不详的）未成年人');
  if (age !== null && items.includes(2) && age >= 14) out.push(`强制报告第2项适用于不满14周岁（发现时 ${age} 周岁）`);
  if (age !== null && items.includes(3) && age < 14) out.push(`强制报告第3项适用于14周岁以上（发现时 ${age} 周岁）`);
  return out;
}
