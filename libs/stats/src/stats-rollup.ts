/**
 * The indicators as additive parts (issue 14, point 4). Every figure of GET /api/stats is a sum over
 * the cases reported in the period (and the reports that arrived in it), so it splits into parts per
 * (street, metric, key) that add up over any partition of the period: counts, numerators and
 * denominators, and, for the medians, value→count distributions of the intervals at the 0.01 h the
 * answer shows. The worker keeps these parts per Shanghai day in `stats_rollup`; an answer adds the
 * whole days' rows to the parts of the edge days and of the days not folded yet, computed here by the
 * same SQL, then shapes them as the from-scratch figures (StatsRepository.figures) are shaped.
 */
import { UNLOCATED } from './stats-disclosure';
import { AGE_BANDS, CENTIHOURS, DistrictFigures, MedianFigure, PERIOD_REPORTS, POPULATION, StatsWindows, StreetRatio, StreetTally } from './stats.repository';

/** One additive part: a count for (street, metric, key); street is a street id or UNLOCATED. */
export interface StatsPart {
  street: string;
  metric: string;
  key: string;
  n: number;
}

/** The metrics of the parts (what `metric` holds). */
export const Metric = {
  status: 'status',
  risk: 'risk',
  category: 'cat',
  reporter: 'rep',
  sexAge: 'sa',
  /** Deadlines by kind: breached, concluded (met or breached), all. */
  breached: 'bb',
  concluded: 'bc',
  deadlines: 'ba',
  /** Distributions (key: centi-hours) of report → acceptance, → assessment, → intervention, and discovery → report (mandatory reporters). */
  toAcceptance: 'acc',
  toAssessment: 'ass',
  toIntervention: 'int',
  reportDelay: 'dly',
  policeN: 'poN',
  policeD: 'poD',
  feedbackN: 'fbN',
  feedbackD: 'fbD',
  rereportN: 'rrN',
  rereportD: 'rrD',
} as const;

const S = `coalesce(street_id::text, '${UNLOCATED}')`;
/** The population's columns the parts read (the from-scratch SQL's population, narrower: a day's rows are scanned a dozen times). */
const POP_COLUMNS = `id, street_id, status, risk_level, categories, mandatory_items, child_id, reported_at, accepted_at, assessed_at,
  intervention_started_at, police_reported_at, police_feedback_at, related_case_ids`;

/**
 * The parts of the period [$2, $3) of district $1; $4–$7 the police windows (R1–R4) and $8 the feedback window, in
 * hours. The population and the reports are the from-scratch SQL's own; the re-report numerator asks for a later case
 * of the child (in (reported_at, id) order, as the from-scratch window function does) instead of numbering the whole
 * district, so a day's parts read only that day's cases. Zero counts are left out.
 */
