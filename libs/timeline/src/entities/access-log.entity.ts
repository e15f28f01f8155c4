import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One read of a child's full identity or of a reporter's identity: who, when,
 * which case, which fields (未成年人保护法 Art.103; domain.md §2, §9). Append-only
 * like the timeline.
 */
@Entity('access_log')
@Index('access_log_at_idx', ['at'])
@Index('access_log_case_idx', ['caseId', 'at'])
@Index('access_log_actor_idx', ['actorId', 'at'])
export class AccessLog {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid' })
  actorId: string;

  @Column({ type: 'varchar', length: 32 })
  actorRole: string;

  @Column({ type: 'uuid' })
  caseId: string;

  /** Kept for scoping the audit export to the district. */
  @Column({ type: 'uuid' })
  districtId: string;

  /** e.g. child.name, child.idNumber, child.address, child.school, reports.reporter */
  @Column({ type: 'varchar', length: 40, array: true })
  fields: string[];
}
