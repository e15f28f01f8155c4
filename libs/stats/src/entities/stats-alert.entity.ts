import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An indicator alert of a district as the worker's checks saw it: raised when a check
 * first finds the rate past its threshold, cleared when a later check no longer does.
 * At most one open row per alert (the partial unique index), so a new row is a new
 * alert and its id makes the notification to district staff unique. De-identified:
 * an indicator, a street id or a deadline kind, never a case.
 */
@Entity('stats_alert')
@Index('stats_alert_open_key', ['districtId', 'indicator', 'scope', 'key'], { unique: true, where: 'cleared_at IS NULL' })
export class StatsAlert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  districtId: string;

  /** breach_rate | rereport_rate */
  @Column({ type: 'varchar', length: 20 })
  indicator: string;

  /** district | street | step */
  @Column({ type: 'varchar', length: 10 })
  scope: string;

  /** The street id or the deadline kind; '' for the district. */
  @Column({ type: 'varchar', length: 64 })
  key: string;

  @CreateDateColumn({ type: 'timestamptz' })
  raisedAt: Date;

  /** The last check that still found the rate past its threshold. */
  @Column({ type: 'timestamptz' })
  lastSeenAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  clearedAt: Date | null;
}
