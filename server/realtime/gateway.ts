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

export class RealtimeGateway {
  readonly bootId = randomUUID();
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly io: HubIo,
    readiness: ReadinessState,
    auth: () => AuthService | undefined,
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

  /** The emitter for something located in `regionCode`: its region's room and every ancestor's. */
  toRegion(regionCode: string) {
    return this.io.to(regionRooms(regionCode));
  }
}
