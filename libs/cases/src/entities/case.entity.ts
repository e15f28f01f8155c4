import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Jurisdiction, User } from '@shouhu/org';
import { CaseStatus, ClosureKind, RiskLevel } from '../domain';
import { Child } from './child.entity';

/**
 * A case (个案). Community, street and district ids are kept on the row so that
 * every list is scoped by one indexed equality. `version` serialises writes.
 * A hotline report may be unlocated (no community and street yet) until district
 * staff route it; never after acceptance (case_unlocated_before_acceptance).
 */
@Entity('case')
@Index('case_street_reported_idx', ['streetId', 'reportedAt', 'id'])
@Index('case_district_reported_idx', ['districtId', 'reportedAt', 'id'])
@Index('case_community_reported_idx', ['communityId', 'reportedAt', 'id'])
@Index('case_street_due_idx', ['streetId', 'nextDueAt', 'id'])
@Index('case_district_due_idx', ['districtId', 'nextDueAt', 'id'])
@Index('case_community_due_idx', ['communityId', 'nextDueAt', 'id'])
@Index('case_street_risk_idx', ['streetId', 'riskLevel', 'reportedAt', 'id'])
@Index('case_district_risk_idx', ['districtId', 'riskLevel', 'reportedAt', 'id'])
@Index('case_community_risk_idx', ['communityId', 'riskLevel', 'reportedAt', 'id'])
@Index('case_child_idx', ['childId'])
@Index('case_assignee_idx', ['assigneeId'])
/** GIN index for the category filter, created by hand in a migration. */
@Index('case_categories_idx', { synchronize: false })
@Check('case_categories_nonempty', 'cardinality(categories) > 0')
/** Unlocated (a hotline report whose community is not known yet): street and community null together, only before acceptance. */
@Check(
  'case_unlocated_before_acceptance',
  "(community_id IS NULL) = (street_id IS NULL) AND (community_id IS NOT NULL OR status IN ('draft', 'submitted', 'returned'))",
)
export class Case {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** e.g. BA-2026-000123: district prefix, year, number within the district and year. */
  @Index('case_case_no_key', { unique: true })
  @Column({ type: 'varchar', length: 24 })
  caseNo: string;

  @Column({ type: 'enum', enum: CaseStatus, enumName: 'case_status' })
  status: CaseStatus;

  @Column({ type: 'enum', enum: RiskLevel, enumName: 'risk_level' })
  riskLevel: RiskLevel;

  /** Category codes of domain.md §3. */
  @Column({ type: 'varchar', length: 3, array: true })
  categories: string[];

  /** 强制报告意见 Art.4 items 1–9 across the case's reports. */
  @Column({ type: 'smallint', array: true, default: () => "'{}'" })
  mandatoryItems: number[];

  /** A report stated that the child needs emergency placement (Art.92(6)): part of the risk floor. */
  @Column({ type: 'boolean', default: false })
  needsEmergencyPlacement: boolean;

  @ManyToOne(() => Child, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'child_id' })
  child?: Child;

  @Column({ type: 'uuid' })
  childId: string;

  @ManyToOne(() => Jurisdiction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'community_id' })
  community?: Jurisdiction | null;

  /** null while the case is unlocated: a hotline report that district staff have not routed to a community yet. */
  @Column({ type: 'uuid', nullable: true })
  communityId: string | null;

  @ManyToOne(() => Jurisdiction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'street_id' })
  street?: Jurisdiction | null;

  /** null exactly when communityId is (unlocated). */
  @Column({ type: 'uuid', nullable: true })
  streetId: string | null;

  @ManyToOne(() => Jurisdiction, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'district_id' })
  district?: Jurisdiction;

  @Column({ type: 'uuid' })
  districtId: string;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assignee_id' })
  assignee?: User | null;

  @Column({ type: 'uuid', nullable: true })
  assigneeId: string | null;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: User;

  @Column({ type: 'uuid' })
  createdById: string;

  /** When the case was (first) submitted; for drafts, when the draft was filed. */
  @Column({ type: 'timestamptz' })
  reportedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  assessedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  interventionStartedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  followUpStartedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'enum', enum: ClosureKind, enumName: 'closure_kind', nullable: true })
  closureKind: ClosureKind | null;

  /**
   * A resolved closure: its reason code (risk_resolved, turned_18, …). An
   * unsubstantiated or merged one: the reason given (bounded like its input).
   */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  closureReason: string | null;

  /** The free text given with a resolved closure, stored apart from its code (never concatenated with it). */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  closureNote: string | null;

  @Column({ type: 'uuid', nullable: true })
  mergedIntoId: string | null;

  /**
   * Cases of the same child filed in another scope, linked by the server at intake.
   * Shown only to users whose scope covers both cases.
   */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  relatedCaseIds: string[];

  /** Flags beside the state (escalated, deadline_breached, police_alert, reopened). */
  @Column({ type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  flags: string[];

  @Column({ type: 'smallint', default: 0 })
  escalationLevel: number;

  @Column({ type: 'timestamptz', nullable: true })
  policeReportedAt: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  policeReceiptNo: string | null;

  /** Why police were not told, when they had to be. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  policeNotReportedReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  policeFeedbackAt: Date | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  policeFeedback: string | null;

  /** The earliest pending deadline; NO_DEADLINE when none, so the queue sorts by it with one index. */
  @Column({ type: 'timestamptz', default: () => "'9999-12-31 00:00:00+00'" })
  nextDueAt: Date;

  @Column({ type: 'varchar', length: 40, nullable: true })
  nextDueKind: string | null;

  /** Sequence number of the last timeline event (the next one is +1). */
  @Column({ type: 'integer', default: 0 })
  lastEventSeq: number;

  /** Bumped by every change to the case row (managed by the repository, not by TypeORM). */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
