/**
 * Several hubs: Socket.IO's Redis Streams adapter carries what is not followed by rev (unit moves,
 * ended sessions) to every hub's screens and keeps connection-state recovery across hubs. Attach it
 * before the gateway, which listens to the adapter's rooms.
 */
import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { serverUrl } from '../core/logging';
import type { HubIo } from './gateway';

/** Socket.IO's Redis Streams adapter on an ioredis client that waits out Redis restarts. */
export function attachRedisAdapter(io: HubIo, url: string, prefix: string, log: Logger): Redis {
  // No per-command retry limit: while Redis is away commands wait in ioredis' queue (the adapter's
  // blocking XREAD would otherwise spin on errors).
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2_000) });
  let down = false;
  client.on('error', (e: Error) => {
    if (!down) log.warn({ err: e.message, redis: serverUrl(url) }, 'redis: connection error (retrying)');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ redis: serverUrl(url) }, 'redis: connected again');
    down = false;
  });
  io.adapter(
    createAdapter(client, {
      streamName: prefix,
      channelPrefix: prefix,
      sessionKeyPrefix: `${prefix}:session:`,
      maxLen: 100_000,
    }),
  );
  return client;
}
