/**
 * Events in over MQTT (issue 5): with MQTT_URL set, the hub subscribes to `events/+` at QoS 1 and
 * hands each message (one event or {"events": [...]}, the same JSON as the HTTP API) to the
 * ingest service. The broker is acknowledged only after the events are stored, so a message the
 * hub did not keep is delivered again; a persistent session (clean: false) keeps what arrives
 * while the hub is down.
 *
 * A message that can never be stored (not UTF-8 JSON, not events, a source that differs from its
 * topic, text PostgreSQL cannot store, a permanent data error when storing) is acknowledged and
 * set aside as a dead letter (issue 13): sending it again would not make it better, and the
 * broker would hand it to us first for ever, holding back every good message behind it. Only a
 * transient database failure leaves a message unacknowledged; the hub then reconnects after a
 * backoff (1 s doubling to 30 s), so a database that is down does not meet a storm of reconnects.
 *
 * The broker's own authentication and topic ACLs decide who may publish; the hub takes events
 * from `events/+` as a city-wide device.
 */
import { hostname } from 'node:os';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { serverUrl } from '../core/logging';
import type { IngestService } from '../services/ingest.service';
import type { AuthContext } from '../auth/context';
import type { DeadLetterService } from '../services/dead-letter.service';
import { EVENT_SOURCES, MAX_BATCH } from '@shared/ingest';
import { formatPath, printable, unstorable } from '@shared/text';
import { dbErrorKind, dbMessage, sqlState } from '../db/errors';

export const EVENT_TOPIC = 'events/+';

/**
 * The default MQTT client id: one per hub (host and port), stable across the hub's restarts so its
 * persistent session (what the broker queued while it was down) is its own again. Two hubs on one
 * host listen on two ports, so they never knock each other off the broker.
 */
export function defaultMqttClientId(port: number): string {
  return `city-command-hub-${hostname()
    .replace(/[^\w.-]/g, '_')
    .slice(0, 40)}-${port}`;
}

/** A message nested deeper than this is refused before anything reads it (as an HTTP body). */
const MAX_MESSAGE_DEPTH = 32;
/** Reconnect backoff after a transient failure to store: doubling from the first to the most. */
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

export interface MqttIngestStats {
  messages: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  malformed: number;
  /** Messages set aside (acknowledged, never stored in full): malformed, holding refused events, or refused by the database. */
  deadLettered: number;
  /** Transient failures to store (the message was not acknowledged; the broker sends it again). */
  storeFailures: number;
}

/** One connection to the broker: its client, and its own backoff after transient failures. */
interface Link {
  readonly id: string;
  client: MqttClient | null;
  /** Transient failures in a row (the backoff grows with them); 0 after a message is handled. */
  failures: number;
  reconnectTimer: NodeJS.Timeout | null;
}

export interface MqttIngestOptions {
  url: string;
  ingest: Pick<IngestService, 'ingest'>;
  /** Who the messages are posted as (a city-wide device). */
  principal: () => Promise<AuthContext>;
  log: Logger;
  /** Where messages that can never be stored go; without it they are only logged. */
  deadLetters?: Pick<DeadLetterService, 'record'> | null;
  /** Called on every (re)connection of the publishing connection (the outbox relay delivers what waited). */
  onConnect?: () => void;
  /** Default: `city-command-hub-<host>`. */
  clientId?: string;
  /**
   * Several hubs share the event topics as one MQTT shared subscription group
   * (`$share/<group>/events/+`, MQTT 5 and Mosquitto ≥ 1.6): the broker gives each message to one
   * hub of the group. Undefined: a plain subscription.
   */
  shareGroup?: string;
  /**
   * Connections of this hub in the group (MQTT_CONNECTIONS). MQTT.js hands a client its messages
   * one at a time (the next after the last one's PUBACK), so one connection stores one message per
   * transaction; with several, the broker spreads the group's messages over them and their
   * messages meet in one group commit. More than one needs `shareGroup` (a plain subscription
   * on each would take every message several times). The first keeps the plain client id.
   */
  connections?: number;
}

