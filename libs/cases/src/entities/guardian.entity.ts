import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { User } from '@shouhu/org';
import { GuardianRelation } from '../domain';
import { CaseOwned } from './case-owned';

/**
 * 监护人/家庭成员 (domain.md §13): a guardian or household member of the case's child.
 * Their identity follows the child's rules (§9): shown only in the case detail, every
 * read logged; the ID number stored only encrypted, with a keyed hash beside it.
 */
@Entity('guardian')
@Index('guardian_case_idx', ['caseId', 'createdAt'])
export class Guardian extends CaseOwned {
  @Column({ type: 'varchar', length: 50 })
  name: string;

  @Column({ type: 'enum', enum: GuardianRelation, enumName: 'guardian_relation' })
  relation: GuardianRelation;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone: string | null;

  /** AES-256-GCM ciphertext "keyId:base64(iv|tag|data)", as child.id_number_cipher. */
  @Column({ type: 'text', nullable: true })
  idNumberCipher: string | null;

  /** HMAC-SHA256 of the normalised ID number (hex), as child.id_number_hmac. */
  @Index('guardian_id_number_hmac_idx', { where: 'id_number_hmac IS NOT NULL' })
  @Column({ type: 'char', length: 64, nullable: true })
  idNumberHmac: string | null;

  @Column({ type: 'boolean' })
  livesWithChild: boolean;

  /** 疑似施害人: never a notification target, never shown the reporter (guardians are not users). */
  @Column({ type: 'boolean' })
  suspectedPerpetrator: boolean;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: User;

  @Column({ type: 'uuid' })
  createdById: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
