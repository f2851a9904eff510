/**
 * An event as the hub stores it: the input (shared/ingest.ts) located to its grid and position,
 * and its row. Made by ingest, the absence sweep and the SLA sweep; read by the alarm rules.
 */
import type { NewEvent } from '../repositories/event.repository';
import type { EventInput } from '@shared/ingest';

export interface StoredEvent extends EventInput {
  gridCode: string;
  lon: number;
  lat: number;
}

/** The row of a located event: when the hub received it and which credential posted it (null: the hub itself). */
export function eventRow(e: StoredEvent, receivedAt: Date, credentialId: string | null): NewEvent {
  return {
    source: e.source,
    id: e.id,
    type: e.type,
    at: new Date(e.at),
    receivedAt,
    deviceId: e.deviceId ?? null,
    lon: e.lon,
    lat: e.lat,
    gridCode: e.gridCode,
    severity: e.severity ?? null,
    attributes: e.attributes ?? null,
    media: e.media ?? null,
    credentialId,
  };
}
