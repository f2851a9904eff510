/** The major-event endpoints (issue 17), typed by the shared schemas. */
import { z } from 'zod';
import { API_PREFIX } from '@shared/api';
import { majorEventView, type MajorEventBody, type MajorEventView } from '@shared/major-events';
import { majorEventReport, type MajorEventReport } from '@shared/major-event-report';
import { getJson, sendJson } from '../api/http';

const EVENTS = `${API_PREFIX}/major-events`;
const one = (id: string) => `${EVENTS}/${encodeURIComponent(id)}`;

export async function listMajorEvents(signal?: AbortSignal): Promise<MajorEventView[]> {
  return (await getJson(EVENTS, z.object({ events: z.array(majorEventView) }), signal)).events;
}
export function getMajorEvent(id: string, signal?: AbortSignal): Promise<MajorEventView> {
  return getJson(one(id), majorEventView, signal);
}
export function createMajorEvent(body: MajorEventBody): Promise<MajorEventView> {
  return sendJson('POST', EVENTS, body, majorEventView);
}
export function updateMajorEvent(id: string, body: MajorEventBody): Promise<MajorEventView> {
  return sendJson('PUT', one(id), body, majorEventView);
}
export function closeMajorEvent(id: string): Promise<MajorEventView> {
  return sendJson('POST', `${one(id)}/close`, {}, majorEventView);
}
/** What happened inside so far (open) or in all (closed): the leader view's figures and the report. */
export function getMajorEventReport(id: string, signal?: AbortSignal): Promise<MajorEventReport> {
  return getJson(`${one(id)}/report`, majorEventReport, signal);
}
/** The report as a PDF (a plain link: the browser downloads it with the session's cookie). */
export const majorEventReportPdfUrl = (id: string) => `${one(id)}/report.pdf`;
