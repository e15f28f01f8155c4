import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CaseEvent } from './entities/case-event.entity';
import { TimelineService } from './timeline.service';

@Module({
  imports: [TypeOrmModule.forFeature([CaseEvent])],
  providers: [TimelineService],
  exports: [TimelineService],
})
export class TimelineModule {}
