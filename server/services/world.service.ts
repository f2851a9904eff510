/**
 * The static world: seeding the demo city on first start, and the summary the screens show.
 * Seeding is one transaction, so a crash or shutdown mid-way leaves no half city behind, and an
 * existing world is never re-generated or overwritten.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/connect';
import type { MetaRepository } from '../repositories/meta.repository';
import { BulkLoadRepository } from '../repositories/bulk-load.repository';
import { WORLD_PARTS, WorldRepository } from '../repositories/world.repository';
import { EventRepository, type NewEvent } from '../repositories/event.repository';
import { UnitRepository } from '../repositories/unit.repository';
import { communityZones, generateResidents, generateSeedAccess, type SeedAccess } from '../demo';
import { streamDemoCity, type DemoPart } from '../demo/thread';
import { systemClock, type Clock } from '../core/clock';
import type { DemoScale, LonLat, SmartCommunity, World } from '@shared/world';
import type { WorldSummary } from '@shared/api';
import { scopePrefix } from '@shared/auth';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';

export interface WorldProvenance {
  scale: DemoScale;
  seed: number;
  seededAt: string;
  /** Bumped when the generator changes shape, so an old database can be told apart. */
  generatorVersion: number;
  /** [minLon, minLat, maxLon, maxLat] of the city. */
  bbox: [number, number, number, number];
}

/**
 * 2: the basemap (water, roads, green), and objects the water would cover moved ashore.
 * 3: residents of the smart communities, and the living-alone ones' last access before the seed.
 * 4: each smart community's compound a `community` watch zone.
 */
export const GENERATOR_VERSION = 4;
const WORLD_KEY = 'world';
/** The tables a new demo city fills, whose secondary indexes and foreign keys are put back after. */
const WORLD_TABLES = [
  'regions',
  'railways',
  'cameras',
  'zones',
  'speakers',
  'smart_communities',
  'gates',
  'residents',
  'facilities',
  'units',
  'basemap_features',
  'events',
];

export class WorldService {
  constructor(
    private readonly repo: WorldRepository,
    private readonly meta: MetaRepository,
    private readonly log: Logger,
    /** The seed time (seededAt, residents' registration, their last access before it) is read from it. */
    private readonly clock: Clock = systemClock,
  ) {}

  /** The provenance of the world in the database, or undefined before the first seed. */
  provenance(): Promise<WorldProvenance | undefined> {
    return this.meta.get<WorldProvenance>(WORLD_KEY);
  }

  /**
   * Generate and store the demo city unless one is there already. Runs under the startup lock
   * (see Database.migrateAndRun), so two hubs never seed the same database.
   */
  /** A region's name; 404 naming the code when there is none. */
  async regionName(code: string): Promise<string> {
    return (await this.regionPlace(code)).name;
  }

  /** A region's name and centre; 404 naming the code when there is none. */
  async regionPlace(code: string): Promise<{ name: string; center: [number, number] }> {
    const place = await this.repo.regionPlace(code);
    if (!place) throw new HttpError(404, ErrorCode.RegionNotFound, `no region with code ${JSON.stringify(code)}`);
    return place;
  }

