import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  caseId: string;
  seq: number;
  type: string;
  at: Date | string;
  actor: { id: string | null; role: string };
  fromStatus: string | null;
  toStatus: string | null;
  data: unknown;
  prevHash: string;
}

/** JSON with object keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 over the canonical serialisation of (caseId, seq, type, at, actor, fromStatus, toStatus, data, prevHash). */
export function eventHash(e: ChainedFields): string {
  const at = e.at instanceof Date ? e.at.toISOString() : new Date(e.at).toISOString();
  const payload = canonicalJson({
    caseId: e.caseId,
    seq: e.seq,
    type: e.type,
    at,
    actor: { id: e.actor.id, role: e.actor.role },
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    data: e.data ?? {},
    prevHash: e.prevHash,
  });
  return createHash('sha256').update(payload, 'utf8').digest('hex');
}

export interface ChainVerdict {
  valid: boolean;
  events: number;
  brokenAtSeq?: number;
}

/** Recomputes the chain in seq order; the first event whose hash or link does not match breaks it. */
export function verifyChain(events: (Omit<ChainedFields, 'prevHash'> & { prevHash: string; hash: string })[]): ChainVerdict {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of events) {
    if (e.seq !== expectedSeq || e.prevHash !== prev || eventHash(e) !== e.hash) {
      return { valid: false, events: events.length, brokenAtSeq: e.seq };
    }
    prev = e.hash;
    expectedSeq += 1;
  }
  return { valid: true, events: events.length };
}
