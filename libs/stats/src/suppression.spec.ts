import { CellSpec, Disclosure, Relation, SMALL, suppress } from './suppression';

/** A seeded generator (mulberry32): the random tables are the same on every run. */
function seeded(seed: number): (min: number, max: number) => number {
  let a = seed;
  return (min, max) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return min + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min));
  };
}

const fixed = (id: string, value: number): CellSpec => ({ id, value, kind: 'fixed' });
const narrow = (id: string, value: number): CellSpec => ({ id, value, kind: 'narrow' });
const virtual = (id: string, value: number): CellSpec => ({ id, value, kind: 'virtual' });
const withheld = (cells: CellSpec[], relations: Relation[]) => [...suppress(cells, relations).withheld].sort();

/** A one-way breakdown: narrow cells a, b, c… adding up to a fixed total T. */
function breakdown(values: number[]): { cells: CellSpec[]; relations: Relation[] } {
  const ids = values.map((_, i) => String.fromCharCode(97 + i));
  return {
    cells: [
      fixed(
        'T',
        values.reduce((x, y) => x + y, 0),
      ),
      ...values.map((v, i) => narrow(ids[i], v)),
    ],
    relations: [{ parts: ids, total: 'T' }],
  };
}

/**
 * An independent reader: knows the shown cells and the relations, and works out every
 * cell it can by subtracting (a relation with one unknown cell, repeatedly) or because
 * unknown parts must add up to 0. Returns the ids it learned.
 */
function reader(cells: CellSpec[], relations: Relation[], hidden: Set<string>): Set<string> {
  const value = new Map(cells.map((c) => [c.id, c.value]));
  const known = new Set(cells.filter((c) => c.kind !== 'virtual' && !hidden.has(c.id)).map((c) => c.id));
  const learned = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const r of relations) {
      const all = [...r.parts, r.total];
      const unknown = all.filter((id) => !known.has(id));
      const sumKnown = () => (value.get(r.total) as number) - r.parts.filter((p) => known.has(p)).reduce((s, p) => s + (value.get(p) as number), 0);
      if (unknown.length === 1 || (unknown.length > 1 && known.has(r.total) && sumKnown() === 0)) {
        for (const id of unknown) {
          known.add(id);
          learned.add(id);
        }
        changed = true;
      }
    }
  }
  return learned;
}

