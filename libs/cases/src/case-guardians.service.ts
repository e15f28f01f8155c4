import { Inject, Injectable } from '@nestjs/common';
import { Actor, FieldCipher } from '@shouhu/access';
import { DomainError } from '@shouhu/errors';
import { EventType } from '@shouhu/timeline';
import { CaseQueriesService } from './case-queries.service';
import { CaseWriter } from './case-writer';
import type { CaseDetailView } from './case.views';
import { CaseErrors } from './cases.errors';
import type { GuardianDto, UpdateGuardianDto } from './dto/case.dto';
import type { Guardian } from './entities/guardian.entity';
import { FIELD_CIPHER } from './field-cipher.provider';
import { GuardianRepository } from './guardian.repository';
import { CaseAction } from './workflow';

/** The fields of a guardian a PATCH may change, in the order the timeline names them. */
export const GUARDIAN_FIELDS = ['name', 'relation', 'phone', 'idNumber', 'livesWithChild', 'suspectedPerpetrator'] as const;
export type GuardianField = (typeof GUARDIAN_FIELDS)[number];

/** The fields a PATCH body names (present, even as null), in GUARDIAN_FIELDS order. */
export function changedGuardianFields(dto: UpdateGuardianDto): GuardianField[] {
  return GUARDIAN_FIELDS.filter((f) => dto[f] !== undefined);
}

/**
 * What a guardian event may carry on the timeline: ids, the relation and the flags.
 * Never a name, phone or ID number (domain.md §9): the timeline is exported and audited.
 */
export function guardianEventData(g: Pick<Guardian, 'id' | 'relation' | 'livesWithChild' | 'suspectedPerpetrator'>, changed?: GuardianField[]) {
  return {
    guardianId: g.id,
    relation: g.relation,
    livesWithChild: g.livesWithChild,
    suspectedPerpetrator: g.suspectedPerpetrator,
    ...(changed ? { changed } : {}),
  };
}

/**
 * 监护人与家庭成员 (domain.md §13): who the child lives with and who may have harmed them.
 * Guardians are records, not users: they receive nothing (notifications go to staff users
 * only) and see nothing of the case, so a suspected perpetrator never learns the reporter.
 */
@Injectable()
export class CaseGuardiansService {
  constructor(
    private readonly writer: CaseWriter,
    private readonly guardians: GuardianRepository,
    private readonly queries: CaseQueriesService,
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
  ) {}

  async add(actor: Actor, id: string, dto: GuardianDto): Promise<CaseDetailView> {
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.AddGuardian);
      const g = await this.guardians.insert(ctx.manager, {
        caseId: ctx.c.id,
        name: dto.name,
        relation: dto.relation,
        phone: dto.phone ?? null,
        ...this.idNumberColumns(dto.idNumber ?? null),
        livesWithChild: dto.livesWithChild,
        suspectedPerpetrator: dto.suspectedPerpetrator,
        createdById: actor.id,
      });
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.GuardianAdded, { data: guardianEventData(g) });
    });
    return this.queries.get(actor, id);
  }

  /** Any subset of the fields; `phone: null` and `idNumber: null` clear them. */
  async update(actor: Actor, id: string, guardianId: string, dto: UpdateGuardianDto): Promise<CaseDetailView> {
    const changed = changedGuardianFields(dto);
    if (changed.length === 0) throw CaseErrors.invalid('body', `must name at least one of ${GUARDIAN_FIELDS.join(', ')}`);
    await this.writer.write(actor, id, async (ctx) => {
      this.writer.judge(ctx, CaseAction.UpdateGuardian);
      const g = await this.guardians.find(ctx.manager, ctx.c.id, guardianId);
      if (!g) throw DomainError.notFound('guardian');
      const changes: Partial<Guardian> = {};
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.relation !== undefined) changes.relation = dto.relation;
      if (dto.phone !== undefined) changes.phone = dto.phone;
      if (dto.idNumber !== undefined) Object.assign(changes, this.idNumberColumns(dto.idNumber));
      if (dto.livesWithChild !== undefined) changes.livesWithChild = dto.livesWithChild;
      if (dto.suspectedPerpetrator !== undefined) changes.suspectedPerpetrator = dto.suspectedPerpetrator;
      await this.guardians.update(ctx.manager, g.id, changes);
      await this.writer.event(ctx.manager, ctx.c, actor, EventType.GuardianUpdated, { data: guardianEventData({ ...g, ...changes }, changed) });
    });
    return this.queries.get(actor, id);
  }

  /** The ID number as stored: encrypted, with its keyed hash (as the child's). */
  private idNumberColumns(idNumber: string | null): Pick<Guardian, 'idNumberCipher' | 'idNumberHmac'> {
    return idNumber
      ? { idNumberCipher: this.cipher.encrypt(idNumber), idNumberHmac: this.cipher.matchHash(idNumber) }
      : { idNumberCipher: null, idNumberHmac: null };
  }
}
