/**
 * Tracking codes as people type them: any case, with or without the dashes, spaces from reading
 * it aloud, and the letters Crockford base32 reads as digits (I and L as 1, O as 0). Pure.
 */
import { TRACKING_CODE } from '@shared/incidents';

const SEPARATORS = /[\s\-\u2010-\u2015_.]/g;

/** The canonical form ('7K3M-9QPR-2D4X'), or null when it cannot be a tracking code. */
export function normalizeTrackingCode(input: string): string | null {
  const raw = input.toUpperCase().replace(SEPARATORS, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (raw.length !== 12) return null;
  const code = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  return TRACKING_CODE.test(code) ? code : null;
}

/** The status page of a code. */
export function trackingPath(code: string): string {
  return `/report/${encodeURIComponent(code)}`;
}
