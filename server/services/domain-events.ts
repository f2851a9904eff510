/**
 * What the services announce after a commit (never before), on one typed emitter made first by the
 * composition root (server/components.ts) and handed to each service in its constructor. The
 * subscribers: the realtime gateway (alarms, incidents, units, ended sessions: batched,
 * room-targeted emits), the outbox relay ('outboxed': deliver now) and the demo's unit motion
 * ('unitsSent'). No service holds a hook to the gateway, the relay or the simulator, and none to
 * another service for publishing.
 */
import { EventEmitter } from 'node:events';
import type { AlarmView } from '@shared/alarms';
import type { SessionEndReason } from '@shared/events';
import type { IncidentView, UnitLive } from '@shared/incidents';
import type { LonLat } from '@shared/world';

export interface DomainEventMap {
  /** Alarms raised or changed, as screens see them. */
  alarms: [views: AlarmView[]];
  /** Incidents written, as screens see them. */
  incidents: [views: IncidentView[]];
  /** Units that moved or changed status, with their home region (their room). */
  units: [units: { regionCode: string; live: UnitLive }[]];
  /** Units sent to an incident, and where it is. */
  unitsSent: [unitIds: string[], target: LonLat];
  /** Sessions that ended (sign-out, timeout, an admin's change): their screens are told and closed. */
  sessionsEnded: [ids: string[], reason: SessionEndReason];
  /** Cameras whose status changed (GB/T 28181 keepalives, issue 18), with their grids (their rooms). */
  cameras: [changes: { id: string; gridCode: string; status: 'online' | 'offline' }[]];
  /** Device commands wait in the outbox (a commit recorded some, or the broker is back): deliver them. */
  outboxed: [];
}

export class DomainEvents extends EventEmitter<DomainEventMap> {}
