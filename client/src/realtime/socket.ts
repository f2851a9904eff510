/**
 * The one module that owns the Socket.IO connection to the hub. It registers every listener once
 * and turns what arrives into store actions; components never touch the socket.
 *
 * It runs only while a session is active (auth/install.ts starts and stops it): the handshake is
 * authenticated by the session cookie. When the hub ends the session ('auth:ended', or a handshake
 * refused with 'auth/required') the session store is told and the socket is dropped, not retried:
 * a dead session would be refused forever.
 *
 * Connection state: 'connecting' (never reached the hub yet) → 'live' (the hub greeted us and
 * the alarm catch-up answered) → 'reconnecting' (lost it; Socket.IO retries with backoff) →
 * 'resyncing' (greeted again; asking what was missed) → 'live'. A hello carrying a new bootId
 * means the hub restarted, so the data loaded from the old one is reloaded.
 *
 * Alarms: after every hello the screen asks `alarm:sync` with the highest rev it holds (null when
 * it holds nothing) and applies the answer (a delta, or a snapshot that replaces what it holds);
 * live `alarm:batch` pushes are merged by rev in between, so the order they cross in is harmless.
 *
 * Incidents (issue 6) the same way: `incident:sync` after every hello, `incident:batch` merged by rev.
 * Their catch-up does not hold up 'live' (that stays the alarms' catch-up): the screen shows what
 * it holds and the answer merges in when it comes. Field units' live state comes as `unit:batch`;
 * after a reconnect the units a screen asked for are reloaded (pushes may have been missed).
 */
import { io, type Socket } from 'socket.io-client';
import type { Pinia } from 'pinia';
import { effectScope, watch, type EffectScope } from 'vue';
import { SOCKET_AUTH_ERROR, type ClientToServerEvents, type ServerToClientEvents } from '../../../shared/events';
import { ErrorCode } from '../../../shared/errors';
import { useHubStore } from '../stores/hub';
import { useWorldStore } from '../stores/world';
import { useSessionStore } from '../stores/session';
import { useLayerDataStore } from '../map/layerData';
import { useAlarmStore } from '../stores/alarms';
import { alarmSyncReply } from '../../../shared/alarms';
import { decodeAlarmColumns } from '../../../shared/alarm-wire';
import { incidentSyncReply } from '../../../shared/incidents';
import { useIncidentStore } from '../stores/incidents';
import { useUnitStore } from '../stores/units';

/** How long a catch-up may take before the screen goes live without it (and tries again later). */
const SYNC_TIMEOUT_MS = 8_000;

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: HubSocket | null = null;
let scope: EffectScope | null = null;
let pinia: Pinia | null = null;

