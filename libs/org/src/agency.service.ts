import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Actor, defineAbilityFor, JurisdictionLevel, Role, rulesToSql } from '@shouhu/access';
import { TransactionRunner } from '@shouhu/database';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { EventType } from '@shouhu/timeline';
import { AgencyRepository } from './agency.repository';
import type { AgencyView, CreateAgencyDto, UpdateAgencyDto } from './dto/agency.dto';
import { Agency, AGENCY_KIND_LABELS } from './entities/agency.entity';
import { JURISDICTION_FIELDS, JurisdictionRepository } from './jurisdiction.repository';
import { UserRepository } from './user.repository';

/** A district has tens of agencies, not thousands: one answer carries them all. */
const AGENCY_LIST_LIMIT = 500;

/**
 * Agency changes on the district's audit trail (GET /api/audit/events, source "user"): the
 * account trail's table holds them, about the admin who made the change, the agency in data.
 * Their types belong in EventType (libs/timeline) beside user.*.
 */
export const AgencyEvent = {
  Created: EventType.AgencyCreated,
  Updated: EventType.AgencyUpdated,
};

export const agencyNotFound = () => DomainError.notFound('agency');
const nameTaken = () =>
  new DomainError(ErrorCode.Conflict, 'the district already has an agency of this name', [{ field: 'name', message: 'is already taken in this district' }]);

export function agencyView(a: Agency): AgencyView {
  return { id: a.id, kind: a.kind, kindLabel: AGENCY_KIND_LABELS[a.kind], name: a.name, districtId: a.districtId, active: a.active };
}

/**
 * 协同单位 registry (domain.md §1, §11): the admin keeps each district's agencies; every
 * signed-in user reads those of its district (a liaison only its own agency).
 */
@Injectable()
export class AgencyService {
  constructor(
    private readonly agencies: AgencyRepository,
    private readonly jurisdictions: JurisdictionRepository,
    private readonly users: UserRepository,
    private readonly tx: TransactionRunner,
  ) {}

  async list(actor: Actor): Promise<AgencyView[]> {
    if (actor.role === Role.AgencyLiaison && !actor.agencyId) return [];
    const rows = await this.agencies.list(
      { districtId: actor.districtId, ...(actor.role === Role.AgencyLiaison ? { id: actor.agencyId as string } : {}) },
      AGENCY_LIST_LIMIT,
    );
    return rows.map(agencyView);
  }

  async create(actor: Actor, dto: CreateAgencyDto): Promise<AgencyView> {
    const districtId = await this.districtInScope(actor, dto.districtId ?? actor.districtId);
    try {
      const created = await this.tx.run(async (manager) => {
        const a = await this.agencies.insert(manager, { kind: dto.kind, name: dto.name, districtId, active: true });
        await this.audit(manager, actor, districtId, AgencyEvent.Created, { agencyId: a.id, kind: a.kind, name: a.name, agencyDistrictId: districtId });
        return a;
      });
      return agencyView(created);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }

  async update(actor: Actor, id: string, dto: UpdateAgencyDto): Promise<AgencyView> {
    try {
      const updated = await this.tx.run(async (manager) => {
        const a = await this.agencies.lockInDistrict(manager, id, actor.districtId);
        if (!a) throw agencyNotFound();
        const changes: Partial<Agency> = {};
        const data: Record<string, unknown> = {};
        for (const field of ['kind', 'name', 'active'] as const) {
          const to = dto[field];
          if (to !== undefined && to !== a[field]) {
            Object.assign(changes, { [field]: to });
            data[field] = { from: a[field], to };
          }
        }
        if (Object.keys(changes).length > 0) {
          await this.agencies.update(manager, a.id, changes);
          await this.audit(manager, actor, a.districtId, AgencyEvent.Updated, { agencyId: a.id, ...data });
        }
        return { ...a, ...changes };
      });
      return agencyView(updated);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }

  /** An agency by id, whoever asks (the caller checks district and state). */
  find(id: string, manager?: EntityManager): Promise<Agency | null> {
    return this.agencies.findById(id, manager);
  }

  /** A district the admin manages (404 naming districtId otherwise, as for users' jurisdictions). */
  private async districtInScope(actor: Actor, districtId: string): Promise<string> {
    const scope = rulesToSql(defineAbilityFor(actor), 'read', 'Jurisdiction', JURISDICTION_FIELDS);
    const j = await this.jurisdictions.findWithin(districtId, scope);
    if (!j) {
      throw new DomainError(ErrorCode.NotFound, 'no such district in your scope', [{ field: 'districtId', message: 'is not a district you manage' }]);
    }
    if (j.level !== JurisdictionLevel.District) throw DomainError.validation('districtId', 'must be a district');
    return j.id;
  }

  private audit(manager: EntityManager, actor: Actor, districtId: string, type: EventType, data: Record<string, unknown>): Promise<void> {
    return this.users.appendEvents(manager, [{ userId: actor.id, districtId, actorId: actor.id, actorRole: actor.role, type, data }]);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { driverError?: { code?: string } }).driverError?.code === '23505';
}
