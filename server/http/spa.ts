/**
 * The built client (npm run build) as static files, with the history-API fallback for the SPA's
 * page routes: index.html is never cached (a new build is picked up at once), the hashed assets for
 * an hour. Only page routes fall back to the app: a missing file is a plain 404.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import express, { type Response, type Router } from 'express';

export function clientApp(dir: string): Router {
  const staticDir = resolve(dir);
  const router = express.Router();
  router.use(express.static(staticDir, { index: false, maxAge: '1h', setHeaders: noCacheForIndex }));
  // Only page routes fall back to the app: a missing file (a stream segment, a script) is a 404,
  // so a video player or a script loader sees the real error rather than index.html.
  router.get(/^\/(?!api\/|socket\.io\/|streams\/|assets\/)(?!.*\.[a-z0-9]{1,6}$).*$/i, (_req, res) => {
    const index = resolve(staticDir, 'index.html');
    if (existsSync(index)) res.set('Cache-Control', 'no-cache').sendFile(index);
    else
      res
        .status(503)
        .type('text/plain')
        .send('The client is not built: run `npm run build` (npm start does it for you).\n');
  });
  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD')
      res.status(404).type('text/plain').send(`not found: ${req.path}\n`);
    else next();
  });
  return router;
}

function noCacheForIndex(res: Response, path: string): void {
  if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}
