import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Sex } from '../domain';

/**
 * A child. The national ID number is stored only encrypted, with a keyed hash
 * beside it for duplicate matching; without an ID, duplicates match on name and
 * birth date within the same street.
 */
@Entity('child')
@Index('child_name_birth_street_idx', ['streetId', 'name', 'birthDate'])
export class Child {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  @Column({ type: 'enum', enum: Sex, enumName: 'child_sex' })
  sex: Sex;

  @Column({ type: 'date' })
  birthDate: string;

  /** AES-256-GCM ciphertext "keyId:base64(iv|tag|data)". */
  @Column({ type: 'text', nullable: true })
  idNumberCipher: string | null;

  /**
   * HMAC-SHA256 of the normalised ID number (hex). Not unique: a child reported in
   * two scopes has a row in each, so neither filing shows the other's stored data.
   */
  @Index('child_id_number_hmac_idx', { where: 'id_number_hmac IS NOT NULL' })
  @Column({ type: 'char', length: 64, nullable: true })
  idNumberHmac: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  address: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  school: string | null;

  /** Where the child was first reported; scopes the name + birth-date match. */
  @Column({ type: 'uuid' })
  streetId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
