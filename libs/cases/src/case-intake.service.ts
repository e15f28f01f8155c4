import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, AppAbility, asSubject, defineAbilityFor, FieldCipher, JurisdictionLevel, Role } from '@shouhu/access';
import { endingWith, type LastStatement, TransactionRunner } from '@shouhu/database';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { EventType } from '@shouhu/timeline';
import { CaseQueriesService } from './case-queries.service';
import { CaseRecordRepository } from './case-record.repository';
import { caseScope } from './case-scope';
import { CaseWriter, EventFacts } from './case-writer';
import { CaseRepository, type ChildIdentity, type PlacedFiling } from './case.repository';
import type { CaseDetailView } from './case.views';
import { ChildRepository } from './child.repository';
import { CaseErrors } from './cases.errors';
import { CaseFlag, CaseStatus, NO_DEADLINE, ReporterType } from './domain';
import { CreateCaseDto, FilingReportInput } from './dto/case.dto';
import { Case } from './entities/case.entity';
import { Child } from './entities/child.entity';
import { Report } from './entities/report.entity';
import { FIELD_CIPHER } from './field-cipher.provider';
import { sortedUnique, union } from './lists';
import { checkChild, checkIntake, checkReporter, checkSubmittable, reportRow } from './report-rules';

/** Where a new case is placed (street and community null: unlocated), and its district's case-number prefix. */
type Place = {
  districtId: string;
  streetId: string | null;
  communityId: string | null;
  casePrefix: string;
};

/** The year of a case number, in China; made once (an Intl formatter costs far more to make than to use). */
const YEAR_IN_CHINA = new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' });

/** The longest case number case.case_no holds. */
const CASE_NO_LENGTH = 24;

/** `${prefix}-${year}-${n padded to 6}`; never cut: a number that would not fit is an error, not a truncated duplicate. */
export function caseNumber(prefix: string, year: number, n: number): string {
  const caseNo = `${prefix}-${year}-${String(n).padStart(6, '0')}`;
  if (caseNo.length > CASE_NO_LENGTH) throw new Error(`a case number of ${caseNo.length} characters does not fit case.case_no (${CASE_NO_LENGTH})`);
  return caseNo;
}

/**
 * The filing with its reporter type: as stated, else `hotline` for the hotline's own
 * filings (domain.md §2); anyone else must state it (400 naming report.reporterType).
 */
function withReporterType(actor: Actor, dto: CreateCaseDto): CreateCaseDto {
  // Optional in the filing's DTO (FilingReportInput), required by the type it extends.
  const stated = dto.report.reporterType as ReporterType | undefined;
  const reporterType = stated ?? (actor.role === Role.HotlineIntake ? ReporterType.Hotline : undefined);
  if (!reporterType) throw CaseErrors.missing(['report.reporterType']);
  return { ...dto, report: Object.assign(new FilingReportInput(), dto.report, { reporterType }) };
}

/** Where a filing asks to go: a community, or (the hotline's unlocated report) its district. */
interface PlaceTarget {
  jurisdictionId: string;
  unlocated: boolean;
}

/**
 * Where the case goes: a community of the caller's scope (checked once its row is read: placed),
 * or, for the hotline, nowhere yet (communityId null: unlocated, in the caller's district; the
 * report must say where it happened). Checked before anything is read.
 */
function placeTarget(actor: Actor, dto: CreateCaseDto, ability: AppAbility): PlaceTarget {
  if (dto.communityId !== null) return { jurisdictionId: dto.communityId, unlocated: false };
  if (actor.role !== Role.HotlineIntake) throw CaseErrors.invalid('communityId', 'must be a community id: only the hotline files unlocated reports');
  if (!dto.report.location) {
    throw new DomainError(ErrorCode.ValidationFailed, 'an unlocated report (communityId null) needs report.location', [
      { field: 'report.location', message: 'is required when communityId is null' },
    ]);
  }
  if (!ability.can('create', asSubject('Case', { districtId: actor.districtId, streetId: null, communityId: null }))) {
    throw CaseErrors.invalid('communityId', 'must be a community id');
  }
  return { jurisdictionId: actor.districtId, unlocated: true };
}

/**
 * The place read for the target (CaseRepository.placeLockAndNumber), checked: an unlocated
 * report goes to its district; a filing for a community must name a community of the caller's
 * scope (another district's, or no such community: 404 naming communityId).
 */