  /**
   * The city is generated on a worker thread (demo/thread.ts) and inserted in batches of one JSON
   * parameter each, so the event loop stays free for probes and sockets all along; `step` hears
   * what is being done (for /readyz).
   */
  async ensureSeeded(
    db: Db,
    opts: { scale: DemoScale; seed: number },
    signal?: AbortSignal,
    step: (what: string) => void = () => undefined,
  ): Promise<{ seeded: boolean; provenance: WorldProvenance }> {
    const existing = await this.meta.get<WorldProvenance>(WORLD_KEY);
    if (existing) {
      if (existing.scale !== opts.scale || existing.seed !== opts.seed) {
        this.log.warn(
          { stored: { scale: existing.scale, seed: existing.seed }, requested: opts },
          'the database already holds a demo city of another scale or seed; keeping it (use a new DATA_DIR or database for another city)',
        );
      }
      await this.ensureBasemap(db, existing, signal, step);
      await this.ensureResidents(db, existing, signal, step);
      await this.ensureCommunityZones(db, signal, step);
      await this.freeSeededBusyUnits(db);
      return { seeded: false, provenance: existing };
    }
    const t0 = performance.now();
    const seedMs = this.clock.now();
    let generatedMs = 0;
    const provenance = (): WorldProvenance => ({
      scale: opts.scale,
      seed: opts.seed,
      seededAt: new Date(seedMs).toISOString(),
      generatorVersion: GENERATOR_VERSION,
      bbox,
    });
    let bbox: WorldProvenance['bbox'] = [0, 0, 0, 0];
    let grids = 0;
    const totals: Partial<Record<DemoPart, number>> = {};
    const done: Partial<Record<DemoPart, number>> = {};
    step(`generating the demo city (${opts.scale})`);
    await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      const repo = new WorldRepository(txDb);
      const events = new EventRepository(txDb);
      const bulk = new BulkLoadRepository();
      const suspended = await bulk.suspend(WORLD_TABLES, txDb);
      const registeredAt = new Date(seedMs);
      // Generated on a worker and inserted slice by slice: the main thread never holds the whole city.
      await streamDemoCity(
        opts,
        {
          parts: WORLD_PARTS,
          seedMs,
          signal,
          onTotals: (t) => {
            generatedMs = performance.now() - t0;
            Object.assign(totals, t);
          },
        },
        async (part, items) => {
          if (part === 'seedAccess') {
            await events.insertNew(seedAccessRows(items as SeedAccess[], seedMs), txDb);
          } else {
            // Regions come city first: its outline is the world's bounding box.
            if (part === 'regions') {
              for (const r of items as World['regions']) {
                if (r.level === 'city') bbox = bboxOf(r.boundary);
                else if (r.level === 'grid') grids++;
              }
            }
            await repo.insertPart(part, items as World[keyof World], txDb, signal, registeredAt);
          }
          done[part] = (done[part] ?? 0) + items.length;
          step(`inserting the demo city: ${part} ${done[part]} of ${totals[part] ?? '?'}`);
        },
      );
      await bulk.restore(suspended, txDb);
      await this.meta.set(WORLD_KEY, provenance(), txDb);
    });
    this.invalidateSummary();
    this.log.info(
      {
        scale: opts.scale,
        seed: opts.seed,
        generatedMs: Math.round(generatedMs),
        totalMs: Math.round(performance.now() - t0),
        cameras: done.cameras ?? 0,
        grids,
      },
      'demo city seeded',
    );
    return { seeded: true, provenance: provenance() };
  }

  /**
   * A database seeded before the basemap existed has a city but no basemap: generate the city
   * again from its stored scale and seed and insert its basemap alone, in one transaction. The
   * rest of the stored city is left as it is (the generator now also moves objects off the water,
   * so a few of an old city's objects may stand in a river; a new database has none there).
   */
  private async ensureBasemap(
    db: Db,
    world: WorldProvenance,
    signal: AbortSignal | undefined,
    step: (what: string) => void,
  ): Promise<void> {
    if ((await new WorldRepository(db).basemapCount()) > 0) return;
    const t0 = performance.now();
    step('adding the basemap to a demo city seeded without one');
    let features = 0;
    await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      const repo = new WorldRepository(txDb);
      await streamDemoCity(
        { scale: world.scale, seed: world.seed },
        { parts: ['basemap'], signal },
        async (_part, items) => {
          await repo.insertBasemap(items as World['basemap'], txDb, signal);
          features += items.length;
        },
      );
    });
    this.log.info(
      { scale: world.scale, seed: world.seed, features, ms: Math.round(performance.now() - t0) },
      'basemap added to a demo city seeded without one',
    );
  }

  /**
   * A database seeded before residents existed has communities but no residents: they are made
   * from its own stored communities (so they stand in the compounds as stored, whatever generator
   * version drew them; for a current city they are the very residents a fresh seed gives), and
   * registered now, with the living-alone ones' last access 0–60 h before now. One transaction,
   * under the startup lock; a database with residents is left alone.
   */
  private async ensureResidents(
    db: Db,
    world: WorldProvenance,
    signal: AbortSignal | undefined,
    step: (what: string) => void,
  ): Promise<void> {
    const repo = new WorldRepository(db);
    if ((await repo.residentCount()) > 0) return;
    const t0 = performance.now();
    step('adding residents to a demo city seeded without them');
    const gatesOf = new Map<string, SmartCommunity['gates']>();
    for (const g of await repo.gates()) {
      const list = gatesOf.get(g.communityId) ?? [];
      list.push({ id: g.id, name: g.name, kind: g.kind, position: [g.lon, g.lat] });
      gatesOf.set(g.communityId, list);
    }
    const communities: SmartCommunity[] = (await repo.smartCommunities()).map((c) => ({
      id: c.id,
      name: c.name,
      boundary: c.boundary,
      center: [c.centerLon, c.centerLat] as LonLat,
      households: c.households,
      gridCode: c.gridCode,
      gates: gatesOf.get(c.id) ?? [],
    }));
    const opts = { scale: world.scale, seed: world.seed };
    const residents = generateResidents(opts, communities);
    const nowMs = this.clock.now();
    const access = generateSeedAccess(
      opts,
      residents,
      communities.filter((c) => c.gates.length > 0),
      nowMs,
    );
    await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      await new WorldRepository(txDb).insertResidents(residents, new Date(nowMs), txDb, signal);
      await new EventRepository(txDb).insertNew(seedAccessRows(access, nowMs), txDb);
    });
    this.log.info(
      {
        scale: world.scale,
        seed: world.seed,
        residents: residents.length,
        livingAlone: access.length,
        ms: Math.round(performance.now() - t0),
      },
      'residents added to a demo city seeded without them',
    );
  }

  /**
   * A database seeded before community zones existed has compounds but no `community` zone, so
   * the community rules (e-bike in a lift, high-altitude throw, strangers) never fire: each stored
   * compound becomes one, as a fresh seed makes them. A database with any is left alone (an admin
   * may have drawn their own).
   */
  private async ensureCommunityZones(
    db: Db,
    signal: AbortSignal | undefined,
    step: (what: string) => void,
  ): Promise<void> {
    const repo = new WorldRepository(db);
    if ((await repo.zones()).some((z) => z.kind === 'community')) return;
    const zones = communityZones(await repo.smartCommunities());
    if (zones.length === 0) return;
    step('adding community zones to a demo city seeded without them');
    await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      await new WorldRepository(txDb).insertPart('zones', zones, txDb, signal, new Date(this.clock.now()));
    });
    this.invalidateSummary();
    this.log.info({ zones: zones.length }, 'community zones added to a demo city seeded without them');
  }

  /**
   * Demo cities seeded before issue 15 had some units 'busy' on no incident, which nothing ever
   * freed (busy and free follow dispatch now): they go back on duty.
   */
  private async freeSeededBusyUnits(db: Db): Promise<void> {
    const freed = await new UnitRepository(db).freeIdleBusy();
    if (freed.length) this.log.info({ units: freed.length }, 'units seeded busy on no incident are back on duty');
  }

  /** Per scope prefix ('' for the whole city). */
  private readonly summaryCache = new Map<string, Promise<WorldSummary>>();

  /**
   * The summary every screen asks for on load, as a principal with region scope `scope` may see
   * it (counts inside the scope's subtree; the districts inside it). Computed once per scope and
   * kept: counting 130k cameras takes ~0.2 s on embedded PGlite, which runs on the hub's event
   * loop and would hold up every other request of a page load. Whatever changes the counted rows
   * calls invalidateSummary().
   */
  summary(scope?: string): Promise<WorldSummary> {
    const prefix = scope === undefined ? '' : scopePrefix(scope);
    const key = prefix.length > 4 ? prefix : '';
    let p = this.summaryCache.get(key);
    if (!p) {
      const made = this.computeSummary(key);
      this.summaryCache.set(key, made);
      made.catch(() => {
        if (this.summaryCache.get(key) === made) this.summaryCache.delete(key);
      });
      p = made;
    }
    return p;
  }

  invalidateSummary(): void {
    this.summaryCache.clear();
  }

  private async computeSummary(prefix: string): Promise<WorldSummary> {
    const [provenance, city, regionCounts, counts, allDistricts, scopeBoundary] = await Promise.all([
      this.provenance(),
      this.repo.city(),
      this.repo.regionCounts(prefix),
      this.repo.tableCounts(prefix),
      this.repo.districtSummaries(),
      prefix ? this.repo.regionBoundary(prefix) : Promise.resolve(undefined),
    ]);
    const districts = prefix ? allDistricts.filter((d) => d.code.startsWith(prefix)) : allDistricts;
    // A scoped screen frames its own region, not the whole city.
    const bbox = scopeBoundary ? bboxOf(scopeBoundary) : (provenance?.bbox ?? [0, 0, 0, 0]);
    return {
      city: { code: city?.code ?? '', name: city?.name ?? '', center: [city?.centerLon ?? 0, city?.centerLat ?? 0] },
      bbox,
      scale: provenance?.scale ?? null,
      seed: provenance?.seed ?? null,
      seededAt: provenance?.seededAt ?? null,
      counts: { regions: regionCounts, ...counts },
      districts,
    };
  }
}

/** The living-alone residents' last access before the seed, as stored events (face_access at a gate of their compound). */
function seedAccessRows(access: readonly SeedAccess[], seedMs: number): NewEvent[] {
  return access.map((a) => ({
    source: 'access',
    id: a.id,
    type: 'face_access',
    at: new Date(a.at),
    receivedAt: new Date(seedMs),
    deviceId: a.gateId,
    lon: a.position[0],
    lat: a.position[1],
    gridCode: a.gridCode,
    attributes: { residentId: a.residentId, direction: 'in', match: 'resident', seed: true },
  }));
}

function bboxOf(mp: number[][][][]): [number, number, number, number] {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const poly of mp)
    for (const ring of poly)
      for (const p of ring) {
        const x = p[0] ?? 0,
          y = p[1] ?? 0;
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
  return [minX, minY, maxX, maxY];
}
