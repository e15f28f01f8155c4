/**
 * Shapes of the API's answers (api.md). Each type is taken from schema.d.ts when the
 * OpenAPI document describes the response, and falls back to the hand-written shape
 * below while it does not — so when schema.d.ts is regenerated with response schemas,
 * every page is checked against the real contract without a change here.
 */
import type { paths } from './schema';
import type { CaseStatus, RiskLevel, Role, Sex } from '../i18n/labels';

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type OkJson<Op> = Op extends { responses: infer Rs } ? JsonOf<Rs[200 & keyof Rs]> | JsonOf<Rs[201 & keyof Rs]> : never;
/** The 2xx JSON body of `method` on `path` per schema.d.ts, or `Fallback` when it has none. */
export type ApiData<P extends keyof paths, M extends keyof paths[P], Fallback> = [OkJson<paths[P][M]>] extends [never] ? Fallback : OkJson<paths[P][M]>;

export interface NextDeadline {
  kind: string;
  dueAt: string;
  overdue: boolean;
}

export interface CaseSummaryShape {
  id: string;
  caseNo: string;
  status: CaseStatus;
  statusLabel?: string;
  riskLevel: RiskLevel;
  categories: string[];
  mandatoryItems?: number[];
  communityId: string | null;
  streetId: string | null;
  districtId: string;
  childDisplayName: string;
  childAgeYears: number;
  childSex: Sex;
  assigneeId: string | null;
  reportedAt: string;
  nextDeadline: NextDeadline | null;
  escalationLevel: number;
  flags: string[];
  version: number;
}

export interface ReportShape {
  id: string;
  reporterType: string;
  anonymous: boolean;
  reporter: { name: string | null; org: string | null; phone: string | null } | 'confidential' | null;
  discoveredAt: string;
  location: string | null;
  narrative: string | null;
  categories: string[];
  mandatoryItems: number[];
  riskEstimate: RiskLevel | null;
  linked: boolean;
  filedById: string;
  filedAt: string;
}

export interface VisitShape {
  id: string;
  kind?: string;
  visitedAt: string;
  riskLevel: RiskLevel;
  outcome: string;
  notes: string | null;
  visitorId: string;
  createdAt: string;
}

export interface NoteShape {
  id: string;
  text: string;
  authorId: string;
  createdAt: string;
}

export interface MeasureShape {
  id: string;
  type: string;
  status: string;
  ownerId: string | null;
  agency: string | null;
  dueAt: string;
  /** protection_order: an urgent application (decided within 24 h). */
  urgent?: boolean;
  note: string | null;
  outcome: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface DeadlineShape {
  id: string;
  kind: string;
  dueAt: string;
  status: 'pending' | 'met' | 'breached' | 'cancelled';
  escalationLevel: number;
  /** e.g. "post-warning-2" for the second visit after a 告诫书. */
  refKey?: string | null;
}

export interface CaseDetailShape extends CaseSummaryShape {
  child: { name: string; sex: Sex; birthDate: string; idNumber?: string | null; address?: string | null; school?: string | null };
  reports: ReportShape[];
  assessment: { riskLevel: RiskLevel; summary: string; assessedAt: string } | null;
  measures: MeasureShape[];
  visits: VisitShape[];
  notes: NoteShape[];
  deadlines: DeadlineShape[];
  police: { reportedAt: string | null; receiptNo: string | null; notReportedReason?: string | null; feedbackAt: string | null; feedback?: string | null };
  allowedActions: string[];
  pendingApproval?: { id: string; kind: string; status: string } | null;
  closure?: { kind: string | null; reason: string | null; note?: string | null; closedAt: string | null } | null;
  linkedToExisting?: boolean;
  createdAt?: string;
  updatedAt?: string;
}

export interface CaseListShape {
  items: CaseSummaryShape[];
  nextCursor: string | null;
}

export interface NotificationShape {
  id: string;
  kind: string;
  caseId: string | null;
  title: string;
  body: string;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

export interface MeShape {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  jurisdiction: { id: string; level: string; name: string; path?: string };
}

export interface LoginShape {
  accessToken: string;
  expiresAt: string;
  user: MeShape;
}

export interface TimelineEventShape {
  seq: number;
  type: string;
  at: string;
  actor: { id: string; role: string } | null;
  fromStatus: string | null;
  toStatus: string | null;
  data: Record<string, unknown> | null;
}

export type CaseList = ApiData<'/api/cases', 'get', CaseListShape>;
export type CaseSummary = CaseList extends { items: (infer S)[] } ? S : CaseSummaryShape;
export type CaseDetail = ApiData<'/api/cases/{id}', 'get', CaseDetailShape>;
export type NotificationList = ApiData<'/api/notifications', 'get', { items: NotificationShape[] }>;
export type Notification = NotificationList extends { items: (infer N)[] } ? N : NotificationShape;
export type Me = ApiData<'/api/me', 'get', MeShape>;
export type LoginResult = ApiData<'/api/auth/login', 'post', LoginShape>;
export type Timeline = ApiData<'/api/cases/{id}/timeline', 'get', { events: TimelineEventShape[]; verified?: boolean }>;
