/**
 * What the incident services ask of the rest of the hub, as small interfaces the composition root
 * fills in: where a point lies and what is near it (the ingest grid index, the alarm camera index,
 * the regions), and a database transaction. Also what an id of ours looks like.
 */
import type { Db } from '@server/db/connect';
import type { LonLat } from '@shared/world';

export interface Locator {
  /** The grid of a point, or null outside the city. */
  locate(p: LonLat): Promise<string | null>;
  /** The nearest cameras of a point. */
  cameras(p: LonLat, count: number): Promise<string[]>;
  /** A region's centre (a QR code's place when the citizen gives none), or null. */
  regionCenter(code: string): Promise<LonLat | null>;
}

/** Run `fn` in one transaction (committed when it resolves). */
export type Transact = <T>(fn: (tx: Db) => Promise<T>) => Promise<T>;

/** Incident and alarm ids are UUIDs; anything else is no id of ours (a 404 without a query). */
export const isId = (s: string): boolean => /^[0-9a-f-]{36}$/i.test(s);
