import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '@shouhu/org';
import { PlacementDecision, RiskLevel } from '../domain';
import { CaseOwned } from './case-owned';

/** 核实评估: safety, guardianship, physical and mental state. The latest one counts. */
@Entity('assessment')
@Index('assessment_case_idx', ['caseId', 'assessedAt'])
export class Assessment extends CaseOwned {
  @Column({ type: 'text' })
  safety: string;

  @Column({ type: 'text' })
  guardianship: string;

  @Column({ type: 'text' })
  wellbeing: string;

  @Column({ type: 'enum', enum: RiskLevel, enumName: 'risk_level' })
  riskLevel: RiskLevel;

  @Column({ type: 'text' })
  summary: string;

  /** After temporary guardianship: return to the guardian (after this assessment, Art.93) or long-term placement. */
  @Column({ type: 'enum', enum: PlacementDecision, enumName: 'placement_decision', nullable: true })
  placement: PlacementDecision | null;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assessed_by_id' })
  assessedBy?: User;

  @Column({ type: 'uuid' })
  assessedById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  assessedAt: Date;
}
