/**
 * Which of the district's figures are withheld: every count of /api/stats as a cell,
 * with the sums that tie them together, run through the one suppression method
 * (suppression.ts). The plan is made for the whole district even when one street is
 * asked for, so the district's answer and each street's answer withhold the same
 * cells: no answer undoes another's suppression by subtraction.
 *
 * The cells (s = a street, k = a code):
 * - fixed (district-wide, always numbers): total cases T; status, risk, category and
 *   reporter-type counts; breached, met and concluded deadlines by kind and overall;
 *   the numerators and denominators of the district's shares;
 * - narrow (withheld when 1–4): cases of a street t:s (= a street's totalCases and its
 *   re-report denominator); every count of a street; the sex × age-band cells of the
 *   district and of each street; each street's breach numerator and denominator; open
 *   cases per worker, district-wide and per street;
 * - virtual (never shown, protected when 1–4): met deadlines and the complements of
 *   the shares (cases told late, cases not re-reported…), numerator + virtual = denominator.
 */
import type { DistrictFigures, StreetRatio, StreetTally } from './stats.repository';
import { CellKind, CellSpec, Disclosure, Relation, suppress } from './suppression';

/**
 * The bucket of unlocated cases (hotline reports not routed to a community yet: no street).
 * They count in the district's totals and sit in this pseudo-street of the figures, so the
 * district's sums still hold and the suppression plan protects them like a street (the
 * district total minus the listed streets would show them otherwise); the answers list
 * real streets only (stats-view.ts), and the medians leave them out (an unlocated case has
 * no acceptance yet, and its report delay counts in the district's median).
 */
export const UNLOCATED = 'unlocated';

/** The cell ids. */
export const CellId = {
  total: 'T',
  street: (s: string) => `t:${s}`,
  code: (dim: Dimension, k: string, s?: string) => (s === undefined ? `${dim}:${k}` : `${dim}:${k}:${s}`),
  /** Deadlines of a kind (or all kinds, kind null), breached (N), met (M) or concluded (D); per street or district-wide. */
  breach: (part: 'N' | 'M' | 'D', kind: string | null, s?: string) => ['b' + part, kind ?? '*', ...(s === undefined ? [] : [s])].join(':'),
  /** A share's numerator (N), complement (M) or denominator (D). The re-report denominator is the case count itself. */
  ratio: (r: RatioName, part: 'N' | 'M' | 'D', s?: string) =>
    r === 'rr' && part === 'D' ? (s === undefined ? CellId.total : CellId.street(s)) : [r + part, ...(s === undefined ? [] : [s])].join(':'),
  worker: (w: string, s?: string) => (s === undefined ? `w:${w}` : `w:${w}:${s}`),
} as const;

export type Dimension = 'status' | 'risk' | 'cat' | 'rep' | 'sa';
export type RatioName = 'po' | 'fb' | 'rr';

/** The dimensions: their figures, whether the district-wide counts are narrow, and whether a street's counts add up to its cases. */
const DIMENSIONS: { dim: Dimension; of: (f: DistrictFigures) => StreetTally[]; narrowInDistrict: boolean; partitionsCases: boolean }[] = [
  { dim: 'status', of: (f) => f.byStatus, narrowInDistrict: false, partitionsCases: true },
  { dim: 'risk', of: (f) => f.byRisk, narrowInDistrict: false, partitionsCases: true },
  // A case counts once per category: no sum over categories.
  { dim: 'cat', of: (f) => f.byCategory, narrowInDistrict: false, partitionsCases: false },
  // Reports, not cases: a case has one or more.
  { dim: 'rep', of: (f) => f.byReporter, narrowInDistrict: false, partitionsCases: false },
  // Sex × age band is narrower than the district even district-wide (domain.md §9).
  { dim: 'sa', of: (f) => f.bySexAge, narrowInDistrict: true, partitionsCases: true },
];

const RATIOS: { r: RatioName; of: (f: DistrictFigures) => StreetRatio[] }[] = [
  { r: 'po', of: (f) => f.police },
  { r: 'fb', of: (f) => f.feedback },
  { r: 'rr', of: (f) => f.rereport },
];

const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort();

/** The streets of the figures: the district's, plus any a row names (a case's street is always one of them). */
export function streetIdsOf(f: DistrictFigures): string[] {
  const listed = f.streets.map((s) => s.id);
  const extra = sorted([...f.byStatus, ...f.byReporter, ...f.breach.map((b) => ({ street: b.street })), ...f.workers].map((r) => r.street)).filter(
    (s) => !listed.includes(s),
  );
  return [...listed, ...extra];
}

