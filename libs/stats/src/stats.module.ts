import { Module } from '@nestjs/common';
import { DeadlinesCoreModule } from '@shouhu/deadlines';
import { StatsService } from './stats.service';

@Module({ imports: [DeadlinesCoreModule], providers: [StatsService], exports: [StatsService] })
export class StatsModule {}
