import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CaseOwned, Measure } from '@shouhu/cases';
import { Agency, User } from '@shouhu/org';
import { ReferralStatus } from '../domain';

/**
 * 转介/协同办理 (domain.md §11): a measure or a need of a case referred to an agency,
 * answered by its liaison. Steps are columns (who and when), never overwritten: a
 * referral moves pending → accepted | declined, accepted → done, and pending or
 * accepted → revoked; each step is also an event on the case's timeline.
 */
@Entity('referral')
@Index('referral_case_idx', ['caseId', 'createdAt'])
@Index('referral_agency_status_idx', ['agencyId', 'status', 'createdAt'])
export class Referral extends CaseOwned {
  @ManyToOne(() => Agency, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id' })
  agency?: Agency;

  @Column({ type: 'uuid' })
  agencyId: string;

  /** What is asked of the agency, in a few words (法律援助, 心理疏导, 入学安排…). */
  @Column({ type: 'varchar', length: 100 })
  service: string;

  /** The referral's own note: the only free text of the case the liaison reads. */
  @Column({ type: 'varchar', length: 2000 })
  note: string;

  /** The measure of the same case this referral carries out, if any. */
  @ManyToOne(() => Measure, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'measure_id' })
  measure?: Measure | null;

  @Column({ type: 'uuid', nullable: true })
  measureId: string | null;

  @Column({ type: 'enum', enum: ReferralStatus, enumName: 'referral_status', default: ReferralStatus.Pending })
  status: ReferralStatus;

  /** The agency answers (accepts or declines) by then (domain.md §6). */
  @Column({ type: 'timestamptz' })
  respondBy: Date;

  /** An accepted referral is carried out by then. */
  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: User;

  @Column({ type: 'uuid' })
  createdById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  respondedAt: Date | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'responded_by_id' })
  respondedBy?: User | null;

  @Column({ type: 'uuid', nullable: true })
  respondedById: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  declineReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'completed_by_id' })
  completedBy?: User | null;

  @Column({ type: 'uuid', nullable: true })
  completedById: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  outcome: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Null when the system revoked it (the case closed). */
  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'revoked_by_id' })
  revokedBy?: User | null;

  @Column({ type: 'uuid', nullable: true })
  revokedById: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  revokeReason: string | null;
}
