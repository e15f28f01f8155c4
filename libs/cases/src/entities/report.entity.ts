import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '@shouhu/org';
import { ReporterType, RiskLevel } from '../domain';
import { CaseOwned } from './case-owned';

/** A report (报告) about the child; a case has one or more. */
@Entity('report')
@Index('report_case_idx', ['caseId', 'filedAt'])
@Index('report_filed_at_idx', ['filedAt'])
export class Report extends CaseOwned {
  @Column({ type: 'enum', enum: ReporterType, enumName: 'reporter_type' })
  reporterType: ReporterType;

  @Column({ type: 'boolean', default: false })
  anonymous: boolean;

  /** Reporter identity: confidential, never stored for anonymous reports. */
  @Column({ type: 'varchar', length: 50, nullable: true })
  reporterName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  reporterOrg: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  reporterPhone: string | null;

  @Column({ type: 'timestamptz' })
  discoveredAt: Date;

  @Column({ type: 'varchar', length: 200, nullable: true })
  location: string | null;

  @Column({ type: 'text', nullable: true })
  narrative: string | null;

  @Column({ type: 'varchar', length: 3, array: true, default: () => "'{}'" })
  categories: string[];

  @Column({ type: 'smallint', array: true, default: () => "'{}'" })
  mandatoryItems: number[];

  @Column({ type: 'enum', enum: RiskLevel, enumName: 'risk_level', nullable: true })
  riskEstimate: RiskLevel | null;

  /** Linked to an open case by duplicate intake rather than opening a new one. */
  @Column({ type: 'boolean', default: false })
  linked: boolean;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'filed_by_id' })
  filedBy?: User;

  @Column({ type: 'uuid' })
  filedById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  filedAt: Date;
}
