import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '@shouhu/access';

export enum DeadlineStatus {
  Pending = 'pending',
  Met = 'met',
  Breached = 'breached',
  Cancelled = 'cancelled',
}

/**
 * One deadline of a case's step. Postgres holds the truth: the breach sweeper sends its
 * reminder and breaches it from these rows; BullMQ holds only second-stage timers, which
 * the reconciler can always rebuild.
 */
@Entity('deadline')
@Index('deadline_case_idx', ['caseId', 'status'])
@Index('deadline_status_due_idx', ['status', 'dueAt'])
@Index('deadline_reminder_due_idx', ['remindAt'], { where: "status = 'pending' AND reminded_at IS NULL AND remind_at < due_at" })
@Index('deadline_one_pending_per_step', ['caseId', 'kind', 'refKey'], { unique: true, where: "status = 'pending'" })
export class Deadline {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  caseId: string;

  @Column({ type: 'varchar', length: 40 })
  kind: string;

  /** What the deadline is about within the case (a measure id, an approval id, a visit number); '' for one-per-case steps. */
  @Column({ type: 'varchar', length: 64, default: '' })
  refKey: string;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'timestamptz' })
  remindAt: Date;

  @Column({ type: 'enum', enum: DeadlineStatus, enumName: 'deadline_status', default: DeadlineStatus.Pending })
  status: DeadlineStatus;

  /** 0 before a breach; 1 after the first breach (one level up); 2 at the second stage (district). */
  @Column({ type: 'smallint', default: 0 })
  escalationLevel: number;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  responsibleRole: Role;

  @Column({ type: 'uuid', nullable: true })
  responsibleUserId: string | null;

  /** When the second stage falls due after a breach. */
  @Column({ type: 'timestamptz', nullable: true })
  secondStageAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  remindedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  breachedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  secondStageDoneAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
