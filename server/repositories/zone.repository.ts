/**
 * The zones (alarm rules' areas) found by name or id for the rule editor (issue 15): a search over
 * the `zones` table, which the demo city's seed fills (world.repository.ts writes it). SQL only.
 */
import { and, asc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { zones } from '../db/schema';
import type { ZoneKind, ZoneShape } from '@shared/world';

export interface ZoneFilter {
  /** Part of the name or id, case-insensitive. */
  text?: string;
  kind?: ZoneKind;
  ids?: readonly string[];
  limit: number;
}

export class ZoneRepository {
  constructor(private readonly db: Db) {}

  /** Zones matching every filter given, by name then id. */
  async search(f: ZoneFilter): Promise<{ id: string; name: string; kind: ZoneKind; gridCode: string }[]> {
    if (f.ids?.length === 0) return [];
    const where: SQL[] = [];
    if (f.text) {
      const p = `%${escapeLike(f.text)}%`;
      where.push(or(ilike(zones.name, p), ilike(zones.id, p))!);
    }
    if (f.kind) where.push(eq(zones.kind, f.kind));
    if (f.ids) where.push(inArray(zones.id, [...f.ids]));
    return this.db
      .select({ id: zones.id, name: zones.name, kind: zones.kind, gridCode: zones.gridCode })
      .from(zones)
      .where(and(...where))
      .orderBy(asc(zones.name), asc(zones.id))
      .limit(f.limit);
  }

  /** One zone's shape (an alarm's CAP area, issue 18); undefined when there is no such zone. */
  async shape(id: string): Promise<ZoneShape | undefined> {
    return (await this.db.select({ shape: zones.shape }).from(zones).where(eq(zones.id, id)))[0]?.shape;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
