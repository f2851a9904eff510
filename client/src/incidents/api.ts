/**
 * The incident endpoints of the hub (/tmp/issue6-api.md, shared/incidents.ts), each answer parsed
 * with its shared schema at the boundary. Plain functions: the composables call them and hand what
 * comes back to the incident store.
 */
import { z } from 'zod';
import { API_PREFIX } from '@shared/api';
import {
  dispatchProposal,
  incidentDetail,
  incidentPage,
  incidentView,
  mergeCandidate,
  type CreateIncidentBody,
  type DispatchProposal,
  type IncidentActionBody,
  type IncidentDetail,
  type IncidentPage,
  type IncidentView,
  type MediationBody,
  type MergeCandidate,
} from '@shared/incidents';
import { ErrorCode } from '@shared/errors';
import { revealReply, type RevealBody, type RevealReply } from '@shared/personal-data';
import { ApiError, getJson, sendJson } from '../api/http';

const BASE = `${API_PREFIX}/incidents`;
const one = (id: string): string => `${BASE}/${encodeURIComponent(id)}`;

export const getIncident = (id: string, signal?: AbortSignal): Promise<IncidentDetail> =>
  getJson(one(id), incidentDetail, signal);

export const listIncidents = (query: URLSearchParams, signal?: AbortSignal): Promise<IncidentPage> =>
  getJson(`${BASE}?${query.toString()}`, incidentPage, signal);

export const createIncident = (body: CreateIncidentBody): Promise<IncidentDetail> =>
  sendJson('POST', BASE, body, incidentDetail);

export const incidentFromAlarm = (alarmId: string): Promise<IncidentDetail> =>
  sendJson('POST', `${BASE}/from-alarm/${encodeURIComponent(alarmId)}`, undefined, incidentDetail);

export const actOnIncident = (id: string, body: IncidentActionBody): Promise<IncidentDetail> =>
  sendJson('POST', `${one(id)}/actions`, body, incidentDetail);

export const attachAlarm = (id: string, alarmId: string, version: number): Promise<IncidentDetail> =>
  sendJson('POST', `${one(id)}/alarms`, { alarmId, version }, incidentDetail);

export const addMediation = (id: string, body: MediationBody): Promise<IncidentDetail> =>
  sendJson('POST', `${one(id)}/mediations`, body, incidentDetail);

/** One masked ID number or phone in full (the hub audits the asking). */
export const revealPersonal = (id: string, body: RevealBody): Promise<RevealReply> =>
  sendJson('POST', `${one(id)}/reveal`, body, revealReply);

export const getProposal = (id: string, signal?: AbortSignal): Promise<DispatchProposal> =>
  getJson(`${one(id)}/proposal`, dispatchProposal, signal);

const candidates = z.object({ candidates: z.array(mergeCandidate) });
export const getMergeCandidates = async (id: string, signal?: AbortSignal): Promise<MergeCandidate[]> =>
  (await getJson(`${one(id)}/merge-candidates`, candidates, signal)).candidates;

const staleDetails = z.object({ incident: incidentView });

/** The current incident a 409 'incident/stale' carries (someone else changed it first); null for any other error. */
export function staleIncident(e: unknown): IncidentView | null {
  if (!(e instanceof ApiError) || e.code !== ErrorCode.IncidentStale) return null;
  const d = staleDetails.safeParse(e.details);
  return d.success ? d.data.incident : null;
}
