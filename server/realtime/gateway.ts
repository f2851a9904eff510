/**
 * The realtime gateway: the only module that emits on Socket.IO. Domain modules tell it what
 * happened; it decides rooms and batching.
 *
 * Identity: the handshake is authenticated by the session cookie, and so is every recovered
 * connection (connection-state recovery runs the middleware again: `skipMiddlewares: false`).
 * The server alone decides which rooms a socket is in, from its credential: `session:<id>` (to end
 * it) and `region:<scope prefix>` (what it may see). Clients have no way to join a room.
 * Something located in a region is sent to the rooms of that region and of every ancestor, so a
 * city-wide screen gets everything and a district's screen only its district's.
 *
 * What it pushes it hears as domain events (server/services/domain-events.ts): alarms, incidents
 * and units after commit, sessions that ended. The composition root makes it once the services
 * exist, with everything in its constructor; until the hub is ready the app refuses handshakes.
 *
 * Catch-up: every collection screens follow by rev (alarms, incidents) is given with its feed;
 * one handler serves every `<collection>:sync` request (sync-queue.ts).
 *
 * The handshake and the catch-up requests are checked in handshake.ts; what is pending per room
 * and the batches it makes in room-batches.ts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SessionEndReason } from '@shared/events';
import { scopePrefix } from '@shared/auth';
import type { ReadinessState } from '../core/readiness';
import type { AuthService } from '../services/auth.service';
import type { DomainEvents } from '../services/domain-events';
import type { AlarmView } from '@shared/alarms';
import type { IncidentView, UnitLive } from '@shared/incidents';
import { encodeAlarmColumns } from '@shared/alarm-wire';
import type { AuthSettings } from '../core/config';
import { originAllowed } from '../auth/origin';
import type { Principal } from '../auth/policy';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { RevFeed, type FeedDelivery, type FeedSource } from './rev-feed';
import { authenticateHandshake, syncRequests, type SocketData } from './handshake';
import { gather, regionRooms, StreamRooms, takeBatches } from './room-batches';

export { regionRooms } from './room-batches';

const silentLog = pino({ level: 'silent' });

export type { SocketData } from './handshake';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no events between hubs yet
export type HubIo = Server<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

/** The catch-up events of the contract (shared/events.ts): `<collection>:sync`. */
export type SyncEvent = Extract<keyof ClientToServerEvents, `${string}:sync`>;
/** What a catch-up event's acknowledgement carries when it succeeds. */
export type SyncReply<E extends SyncEvent> = Exclude<
  Parameters<Parameters<ClientToServerEvents[E]>[1]>[0],
  { error: string }
>;

/** A collection screens follow by rev and catch up on: its event, and one answer in a principal's scope. */
export interface SyncedCollection<E extends SyncEvent> {
  event: E;
  sync(principal: Principal, since: number | null): Promise<SyncReply<E>>;
}

/** Any of them (a list of collections of different events). */
export type AnySyncedCollection = { [E in SyncEvent]: SyncedCollection<E> }[SyncEvent];

type ServeSync = (principal: Principal, since: number | null) => Promise<unknown>;

/** Socket.IO options the gateway relies on (createApp passes them to the server). */
export function ioOptions(settings: AuthSettings) {
  return {
    serveClient: false,
    // Screens send almost nothing: a megabyte (the default) would only help a flood.
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    // Browsers send Origin on a WebSocket handshake; a page of another site must not reuse the cookie.
    allowRequest: (req: IncomingMessage, cb: (err: string | null | undefined, ok: boolean) => void) => {
      const ok = originAllowed(req.headers.origin, req.headers.host, settings, false);
      cb(ok ? null : 'origin not allowed', ok);
    },
  };
}

/** Alarm changes are gathered per room and sent at most this often (the issue allows 100 ms). */
export const TICK_MS = 50;

/** The two streams screens follow by rev. */
export interface GatewayFeeds {
  alarms: FeedSource<AlarmView>;
  incidents: FeedSource<IncidentView>;
}

export interface GatewayOptions {
  io: HubIo;
  readiness: ReadinessState;
  /** Who a handshake is (its session cookie). */
  auth: Pick<AuthService, 'authenticateSession'>;
  /** What it pushes, after commit: alarms, incidents, units, sessions that ended. */
  events?: DomainEvents;
  /** The streams screens follow by rev (without them, no alarm or incident batches). */
  feeds?: GatewayFeeds;
  /** The collections screens catch up on (`<collection>:sync`); one not given is not ready. */
  collections?: readonly AnySyncedCollection[];
  /**
   * True when an adapter carries emits to other hubs (Redis): unit moves then go to a room whether or
   * not this hub holds its sockets; alone, rooms without local screens are skipped.
   */
  crossHub?: boolean;
  /** Alarm changes this hub pushes to its screens (each once, however many rooms): metrics. */
  onAlarmsPushed?: (n: number) => void;
  /** Gather alarms for this long per room; 0 sends one emit per alarm (the benchmark's naive baseline). */
  tickMs?: number;
  /** How often the feeds look for other hubs' commits without a hint. */
  pollMs?: number;
  log?: Logger;
}