export const PARTS_SQL = `
WITH pop AS (${POPULATION.replace('SELECT *', `SELECT ${POP_COLUMNS}`)}), rep AS (${PERIOD_REPORTS}),
popx AS (SELECT pop.*, ${S} AS s FROM pop)
SELECT s, '${Metric.status}' AS m, status::text AS k, count(*) AS n FROM popx GROUP BY 1, 3
UNION ALL SELECT s, '${Metric.risk}', risk_level::text, count(*) FROM popx GROUP BY 1, 3
UNION ALL SELECT s, '${Metric.category}', cat, count(*) FROM popx, unnest(popx.categories) AS cat GROUP BY 1, 3
UNION ALL SELECT ${S}, '${Metric.reporter}', reporter_type::text, count(*) FROM rep GROUP BY 1, 3
UNION ALL SELECT s, '${Metric.sexAge}', sex || '|' || ${AGE_BANDS}, count(*)
            FROM (SELECT popx.s, ch.sex::text AS sex,
                         date_part('year', age((popx.reported_at AT TIME ZONE 'Asia/Shanghai')::date, ch.birth_date))::int AS age
                    FROM popx JOIN child ch ON ch.id = popx.child_id) x GROUP BY 1, 3
UNION ALL SELECT s, v.m, kind, sum(v.n)
            FROM (SELECT popx.s, d.kind::text AS kind, (d.status = 'breached')::int AS b, (d.status IN ('met', 'breached'))::int AS c
                    FROM popx JOIN deadline d ON d.case_id = popx.id) x,
                 LATERAL (VALUES ('${Metric.breached}', x.b), ('${Metric.concluded}', x.c), ('${Metric.deadlines}', 1)) AS v(m, n)
           GROUP BY 1, 2, 3 HAVING sum(v.n) > 0
UNION ALL SELECT s, '${Metric.toAcceptance}', ${CENTIHOURS('accepted_at - reported_at')}::bigint::text, count(*) FROM popx WHERE accepted_at IS NOT NULL GROUP BY 1, 3
UNION ALL SELECT s, '${Metric.toAssessment}', ${CENTIHOURS('assessed_at - reported_at')}::bigint::text, count(*) FROM popx WHERE assessed_at IS NOT NULL GROUP BY 1, 3
UNION ALL SELECT s, '${Metric.toIntervention}', ${CENTIHOURS('intervention_started_at - reported_at')}::bigint::text, count(*)
            FROM popx WHERE intervention_started_at IS NOT NULL GROUP BY 1, 3
UNION ALL SELECT ${S}, '${Metric.reportDelay}', ${CENTIHOURS('filed_at - discovered_at')}::bigint::text, count(*)
            FROM rep WHERE reporter_type IN ('mandatory_institution', 'mandatory_staff') GROUP BY 1, 3
UNION ALL SELECT s, v.m, '', sum(v.n)
            FROM (SELECT s, (police_reported_at IS NOT NULL AND police_reported_at <= reported_at + make_interval(secs => 3600 *
                              CASE risk_level WHEN 'R1' THEN $4::float8 WHEN 'R2' THEN $5::float8 WHEN 'R3' THEN $6::float8 ELSE $7::float8 END))::int AS a
                    FROM popx WHERE cardinality(mandatory_items) > 0 OR EXISTS (SELECT 1 FROM unnest(categories) c WHERE c LIKE 'V%')) x,
                 LATERAL (VALUES ('${Metric.policeN}', x.a), ('${Metric.policeD}', 1)) AS v(m, n)
           GROUP BY 1, 2 HAVING sum(v.n) > 0
UNION ALL SELECT s, v.m, '', sum(v.n)
            FROM (SELECT s, (police_feedback_at IS NOT NULL AND police_feedback_at <= police_reported_at + make_interval(secs => 3600 * $8::float8))::int AS a
                    FROM popx WHERE police_reported_at IS NOT NULL) x,
                 LATERAL (VALUES ('${Metric.feedbackN}', x.a), ('${Metric.feedbackD}', 1)) AS v(m, n)
           GROUP BY 1, 2 HAVING sum(v.n) > 0
UNION ALL SELECT s, v.m, '', sum(v.n)
            FROM (SELECT p.s, (EXISTS (SELECT 1 FROM report r WHERE r.case_id = p.id AND r.filed_at <= p.reported_at + interval '90 days' OFFSET 1)
                             OR EXISTS (SELECT 1 FROM "case" n WHERE n.child_id = p.child_id AND n.district_id = $1 AND n.status <> 'draft'
                                          AND (n.reported_at, n.id) > (p.reported_at, p.id) AND n.reported_at <= p.reported_at + interval '90 days')
                             OR EXISTS (SELECT 1 FROM "case" r WHERE r.id = ANY(p.related_case_ids) AND r.status <> 'draft'
                                          AND r.reported_at > p.reported_at AND r.reported_at <= p.reported_at + interval '90 days'))::int AS a
                    FROM popx p) x,
                 LATERAL (VALUES ('${Metric.rereportN}', x.a), ('${Metric.rereportD}', 1)) AS v(m, n)
           GROUP BY 1, 2 HAVING sum(v.n) > 0`;

/** The parameters of PARTS_SQL. */
export const partsParams = (districtId: string, from: Date, to: Date, w: StatsWindows): unknown[] => [
  districtId,
  from,
  to,
  w.policeHours.R1,
  w.policeHours.R2,
  w.policeHours.R3,
  w.policeHours.R4,
  w.feedbackHours,
];

/** The windows as the rollups record them: numerators folded with other windows are not these figures. */
export const windowsKey = (w: StatsWindows): string =>
  JSON.stringify([w.policeHours.R1, w.policeHours.R2, w.policeHours.R3, w.policeHours.R4, w.feedbackHours]);

