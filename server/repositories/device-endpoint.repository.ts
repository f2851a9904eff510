/** Device endpoints (issue 18): the registry and its counters. SQL only. */
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { deviceEndpoints } from '../db/schema';

export type DeviceEndpointRow = typeof deviceEndpoints.$inferSelect;
export type NewDeviceEndpoint = typeof deviceEndpoints.$inferInsert;

/** What one hub counted of one endpoint since its last flush. */
export interface DeviceCounts {
  id: string;
  eventsIn: number;
  folded: number;
  rejected: number;
  deadLettered: number;
  lastSeenAt: Date | null;
}

export class DeviceEndpointRepository {
  constructor(private readonly db: Db) {}

  async all(): Promise<DeviceEndpointRow[]> {
    return this.db.select().from(deviceEndpoints).orderBy(asc(deviceEndpoints.name), asc(deviceEndpoints.id));
  }

  async byId(id: string): Promise<DeviceEndpointRow | undefined> {
    return (await this.db.select().from(deviceEndpoints).where(eq(deviceEndpoints.id, id)))[0];
  }

  async insert(row: NewDeviceEndpoint): Promise<DeviceEndpointRow> {
    return (await this.db.insert(deviceEndpoints).values(row).returning())[0]!;
  }

  async update(
    id: string,
    set: Omit<Partial<NewDeviceEndpoint>, 'id' | 'createdAt' | 'createdBy'>,
  ): Promise<DeviceEndpointRow | undefined> {
    return (await this.db.update(deviceEndpoints).set(set).where(eq(deviceEndpoints.id, id)).returning())[0];
  }

  async remove(id: string): Promise<boolean> {
    return (
      (await this.db.delete(deviceEndpoints).where(eq(deviceEndpoints.id, id)).returning({ id: deviceEndpoints.id }))
        .length > 0
    );
  }

  /** Add counts (every hub adds its own); last seen only moves forward. One statement for all. */
  async addCounts(counts: readonly DeviceCounts[]): Promise<void> {
    if (counts.length === 0) return;
    const rows = JSON.stringify(
      counts.map((c) => ({
        id: c.id,
        events_in: c.eventsIn,
        folded: c.folded,
        rejected: c.rejected,
        dead_lettered: c.deadLettered,
        last_seen_at: c.lastSeenAt?.toISOString() ?? null,
      })),
    );
    await this.db.execute(sql`
      update device_endpoints d set
        events_in = d.events_in + c.events_in,
        folded = d.folded + c.folded,
        rejected = d.rejected + c.rejected,
        dead_lettered = d.dead_lettered + c.dead_lettered,
        last_seen_at = greatest(d.last_seen_at, c.last_seen_at)
      from jsonb_to_recordset(${rows}::jsonb) as c(
        id text, events_in bigint, folded bigint, rejected bigint, dead_lettered bigint, last_seen_at timestamptz)
      where d.id = c.id`);
  }
}
