/**
 * Events in over MQTT (issue 5): with MQTT_URL set, the hub subscribes to `events/+` at QoS 1 and
 * hands each message (one event or {"events": [...]}, the same JSON as the HTTP API) to the
 * ingest service. The broker is acknowledged only after the events are stored, so a message the
 * hub did not keep is delivered again; a persistent session (clean: false) keeps what arrives
 * while the hub is down. A message that is not JSON, not an event, or whose source differs from
 * its topic is counted and logged, and acknowledged (sending it again would not make it better):
 * the hub never falls over on one.
 *
 * The broker's own authentication and topic ACLs decide who may publish; the hub takes events
 * from `events/+` as a city-wide device.
 */
import { hostname } from 'node:os';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { IngestService } from '../services/ingest.service';
import type { AuthContext } from '../services/auth.service';
import { EVENT_SOURCES, MAX_BATCH } from '../../shared/ingest';

export const EVENT_TOPIC = 'events/+';

export interface MqttIngestStats {
  messages: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  malformed: number;
}

export class MqttIngest {
  readonly stats: MqttIngestStats = { messages: 0, accepted: 0, duplicates: 0, rejected: 0, malformed: 0 };
  private client: MqttClient | null = null;
  private readonly clientId: string;

  constructor(
    private readonly url: string,
    private readonly ingest: IngestService,
    private readonly principal: () => Promise<AuthContext>,
    private readonly log: Logger,
    clientId?: string,
  ) {
    this.clientId = clientId ?? `city-command-hub-${hostname()}`;
  }

  start(): void {
    const client = mqtt.connect(this.url, { clientId: this.clientId, clean: false, reconnectPeriod: 2_000, connectTimeout: 10_000 });
    this.client = client;
    // Store first, then let MQTT.js send the PUBACK (QoS 1): nothing acknowledged is lost.
    client.handleMessage = (packet: IPublishPacket, done) => {
      this.handle(packet).then(
        () => done(),
        (e: unknown) => {
          // The database failed: do not acknowledge, the broker sends it again after a reconnect.
          this.log.error({ err: e, topic: packet.topic }, 'mqtt: storing events failed; not acknowledged');
          client.end(true, undefined, () => client.reconnect());
        },
      );
    };
    client.on('connect', () => {
      this.log.info({ url: redact(this.url), topic: EVENT_TOPIC }, 'mqtt: connected');
      client.subscribe(EVENT_TOPIC, { qos: 1 }, (err) => {
        if (err) this.log.error({ err }, 'mqtt: subscribing failed');
      });
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt: connection error (retrying)'));
    client.on('offline', () => this.log.warn('mqtt: broker unreachable (retrying)'));
  }

  /** One message: parse, check its topic, ingest. Only a storage failure throws. */
  async handle(packet: Pick<IPublishPacket, 'topic' | 'payload'>): Promise<void> {
    this.stats.messages++;
    const source = packet.topic.split('/')[1] ?? '';
    const bad = (reason: string) => {
      this.stats.malformed++;
      this.log.warn({ topic: packet.topic, reason, bytes: packet.payload.length }, 'mqtt: malformed message dropped');
    };
    if (!(EVENT_SOURCES as readonly string[]).includes(source)) return bad(`unknown source ${JSON.stringify(source)} in the topic`);
    let body: unknown;
    try {
      body = JSON.parse(packet.payload.toString('utf8'));
    } catch (e) {
      return bad(`not JSON: ${(e as Error).message}`);
    }
    const items: unknown[] =
      body !== null && typeof body === 'object' && !Array.isArray(body) && Array.isArray((body as { events?: unknown }).events) ? ((body as { events: unknown[] }).events) : [body];
    if (items.length === 0 || items.length > MAX_BATCH) return bad(`a batch holds 1-${MAX_BATCH} events (got ${items.length})`);
    // An event on events/<source> must say that source: a device cannot post as another kind.
    const mismatched = items.filter((i) => i !== null && typeof i === 'object' && (i as { source?: unknown }).source !== source).length;
    if (mismatched) return bad(`${mismatched} event(s) whose source is not ${source}`);
    const reply = await this.ingest.ingest(await this.principal(), items);
    this.stats.accepted += reply.accepted;
    this.stats.duplicates += reply.duplicates;
    this.stats.rejected += reply.rejected.length;
    if (reply.rejected.length) {
      const first = reply.rejected[0]!;
      this.log.warn({ topic: packet.topic, rejected: reply.rejected.length, first: `${first.index} ${first.errors[0]?.path}: ${first.errors[0]?.message}` }, 'mqtt: events refused');
    }
  }

  /** Publish a device command (QoS 1); false when not connected (the caller records it anyway). */
  publish(topic: string, payload: unknown): boolean {
    const c = this.client;
    if (!c?.connected) return false;
    c.publish(topic, JSON.stringify(payload), { qos: 1 }, (err) => {
      if (err) this.log.warn({ err: err.message, topic }, 'mqtt: publishing a device command failed');
    });
    return true;
  }

  close(): Promise<void> {
    const c = this.client;
    this.client = null;
    return new Promise((resolve) => (c ? c.end(false, undefined, () => resolve()) : resolve()));
  }
}

/** The URL without a password, for logs. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'mqtt://(unparsable)';
  }
}
