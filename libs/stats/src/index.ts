export { StatsAlert } from './entities/stats-alert.entity';
export { statsCsv, statsXlsx } from './stats-export';
export { ALERT_MIN_DENOMINATOR, alertsOf } from './stats-alerts';
export type { AlertThresholds, RateInput } from './stats-alerts';
export { ALERT_RECIPIENT_ROLES, ALERT_WINDOW_DAYS, StatsAlertWatch } from './stats-alert-watch.service';
export type { AlertCheckOutcome, AlertSweepOutcome } from './stats-alert-watch.service';
export { StatsModule } from './stats.module';
export { StatsService } from './stats.service';
export { FOLD_BATCH, FOLD_LOCK, LIVE_DAYS, StatsRollupRepository } from './stats-rollup.repository';
export type { FoldRound } from './stats-rollup.repository';
export { dayText, splitPeriod } from './stats-rollup';
export type { StatsQuery, StatsScope } from './stats.service';
export { Disclosure, isSmall, SMALL, suppress } from './suppression';
export type { Cell, CellKind, CellSpec, Relation, SuppressionResult } from './suppression';
export {
  AlertIndicator,
  AlertScope,
  DistrictStats,
  MedianHoursView,
  SexAgeCountView,
  Share,
  StatsAlertView,
  StatsPeriodView,
  StatsScopeView,
  StreetBreachRateView,
  StreetCountView,
  WorkerLoadView,
} from './stats.views';