/** The cells and relations of a district's figures. */
export function disclosureCells(f: DistrictFigures): { cells: CellSpec[]; relations: Relation[] } {
  const cells: CellSpec[] = [];
  const relations: Relation[] = [];
  const add = (id: string, value: number, kind: CellKind) => cells.push({ id, value, kind });
  const sum = (id: string, parts: string[]) => relations.push({ parts, total: id });
  const streets = streetIdsOf(f);

  const cases = new Map<string, number>();
  for (const r of f.byStatus) cases.set(r.street, (cases.get(r.street) ?? 0) + r.n);
  add(
    CellId.total,
    [...cases.values()].reduce((a, b) => a + b, 0),
    'fixed',
  );
  for (const s of streets) add(CellId.street(s), cases.get(s) ?? 0, 'narrow');
  sum(
    CellId.total,
    streets.map((s) => CellId.street(s)),
  );

  for (const { dim, of, narrowInDistrict, partitionsCases } of DIMENSIONS) {
    const rows = of(f);
    const keys = sorted(rows.map((r) => r.key));
    const at = new Map(rows.map((r) => [`${r.key}\u0000${r.street}`, r.n]));
    for (const k of keys) {
      const perStreet = streets.map((s) => at.get(`${k}\u0000${s}`) ?? 0);
      add(
        CellId.code(dim, k),
        perStreet.reduce((a, b) => a + b, 0),
        narrowInDistrict ? 'narrow' : 'fixed',
      );
      streets.forEach((s, i) => add(CellId.code(dim, k, s), perStreet[i], 'narrow'));
      sum(
        CellId.code(dim, k),
        streets.map((s) => CellId.code(dim, k, s)),
      );
    }
    if (partitionsCases) {
      for (const s of streets)
        sum(
          CellId.street(s),
          keys.map((k) => CellId.code(dim, k, s)),
        );
      if (narrowInDistrict)
        sum(
          CellId.total,
          keys.map((k) => CellId.code(dim, k)),
        );
    }
  }

  // Deadlines: breached + met = concluded, by kind and street, with the sums both ways.
  const kinds = sorted(f.breach.map((b) => b.kind));
  const deadline = new Map(f.breach.map((b) => [`${b.kind}\u0000${b.street}`, b]));
  const parts = ['N', 'M', 'D'] as const;
  const valueOf = (part: 'N' | 'M' | 'D', b: { breached: number; concluded: number } | undefined) =>
    !b ? 0 : part === 'N' ? b.breached : part === 'D' ? b.concluded : b.concluded - b.breached;
  for (const part of parts) {
    const kindOf = (k: string) => streets.reduce((a, s) => a + valueOf(part, deadline.get(`${k}\u0000${s}`)), 0);
    add(
      CellId.breach(part, null),
      kinds.reduce((a, k) => a + kindOf(k), 0),
      'fixed',
    );
    for (const k of kinds) add(CellId.breach(part, k), kindOf(k), 'fixed');
    for (const s of streets) {
      add(
        CellId.breach(part, null, s),
        kinds.reduce((a, k) => a + valueOf(part, deadline.get(`${k}\u0000${s}`)), 0),
        part === 'M' ? 'virtual' : 'narrow',
      );
      for (const k of kinds) add(CellId.breach(part, k, s), valueOf(part, deadline.get(`${k}\u0000${s}`)), part === 'M' ? 'virtual' : 'narrow');
    }
    for (const k of kinds)
      sum(
        CellId.breach(part, k),
        streets.map((s) => CellId.breach(part, k, s)),
      );
    for (const s of streets)
      sum(
        CellId.breach(part, null, s),
        kinds.map((k) => CellId.breach(part, k, s)),
      );
    sum(
      CellId.breach(part, null),
      streets.map((s) => CellId.breach(part, null, s)),
    );
  }
  for (const s of streets) for (const k of [null, ...kinds]) sum(CellId.breach('D', k, s), [CellId.breach('N', k, s), CellId.breach('M', k, s)]);
  for (const k of [null, ...kinds]) sum(CellId.breach('D', k), [CellId.breach('N', k), CellId.breach('M', k)]);

  // Shares: numerator + complement = denominator, per street, with the district's sums.
  for (const { r, of } of RATIOS) {
    const rows = new Map(of(f).map((x) => [x.street, x]));
    const value = (part: 'N' | 'M' | 'D', s: string) => {
      const x = rows.get(s);
      return !x ? 0 : part === 'N' ? x.numerator : part === 'D' ? x.denominator : x.denominator - x.numerator;
    };
    for (const part of parts) {
      // The re-report denominator is the case count, declared above.
      if (r === 'rr' && part === 'D') continue;
      add(
        CellId.ratio(r, part),
        streets.reduce((a, s) => a + value(part, s), 0),
        'fixed',
      );
      for (const s of streets) add(CellId.ratio(r, part, s), value(part, s), part === 'M' ? 'virtual' : 'narrow');
      sum(
        CellId.ratio(r, part),
        streets.map((s) => CellId.ratio(r, part, s)),
      );
    }
    for (const s of streets) sum(CellId.ratio(r, 'D', s), [CellId.ratio(r, 'N', s), CellId.ratio(r, 'M', s)]);
    sum(CellId.ratio(r, 'D'), [CellId.ratio(r, 'N'), CellId.ratio(r, 'M')]);
  }

  // Open cases per worker: district-wide and per street.
  const byWorker = new Map<string, { street: string; n: number }[]>();
  for (const w of f.workers) byWorker.set(w.id, [...(byWorker.get(w.id) ?? []), { street: w.street, n: w.n }]);
  for (const [w, rows] of [...byWorker.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    add(
      CellId.worker(w),
      rows.reduce((a, r) => a + r.n, 0),
      'narrow',
    );
    for (const r of rows) add(CellId.worker(w, r.street), r.n, 'narrow');
    sum(
      CellId.worker(w),
      rows.map((r) => CellId.worker(w, r.street)),
    );
  }

  return { cells, relations };
}

/** The district's figures with their suppression decided. */
export function discloseDistrict(f: DistrictFigures): Disclosure {
  const { cells, relations } = disclosureCells(f);
  return new Disclosure(cells, suppress(cells, relations));
}
