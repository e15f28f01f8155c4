import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditService } from './audit.service';
import { AccessLog } from './entities/access-log.entity';
import { CaseEvent } from './entities/case-event.entity';
import { TimelineService } from './timeline.service';

@Module({
  imports: [TypeOrmModule.forFeature([CaseEvent, AccessLog])],
  providers: [TimelineService, AuditService],
  exports: [TimelineService, AuditService],
})
export class TimelineModule {}
