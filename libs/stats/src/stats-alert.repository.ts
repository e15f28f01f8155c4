import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull } from 'typeorm';
import { StatsAlert } from './entities/stats-alert.entity';

/** An alert's identity within a district; key '' stands for none. */
export interface AlertKey {
  indicator: string;
  scope: string;
  key: string;
}

/** The raised indicator alerts (stats_alert), written only inside the caller's transaction. */
@Injectable()
export class StatsAlertRepository {
  /**
   * Serialises the checks of one district until the transaction ends, across every
   * worker process: two checks never both see an alert as new.
   */
  async lockDistrict(manager: EntityManager, districtId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('shouhu.stats_alert'), hashtext($1))`, [districtId]);
  }

  open(manager: EntityManager, districtId: string): Promise<StatsAlert[]> {
    return manager.getRepository(StatsAlert).find({ where: { districtId, clearedAt: IsNull() }, order: { raisedAt: 'ASC', id: 'ASC' } });
  }

  /** Opens these alerts; one already open is left as it is (the partial unique index). Returns the rows opened. */
  async raise(manager: EntityManager, districtId: string, alerts: AlertKey[], at: Date): Promise<(AlertKey & { id: string })[]> {
    if (alerts.length === 0) return [];
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(StatsAlert)
      .values(alerts.map((a) => ({ districtId, indicator: a.indicator, scope: a.scope, key: a.key, lastSeenAt: at })))
      .orIgnore()
      .returning(['id', 'indicator', 'scope', 'key'])
      .execute();
    return result.raw as (AlertKey & { id: string })[];
  }

  async seen(manager: EntityManager, ids: string[], at: Date): Promise<void> {
    if (ids.length) await manager.getRepository(StatsAlert).update({ id: In(ids) }, { lastSeenAt: at });
  }

  async clear(manager: EntityManager, ids: string[], at: Date): Promise<void> {
    if (ids.length) await manager.getRepository(StatsAlert).update({ id: In(ids), clearedAt: IsNull() }, { clearedAt: at });
  }
}
