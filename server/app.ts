/**
 * createApp(config): the hub's edge, which exists from the first second (Express 5 and Socket.IO
 * on one HTTP server: security headers, compression, request logs, /healthz and /readyz, the API
 * docs, the SPA, the error handler), and the places where the rest is mounted once it is ready:
 * the API, the demo video streams and /metrics' session path answer 503 `service/not-ready` until
 * then, and Socket.IO refuses upgrades and handshakes. `listen()` binds and starts `boot()`
 * (server/startup.ts), which composes every part once (server/components.ts) and opens the edge to
 * them. Tests and the benchmark call createApp with their own config; nothing here is a
 * module-level singleton.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express } from 'express';
import compression from 'compression';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Server as IoServer } from 'socket.io';
import { API_PREFIX } from '@shared/api';
import { authSettings, type Config } from './core/config';
import { createLogger, httpLogOptions } from './core/logging';
import { HubMetrics } from './core/metrics';
import { ReadinessState } from './core/readiness';
import { systemClock, type Clock } from './core/clock';
import { Scheduler } from './core/scheduler';
import { errorHandler, notFoundApi } from './core/http-errors';
import { securityHeaders } from './http/security';
import { clientApp } from './http/spa';
import { MountPoint } from './http/mount';
import type { RouteSpec } from './http/auth';
import { ioOptions, type HubIo, type RealtimeGateway } from './realtime/gateway';
import { attachRedisAdapter } from './realtime/redis-adapter';
import { refuseUpgradesUntil } from './realtime/upgrades';
import type { MqttIngest } from './realtime/mqtt-ingest';
import { healthRoutes } from './routes/health';
import { docsRoutes } from './routes/docs';
import { metricsRoutes } from './routes/metrics';
import type { Components } from './components';
import { boot } from './startup';

export interface Hub {
  readonly config: Config;
  readonly app: Express;
  readonly httpServer: HttpServer;
  readonly io: HubIo;
  readonly log: Logger;
  readonly readiness: ReadinessState;
  /** The realtime gateway, once ready. */
  readonly gateway: RealtimeGateway;
  /** This hub's Prometheus metrics (GET /metrics). */
  readonly metrics: HubMetrics;
  /** Every API route with the access it needs (the route × role test matrix reads it), once ready. */
  readonly routes: readonly RouteSpec[];
  /** The MQTT subscriber, when MQTT_URL is set (once ready). */
  mqtt(): MqttIngest | undefined;
  /** Resolves once the database is open, migrated and the demo city is there; rejects on a setup error. */
  readonly ready: Promise<void>;
  /** The hub's components (services, repositories, the domain events, the database), once ready (tests and the benchmark). */
  services(): Components;
  /** Bind the port (0 for an ephemeral one) and start the database work in the background. */
  listen(): Promise<AddressInfo>;
  /** Stop accepting, finish in-flight work, close the database. */
  close(): Promise<void>;
}

export interface AppOptions {
  /** Default: createLogger(config) (server/core/logging.ts: secrets redacted, pretty on a terminal). */
  logger?: Logger;
  /** Default: a HubMetrics of this hub's own (its own registry). */
  metrics?: HubMetrics;
  /** The time the hub's rules go by (tests pass a ManualClock). */
  clock?: Clock;
  /** Called once when the demo accounts were created; main.ts prints a generated password. */
  onDemoAccounts?: (created: string[], generatedPassword: string | null) => void;
}

