/** A fixture builder of incident views for the incident tests (client merge, list, sort, SLA). */
import type { IncidentView } from '@shared/incidents';

export const T0 = Date.parse('2026-11-22T04:00:00.000Z');
export const iso = (sec: number) => new Date(T0 + sec * 1000).toISOString();

/** An incident view; `sec` seconds after T0 for its creation. */
export function incident(id: string, over: Partial<IncidentView> & { sec?: number } = {}): IncidentView {
  const { sec = 0, ...rest } = over;
  return {
    id,
    code: `20261122-${id}`,
    rev: 1,
    version: 1,
    kind: 'general',
    category: 'public_order',
    priority: 2,
    title: `Incident ${id}`,
    description: '',
    status: 'reported',
    source: 'dispatcher',
    externalId: null,
    reporter: null,
    gridCode: '360102001001001',
    position: [115.88, 28.68],
    address: '',
    department: '公安',
    assignments: [],
    escalations: 0,
    maxEscalations: 4,
    levelCode: '360102001001001',
    sla: [],
    flagged: false,
    breaches: [],
    mergedInto: null,
    mergedFrom: [],
    rating: null,
    photoIds: [],
    dispute: null,
    createdAt: iso(sec),
    updatedAt: iso(sec),
    closedAt: null,
    ...rest,
  };
}
