/**
 * Identity on HTTP: who a request is (session cookie or device key), the CSRF and Origin checks,
 * rate limits, and the route registry. Every API route is declared through `ApiRoutes.add` with
 * the action it needs; the guard asks the one policy (server/auth/policy.ts), and the registry
 * lets the test matrix check that no route exists that it does not list.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ZodType } from 'zod';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { ErrorCode } from '@shared/errors';
import { CSRF_HEADER, INTEGRATION_KEY_PREFIX, SESSION_COOKIE } from '@shared/auth';
import { HttpError, storableParams } from '../core/http-errors';
import { decide, type Action } from '../auth/policy';
import type { AuthService } from '../services/auth.service';
import type { AuthContext, RequestMeta } from '../auth/context';
import type { AuditService } from '../services/audit.service';
import { actorOf } from '../auth/context';
import { originAllowed } from '../auth/origin';
import type { AuthSettings } from '../core/config';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate` when the request carries a valid credential. */
    auth?: AuthContext;
  }
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** 'public': no credential needed; 'authenticated': any valid one; otherwise the action the caller's role must have. */
export type Access =
  | 'public'
  | 'authenticated'
  | { action: Action; /** Usable while an admin's second factor is pending. */ duringMfaSetup?: boolean };

/**
 * What the OpenAPI document (server/routes/docs.ts) says of a route, next to its registration:
 * the schemas are the ones the route validates with, so the document cannot drift from the code.
 */
export interface RouteDoc {
  summary: string;
  /** Longer notes (CommonMark). */
  description?: string;
  /** The request body: a zod schema (JSON), or a raw body's media type. */
  body?: ZodType | { mediaType: string; description: string };
  /** Query parameters, as the zod object the route parses them with. */
  query?: ZodType;
  /**
   * The success reply: its JSON schema, or a raw body's media type (CSV, PDF, SVG, image bytes);
   * `alternatives`: other forms of the same reply (`?format=csv`), with what selects each.
   */
  reply: {
    status: number;
    schema?: ZodType;
    mediaType?: string;
    description: string;
    alternatives?: { mediaType: string; description: string }[];
  };
  /**
   * The statuses the route and its service answer with (400s of their own checks, 403 scope, 404,
   * 409, a 304), with what each means. The document adds the request chain's and the guard's: 400
   * for a malformed input, 401 and 403 from the access, 403 CSRF on a write, 429.
   */
  errors?: Partial<Record<number, string>>;
  tags?: string[];
}

export interface RouteSpec {
  method: Method;
  /** Path under the API prefix, Express syntax ('/admin/users/:id'). */
  path: string;
  access: Access;
  /** What the OpenAPI document says of it (tests/unit/openapi.test.ts fails on a summary or reply missing). */
  doc: RouteDoc;
}

/** Where devices push alarms (ISAPI): rate-limited per address on their own scale, not the API's. */
export const DEVICE_PUSH_PATH = '/devices/isapi';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requestMeta(req: Request): RequestMeta {
  return { address: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/** Reads the session cookie or a device key's bearer header; sets req.auth when valid. */
export function authenticate(
  auth: Pick<AuthService, 'authenticateDeviceKey' | 'authenticateIntegrationKey' | 'authenticateSession'>,
): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const secret = m?.[1];
      const ctx = !secret
        ? null
        : secret.startsWith(INTEGRATION_KEY_PREFIX)
          ? await auth.authenticateIntegrationKey(secret)
          : await auth.authenticateDeviceKey(secret);
      if (!ctx)
        throw new HttpError(
          401,
          ErrorCode.AuthRequired,
          'the Authorization header does not carry a valid device key (Bearer cdk_…) or integration key (Bearer cik_…)',
        );
      req.auth = ctx;
      return next();
    }
    const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (token) {
      const ctx = await auth.authenticateSession(token, true);
      if (ctx) req.auth = ctx;
    }
    next();
  };
}

/**
 * CSRF defence for cookie sessions: a state-changing request must come from our origin (when the
 * browser says where from) and carry the session's token in X-CSRF-Token. Device keys are sent
 * and integration keys are sent explicitly, never by the browser on its own, so they need neither.
 */
export function csrfGuard(settings: AuthSettings): RequestHandler {
  return (req, _res, next) => {
    if (!UNSAFE.has(req.method)) return next();
    if (!originAllowed(req.get('origin'), req.get('host'), settings, req.secure)) {
      throw new HttpError(
        403,
        ErrorCode.AuthCsrf,
        `requests from origin ${req.get('origin')} are not accepted (see ALLOWED_ORIGINS)`,
      );
    }
    const ctx = req.auth;
    if (ctx && ctx.kind !== 'device' && ctx.kind !== 'integration') {
      const sent = req.get(CSRF_HEADER) ?? '';
      const want = ctx.csrfToken ?? '';
      const ok =
        sent.length === want.length && want.length > 0 && timingSafeEqual(Buffer.from(sent), Buffer.from(want));
      if (!ok)
        throw new HttpError(
          403,
          ErrorCode.AuthCsrf,
          `a ${req.method} needs the session's ${CSRF_HEADER} header (from GET /api/v1/auth/session)`,
        );
    }
    next();
  };
}

