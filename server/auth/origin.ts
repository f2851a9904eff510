/** Which browser origins may write and open sockets: the HTTP guard and the socket handshake ask the same rule. */
import type { AuthSettings } from '../core/config';

/** The origins a browser may send state-changing requests and open sockets from. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  settings: AuthSettings,
  secure: boolean,
): boolean {
  if (origin === undefined) return true; // not a browser's cross-site request (curl, devices, same-origin GET)
  if (settings.allowedOrigins.includes(origin)) return true;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}` || (secure && origin === `https://${host}`);
}