export class MqttIngest {
  readonly stats: MqttIngestStats = {
    messages: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    malformed: 0,
    deadLettered: 0,
    storeFailures: 0,
  };
  private readonly url: string;
  private readonly ingest: Pick<IngestService, 'ingest'>;
  private readonly principal: () => Promise<AuthContext>;
  private readonly log: Logger;
  private readonly deadLetters: Pick<DeadLetterService, 'record'> | null;
  private readonly onConnect: (() => void) | null;
  private readonly shareGroup: string | undefined;
  private readonly links: Link[];
  private readonly clientId: string;

  constructor(o: MqttIngestOptions) {
    this.url = o.url;
    this.ingest = o.ingest;
    this.principal = o.principal;
    this.log = o.log;
    this.deadLetters = o.deadLetters ?? null;
    this.onConnect = o.onConnect ?? null;
    this.shareGroup = o.shareGroup;
    this.clientId = o.clientId ?? `city-command-hub-${hostname()}`;
    const n = o.shareGroup ? Math.max(1, Math.floor(o.connections ?? 1)) : 1;
    this.links = Array.from({ length: n }, (_, i) => ({
      id: i === 0 ? this.clientId : `${this.clientId}-${i}`,
      client: null,
      failures: 0,
      reconnectTimer: null,
    }));
  }

  /** The topic filter this hub subscribes to. */
  get topic(): string {
    return this.shareGroup ? `$share/${this.shareGroup}/${EVENT_TOPIC}` : EVENT_TOPIC;
  }

  /** The client ids of this hub's connections (the first publishes commands). */
  get clientIds(): string[] {
    return this.links.map((l) => l.id);
  }

  start(): void {
    this.links.forEach((link, i) => this.open(link, i === 0));
  }

