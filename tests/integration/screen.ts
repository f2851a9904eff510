/**
 * A screen as tests see it: a Socket.IO client that holds alarms and incidents merged by id and rev
 * and follows the batches' (from, rev] ranges as the desk does: a batch that does not start at or
 * below its cursor is a hole, counted, and repaired by a delta sync.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import { alarmSyncReply, alarmView, type AlarmView } from '../../shared/alarms';
import { alarmColumns, decodeAlarmColumns } from '../../shared/alarm-wire';
import { incidentSyncReply, type IncidentView } from '../../shared/incidents';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class Screen {
  readonly alarms = new Map<string, AlarmView>();
  readonly incidents = new Map<string, IncidentView>();
  /** Every alarm rev pushed to this screen (a rev twice would be a doubled push). */
  readonly pushedAlarmRevs: number[] = [];
  alarmCursor: number | null = null;
  incidentCursor: number | null = null;
  holes = 0;
  readonly socket: ClientSocket;
  private syncing: Promise<void> | null = null;

  constructor(url: string, cookie: string, opts: { reconnection?: boolean } = {}) {
    this.socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: opts.reconnection ?? false, reconnectionDelay: 100, reconnectionDelayMax: 500, extraHeaders: { cookie } });
    this.socket.on('alarm:batch', (b) => {
      const list = decodeAlarmColumns(alarmColumns.parse(b.alarms));
      for (const a of list) this.pushedAlarmRevs.push(a.rev);
      this.mergeAlarms(list);
      if (this.syncing) return;
      if (this.alarmCursor !== null && b.from <= this.alarmCursor) this.alarmCursor = Math.max(this.alarmCursor, b.rev);
      else {
        this.holes++;
        void this.sync();
      }
    });
    this.socket.on('incident:batch', (b) => {
      for (const i of b.incidents) this.mergeIncident(i);
      if (this.syncing) return;
      if (this.incidentCursor !== null && b.from <= this.incidentCursor) this.incidentCursor = Math.max(this.incidentCursor, b.rev);
      else {
        this.holes++;
        void this.sync();
      }
    });
    // After every reconnection: catch up since the cursors, as the desk does.
    this.socket.io.on('reconnect', () => void this.sync());
  }

  private mergeAlarms(list: readonly AlarmView[]): void {
    for (const a of list) {
      const prev = this.alarms.get(a.id);
      if (!prev || prev.rev < a.rev) this.alarms.set(a.id, alarmView.parse(a));
    }
  }

  private mergeIncident(i: IncidentView): void {
    const prev = this.incidents.get(i.id);
    if (!prev || prev.rev < i.rev) this.incidents.set(i.id, i);
  }

  async ready(): Promise<void> {
    if (!this.socket.connected) await new Promise<void>((r, j) => (this.socket.once('connect', () => r()), this.socket.once('connect_error', j)));
    await this.sync();
  }

  /** Catch up both streams since the cursors (a snapshot when there is none). */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        // Page by page while the hub says `more`.
        for (let more = true; more; ) {
          const a = alarmSyncReply.parse(await this.socket.timeout(10_000).emitWithAck('alarm:sync', { since: this.alarmCursor }));
          if (a.mode === 'snapshot') this.alarms.clear();
          this.mergeAlarms(a.alarms);
          this.alarmCursor = a.mode === 'snapshot' ? a.rev : Math.max(this.alarmCursor ?? 0, a.rev);
          more = a.more === true;
        }
        for (let more = true; more; ) {
          const i = incidentSyncReply.parse(await this.socket.timeout(10_000).emitWithAck('incident:sync', { since: this.incidentCursor }));
          if (i.mode === 'snapshot') this.incidents.clear();
          for (const x of i.incidents) this.mergeIncident(x);
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
