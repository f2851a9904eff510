/**
 * The gateway's one catch-up handler (server/realtime/handshake.ts), on a real Socket.IO server with
 * stand-in services (no database): a collection answers `<collection>:sync` once registered and
 * `service/not-ready` before; a bad `since` is named; the answer is in the socket's scope (its
 * principal); one request per collection and socket runs at a time, collections independently.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { RealtimeGateway, type HubIo } from '@server/realtime/gateway';
import { ReadinessState } from '@server/core/readiness';
import type { AuthService } from '@server/services/auth.service';
import type { Principal } from '@server/auth/policy';
import { SESSION_COOKIE } from '@shared/auth';
import type { AlarmSyncReply } from '@shared/alarms';
import type { IncidentSyncReply } from '@shared/incidents';
import { connected, openSocket, type ClientSocket } from './screen';

const principal: Principal = { id: 'u-1', role: 'dispatcher', scope: '360102' };
const auth = {
  authenticateSession: (token: string) =>
    Promise.resolve(token === 'good' ? { sessionId: 's-1', principal, mfaPending: false } : null),
} as unknown as Pick<AuthService, 'authenticateSession'>;

describe('the gateway serves every synced collection through one handler', () => {
  let httpServer: HttpServer;
  let io: HubIo;
  let gateway: RealtimeGateway;
  let socket: ClientSocket;

  beforeAll(async () => {
    httpServer = createServer();
    io = new Server(httpServer);
    gateway = new RealtimeGateway({ io, readiness: new ReadinessState(), auth });
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    socket = openSocket(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, `${SESSION_COOKIE}=good`);
    await connected(socket);
  });
  afterAll(async () => {
    socket?.disconnect();
    await io?.close();
  });

  it('answers service/not-ready until a collection is registered, then in the socket’s scope', async () => {
    expect(await socket.emitWithAck('alarm:sync', { since: null })).toEqual({ error: 'service/not-ready' });
    const asked: [Principal, number | null][] = [];
    gateway.sync({
      event: 'alarm:sync',
      sync: (p, since) => {
        asked.push([p, since]);
        return Promise.resolve<AlarmSyncReply>({ mode: since === null ? 'snapshot' : 'delta', rev: 7, alarms: [] });
      },
    });
    expect(await socket.emitWithAck('alarm:sync', { since: null })).toEqual({ mode: 'snapshot', rev: 7, alarms: [] });
    expect(await socket.emitWithAck('alarm:sync', { since: 3 })).toEqual({ mode: 'delta', rev: 7, alarms: [] });
    expect(asked).toEqual([
      [principal, null],
      [principal, 3],
    ]);
    // The other collection is still starting.
    expect(await socket.emitWithAck('incident:sync', { since: null })).toEqual({ error: 'service/not-ready' });
  });

  it('names a bad since', async () => {
    for (const since of [-1, 1.5, '3', undefined]) {
      expect(await socket.emitWithAck('alarm:sync', { since } as never)).toEqual({
        error: 'since: must be null or a whole number ≥ 0',
      });
    }
  });

  it('serves one request per collection at a time; collections do not wait for each other', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    gateway.sync({
      event: 'alarm:sync',
      sync: async (_p, since) => (await held, { mode: 'delta', rev: since ?? 0, alarms: [] }),
    });
    gateway.sync({
      event: 'incident:sync',
      sync: (_p, since) => Promise.resolve<IncidentSyncReply>({ mode: 'delta', rev: since ?? 0, incidents: [] }),
    });
    const first = socket.emitWithAck('alarm:sync', { since: 1 });
    const second = socket.emitWithAck('alarm:sync', { since: 2 });
    const third = socket.emitWithAck('alarm:sync', { since: 3 });
    // The second waited behind the first and gave its place to the third.
    expect(await second).toEqual({ error: 'sync/superseded' });
    expect(await socket.emitWithAck('incident:sync', { since: 5 })).toEqual({ mode: 'delta', rev: 5, incidents: [] });
    release();
    expect(await first).toEqual({ mode: 'delta', rev: 1, alarms: [] });
    expect(await third).toEqual({ mode: 'delta', rev: 3, alarms: [] });
  });
});
