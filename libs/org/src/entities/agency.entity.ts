import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Jurisdiction } from './jurisdiction.entity';

/** 协同单位的类别 (domain.md §11). */
export enum AgencyKind {
  Police = 'police',
  Procuratorate = 'procuratorate',
  Court = 'court',
  Education = 'education',
  Health = 'health',
  WomensFederation = 'womens_federation',
  YouthLeague = 'youth_league',
  DisabledPersons = 'disabled_persons',
  Other = 'other',
}
export const AGENCY_KINDS: readonly AgencyKind[] = Object.values(AgencyKind);
export const AGENCY_KIND_LABELS: Record<AgencyKind, string> = {
  [AgencyKind.Police]: '公安 (派出所/公安分局) police',
  [AgencyKind.Procuratorate]: '检察院 procuratorate',
  [AgencyKind.Court]: '法院 court',
  [AgencyKind.Education]: '教育 (教育局/学校) education',
  [AgencyKind.Health]: '卫健 (医院) health',
  [AgencyKind.WomensFederation]: '妇联 women’s federation',
  [AgencyKind.YouthLeague]: '团委 youth league',
  [AgencyKind.DisabledPersons]: '残联 disabled persons’ federation',
  [AgencyKind.Other]: '其他 other',
};

/**
 * 协同单位: an agency of a district that cases are referred to (domain.md §11). Its
 * liaisons (users of role agency_liaison) belong to it; an agency is never deleted,
 * only deactivated (referrals and accounts keep pointing at it).
 */
@Entity('agency')
@Index('agency_district_name_key', ['districtId', 'name'], { unique: true })
export class Agency {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'enum', enum: AgencyKind, enumName: 'agency_kind' })
  kind: AgencyKind;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The district the agency works with (a jurisdiction of level district). */
  @ManyToOne(() => Jurisdiction, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'district_id' })
  district?: Jurisdiction;

  @Column({ type: 'uuid' })
  districtId: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
