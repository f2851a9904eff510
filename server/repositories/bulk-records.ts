/**
 * Rows as the bulk inserts read them: one JSON parameter a batch, expanded by jsonb_to_recordset
 * with these column names (about 2× faster on PGlite than a parameter a column). Pure, so the
 * history's generator thread can prepare its batches while the database inserts the one before.
 */
import type { alarms, events, incidents, incidentSources, incidentTimeline } from '../db/schema';

// The rows' types from the schema (the repositories that use these records import this module).
type NewAlarm = Omit<typeof alarms.$inferInsert, 'rev'>;
type NewEvent = typeof events.$inferInsert;
type NewTimeline = typeof incidentTimeline.$inferInsert;
type SourceRow = typeof incidentSources.$inferSelect;
type NewIncident = Omit<typeof incidents.$inferInsert, 'rev' | 'code' | 'version'>;

/** An incident as the history made it: every column but the rev (its jsonb lists as read-only arrays). */
export type HistoryIncident = Omit<NewIncident, 'assignments' | 'breaches' | 'mergedFrom'> & {
  code: string;
  version: number;
  assignments: readonly NewIncident['assignments'][number][];
  breaches: readonly string[];
  mergedFrom: readonly string[];
};

/**
 * An alarm as the bulk inserts read it (jsonb_to_recordset's column names): the hub's insert
 * and the demo history's, which also writes who handled it and its incident.
 */
export function alarmRecord(r: NewAlarm) {
  return {
    id: r.id,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    event_source: r.eventSource,
    event_id: r.eventId,
    event_type: r.eventType,
    event_at: r.eventAt,
    rule_id: r.ruleId,
    rule_name: r.ruleName,
    priority: r.priority,
    status: r.status,
    grid_code: r.gridCode,
    lon: r.lon,
    lat: r.lat,
    zone_id: r.zoneId ?? null,
    zone_name: r.zoneName ?? null,
    actions: r.actions,
    camera_ids: r.cameraIds,
    unit_ids: r.unitIds ?? [],
    speaker_id: r.speakerId ?? null,
    say: r.say ?? null,
    handled_by: r.handledBy ?? null,
    handled_at: r.handledAt ?? null,
    incident_id: r.incidentId ?? null,
    fold_key: r.foldKey ?? null,
    count: r.count ?? 1,
    last_at: r.lastAt,
    expires_at: r.expiresAt ?? null,
    raise: r.raise ?? null,
    media: r.media ?? null,
  };
}

/** An event (the ingest's, the seeders' and the history's inserts). */
export function eventRecord(r: NewEvent) {
  return {
    source: r.source,
    id: r.id,
    type: r.type,
    at: r.at,
    received_at: r.receivedAt,
    device_id: r.deviceId ?? null,
    lon: r.lon,
    lat: r.lat,
    grid_code: r.gridCode,
    severity: r.severity ?? null,
    attributes: r.attributes ?? null,
    media: r.media ?? null,
    credential_id: r.credentialId ?? null,
  };
}

/** An incident of the history, with its place `n` in the batch (revs are taken in that order). */
export function incidentRecord(r: HistoryIncident, n: number) {
  return {
    n,
    id: r.id,
    code: r.code,
    version: r.version,
    kind: r.kind,
    category: r.category,
    priority: r.priority,
    title: r.title,
    description: r.description,
    status: r.status,
    source: r.source,
    external_id: r.externalId ?? null,
    tracking_code: r.trackingCode ?? null,
    reporter: r.reporter ?? null,
    grid_code: r.gridCode,
    lon: r.lon,
    lat: r.lat,
    address: r.address,
    department: r.department,
    assignments: r.assignments,
    escalations: r.escalations,
    max_escalations: r.maxEscalations,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    first_dispatched_at: r.firstDispatchedAt ?? null,
    dispatched_at: r.dispatchedAt ?? null,
    unit_accepted_at: r.unitAcceptedAt ?? null,
    arrived_at: r.arrivedAt ?? null,
    resolved_at: r.resolvedAt ?? null,
    closed_at: r.closedAt ?? null,
    accepted_at: r.acceptedAt ?? null,
    verified_at: r.verifiedAt ?? null,
    rejections: r.rejections ?? 0,
    resolve_due_at: r.resolveDueAt ?? null,
    due_at: r.dueAt ?? null,
    breaches: r.breaches,
    flagged: r.flagged,
    merged_into: r.mergedInto ?? null,
    merged_from: r.mergedFrom,
    rating: r.rating ?? null,
    rating_comment: r.ratingComment ?? null,
    photo_ids: r.photoIds,
    dispute: r.dispute ?? null,
  };
}

/** A timeline entry, with its place `n` in the batch (ids are taken in that order). */
export function timelineRecord(r: NewTimeline, n: number) {
  return {
    n,
    incident_id: r.incidentId,
    at: r.at,
    action: r.action,
    from_status: r.fromStatus ?? null,
    to_status: r.toStatus ?? null,
    actor: r.actor,
    actor_id: r.actorId,
    actor_name: r.actorName,
    note: r.note ?? null,
    details: r.details ?? null,
  };
}

export function sourceRecord(r: SourceRow) {
  return { incident_id: r.incidentId, kind: r.kind, ref: r.ref, at: r.at, summary: r.summary };
}
