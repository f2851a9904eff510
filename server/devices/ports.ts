/**
 * Devices in their vendors' protocols (issue 18): what every adapter hands the hub. An adapter
 * (Hikvision ISAPI over HTTP, Dahua's event stream, GB/T 28181 SIP) only parses its protocol into
 * `DeviceNotice`s and says who sent them; the sink (server/services/devices/device-ingest.service.ts)
 * finds the registered endpoint, maps the channel to one of our cameras, folds repeats, keeps the
 * image as a photo, runs the events through the one ingest path (idempotent, scoped) and sets aside
 * what it cannot store as a dead letter. Adapters never touch the database themselves.
 */
import type { EventType } from '@shared/ingest';
import type { DeviceKind } from '@shared/devices';

/** The protocols the hub speaks with devices (also the dead letters' channel): shared/devices.ts. */
export { DEVICE_KINDS, type DeviceKind } from '@shared/devices';

/** One thing a device reported, in our terms. */
export interface DeviceNotice {
  /** The vendor's event code as sent ('linedetection', 'CrossLineDetection', AlarmMethod/AlarmType …). */
  code: string;
  /** Our event type for it (the adapter's mapping table); null: a code the hub does not take (it is counted, not stored). */
  type: EventType | null;
  /** 'start' begins (or, resent, repeats) an active event; 'stop' ends it; 'pulse' is one instant. */
  action: 'start' | 'stop' | 'pulse';
  /**
   * Where on the device: the 1-based channel number as a string for ISAPI and Dahua (Dahua's
   * 0-based `index` + 1), the 20-digit channel DeviceID for GB/T 28181. The registry maps it to a camera.
   */
  channel: string;
  /** When the device says it happened. */
  at: Date;
  /** 1 (highest) to 4, when the protocol says (GB/T 28181 AlarmPriority). */
  severity?: 1 | 2 | 3 | 4;
  /** WGS84, when the device sent a usable position. */
  location?: { lon: number; lat: number };
  /** Vendor fields worth keeping as the event's attributes: short strings and numbers only. */
  attributes: Record<string, string | number | boolean>;
  /** A picture that came with it (ISAPI's JPEG part); the sink checks its bytes. */
  image?: Buffer;
}

/** Who sent a message, as far as the protocol tells. */
export interface DeviceIdentity {
  kind: DeviceKind;
  /** The peer's address (the TCP/UDP source; for ISAPI the HTTP request's). */
  address?: string;
  /** ISAPI's macAddress, lower case with colons. */
  mac?: string;
  /** A serial number, where the device sends one. */
  serial?: string;
  /** GB/T 28181: the sender's 20-digit device id (the SIP From user). */
  deviceId?: string;
  /** Dahua: the registered endpoint the hub itself attached to. */
  endpointId?: string;
}

/** A message as received, kept as a dead letter when it cannot be stored. */
export interface RawMessage {
  /** Where it came in: the dead letters' `channel`. */
  channel: DeviceKind;
  /** A short label of where from: 'isapi/10.1.2.3', 'dahua/<endpoint id>', 'gb28181/<device id>'. */
  topic: string;
  payload: Buffer;
}

export interface DeliverResult {
  /** 'unknown': no registered endpoint matches the identity (dead-lettered). */
  outcome: 'stored' | 'unknown' | 'dead-lettered';
  /** Events stored new. */
  accepted: number;
  /** Repeats of an active event folded into the one already stored, and ends ('stop') taken. */
  folded: number;
  /** Notices refused (their reasons are in the dead letter). */
  rejected: number;
}

export interface DeviceSink {
  /**
   * Notices parsed from one message. Resolves once they are stored, folded or set aside; rejects
   * only when the database is away (the adapter then answers so the device sends again).
   */
  deliver(from: DeviceIdentity, notices: readonly DeviceNotice[], raw: RawMessage): Promise<DeliverResult>;
  /** A message that is not what its protocol says (broken XML, a truncated part …): a dead letter. */
  reject(from: DeviceIdentity, raw: RawMessage, error: string): Promise<void>;
  /**
   * The device is alive (a GB/T 28181 Keepalive, a Dahua heartbeat): last seen, and for GB/T 28181
   * its cameras online. `channels`: the channel ids it named, when it named any.
   */
  seen(from: DeviceIdentity, channels?: readonly string[]): Promise<void>;
}
