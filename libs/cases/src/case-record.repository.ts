import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { ReplicaReads } from '@shouhu/database';
import { MeasureStatus, OPEN_MEASURE_STATUSES } from './domain';
import { Assessment } from './entities/assessment.entity';
import { Measure } from './entities/measure.entity';
import { Note } from './entities/note.entity';
import { OutcomeFeedback } from './entities/outcome-feedback.entity';
import { Report } from './entities/report.entity';
import { Visit } from './entities/visit.entity';
import type { FollowUpFacts, RecordFacts } from './lifecycle-hooks';

/** What is recorded on a case, oldest first. */
export interface CaseRecords {
  reports: Report[];
  assessments: Assessment[];
  measures: Measure[];
  visits: Visit[];
  notes: Note[];
  outcomeFeedback: OutcomeFeedback[];
  /** Referrals to other agencies still pending or accepted (domain.md §8: they keep a risk_resolved closure waiting). */
  openReferrals: number;
}

/** The case records: reports, assessments, measures, visits and notes. */
@Injectable()
export class CaseRecordRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly replicas: ReplicaReads,
  ) {}

  /** Without a manager (the detail), on a caught-up replica when there is one (ReplicaReads). */
  async ofCase(caseId: string, manager?: EntityManager): Promise<CaseRecords> {
    if (!manager) return this.replicas.read((m) => this.ofCase(caseId, m));
    // One after another: a transaction's manager has one connection, which pg must not be handed a
    // second statement while it runs one (deprecated, removed in pg 9); and a read outside one takes
    // one pooled connection, not seven at once.
    const reports = await manager.getRepository(Report).find({ where: { caseId }, order: { filedAt: 'ASC' } });
    const assessments = await manager.getRepository(Assessment).find({ where: { caseId }, order: { assessedAt: 'ASC' } });
    const measures = await manager.getRepository(Measure).find({ where: { caseId }, order: { createdAt: 'ASC' } });
    const visits = await manager.getRepository(Visit).find({ where: { caseId }, order: { visitedAt: 'ASC', createdAt: 'ASC' } });
    const notes = await manager.getRepository(Note).find({ where: { caseId }, order: { createdAt: 'ASC' } });
    const outcomeFeedback = await manager.getRepository(OutcomeFeedback).find({ where: { caseId }, order: { toldAt: 'ASC' } });
    const openReferrals = await this.openReferralCount(caseId, manager);
    return { reports, assessments, measures, visits, notes, outcomeFeedback, openReferrals };
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

  async closeMeasure(
    manager: EntityManager,
    id: string,
    status: MeasureStatus.Done | MeasureStatus.Cancelled | MeasureStatus.Rejected,
    outcome: string,
  ): Promise<void> {
    await manager.getRepository(Measure).update({ id }, { status, outcome, completedAt: new Date() });
  }

  /** A district-decided measure the district approved: it is planned from now on. */
  async planMeasure(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Measure).update({ id, status: MeasureStatus.PendingDecision }, { status: MeasureStatus.Planned });
  }

  /** At a closure that does not need them done (turned_18, moved_away): what is still open is cancelled, with why. */
  async cancelOpenMeasures(manager: EntityManager, caseId: string, outcome: string): Promise<Measure[]> {
    const open = await manager.getRepository(Measure).findBy({ caseId, status: In([...OPEN_MEASURE_STATUSES]) });
    if (open.length) {
      await manager
        .getRepository(Measure)
        .update({ caseId, status: In([...OPEN_MEASURE_STATUSES]) }, { status: MeasureStatus.Cancelled, outcome, completedAt: new Date() });
    }
    return open;
  }

  plannedMeasures(manager: EntityManager, caseId: string): Promise<Measure[]> {
    return manager.getRepository(Measure).findBy({ caseId, status: MeasureStatus.Planned });
  }

  /** Measures still to do: planned, or waiting for the district's decision. */
  openMeasureCount(manager: EntityManager, caseId: string): Promise<number> {
    return manager.getRepository(Measure).countBy({ caseId, status: In([...OPEN_MEASURE_STATUSES]) });
  }

  // ── Referrals (the referrals library's table, read here by SQL: it builds on this one) ──

  /** Referrals of the case still pending or accepted. */
  async openReferralCount(caseId: string, manager: EntityManager = this.db.manager): Promise<number> {
    const [row]: { n: string }[] = await manager.query(`SELECT count(*) AS n FROM referral WHERE case_id = $1 AND status IN ('pending', 'accepted')`, [caseId]);
    return Number(row.n);
  }

  /** When the case closes: what is still pending or accepted is revoked by the system, with why. Returns what it revoked. */
  async revokeOpenReferrals(manager: EntityManager, caseId: string, reason: string): Promise<{ id: string; agencyId: string; status: string }[]> {
    // An UPDATE answers [rows, affected count].
    const [rows]: [{ id: string; agency_id: string; status: string }[], number] = await manager.query(
      `WITH open AS (SELECT id, status FROM referral WHERE case_id = $1 AND status IN ('pending', 'accepted') FOR UPDATE)
       UPDATE referral r SET status = 'revoked', revoked_at = now(), revoked_by_id = NULL, revoke_reason = $2
         FROM open WHERE r.id = open.id
       RETURNING r.id, r.agency_id, open.status`,
      [caseId, reason],
    );
    return rows.map((r) => ({ id: r.id, agencyId: r.agency_id, status: r.status }));
  }

  // ── Visits and notes ──────────────────────────────────────────────────────

  insertVisit(manager: EntityManager, row: Partial<Visit>): Promise<Visit> {
    return manager.getRepository(Visit).save(Object.assign(new Visit(), row));
  }

  insertNote(manager: EntityManager, row: Partial<Note>): Promise<Note> {
    return manager.getRepository(Note).save(Object.assign(new Note(), row));
  }

  insertOutcomeFeedback(manager: EntityManager, row: Partial<OutcomeFeedback>): Promise<OutcomeFeedback> {
    return manager.getRepository(OutcomeFeedback).save(Object.assign(new OutcomeFeedback(), row));
  }

  /** A visit recorded later than every other of the case (so its risk is the case's current risk). */
  async isLatestVisit(manager: EntityManager, caseId: string, visit: { id: string; visitedAt: Date }): Promise<boolean> {
    const [row]: { later: boolean }[] = await manager.query(
      'SELECT EXISTS (SELECT 1 FROM visit WHERE case_id = $1 AND id <> $2 AND visited_at > $3) AS later',
      [caseId, visit.id, visit.visitedAt],
    );
    return !row.later;
  }

  /**
   * Evidence on record (domain.md §8, a not-substantiated closure needs some): visits, and
   * attachments not retracted (the evidence library's table, read here by SQL).
   */
  /** Without a manager (the detail), on a caught-up replica when there is one (ReplicaReads). */
  async countEvidence(caseId: string, manager?: EntityManager): Promise<number> {
    if (!manager) return this.replicas.read((m) => this.countEvidence(caseId, m));
    const [row]: { n: string }[] = await manager.query(
      `SELECT (SELECT count(*) FROM visit WHERE case_id = $1) + (SELECT count(*) FROM attachment WHERE case_id = $1 AND retracted_at IS NULL) AS n`,
      [caseId],
    );
    return Number(row.n);
  }

  /** What deadlines beyond the state depend on: the last 告诫书 and the visits after it, and the outcome owed to a reporter. One statement. */
  async recordFacts(manager: EntityManager, caseId: string): Promise<RecordFacts> {
    const [row]: { letter: Date | null; since: string; last: Date | null; owed: boolean; given: boolean }[] = await manager.query(
      `WITH letter AS (SELECT max(completed_at) AS at FROM measure WHERE case_id = $1 AND type = 'warning_letter' AND status = 'done')
       SELECT letter.at AS letter,
              (SELECT count(*) FROM visit WHERE case_id = $1 AND letter.at IS NOT NULL AND visited_at > letter.at) AS since,
              (SELECT max(visited_at) FROM visit WHERE case_id = $1) AS last,
              EXISTS (SELECT 1 FROM report WHERE case_id = $1 AND reporter_type IN ('mandatory_institution', 'mandatory_staff') AND NOT anonymous) AS owed,
              EXISTS (SELECT 1 FROM outcome_feedback WHERE case_id = $1) AS given
       FROM letter`,
      [caseId],
    );
    return {
      warningLetterAt: row.letter,
      visitsSinceWarning: Number(row.since),
      lastVisitAt: row.last,
      outcomeFeedbackOwed: row.owed,
      outcomeFeedbackGiven: row.given,
    };
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
