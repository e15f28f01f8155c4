import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { JurisdictionLevel } from '@shouhu/access';

/**
 * A node of the district → street → community tree. Each row also carries the ids
 * of its ancestors (and itself at its own level), so that "inside this subtree"
 * is one indexed equality, the same condition the access rules use for cases.
 */
@Entity('jurisdiction')
@Check(
  'jurisdiction_shape',
  `(level = 'district' AND parent_id IS NULL AND district_id = id AND street_id IS NULL AND community_id IS NULL)
   OR (level = 'street' AND parent_id = district_id AND street_id = id AND community_id IS NULL)
   OR (level = 'community' AND parent_id = street_id AND community_id = id)`,
)
export class Jurisdiction {
  /** Assigned by the application so the ancestor columns can name the row itself. */
  @PrimaryColumn('uuid')
  id: string;

  @Index('jurisdiction_code_key', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'enum', enum: JurisdictionLevel, enumName: 'jurisdiction_level' })
  level: JurisdictionLevel;

  @ManyToOne(() => Jurisdiction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Jurisdiction | null;

  @Index('jurisdiction_parent_id_idx')
  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  @Index('jurisdiction_district_id_idx')
  @Column({ type: 'uuid' })
  districtId: string;

  @Index('jurisdiction_street_id_idx')
  @Column({ type: 'uuid', nullable: true })
  streetId: string | null;

  @Column({ type: 'uuid', nullable: true })
  communityId: string | null;

  /** Districts: the prefix of their case numbers, e.g. "BA" → BA-2026-000123. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  casePrefix: string | null;

  /** Names from the district down, e.g. "宝安区 / 新安街道 / 海旺社区". */
  @Column({ type: 'varchar', length: 400 })
  path: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
