import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Role } from '@shouhu/access';
import { User } from '@shouhu/org';
import { ApprovalKind, ApprovalStatus } from '../domain';
import { CaseOwned } from './case-owned';

/** A step waiting for someone else's decision (R1/R2 plans, closures). */
@Entity('approval')
@Index('approval_case_idx', ['caseId', 'status'])
@Index('approval_one_pending_per_case', ['caseId'], { unique: true, where: "status = 'pending'" })
@Index('approval_status_requested_idx', ['status', 'requestedAt'])
export class Approval extends CaseOwned {
  @Column({ type: 'enum', enum: ApprovalKind, enumName: 'approval_kind' })
  kind: ApprovalKind;

  @Column({ type: 'enum', enum: ApprovalStatus, enumName: 'approval_status', default: ApprovalStatus.Pending })
  status: ApprovalStatus;

  /** The role that decides (district staff may always decide). */
  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  decidedByRole: Role;

  /** What the request carries (closure reason and checklist). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  payload: Record<string, unknown>;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requested_by_id' })
  requestedBy?: User;

  @Column({ type: 'uuid' })
  requestedById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  requestedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  decidedById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  decisionReason: string | null;
}
