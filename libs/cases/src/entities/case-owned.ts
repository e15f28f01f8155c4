import { Column, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Case } from './case.entity';

/** The columns every record that belongs to one case shares: its id and its case. */
export abstract class CaseOwned {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Case, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id' })
  case?: Case;

  @Column({ type: 'uuid' })
  caseId: string;
}
