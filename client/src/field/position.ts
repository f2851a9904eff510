/**
 * When a phone sends its position (positionBody): at most every POSITION_INTERVAL_MS; a new fix
 * as soon as the interval allows, and when standing still (no new fix) the same fix again once
 * the interval has passed, so the hub keeps the unit live. Pure.
 */
import type { PositionBody } from '@shared/incidents';
import type { Fix } from '../report/geo';

export const POSITION_INTERVAL_MS = 10_000;

/** Whether to send `fix` now, given when the last one was sent (ms; null: never). */
export function shouldSend(
  fix: Fix | null,
  lastSentAt: number | null,
  now: number,
  intervalMs = POSITION_INTERVAL_MS,
): boolean {
  if (!fix) return false;
  return lastSentAt === null || now - lastSentAt >= intervalMs;
}

export function positionBodyOf(fix: Fix): PositionBody {
  return {
    lon: fix.lon,
    lat: fix.lat,
    accuracy: Math.min(100_000, Math.round(fix.accuracy)),
    at: new Date(fix.at).toISOString(),
  };
}
