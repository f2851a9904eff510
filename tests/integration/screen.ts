/**
 * Screens as tests see them, one harness for every socket test:
 * - `openSocket` / `connected`: a Socket.IO client with a session cookie, WebSocket only, no
 *   reconnection unless asked;
 * - `ScreenSocket`: what a screen holds, alarms and incidents pushed to it or caught up on, merged by
 *   id and rev as the desk does, with the catch-up requests (`alarm:sync`, `incident:sync`);
 * - `Screen`: a ScreenSocket that follows the batches' (from, rev] ranges as the desk does: a batch
 *   that does not start at or below its cursor is a hole, counted, and repaired by a delta sync.
 */
import { io as connect, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@shared/events';
import { alarmSyncReply, alarmView, type AlarmSyncReply, type AlarmView } from '@shared/alarms';
import { alarmColumns, decodeAlarmColumns } from '@shared/alarm-wire';
import { incidentSyncReply, incidentView, type IncidentSyncReply, type IncidentView } from '@shared/incidents';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket with this session cookie (undefined: none), WebSocket only, not reconnecting unless `extra` says so. */
export function openSocket(
  url: string,
  cookie: string | undefined,
  extra: Partial<ManagerOptions & SocketOptions> = {},
): ClientSocket {
  return connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(cookie ? { extraHeaders: { cookie } } : {}),
    ...extra,
  });
}

/** Resolves when the socket connects, rejects when its handshake is refused. */
export function connected(s: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
}

/** A screen's socket and what it holds: every alarm and incident pushed or caught up, latest rev by id. */
export class ScreenSocket {
  readonly alarms = new Map<string, AlarmView>();
  readonly incidents = new Map<string, IncidentView>();
  /** Every alarm rev pushed to this screen (a rev twice would be a doubled push). */
  readonly pushedAlarmRevs: number[] = [];
  /** `alarm:batch` pushes received. */
  alarmBatches = 0;
  /** The highest alarm rev seen, pushed or in a catch-up's answer. */
  alarmRev = 0;
  readonly socket: ClientSocket;

  constructor(url: string, cookie: string, opts: { reconnection?: boolean } = {}) {
    this.socket = openSocket(url, cookie, {
      reconnection: opts.reconnection ?? false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    this.socket.on('alarm:batch', (b) => {
      this.alarmBatches++;
      // Validate the columns as they arrive, then decode them as the client does.
      const list = decodeAlarmColumns(alarmColumns.parse(b.alarms));
      for (const a of list) this.pushedAlarmRevs.push(a.rev);
      this.mergeAlarms(list);
    });
    this.socket.on('incident:batch', (b) => this.mergeIncidents(b.incidents));
  }

  /** Connected (at once when it is already). */
  async ready(): Promise<void> {
    if (!this.socket.connected) await connected(this.socket);
  }

  /** One page of alarms since `since` (by default the highest rev seen; none: a snapshot), merged. */
  async syncAlarms(since: number | null = this.alarmRev || null): Promise<AlarmSyncReply> {
    const reply = alarmSyncReply.parse(await this.socket.timeout(10_000).emitWithAck('alarm:sync', { since }));
    if (reply.mode === 'snapshot') this.alarms.clear();
    this.mergeAlarms(reply.alarms);
    this.alarmRev = Math.max(this.alarmRev, reply.rev);
    return reply;
  }

  /** One page of incidents since `since` (null: a snapshot), merged. */
  async syncIncidents(since: number | null): Promise<IncidentSyncReply> {
    const reply = incidentSyncReply.parse(await this.socket.timeout(10_000).emitWithAck('incident:sync', { since }));
    if (reply.mode === 'snapshot') this.incidents.clear();
    this.mergeIncidents(reply.incidents);
    return reply;
  }

  private mergeAlarms(list: readonly AlarmView[]): void {
    for (const a of list) {
      const prev = this.alarms.get(a.id);
      if (!prev || prev.rev < a.rev) this.alarms.set(a.id, alarmView.parse(a));
      this.alarmRev = Math.max(this.alarmRev, a.rev);
    }
  }

  private mergeIncidents(list: readonly IncidentView[]): void {
    for (const i of list) {
      const prev = this.incidents.get(i.id);
      if (!prev || prev.rev < i.rev) this.incidents.set(i.id, incidentView.parse(i));
    }
  }
}

/** A screen that follows the batches' ranges by a cursor per stream and repairs a hole by a sync. */
export class Screen extends ScreenSocket {
  alarmCursor: number | null = null;
  incidentCursor: number | null = null;
  holes = 0;
  private syncing: Promise<void> | null = null;

  constructor(url: string, cookie: string, opts: { reconnection?: boolean } = {}) {
    super(url, cookie, opts);
    // After ScreenSocket's own listeners: the batch is merged, then its range checked.
    this.socket.on('alarm:batch', (b) => {
      if (this.syncing) return;
      if (this.alarmCursor !== null && b.from <= this.alarmCursor) this.alarmCursor = Math.max(this.alarmCursor, b.rev);
      else {
        this.holes++;
        void this.sync();
      }
    });
    this.socket.on('incident:batch', (b) => {
      if (this.syncing) return;
      if (this.incidentCursor !== null && b.from <= this.incidentCursor)
        this.incidentCursor = Math.max(this.incidentCursor, b.rev);
      else {
        this.holes++;
        void this.sync();
      }
    });
    // After every reconnection: catch up since the cursors, as the desk does.
    this.socket.io.on('reconnect', () => void this.sync());
  }

  override async ready(): Promise<void> {
    await super.ready();
    await this.sync();
  }

  /** Catch up both streams since the cursors (a snapshot when there is none). */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        // Page by page while the hub says `more`.
        for (let more = true; more;) {
          const a = await this.syncAlarms(this.alarmCursor);
          this.alarmCursor = a.mode === 'snapshot' ? a.rev : Math.max(this.alarmCursor ?? 0, a.rev);
          more = a.more === true;
        }
        for (let more = true; more;) {
          const i = await this.syncIncidents(this.incidentCursor);
          this.incidentCursor = i.mode === 'snapshot' ? i.rev : Math.max(this.incidentCursor ?? 0, i.rev);
          more = i.more === true;
        }
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }
}

export async function until(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
