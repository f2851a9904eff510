/**
 * The static world's tables: bulk insert of a generated city, counts, and whole-table reads
 * for the layer encoder. SQL lives here and nowhere else.
 */
import { and, count, eq, getTableColumns, gt, inArray, like, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Db } from '../db/connect';
import { departmentOf } from '@shared/incident-categories';
import {
  basemapFeatures,
  cameras,
  facilities,
  gates,
  railways,
  regions,
  residents,
  smartCommunities,
  speakers,
  units,
  zones,
} from '../db/schema';
import {
  REGION_LEVELS,
  type LonLat,
  type MultiPolygon,
  type RegionLevel,
  type Resident,
  type World,
} from '@shared/world';

/** The parts of a World in the order they are inserted: what a row refers to comes first. */
export const WORLD_PARTS = [
  'regions',
  'railways',
  'cameras',
  'zones',
  'speakers',
  'smartCommunities',
  'facilities',
  'units',
  'residents',
  'basemap',
] as const satisfies readonly (keyof World)[];
export type WorldPart = (typeof WORLD_PARTS)[number];

/** Rows per INSERT (one JSON parameter): a few ms of JSON.stringify on the main thread each. */
const BATCH = 2_000;
/** Rows per page when reading a big table: Drizzle maps a page's rows on the main thread in one go (~20–50 ms for 2,500 cameras). */
const READ_PAGE = 2_500;

export class WorldRepository {
  constructor(private readonly db: Db) {}

  /**
   * Insert a whole generated world in one transaction: either all of it is there or none.
   * `signal` lets a shutdown abandon the seed (the transaction rolls back).
   */
  async insertWorld(world: World, tx: Db, signal?: AbortSignal, registeredAt: Date = new Date()): Promise<void> {
    const byLevel = [...world.regions].sort((a, b) => REGION_LEVELS.indexOf(a.level) - REGION_LEVELS.indexOf(b.level));
    for (const part of WORLD_PARTS)
      await this.insertPart(part, part === 'regions' ? byLevel : world[part], tx, signal, registeredAt);
  }

  /**
   * One part of a world, or a slice of one, so a seed can stream the city in (WORLD_PARTS gives
   * the order parents come before children; regions must come by level, city first). A smart
   * community's gates go in with it.
   */
  async insertPart<K extends WorldPart>(
    part: K,
    items: World[K],
    tx: Db,
    signal?: AbortSignal,
    registeredAt: Date = new Date(),
  ): Promise<void> {
    const list = items;
    switch (part) {
      case 'regions':
        return insertBatched(
          tx,
          regions,
          (list as World['regions']).map((r) => ({
            code: r.code,
            parentCode: r.parentCode,
            level: r.level,
            name: r.name,
            boundary: r.boundary,
            centerLon: r.center[0],
            centerLat: r.center[1],
          })),
          signal,
        );
      case 'railways':
        return insertBatched(tx, railways, list as World['railways'], signal);
      case 'cameras':
        return insertBatched(
          tx,
          cameras,
          (list as World['cameras']).map((c) => ({
            id: c.id,
            name: c.name,
            kind: c.kind,
            status: c.status,
            lon: c.position[0],
            lat: c.position[1],
            heading: c.heading,
            fov: c.fov,
            rangeM: c.rangeM,
            streamUrl: c.streamUrl,
            gridCode: c.gridCode,
          })),
          signal,
        );
      case 'zones':
        return insertBatched(tx, zones, list as World['zones'], signal);
      case 'speakers':
        return insertBatched(tx, speakers, (list as World['speakers']).map(located), signal);
      case 'smartCommunities': {
        const sc = list as World['smartCommunities'];
        await insertBatched(tx, smartCommunities, sc.map(centered), signal);
        return insertBatched(
          tx,
          gates,
          sc.flatMap((c) => c.gates.map((g) => ({ ...located(g), communityId: c.id }))),
          signal,
        );
      }
      case 'facilities':
        return insertBatched(tx, facilities, (list as World['facilities']).map(located), signal);
      case 'units':
        return insertBatched(
          tx,
          units,
          (list as World['units']).map((u) => ({
            ...located(u),
            department: u.kind === 'department' ? departmentOf(u.callsign) : null,
          })),
          signal,
        );
      case 'residents':
        return this.insertResidents(list as World['residents'], registeredAt, tx, signal);
      case 'basemap':
        return this.insertBasemap(list as World['basemap'], tx, signal);
    }
  }

