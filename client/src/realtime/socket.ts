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
 * Alarms and incidents are rev streams, followed the same way (`followStream`): a catch-up
 * (catchup.ts: cursor, gap detection, retries with backoff, late answers kept) asks `alarm:sync` /
 * `incident:sync` since its cursor after every hello, and each live `alarm:batch` / `incident:batch`
 * is merged into its store (by rev, stores/revCollection.ts) and handed to the catch-up, which asks
 * again when a batch's `from` shows something was missed. Field units' live state comes as
 * `unit:batch` (it also grows their trails); after a reconnect the units and trails a screen asked
 * for are reloaded.
 *
 * Diagnostics: localStorage `cd.diag.syncTimeoutMs` (500 to 60000) replaces the 8 s a sync answer
 * is waited for before it is asked again; the browser tests shorten it.
 */
import { io, type Socket } from 'socket.io-client';
import type { Pinia } from 'pinia';
import type { z } from 'zod';
import { effectScope, watch, type EffectScope } from 'vue';
import { SOCKET_AUTH_ERROR, type ClientToServerEvents, type ServerToClientEvents } from '@shared/events';
import type { Role } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { useHubStore, type SyncStream } from '../stores/hub';
import { useWorldStore } from '../stores/world';
import { useSessionStore } from '../stores/session';
import { useLayerDataStore } from '../stores/layerData';
import { useAlarmStore } from '../stores/alarms';
import { alarmSyncReply } from '@shared/alarms';
import { decodeAlarmColumns } from '@shared/alarm-wire';
import { incidentSyncReply } from '@shared/incidents';
import { useIncidentStore } from '../stores/incidents';
import { useUnitStore } from '../stores/units';
import { useTrailStore } from '../stores/trails';
import { useCameraStatusStore } from '../stores/cameraStatus';
import type { SyncItems, Versioned } from '../stores/revCollection';
import { StreamCatchup, type SyncOutcome, type SyncReplyBase } from './catchup';

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

/** One rev stream as the socket follows it: how to ask its catch-up, and the store it feeds. */
interface StreamSpec<R extends SyncReplyBase, T extends Versioned> {
  name: SyncStream;
  /** Whether this screen's role may read it (the hub would refuse its sync forever). */
  follows: boolean;
  /** The stream's sync event (the wire names stay those of shared/events.ts). */
  event: 'alarm:sync' | 'incident:sync';
  reply: z.ZodType<R>;
  /** The reply's items (each stream names them its own way on the wire). */
  items(reply: R): readonly T[];
  store: { applyBatch(items: readonly T[]): void; applySync(reply: SyncItems<T>, live: readonly T[]): void };
}

/** What the connection does with a stream's catch-up (StreamCatchup, whatever its reply). */
interface Catchup {
  readonly synced: boolean;
  linkUp(): void;
  linkDown(): void;
  nudge(): void;
}

/** A followed stream: the catch-up, and what a live batch does (merge, then tell the catch-up). */
interface FollowedStream<T> {
  name: SyncStream;
  follows: boolean;
  catchup: Catchup;
  batch(from: number, rev: number, items: readonly T[]): void;
}

/** The one sync loop, for every rev stream: asks on `s`, merges into the spec's store. */
function followStream<R extends SyncReplyBase, T extends Versioned>(
  s: HubSocket,
  spec: StreamSpec<R, T>,
  timeoutMs: number,
  onSyncedChange: () => void,
): FollowedStream<T> {
  const catchup = new StreamCatchup<R, T>({
    send: (since, done) => s.emit(spec.event, { since }, (raw: unknown) => done(outcomeOf(spec.reply, raw))),
    apply: (reply, live) => spec.store.applySync({ mode: reply.mode, rev: reply.rev, items: spec.items(reply) }, live),
    onSyncedChange,
    timeoutMs,
  });
  return {
    name: spec.name,
    follows: spec.follows,
    catchup,
    batch(from, rev, items) {
      spec.store.applyBatch(items);
      catchup.batch(from, rev, items);
    },
  };
}

