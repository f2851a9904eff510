/**
 * The hub's Prometheus metrics (GET /metrics, text format). One `HubMetrics` per hub with its own
 * prom-client Registry: tests and the benchmark run many hubs in one process, and prom-client's
 * global registry would mix them (and refuse a second metric of the same name).
 *
 * Services call plain methods (`metrics.eventsIn('http', n)`) and never see prom-client. Values that
 * something else already knows (sockets on this hub, outbox rows waiting) are read at scrape time
 * from a callback, so nothing has to keep a second count in step.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where events came in. */
export type IngestChannel = 'http' | 'mqtt' | (string & {});

/** Seconds, from a quarter millisecond (a PGlite point read) to ten seconds (a stalled server). */
const LATENCY_BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Events per group commit: 1 (a quiet hub) to the queue's cap of 1,000. */
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export interface HubMetricsOptions {
  /** prom-client's process and Node.js metrics (CPU, memory, GC, handles); default true. */
  defaultMetrics?: boolean;
}

export class HubMetrics {
  readonly registry = new Registry();
  private readonly eventsInTotal: Counter<'channel'>;
  private readonly eventsRejectedTotal: Counter<'channel'>;
  private readonly deadLettersTotal: Counter;
  private readonly deviceMessagesTotal: Counter<'kind' | 'outcome'>;
  private readonly groupCommitEvents: Histogram;
  private readonly groupCommitSeconds: Histogram;
  private readonly alarmsPushedTotal: Counter;
  private readonly catchupRequestsTotal: Counter<'kind'>;
  private readonly dbQuerySeconds: Histogram;
  private readonly loopDelay: IntervalHistogram;
  private socketSource: (() => number) | undefined;
  private mqttSource: (() => MqttCounts | undefined) | undefined;
  private mqttSeen: Required<MqttCounts> = { accepted: 0, rejected: 0, malformed: 0, deadLettered: 0 };
  private outboxSource: (() => number | Promise<number>) | undefined;

