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
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SessionEndReason } from '../../shared/events';
import { SOCKET_AUTH_ERROR } from '../../shared/events';
import { SESSION_COOKIE, scopePrefix } from '../../shared/auth';
import type { ReadinessState } from '../readiness';
import type { AuthService } from '../services/auth.service';
import type { AlarmService } from '../services/alarm.service';
import type { AlarmView } from '../../shared/alarms';
import type { IncidentView, UnitLive } from '../../shared/incidents';
import type { IncidentService } from '../services/incident.service';
import { encodeAlarmColumns } from '../../shared/alarm-wire';
import type { AuthSettings } from '../config';
import { originAllowed } from '../auth/http';
import type { Principal } from '../auth/policy';

export interface SocketData {
  sessionId: string;
  principal: Principal;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no events between hubs yet
export type HubIo = Server<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

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

/** Room names of a region and all its ancestors (grid → community → street → district → city). */
export function regionRooms(regionCode: string): string[] {
  const rooms = new Set<string>();
  for (const len of [2, 4, 6, 9, 12, 15]) if (regionCode.length >= len) rooms.add(`region:${regionCode.slice(0, len)}`);
  return [...rooms];
}

/** Alarm changes are gathered per room and sent at most this often (the issue allows 100 ms). */
export const TICK_MS = 50;

export class RealtimeGateway {
  readonly bootId = randomUUID();
  private readonly startedAt = new Date().toISOString();
  /** room → alarm id → its latest view, waiting for the next tick. */
  private pending = new Map<string, Map<string, AlarmView>>();
  private pendingIncidents = new Map<string, Map<string, IncidentView>>();
  private pendingUnits = new Map<string, Map<string, UnitLive>>();
  private tick: NodeJS.Timeout | null = null;
  /** Set by the app once incidents are ready. */
  incidents: () => IncidentService | undefined = () => undefined;

  constructor(
    private readonly io: HubIo,
    readiness: ReadinessState,
    auth: () => AuthService | undefined,
    alarms: () => AlarmService | undefined = () => undefined,
    /** Gather alarms for this long per room; 0 sends one emit per alarm (the benchmark's naive baseline). */
    private readonly tickMs = TICK_MS,
  ) {
    io.use((socket, next) => {
      const service = auth();
      if (!service) return next(new Error('service/not-ready'));
      const token = parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
      if (!token) return next(new Error(SOCKET_AUTH_ERROR));
      service.authenticateSession(token, false).then(
        (ctx) => {
          if (!ctx || !ctx.sessionId || ctx.mfaPending) return next(new Error(SOCKET_AUTH_ERROR));
          socket.data = { sessionId: ctx.sessionId, principal: ctx.principal };
          next();
        },
        () => next(new Error('service/unavailable')),
      );
    });
    io.on('connection', (socket) => {
      void socket.join([`session:${socket.data.sessionId}`, `region:${scopePrefix(socket.data.principal.scope)}`]);
      socket.emit('hub:hello', { bootId: this.bootId, startedAt: this.startedAt, readiness: readiness.snapshot() });
      socket.on('alarm:sync', (req, ack) => {
        if (typeof ack !== 'function') return;
        const since = (req as { since?: unknown } | null)?.since;
        if (since !== null && !(typeof since === 'number' && Number.isSafeInteger(since) && since >= 0)) {
          ack({ error: 'since: must be null or a whole number ≥ 0' });
          return;
        }
        const service = alarms();
        if (!service) {
          ack({ error: 'service/not-ready' });
          return;
        }
        service.sync(socket.data.principal, since).then(ack, (e: unknown) => ack({ error: (e as Error).message }));
      });
      socket.on('incident:sync', (req, ack) => {
        if (typeof ack !== 'function') return;
        const since = (req as { since?: unknown } | null)?.since;
        if (since !== null && !(typeof since === 'number' && Number.isSafeInteger(since) && since >= 0)) {
          ack({ error: 'since: must be null or a whole number ≥ 0' });
          return;
        }
        const service = this.incidents();
        if (!service) {
          ack({ error: 'service/not-ready' });
          return;
        }
        service.sync(socket.data.principal, since).then(ack, (e: unknown) => ack({ error: (e as Error).message }));
      });
    });
    readiness.on('change', (snap) => {
      io.emit('hub:readiness', snap);
    });
  }

