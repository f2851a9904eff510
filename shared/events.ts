/**
 * The typed Socket.IO contract. Server → client events carry a monotonic `seq` once domains
 * start pushing changes (alarms, incidents, units); for now the hub announces itself and its
 * readiness so screens can show live / reconnecting and reload their data after a restart.
 */
import type { Readiness } from './api';

export interface HubHello {
  /** Changes on every hub start: a client that sees a new one reloads its static data. */
  bootId: string;
  startedAt: string;
  readiness: Readiness;
}

export interface ServerToClientEvents {
  'hub:hello': (hello: HubHello) => void;
  'hub:readiness': (readiness: Readiness) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no client → server events yet
export interface ClientToServerEvents {}
