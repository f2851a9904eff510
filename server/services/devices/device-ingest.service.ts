/**
 * The devices' sink (issue 18): what every vendor adapter (server/devices/) hands over goes into the
 * one ingest path here. For each message: find the registered endpoint the identity names, map each
 * notice's channel to one of our cameras, fold the repeats of an active event, keep a picture as a
 * photo, and store the events through IngestService as the endpoint (a device principal with the
 * endpoint's scope: idempotent by id, scope-checked, group-committed with everything else).
 *
 * Decided here:
 * - An event's id is `<kind>:<endpoint>:<channel>:<code>:<unix seconds of the device's time>`, so a
 *   message sent again (a SIP retransmission, a Hikvision resend, a second hub attached to the same
 *   Dahua device) is stored once.
 * - Folding: cameras resend an active event about once a second with no "clear". A `start` of the
 *   same endpoint, channel and code within the endpoint's foldSeconds of the last one is counted,
 *   not stored, and keeps the window open; a `stop` closes it. Per hub, in memory: a device talks to
 *   one hub, and a repeat that reaches another is still folded into the open alarm by the rules.
 * - A code the adapter does not map (type null: housekeeping like Dahua's NewFile) is counted as
 *   folded, never stored. Any alarm it cannot name is a `device_alarm`, so none is lost.
 * - Whatever cannot be stored is a dead letter with the message's bytes and the reasons: an unknown
 *   or disabled device, a channel mapped to no camera, a place outside the endpoint's scope. A
 *   picture that is not an image does not stop its alarm (attributes.image says why).
 * - Counters are kept in memory and added to the registry's rows every few seconds (flush), so the
 *   hot path writes no extra row per event.
 */
import type { Logger } from 'pino';
import type { Clock } from '@server/core/clock';
import type { DeviceCounts, DeviceEndpointRepository } from '@server/repositories/device-endpoint.repository';
import type { DeadLetterService } from '../dead-letter.service';
import type { IngestService } from '../ingest.service';
import type { LocatorService } from '../locator.service';
import type { PhotoService } from '../photo.service';
import type { DeviceIdentity, DeviceNotice, DeviceSink, DeliverResult, RawMessage } from '@server/devices/ports';
import type { CameraStatusService } from './camera-status.service';
import type { DeviceEndpoint, DeviceRegistryService } from './device-registry.service';
import { deviceContext } from '../session-context';
import { inScope } from '@shared/auth';
import { printable } from '@shared/text';
import { hubPhotoUrl, type EventInput, type ItemError } from '@shared/ingest';

/** Fold windows followed at most (older ones are dropped first when a burst of new codes arrives). */
const MAX_FOLDS = 50_000;

interface Pending extends DeviceCounts {
  /** Anything to write. */
  dirty: boolean;
}

export interface DeviceIngestMetrics {
  deviceMessages(kind: string, outcome: string): void;
  deadLettered(n?: number): void;
}

export class DeviceIngestService implements DeviceSink {
  /** `endpoint|channel|code` → when the last start was seen (ms). Insertion order is age order. */
  private readonly folds = new Map<string, number>();
  private readonly counts = new Map<string, Pending>();
  private unknown = 0;

  constructor(
    private readonly registry: Pick<DeviceRegistryService, 'endpoints'>,
    private readonly ingest: Pick<IngestService, 'ingest'>,
    private readonly locator: Pick<LocatorService, 'index'>,
    private readonly photos: Pick<PhotoService, 'deviceImage'>,
    private readonly deadLetters: Pick<DeadLetterService, 'record'>,
    private readonly cameras: Pick<CameraStatusService, 'alive'>,
    private readonly repo: Pick<DeviceEndpointRepository, 'addCounts'>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly metrics: DeviceIngestMetrics | null = null,
  ) {}

  /** Messages from devices no endpoint matched, since this hub started. */
  unknownMessages(): number {
    return this.unknown;
  }

