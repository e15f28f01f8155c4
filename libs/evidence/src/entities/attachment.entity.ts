import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { CaseOwned } from '@shouhu/cases';
import { User } from '@shouhu/org';
import { AttachmentKind } from '../domain';

const bigintAsNumber = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/**
 * One piece of evidence (附件) of a case. The file itself lies encrypted in the
 * attachment storage under `storageKey`; this row holds what may be listed and the
 * SHA-256 of the stored (scrubbed) plaintext. Never deleted: a retraction hides it.
 */
@Entity('attachment')
@Index('attachment_case_idx', ['caseId', 'uploadedAt'])
export class Attachment extends CaseOwned {
  @Column({ type: 'enum', enum: AttachmentKind, enumName: 'attachment_kind' })
  kind: AttachmentKind;

  /** As the uploader named it; may name a child, so it is never logged nor put on the timeline. */
  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  /** Bytes of the stored plaintext (after the metadata was stripped). */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size: number;

  @Column({ type: 'varchar', length: 100 })
  contentType: string;

  /** SHA-256 (hex) of the stored plaintext: what a download returns. */
  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 200 })
  storageKey: string;

  /** The id of the master key that wraps the file's own data key. */
  @Column({ type: 'varchar', length: 64 })
  keyId: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaded_by_id' })
  uploadedBy?: User;

  @Column({ type: 'uuid' })
  uploadedById: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  uploadedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  retractedAt: Date | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'retracted_by_id' })
  retractedBy?: User | null;

  @Column({ type: 'uuid', nullable: true })
  retractedById: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  retractionReason: string | null;
}