export type PartRow = { s: string; m: string; k: string; n: string | number };
export const partOf = (r: PartRow): StatsPart => ({ street: r.s, metric: r.m, key: r.k, n: Number(r.n) });

/** Adds parts with the same (street, metric, key). */
export function addParts(...lists: StatsPart[][]): StatsPart[] {
  const sum = new Map<string, StatsPart>();
  for (const list of lists) {
    for (const p of list) {
      const id = `${p.street}\u0000${p.metric}\u0000${p.key}`;
      const had = sum.get(id);
      if (had) had.n += p.n;
      else sum.set(id, { ...p });
    }
  }
  return [...sum.values()].filter((p) => p.n !== 0);
}

/**
 * percentile_cont(0.5) over a value→count distribution of centi-hours, computed as PostgreSQL computes it over the
 * rows (first + (second − first) × 0.5 on the two middle values as float8 hours), so both give the same number.
 */
export function medianOf(dist: Map<number, number>): MedianFigure {
  const values = [...dist.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const n = values.reduce((t, [, c]) => t + c, 0);
  if (n === 0) return { hours: null, n: 0 };
  const at = (index: number): number => {
    let seen = 0;
    for (const [v, c] of values) {
      seen += c;
      if (index < seen) return v / 100;
    }
    throw new Error('index past the distribution');
  };
  const pos = 0.5 * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const first = at(lo);
  if (lo === hi) return { hours: first, n };
  const second = at(hi);
  return { hours: first + (pos - lo) * (second - first), n };
}

/** The parts shaped as the from-scratch figures; streets and the caseload now are read as they are. */
export function figuresOf(parts: StatsPart[], streets: DistrictFigures['streets'], workers: DistrictFigures['workers']): DistrictFigures {
  const of = (metric: string) => parts.filter((p) => p.metric === metric);
  const tally = (metric: string): StreetTally[] => of(metric).map((p) => ({ street: p.street, key: p.key, n: p.n }));
  const value = (metric: string, street: string, key: string) => parts.find((p) => p.metric === metric && p.street === street && p.key === key)?.n ?? 0;
  const ratio = (n: string, d: string): StreetRatio[] => of(d).map((p) => ({ street: p.street, numerator: value(n, p.street, ''), denominator: p.n }));
  const dists = (metric: string) => {
    const byStreet = new Map<string | null, Map<number, number>>();
    for (const p of of(metric)) {
      for (const s of [p.street, null]) {
        const d = byStreet.get(s) ?? new Map<number, number>();
        d.set(Number(p.key), (d.get(Number(p.key)) ?? 0) + p.n);
        byStreet.set(s, d);
      }
    }
    return (s: string | null) => medianOf(byStreet.get(s) ?? new Map<number, number>());
  };
  const acc = dists(Metric.toAcceptance);
  const ass = dists(Metric.toAssessment);
  const int = dists(Metric.toIntervention);
  const dly = dists(Metric.reportDelay);
  // As the from-scratch SQL groups them: a median per located street with cases (or mandatory reports), and the district's.
  const located = (metrics: string[]) => [...new Set(parts.filter((p) => metrics.includes(p.metric)).map((p) => p.street))].filter((s) => s !== UNLOCATED);
  return {
    streets,
    byStatus: tally(Metric.status),
    byRisk: tally(Metric.risk),
    byCategory: tally(Metric.category),
    byReporter: tally(Metric.reporter),
    bySexAge: tally(Metric.sexAge),
    breach: of(Metric.deadlines).map((p) => ({
      street: p.street,
      kind: p.key,
      breached: value(Metric.breached, p.street, p.key),
      concluded: value(Metric.concluded, p.street, p.key),
      all: p.n,
    })),
    medians: [...located([Metric.status]), null].map((s) => ({ street: s, toAcceptance: acc(s), toAssessment: ass(s), toIntervention: int(s) })),
    reportDelay: [...located([Metric.reportDelay]), null].map((s) => ({ street: s, delay: dly(s) })),
    police: ratio(Metric.policeN, Metric.policeD),
    feedback: ratio(Metric.feedbackN, Metric.feedbackD),
    rereport: ratio(Metric.rereportN, Metric.rereportD),
    workers,
  };
}

const DAY = 24 * 3600_000;
const SHANGHAI = 8 * 3600_000;

/** The Shanghai day number (days since 1970-01-01 in Shanghai) an instant falls on. */
export const dayOf = (t: Date): number => Math.floor((t.getTime() + SHANGHAI) / DAY);
/** The instant a Shanghai day begins. */
export const dayStart = (day: number): Date => new Date(day * DAY - SHANGHAI);
/** A day number as PostgreSQL's date text. */
export const dayText = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
export const dayFromText = (text: string): number => Math.round(Date.parse(`${text}T00:00:00Z`) / DAY);

/**
 * How a period [from, to) is answered: the whole Shanghai days inside it (from the rollups, unless stale), and the
 * partial days at either end (computed live).
 */
export function splitPeriod(from: Date, to: Date): { whole: [number, number] | null; edges: [Date, Date][] } {
  if (to.getTime() <= from.getTime()) return { whole: null, edges: [] };
  const first = Math.ceil((from.getTime() + SHANGHAI) / DAY);
  const end = dayOf(to);
  if (first >= end) return { whole: null, edges: [[from, to]] };
  const edges: [Date, Date][] = [];
  if (dayStart(first).getTime() > from.getTime()) edges.push([from, dayStart(first)]);
  if (dayStart(end).getTime() < to.getTime()) edges.push([dayStart(end), to]);
  return { whole: [first, end], edges };
}

/** A period that ends this close to now, or later, has little or nothing after its end yet. */
export const RECENT_END_MS = 60_000;

/**
 * The period's last, partial day when it is cheaper read whole from the rollups less the live parts of the rest of the
 * day: [dayStart(d), to) is the day d less [to, dayStart(d + 1)). So when the period ends within RECENT_END_MS of `now`
 * or later (the dashboard's default ends now: nothing lies after it yet), or when the rest of the day is the shorter
 * part. Computed live, the current day of a busy district (the bench's day of 150,000 filings) took a second of every
 * answer. Null when the period has no such day.
 */
export function tailByDifference(split: ReturnType<typeof splitPeriod>, to: Date, now: Date): { day: number; rest: [Date, Date] } | null {
  if (!split.whole) return null;
  const day = split.whole[1];
  const start = dayStart(day).getTime();
  const next = dayStart(day + 1);
  if (to.getTime() <= start) return null;
  const recent = to.getTime() >= now.getTime() - RECENT_END_MS;
  if (!recent && next.getTime() - to.getTime() >= to.getTime() - start) return null;
  return { day, rest: [to, next] };
}

/** The day a day's month begins on. */
export const monthOf = (day: number): number => {
  const d = new Date(day * DAY);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY);
};
const nextMonth = (month: number): number => {
  const d = new Date(month * DAY);
  return Math.round(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY);
};

