export { statsCsv, statsXlsx } from './stats-export';
export { StatsModule } from './stats.module';
export { StatsService } from './stats.service';
export type { StatsQuery } from './stats.service';
export {
  DistrictStats,
  MedianHoursView,
  SexAgeCountView,
  Share,
  StatsPeriodView,
  StatsScopeView,
  StreetBreachRateView,
  StreetCountView,
  WorkerLoadView,
} from './stats.views';
