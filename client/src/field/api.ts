/** The field unit's endpoints (session of role field): its home, actions, position and reports. */
import type { z } from 'zod';
import { API_PREFIX } from '@shared/api';
import {
  fieldHome,
  incidentDetail,
  type createIncidentBody,
  type FieldHome,
  type IncidentActionBody,
  type IncidentDetail,
  type PositionBody,
} from '@shared/incidents';
import { getJson, sendJson, sendVoid } from '../api/http';

const FIELD = `${API_PREFIX}/field`;

export function getFieldHome(signal?: AbortSignal): Promise<FieldHome> {
  return getJson(`${FIELD}/home`, fieldHome, signal);
}

export function sendPosition(body: PositionBody): Promise<void> {
  return sendVoid('POST', `${FIELD}/position`, body);
}

export function actOnIncident(id: string, body: IncidentActionBody): Promise<IncidentDetail> {
  return sendJson('POST', `${API_PREFIX}/incidents/${encodeURIComponent(id)}/actions`, body, incidentDetail);
}

/** A field user's POST /incidents is a field report (the hub sets source 'field'). */
export type FieldReportRequest = z.input<typeof createIncidentBody>;
export function createFieldReport(body: FieldReportRequest): Promise<IncidentDetail> {
  return sendJson('POST', `${API_PREFIX}/incidents`, body, incidentDetail);
}
