/**
 * A hub that cannot take screens yet (still starting) answers their WebSocket upgrade `503` at the
 * HTTP level: nginx (config/nginx.conf, `proxy_next_upstream ... http_503`) then hands the screen to
 * another hub at once and skips this one for `fail_timeout`. Without it `least_conn` sent every
 * screen of a killed hub to its restarting copy (the hub with no connections), whose handshake
 * refused them one by one until it was ready: up to a minute without a picture (the fault test).
 */
import type { Server as HttpServer } from 'node:http';

/** Call after Socket.IO attached its own upgrade listeners: they run only once `canTake()`. */
export function refuseUpgradesUntil(server: HttpServer, canTake: () => boolean): void {
  const handlers = server.listeners('upgrade') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req, socket, head) => {
    if (canTake()) {
      for (const h of handlers) h.call(server, req, socket, head);
      return;
    }
    socket.end(
      'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\nthe hub is starting',
    );
  });
}
