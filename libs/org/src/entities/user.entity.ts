import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from '@shouhu/access';
import { Jurisdiction } from './jurisdiction.entity';

@Entity('user')
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

  /** argon2id, never selected unless asked for. */
  @Column({ type: 'varchar', length: 255, select: false })
  passwordHash: string;

  /** Tokens issued before this instant are refused (password change, deactivation). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  credentialsChangedAt: Date;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
