/**
 * What the incident services announce after a commit (never before): incidents written, units that
 * moved or changed status, units sent to an incident. The realtime gateway subscribes to the first
 * two (batched, room-targeted emits); the demo's unit motion to the third. No service holds a hook
 * to the gateway or to the simulator.
 */
import { EventEmitter } from 'node:events';
import type { IncidentView, UnitLive } from '@shared/incidents';
import type { LonLat } from '@shared/world';

export interface IncidentEventMap {
  /** Incidents written, as screens see them. */
  incidents: [views: IncidentView[]];
  /** Units that moved or changed status, with their home region (their room). */
  units: [units: { regionCode: string; live: UnitLive }[]];
  /** Units sent to an incident, and where it is. */
  unitsSent: [unitIds: string[], target: LonLat];
}

export class IncidentEvents extends EventEmitter<IncidentEventMap> {}
