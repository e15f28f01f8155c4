import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { ReplicaReads } from '@shouhu/database';
import { UNLOCATED } from './stats-disclosure';
import {
  addParts,
  dayFromText,
  dayStart,
  dayText,
  figuresOf,
  monthOf,
  PartRow,
  partOf,
  partsParams,
  PARTS_SQL,
  planDays,
  rangesOf,
  splitPeriod,
  StatsPart,
  tailByDifference,
  windowsKey,
} from './stats-rollup';
import { DistrictFigures, StatsWindows } from './stats.repository';

/** The days an answer computes live when they are not folded yet; older stale days are read as last folded (asOf says so). */
export const LIVE_DAYS = 14;
/** How many marked days one fold round takes on. */
export const FOLD_BATCH = 200;
/** The advisory lock one folding worker holds (two workers never fold at once). */
export const FOLD_LOCK = 0x5354_4154; // "STAT"

/** Figures and how fresh they are: every write committed before `asOf` is in them. */
export interface RolledFigures {
  figures: DistrictFigures;
  asOf: Date;
}

export interface FoldRound {
  /** Marked (district, day) pairs folded in this round. */
  days: number;
  /** More marked days remain (the round took a batch). */
  more: boolean;
}

/**
 * The indicator rollups (stats-rollup.ts): reading an answer from them, and folding the days
 * the write path marked stale (migration StatsRollups1796000000100) into them. Both use one
 * connection at a time and hold no other.
 */
