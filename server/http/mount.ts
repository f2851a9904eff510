/**
 * A place in the Express app that exists from the first second and answers 503
 * `service/not-ready` until the hub is ready; then its handlers are attached, once. The API, the
 * demo video streams and the /metrics session path are mounted this way by createApp (server/app.ts),
 * so /healthz and /readyz answer while the database opens and seeds, and no route reaches a
 * service before it exists.
 */
import { Router, type RequestHandler } from 'express';
import { ErrorCode } from '@shared/errors';
import { HttpError } from '../core/http-errors';

export class MountPoint {
  /** What the app mounts (a router: the route walk of the access matrix sees inside it). */
  readonly router = Router();
  private open = false;

  constructor() {
    this.router.use((_req, _res, next) => {
      next(
        this.open
          ? undefined
          : new HttpError(503, ErrorCode.ServiceNotReady, 'the hub is still starting (see /readyz)'),
      );
    });
  }

  /** The hub is ready: these handlers serve from now on. */
  attach(...handlers: RequestHandler[]): void {
    if (this.open) throw new Error('mount point attached twice');
    if (handlers.length) this.router.use(...handlers);
    this.open = true;
  }
}
