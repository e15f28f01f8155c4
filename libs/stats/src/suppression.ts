/**
 * Small-cell suppression (domain.md §9): the one method every narrow count of
 * /api/stats goes through. Pure: no Nest, no SQL.
 *
 * The figures are cells with additive relations between them (the streets of a
 * district add up to the district, the statuses of a street add up to the street…):
 *
 * - a `fixed` cell is a district-wide figure, always shown as a number;
 * - a `narrow` cell is a count of a breakdown narrower than the district (a street,
 *   a sex × age band, a worker), shown unless suppressed;
 * - a `virtual` cell is never shown but follows from shown ones (deadlines met =
 *   concluded − breached): it must not be recoverable either when it is 1–4.
 *
 * The method:
 * 1. Primary suppression: every narrow cell of 1–4 is withheld ("<5").
 * 2. Audit: a reader knows every shown cell and every relation. Repeatedly, a relation
 *    with exactly one unknown cell gives that cell away (subtraction, also in chains
 *    across relations); a relation whose unknown parts must add up to 0 gives each of
 *    them away (counts are never negative); and unknown parts that are all 1–4 and add
 *    up to exactly 1 or exactly 4 each (two cells of 1 in a total of 2) give themselves
 *    away too.
 * 3. Complementary suppression: for the first relation (in the order a reader
 *    works things out) that gave a withheld or 1–4 cell away, the smallest shown
 *    narrow cell of that relation is withheld as well: a 0 before any other, so the
 *    marker stays literally true where it can; a 0 that belongs to a relation whose
 *    total is 0 (an empty street's figures) only when nothing else is left; ties in
 *    the order the relation lists its cells. When the relation has no shown narrow
 *    cell left, the relation that gave away one of its other cells is treated instead.
 * 4. Repeat 2–3 until nothing more is given away. What no suppression can hide (the
 *    only street with cases of some kind is the district) is counted as unprotected;
 *    its counts are still withheld.
 *
 * Withheld cells are shown as "<5": a count of 1–4, or one withheld so that such a
 * count cannot be worked out (it may then be 0 or 5 or more). The method is
 * deterministic, so the same data always shows the same cells withheld, whichever
 * answer (the district, or one street of it) shows them.
 */

/** The marker of a withheld count. */
export const SMALL = '<5' as const;

/** A count as /api/stats shows it: the number, or "<5" when withheld. */
export type Cell = number | typeof SMALL;

export type CellKind = 'fixed' | 'narrow' | 'virtual';

export interface CellSpec {
  id: string;
  value: number;
  kind: CellKind;
}

/** Σ parts = total. */
export interface Relation {
  parts: string[];
  total: string;
}

export interface SuppressionResult {
  /** The narrow cells shown as "<5". */
  withheld: Set<string>;
  /** Relations whose exposure no further suppression could prevent (e.g. a district of one street, where the street is the district). */
  unprotected: number;
}

export const isSmall = (n: number): boolean => n >= 1 && n <= 4;

/** Relations that depend on each other through cells a reader may not know, and their cells. */
interface Component {
  relations: number[];
  cells: number[];
}

interface Audit {
  /** Cells a reader knows (shown, or worked out), with the relation that gave each worked-out one away. */
  known: Set<number>;
  derivedBy: Map<number, number>;
  /** Relations that give away a sensitive cell, in the order a reader finds them (the first is nearest the cause). */
  exposing: number[];
}

/**
 * Decides which narrow cells are withheld. Throws on a relation naming an unknown
 * cell or a cell declared twice: the caller's table of relations is wrong.
 */