  /** Sessions that ended: tell their screens why, then close their sockets. */
  endSessions(ids: readonly string[], reason: SessionEndReason): void {
    if (ids.length === 0) return;
    const rooms = ids.map((id) => `session:${id}`);
    this.io.to(rooms).emit('auth:ended', { reason });
    this.io.in(rooms).disconnectSockets();
  }

  /**
   * Alarms that changed (after commit): gathered per region room and sent once per tick, so a
   * burst of a thousand alarms is a handful of emits per room, not a thousand per screen.
   */
  publishAlarms(alarms: readonly AlarmView[]): void {
    if (this.tickMs === 0) {
      for (const a of alarms) this.io.to(regionRooms(a.gridCode)).emit('alarm:batch', { rev: a.rev, alarms: encodeAlarmColumns([a]) });
      return;
    }
    const rooms = this.io.of('/').adapter.rooms;
    for (const a of alarms) {
      for (const room of regionRooms(a.gridCode)) {
        // Only rooms that have screens (of this hub: a cross-hub adapter will need this revisited).
        if (!rooms.get(room)?.size) continue;
        let m = this.pending.get(room);
        if (!m) this.pending.set(room, (m = new Map<string, AlarmView>()));
        const prev = m.get(a.id);
        if (!prev || prev.rev < a.rev) m.set(a.id, a);
      }
    }
    this.tick ??= setTimeout(() => this.flush(), this.tickMs);
  }

  /** Incidents that changed (after commit): per region room, once per tick, latest version of each. */
  publishIncidents(incidents: readonly IncidentView[]): void {
    for (const i of incidents) this.gather(this.pendingIncidents, i.gridCode, i.id, i, (prev) => prev.rev < i.rev);
    this.tick ??= setTimeout(() => this.flush(), this.tickMs || TICK_MS);
  }

  /** Units that moved or changed status: per room of their home region, latest of each per tick. */
  publishUnits(units: readonly { regionCode: string; live: UnitLive }[]): void {
    for (const u of units) this.gather(this.pendingUnits, u.regionCode, u.live.id, u.live, (prev) => prev.updatedAt <= u.live.updatedAt);
    this.tick ??= setTimeout(() => this.flush(), this.tickMs || TICK_MS);
  }

  private gather<T>(pending: Map<string, Map<string, T>>, regionCode: string, id: string, value: T, newer: (prev: T) => boolean): void {
    const rooms = this.io.of('/').adapter.rooms;
    for (const room of regionRooms(regionCode)) {
      if (!rooms.get(room)?.size) continue;
      let m = pending.get(room);
      if (!m) pending.set(room, (m = new Map<string, T>()));
      const prev = m.get(id);
      if (prev === undefined || newer(prev)) m.set(id, value);
    }
  }

  /** Send what is pending (the tick; also called on shutdown). */
  flush(): void {
    if (this.tick) clearTimeout(this.tick);
    this.tick = null;
    const pending = this.pending;
    this.pending = new Map();
    for (const [room, byId] of pending) {
      const alarms = [...byId.values()].sort((a, b) => a.rev - b.rev);
      this.io.to(room).emit('alarm:batch', { rev: alarms[alarms.length - 1]!.rev, alarms: encodeAlarmColumns(alarms) });
    }
    const incidents = this.pendingIncidents;
    this.pendingIncidents = new Map();
    for (const [room, byId] of incidents) {
      const list = [...byId.values()].sort((a, b) => a.rev - b.rev);
      this.io.to(room).emit('incident:batch', { rev: list[list.length - 1]!.rev, incidents: list });
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