describe('small-cell suppression', () => {
  it('withholds every narrow count of 1–4 and shows 0 and 5 or more', () => {
    const { cells, relations } = breakdown([0, 1, 4, 5, 9, 2]);
    // b (1), c (4) and f (2): three withheld, 7 in all, cannot be pinned; nothing else needed.
    expect(withheld(cells, relations)).toEqual(['b', 'c', 'f']);
  });

  it('never withholds a district-wide (fixed) figure', () => {
    expect(withheld([fixed('T', 3), narrow('a', 3)], [{ parts: ['a'], total: 'T' }])).toEqual(['a']);
  });

  it('adds a complementary cell when one withheld count could be worked out from the total, a 0 first', () => {
    // a = 3 would be T − b − c − d. The smallest shown cell is d (0).
    expect(withheld(breakdown([3, 12, 7, 0]).cells, breakdown([3, 12, 7, 0]).relations)).toEqual(['a', 'd']);
  });

  it('takes the smallest shown count as the complement when there is no 0 (it is then shown as "<5" though larger)', () => {
    const { cells, relations } = breakdown([3, 12, 7]);
    const result = suppress(cells, relations);
    expect([...result.withheld].sort()).toEqual(['a', 'c']);
    const d = new Disclosure(cells, result);
    expect([d.cell('a'), d.cell('b'), d.cell('c'), d.cell('T')]).toEqual([SMALL, 12, SMALL, 22]);
  });

  it('needs no complement when two withheld counts cannot be told apart (2 + 3 of a known 5)', () => {
    expect(withheld(breakdown([2, 3, 10]).cells, breakdown([2, 3, 10]).relations)).toEqual(['a', 'b']);
  });

  it('adds a complement when the withheld counts must all be 1 (or all 4)', () => {
    // Two withheld cells adding up to 2 can only be 1 and 1.
    expect(withheld(breakdown([1, 1, 10, 8]).cells, breakdown([1, 1, 10, 8]).relations)).toEqual(['a', 'b', 'd']);
    // …and two adding up to 8 only 4 and 4.
    expect(withheld(breakdown([4, 4, 10, 8]).cells, breakdown([4, 4, 10, 8]).relations)).toEqual(['a', 'b', 'd']);
  });

  it('follows a complement into the other relations it belongs to (a two-way table)', () => {
    // Rows r1, r2 (fixed totals), columns c1, c2, c3 (narrow totals):
    //        c1  c2  c3
    //   r1    3   6   8   = 17
    //   r2    5   7   0   = 12
    //         8  13   8
    const cells = [
      fixed('r1', 17),
      fixed('r2', 12),
      narrow('c1', 8),
      narrow('c2', 13),
      narrow('c3', 8),
      narrow('11', 3),
      narrow('12', 6),
      narrow('13', 8),
      narrow('21', 5),
      narrow('22', 7),
      narrow('23', 0),
    ];
    const relations: Relation[] = [
      { parts: ['11', '12', '13'], total: 'r1' },
      { parts: ['21', '22', '23'], total: 'r2' },
      { parts: ['11', '21'], total: 'c1' },
      { parts: ['12', '22'], total: 'c2' },
      { parts: ['13', '23'], total: 'c3' },
    ];
    const hidden = suppress(cells, relations).withheld;
    expect(hidden.has('11')).toBe(true);
    // Whatever else was withheld, a reader who subtracts learns none of it.
    const learned = reader(cells, relations, hidden);
    expect([...hidden].filter((id) => learned.has(id))).toEqual([]);
    // Every row and column with a withheld cell has at least two.
    for (const r of relations) {
      const n = [...r.parts, r.total].filter((id) => hidden.has(id)).length;
      expect(n === 0 || n >= 2).toBe(true);
    }
  });

  it('protects a never-shown count of 1–4 that subtraction would reveal (met = concluded − breached)', () => {
    // 5 breached of 7 concluded: 2 met. Showing both gives the 2 away, so the smallest shown (5) is withheld.
    const cells = [narrow('N', 5), virtual('M', 2), narrow('D', 7)];
    expect(withheld(cells, [{ parts: ['N', 'M'], total: 'D' }])).toEqual(['N']);
    // 0 of 7 met: no small count to protect.
    expect(withheld([narrow('N', 7), virtual('M', 0), narrow('D', 7)], [{ parts: ['N', 'M'], total: 'D' }])).toEqual([]);
  });

  it('never picks a 0 that a total of 0 already gives away (an empty street)', () => {
    // Street y has no cases: its 0s are known from its total 0, so withholding one hides nothing.
    const cells = [fixed('T', 7), narrow('tx', 2), narrow('ty', 0), narrow('tz', 5), fixed('k', 7), narrow('kx', 2), narrow('ky', 0), narrow('kz', 5)];
    const relations: Relation[] = [
      { parts: ['tx', 'ty', 'tz'], total: 'T' },
      { parts: ['kx', 'ky', 'kz'], total: 'k' },
      { parts: ['kx'], total: 'tx' },
      { parts: ['ky'], total: 'ty' },
      { parts: ['kz'], total: 'tz' },
    ];
    const hidden = suppress(cells, relations).withheld;
    expect(hidden.has('ty')).toBe(false);
    expect(hidden.has('ky')).toBe(false);
    expect([...hidden].sort()).toEqual(['kx', 'kz', 'tx', 'tz']);
  });

  it('counts what it cannot protect (a district of one street) and still withholds the count', () => {
    const result = suppress([fixed('T', 3), narrow('a', 3)], [{ parts: ['a'], total: 'T' }]);
    expect(result.unprotected).toBe(1);
    expect([...result.withheld]).toEqual(['a']);
  });

  it('is deterministic', () => {
    const { cells, relations } = breakdown([3, 12, 7, 6, 1, 0, 9]);
    expect(withheld(cells, relations)).toEqual(withheld([...cells], [...relations]));
  });

  it('refuses a relation naming an unknown cell, a cell declared twice, or a count that is not a whole number ≥ 0', () => {
    expect(() => suppress([fixed('T', 1)], [{ parts: ['x'], total: 'T' }])).toThrow(/unknown cell x/);
    expect(() => suppress([fixed('T', 1), narrow('T', 1)], [])).toThrow(/declared twice/);
    expect(() => suppress([narrow('a', -1)], [])).toThrow(/whole number/);
    expect(() => suppress([narrow('a', 1.5)], [])).toThrow(/whole number/);
  });

  it('leaves no withheld count that subtraction recovers, on random two-way tables with published margins', () => {
    const randomInt = seeded(20261201);
    let verified = 0;
    for (let round = 0; round < 200; round += 1) {
      const rows = randomInt(1, 5);
      const cols = randomInt(2, 6);
      const v = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (randomInt(0, 3) === 0 ? 0 : randomInt(1, 12))));
      const cells: CellSpec[] = [];
      const relations: Relation[] = [];
      const rowTotal = (r: number) => v[r].reduce((a, b) => a + b, 0);
      const colTotal = (c: number) => v.reduce((a, row) => a + row[c], 0);
      // Row totals district-wide (fixed); column totals narrow (a street); cells narrow; the grand total fixed.
      cells.push(
        fixed(
          'G',
          v.flat().reduce((a, b) => a + b, 0),
        ),
      );
      for (let r = 0; r < rows; r += 1) cells.push(fixed(`r${r}`, rowTotal(r)));
      for (let c = 0; c < cols; c += 1) cells.push(narrow(`c${c}`, colTotal(c)));
      for (let r = 0; r < rows; r += 1) for (let c = 0; c < cols; c += 1) cells.push(narrow(`${r}.${c}`, v[r][c]));
      for (let r = 0; r < rows; r += 1)
        relations.push({
          parts: Array.from({ length: cols }, (_, c) => `${r}.${c}`),
          total: `r${r}`,
        });
      for (let c = 0; c < cols; c += 1)
        relations.push({
          parts: Array.from({ length: rows }, (_, r) => `${r}.${c}`),
          total: `c${c}`,
        });
      relations.push({
        parts: Array.from({ length: cols }, (_, c) => `c${c}`),
        total: 'G',
      });

      const result = suppress(cells, relations);
      const hidden = result.withheld;
      // Every narrow 1–4 is withheld; no fixed figure is.
      for (const c of cells) {
        if (c.kind === 'narrow' && c.value >= 1 && c.value <= 4) expect(hidden.has(c.id)).toBe(true);
        if (c.kind === 'fixed') expect(hidden.has(c.id)).toBe(false);
      }
      if (result.unprotected === 0) {
        verified += 1;
        const learned = reader(cells, relations, hidden);
        expect({ table: v, recovered: [...hidden].filter((id) => learned.has(id)) }).toEqual({ table: v, recovered: [] });
      }
    }
    // What stays unprotected is only what no suppression can hide: a street that is the only one with cases of a row,
    // or withheld counts of a row that can only be 1 and 1 (or 4 and 4) with nothing else in the row to withhold.
    expect(verified).toBeGreaterThan(180);
  });
});
