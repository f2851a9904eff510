/**
 * The typed Socket.IO contract. Server → client events carry a monotonic `seq` once domains
 * start pushing changes (alarms, incidents, units); for now the hub announces itself and its
 * readiness so screens can show live / reconnecting and reload their data after a restart.
 */
import type { Readiness } from './api';
import type { AlarmSyncReply } from './alarms';
import type { AlarmBatchWire } from './alarm-wire';
import type { IncidentSyncReply, IncidentView, UnitLive } from './incidents';

export interface HubHello {
  /** Changes on every hub start: a client that sees a new one reloads its static data. */
  bootId: string;
  startedAt: string;
  readiness: Readiness;
}

/**
 * Why the hub ended a screen's session; it sends this just before it closes the socket.
 * logout: signed out (here or in another tab); expired: idle or absolute timeout; revoked: an
 * admin ended it (disabled user, revoked wall token, ended sessions); changed: the user's role,
 * scope or password changed, so what the screen holds may no longer be theirs.
 */
export const SESSION_END_REASONS = ['logout', 'expired', 'revoked', 'changed'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** The message of the connect_error a socket gets when its handshake carries no valid session. */
export const SOCKET_AUTH_ERROR = 'auth/required';

export interface ServerToClientEvents {
  'hub:hello': (hello: HubHello) => void;
  'hub:readiness': (readiness: Readiness) => void;
  'auth:ended': (e: { reason: SessionEndReason }) => void;
  /** Alarms that were raised or changed in the screen's region (batched per tick). */
  'alarm:batch': (batch: AlarmBatchWire) => void;
  /**
   * Incidents that were created or changed in the screen's region (batched per tick): complete over
   * (from, rev], as `alarm:batch` (a screen whose cursor is below `from` asks `incident:sync`).
   */
  'incident:batch': (batch: { from: number; rev: number; incidents: IncidentView[] }) => void;
  /** Field units that moved or changed status in the screen's region (batched per tick, latest per unit). */
  'unit:batch': (batch: { units: UnitLive[] }) => void;
  /**
   * Cameras whose status changed in the screen's region (issue 18: GB/T 28181 keepalives). The
   * cameras layer holds the status as of its build; these are newer. After a reconnect a screen
   * reloads the layer (it is rebuilt with the statuses, ETag-revalidated).
   */
  'camera:status': (batch: { cameras: { id: string; status: 'online' | 'offline' }[] }) => void;
}

export interface ClientToServerEvents {
  /**
   * Catch up: `since` is the highest rev the screen holds (null: it holds nothing). The answer is
   * what changed since in the screen's scope, or a snapshot.
   */
  'alarm:sync': (req: { since: number | null }, ack: (reply: AlarmSyncReply | { error: string }) => void) => void;
  /** The same for incidents: a delta since `since`, or a snapshot of the scope's open incidents. */
  'incident:sync': (req: { since: number | null }, ack: (reply: IncidentSyncReply | { error: string }) => void) => void;
}
