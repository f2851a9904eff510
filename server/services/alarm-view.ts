/** An alarm as the screens and the API see it (@shared/alarms), from its stored row. */
import type { AlarmRow } from '../repositories/alarm.repository';
import type { AlarmView } from '@shared/alarms';
import type { AlarmEventSource, EventType } from '@shared/ingest';

export function alarmView(r: AlarmRow): AlarmView {
  return {
    id: r.id,
    rev: r.rev,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    event: {
      source: r.eventSource as AlarmEventSource,
      id: r.eventId,
      type: r.eventType as EventType,
      at: r.eventAt.toISOString(),
    },
    rule: { id: r.ruleId, name: r.ruleName },
    priority: r.priority,
    status: r.status,
    gridCode: r.gridCode,
    position: [r.lon, r.lat],
    zone: r.zoneId ? { id: r.zoneId, name: r.zoneName ?? '' } : null,
    actions: r.actions,
    cameraIds: r.cameraIds,
    unitIds: r.unitIds,
    broadcast: r.speakerId && r.say ? { speakerId: r.speakerId, say: r.say } : null,
    handledBy: r.handledBy,
    handledAt: r.handledAt?.toISOString() ?? null,
    incidentId: r.incidentId ?? null,
    count: r.count,
    lastAt: r.lastAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    raise: r.raise ?? null,
    media: r.media ?? [],
  };
}
