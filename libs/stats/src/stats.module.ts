import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeadlinesCoreModule } from '@shouhu/deadlines';
import { NotificationsModule } from '@shouhu/notifications';
import { StatsAlert } from './entities/stats-alert.entity';
import { StatsAlertRepository } from './stats-alert.repository';
import { StatsAlertWatch } from './stats-alert-watch.service';
import { StatsRollupRepository } from './stats-rollup.repository';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

@Module({
  imports: [TypeOrmModule.forFeature([StatsAlert]), DeadlinesCoreModule, NotificationsModule],
  providers: [StatsRepository, StatsRollupRepository, StatsService, StatsAlertRepository, StatsAlertWatch],
  exports: [StatsService, StatsAlertWatch],
})
export class StatsModule {}
