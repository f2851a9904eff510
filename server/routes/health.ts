/** Liveness and readiness probes (for load balancers, systemd, and the screens). */
import { Router } from 'express';
import type { ReadinessState } from '../core/readiness';

export function healthRoutes(readiness: ReadinessState): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  r.get('/readyz', (_req, res) => {
    const snap = readiness.snapshot();
    res
      .set('Cache-Control', 'no-store')
      .status(snap.ready ? 200 : 503)
      .json(snap);
  });
  return r;
}