@Injectable()
export class StatsRollupRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly replicas: ReplicaReads,
  ) {}

  /**
   * The district's figures for [from, to) in one REPEATABLE READ snapshot: the rollups of the whole days, and live
   * SQL for the partial days at either end and for the days marked stale (the newest LIVE_DAYS of them). Null when the
   * rollups were folded with other policy windows (or never): the caller computes from scratch.
   */
  /** In one read-only snapshot: on a caught-up replica's connection when there is one (ReplicaReads), else on one of the primary's. */
  read(districtId: string, from: Date, to: Date, windows: StatsWindows): Promise<RolledFigures | null> {
    return this.replicas.read(async (m) => {
      const runner = m.queryRunner ?? this.db.createQueryRunner();
      const own = !m.queryRunner;
      if (own) await runner.connect();
      try {
        await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          const result = await this.readIn(runner, districtId, from, to, windows);
          await runner.query('COMMIT');
          return result;
        } catch (error) {
          await runner.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        if (own) await runner.release();
      }
    });
  }

  private async readIn(q: QueryRunner, districtId: string, from: Date, to: Date, windows: StatsWindows): Promise<RolledFigures | null> {
    const [state] = (await q.query(`SELECT windows, now() AS now FROM stats_rollup_state`)) as { windows: string | null; now: Date }[];
    if (!state || state.windows !== windowsKey(windows)) return null;
    let asOf = new Date(state.now);
    const split = splitPeriod(from, to);
    let ranges = [...split.edges];
    let rolled: StatsPart[] = [];
    // The last partial day, read whole from the rollups less the rest of the day, unless it is marked (then live).
    let tail = tailByDifference(split, to, asOf);
    if (split.whole) {
      const first = split.whole[0];
      let end = tail ? tail.day + 1 : split.whole[1];
      let dirty = (await q.query(
        `SELECT day::text AS day, min(marked_at) AS at FROM stats_dirty WHERE district_id = $1 AND day >= $2 AND day < $3 GROUP BY day ORDER BY day DESC`,
        [districtId, dayText(first), dayText(end)],
      )) as { day: string; at: Date }[];
      if (tail && dirty.length > 0 && dayFromText(dirty[0].day) === tail.day) {
        dirty = dirty.slice(1);
        tail = null;
        end = split.whole[1];
      } else if (tail) {
        const start = dayStart(tail.day).getTime();
        ranges = ranges.filter(([a]) => a.getTime() !== start);
      }
      const live = dirty.slice(0, LIVE_DAYS);
      for (const stale of dirty.slice(LIVE_DAYS)) if (new Date(stale.at) < asOf) asOf = new Date(stale.at);
      ranges.push(...rangesOf(live.map((d) => dayFromText(d.day))));
      const plan = planDays(
        first,
        end,
        live.map((d) => dayFromText(d.day)),
      );
      rolled = (
        (await q.query(
          `SELECT s, m, k, sum(n) AS n FROM (
             SELECT street AS s, metric AS m, key AS k, n FROM stats_rollup_month WHERE district_id = $1 AND month = ANY ($2::date[])
             UNION ALL
             SELECT street, metric, key, n FROM stats_rollup WHERE district_id = $1 AND day = ANY ($3::date[])) x
           GROUP BY 1, 2, 3`,
          [districtId, plan.months.map(dayText), plan.days.map(dayText)],
        )) as PartRow[]
      ).map(partOf);
    }
    const parts = async ([a, b]: [Date, Date]) => ((await q.query(PARTS_SQL, partsParams(districtId, a, b, windows))) as PartRow[]).map(partOf);
    const liveParts: StatsPart[][] = [];
    for (const range of ranges) liveParts.push(await parts(range));
    if (tail) liveParts.push((await parts(tail.rest)).map((p) => ({ ...p, n: -p.n })));
    const streets = (await q.query(`SELECT id, name FROM jurisdiction WHERE level = 'street' AND district_id = $1 ORDER BY name, id`, [districtId])) as {
      id: string;
      name: string;
    }[];
    return { figures: figuresOf(addParts(rolled, ...liveParts), streets, await this.workers(q, districtId)), asOf };
  }

  /** The caseload now (not the period's): open cases by assignee and street, read as it is. */
  private async workers(q: QueryRunner, districtId: string): Promise<DistrictFigures['workers']> {
    const rows = (await q.query(
      `SELECT u.id, u.username, u.role::text AS role, c.street_id AS s, count(*) AS n
         FROM "case" c JOIN "user" u ON u.id = c.assignee_id
        WHERE c.district_id = $1 AND c.status NOT IN ('closed', 'draft')
        GROUP BY 1, 2, 3, 4 ORDER BY u.username, u.id, c.street_id`,
      [districtId],
    )) as { id: string; username: string; role: string; s: string | null; n: string }[];
    return rows.map((r) => ({ id: r.id, username: r.username, role: r.role, street: r.s ?? UNLOCATED, n: Number(r.n) }));
  }

  /**
   * Whether some district has more marked days than an answer computes live (LIVE_DAYS): the older ones
   * are then read as last folded, and the answer's asOf ages until a fold takes them.
   */
  async backlogged(): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM stats_dirty GROUP BY district_id HAVING count(DISTINCT day) > $1 LIMIT 1`, [LIVE_DAYS]);
    return rows.length > 0;
  }

  /**
   * One fold round, unless another process is folding (null): the marked days, newest first, a batch at a time, each
   * in its own transaction: its marks deleted first, then its rollup rows recomputed by PARTS_SQL, so a write that
   * commits meanwhile leaves a mark for the next round. A round that empties the marks records when it began
   * (stats_rollup_state.folded_at). New policy windows mark every day stale first. `pause`, asked before each day,
   * ends the round early (more: true; the days left stay marked).
   */
  async fold(windows: StatsWindows, batch = FOLD_BATCH, pause?: () => boolean): Promise<FoldRound | null> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [FOLD_LOCK])) as { locked: boolean }[];
      if (!locked) return null;
      try {
        return await this.foldLocked(runner, windows, batch, pause);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [FOLD_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async foldLocked(q: QueryRunner, windows: StatsWindows, batch: number, pause?: () => boolean): Promise<FoldRound> {
    const key = windowsKey(windows);
    const [state] = (await q.query(`SELECT windows, now() AS started FROM stats_rollup_state`)) as { windows: string | null; started: Date }[];
    if (state.windows !== key) {
      await this.inTransaction(q, async () => {
        await q.query(`
          INSERT INTO stats_dirty (district_id, day)
          SELECT district_id, day FROM stats_rollup
          UNION SELECT district_id, (reported_at AT TIME ZONE 'Asia/Shanghai')::date FROM "case" WHERE reported_at IS NOT NULL
          UNION SELECT c.district_id, (greatest(r.filed_at, c.reported_at) AT TIME ZONE 'Asia/Shanghai')::date
                  FROM report r JOIN "case" c ON c.id = r.case_id WHERE c.reported_at IS NOT NULL`);
        await q.query(`UPDATE stats_rollup_state SET windows = $1`, [key]);
      });
    }
    const marked = (await q.query(`SELECT district_id, day::text AS day FROM stats_dirty GROUP BY 1, 2 ORDER BY 2 DESC, 1 LIMIT $1`, [batch])) as {
      district_id: string;
      day: string;
    }[];
    let days = 0;
    for (const { district_id: districtId, day } of marked) {
      if (pause?.()) return { days, more: true };
      days += 1;
      const from = dayFromText(day);
      await this.inTransaction(q, async () => {
        await q.query(`DELETE FROM stats_dirty WHERE district_id = $1 AND day = $2`, [districtId, day]);
        await q.query(`DELETE FROM stats_rollup WHERE district_id = $1 AND day = $2`, [districtId, day]);
        await q.query(`INSERT INTO stats_rollup (district_id, day, street, metric, key, n) SELECT $1, $9::date, p.s, p.m, p.k, p.n FROM (${PARTS_SQL}) p`, [
          ...partsParams(districtId, dayStart(from), dayStart(from + 1), windows),
          day,
        ]);
        // The day's month, summed again from its days (in the same transaction: a reader sees both or neither).
        const month = dayText(monthOf(from));
        await q.query(`DELETE FROM stats_rollup_month WHERE district_id = $1 AND month = $2`, [districtId, month]);
        await q.query(
          `INSERT INTO stats_rollup_month (district_id, month, street, metric, key, n)
           SELECT district_id, $2::date, street, metric, key, sum(n) FROM stats_rollup
            WHERE district_id = $1 AND day >= $2::date AND day < ($2::date + interval '1 month')::date
            GROUP BY district_id, street, metric, key HAVING sum(n) <> 0`,
          [districtId, month],
        );
      });
    }
    const more = marked.length >= batch;
    if (!more) await q.query(`UPDATE stats_rollup_state SET folded_at = $1`, [state.started]);
    return { days: marked.length, more };
  }

  private async inTransaction(q: QueryRunner, work: () => Promise<void>): Promise<void> {
    await q.query('BEGIN');
    try {
      await work();
      await q.query('COMMIT');
    } catch (error) {
      await q.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