  async deliver(from: DeviceIdentity, notices: readonly DeviceNotice[], raw: RawMessage): Promise<DeliverResult> {
    const endpoint = await this.resolve(from);
    if (!endpoint || !endpoint.enabled) {
      await this.setAside(null, raw, this.unknownReason(from, endpoint));
      this.metrics?.deviceMessages(from.kind, 'unknown');
      return { outcome: 'unknown', accepted: 0, folded: 0, rejected: notices.length };
    }
    const now = this.clock.now();
    const c = this.countsOf(endpoint.id);
    c.lastSeenAt = new Date(now);
    c.dirty = true;

    const places = await this.locator.index();
    const problems: string[] = [];
    const events: EventInput[] = [];
    let folded = 0;
    for (const n of notices) {
      if (n.type === null || n.action === 'stop') {
        if (n.action === 'stop') this.folds.delete(foldKey(endpoint, n));
        folded++;
        continue;
      }
      if (n.action === 'start' && this.isRepeat(endpoint, n, now)) {
        folded++;
        continue;
      }
      const camera = this.cameraOf(endpoint, n.channel, places.devices);
      if (!camera && !n.location) {
        problems.push(`channel ${printable(n.channel)}: mapped to no camera of endpoint ${endpoint.name}`);
        continue;
      }
      const attributes: Record<string, string | number | boolean> = { ...n.attributes, channel: n.channel };
      let media: EventInput['media'];
      if (n.image) {
        const grid = camera ? places.devices.get(camera)?.gridCode : undefined;
        const photo =
          grid && inScope(endpoint.scope, grid)
            ? await this.photos.deviceImage(n.image, `device:${endpoint.id}`, grid)
            : null;
        if (photo) media = [{ kind: 'image', url: hubPhotoUrl(photo) }];
        else attributes.image = grid ? 'not a JPEG, PNG or WebP of at most 5 MB: not kept' : 'no camera to place it';
      }
      events.push({
        id: eventId(endpoint, n),
        source: 'camera',
        type: n.type,
        at: n.at.toISOString(),
        ...(camera ? { deviceId: camera } : {}),
        ...(n.location && !camera ? { location: n.location } : {}),
        ...(n.severity ? { severity: n.severity } : {}),
        attributes,
        ...(media ? { media } : {}),
      });
    }

    let accepted = 0;
    if (events.length > 0) {
      const reply = await this.ingest.ingest(deviceContext(endpoint.id, endpoint.name, endpoint.scope, null), events);
      accepted = reply.accepted;
      folded += reply.duplicates;
      for (const r of reply.rejected) problems.push(describe(events[r.index]!, r.errors));
    }
    c.eventsIn += accepted;
    c.folded += folded;
    c.rejected += problems.length;
    if (problems.length > 0) {
      await this.setAside(endpoint, raw, problems.join('; '));
    }
    const outcome = problems.length > 0 ? 'dead-lettered' : 'stored';
    this.metrics?.deviceMessages(from.kind, outcome);
    return { outcome, accepted, folded, rejected: problems.length };
  }

  async reject(from: DeviceIdentity, raw: RawMessage, error: string): Promise<void> {
    const endpoint = await this.resolve(from);
    if (endpoint) {
      const c = this.countsOf(endpoint.id);
      c.lastSeenAt = new Date(this.clock.now());
      c.rejected++;
      c.dirty = true;
    }
    await this.setAside(endpoint, raw, error);
    this.metrics?.deviceMessages(from.kind, 'malformed');
  }

  async seen(from: DeviceIdentity, channels?: readonly string[]): Promise<void> {
    const endpoint = await this.resolve(from);
    if (!endpoint || !endpoint.enabled) {
      this.unknown++;
      this.metrics?.deviceMessages(from.kind, 'unknown');
      return;
    }
    const c = this.countsOf(endpoint.id);
    c.lastSeenAt = new Date(this.clock.now());
    c.dirty = true;
    this.metrics?.deviceMessages(from.kind, 'keepalive');
    if (endpoint.kind !== 'gb28181') return;
    const places = await this.locator.index();
    const named = channels && channels.length > 0 ? channels : [endpoint.gb28181!.deviceId];
    const cameras = new Set<string>();
    for (const ch of named) {
      const camera = this.cameraOf(endpoint, ch, places.devices);
      const grid = camera ? places.devices.get(camera)?.gridCode : undefined;
      if (camera && grid && inScope(endpoint.scope, grid)) cameras.add(camera);
    }
    // Every camera mapped to the device is alive when the device itself is.
    for (const camera of Object.values(endpoint.gb28181!.channels)) cameras.add(camera);
    await this.cameras.alive([...cameras]);
  }

