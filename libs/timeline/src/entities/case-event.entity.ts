import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The case timeline: one row per event, appended in the same transaction as the
 * change it records, chained by hash to the case's previous event. The trigger
 * that refuses UPDATE and DELETE is in a hand-written migration.
 */
@Entity('case_event')
@Index('case_event_case_seq_key', ['caseId', 'seq'], { unique: true })
@Index('case_event_at_idx', ['at'])
@Index('case_event_actor_idx', ['actorId', 'at'])
export class CaseEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** By name: the timeline library does not import the cases library (which writes through it). */
  @ManyToOne('Case', { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'case_event_case_id_fkey' })
  case?: unknown;

  @Column({ type: 'uuid' })
  caseId: string;

  /** 1, 2, 3… within the case. */
  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** Null for events the system raises (deadlines). */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 32 })
  actorRole: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  fromStatus: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  toStatus: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  @Column({ type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}