export class RealtimeGateway {
  readonly bootId = randomUUID();
  private readonly startedAt = new Date().toISOString();
  private readonly alarmRooms = new StreamRooms<AlarmView>();
  private readonly incidentRooms = new StreamRooms<IncidentView>();
  private pendingUnits = new Map<string, Map<string, UnitLive>>();
  private tick: NodeJS.Timeout | null = null;
  /** Catch-up event → who answers it. */
  private readonly synced = new Map<string, ServeSync>();
  private readonly io: HubIo;
  private readonly crossHub: boolean;
  private readonly onAlarmsPushed: (n: number) => void;
  private readonly tickMs: number;

  constructor(o: GatewayOptions) {
    const { io, readiness, auth } = o;
    this.io = io;
    this.crossHub = o.crossHub ?? false;
    this.onAlarmsPushed = o.onAlarmsPushed ?? (() => undefined);
    this.tickMs = o.tickMs ?? TICK_MS;
    for (const c of o.collections ?? []) this.sync(c);
    if (o.feeds) this.follow(o.feeds, o.log ?? silentLog, o.pollMs ?? TICK_MS);
    if (o.events) {
      o.events.on('alarms', (views) => this.publishAlarms(views));
      o.events.on('incidents', (views) => this.publishIncidents(views));
      o.events.on('units', (units) => this.publishUnits(units));
      o.events.on('cameras', (changes) => this.publishCameras(changes));
      o.events.on('sessionsEnded', (ids, reason) => this.endSessions(ids, reason));
    }
    io.use(authenticateHandshake(auth));
    // The feeds run while this hub has screens: they start before the socket joins its rooms, so a
    // room's first batch starts at a rev the screen's own catch-up (asked after it joined) covers.
    io.use((_socket, next) => {
      this.startFeeds().then(
        () => next(),
        () => next(new Error('service/unavailable')),
      );
    });
    const adapter = io.of('/').adapter;
    adapter.on('create-room', (room: string) => {
      if (!room.startsWith('region:')) return;
      for (const s of [this.alarmRooms, this.incidentRooms] as StreamRooms<unknown>[])
        s.told.set(room, s.feed?.position ?? 0);
    });
    adapter.on('delete-room', (room: string) => {
      this.alarmRooms.told.delete(room);
      this.incidentRooms.told.delete(room);
    });
    io.on('connection', (socket) => {
      void socket.join([`session:${socket.data.sessionId}`, `region:${scopePrefix(socket.data.principal.scope)}`]);
      socket.emit('hub:hello', { bootId: this.bootId, startedAt: this.startedAt, readiness: readiness.snapshot() });
      socket.on('disconnect', () => {
        if (this.io.of('/').sockets.size === 0) this.stopFeeds();
      });
      // Every `<collection>:sync`, one handler (handshake.ts); a collection not registered yet is not ready.
      socket.use(syncRequests(socket, this.synced));
    });
    readiness.on('change', (snap) => {
      // This hub's own readiness: its own screens only.
      io.local.emit('hub:readiness', snap);
    });
  }

  /** Serve a collection's catch-up (`alarm:sync`, `incident:sync`, …), replacing what served it (tests). */
  sync(collection: AnySyncedCollection): void {
    this.synced.set(collection.event, (principal, since) => collection.sync(principal, since));
  }

  /** The streams to follow (the rev feeds start with the first screen). */
  private follow(feeds: GatewayFeeds, log: Logger, pollMs: number): void {
    this.alarmRooms.feed = new RevFeed(
      'alarms',
      feeds.alarms,
      (d) =>
        this.gatherFeed(
          this.alarmRooms,
          d,
          (a) => a.gridCode,
          (a) => a.id,
          (a) => a.rev,
        ),
      log,
      pollMs,
    );
    this.incidentRooms.feed = new RevFeed(
      'incidents',
      feeds.incidents,
      (d) =>
        this.gatherFeed(
          this.incidentRooms,
          d,
          (i) => i.gridCode,
          (i) => i.id,
          (i) => i.rev,
        ),
      log,
      pollMs,
    );
  }

  private async startFeeds(): Promise<void> {
    await Promise.all([this.alarmRooms.feed?.start(), this.incidentRooms.feed?.start()]);
  }

  private stopFeeds(): void {
    for (const s of [this.alarmRooms, this.incidentRooms] as StreamRooms<unknown>[]) {
      s.feed?.stop();
      s.pending = { byRoom: new Map(), to: 0 };
    }
  }

  /** Another hub committed (a hint): look now rather than at the next poll. */
  kickFeeds(): void {
    this.alarmRooms.feed?.kick();
    this.incidentRooms.feed?.kick();
  }

