/**
 * The one module that owns the Socket.IO connection to the hub. It registers every listener once
 * and turns what arrives into store actions; components never touch the socket.
 *
 * It runs only while a session is active (auth/install.ts starts and stops it): the handshake is
 * authenticated by the session cookie. When the hub ends the session ('auth:ended', or a handshake
 * refused with 'auth/required') the session store is told and the socket is dropped, not retried:
 * a dead session would be refused forever.
 *
 * Connection state: 'connecting' (never reached the hub yet) → 'resyncing' (greeted; catching up)
 * → 'live' (holds the hub's set of alarms and incidents) → 'reconnecting' (lost it; Socket.IO
 * retries with backoff) → 'resyncing' → 'live'. A hello carrying a new bootId means the hub
 * restarted, so the data loaded from the old one is reloaded.
 *
 * Alarms and incidents each have a catch-up (catchup.ts: cursor, gap detection, retries with
 * backoff, late answers kept): after every hello it asks `alarm:sync` / `incident:sync` since its
 * cursor, and each live `alarm:batch` / `incident:batch` is merged into its store (by rev) and
 * handed to it, which asks again when a batch's `from` shows something was missed. Field units'
 * live state comes as `unit:batch`; after a reconnect the units a screen asked for are reloaded.
 *
 * Diagnostics: localStorage `cd.diag.syncTimeoutMs` (500 to 60000) replaces the 8 s a sync answer
 * is waited for before it is asked again; the browser tests shorten it.
 */
import { io, type Socket } from 'socket.io-client';
import type { Pinia } from 'pinia';
import type { z } from 'zod';
import { effectScope, watch, type EffectScope } from 'vue';
import { SOCKET_AUTH_ERROR, type ClientToServerEvents, type ServerToClientEvents } from '../../../shared/events';
import type { Role } from '../../../shared/auth';
import { ErrorCode } from '../../../shared/errors';
import { useHubStore } from '../stores/hub';
import { useWorldStore } from '../stores/world';
import { useSessionStore } from '../stores/session';
import { useLayerDataStore } from '../map/layerData';
import { useAlarmStore } from '../stores/alarms';
import { alarmSyncReply, type AlarmSyncReply, type AlarmView } from '../../../shared/alarms';
import { decodeAlarmColumns } from '../../../shared/alarm-wire';
import { incidentSyncReply, type IncidentSyncReply, type IncidentView } from '../../../shared/incidents';
import { useIncidentStore } from '../stores/incidents';
import { useUnitStore } from '../stores/units';
import { StreamCatchup, type SyncOutcome } from './catchup';

/** How long a sync answer is waited for before it is asked again (the late answer still counts). */
const SYNC_TIMEOUT_MS = 8_000;
/** The diagnostics setting that overrides it (localStorage). */
export const SYNC_TIMEOUT_KEY = 'cd.diag.syncTimeoutMs';

function syncTimeoutMs(): number {
  let raw: string | null = null;
  try {
    raw = globalThis.localStorage?.getItem(SYNC_TIMEOUT_KEY) ?? null;
  } catch {
    // Storage refused (privacy settings): the default.
  }
  const ms = Number(raw);
  return raw !== null && Number.isInteger(ms) && ms >= 500 && ms <= 60_000 ? ms : SYNC_TIMEOUT_MS;
}

/**
 * The roles the hub lets read alarms (server/auth/policy.ts: 'alarm:read'); a field unit's phone
 * follows incidents only. Every role reads incidents.
 */
const ALARM_READERS: readonly Role[] = ['admin', 'commander', 'dispatcher', 'wall', 'viewer'];

/** A sync answer checked against its schema: the reply, or why it is none ({error}, or malformed). */
function outcomeOf<R>(schema: z.ZodType<R>, raw: unknown): SyncOutcome<R> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, reply: parsed.data };
  const error = (raw as { error?: unknown } | null)?.error;
  return { ok: false, error: typeof error === 'string' ? error : 'malformed sync reply' };
}

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: HubSocket | null = null;
let scope: EffectScope | null = null;
let pinia: Pinia | null = null;
/** This connection's catch-ups (alarms, incidents). */
let catchups: { nudge(): void; linkDown(): void }[] = [];

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

  // One catch-up per stream; the connection state is 'live' only when both are in step. A stream
  // the role may not read is not followed (the hub would refuse its sync forever).
  const timeoutMs = syncTimeoutMs();
  const role = session.user?.role;
  const followsAlarms = role !== undefined && ALARM_READERS.includes(role);
  function reportSync(): void {
    if (socket !== s) return;
    hub.syncState([...(alarmCatchup.synced || !followsAlarms ? [] : ['alarms' as const]), ...(incidentCatchup.synced ? [] : ['incidents' as const])]);
  }
  const alarmCatchup = new StreamCatchup<AlarmSyncReply, AlarmView>({
    send: (since, done) => s.emit('alarm:sync', { since }, (raw: unknown) => done(outcomeOf(alarmSyncReply, raw))),
    apply: (reply, live) => alarms.applySync(reply, live),
    onSyncedChange: reportSync,
    timeoutMs,
  });
  const incidentCatchup = new StreamCatchup<IncidentSyncReply, IncidentView>({
    send: (since, done) => s.emit('incident:sync', { since }, (raw: unknown) => done(outcomeOf(incidentSyncReply, raw))),
    apply: (reply, live) => incidents.applySync(reply, live),
    onSyncedChange: reportSync,
    timeoutMs,
  });
  catchups = [alarmCatchup, incidentCatchup];

  s.on('alarm:batch', (batch) => {
    const list = decodeAlarmColumns(batch.alarms);
    alarms.applyBatch({ alarms: list });
    alarmCatchup.batch(batch.from, batch.rev, list);
  });
  s.on('incident:batch', (batch) => {
    incidents.applyBatch(batch);
    incidentCatchup.batch(batch.from, batch.rev, batch.incidents);
  });
  s.on('unit:batch', (batch) => units.applyBatch(batch));

  s.on('hub:hello', (hello) => {
    const restarted = hub.applyHello(hello);
    if (followsAlarms) alarmCatchup.linkUp();
    incidentCatchup.linkUp();
    reportSync();
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
    // A sync refused with 'service/not-ready' need not wait out its backoff.
    if (readiness.ready) for (const c of catchups) c.nudge();
  });

  // The hub says this just before it closes the socket of a session it ended.
  s.on('auth:ended', ({ reason }) => {
    stopRealtime();
    session.ended(reason);
  });

  s.on('disconnect', (reason) => {
    if (socket !== s) return;
    hub.connectionLost(reason);
    // Requests out on this link are never answered; the next hello asks again since the cursors.
    for (const c of catchups) c.linkDown();
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
  for (const c of catchups) c.linkDown();
  catchups = [];
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