  private open(link: Link, first: boolean): void {
    const client = mqtt.connect(this.url, {
      clientId: link.id,
      clean: false,
      reconnectPeriod: 2_000,
      connectTimeout: 10_000,
    });
    link.client = client;
    // Store first, then let MQTT.js send the PUBACK (QoS 1): nothing acknowledged is lost.
    client.handleMessage = (packet: IPublishPacket, done) => {
      this.handle(packet).then(
        () => {
          link.failures = 0;
          done();
        },
        (e: unknown) => {
          // The database failed for now: do not acknowledge; the broker sends it again after a
          // reconnect, which waits longer after each failure in a row.
          this.stats.storeFailures++;
          const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(link.failures, 10));
          link.failures++;
          this.log.error(
            {
              sqlState: sqlState(e),
              reason: printable(dbMessage(e)),
              topic: printable(packet.topic),
              clientId: link.id,
              retryInMs: wait,
            },
            'mqtt: storing events failed; not acknowledged',
          );
          client.end(true, undefined, () => {
            if (link.client !== client) return;
            clearTimeout(link.reconnectTimer ?? undefined);
            link.reconnectTimer = setTimeout(() => {
              link.reconnectTimer = null;
              if (link.client === client) client.reconnect();
            }, wait);
            link.reconnectTimer.unref();
          });
        },
      );
    };
    client.on('connect', () => {
      this.log.info({ url: serverUrl(this.url), topic: this.topic, clientId: link.id }, 'mqtt: connected');
      // A persistent session keeps its subscriptions: drop the other form, or a hub that changed its
      // share group would get every message twice.
      if (this.shareGroup) client.unsubscribe(EVENT_TOPIC);
      if (first) this.onConnect?.();
      client.subscribe(this.topic, { qos: 1 }, (err) => {
        if (err) this.log.error({ err, clientId: link.id }, 'mqtt: subscribing failed');
      });
    });
    client.on('error', (err) =>
      this.log.warn({ err: err.message, clientId: link.id }, 'mqtt: connection error (retrying)'),
    );
    client.on('offline', () => this.log.warn({ clientId: link.id }, 'mqtt: broker unreachable (retrying)'));
  }

  /** The connection that publishes (commands, the outbox): the first. */
  private get client(): MqttClient | null {
    return this.links[0]?.client ?? null;
  }

  /**
   * One message: parse, check its topic, ingest. One that can never be stored (in full) is set
   * aside as a dead letter and counts as handled; only a transient failure of the database throws.
   */
  async handle(packet: Pick<IPublishPacket, 'topic' | 'payload'>): Promise<void> {
    this.stats.messages++;
    const reason = await this.store(packet);
    if (reason === null) return;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    // Throws only when the database is away: then the message is not acknowledged either.
    if (this.deadLetters)
      await this.deadLetters.record({ channel: 'mqtt', topic: packet.topic, payload, error: reason });
    else
      this.log.warn(
        { topic: printable(packet.topic), bytes: payload.length, error: printable(reason) },
        'mqtt: message set aside',
      );
    this.stats.deadLettered++;
  }

  /** Store a message's events: null when every one was kept (or already there), else why not. */
  private async store(packet: Pick<IPublishPacket, 'topic' | 'payload'>): Promise<string | null> {
    const source = packet.topic.split('/')[1] ?? '';
    const malformed = (reason: string) => {
      this.stats.malformed++;
      return reason;
    };
    if (!(EVENT_SOURCES as readonly string[]).includes(source))
      return malformed(`unknown source ${JSON.stringify(source)} in the topic`);
    let body: unknown;
    try {
      // JSON is UTF-8 (RFC 8259): bytes that are not are refused, not silently replaced.
      const bytes = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (e) {
      return malformed(e instanceof SyntaxError ? `not JSON: ${e.message}` : 'not UTF-8 text');
    }
    // The shape before anything walks it (strings are checked per event, so good events still flow).
    const shape = unstorable(body, { maxDepth: MAX_MESSAGE_DEPTH, text: false });
    if (shape) return malformed(`${formatPath('', shape.path) || '(message)'}: ${shape.message}`);
    const batch =
      body !== null &&
      typeof body === 'object' &&
      !Array.isArray(body) &&
      Array.isArray((body as { events?: unknown }).events);
    const items: unknown[] = batch ? (body as { events: unknown[] }).events : [body];
    if (items.length === 0 || items.length > MAX_BATCH)
      return malformed(`a batch holds 1-${MAX_BATCH} events (got ${items.length})`);
    // An event on events/<source> must say that source: a device cannot post as another kind.
    const mismatched = items.filter(
      (i) => i !== null && typeof i === 'object' && (i as { source?: unknown }).source !== source,
    ).length;
    if (mismatched) return malformed(`${mismatched} event(s) whose source is not ${source}`);
    let reply;
    try {
      reply = await this.ingest.ingest(await this.principal(), items);
    } catch (e) {
      if (dbErrorKind(e) === 'transient') throw e;
      // The database refused it, or the hub fails on it every time: waiting will not help.
      return `cannot be stored: ${dbMessage(e)}`;
    }
    this.stats.accepted += reply.accepted;
    this.stats.duplicates += reply.duplicates;
    this.stats.rejected += reply.rejected.length;
    const first = reply.rejected[0];
    if (!first) return null;
    const err = first.errors[0] ?? { path: '(event)', message: 'refused' };
    const where = batch ? `events.${first.index}${err.path === '(event)' ? '' : `.${err.path}`}` : err.path;
    const more =
      reply.rejected.length > 1
        ? ` (${reply.rejected.length} of ${items.length} events refused)`
        : batch
          ? ` (1 of ${items.length} events refused)`
          : '';
    return `${where}: ${err.message}${more}`;
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Publish at QoS 1 and resolve on the broker's PUBACK (the outbox marks it delivered then). */
  publishAcked(topic: string, payload: Record<string, unknown>): Promise<void> {
    const c = this.client;
    if (!c?.connected) return Promise.reject(new Error('mqtt: not connected'));
    return c.publishAsync(topic, JSON.stringify(payload), { qos: 1 }).then(() => undefined);
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
    return Promise.all(
      this.links.map((link) => {
        const c = link.client;
        link.client = null;
        clearTimeout(link.reconnectTimer ?? undefined);
        link.reconnectTimer = null;
        return new Promise<void>((resolve) => (c ? c.end(false, undefined, () => resolve()) : resolve()));
      }),
    ).then(() => undefined);
  }
}
