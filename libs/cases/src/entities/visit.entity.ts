import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '@shouhu/org';
import { RiskLevel, VisitKind } from '../domain';
import { CaseOwned } from './case-owned';

/** 走访/回访: a home or follow-up visit and the risk seen. */
@Entity('visit')
@Index('visit_case_idx', ['caseId', 'visitedAt'])
export class Visit extends CaseOwned {
  @Column({ type: 'enum', enum: VisitKind, enumName: 'visit_kind', default: VisitKind.Routine })
  kind: VisitKind;

  @Column({ type: 'timestamptz' })
  visitedAt: Date;

  @Column({ type: 'enum', enum: RiskLevel, enumName: 'risk_level' })
  riskLevel: RiskLevel;

  @Column({ type: 'varchar', length: 2000 })
  outcome: string;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'visitor_id' })
  visitor?: User;

  @Column({ type: 'uuid' })
  visitorId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