  /** Residents, registered at `registeredAt` (a database seeded before residents existed gets them on its next start). */
  async insertResidents(
    list: readonly Resident[],
    registeredAt: Date,
    tx: Db = this.db,
    signal?: AbortSignal,
  ): Promise<void> {
    await insertBatched(
      tx,
      residents,
      list.map((r) => ({
        id: r.id,
        communityId: r.communityId,
        gridCode: r.gridCode,
        name: r.name,
        livingAlone: r.livingAlone,
        lon: r.position[0],
        lat: r.position[1],
        registeredAt,
      })),
      signal,
    );
  }

  async residentCount(): Promise<number> {
    return (await this.db.select({ n: count() }).from(residents))[0]?.n ?? 0;
  }

  /** The basemap alone (a database seeded before the basemap existed gets it on its next start). */
  async insertBasemap(features: World['basemap'], tx: Db = this.db, signal?: AbortSignal): Promise<void> {
    await insertBatched(tx, basemapFeatures, features, signal);
  }

  async basemapCount(): Promise<number> {
    return (await this.db.select({ n: count() }).from(basemapFeatures))[0]?.n ?? 0;
  }

  basemap() {
    return this.db.select().from(basemapFeatures).orderBy(basemapFeatures.kind, basemapFeatures.id);
  }

  /** Counts within a region prefix (a scope's subtree; '' for the whole world). */
  async regionCounts(prefix = ''): Promise<Record<RegionLevel, number>> {
    const rows = await this.db
      .select({ level: regions.level, n: count() })
      .from(regions)
      .where(prefix ? like(regions.code, `${prefix}%`) : undefined)
      .groupBy(regions.level);
    const out = Object.fromEntries(REGION_LEVELS.map((l) => [l, 0])) as Record<RegionLevel, number>;
    for (const r of rows) out[r.level] = r.n;
    return out;
  }

  /** Table counts within a region prefix ('' for all); railways cross the city and are all counted. */
  async tableCounts(prefix = ''): Promise<{
    cameras: number;
    camerasOnline: number;
    zones: number;
    railways: number;
    speakers: number;
    smartCommunities: number;
    facilities: number;
    units: number;
  }> {
    const one = async (q: Promise<{ n: number }[]>): Promise<number> => (await q)[0]?.n ?? 0;
    const within = (col: AnyPgColumn) => (prefix ? like(col, `${prefix}%`) : undefined);
    const [cam, camOn, zon, rail, spk, sc, fac, uni] = await Promise.all([
      one(this.db.select({ n: count() }).from(cameras).where(within(cameras.gridCode))),
      one(
        this.db
          .select({ n: count() })
          .from(cameras)
          .where(and(eq(cameras.status, 'online'), within(cameras.gridCode))),
      ),
      one(this.db.select({ n: count() }).from(zones).where(within(zones.gridCode))),
      one(this.db.select({ n: count() }).from(railways)),
      one(this.db.select({ n: count() }).from(speakers).where(within(speakers.gridCode))),
      one(this.db.select({ n: count() }).from(smartCommunities).where(within(smartCommunities.gridCode))),
      one(this.db.select({ n: count() }).from(facilities).where(within(facilities.gridCode))),
      one(this.db.select({ n: count() }).from(units).where(within(units.homeRegionCode))),
    ]);
    return {
      cameras: cam,
      camerasOnline: camOn,
      zones: zon,
      railways: rail,
      speakers: spk,
      smartCommunities: sc,
      facilities: fac,
      units: uni,
    };
  }