  constructor(opts: HubMetricsOptions = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    // The MQTT subscriber keeps its own counts: what they grew by is added at each scrape.
    const pull = () => this.pullMqtt();
    this.eventsInTotal = new Counter({
      name: 'events_in_total',
      help: 'Events stored (new, not duplicates), by the channel they came in on.',
      labelNames: ['channel'],
      registers,
      collect: pull,
    });
    this.eventsRejectedTotal = new Counter({
      name: 'events_rejected_total',
      help: "Events refused (invalid, outside the key's region), and posts or messages refused whole, by channel.",
      labelNames: ['channel'],
      registers,
      collect: pull,
    });
    this.deviceMessagesTotal = new Counter({
      name: 'device_messages_total',
      help: 'Messages from devices in their vendors’ protocols (issue 18), by kind (isapi, dahua, gb28181) and outcome (stored, dead-lettered, unknown, malformed, keepalive).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.deadLettersTotal = new Counter({
      name: 'dead_letters_total',
      help: 'Messages that can never be stored, acknowledged and set aside in dead_letters.',
      registers,
      collect: pull,
    });
    this.groupCommitEvents = new Histogram({
      name: 'group_commit_events',
      help: 'Events written by one group commit (one transaction).',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.groupCommitSeconds = new Histogram({
      name: 'group_commit_seconds',
      help: 'Time of one group commit, from its transaction start to commit.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.alarmsPushedTotal = new Counter({
      name: 'alarms_pushed_total',
      help: 'Alarm changes this hub pushed to its own screens (each once, however many rooms): every hub counts what its screens got, whoever committed it.',
      registers,
    });
    this.catchupRequestsTotal = new Counter({
      name: 'catchup_requests_total',
      help: "Screens' catch-up requests (alarm:sync, incident sync), by kind.",
      labelNames: ['kind'],
      registers,
    });
    this.dbQuerySeconds = new Histogram({
      name: 'db_query_seconds',
      help: 'Time of one database query as the hub sees it (pool wait included).',
      buckets: LATENCY_BUCKETS,
      registers,
    });

    const source = () => this.socketSource;
    new Gauge({
      name: 'sockets',
      help: 'Socket.IO connections on this hub.',
      registers,
      collect() {
        const read = source();
        if (read) this.set(read());
      },
    });
    const outbox = () => this.outboxSource;
    new Gauge({
      name: 'outbox_pending',
      help: 'Side effects recorded and not yet delivered (outbox rows).',
      registers,
      async collect() {
        const read = outbox();
        if (read) this.set(await read());
      },
    });

    // Node's own event-loop delay histogram, read and reset at each scrape: the quantiles cover
    // the time since the previous scrape.
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
    const loop = this.loopDelay;
    new Gauge({
      name: 'event_loop_delay_seconds',
      help: 'Event-loop delay since the previous scrape, by quantile (1 is the maximum).',
      labelNames: ['quantile'],
      registers,
      collect() {
        if (loop.count === 0) return;
        for (const q of [0.5, 0.9, 0.99]) this.set({ quantile: String(q) }, loop.percentile(q * 100) / 1e9);
        this.set({ quantile: '1' }, loop.max / 1e9);
        loop.reset();
      },
    });
  }

  /** Events stored from a channel. */
  eventsIn(channel: IngestChannel, n = 1): void {
    if (n > 0) this.eventsInTotal.inc({ channel }, n);
  }

  /** Events refused (bad item, out of scope) from a channel. */
  eventsRejected(channel: IngestChannel, n = 1): void {
    if (n > 0) this.eventsRejectedTotal.inc({ channel }, n);
  }

  /** A message from a device in its vendor's protocol, by how it ended. */
  deviceMessages(kind: string, outcome: string): void {
    this.deviceMessagesTotal.inc({ kind, outcome });
  }

  /** A message set aside in dead_letters. */
  deadLettered(n = 1): void {
    if (n > 0) this.deadLettersTotal.inc(n);
  }

  /** One group commit: how many events it wrote and how long its transaction took. */
  groupCommit(events: number, seconds: number): void {
    this.groupCommitEvents.observe(events);
    this.groupCommitSeconds.observe(seconds);
  }

  /** Alarms pushed to screens. */
  alarmsPushed(n = 1): void {
    if (n > 0) this.alarmsPushedTotal.inc(n);
  }

  /** A screen asked to catch up ('alarms', 'incidents', 'snapshot'…). */
  catchup(kind: string): void {
    this.catchupRequestsTotal.inc({ kind });
  }

  /** One database query's time (instrumentDatabase calls it for every query). */
  dbQuery(seconds: number): void {
    this.dbQuerySeconds.observe(seconds);
  }

  /** Where the socket count comes from (the gateway's io: this hub's connections). */
  countSockets(read: () => number): void {
    this.socketSource = read;
  }

  /** The MQTT subscriber's running counts (MqttIngest.stats), read at each scrape. */
  followMqtt(read: () => MqttCounts | undefined): void {
    this.mqttSource = read;
  }

  private pullMqtt(): void {
    const read = this.mqttSource?.();
    if (!read) return;
    const now: Required<MqttCounts> = { deadLettered: 0, ...read };
    const seen = this.mqttSeen;
    // A new subscriber starts from zero again.
    const grew = (k: keyof MqttCounts): number => (now[k] >= seen[k] ? now[k] - seen[k] : now[k]);
    this.eventsIn('mqtt', grew('accepted'));
    this.eventsRejected('mqtt', grew('rejected') + grew('malformed'));
    this.deadLettered(grew('deadLettered'));
    this.mqttSeen = now;
  }

  /** Where the outbox's waiting count comes from (read at scrape time; may query). */
  countOutboxPending(read: () => number | Promise<number>): void {
    this.outboxSource = read;
  }

  /**
   * Time every query of a database client: the driver's `query` (node-postgres Pool or PGlite)
   * and the same on the clients of its transactions. Wrapping the driver, not the repositories,
   * times every query whoever runs it, with no change to the SQL code; the wrapper adds two clock
   * reads a query. Migrations and seeding (on their own connection) are not counted.
   */
  instrumentDatabase(client: unknown): void {
    if (typeof client !== 'object' || client === null) return;
    const c = client as DriverLike;
    this.wrapQuery(c);
    if (typeof c.connect === 'function' && 'totalCount' in c) {
      // node-postgres Pool: a transaction runs on a client checked out with connect().
      const connect = c.connect.bind(c);
      const wrap = (pc: unknown) => (this.wrapQuery(pc as DriverLike), pc);
      c.connect = (...args: unknown[]) => {
        if (typeof args[0] === 'function') return connect(...args);
        return (connect() as Promise<unknown>).then(wrap);
      };
    } else if (typeof c.transaction === 'function') {
      // PGlite: transaction(fn) hands fn its own query-capable object.
      const transaction = c.transaction.bind(c);
      c.transaction = (fn: (tx: unknown) => unknown) =>
        transaction((tx: unknown) => fn(this.wrapQuery(tx as DriverLike)));
    }
  }

  private wrapQuery<T extends DriverLike>(target: T): T {
    if (typeof target.query !== 'function' || (target as Record<symbol, unknown>)[TIMED]) return target;
    const query = target.query.bind(target);
    const observe = (t0: number) => this.dbQuerySeconds.observe((performance.now() - t0) / 1000);
    target.query = (...args: unknown[]) => {
      // Callback style (no caller of ours uses it) is passed through untimed.
      if (typeof args[args.length - 1] === 'function') return query(...args);
      const t0 = performance.now();
      const r = query(...args) as Promise<unknown> | undefined;
      if (typeof r?.then !== 'function') return r;
      return r.then(
        (v) => (observe(t0), v),
        (e: unknown) => {
          observe(t0);
          throw e;
        },
      );
    };
    (target as Record<symbol, unknown>)[TIMED] = true;
    return target;
  }

  /** The text exposition format. */
  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Stop the event-loop monitor (the hub closed). */
  close(): void {
    this.loopDelay.disable();
  }
}

const TIMED = Symbol('db-query-timed');

/** What the MQTT subscriber counts (a subset of MqttIngestStats). */
export interface MqttCounts {
  accepted: number;
  rejected: number;
  malformed: number;
  /** Absent before dead letters existed: counted as none. */
  deadLettered?: number;
}

interface DriverLike {
  query?: (...args: unknown[]) => unknown;
  connect?: (...args: unknown[]) => unknown;
  transaction?: (fn: (tx: unknown) => unknown) => unknown;
}
