/**
 * The realtime gateway: the only module that emits on Socket.IO. Domain modules tell it what
 * happened; it decides rooms and batching. For now it greets each screen and pushes readiness.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import type { ReadinessState } from '../readiness';

export type HubIo = Server<ClientToServerEvents, ServerToClientEvents>;

export class RealtimeGateway {
  readonly bootId = randomUUID();
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly io: HubIo,
    readiness: ReadinessState,
  ) {
    io.on('connection', (socket) => {
      socket.emit('hub:hello', { bootId: this.bootId, startedAt: this.startedAt, readiness: readiness.snapshot() });
    });
    readiness.on('change', (snap) => {
      io.emit('hub:readiness', snap);
    });
  }
}
