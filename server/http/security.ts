/**
 * The hub's security headers (helmet): a Content-Security-Policy that lets in the built client, the
 * blob: worker MapLibre runs and a MAP_STYLE_URL on another server, and nothing else; no HSTS.
 */
import helmet from 'helmet';
import type { Config } from '../core/config';

export function securityHeaders(config: Pick<Config, 'mapStyleUrl'>): ReturnType<typeof helmet> {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        // No inline script and no eval: the built app loads only its own files.
        scriptSrc: ["'self'"],
        // MapLibre runs its worker from a blob: URL and draws images from blob:/data:.
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        imgSrc: ["'self'", 'data:', 'blob:', ...mapStyleOrigin(config)],
        // Naive UI writes its component styles into <style> elements at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // A MAP_STYLE_URL on another server: the browser fetches the style and its tiles there.
        connectSrc: ["'self'", 'ws:', 'wss:', ...mapStyleOrigin(config)],
        mediaSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        // Intranet deployments often run plain HTTP: no forced upgrade.
        upgradeInsecureRequests: null,
      },
    },
    // Intranet deployments often run plain HTTP: no HSTS upgrade by default.
    strictTransportSecurity: false,
  });
}

/** The origin of an absolute MAP_STYLE_URL, for the CSP (a path on the hub needs nothing). */
function mapStyleOrigin(config: Pick<Config, 'mapStyleUrl'>): string[] {
  return config.mapStyleUrl && /^https?:\/\//.test(config.mapStyleUrl) ? [new URL(config.mapStyleUrl).origin] : [];
}
