import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '@shouhu/org';
import { FeedbackChannel } from '../domain';
import { CaseOwned } from './case-owned';

/** 反馈: the reporting unit was told the outcome (未成年人保护法 Art.11¶3). */
@Entity('outcome_feedback')
@Index('outcome_feedback_case_idx', ['caseId', 'toldAt'])
export class OutcomeFeedback extends CaseOwned {
  @Column({ type: 'enum', enum: FeedbackChannel, enumName: 'feedback_channel' })
  channel: FeedbackChannel;

  /** When the reporter was told. */
  @Column({ type: 'timestamptz' })
  toldAt: Date;

  @Column({ type: 'varchar', length: 2000 })
  summary: string;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recorded_by_id' })
  recordedBy?: User;

  @Column({ type: 'uuid' })
  recordedById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