  /** Wait until the feeds have read what is committed so far (tests, shutdown). */
  async settle(): Promise<void> {
    this.kickFeeds();
    await Promise.all([this.alarmRooms.feed?.settle(), this.incidentRooms.feed?.settle()]);
  }

  /** A feed delivered the changes (from, to]: gather them per room with screens on this hub. */
  private gatherFeed<V>(
    stream: StreamRooms<V>,
    d: FeedDelivery<V>,
    region: (v: V) => string,
    id: (v: V) => string,
    rev: (v: V) => number,
  ): void {
    const reaching = gather(stream, d, this.io.of('/').adapter.rooms, region, id, rev);
    if (stream === (this.alarmRooms as unknown) && reaching) this.onAlarmsPushed(reaching);
    stream.pending.to = Math.max(stream.pending.to, d.to);
    if (this.tickMs === 0 && stream === (this.alarmRooms as unknown)) {
      this.flushAlarmsOneByOne();
      return;
    }
    this.tick ??= setTimeout(() => this.flush(), this.tickMs || TICK_MS);
  }

  /** Sessions that ended: tell their screens why, then close their sockets. */
  endSessions(ids: readonly string[], reason: SessionEndReason): void {
    if (ids.length === 0) return;
    const rooms = ids.map((id) => `session:${id}`);
    this.io.to(rooms).emit('auth:ended', { reason });
    this.io.in(rooms).disconnectSockets();
  }

  /**
   * Alarms this hub committed (after commit): handed to the alarm feed, which delivers them at once
   * when they follow what it has read (no read back), and gathered per room for the next tick.
   */
  publishAlarms(alarms: readonly AlarmView[]): void {
    this.alarmRooms.feed?.offer(alarms);
  }

  /** Incidents this hub committed (after commit): as alarms. */
  publishIncidents(incidents: readonly IncidentView[]): void {
    this.incidentRooms.feed?.offer(incidents);
  }

  /**
   * Units that moved or changed status: per room of their home region, latest of each per tick. They
   * carry no rev (a screen reloads units after a reconnect), so they travel through the adapter to
   * every hub's screens.
   */
  publishUnits(units: readonly { regionCode: string; live: UnitLive }[]): void {
    const rooms = this.io.of('/').adapter.rooms;
    for (const u of units) {
      for (const room of regionRooms(u.regionCode)) {
        if (!this.crossHub && !rooms.get(room)?.size) continue;
        let m = this.pendingUnits.get(room);
        if (!m) this.pendingUnits.set(room, (m = new Map<string, UnitLive>()));
        const prev = m.get(u.live.id);
        if (prev === undefined || prev.updatedAt <= u.live.updatedAt) m.set(u.live.id, u.live);
      }
    }
    this.tick ??= setTimeout(() => this.flush(), this.tickMs || TICK_MS);
  }

  /** The naive baseline (tick 0): one emit per alarm per room, each batch covering one rev. */
  private flushAlarmsOneByOne(): void {
    const p = this.alarmRooms.pending;
    this.alarmRooms.pending = { byRoom: new Map(), to: p.to };
    for (const [room, byId] of p.byRoom) {
      let from = this.alarmRooms.told.get(room) ?? 0;
      for (const a of [...byId.values()].sort((x, y) => x.rev - y.rev)) {
        this.io.local.to(room).emit('alarm:batch', { from, rev: a.rev, alarms: encodeAlarmColumns([a]) });
        from = a.rev;
      }
      this.alarmRooms.told.set(room, from);
    }
  }

  /** Cameras whose status changed: to each room that holds them, at once (they change seldom). */
  publishCameras(changes: readonly { id: string; gridCode: string; status: 'online' | 'offline' }[]): void {
    const byRoom = new Map<string, { id: string; status: 'online' | 'offline' }[]>();
    for (const c of changes)
      for (const room of regionRooms(c.gridCode)) {
        let list = byRoom.get(room);
        if (!list) byRoom.set(room, (list = []));
        list.push({ id: c.id, status: c.status });
      }
    for (const [room, cameras] of byRoom) this.io.to(room).emit('camera:status', { cameras });
  }

  /** Send what is pending (the tick; also called on shutdown). */
  flush(): void {
    if (this.tick) clearTimeout(this.tick);
    this.tick = null;
    for (const { room, from, to, list } of takeBatches(this.alarmRooms)) {
      this.io.local.to(room).emit('alarm:batch', { from, rev: to, alarms: encodeAlarmColumns(list) });
    }
    for (const { room, from, to, list } of takeBatches(this.incidentRooms)) {
      this.io.local.to(room).emit('incident:batch', { from, rev: to, incidents: list });
    }
    const units = this.pendingUnits;
    this.pendingUnits = new Map();
    for (const [room, byId] of units) this.io.to(room).emit('unit:batch', { units: [...byId.values()] });
  }

  /** The emitter for something located in `regionCode`: its region's room and every ancestor's. */
  toRegion(regionCode: string) {
    return this.io.to(regionRooms(regionCode));
  }
}
