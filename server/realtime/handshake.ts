/**
 * What a socket is let in with and may ask: the handshake middleware (the session cookie decides
 * who it is; recovered connections run it again), and the one handler of every `<collection>:sync`
 * catch-up request, one served at a time per collection per socket (sync-queue.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { SOCKET_AUTH_ERROR } from '@shared/events';
import { SESSION_COOKIE } from '@shared/auth';
import type { AuthService } from '../services/auth.service';
import type { Principal } from '../auth/policy';
import { SyncQueue, type SyncAck } from './sync-queue';

export interface SocketData {
  sessionId: string;
  principal: Principal;
}

type Next = (err?: Error) => void;
type ServeSync = (principal: Principal, since: number | null) => Promise<unknown>;

/** The handshake: a signed-in session's cookie (second factor done), or the socket is refused. */
export function authenticateHandshake(auth: Pick<AuthService, 'authenticateSession'>) {
  return (socket: { handshake: { headers: IncomingHttpHeaders }; data: SocketData }, next: Next): void => {
    const token = parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
    if (!token) return next(new Error(SOCKET_AUTH_ERROR));
    auth.authenticateSession(token, false).then(
      (ctx) => {
        if (!ctx || !ctx.sessionId || ctx.mfaPending) return next(new Error(SOCKET_AUTH_ERROR));
        socket.data = { sessionId: ctx.sessionId, principal: ctx.principal };
        next();
      },
      () => next(new Error('service/unavailable')),
    );
  };
}

/** A sync request's `since`: null, a whole number ≥ 0, or (a string) what is wrong with it. */
function syncSince(req: unknown): number | null | string {
  const since = (req as { since?: unknown } | null)?.since;
  if (since === null || (typeof since === 'number' && Number.isSafeInteger(since) && since >= 0)) return since;
  return 'since: must be null or a whole number ≥ 0';
}

/**
 * A socket's packet middleware for every `<collection>:sync`: one request per collection served at
 * a time (sync-queue.ts); a collection with nobody in `synced` to answer it is not ready.
 */
export function syncRequests(
  socket: { data: SocketData; readonly connected: boolean },
  synced: ReadonlyMap<string, ServeSync>,
) {
  const queues = new Map<string, SyncQueue<number | null, unknown>>();
  return ([event, req, maybeAck]: unknown[], next: Next): void => {
    if (typeof event !== 'string' || !event.endsWith(':sync')) return next();
    if (typeof maybeAck !== 'function') return;
    const ack = maybeAck as SyncAck<unknown>;
    const since = syncSince(req);
    if (typeof since === 'string') return ack({ error: since });
    if (!synced.has(event)) return ack({ error: 'service/not-ready' });
    let queue = queues.get(event);
    if (!queue)
      queues.set(
        event,
        (queue = new SyncQueue(
          (s: number | null) => synced.get(event)!(socket.data.principal, s),
          () => socket.connected,
        )),
      );
    queue.push(since, ack);
  };
}
