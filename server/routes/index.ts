/**
 * The HTTP API, made once the services exist (server/components.ts): every route file registered
 * on one route registry (`ApiRoutes`: the route × role test reads its specs), behind the chain every
 * API request passes: per-address limit → body (256 KB; 4 MB for event batches) → storable input
 * → credential → per-principal limit → CSRF → the route's guard. Also what the app's own guarded
 * paths need: who a request is (/metrics in a browser), and the demo video streams' guard.
 */
import express, { Router, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import { ErrorCode } from '@shared/errors';
import type { AuthSettings } from '../core/config';
import type { HubMetrics } from '../core/metrics';
import { HttpError, storableInput } from '../core/http-errors';
import { decide } from '../auth/policy';
import { ApiRoutes, authenticate, csrfGuard, rateLimits, type RouteSpec } from '../http/auth';
import type { AdminService } from '../services/admin.service';
import type { AlarmService } from '../services/alarm.service';
import type { AuditService } from '../services/audit.service';
import type { AuthService } from '../services/auth.service';
import type { BasemapService } from '../services/basemap.service';
import type { DeadLetterService } from '../services/dead-letter.service';
import type { IncidentServices } from '../services/incidents';
import type { IngestService } from '../services/ingest.service';
import type { LayerService } from '../services/layer.service';
import type { QrService } from '../services/qr.service';
import type { WorldService } from '../services/world.service';
import type { ZoneDirectoryService } from '../services/zone-directory.service';
import type { StatsService } from '../services/stats/stats.service';
import type { CoverageService } from '../services/coverage.service';
import type { WallService } from '../services/wall.service';
import type { MajorEventService } from '../services/major-event.service';
import type { MajorEventReportService } from '../services/major-event-report.service';
import type { DeviceRegistryService } from '../services/devices/device-registry.service';
import type { DeviceIngestService } from '../services/devices/device-ingest.service';
import type { CapService } from '../services/cap.service';
import type { Open311Service } from '../services/open311.service';
import { adminRoutes } from './admin';
import { alarmRoutes } from './alarms';
import { authRoutes } from './auth';
import { citizenRoutes } from './citizen';
import { eventRoutes } from './events';
import { fieldRoutes } from './field';
import { incidentRoutes } from './incidents';
import { mapRoutes } from './map';
import { photoRoutes } from './photos';
import { qrRoutes } from './qr';
import { slaRoutes } from './sla';
import { coverageRoutes } from './coverage';
import { wallRoutes } from './wall';
import { majorEventRoutes } from './major-events';
import { worldRoutes } from './world';
import { zoneRoutes } from './zones';
import { statsRoutes } from './stats';
import { deviceRoutes } from './devices';
import { isapiRoutes } from './isapi';
import { capRoutes } from './cap';
import { open311ChainErrors, open311Routes } from './open311';

/** The services the routes call. */
export interface ApiServices {
  world: WorldService;
  layers: LayerService;
  basemap: BasemapService;
  auth: AuthService;
  admin: AdminService;
  audit: AuditService;
  ingest: IngestService;
  alarms: AlarmService;
  incidents: IncidentServices;
  deadLetters: DeadLetterService;
  qr: QrService;
  zones: ZoneDirectoryService;
  stats: StatsService;
  coverage: CoverageService;
  wall: WallService;
  majorEvents: MajorEventService;
  majorEventReports: MajorEventReportService;
  devices: DeviceRegistryService;
  deviceIngest: DeviceIngestService;
  cap: CapService;
  open311: Open311Service;
}

export interface Api {
  /** Everything under API_PREFIX, the request chain included. */
  router: Router;
  /** Every API route with the access it needs. */
  specs: readonly RouteSpec[];
  /** Who a request is (cookie or device key) without the API's chain: /metrics in a browser. */
  identify: RequestHandler[];
  /** The demo video streams: a signed-in screen that may play video (the files are the SPA's). */
  streams: RequestHandler[];
}

export function createApi(s: ApiServices, settings: AuthSettings, metrics: HubMetrics): Api {
  const limits = rateLimits(settings);
  const api = new ApiRoutes(s.audit);
  const incidents = s.incidents;
  authRoutes(api, { auth: s.auth, loginLimit: limits.login });
  adminRoutes(api, s);
  eventRoutes(api, { ingest: s.ingest, metrics });
  alarmRoutes(api, s);
  incidentRoutes(api, s);
  slaRoutes(api, { sla: incidents.slaPolicy });
  fieldRoutes(api, { dispatch: incidents.dispatch, trails: incidents.trails });
  photoRoutes(api, { photos: incidents.photos, read: incidents.read, citizenLimit: limits.citizen });
  citizenRoutes(api, { citizens: incidents.citizens, world: s.world, citizenLimit: limits.citizen });
  qrRoutes(api, s);
  worldRoutes(api, s);
  mapRoutes(api, s);
  zoneRoutes(api, s);
  statsRoutes(api, s);
  coverageRoutes(api, s);
  wallRoutes(api, s);
  majorEventRoutes(api, s);
  deviceRoutes(api, s);
  isapiRoutes(api, { sink: s.deviceIngest, limit: limits.device });
  capRoutes(api, s);
  open311Routes(api, { open311: s.open311, auth: s.auth, citizenLimit: limits.integration });

  const identify = [cookieParser(), authenticate(s.auth)];
  // Event batches (up to 1,000 events) get a larger body than everything else.
  const smallJson = express.json({ limit: '256kb' });
  const eventJson = express.json({ limit: '4mb' });
  const router = Router();
  router.use(
    limits.perAddress,
    (req, res, next) => (req.path === '/events' ? eventJson : smallJson)(req, res, next),
    // Text PostgreSQL can store, at most 32 levels deep (an event batch's strings: per item, by ingest).
    storableInput({ maxDepth: 32, itemised: (req) => req.path === '/events' }),
    ...identify,
    limits.perPrincipal,
    csrfGuard(settings),
    api.router,
  );
  // Open311's errors in the standard's own format, those of the chain above included.
  router.use(open311ChainErrors);
  const mayPlay: RequestHandler = (req, _res, next) => {
    if (!req.auth) return next(new HttpError(401, ErrorCode.AuthRequired, 'sign in first'));
    const d = decide(req.auth.principal, 'video:play');
    next(d.allow ? undefined : new HttpError(403, ErrorCode.AuthForbidden, d.reason));
  };
  return { router, specs: api.specs, identify, streams: [...identify, mayPlay] };
}
