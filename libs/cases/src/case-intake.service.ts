import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, AppAbility, asSubject, defineAbilityFor, FieldCipher, JurisdictionLevel, Role } from '@shouhu/access';
import { TransactionRunner } from '@shouhu/database';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { OrgService } from '@shouhu/org';
import { EventType } from '@shouhu/timeline';
import { CaseQueriesService } from './case-queries.service';
import { CaseRecordRepository } from './case-record.repository';
import { caseScope } from './case-scope';
import { CaseWriter } from './case-writer';
import { CaseRepository } from './case.repository';
import type { CaseDetailView } from './case.views';
import { ChildRepository } from './child.repository';
import { CaseErrors } from './cases.errors';
import { CaseFlag, CaseStatus, ReporterType } from './domain';
import { CreateCaseDto, FilingReportInput } from './dto/case.dto';
import type { Case } from './entities/case.entity';
import type { Report } from './entities/report.entity';
import { FIELD_CIPHER } from './field-cipher.provider';
import { sortedUnique, union } from './lists';
import { checkChild, checkIntake, checkReporter, checkSubmittable, reportRow } from './report-rules';

/** Where a new case is placed; street and community null: unlocated. */
type Place = {
  districtId: string;
  streetId: string | null;
  communityId: string | null;
};

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
    private readonly org: OrgService,
    private readonly tx: TransactionRunner,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
  ) {}

  async create(actor: Actor, input: CreateCaseDto): Promise<CreateResult> {
    const submit = input.submit ?? true;
    const ability = defineAbilityFor(actor);
    const place = await this.placeOf(actor, input, ability);
    const dto = withReporterType(actor, input);
    checkChild(dto);
    checkReporter(dto.report, 'report');
    if (submit) checkSubmittable(dto.categories, dto.mandatoryItems ?? [], dto.report.narrative, dto.police, 'report.narrative', 'police');
    checkIntake({ ...dto, mandatoryItems: dto.mandatoryItems ?? [] }, { riskField: 'riskLevel' });

    // The child's match scope (child.street_id): its street; for an unlocated report, the district
    // until district staff route the case (transfer moves the child to the street).
    const matchScope = place.streetId ?? place.districtId;
    const idHash = dto.child.idNumber ? this.cipher.matchHash(dto.child.idNumber) : null;
    const now = new Date();
    const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(now));
    const district = await this.org.jurisdiction(place.districtId);
    const prefix = district?.casePrefix ?? district?.code ?? 'SH';
    // The number is taken before the transaction, in a statement of its own (committed at
    // once): inside, it would either hold the district's counter row until commit (every
    // filing of the district queued behind it) or ask the pool for a second connection
    // while holding one (a deadlock under load). A filing that fails or links leaves a gap.
    const n = await this.cases.nextCaseNumber(place.districtId, year);
    const updateScope = caseScope(actor, 'update');

    const filed = await this.tx.run(async (manager): Promise<Filed> => {
      // Reports of one child arriving together must find each other, not race to insert the child.
      await this.children.lockIdentity(manager, matchScope, dto.child.name, dto.child.birthDate, idHash);
      const childIds = await this.children.matchingIds(manager, idHash, matchScope, dto.child.name, dto.child.birthDate);
      let related: Case | null = null;
      if (childIds.length && submit) {
        const existing = await this.cases.findLinkableCase(manager, childIds, updateScope);
        if (existing && ability.can('update', asSubject('Case', existing) as never)) return this.linkReport(manager, actor, existing, dto);
        related = existing;
      }
      const status = submit ? CaseStatus.Submitted : CaseStatus.Draft;
      const childRow = await this.children.insert(manager, {
        name: dto.child.name,
        sex: dto.child.sex,
        birthDate: dto.child.birthDate,
        idNumberCipher: dto.child.idNumber ? this.cipher.encrypt(dto.child.idNumber) : null,
        idNumberHmac: idHash,
        address: dto.child.address ?? null,
        school: dto.child.school ?? null,
        streetId: matchScope,
      });
      const c = await this.cases.insert(manager, {
        caseNo: `${prefix}-${year}-${String(n).padStart(6, '0')}`,
        status,
        riskLevel: dto.riskLevel,
        categories: dto.categories,
        mandatoryItems: sortedUnique(dto.mandatoryItems ?? []),
        needsEmergencyPlacement: dto.needsEmergencyPlacement ?? false,
        childId: childRow.id,
        communityId: place.communityId,
        streetId: place.streetId,
        districtId: place.districtId,
        assigneeId: null,
        createdById: actor.id,
        reportedAt: now,
        flags: [],
        escalationLevel: 0,
        policeReportedAt: dto.police?.reportedAt ? new Date(dto.police.reportedAt) : null,
        policeReceiptNo: dto.police?.receiptNo ?? null,
        policeNotReportedReason: dto.police?.notReportedReason ?? null,
        relatedCaseIds: related ? [related.id] : [],
        lastEventSeq: 0,
        version: 1,
      });
      const report = await this.fileReport(manager, actor, c.id, dto, false);
      await this.writer.event(manager, c, actor, submit ? EventType.CaseReported : EventType.CaseFiled, {
        to: status,
        data: { reportId: report.id, caseNo: c.caseNo, riskLevel: c.riskLevel, categories: c.categories },
      });
      if (submit) await this.writer.follow({ manager, caseRow: c, actor, change: { kind: 'submitted' } });
      if (related) await this.linkAcrossScopes(manager, actor, related, c);
      return { caseId: c.id, linkedToExisting: false, reopened: false };
    });
    // Both paths end on a case in the caller's scope: their new case or the one it joined.
    return { detail: await this.queries.get(actor, filed.caseId), linkedToExisting: filed.linkedToExisting, reopened: filed.reopened };
  }

  /**
   * Where the case goes: a community of the caller's scope (another district's, or no such
   * community: 404 naming communityId), or, for the hotline, nowhere yet (communityId null:
   * unlocated, in the caller's district; the report must say where it happened).
   */
  private async placeOf(actor: Actor, dto: CreateCaseDto, ability: AppAbility): Promise<Place> {
    if (dto.communityId === null) {
      if (actor.role !== Role.HotlineIntake) throw CaseErrors.invalid('communityId', 'must be a community id: only the hotline files unlocated reports');
      if (!dto.report.location) {
        throw new DomainError(ErrorCode.ValidationFailed, 'an unlocated report (communityId null) needs report.location', [
          { field: 'report.location', message: 'is required when communityId is null' },
        ]);
      }
      const unlocated: Place = { districtId: actor.districtId, streetId: null, communityId: null };
      if (!ability.can('create', asSubject('Case', unlocated))) throw CaseErrors.invalid('communityId', 'must be a community id');
      return unlocated;
    }
    const community = await this.org.jurisdiction(dto.communityId);
    const placed: Place | null = community && { districtId: community.districtId, streetId: community.streetId, communityId: community.id };
    if (!community || !placed || community.level !== JurisdictionLevel.Community || !ability.can('create', asSubject('Case', placed))) {
      throw new DomainError(ErrorCode.NotFound, 'no such community in your scope', [{ field: 'communityId', message: 'is not a community you may file for' }]);
    }
    return placed;
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
