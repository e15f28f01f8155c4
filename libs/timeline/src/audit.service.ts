import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import { AuditRepository } from './audit.repository';
import type { AccessLog } from './entities/access-log.entity';

export interface AuditFilter {
  /** The caller's district: only its cases and its user accounts. */
  districtId: string;
  from?: Date;
  to?: Date;
  actorId?: string;
  caseId?: string;
  limit: number;
}

/** One line of the audit trail. */
export class AuditRow {
  @ApiProperty({
    enum: ['event', 'access', 'user'],
    description: 'event: the case timeline; access: an identity read; user: a change of a user account (type user.*)',
  })
  source: 'event' | 'access' | 'user';
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for user events' }) caseId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'BA-2026-000123' }) caseNo: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'the timeline sequence number of an event' }) seq: number | null;
  @ApiProperty({ example: 'identity.read', description: 'the event type; identity.read for an access; user.* for an account change' }) type: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId: string | null;
  @ApiProperty({ example: 'district_staff' }) actorRole: string;
  @ApiProperty({ type: String, nullable: true }) fromStatus: string | null;
  @ApiProperty({ type: String, nullable: true }) toStatus: string | null;
  @ApiProperty({ type: 'string', isArray: true, example: ['child.name', 'child.birthDate'], description: 'what an access read' }) fields: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, description: 'the timeline hash of an event' }) hash: string | null;
}

export class AuditListView {
  @ApiProperty({ type: [AuditRow], description: 'newest first' }) items: AuditRow[];
}

/** Cells a spreadsheet would run as a formula are neutralised by a leading apostrophe (OWASP CSV injection). */
export function neutraliseCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export const AUDIT_COLUMNS = [
  'source',
  'at',
  'caseNo',
  'caseId',
  'seq',
  'type',
  'actorId',
  'actorRole',
  'fromStatus',
  'toStatus',
  'fields',
  'data',
  'hash',
] as const;

/** The audit trail of a district: timeline events, identity reads and user account changes, newest first. */
@Injectable()
export class AuditService {
  constructor(private readonly trail: AuditRepository) {}

  async recordAccess(entry: Omit<AccessLog, 'id'>): Promise<void> {
    await this.trail.insertAccess(entry);
  }

  async events(f: AuditFilter): Promise<AuditRow[]> {
    const rows = await this.trail.trail(f);
    return rows.map((r) => ({
      source: r.source as AuditRow['source'],
      at: (r.at as Date).toISOString(),
      caseId: r.case_id as string | null,
      caseNo: r.case_no as string | null,
      seq: r.seq === null ? null : Number(r.seq),
      type: r.type as string,
      actorId: r.actor_id as string | null,
      actorRole: r.actor_role as string,
      fromStatus: r.from_status as string | null,
      toStatus: r.to_status as string | null,
      fields: r.fields as string[],
      data: r.data as Record<string, unknown>,
      hash: r.hash as string | null,
    }));
  }

  toCsv(rows: AuditRow[]): string {
    return stringify(
      rows.map((r) => AUDIT_COLUMNS.map((c) => neutraliseCell(c === 'fields' ? r.fields.join(' ') : r[c]))),
      { header: true, columns: [...AUDIT_COLUMNS], bom: true },
    );
  }
}
