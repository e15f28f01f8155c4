export { AUDIT_COLUMNS, AuditService, neutraliseCell } from './audit.service';
export type { AuditFilter, AuditRow } from './audit.service';
export { AccessLog } from './entities/access-log.entity';
export { CaseEvent } from './entities/case-event.entity';
export { canonicalJson, eventHash, GENESIS_HASH, verifyChain } from './hash-chain';
export type { ChainedFields, ChainVerdict } from './hash-chain';
export { TimelineModule } from './timeline.module';
export { TimelineService } from './timeline.service';
export type { NewEvent, TimelineEventView } from './timeline.service';
