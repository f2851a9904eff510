/**
 * Where things lie: the city's grid index and the devices the hub knows (cameras, facilities'
 * alarm buttons, loudspeakers, community gates), built once from the database on first use; a
 * region's centre; the nearest cameras (the alarm service's index). Ingest places every event with
 * it, the incident services locate forms, citizens' reports and QR codes with it: it is made
 * before both, so neither reaches the other for a place.
 */
import type { Logger } from 'pino';
import type { WorldRepository } from '../repositories/world.repository';
import type { AlarmService } from './alarm.service';
import type { Locator } from './incidents/ports';
import { createGridLocator, type GridLocator } from '../demo/locate';
import type { LonLat } from '@shared/world';

export interface Device {
  position: LonLat;
  gridCode: string;
}

/** Where events can be placed: the grid index and the devices the hub knows. */
export interface Places {
  grids: GridLocator;
  devices: Map<string, Device>;
}

type WorldPlaces = Pick<
  WorldRepository,
  'regionsAt' | 'cameras' | 'facilities' | 'speakers' | 'smartCommunities' | 'gates' | 'regionPlace'
>;

export class LocatorService implements Locator {
  private places: Promise<Places> | null = null;

  constructor(
    private readonly world: WorldPlaces,
    private readonly alarms: Pick<AlarmService, 'nearestCameras'>,
    private readonly log: Logger,
  ) {}

  /** The grid index and the device table (built on first use; a build that failed is tried again). */
  index(): Promise<Places> {
    const p = (this.places ??= this.build());
    p.catch(() => {
      if (this.places === p) this.places = null;
    });
    return p;
  }

  /** The grid of a point (null outside the city). */
  async locate(p: LonLat): Promise<string | null> {
    return (await this.index()).grids.locate(p) ?? null;
  }

  /** A region's centre (a QR code's place when the citizen gives none), or null. */
  async regionCenter(code: string): Promise<LonLat | null> {
    return (await this.world.regionPlace(code))?.center ?? null;
  }

  /** The `count` nearest cameras of a point. */
  cameras(p: LonLat, count: number): Promise<string[]> {
    return this.alarms.nearestCameras(p, count);
  }

  private async build(): Promise<Places> {
    const t0 = performance.now();
    // Every camera is asked for first, in the same tick as the alarm index asks (the start-up
    // warm-up builds both at once), so the two share one read of 130k rows (WorldRepository.cameras).
    const [cameraRows, gridRows] = await Promise.all([this.world.cameras(), this.world.regionsAt('grid')]);
    const grids = createGridLocator(
      gridRows.map((r) => ({
        code: r.code,
        parentCode: r.parentCode,
        level: r.level,
        name: r.name,
        boundary: r.boundary,
        center: [r.centerLon, r.centerLat] as LonLat,
      })),
    );
    const devices = new Map<string, Device>();
    for (const c of cameraRows) devices.set(c.id, { position: [c.lon, c.lat], gridCode: c.gridCode });
    for (const f of await this.world.facilities())
      devices.set(f.id, { position: [f.lon, f.lat], gridCode: f.gridCode });
    for (const s of await this.world.speakers()) devices.set(s.id, { position: [s.lon, s.lat], gridCode: s.gridCode });
    const communityGrid = new Map((await this.world.smartCommunities()).map((c) => [c.id, c.gridCode]));
    for (const g of await this.world.gates()) {
      const gridCode = communityGrid.get(g.communityId) ?? grids.locate([g.lon, g.lat]);
      if (gridCode) devices.set(g.id, { position: [g.lon, g.lat], gridCode });
    }
    this.log.info(
      { grids: grids.size, devices: devices.size, ms: Math.round(performance.now() - t0) },
      'ingest: grid index and device table built',
    );
    return { grids, devices };
  }
}