/** Opens the connection (once per session) and wires it to the stores of this Pinia instance. */
export function startRealtime(p: Pinia): void {
  if (socket) return;
  pinia = p;
  const hub = useHubStore(pinia);
  const world = useWorldStore(pinia);
  const session = useSessionStore(pinia);
  const layerData = useLayerDataStore(pinia);
  const alarms = useAlarmStore(pinia);
  const incidents = useIncidentStore(pinia);
  const units = useUnitStore(pinia);

  const s: HubSocket = io({
    path: '/socket.io',
    // WebSocket only: no HTTP long-polling, so several hubs behind a load balancer need no sticky
    // sessions (the scale-out mode), and a dropped link is noticed at once.
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
  socket = s;

  /** Catch up on alarms; whatever happens, the screen goes live after (pushes flow regardless). */
  let syncing = false;
  let syncAgain = false;
  /** The last catch-up failed: try again when the hub says it is ready. */
  let needsSync = false;
  async function syncAlarms(): Promise<void> {
    if (syncing) {
      syncAgain = true;
      return;
    }
    syncing = true;
    try {
      alarms.syncStarted();
      const raw: unknown = await s.timeout(SYNC_TIMEOUT_MS).emitWithAck('alarm:sync', { since: alarms.lastRev });
      if (socket !== s) return;
      const reply = alarmSyncReply.safeParse(raw);
      if (reply.success) alarms.applySync(reply.data);
      // {error}: e.g. 'service/not-ready'; the readiness event retries once the hub is ready.
      else needsSync = true;
    } catch {
      needsSync = true; // timed out or the link dropped: the next hello asks again
    } finally {
      syncing = false;
      if (socket === s) {
        hub.caughtUp();
        if (syncAgain) {
          syncAgain = false;
          void syncAlarms();
        }
      }
    }
  }

  /** Catch up on incidents, as on alarms (one at a time; a failure is retried on readiness or the next hello). */
  let incidentSyncing = false;
  let incidentSyncAgain = false;
  let incidentNeedsSync = false;
  async function syncIncidents(): Promise<void> {
    if (incidentSyncing) {
      incidentSyncAgain = true;
      return;
    }
    incidentSyncing = true;
    try {
      incidents.syncStarted();
      const raw: unknown = await s.timeout(SYNC_TIMEOUT_MS).emitWithAck('incident:sync', { since: incidents.lastRev });
      if (socket !== s) return;
      const reply = incidentSyncReply.safeParse(raw);
      if (reply.success) incidents.applySync(reply.data);
      else {
        incidents.syncFailed();
        incidentNeedsSync = true;
      }
    } catch {
      incidents.syncFailed();
      incidentNeedsSync = true;
    } finally {
      incidentSyncing = false;
      if (socket === s && incidentSyncAgain) {
        incidentSyncAgain = false;
        void syncIncidents();
      }
    }
  }

  s.on('alarm:batch', (batch) => alarms.applyBatch({ rev: batch.rev, alarms: decodeAlarmColumns(batch.alarms) }));
  s.on('incident:batch', (batch) => incidents.applyBatch(batch));
  s.on('unit:batch', (batch) => units.applyBatch(batch));

  s.on('hub:hello', (hello) => {
    const restarted = hub.applyHello(hello);
    needsSync = false;
    incidentNeedsSync = false;
    void syncAlarms();
    void syncIncidents();
    void units.reloadIfWanted();
    // A restarted hub may hold another world (new seed, new scale); a failed or missing load
    // is retried now that the hub answers.
    if (restarted || (hello.readiness.ready && world.needsReload)) void world.reload();
    // Static layers the screen holds are reloaded too: the new hub may hold another city.
    if (restarted) void layerData.reloadAll();
  });

  s.on('hub:readiness', (readiness) => {
    hub.applyReadiness(readiness);
    if (readiness.ready && world.needsReload) void world.reload();
    if (readiness.ready && needsSync) {
      needsSync = false;
      void syncAlarms();
    }
    if (readiness.ready && incidentNeedsSync) {
      incidentNeedsSync = false;
      void syncIncidents();
    }
  });

  // The hub says this just before it closes the socket of a session it ended.
  s.on('auth:ended', ({ reason }) => {
    stopRealtime();
    session.ended(reason);
  });

  s.on('disconnect', (reason) => {
    if (socket !== s) return;
    hub.connectionLost(reason);
    // The hub closed us on purpose (e.g. shutting down): Socket.IO does not retry that by itself,
    // but a wall screen must come back on its own.
    if (reason === 'io server disconnect') s.connect();
  });

  // A refusal by the hub itself (its handshake check: still starting, database away) is not retried
  // by Socket.IO, unlike a transport failure: retry it here, backing off, until the hub says yes.
  let retries = 0;
  s.on('connect', () => (retries = 0));
  s.on('connect_error', (err) => {
    if (socket !== s) return;
    if (err.message === SOCKET_AUTH_ERROR) {
      // The handshake carried no valid session (it expired, or a restarted hub does not know it).
      stopRealtime();
      session.ended('expired');
      return;
    }
    hub.connectionLost(err.message);
    if (!s.active) {
      const delay = Math.min(5_000, 500 * 2 ** retries++);
      setTimeout(() => {
        if (socket === s && !s.connected) s.connect();
      }, delay);
    }
  });

  scope = effectScope(true);
  scope.run(() => {
    // A load that was answered "not ready" just before the hub turned ready (the readiness event
    // crossed it in flight) would otherwise stay failed until the next event: retry it.
    watch(
      () => hub.connection === 'live' && hub.ready && world.status === 'error' && world.error?.code === ErrorCode.ServiceNotReady,
      (retry) => {
        if (retry) void world.reload();
      },
    );
  });
}

/** Closes the connection for good (signed out, session ended); a later sign-in starts a new one. */
export function stopRealtime(): void {
  const s = socket;
  socket = null;
  scope?.stop();
  scope = null;
  if (!s) return;
  // Nothing the session saw stays on screen for whoever signs in next.
  if (pinia) {
    useAlarmStore(pinia).reset();
    useIncidentStore(pinia).reset();
    useUnitStore(pinia).reset();
  }
  s.removeAllListeners();
  s.disconnect();
}