export function suppress(cells: readonly CellSpec[], relations: readonly Relation[]): SuppressionResult {
  const index = new Map<string, number>();
  cells.forEach((c, i) => {
    if (index.has(c.id)) throw new Error(`cell ${c.id} declared twice`);
    if (!Number.isInteger(c.value) || c.value < 0) throw new Error(`cell ${c.id}: a count must be a whole number ≥ 0`);
    index.set(c.id, i);
  });
  const at = (id: string): number => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`relation names unknown cell ${id}`);
    return i;
  };
  // Each relation as cell indexes: parts first, the total last.
  const rels = relations.map((r) => ({ parts: r.parts.map(at), total: at(r.total) }));
  const members = rels.map((r) => [...r.parts, r.total]);
  const value = (i: number) => cells[i].value;
  const kind = (i: number) => cells[i].kind;

  const withheld = new Set<number>();
  cells.forEach((c, i) => {
    if (c.kind === 'narrow' && isSmall(c.value)) withheld.add(i);
  });
  // A 0 inside a relation whose total is 0 (an empty street's figures) is known as soon as that total is shown:
  // withholding it hides little, and draws the total and its relations in. It is the last choice of a complement.
  const forcedZero = new Set<number>();
  rels.forEach((r, ri) => {
    if (value(r.total) === 0) for (const i of members[ri]) forcedZero.add(i);
  });
  const sensitive = (i: number) => withheld.has(i) || (kind(i) === 'virtual' && isSmall(value(i)));

  const relationsOf: number[][] = cells.map(() => []);
  members.forEach((m, ri) => m.forEach((i) => relationsOf[i].push(ri)));

  // Relations that share a cell a reader may not know (not a fixed one) depend on each other; the others do
  // not, so each group of them (a table, one category across the streets…) is audited on its own.
  const root = cells.map((_, i) => i);
  const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i])));
  members.forEach((m) => {
    const open = m.filter((i) => kind(i) !== 'fixed');
    for (const i of open.slice(1)) root[find(i)] = find(open[0]);
  });
  const byRoot = new Map<number, Component>();
  members.forEach((m, ri) => {
    const open = m.find((i) => kind(i) !== 'fixed');
    if (open === undefined) return;
    const key = find(open);
    const c = byRoot.get(key) ?? { relations: [], cells: [] };
    c.relations.push(ri);
    byRoot.set(key, c);
  });
  const components = [...byRoot.values()].map((c) => ({ relations: c.relations, cells: [...new Set(c.relations.flatMap((ri) => members[ri]))] }));

  /**
   * What a reader works out from the shown cells of one component: a worklist over its
   * relations, each looked at again when one of its cells becomes known.
   */
  const audit = (component: Component): Audit => {
    const known = new Set<number>();
    for (const i of component.cells) if (kind(i) === 'fixed' || (kind(i) === 'narrow' && !withheld.has(i))) known.add(i);
    const derivedBy = new Map<number, number>();
    const exposing: number[] = [];
    const flagged = new Set<number>();
    const expose = (r: number) => {
      if (!flagged.has(r)) {
        flagged.add(r);
        exposing.push(r);
      }
    };
    const queue: number[] = [...component.relations];
    const queued = new Set(queue);
    const learn = (i: number, r: number) => {
      known.add(i);
      derivedBy.set(i, r);
      if (sensitive(i)) expose(r);
      for (const next of relationsOf[i]) {
        if (!queued.has(next)) {
          queued.add(next);
          queue.push(next);
        }
      }
    };
    for (let q = 0; q < queue.length; q += 1) {
      const ri = queue[q];
      queued.delete(ri);
      const r = rels[ri];
      const unknown = members[ri].filter((i) => !known.has(i));
      if (unknown.length === 0) continue;
      if (unknown.length === 1) {
        learn(unknown[0], ri);
        continue;
      }
      if (!known.has(r.total)) continue;
      // Only parts are unknown: their sum is known.
      const rest = value(r.total) - r.parts.filter((i) => known.has(i)).reduce((sum, i) => sum + value(i), 0);
      if (rest === 0) {
        for (const i of unknown) learn(i, ri);
      } else if (unknown.every((i) => withheld.has(i) && isSmall(value(i))) && (rest === unknown.length || rest === 4 * unknown.length)) {
        expose(ri);
      }
    }
    return { known, derivedBy, exposing };
  };

  /** The shown narrow cell to withhold so that relation `ri` gives nothing away; null when there is none. */
  const complementFor = (ri: number, a: Audit, seen: Set<number>): number | null => {
    if (seen.has(ri)) return null;
    seen.add(ri);
    const shown = members[ri].filter((i) => kind(i) === 'narrow' && !withheld.has(i));
    // The smallest, a 0 first; a 0 that a total of 0 gives away only when nothing else is left. Ties: the relation's order.
    const rank = (i: number) => (forcedZero.has(i) ? Number.MAX_SAFE_INTEGER : value(i));
    if (shown.length > 0) return shown.reduce((best, i) => (rank(i) < rank(best) ? i : best));
    for (const i of members[ri]) {
      const via = a.derivedBy.get(i);
      if (via === undefined || via === ri) continue;
      const pick = complementFor(via, a, seen);
      if (pick !== null) return pick;
    }
    return null;
  };

  const givenUp = new Set<number>();
  for (const component of components) {
    for (;;) {
      const a = audit(component);
      const open = a.exposing.filter((ri) => !givenUp.has(ri));
      if (open.length === 0) break;
      // One complement per round, then audit again: a single complement often settles several relations.
      let pick: number | null = null;
      for (const ri of open) {
        pick = complementFor(ri, a, new Set());
        if (pick !== null) break;
        givenUp.add(ri);
      }
      if (pick === null) break;
      withheld.add(pick);
    }
  }

  return { withheld: new Set([...withheld].map((i) => cells[i].id)), unprotected: givenUp.size };
}

/**
 * The cells after suppression, by id. A cell that was never declared reads as 0:
 * the breakdowns list only the codes that occur, and an absent code is a shown 0.
 */
export class Disclosure {
  private readonly values = new Map<string, number>();

  constructor(
    cells: readonly CellSpec[],
    readonly result: SuppressionResult,
  ) {
    for (const c of cells) this.values.set(c.id, c.value);
  }

  /** The true count (for rules such as alerts; never shown as such when withheld). */
  value(id: string): number {
    return this.values.get(id) ?? 0;
  }

  isWithheld(id: string): boolean {
    return this.result.withheld.has(id);
  }

  /** The count as shown: the number, or "<5". */
  cell(id: string): Cell {
    return this.isWithheld(id) ? SMALL : this.value(id);
  }

  /** Shown in a breakdown that lists only the codes that occur: a non-zero count, or a withheld one. */
  listed(id: string): boolean {
    return this.value(id) !== 0 || this.isWithheld(id);
  }
}
