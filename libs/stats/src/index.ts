export { statsCsv, statsXlsx } from './stats-export';
export { StatsModule } from './stats.module';
export { StatsService } from './stats.service';
export type { DistrictStats, Share, StatsQuery } from './stats.service';
