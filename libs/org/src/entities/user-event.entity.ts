import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One change of a user account (created, approved, role change requested…), for
 * the district's audit trail. Append-only like the case timeline: the trigger that
 * refuses UPDATE, DELETE and TRUNCATE is in the migration. No foreign keys, so the
 * trail outlives the accounts it describes. Never holds passwords or their hashes.
 */
@Entity('user_event')
@Index('user_event_district_at_idx', ['districtId', 'at'])
@Index('user_event_user_at_idx', ['userId', 'at'])
export class UserEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  /** The account the event is about. */
  @Column({ type: 'uuid' })
  userId: string;

  /** The account's district when the event happened: whose audit trail it belongs to. */
  @Column({ type: 'uuid' })
  districtId: string;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 32 })
  actorRole: string;

  /** user.created, user.approved, user.change_requested… */
  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;
}
