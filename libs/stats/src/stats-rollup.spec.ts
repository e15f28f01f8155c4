import {
  addParts,
  dayFromText,
  dayOf,
  dayStart,
  dayText,
  medianOf,
  monthOf,
  planDays,
  rangesOf,
  RECENT_END_MS,
  splitPeriod,
  tailByDifference,
} from './stats-rollup';

describe('indicator rollup parts', () => {
  it('takes the median of a distribution as percentile_cont(0.5) over its rows', () => {
    expect(medianOf(new Map())).toEqual({ hours: null, n: 0 });
    expect(medianOf(new Map([[250, 1]]))).toEqual({ hours: 2.5, n: 1 });
    // Rows 1, 1, 3, 7 (centi-hours): the mean of the two middle ones.
    expect(
      medianOf(
        new Map([
          [7, 1],
          [1, 2],
          [3, 1],
        ]),
      ),
    ).toEqual({ hours: 0.01 + 0.5 * (0.03 - 0.01), n: 4 });
    // Rows 1, 3, 3, 3, 9: the middle one.
    expect(
      medianOf(
        new Map([
          [3, 3],
          [1, 1],
          [9, 1],
        ]),
      ),
    ).toEqual({ hours: 0.03, n: 5 });
    // A zero count is no row.
    expect(
      medianOf(
        new Map([
          [5, 0],
          [8, 2],
        ]),
      ),
    ).toEqual({ hours: 0.08, n: 2 });
  });

  it('adds parts of the same street, metric and key, and drops what sums to zero', () => {
    const a = { street: 's1', metric: 'status', key: 'closed', n: 2 };
    expect(addParts([a, { ...a, key: 'assessing', n: 1 }], [{ ...a, n: 3 }], [{ ...a, key: 'x', n: 0 }])).toEqual([
      { ...a, n: 5 },
      { ...a, key: 'assessing', n: 1 },
    ]);
  });

  it('splits a period into whole Shanghai days and the partial days at either end', () => {
    const d = dayOf(new Date('2026-03-05T00:00:00+08:00'));
    expect(dayText(d)).toBe('2026-03-05');
    expect(dayStart(d).toISOString()).toBe('2026-03-04T16:00:00.000Z');
    expect(dayOf(new Date('2026-03-05T23:59:59.999+08:00'))).toBe(d);
    // Day-aligned: whole days only.
    expect(splitPeriod(new Date('2026-03-05T00:00:00+08:00'), new Date('2026-03-08T00:00:00+08:00'))).toEqual({ whole: [d, d + 3], edges: [] });
    // Partial at both ends.
    const from = new Date('2026-03-05T10:00:00+08:00');
    const to = new Date('2026-03-08T09:30:00+08:00');
    expect(splitPeriod(from, to)).toEqual({
      whole: [d + 1, d + 3],
      edges: [
        [from, dayStart(d + 1)],
        [dayStart(d + 3), to],
      ],
    });
    // Inside one day, or across one midnight with no whole day: live only.
    expect(splitPeriod(from, new Date('2026-03-05T11:00:00+08:00'))).toEqual({ whole: null, edges: [[from, new Date('2026-03-05T11:00:00+08:00')]] });
    expect(splitPeriod(from, new Date('2026-03-06T11:00:00+08:00')).whole).toBeNull();
    expect(splitPeriod(to, from)).toEqual({ whole: null, edges: [] });
  });

  it('reads a last partial day as the whole day less the rest of it when the period ends about now or the rest is shorter', () => {
    const d = dayOf(new Date('2026-03-08T00:00:00+08:00'));
    const from = new Date('2026-03-05T00:00:00+08:00');
    const later = new Date('2026-04-01T00:00:00+08:00');
    const late = new Date('2026-03-08T21:15:00+08:00');
    expect(tailByDifference(splitPeriod(from, late), late, later)).toEqual({ day: d, rest: [late, dayStart(d + 1)] });
    // The morning of a day long past: live, as before; the morning of today, ending now (or a little before): the difference.
    const early = new Date('2026-03-08T09:30:00+08:00');
    expect(tailByDifference(splitPeriod(from, early), early, later)).toBeNull();
    expect(tailByDifference(splitPeriod(from, early), early, early)).toEqual({ day: d, rest: [early, dayStart(d + 1)] });
    expect(tailByDifference(splitPeriod(from, early), early, new Date(early.getTime() + RECENT_END_MS))).not.toBeNull();
    expect(tailByDifference(splitPeriod(from, early), early, new Date(early.getTime() + RECENT_END_MS + 1))).toBeNull();
    // Noon of a past day: both halves alike, live.
    const noon = new Date('2026-03-08T12:00:00+08:00');
    expect(tailByDifference(splitPeriod(from, noon), noon, later)).toBeNull();
    // No partial last day, or no whole day at all.
    const midnight = new Date('2026-03-08T00:00:00+08:00');
    expect(tailByDifference(splitPeriod(from, midnight), midnight, midnight)).toBeNull();
    const sameDay = new Date('2026-03-05T23:00:00+08:00');
    expect(tailByDifference(splitPeriod(new Date('2026-03-05T10:00:00+08:00'), sameDay), sameDay, sameDay)).toBeNull();
  });

  it('reads whole calendar months from the month rollups unless a day of theirs is live', () => {
    const d = (t: string) => dayFromText(t);
    expect(dayText(monthOf(d('2026-02-17')))).toBe('2026-02-01');
    // 30 Jan → 2 Apr: 30–31 Jan and 1 Apr by day, February and March by month.
    const plan = planDays(d('2026-01-30'), d('2026-04-02'), []);
    expect(plan.months.map(dayText)).toEqual(['2026-02-01', '2026-03-01']);
    expect(plan.days.map(dayText)).toEqual(['2026-01-30', '2026-01-31', '2026-04-01']);
    // A live day in March: March by day, without that day.
    const live = planDays(d('2026-01-30'), d('2026-04-02'), [d('2026-03-10')]);
    expect(live.months.map(dayText)).toEqual(['2026-02-01']);
    expect(live.days).toHaveLength(3 + 30);
    expect(live.days).not.toContain(d('2026-03-10'));
    // Every day of the range exactly once, in a month or as a day.
    const covered = [...live.days, d('2026-03-10'), ...Array.from({ length: 28 }, (_, i) => d('2026-02-01') + i)].sort((a, b) => a - b);
    expect(covered).toEqual(Array.from({ length: d('2026-04-02') - d('2026-01-30') }, (_, i) => d('2026-01-30') + i));
  });

  it('joins consecutive days into ranges', () => {
    expect(rangesOf([5, 3, 4, 9, 9])).toEqual([
      [dayStart(3), dayStart(6)],
      [dayStart(9), dayStart(10)],
    ]);
    expect(rangesOf([])).toEqual([]);
  });
});
