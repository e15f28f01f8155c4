import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '@shouhu/access';
import { Agency } from './agency.entity';
import { Jurisdiction } from './jurisdiction.entity';

/**
 * Whether district staff approved the account (maker-checker: an admin creates
 * accounts that can read case content, district staff of the district approve them).
 * Independent of `active`, the admin's on/off switch.
 */
export enum UserStatus {
  Active = 'active',
  PendingApproval = 'pending_approval',
  Rejected = 'rejected',
}

@Entity('user')
// A liaison belongs to exactly one agency (domain.md §1); nobody else belongs to one.
@Check('user_agency_liaison_check', `(role = 'agency_liaison') = (agency_id IS NOT NULL)`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-case; login is case-insensitive. */
  @Index('user_username_key', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar', length: 100 })
  displayName: string;

  @Column({ type: 'enum', enum: Role, enumName: 'user_role' })
  role: Role;

  @ManyToOne(() => Jurisdiction, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'jurisdiction_id' })
  jurisdiction?: Jurisdiction;

  @Index('user_jurisdiction_id_idx')
  @Column({ type: 'uuid' })
  jurisdictionId: string;

  /** The agency of an agency_liaison (its jurisdiction is the agency's district); null for every other role. */
  @ManyToOne(() => Agency, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id' })
  agency?: Agency | null;

  @Index('user_agency_id_idx')
  @Column({ type: 'uuid', nullable: true })
  agencyId: string | null;

  /** argon2id, never selected unless asked for. */
  @Column({ type: 'varchar', length: 255, select: false })
  passwordHash: string;

  /** Tokens issued before this instant are refused (password change, deactivation). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  credentialsChangedAt: Date;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Rows written without it (the demo seeder, tests, older code) are approved. */
  @Column({ type: 'enum', enum: UserStatus, enumName: 'user_status', default: UserStatus.Active })
  status: UserStatus;

  /**
   * A role, jurisdiction or password change of an approved account waits here for
   * district approval; meanwhile the account keeps working as it was.
   */
  @Column({ type: 'enum', enum: Role, enumName: 'user_role', nullable: true })
  pendingRole: Role | null;

  @ManyToOne(() => Jurisdiction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'pending_jurisdiction_id', foreignKeyConstraintName: 'user_pending_jurisdiction_id_fkey' })
  pendingJurisdiction?: Jurisdiction | null;

  @Column({ type: 'uuid', nullable: true })
  pendingJurisdictionId: string | null;

  /** argon2id of a password the admin set, applied only on approval; never selected unless asked for. */
  @Column({ type: 'varchar', length: 255, nullable: true, select: false })
  pendingPasswordHash?: string | null;

  /** Who asked for the approval that is pending (the creator, or the admin who asked for the change). */
  @Column({ type: 'uuid', nullable: true })
  approvalRequestedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  approvalRequestedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
