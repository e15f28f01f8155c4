import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditFilter } from './audit.service';
import { AccessLog } from './entities/access-log.entity';

/** The audit trail's rows: the access log, and the district's events, identity reads and account changes read together. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insertAccess(entry: Omit<AccessLog, 'id'>): Promise<void> {
    await this.db.getRepository(AccessLog).insert(entry);
  }

  /** Newest first, as PostgreSQL returns them (snake_case columns). */
  trail(f: AuditFilter): Promise<Record<string, unknown>[]> {
    const params: unknown[] = [f.districtId];
    const cond: string[] = [];
    const add = (sqlFor: (p: string) => string, value: unknown) => {
      params.push(value);
      cond.push(sqlFor(`$${params.length}`));
    };
    if (f.from) add((p) => `x.at >= ${p}`, f.from);
    if (f.to) add((p) => `x.at < ${p}`, f.to);
    if (f.actorId) add((p) => `x.actor_id = ${p}`, f.actorId);
    if (f.caseId) add((p) => `x.case_id = ${p}`, f.caseId);
    params.push(f.limit);
    const where = cond.length ? `AND ${cond.join(' AND ')}` : '';
    return this.db.query<Record<string, unknown>[]>(
      `SELECT * FROM (
         SELECT 'event' AS source, e.at, e.case_id, c.case_no, e.seq, e.type, e.actor_id, e.actor_role, e.from_status, e.to_status,
                '{}'::varchar[] AS fields, e.data, e.hash, NULL::bigint AS ord
           FROM case_event e JOIN "case" c ON c.id = e.case_id WHERE c.district_id = $1
         UNION ALL
         SELECT 'access', a.at, a.case_id, c.case_no, NULL, 'identity.read', a.actor_id, a.actor_role, NULL, NULL,
                a.fields, '{}'::jsonb, NULL, NULL
           FROM access_log a JOIN "case" c ON c.id = a.case_id WHERE a.district_id = $1
         UNION ALL
         -- The account the event is about goes into data (user events carry no password or hash);
         -- the events of one change share their instant, so their id orders them.
         SELECT 'user', u.at, NULL, NULL, NULL, u.type, u.actor_id, u.actor_role, NULL, NULL,
                '{}'::varchar[], jsonb_build_object('userId', u.user_id) || u.data, NULL, u.id
           FROM user_event u WHERE u.district_id = $1
       ) x WHERE TRUE ${where}
       ORDER BY x.at DESC, x.case_id, x.seq DESC NULLS LAST, x.ord DESC NULLS LAST
       LIMIT $${params.length}`,
      params,
    );
  }
}
