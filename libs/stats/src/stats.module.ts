import { Module } from '@nestjs/common';
import { DeadlinesCoreModule } from '@shouhu/deadlines';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

@Module({ imports: [DeadlinesCoreModule], providers: [StatsRepository, StatsService], exports: [StatsService] })
export class StatsModule {}
