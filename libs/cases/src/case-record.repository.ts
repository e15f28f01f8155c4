import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MeasureStatus } from './domain';
import { Assessment } from './entities/assessment.entity';
import { Measure } from './entities/measure.entity';
import { Note } from './entities/note.entity';
import { Report } from './entities/report.entity';
import { Visit } from './entities/visit.entity';
import type { FollowUpFacts } from './lifecycle-hooks';

/** What is recorded on a case, oldest first. */
export interface CaseRecords {
  reports: Report[];
  assessments: Assessment[];
  measures: Measure[];
  visits: Visit[];
  notes: Note[];
}

/** The case records: reports, assessments, measures, visits and notes. */
@Injectable()
export class CaseRecordRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async ofCase(caseId: string, manager: EntityManager = this.db.manager): Promise<CaseRecords> {
    const [reports, assessments, measures, visits, notes] = await Promise.all([
      manager.getRepository(Report).find({ where: { caseId }, order: { filedAt: 'ASC' } }),
      manager.getRepository(Assessment).find({ where: { caseId }, order: { assessedAt: 'ASC' } }),
      manager.getRepository(Measure).find({ where: { caseId }, order: { createdAt: 'ASC' } }),
      manager.getRepository(Visit).find({ where: { caseId }, order: { visitedAt: 'ASC' } }),
      manager.getRepository(Note).find({ where: { caseId }, order: { createdAt: 'ASC' } }),
    ]);
    return { reports, assessments, measures, visits, notes };
  }

  // ── Reports ───────────────────────────────────────────────────────────────

  insertReport(manager: EntityManager, row: Partial<Report>): Promise<Report> {
    return manager.getRepository(Report).save(Object.assign(new Report(), row));
  }

  firstReport(manager: EntityManager, caseId: string): Promise<Report> {
    return manager.getRepository(Report).findOneOrFail({ where: { caseId }, order: { filedAt: 'ASC' } });
  }

  async setNarrative(manager: EntityManager, reportId: string, narrative: string): Promise<void> {
    await manager.getRepository(Report).update({ id: reportId }, { narrative });
  }

  /** A merge: the duplicate's reports move to the case it duplicated, as linked reports. */
  async moveReports(manager: EntityManager, fromCaseId: string, toCaseId: string): Promise<void> {
    await manager.getRepository(Report).update({ caseId: fromCaseId }, { caseId: toCaseId, linked: true });
  }

  // ── Assessments ───────────────────────────────────────────────────────────

  insertAssessment(manager: EntityManager, row: Partial<Assessment>): Promise<Assessment> {
    return manager.getRepository(Assessment).save(Object.assign(new Assessment(), row));
  }

  latestAssessment(manager: EntityManager, caseId: string): Promise<Assessment | null> {
    return manager.getRepository(Assessment).findOne({ where: { caseId }, order: { assessedAt: 'DESC' } });
  }

  // ── Measures ──────────────────────────────────────────────────────────────

  insertMeasure(manager: EntityManager, row: Partial<Measure>): Promise<Measure> {
    return manager.getRepository(Measure).save(Object.assign(new Measure(), row));
  }

  findMeasure(manager: EntityManager, caseId: string, measureId: string): Promise<Measure | null> {
    return manager.getRepository(Measure).findOneBy({ id: measureId, caseId });
  }

  async closeMeasure(manager: EntityManager, id: string, status: MeasureStatus.Done | MeasureStatus.Cancelled, outcome: string): Promise<void> {
    await manager.getRepository(Measure).update({ id }, { status, outcome, completedAt: new Date() });
  }

  plannedMeasures(manager: EntityManager, caseId: string): Promise<Measure[]> {
    return manager.getRepository(Measure).findBy({ caseId, status: MeasureStatus.Planned });
  }

  openMeasureCount(manager: EntityManager, caseId: string): Promise<number> {
    return manager.getRepository(Measure).countBy({ caseId, status: MeasureStatus.Planned });
  }

  // ── Visits and notes ──────────────────────────────────────────────────────

  insertVisit(manager: EntityManager, row: Partial<Visit>): Promise<Visit> {
    return manager.getRepository(Visit).save(Object.assign(new Visit(), row));
  }

  insertNote(manager: EntityManager, row: Partial<Note>): Promise<Note> {
    return manager.getRepository(Note).save(Object.assign(new Note(), row));
  }

  /** What the visit schedule of a case in follow-up depends on. */
  async followUpFacts(manager: EntityManager, caseId: string, since: Date): Promise<FollowUpFacts> {
    const [row]: { n: string; last: Date | null }[] = await manager.query(
      'SELECT count(*) AS n, max(visited_at) AS last FROM visit WHERE case_id = $1 AND visited_at >= $2',
      [caseId, since],
    );
    const [letter]: { at: Date | null }[] = await manager.query(
      "SELECT max(completed_at) AS at FROM measure WHERE case_id = $1 AND type = 'warning_letter' AND status = 'done'",
      [caseId],
    );
    return { visitsSinceFollowUp: Number(row.n), lastVisitAt: row.last, warningLetterAt: letter.at };
  }
}
