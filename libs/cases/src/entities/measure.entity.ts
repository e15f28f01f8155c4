import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '@shouhu/org';
import { MeasureStatus, MeasureType } from '../domain';
import { CaseOwned } from './case-owned';

/** 处置措施: one measure of the intervention plan, with its owner and due date. */
@Entity('measure')
@Index('measure_case_idx', ['caseId', 'status'])
export class Measure extends CaseOwned {
  @Column({ type: 'enum', enum: MeasureType, enumName: 'measure_type' })
  type: MeasureType;

  @Column({ type: 'enum', enum: MeasureStatus, enumName: 'measure_status', default: MeasureStatus.Planned })
  status: MeasureStatus;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: User | null;

  @Column({ type: 'uuid', nullable: true })
  ownerId: string | null;

  /** Another agency carrying it out (police station, hospital, court…). */
  @Column({ type: 'varchar', length: 100, nullable: true })
  agency: string | null;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  /** protection_order: an urgent application, decided within 24 h instead of 72 h (反家庭暴力法 Art.28). */
  @Column({ type: 'boolean', default: false })
  urgent: boolean;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  note: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  outcome: string | null;

  @Column({ type: 'uuid' })
  createdById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