function limited(message: string): RequestHandler {
  return (_req, res) => {
    res.status(429).json({ error: { code: ErrorCode.RateLimited, message } });
  };
}

/** Per address on everything, per principal on authenticated calls, and a tighter one on sign-in. */
export function rateLimits(settings: AuthSettings): {
  perAddress: RequestHandler;
  perPrincipal: RequestHandler;
  login: RequestHandler;
  citizen: RequestHandler;
  device: RequestHandler;
  integration: RequestHandler;
} {
  const common = { standardHeaders: 'draft-7' as const, legacyHeaders: false };
  const ipKey = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
  return {
    perAddress: rateLimit({
      ...common,
      windowMs: 60_000,
      limit: settings.rateLimits.addressPerMin,
      // Devices pushing alarms have a limit of their own (below, on their route).
      skip: (req) => req.path === DEVICE_PUSH_PATH,
      keyGenerator: ipKey,
      handler: limited('too many requests from this address: slow down (Retry-After)'),
    }),
    perPrincipal: rateLimit({
      ...common,
      windowMs: 60_000,
      limit: settings.rateLimits.userPerMin,
      skip: (req) => !req.auth,
      keyGenerator: (req) => `${req.auth?.kind}:${req.auth?.principal.id}`,
      handler: limited('too many requests for this account: slow down (Retry-After)'),
    }),
    login: rateLimit({
      ...common,
      windowMs: 15 * 60_000,
      limit: settings.rateLimits.loginPer15Min,
      keyGenerator: ipKey,
      handler: limited('too many sign-in attempts from this address: wait (Retry-After)'),
    }),
    // A Hikvision NVR resends every active channel's alarm once a second: 32 channels are ~2,000 a minute.
    device: rateLimit({
      ...common,
      windowMs: 60_000,
      limit: settings.rateLimits.devicePerMin ?? 12_000,
      keyGenerator: ipKey,
      handler: limited('too many alarms from this address: slow down (Retry-After)'),
    }),
    // Another agency's system filing citizens' requests (Open311): many citizens behind one address.
    integration: rateLimit({
      ...common,
      windowMs: 60_000,
      limit: settings.rateLimits.integrationPerMin ?? 600,
      keyGenerator: ipKey,
      handler: limited('too many requests from this system: slow down (Retry-After)'),
    }),
    // Citizens' reports and photos (no account): a person reports a few things an hour, a script many.
    citizen: rateLimit({
      ...common,
      windowMs: 3_600_000,
      limit: settings.rateLimits.citizenPerHour ?? 30,
      keyGenerator: ipKey,
      handler: limited('too many reports from this address: try again later (Retry-After)'),
    }),
  };
}

export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

/** The principal's context, or a 401 (for handlers behind a non-public guard it is always there). */
export function ctxOf(req: Request): AuthContext {
  if (!req.auth) throw new HttpError(401, ErrorCode.AuthRequired, 'sign in first');
  return req.auth;
}

/**
 * Routes declared with the access they need. The guard: no credential → 401; an admin whose
 * second factor is pending → 403 except on the set-up routes; a role without the action → 403
 * (a refused state change is audited). Scope checks on the objects themselves happen in services.
 */
export class ApiRoutes {
  readonly specs: RouteSpec[] = [];
  readonly router = Router();

  constructor(private readonly audit: Pick<AuditService, 'record'>) {}

  add(method: Method, path: string, access: Access, doc: RouteDoc, ...handlers: RequestHandler[]): void {
    this.specs.push({ method, path, access, doc });
    // Path parameters go through the one string rule first (/incidents/%00 is a 400, not a 500).
    this.router[method](path, storableParams, this.guard(access), ...handlers);
  }

  private guard(access: Access): RequestHandler {
    return async (req, _res, next) => {
      if (access === 'public') return next();
      const ctx = req.auth;
      if (!ctx) throw new HttpError(401, ErrorCode.AuthRequired, 'sign in first (no session, or it ended)');
      if (access === 'authenticated') return next();
      if (ctx.mfaPending && !access.duringMfaSetup) {
        throw new HttpError(
          403,
          ErrorCode.AuthTotpSetupRequired,
          'set up a second factor first (POST /api/v1/auth/totp/setup, then /auth/totp/enable)',
        );
      }
      const d = decide(ctx.principal, access.action);
      if (!d.allow) {
        if (UNSAFE.has(req.method)) {
          await this.audit.record({
            actor: actorOf(ctx),
            actorName: ctx.name,
            action: 'access.denied',
            target: `${req.method} ${req.baseUrl}${req.path}`,
            address: req.ip ?? null,
            outcome: 'denied',
            details: { reason: d.reason },
          });
        }
        throw new HttpError(403, ErrorCode.AuthForbidden, d.reason);
      }
      next();
    };
  }
}
