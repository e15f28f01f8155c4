import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AccessLog } from './entities/access-log.entity';
import { CaseEvent } from './entities/case-event.entity';
import { TimelineRepository } from './timeline.repository';
import { TimelineService } from './timeline.service';

@Module({
  imports: [TypeOrmModule.forFeature([CaseEvent, AccessLog])],
  providers: [TimelineRepository, AuditRepository, TimelineService, AuditService],
  exports: [TimelineService, AuditService],
})
export class TimelineModule {}