  /** Add what this hub counted to the registry's rows (the scheduler, every few seconds, and at close). */
  async flush(): Promise<void> {
    const batch = [...this.counts.values()].filter((c) => c.dirty);
    if (batch.length === 0) return;
    this.counts.clear();
    try {
      await this.repo.addCounts(batch);
    } catch (e) {
      // Put them back: counted next time.
      for (const b of batch) {
        const c = this.countsOf(b.id);
        c.eventsIn += b.eventsIn;
        c.folded += b.folded;
        c.rejected += b.rejected;
        c.deadLettered += b.deadLettered;
        if (b.lastSeenAt && (!c.lastSeenAt || c.lastSeenAt < b.lastSeenAt)) c.lastSeenAt = b.lastSeenAt;
        c.dirty = true;
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- inside

  private async resolve(from: DeviceIdentity): Promise<DeviceEndpoint | undefined> {
    const all = await this.registry.endpoints();
    switch (from.kind) {
      case 'dahua':
        return all.find((e) => e.kind === 'dahua' && e.id === from.endpointId);
      case 'gb28181':
        return all.find((e) => e.kind === 'gb28181' && e.gb28181!.deviceId === from.deviceId);
      case 'isapi': {
        const mac = from.mac?.toLowerCase();
        return all.find(
          (e) =>
            e.kind === 'isapi' &&
            e.isapi!.address === from.address &&
            (e.isapi!.mac === undefined || e.isapi!.mac === mac),
        );
      }
    }
  }

  private unknownReason(from: DeviceIdentity, endpoint: DeviceEndpoint | undefined): string {
    if (endpoint) return `device endpoint ${endpoint.name} is disabled`;
    switch (from.kind) {
      case 'dahua':
        return `no Dahua endpoint ${printable(from.endpointId ?? '')}`;
      case 'gb28181':
        return `no registered GB/T 28181 device ${printable(from.deviceId ?? '(no From id)')}`;
      case 'isapi':
        return `no registered ISAPI device at ${printable(from.address ?? '?')}${from.mac ? ` with MAC ${printable(from.mac)}` : ''}`;
    }
  }

  /** One of our cameras for a channel: the endpoint's map, or a GB/T 28181 channel id that is one. */
  private cameraOf(endpoint: DeviceEndpoint, channel: string, devices: ReadonlyMap<string, unknown>): string | null {
    const config = endpoint.isapi ?? endpoint.dahua ?? endpoint.gb28181!;
    const mapped = config.channels[channel];
    if (mapped) return mapped;
    if (endpoint.kind === 'gb28181' && devices.has(channel)) return channel;
    return null;
  }

  private isRepeat(endpoint: DeviceEndpoint, n: DeviceNotice, now: number): boolean {
    const key = foldKey(endpoint, n);
    const last = this.folds.get(key);
    // Re-insert so the map stays in age order (the oldest first, dropped first).
    this.folds.delete(key);
    this.folds.set(key, now);
    if (this.folds.size > MAX_FOLDS) this.folds.delete(this.folds.keys().next().value!);
    return last !== undefined && now - last < endpoint.foldSeconds * 1000;
  }

  private countsOf(id: string): Pending {
    let c = this.counts.get(id);
    if (!c) {
      c = { id, eventsIn: 0, folded: 0, rejected: 0, deadLettered: 0, lastSeenAt: null, dirty: false };
      this.counts.set(id, c);
    }
    return c;
  }

  private async setAside(endpoint: DeviceEndpoint | null | undefined, raw: RawMessage, error: string): Promise<void> {
    if (!endpoint) this.unknown++;
    try {
      await this.deadLetters.record({ channel: raw.channel, topic: raw.topic, payload: raw.payload, error });
      this.metrics?.deadLettered();
      if (endpoint) {
        const c = this.countsOf(endpoint.id);
        c.deadLettered++;
        c.dirty = true;
      }
    } catch (e) {
      // The dead letter could not be written (the database is away): the caller answers so the device resends.
      this.log.warn({ channel: raw.channel, topic: printable(raw.topic), err: e }, 'device message not set aside');
      throw e;
    }
  }
}

function foldKey(endpoint: DeviceEndpoint, n: DeviceNotice): string {
  return `${endpoint.id}|${n.channel}|${n.code}`;
}

/** At most 128 characters (the ingest rule): the code and channel kept to safe characters. */
function eventId(endpoint: DeviceEndpoint, n: DeviceNotice): string {
  const safe = (s: string, max: number) => s.replace(/[^\w.-]/g, '_').slice(0, max);
  return `${endpoint.kind}:${endpoint.id}:${safe(n.channel, 20)}:${safe(n.code, 32)}:${Math.floor(n.at.getTime() / 1000)}`;
}

function describe(e: EventInput, errors: readonly ItemError[]): string {
  return `${e.type} on ${e.deviceId ?? 'a location'}: ${errors.map((x) => `${x.path}: ${x.message}`).join(', ')}`;
}