  /** Per district: grids and cameras (online and all), by the district prefix of the grid code. */
  async districtSummaries(): Promise<
    { code: string; name: string; grids: number; cameras: number; camerasOnline: number }[]
  > {
    const rows = await queryRows<{
      code: string;
      name: string;
      grids: number;
      cameras: number;
      cameras_online: number;
    }>(
      this.db,
      sql`
      with d as (select code, name from regions where level = 'district'),
      g as (select left(code, 6) as d, count(*)::int as n from regions where level = 'grid' group by 1),
      c as (select left(grid_code, 6) as d, count(*)::int as n,
                   (count(*) filter (where status = 'online'))::int as online
              from cameras group by 1)
      select d.code, d.name, coalesce(g.n, 0) as grids, coalesce(c.n, 0) as cameras, coalesce(c.online, 0) as cameras_online
        from d left join g on g.d = d.code left join c on c.d = d.code
       order by d.code`,
    );
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      grids: Number(r.grids),
      cameras: Number(r.cameras),
      camerasOnline: Number(r.cameras_online),
    }));
  }

  async regionName(code: string): Promise<string | undefined> {
    return (await this.db.select({ name: regions.name }).from(regions).where(eq(regions.code, code)))[0]?.name;
  }

  async regionPlace(code: string): Promise<{ name: string; center: [number, number] } | undefined> {
    const r = (
      await this.db
        .select({ name: regions.name, lon: regions.centerLon, lat: regions.centerLat })
        .from(regions)
        .where(eq(regions.code, code))
    )[0];
    return r ? { name: r.name, center: [r.lon, r.lat] } : undefined;
  }

  async regionBoundary(code: string): Promise<MultiPolygon | undefined> {
    const rows = await this.db.select({ boundary: regions.boundary }).from(regions).where(eq(regions.code, code));
    return rows[0]?.boundary;
  }

  async city(): Promise<{ code: string; name: string; centerLon: number; centerLat: number } | undefined> {
    const rows = await this.db
      .select({ code: regions.code, name: regions.name, centerLon: regions.centerLon, centerLat: regions.centerLat })
      .from(regions)
      .where(eq(regions.level, 'city'));
    return rows[0];
  }

  regionsAt(level: RegionLevel) {
    return this.db.select().from(regions).where(eq(regions.level, level)).orderBy(regions.code);
  }
  /**
   * All cameras, read in keyset pages: on PGlite one 130k-row query would hold this thread (and
   * every socket and probe) for seconds; pages let I/O through between them. Callers while a read
   * is under way share it (at start-up the ingest and alarm indexes both want every camera at
   * once); the rows are theirs to read, not to change.
   */
  cameras(): Promise<(typeof cameras.$inferSelect)[]> {
    const p = (this.camerasRead ??= this.readCameras());
    void p
      .finally(() => {
        if (this.camerasRead === p) this.camerasRead = undefined;
      })
      .catch(() => undefined);
    return p;
  }
  private camerasRead: Promise<(typeof cameras.$inferSelect)[]> | undefined;

  private async readCameras(): Promise<(typeof cameras.$inferSelect)[]> {
    const out: (typeof cameras.$inferSelect)[] = [];
    let after = '';
    for (;;) {
      const page = await this.db
        .select()
        .from(cameras)
        .where(gt(cameras.id, after))
        .orderBy(cameras.id)
        .limit(READ_PAGE);
      for (const row of page) out.push(row);
      const last = page[page.length - 1];
      if (!last || page.length < READ_PAGE) return out;
      after = last.id;
      await yieldToIo();
    }
  }
  /** Cameras' grids by id (scoping a list of camera ids). */
  cameraGrids(ids: readonly string[]): Promise<{ id: string; gridCode: string }[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .select({ id: cameras.id, gridCode: cameras.gridCode })
      .from(cameras)
      .where(inArray(cameras.id, [...ids]));
  }
  zones() {
    return this.db.select().from(zones).orderBy(zones.id);
  }
  /** Which of these zone ids exist (a rule naming zones). */
  /** Which of these camera ids exist. */
  async cameraIdsIn(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .select({ id: cameras.id })
      .from(cameras)
      .where(inArray(cameras.id, [...ids]));
    return new Set(rows.map((r) => r.id));
  }

  async zoneIdsIn(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .select({ id: zones.id })
      .from(zones)
      .where(inArray(zones.id, [...ids]));
    return new Set(rows.map((r) => r.id));
  }
  railways() {
    return this.db.select().from(railways).orderBy(railways.id);
  }
  speakers() {
    return this.db.select().from(speakers).orderBy(speakers.railwayId, speakers.chainageM);
  }
  smartCommunities() {
    return this.db.select().from(smartCommunities).orderBy(smartCommunities.id);
  }
  gates() {
    return this.db.select().from(gates).orderBy(gates.id);
  }
  facilities() {
    return this.db.select().from(facilities).orderBy(facilities.id);
  }
  units() {
    return this.db.select().from(units).orderBy(units.id);
  }
  /** Residents without their names (the simulator names them by id). */
  residents() {
    return this.db
      .select({ id: residents.id, communityId: residents.communityId, livingAlone: residents.livingAlone })
      .from(residents)
      .orderBy(residents.id);
  }
}

