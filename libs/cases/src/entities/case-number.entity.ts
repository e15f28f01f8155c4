import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last case number handed out per district and year (row-locked while taken). */
@Entity('case_number_counter')
export class CaseNumberCounter {
  @PrimaryColumn('uuid')
  districtId: string;

  @PrimaryColumn('smallint')
  year: number;

  @Column({ type: 'integer' })
  last: number;
}