let socket: HubSocket | null = null;
let scope: EffectScope | null = null;
let pinia: Pinia | null = null;
/** This connection's catch-ups (alarms, incidents). */
let catchups: Catchup[] = [];

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
  const trails = useTrailStore(pinia);
  const cameraStatus = useCameraStatusStore(pinia);

  const s: HubSocket = io({
    path: '/socket.io',
    // WebSocket only: no HTTP long-polling, so several hubs behind a load balancer need no sticky
    // sessions (the scale-out mode), and a dropped link is noticed at once.
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
  socket = s;

  // One catch-up per stream; the connection state is 'live' only when every followed one is in
  // step. A stream the role may not read is not followed (the hub would refuse its sync forever).
  const timeoutMs = syncTimeoutMs();
  const role = session.user?.role;
  const reportSync = (): void => {
    if (socket !== s) return;
    hub.syncState(streams.filter((st) => st.follows && !st.catchup.synced).map((st) => st.name));
  };
  const alarmStream = followStream(
    s,
    {
      name: 'alarms',
      follows: role !== undefined && ALARM_READERS.includes(role),
      event: 'alarm:sync',
      reply: alarmSyncReply,
      items: (r) => r.alarms,
      store: alarms,
    },
    timeoutMs,
    reportSync,
  );
  const incidentStream = followStream(
    s,
    {
      name: 'incidents',
      follows: true,
      event: 'incident:sync',
      reply: incidentSyncReply,
      items: (r) => r.incidents,
      store: incidents,
    },
    timeoutMs,
    reportSync,
  );
  const streams = [alarmStream, incidentStream];
  catchups = streams.map((st) => st.catchup);

  s.on('alarm:batch', (batch) => alarmStream.batch(batch.from, batch.rev, decodeAlarmColumns(batch.alarms)));
  s.on('incident:batch', (batch) => incidentStream.batch(batch.from, batch.rev, batch.incidents));
  s.on('unit:batch', (batch) => {
    units.applyBatch(batch);
    trails.append(batch.units);
  });
  s.on('camera:status', (batch) => cameraStatus.apply(batch));

  // Greeted before on this socket: a hello now follows a reconnect.
  let greeted = false;

  s.on('hub:hello', (hello) => {
    const restarted = hub.applyHello(hello);
    for (const st of streams) if (st.follows) st.catchup.linkUp();
    reportSync();
    void units.reloadIfWanted();
    void trails.reloadIfWanted();
    // A restarted hub may hold another world (new seed, new scale); a failed or missing load
    // is retried now that the hub answers.
    if (restarted || (hello.readiness.ready && world.needsReload)) void world.reload();
    // After a restart every static layer the screen holds is reloaded: the new hub may hold
    // another city. A hub that kept running changes only its cameras layer (keepalives set the
    // statuses; the hub drops that layer's cache) and sends no snapshot of the statuses on connect,
    // so after a mere reconnect the cameras layer alone is reloaded (ETag: cheap when unchanged),
    // for the statuses pushed while away. The overrides the new layer holds are dropped, those
    // pushed since it was asked for kept.
    const reconnected = greeted;
    greeted = true;
    if (restarted || (reconnected && layerData.layers.get('cameras'))) {
      const mark = cameraStatus.mark();
      const cams = layerData.layers.get('cameras');
      void (restarted ? layerData.reloadAll() : layerData.reload('cameras')).then(() => {
        if (layerData.layers.get('cameras') !== cams) cameraStatus.clear(mark);
      });
    }
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
      () =>
        hub.connection === 'live' &&
        hub.ready &&
        world.status === 'error' &&
        world.error?.code === ErrorCode.ServiceNotReady,
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
    useTrailStore(pinia).reset();
    useCameraStatusStore(pinia).clear();
  }
  s.removeAllListeners();
  s.disconnect();
}