/**
 * How the whole days [first, end) are read: the calendar months wholly inside them with no day in `live` from the
 * month rollups, every other day not in `live` from the day rollups.
 */
export function planDays(first: number, end: number, live: number[]): { months: number[]; days: number[] } {
  const skip = new Set(live);
  const months: number[] = [];
  const days: number[] = [];
  for (let d = first; d < end;) {
    const m = monthOf(d);
    const next = nextMonth(m);
    let whole = m === d && next <= end;
    for (let x = d; whole && x < next; x += 1) if (skip.has(x)) whole = false;
    if (whole) {
      months.push(m);
      d = next;
      continue;
    }
    const stop = Math.min(next, end);
    for (; d < stop; d += 1) if (!skip.has(d)) days.push(d);
  }
  return { months, days };
}

/** Consecutive days joined into instant ranges. */
export function rangesOf(days: number[]): [Date, Date][] {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const ranges: [Date, Date][] = [];
  let start: number | null = null;
  let prev = 0;
  for (const d of sorted) {
    if (start !== null && d === prev + 1) {
      prev = d;
      continue;
    }
    if (start !== null) ranges.push([dayStart(start), dayStart(prev + 1)]);
    start = d;
    prev = d;
  }
  if (start !== null) ranges.push([dayStart(start), dayStart(prev + 1)]);
  return ranges;
}
