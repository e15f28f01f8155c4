import { Injectable, Logger } from '@nestjs/common';
import { Role } from '@shouhu/access';
import { TransactionRunner } from '@shouhu/database';
import { safeErrorFields } from '@shouhu/errors';
import { NotificationService, Recipient } from '@shouhu/notifications';
import { alertIdentity } from './stats-alerts';
import { AlertKey, StatsAlertRepository } from './stats-alert.repository';
import { StatsService } from './stats.service';
import { StatsAlertView } from './stats.views';

/** The period each check looks at: the last 30 days. */
export const ALERT_WINDOW_DAYS = 30;
const DAY_MS = 24 * 3600_000;

/** Who hears of a new alert of a district: its staff and its leadership (domain.md §1). */
export const ALERT_RECIPIENT_ROLES: readonly Role[] = [Role.DistrictStaff, Role.DistrictLeader];

export interface AlertCheckOutcome {
  raised: number;
  cleared: number;
  notified: number;
}

/** A check of every district: how many were checked and how many failed, with the sums of their outcomes. */
export interface AlertSweepOutcome extends AlertCheckOutcome {
  districts: number;
  failed: number;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const keyOf = (a: Pick<StatsAlertView, 'indicator' | 'scope' | 'key'>): AlertKey => ({ indicator: a.indicator, scope: a.scope, key: a.key ?? '' });

/**
 * The indicator alerts of each district over the last 30 days, compared with those the
 * previous check left open: an alert that was not open is raised and district staff
 * (and the district leader) are told once; one no longer past its threshold is cleared (and told again if it
 * comes back). Safe with several workers: a district's check holds a transaction-level
 * advisory lock while it compares and writes, and the notification's cause is the
 * raised row's id.
 */
@Injectable()
export class StatsAlertWatch {
  private readonly logger = new Logger('StatsAlerts');

  constructor(
    private readonly stats: StatsService,
    private readonly alerts: StatsAlertRepository,
    private readonly tx: TransactionRunner,
    private readonly notifications: NotificationService,
  ) {}

  /** Every district in turn; one district's failure is logged (its id and the error's safe fields) and the others are still checked. */
  async checkAll(now = new Date()): Promise<AlertSweepOutcome> {
    const total = { districts: 0, failed: 0, raised: 0, cleared: 0, notified: 0 };
    for (const districtId of await this.stats.districtIds()) {
      total.districts += 1;
      try {
        const o = await this.checkDistrict(districtId, now);
        total.raised += o.raised;
        total.cleared += o.cleared;
        total.notified += o.notified;
      } catch (error) {
        total.failed += 1;
        this.logger.error({ msg: 'indicator alert check of a district failed; the next check tries again', districtId, error: safeErrorFields(error) });
      }
    }
    return total;
  }

  async checkDistrict(districtId: string, now = new Date()): Promise<AlertCheckOutcome> {
    const from = new Date(now.getTime() - ALERT_WINDOW_DAYS * DAY_MS);
    const { alerts } = await this.stats.figuresFor({ districtId, streetId: null }, from, now);
    const current = new Map(alerts.map((a) => [alertIdentity(a), a]));

    return this.tx.run(async (manager) => {
      await this.alerts.lockDistrict(manager, districtId);
      const open = await this.alerts.open(manager, districtId);
      const identityOf = (o: AlertKey) => alertIdentity({ ...o, key: o.key || null });
      const openIds = new Set(open.map(identityOf));
      const gone = open.filter((o) => !current.has(identityOf(o)));
      await this.alerts.clear(
        manager,
        gone.map((o) => o.id),
        now,
      );
      await this.alerts.seen(
        manager,
        open.filter((o) => !gone.includes(o)).map((o) => o.id),
        now,
      );
      const fresh = [...current.entries()].filter(([id]) => !openIds.has(id)).map(([, a]) => a);
      const raised = await this.alerts.raise(manager, districtId, fresh.map(keyOf), now);

      let notified = 0;
      for (const row of raised) {
        const alert = current.get(identityOf(row)) as StatsAlertView;
        notified += await this.notifications.notify(manager, {
          kind: 'stats.alert',
          caseId: null,
          title: clip(`指标预警 (indicator alert): ${alert.label}`, 200),
          body: clip(
            `过去${ALERT_WINDOW_DAYS}天 (the last ${ALERT_WINDOW_DAYS} days, ${from.toISOString().slice(0, 10)} – ${now.toISOString().slice(0, 10)}): ` +
              `${alert.label}。详见统计 (see the indicators page).`,
            1000,
          ),
          recipients: ALERT_RECIPIENT_ROLES.map((role): Recipient => ({ role, jurisdictionId: districtId })),
          cause: `stats.alert:${row.id}`,
        });
      }
      return { raised: raised.length, cleared: gone.length, notified };
    });
  }
}