function placed(actor: Actor, ability: AppAbility, target: PlaceTarget, row: PlacedFiling | null): Place & { n: number } {
  if (target.unlocated) {
    // The caller's own district: there whenever the caller is.
    if (!row) throw new Error('the caller’s district has no jurisdiction row');
    return { districtId: actor.districtId, streetId: null, communityId: null, casePrefix: row.casePrefix, n: row.n };
  }
  const place = row && { districtId: row.districtId, streetId: row.streetId, communityId: row.id, casePrefix: row.casePrefix, n: row.n };
  if (
    !place ||
    row.level !== JurisdictionLevel.Community ||
    !ability.can('create', asSubject('Case', { districtId: place.districtId, streetId: place.streetId, communityId: place.communityId }))
  ) {
    throw new DomainError(ErrorCode.NotFound, 'no such community in your scope', [{ field: 'communityId', message: 'is not a community you may file for' }]);
  }
  return place;
}

export interface CreateResult {
  detail: CaseDetailView;
  linkedToExisting: boolean;
  reopened: boolean;
}

/** Where a filing went: its own new case, or the child's case in the caller's scope that it joined (and reopened). */
interface Filed {
  caseId: string;
  linkedToExisting: boolean;
  reopened: boolean;
  /** Built from the rows written (the one-statement filing); else the case is read after commit. */
  detail?: CaseDetailView;
}

/** One filing as the intake works on it, checked. */
interface Intake {
  actor: Actor;
  ability: AppAbility;
  target: PlaceTarget;
  dto: CreateCaseDto;
  submit: boolean;
  identity: ChildIdentity;
  now: Date;
}

/** A new case's rows before it has ids, at its place, and how its first event reads. */
interface NewCaseRows {
  child: Partial<Child>;
  caseRow: Omit<Case, 'id' | 'childId' | 'createdAt' | 'updatedAt'>;
  /** The child's match scope (child.street_id). */
  matchScope: string;
  eventType: EventType;
  eventData: (c: Pick<Case, 'caseNo' | 'riskLevel' | 'categories'>, reportId: string) => EventFacts;
}

/**
 * Intake: filing a report, and what happens when the child was reported before.
 * The response never holds stored data the caller did not send: a new case gets a
 * child row of its own, made from the caller's input. A report on a child whose open
 * (or recently closed) case lies in the caller's scope joins that case; one whose
 * case lies outside it opens a case in the caller's scope, linked to the other on
 * the server side, and the other case's supervisor and district staff are told.
 * Nothing in the answer tells the caller about the other.
 */