export function createApp(config: Config, opts: AppOptions = {}): Hub {
  const log = opts.logger ?? createLogger(config);
  const metrics = opts.metrics ?? new HubMetrics();
  const readiness = new ReadinessState();
  const clock = opts.clock ?? systemClock;
  const settings = authSettings(config);
  const app = express();
  const httpServer = createServer(app);
  const io: HubIo = new IoServer(httpServer, ioOptions(settings));
  // The hub's parts, set once when boot() has them ready: the edge serves them from then on.
  let components: Components | undefined;
  // Sockets on this hub (read at scrape time) and screens' catch-up requests (every `…:sync`),
  // counted at Socket.IO's edge so the gateway need not know about metrics.
  metrics.countSockets(() => io.of('/').sockets.size);
  io.on('connection', (socket) =>
    socket.use(
      ([event], next) => (typeof event === 'string' && event.endsWith(':sync') && metrics.catchup(event), next()),
    ),
  );
  // Several hubs (realtime/redis-adapter.ts): set before the gateway, which listens to the adapter's rooms.
  const redis = config.redisUrl
    ? attachRedisAdapter(io, config.redisUrl, config.redisPrefix ?? 'city-command', log)
    : null;
  // Until the hub is ready a WebSocket upgrade is refused with 503 where a proxy sees it (the
  // handshake's own refusal is inside the WebSocket, invisible to nginx; upgrades.ts), and a
  // handshake that gets through (long polling) is refused too. The gateway authenticates after.
  refuseUpgradesUntil(httpServer, () => components !== undefined);
  io.use((_socket, next) => next(components ? undefined : new Error('service/not-ready')));
  // Every periodic job of this hub (core/scheduler.ts): scheduled by boot, stopped on close.
  const scheduler = new Scheduler(log, clock);
  const seedAbort = new AbortController();

  app.disable('x-powered-by');
  app.set('etag', false); // layers set their own content-hash ETags
  app.set('trust proxy', settings.trustProxy);
  app.use(securityHeaders(config));
  app.use(compression());
  // One line per request ("GET /api/v1/x 200 12ms"), warn on 4xx, error on 5xx; never headers (server/core/logging.ts).
  app.use(
    pinoHttp({
      logger: log,
      ...httpLogOptions(),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(healthRoutes(readiness));
  // The API's docs, from its route registry once it exists (503 until then, like the API).
  app.use(docsRoutes(() => components?.api.specs));
  // The API (server/routes/index.ts: limits, body, credential, CSRF, the routes), once ready.
  const api = new MountPoint();
  app.use(API_PREFIX, api.router);
  app.use(API_PREFIX, notFoundApi);
  // Demo video streams are the hub's own files: only a signed-in screen that may play video gets them.
  const streams = new MountPoint();
  app.use('/streams', streams.router);
  // Prometheus, outside the API like /healthz: a scraper's METRICS_TOKEN, or a city-wide admin's session.
  const metricsSession = new MountPoint();
  app.use(metricsRoutes({ metrics, token: config.metricsToken, session: [metricsSession.router] }));
  // The built client (npm run build), with history-API fallback for the SPA's routes.
  app.use(clientApp(config.staticDir));
  app.use(errorHandler(log));

  function open(c: Components): void {
    api.attach(c.api.router);
    streams.attach(...c.api.streams);
    metricsSession.attach(...c.api.identify);
    components = c;
  }

  let booting: Promise<unknown> | undefined;
  let closing: Promise<void> | undefined;
  let resolveReady!: () => void;
  let rejectReady!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  // Avoid an unhandled rejection when nobody awaits `ready` (the hub still serves /readyz = 503).
  ready.catch(() => undefined);
  const readyParts = (): Components => {
    if (!components) throw new Error('hub not ready');
    return components;
  };

  return {
    config,
    app,
    httpServer,
    io,
    log,
    readiness,
    ready,
    metrics,
    get gateway() {
      return readyParts().gateway;
    },
    get routes() {
      return components?.api.specs ?? [];
    },
    mqtt: () => components?.mqtt,
    services: readyParts,
    listen() {
      return new Promise<AddressInfo>((resolveListen, rejectListen) => {
        httpServer.once('error', rejectListen);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', rejectListen);
          const address = httpServer.address() as AddressInfo;
          log.info(
            { url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${address.port}` },
            'hub listening',
          );
          booting = boot({
            config,
            log,
            metrics,
            clock,
            readiness,
            io,
            crossHub: redis !== null,
            address,
            scheduler,
            signal: seedAbort.signal,
            onDemoAccounts: opts.onDemoAccounts,
            open,
          }).then(() => resolveReady(), rejectReady);
          resolveListen(address);
        });
      });
    },
    close() {
      closing ??= (async () => {
        seedAbort.abort();
        // Stop accepting; Socket.IO closes its clients, and the HTTP server its idle sockets.
        const httpClosed = new Promise<void>((res) => {
          if (!httpServer.listening) return res();
          httpServer.close(() => res());
          httpServer.closeIdleConnections();
        });
        await io.close().catch(() => undefined);
        // A boot that failed closed what it opened; one that succeeded left its components here.
        await booting;
        await scheduler.stop();
        components?.gateway.flush();
        await components?.outbox.stop();
        await components?.mqtt?.close().catch(() => undefined);
        await components?.dahua?.stop().catch(() => undefined);
        await components?.sip?.close().catch(() => undefined);
        // What this hub counted of its devices since the last flush (issue 18).
        await components?.deviceIngest.flush().catch(() => undefined);
        await redis?.quit().catch(() => undefined);
        // In-flight requests get up to 3 s to finish their writes, then their sockets are cut.
        await Promise.race([httpClosed, sleep(3_000, undefined, { ref: false })]);
        httpServer.closeAllConnections();
        await components?.builds.close();
        await components?.database.close().catch((e: unknown) => log.warn({ err: e }, 'closing the database failed'));
        metrics.close();
        log.info('hub closed');
      })();
      return closing;
    },
  };
}
