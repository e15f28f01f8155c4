import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, asSubject, defineAbilityFor, FieldCipher, JurisdictionLevel } from '@shouhu/access';
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
import { CaseFlag, CaseStatus } from './domain';
import type { CreateCaseDto } from './dto/case.dto';
import type { Case } from './entities/case.entity';
import type { Report } from './entities/report.entity';
import { FIELD_CIPHER } from './field-cipher.provider';
import { sortedUnique, union } from './lists';
import { checkChild, checkIntake, checkReporter, checkSubmittable, reportRow } from './report-rules';

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

  async create(actor: Actor, dto: CreateCaseDto): Promise<CreateResult> {
    const submit = dto.submit ?? true;
    const community = await this.org.jurisdiction(dto.communityId);
    const placed = community && asSubject('Case', { districtId: community.districtId, streetId: community.streetId, communityId: community.communityId });
    const ability = defineAbilityFor(actor);
    if (!community || community.level !== JurisdictionLevel.Community || !ability.can('create', placed as never)) {
      throw new DomainError(ErrorCode.NotFound, 'no such community in your scope', [{ field: 'communityId', message: 'is not a community you may file for' }]);
    }
    checkChild(dto);
    checkReporter(dto.report, 'report');
    if (submit) checkSubmittable(dto.categories, dto.mandatoryItems ?? [], dto.report.narrative, dto.police, 'report.narrative', 'police');
    checkIntake({ ...dto, mandatoryItems: dto.mandatoryItems ?? [] }, { riskField: 'riskLevel' });

    const streetId = community.streetId as string;
    const idHash = dto.child.idNumber ? this.cipher.matchHash(dto.child.idNumber) : null;
    const now = new Date();
    const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(now));
    const district = await this.org.jurisdiction(community.districtId);
    const prefix = district?.casePrefix ?? district?.code ?? 'SH';
    // The number is taken before the transaction, in a statement of its own (committed at
    // once): inside, it would either hold the district's counter row until commit (every
    // filing of the district queued behind it) or ask the pool for a second connection
    // while holding one (a deadlock under load). A filing that fails or links leaves a gap.
    const n = await this.cases.nextCaseNumber(community.districtId, year);
    const updateScope = caseScope(actor, 'update');

    const filed = await this.tx.run(async (manager): Promise<Filed> => {
      // Reports of one child arriving together must find each other, not race to insert the child.
      await this.children.lockIdentity(manager, streetId, dto.child.name, dto.child.birthDate, idHash);
      const childIds = await this.children.matchingIds(manager, idHash, streetId, dto.child.name, dto.child.birthDate);
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
        streetId,
      });
      const c = await this.cases.insert(manager, {
        caseNo: `${prefix}-${year}-${String(n).padStart(6, '0')}`,
        status,
        riskLevel: dto.riskLevel,
        categories: dto.categories,
        mandatoryItems: sortedUnique(dto.mandatoryItems ?? []),
        needsEmergencyPlacement: dto.needsEmergencyPlacement ?? false,
        childId: childRow.id,
        communityId: community.id,
        streetId,
        districtId: community.districtId,
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
