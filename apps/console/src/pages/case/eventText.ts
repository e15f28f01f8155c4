/**
 * One value of a timeline event's `data`, in words (timeline and audit pages). Codes become
 * their Chinese labels; ids become names through the resolvers given.
 */
import {
  AGENCY_KIND_LABELS,
  APPROVAL_KIND_LABELS,
  CATEGORY_LABELS,
  CLOSURE_KIND_LABELS,
  CLOSURE_REASON_LABELS,
  ESCALATION_LABELS,
  FEEDBACK_CHANNEL_LABELS,
  MEASURE_STATUS_LABELS,
  MEASURE_TYPE_LABELS,
  PLACEMENT_LABELS,
  REFERRAL_STATUS_LABELS,
  ROLE_LABELS,
  VISIT_KIND_LABELS,
  deadlineKindText,
  type CategoryCode,
  type Role,
} from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';

export interface Resolvers {
  user: (id: string) => string;
  community: (id: string) => string;
}

/** Record ids that say nothing to a reader. */
export const HIDDEN_DATA_KEYS = new Set([
  'reportId',
  'assessmentId',
  'measureId',
  'approvalId',
  'deadlineId',
  'visitId',
  'fromCaseId',
  'intoCaseId',
  'guardianId',
  'attachmentId',
  'referralId',
  'agencyId',
  'agencyDistrictId',
  'feedbackId',
  'floorReasons',
]);

export function eventDataText(k: string, v: unknown, type: string, r: Resolvers): string {
  if (v === null || v === undefined || v === '') return '—';
  if (k === 'type' && typeof v === 'string') return MEASURE_TYPE_LABELS[v] ?? v;
  if (k === 'kind' && typeof v === 'string') {
    if (type.startsWith('approval.')) return APPROVAL_KIND_LABELS[v] ?? v;
    if (type.startsWith('deadline.')) return deadlineKindText(v);
    if (type === 'case.closed') return CLOSURE_KIND_LABELS[v] ?? v;
    if (type === 'visit.recorded') return VISIT_KIND_LABELS[v] ?? v;
    if (type.startsWith('agency.')) return AGENCY_KIND_LABELS[v] ?? v;
    return v;
  }
  if (k === 'closureReason' && typeof v === 'string') return CLOSURE_REASON_LABELS[v] ?? v;
  if (k === 'channel' && typeof v === 'string') return FEEDBACK_CHANNEL_LABELS[v] ?? v;
  if (k === 'placement' && typeof v === 'string') return PLACEMENT_LABELS[v] ?? v;
  if (k === 'source' && type === 'risk.changed' && typeof v === 'string') return v === 'visit' ? '走访' : v === 'assessment' ? '评估' : v;
  if (k === 'status' && type.startsWith('measure.') && typeof v === 'string') return MEASURE_STATUS_LABELS[v] ?? v;
  if (k === 'status' && type.startsWith('referral.') && typeof v === 'string') return REFERRAL_STATUS_LABELS[v] ?? v;
  if (k === 'agencyKind' && typeof v === 'string') return AGENCY_KIND_LABELS[v] ?? v;
  if (k === 'decision' && type.startsWith('referral.') && typeof v === 'string') return v === 'accept' ? '接收' : v === 'decline' ? '拒绝' : v;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (k === 'belowFloor' && typeof v === 'object' && !Array.isArray(v)) {
    // case.accepted below the risk floor: { floor, floorReasons, reason }
    const b = v as { floor?: unknown; reason?: unknown };
    return `风险下限 ${plainText(b.floor ?? '—')}；理由：${plainText(b.reason ?? '—')}`;
  }
  if (k === 'decision' && typeof v === 'string') return v === 'approve' ? '批准' : v === 'reject' ? '驳回' : v;
  if (k === 'escalationLevel' && typeof v === 'number') return ESCALATION_LABELS[v] ?? String(v);
  if (k === 'categories' && Array.isArray(v)) return v.map((x) => `${x} ${CATEGORY_LABELS[x as CategoryCode] ?? ''}`.trim()).join('、');
  if ((k === 'assigneeId' || k === 'ownerId' || k === 'userId') && typeof v === 'string') return r.user(v);
  if ((k === 'fromCommunityId' || k === 'toCommunityId' || k === 'communityId') && typeof v === 'string') return r.community(v);
  if (k === 'decidedByRole' || k === 'escalatedTo' || k === 'role') return ROLE_LABELS[v as Role] ?? plainText(v);
  if ((/At$/.test(k) || k === 'at') && typeof v === 'string') return formatDateTime(v);
  if (Array.isArray(v)) return v.join('、');
  return plainText(v);
}

/** A scalar as itself, anything else as JSON (event data is parsed JSON: no functions or symbols). */
function plainText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}