@Injectable()
export class CaseIntakeService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly children: ChildRepository,
    private readonly records: CaseRecordRepository,
    private readonly writer: CaseWriter,
    private readonly queries: CaseQueriesService,
    private readonly tx: TransactionRunner,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
  ) {}

  async create(actor: Actor, input: CreateCaseDto): Promise<CreateResult> {
    const submit = input.submit ?? true;
    const ability = defineAbilityFor(actor);
    const target = placeTarget(actor, input, ability);
    const dto = withReporterType(actor, input);
    checkChild(dto);
    checkReporter(dto.report, 'report');
    if (submit) checkSubmittable(dto.categories, dto.mandatoryItems ?? [], dto.report.narrative, dto.police, 'report.narrative', 'police');
    checkIntake({ ...dto, mandatoryItems: dto.mandatoryItems ?? [] }, { riskField: 'riskLevel' });

    const idHash = dto.child.idNumber ? this.cipher.matchHash(dto.child.idNumber) : null;
    const now = new Date();
    const intake: Intake = { actor, ability, target, dto, submit, identity: { name: dto.child.name, birthDate: dto.child.birthDate, idHash }, now };

    // The common filing, a child not reported before, in two round trips: BEGIN with the place, the
    // locks and the number; the rows' one statement with COMMIT. It answers null when that statement
    // wrote nothing (the child was reported before): the report then joins or links to the child's
    // case in a transaction of its own, under the same locks, with a new number (a gap is allowed).
    const filed =
      (await this.tx.run<Filed | null>(async (manager) => {
        const rows = await this.placedRows(manager, intake);
        return this.fileInOneStatement(manager, intake, rows) ?? this.fileRowByRow(manager, intake, rows);
      })) ?? (await this.tx.run(async (manager) => this.fileRowByRow(manager, intake, await this.placedRows(manager, intake))));
    // Both paths end on a case in the caller's scope: their new case or the one it joined.
    const detail = filed.detail ?? (await this.queries.get(actor, filed.caseId));
    return { detail, linkedToExisting: filed.linkedToExisting, reopened: filed.reopened };
  }

  /**
   * The transaction's first statement: where the case goes, the locks that make reports of one
   * child arriving together find each other rather than race to insert the child, and the case
   * number (from a sequence: nothing held, no second connection). Checked: 404 naming communityId.
   * The new case's rows at that place.
   */
  private async placedRows(manager: EntityManager, intake: Intake): Promise<NewCaseRows> {
    const { actor, ability, target, identity } = intake;
    return this.newCaseRows(intake, placed(actor, ability, target, await this.cases.placeLockAndNumber(manager, target.jurisdictionId, identity)));
  }

  /** The new case's child and case rows at its place, and its first event. */
  private newCaseRows(intake: Intake, place: Place & { n: number }): NewCaseRows {
    const { actor, dto, submit, identity, now } = intake;
    const status = submit ? CaseStatus.Submitted : CaseStatus.Draft;
    // The child's match scope (child.street_id): its street; for an unlocated report, the district
    // until district staff route the case (transfer moves the child to the street).
    const matchScope = place.streetId ?? place.districtId;
    const child: Partial<Child> = {
      name: dto.child.name,
      sex: dto.child.sex,
      birthDate: dto.child.birthDate,
      idNumberCipher: dto.child.idNumber ? this.cipher.encrypt(dto.child.idNumber) : null,
      idNumberHmac: identity.idHash,
      address: dto.child.address ?? null,
      school: dto.child.school ?? null,
      streetId: matchScope,
    };
    const caseRow: NewCaseRows['caseRow'] = {
      caseNo: caseNumber(place.casePrefix, Number(YEAR_IN_CHINA.format(now)), place.n),
      status,
      riskLevel: dto.riskLevel,
      categories: dto.categories,
      mandatoryItems: sortedUnique(dto.mandatoryItems ?? []),
      needsEmergencyPlacement: dto.needsEmergencyPlacement ?? false,
      communityId: place.communityId,
      streetId: place.streetId,
      districtId: place.districtId,
      assigneeId: null,
      createdById: actor.id,
      reportedAt: now,
      acceptedAt: null,
      assessedAt: null,
      interventionStartedAt: null,
      followUpStartedAt: null,
      closedAt: null,
      closureKind: null,
      closureReason: null,
      closureNote: null,
      mergedIntoId: null,
      relatedCaseIds: [],
      flags: [],
      escalationLevel: 0,
      policeReportedAt: dto.police?.reportedAt ? new Date(dto.police.reportedAt) : null,
      policeReceiptNo: dto.police?.receiptNo ?? null,
      policeNotReportedReason: dto.police?.notReportedReason ?? null,
      policeFeedbackAt: null,
      policeFeedback: null,
      nextDueAt: NO_DEADLINE,
      nextDueKind: null,
      lastEventSeq: 0,
      version: 1,
    };
    return {
      child,
      caseRow,
      matchScope,
      eventType: submit ? EventType.CaseReported : EventType.CaseFiled,
      eventData: (c, reportId) => ({ to: status, data: { reportId, caseNo: c.caseNo, riskLevel: c.riskLevel, categories: c.categories } }),
    };
  }

  /**
   * A child reported before (or a report whose deadlines need the database): the report joins the
   * child's case in the caller's scope, or opens one linked to the other; else a new case, row by row.
   */
  private async fileRowByRow(manager: EntityManager, intake: Intake, rows: NewCaseRows): Promise<Filed> {
    const { actor, ability, dto, submit, identity } = intake;
    let related: Case | null = null;
    const childIds = submit ? await this.children.matchingIds(manager, identity.idHash, rows.matchScope, identity.name, identity.birthDate) : [];
    if (childIds.length) {
      const existing = await this.cases.findLinkableCase(manager, childIds, caseScope(actor, 'update'));
      if (existing && ability.can('update', asSubject('Case', existing) as never)) return this.linkReport(manager, actor, existing, dto);
      related = existing;
    }
    const childRow = await this.children.insert(manager, rows.child);
    const c = await this.cases.insert(manager, { ...rows.caseRow, relatedCaseIds: related ? [related.id] : [], childId: childRow.id });
    const report = await this.fileReport(manager, actor, c.id, dto, false);
    await this.writer.event(manager, c, actor, rows.eventType, rows.eventData(c, report.id));
    if (submit) await this.writer.follow({ manager, caseRow: c, actor, change: { kind: 'submitted' } });
    if (related) await this.linkAcrossScopes(manager, actor, related, c);
    return { caseId: c.id, linkedToExisting: false, reopened: false };
  }

  /**
   * A new case (submitted, the common case, or a draft): every row made here (ids included), the
   * first event hashed and the deadlines computed in memory, the detail built from those rows; then
   * the transaction ends with the one statement that writes the child, the case, the report, the
   * event, the deadlines and the access-log entry of the detail, sent with COMMIT, unless (a
   * submitted report) the child was reported before: the statement then writes nothing and the
   * transaction answers null. Null here when the deadlines need the full path (an unlocated report
   * notifies district staff).
   */
  private fileInOneStatement(manager: EntityManager, intake: Intake, rows: NewCaseRows): LastStatement<Filed | null> | null {
    const { actor, dto, submit, identity, now } = intake;
    const child = Object.assign(new Child(), rows.child, { id: randomUUID(), createdAt: now, updatedAt: now });
    const c = Object.assign(new Case(), rows.caseRow, { id: randomUUID(), childId: child.id, createdAt: now, updatedAt: now });
    const extra = { categories: dto.categories, mandatoryItems: dto.mandatoryItems ?? [], riskEstimate: dto.riskLevel, linked: false };
    const report = Object.assign(new Report(), reportRow(actor, c.id, dto.report, extra), { id: randomUUID(), filedAt: now });
    const plan = this.writer.planFiled(actor, c, rows.eventType, rows.eventData(c, report.id), now);
    if (!plan) return null;
    const { detail, access } = this.queries.filedDetail(actor, { ...plan.caseRow, child }, report, plan.deadlines.views, dto.child.idNumber ?? null, now);
    const statement = this.cases.filingStatement(
      manager,
      { child, caseRow: plan.caseRow, report, event: plan.event, deadlines: plan.deadlines.rows, access },
      submit ? { ...identity, streetId: rows.matchScope } : null,
    );
    return endingWith(statement, ([row]: { written: boolean }[]) => (row.written ? { caseId: c.id, linkedToExisting: false, reopened: false, detail } : null));
  }

  /**
   * A report on a child whose case lies outside the caller's scope: the new case and
   * the other are linked both ways, the other case's timeline says a related report
   * arrived, and its street supervisor and district staff are told. The other case is
   * neither changed in state nor reopened: it is not the caller's to change.
   */
  private async linkAcrossScopes(manager: EntityManager, actor: Actor, other: Case, created: Case): Promise<void> {
    await this.cases.addRelatedCases(manager, other.id, [created.id]);
    // The event names no case: the other case's readers may not cover the new one (relatedCaseIds shows it to those who do).
    await this.writer.event(manager, other, actor, EventType.CaseRelatedReport, { data: { reportedElsewhere: true } });
    await this.writer.notify({ manager, caseRow: other, actor, change: { kind: 'related_report' } });
  }

  /** The filing's report row on the case it went to (linked: it joined a case that existed). */
  private fileReport(manager: EntityManager, actor: Actor, caseId: string, dto: CreateCaseDto, linked: boolean): Promise<Report> {
    const extra = { categories: dto.categories, mandatoryItems: dto.mandatoryItems ?? [], riskEstimate: dto.riskLevel, linked };
    return this.records.insertReport(manager, reportRow(actor, caseId, dto.report, extra));
  }

  /** Duplicate intake in the caller's scope: the report joins the child's open case, or reopens one closed within 90 days. */
  private async linkReport(manager: EntityManager, actor: Actor, existing: Case, dto: CreateCaseDto): Promise<Filed> {
    const report = await this.fileReport(manager, actor, existing.id, dto, true);
    const changes: Partial<Case> = {
      categories: union(existing.categories, dto.categories),
      mandatoryItems: sortedUnique([...existing.mandatoryItems, ...(dto.mandatoryItems ?? [])]),
      needsEmergencyPlacement: existing.needsEmergencyPlacement || (dto.needsEmergencyPlacement ?? false),
    };
    if (!existing.policeReportedAt && dto.police?.reportedAt) {
      changes.policeReportedAt = new Date(dto.police.reportedAt);
      changes.policeReceiptNo = dto.police.receiptNo ?? null;
    }
    const reopen = existing.status === CaseStatus.Closed;
    if (reopen) {
      Object.assign(changes, {
        status: CaseStatus.Assessing,
        closedAt: null,
        closureKind: null,
        closureReason: null,
        closureNote: null,
        flags: union(existing.flags, [CaseFlag.Reopened]),
      });
    }
    await this.cases.updateCase(manager, existing.id, changes);
    await this.writer.event(manager, existing, actor, EventType.ReportLinked, { data: { reportId: report.id, reporterType: dto.report.reporterType } });
    if (reopen) {
      await this.writer.event(manager, existing, actor, EventType.CaseReopened, {
        from: CaseStatus.Closed,
        to: CaseStatus.Assessing,
        data: { reason: 'new report within the reopen window', reportId: report.id },
      });
      await this.writer.follow({
        manager,
        caseRow: { ...existing, ...changes },
        actor,
        change: { kind: 'status', from: CaseStatus.Closed, to: CaseStatus.Assessing },
      });
    }
    return { caseId: existing.id, linkedToExisting: true, reopened: reopen };
  }
}
