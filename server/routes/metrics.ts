/**
 * GET /metrics: Prometheus text format, outside /api/v1 like /healthz. Read by a scraper with
 * `Authorization: Bearer <METRICS_TOKEN>`, or by a signed-in city-wide admin in a browser. Counts
 * of the whole hub are not for every account: a dispatcher gets 403, nobody 401.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { ErrorCode } from '@shared/errors';
import { scopePrefix } from '@shared/auth';
import { HttpError } from '../core/http-errors';
import { decide } from '../auth/policy';
import type { HubMetrics } from '../core/metrics';

export interface MetricsRouteDeps {
  metrics: HubMetrics;
  /** METRICS_TOKEN; undefined: no bearer access. */
  token: string | undefined;
  /** What sets req.auth from the session cookie (ready check, cookie parser, authenticate). */
  session: RequestHandler[];
}

/** Equal in constant time whatever the lengths (both sides hashed first). */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function metricsRoutes(deps: MetricsRouteDeps): Router {
  const router = Router();
  const serve: RequestHandler = async (_req, res) => {
    const body = await deps.metrics.text();
    res.set('Content-Type', deps.metrics.contentType).set('Cache-Control', 'no-store').send(body);
  };
  /** The session handlers, run in order as one (the bearer path skips them). */
  const session: RequestHandler = (req, res, next) => {
    const run = (i: number, err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const h = deps.session[i];
      if (!h) return next();
      try {
        void h(req, res, (e?: unknown) => run(i + 1, e));
      } catch (e) {
        next(e);
      }
    };
    run(0);
  };
  router.get(
    '/metrics',
    (req, res, next) => {
      const header = req.get('authorization');
      if (header === undefined) return session(req, res, next); // a browser: the session decides
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!deps.token || !m || !sameSecret(m[1]!, deps.token)) {
        throw new HttpError(
          401,
          ErrorCode.AuthRequired,
          'the Authorization header does not carry the metrics token (METRICS_TOKEN)',
        );
      }
      res.locals.metricsToken = true;
      next();
    },
    (req, res, next) => {
      if (res.locals.metricsToken === true) return next();
      const ctx = req.auth;
      if (!ctx)
        throw new HttpError(
          401,
          ErrorCode.AuthRequired,
          'sign in as an admin, or send Authorization: Bearer <METRICS_TOKEN>',
        );
      if (ctx.kind !== 'password' || ctx.mfaPending || !decide(ctx.principal, 'admin:manage').allow) {
        throw new HttpError(403, ErrorCode.AuthForbidden, 'the metrics are for admins');
      }
      if (scopePrefix(ctx.principal.scope).length > 4) {
        throw new HttpError(
          403,
          ErrorCode.AuthForbidden,
          `the metrics cover the whole hub; scope ${ctx.principal.scope} is narrower`,
        );
      }
      next();
    },
    serve,
  );
  return router;
}
