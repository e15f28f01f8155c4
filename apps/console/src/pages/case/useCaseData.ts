/**
 * Reading and writing one case. Every write answers with the updated case detail, which
 * replaces the cached one at once; lists and the timeline are refreshed behind it.
 * Transitions send the `version` of the case as last read (the freshest copy in the
 * cache at the moment of sending), so a 409 STALE_VERSION means someone else changed it.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError, unwrap } from '../../api/client';
import { caseKeys } from '../../api/hooks';
import type { components } from '../../api/schema';
import type { CaseFull, TimelineEvent, TimelineVerify } from './model';

type Schemas = components['schemas'];
export type TransitionBody = Omit<Schemas['TransitionDto'], 'version'>;
export type AssessmentBody = Schemas['AssessmentDto'];
export type MeasureBody = Schemas['MeasureDto'];
export type UpdateMeasureBody = Schemas['UpdateMeasureDto'];
export type VisitBody = Schemas['VisitDto'];
export type NoteBody = Schemas['NoteDto'];
export type ReportBody = Schemas['AddReportDto'];
export type PoliceBody = Schemas['PoliceDto'];
export type DecisionBody = Schemas['ApprovalDecisionDto'];
export type OutcomeFeedbackBody = Schemas['OutcomeFeedbackDto'];
export type GuardianBody = Schemas['GuardianDto'];
export type UpdateGuardianBody = Schemas['UpdateGuardianDto'];

export function useCaseFull(id: string | undefined) {
  return useQuery({
    queryKey: caseKeys.detail(id ?? ''),
    queryFn: () => unwrap<CaseFull>(api.GET('/api/cases/{id}', { params: { path: { id: id as string } } })),
    enabled: !!id,
  });
}

export const timelineKeys = {
  events: (id: string) => caseKeys.timeline(id),
  verify: (id: string) => ['cases', 'timeline', id, 'verify'] as const,
};

export function useTimelineEvents(id: string | undefined, enabled = true) {
  return useQuery({
    queryKey: timelineKeys.events(id ?? ''),
    queryFn: () => unwrap<{ events: TimelineEvent[]; verified?: boolean }>(api.GET('/api/cases/{id}/timeline', { params: { path: { id: id as string } } })),
    enabled: !!id && enabled,
  });
}

export function useTimelineVerify(id: string | undefined, enabled = true) {
  return useQuery({
    queryKey: timelineKeys.verify(id ?? ''),
    queryFn: () => unwrap<TimelineVerify>(api.GET('/api/cases/{id}/timeline/verify', { params: { path: { id: id as string } } })),
    enabled: !!id && enabled,
    staleTime: 0,
  });
}

/** The writes of the case page, each resolving to the updated case. */
export function useCaseWrites(caseId: string) {
  const qc = useQueryClient();
  const path = { params: { path: { id: caseId } } };

  const settle = async (call: Promise<CaseFull>): Promise<CaseFull> => {
    try {
      const updated = await call;
      qc.setQueryData(caseKeys.detail(caseId), updated);
      void qc.invalidateQueries({ queryKey: ['cases', 'list'] });
      void qc.invalidateQueries({ queryKey: caseKeys.timeline(caseId) });
      void qc.invalidateQueries({ queryKey: ['approvals'] });
      return updated;
    } catch (e) {
      // Someone else changed the case, or it moved on: show the case as it is now.
      if (isApiError(e) && (e.status === 409 || e.status === 422)) void qc.invalidateQueries({ queryKey: caseKeys.detail(caseId) });
      throw e;
    }
  };
  /** The version of the freshest copy we hold. */
  const version = () => qc.getQueryData<CaseFull>(caseKeys.detail(caseId))?.version ?? 0;

  return {
    transition: (body: TransitionBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/transitions', { ...path, body: { ...body, version: version() } }))),
    assessment: (body: AssessmentBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/assessment', { ...path, body }))),
    addMeasure: (body: MeasureBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/measures', { ...path, body }))),
    updateMeasure: (measureId: string, body: UpdateMeasureBody) =>
      settle(unwrap<CaseFull>(api.PATCH('/api/cases/{id}/measures/{measureId}', { params: { path: { id: caseId, measureId } }, body }))),
    addVisit: (body: VisitBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/visits', { ...path, body }))),
    addNote: (body: NoteBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/notes', { ...path, body }))),
    addReport: (body: ReportBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/reports', { ...path, body }))),
    police: (body: PoliceBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/police', { ...path, body }))),
    outcomeFeedback: (body: OutcomeFeedbackBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/outcome-feedback', { ...path, body }))),
    addGuardian: (body: GuardianBody) => settle(unwrap<CaseFull>(api.POST('/api/cases/{id}/guardians', { ...path, body }))),
    updateGuardian: (guardianId: string, body: UpdateGuardianBody) =>
      settle(unwrap<CaseFull>(api.PATCH('/api/cases/{id}/guardians/{guardianId}', { params: { path: { id: caseId, guardianId } }, body }))),
    decide: (approvalId: string, body: DecisionBody) =>
      settle(unwrap<CaseFull>(api.POST('/api/approvals/{id}/decision', { params: { path: { id: approvalId } }, body }))),
    reload: () => qc.invalidateQueries({ queryKey: caseKeys.detail(caseId) }),
  };
}