/**
 * A world item as its table's row: its own fields by name (insertBatched takes the table's columns
 * only, so `gates` or any other field of the item that is no column stays out) and its `position`
 * as `lon`, `lat`.
 */
function located<T extends { position: LonLat }>({
  position,
  ...rest
}: T): Omit<T, 'position'> & { lon: number; lat: number } {
  return { ...rest, lon: position[0], lat: position[1] };
}

/** As located, for an item with a `center` (`centerLon`, `centerLat`). */
function centered<T extends { center: LonLat }>({
  center,
  ...rest
}: T): Omit<T, 'center'> & { centerLon: number; centerLat: number } {
  return { ...rest, centerLon: center[0], centerLat: center[1] };
}

/**
 * Each batch is ONE JSON parameter expanded by jsonb_to_recordset (as events are inserted):
 * Drizzle's multi-row VALUES builder costs 0.1–0.2 ms a row on the hub's main thread (a 2,000-camera
 * batch held the event loop 200–450 ms at start-up); JSON.stringify of the batch takes a few ms and
 * the expansion runs in the database. Only the columns the rows name are inserted (others keep their
 * defaults); values go through JSON, which is all the world tables hold (text, numbers, booleans,
 * jsonb, timestamps as ISO text).
 */
async function insertBatched<T extends PgTable>(
  tx: Db,
  table: T,
  rows: T['$inferInsert'][],
  signal?: AbortSignal,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
  const named = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (k in columns) named.add(k);
  const keys = [...named];
  const names = keys.map((k) => columns[k]!.name);
  const target = sql.raw(names.map((n) => `"${n}"`).join(', '));
  const recordType = sql.raw(keys.map((k, j) => `"${names[j]}" ${columns[k]!.getSQLType()}`).join(', '));
  for (let i = 0; i < rows.length; i += BATCH) {
    signal?.throwIfAborted();
    const json = JSON.stringify(
      rows.slice(i, i + BATCH).map((r) => {
        const o: Record<string, unknown> = {};
        keys.forEach((k, j) => (o[names[j]!] = (r as Record<string, unknown>)[k]));
        return o;
      }),
    );
    await tx.execute(
      sql`insert into ${table} (${target}) select ${target} from jsonb_to_recordset(${json}::jsonb) as x(${recordType})`,
    );
    await yieldToIo();
  }
}

/** Let pending I/O (probes, sockets) through between big statements. */
function yieldToIo(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
