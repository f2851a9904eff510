/**
 * The demo city at small scale: every invariant checked exhaustively (all objects, brute-force
 * point-in-polygon against every grid). The full scale is checked in demo-city-full.test.ts.
 *
 * Geometry helpers here are written independently of server/demo so the tests do not trust the
 * code they test.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGridLocator, DEMO_STREAM_URL, generateDemoCity } from '@server/demo';
import { DEMO_BROKEN_STREAM_URL, DEMO_STREAM_URLS } from '@server/demo/cameras';
import {
  camera,
  facility,
  railway,
  region,
  REGION_CODE_LENGTH,
  REGION_LEVELS,
  smartCommunity,
  speaker,
  unit,
  zone,
  type LonLat,
  type Region,
  type World,
} from '@shared/world';
import {
  ringArea,
  mpArea,
  inMulti,
  strictlyInsideConvex,
  edges,
  unionBoundary,
  distM,
  lineLength,
  along,
  distToLine,
  lcg,
} from './support/geometry';

// ---------- fixtures ----------

const world: World = generateDemoCity({ scale: 'small', seed: 1 });
const byLevel = (level: (typeof REGION_LEVELS)[number]) => world.regions.filter((r) => r.level === level);
const grids = byLevel('grid');
const city = byLevel('city')[0]!;
const regionByCode = new Map(world.regions.map((r) => [r.code, r]));
const childrenOf = new Map<string, Region[]>();
for (const r of world.regions) {
  if (r.parentCode) childrenOf.set(r.parentCode, [...(childrenOf.get(r.parentCode) ?? []), r]);
}
/** All grids containing p, by brute force over every grid. */
const gridsContaining = (p: LonLat) => grids.filter((g) => inMulti(p, g.boundary)).map((g) => g.code);
const gridRing = (code: string) => regionByCode.get(code)!.boundary[0]![0]!;

describe('demo city (small): contract', () => {
  it('every object passes the shared zod schemas', () => {
    expect(() => z.array(region).parse(world.regions)).not.toThrow();
    expect(() => z.array(camera).parse(world.cameras)).not.toThrow();
    expect(() => z.array(zone).parse(world.zones)).not.toThrow();
    expect(() => z.array(railway).parse(world.railways)).not.toThrow();
    expect(() => z.array(speaker).parse(world.speakers)).not.toThrow();
    expect(() => z.array(smartCommunity).parse(world.smartCommunities)).not.toThrow();
    expect(() => z.array(facility).parse(world.facilities)).not.toThrow();
    expect(() => z.array(unit).parse(world.units)).not.toThrow();
  });

  it('has the small-scale counts', () => {
    expect(byLevel('city')).toHaveLength(1);
    expect(byLevel('district').length).toBeGreaterThanOrEqual(2);
    expect(byLevel('district').length).toBeLessThanOrEqual(3);
    expect(byLevel('street').length).toBeGreaterThanOrEqual(6);
    expect(byLevel('street').length).toBeLessThanOrEqual(10);
    expect(byLevel('community').length).toBeGreaterThanOrEqual(30);
    expect(byLevel('community').length).toBeLessThanOrEqual(50);
    expect(grids.length).toBeGreaterThanOrEqual(170);
    expect(grids.length).toBeLessThanOrEqual(230);
    expect(world.cameras.length).toBeGreaterThanOrEqual(1_800);
    expect(world.cameras.length).toBeLessThanOrEqual(2_300);
    const circles = world.zones.filter((z) => z.kind === 'key_person' || z.kind === 'landmark');
    expect(circles.length).toBeGreaterThanOrEqual(30);
    expect(circles.length).toBeLessThanOrEqual(50);
    expect(world.railways).toHaveLength(1);
    expect(world.zones.filter((z) => z.kind === 'railway').length).toBeGreaterThanOrEqual(2);
    expect(world.speakers.length).toBeGreaterThanOrEqual(3);
    expect(world.smartCommunities.length).toBeGreaterThanOrEqual(30);
    expect(world.smartCommunities.length).toBeLessThanOrEqual(50);
    for (const kind of ['hospital', 'school', 'police_kiosk'] as const) {
      const n = world.facilities.filter((f) => f.kind === kind).length;
      expect(n, kind).toBeGreaterThanOrEqual(2);
      expect(n, kind).toBeLessThanOrEqual(12);
    }
    expect(world.units.length).toBeGreaterThanOrEqual(20);
    expect(world.units.length).toBeLessThanOrEqual(40);
    for (const kind of ['city_hd', 'ai', 'social', 'community', 'railway'] as const) {
      expect(
        world.cameras.some((c) => c.kind === kind),
        kind,
      ).toBe(true);
    }
  });

  it('is around Nanchang', () => {
    expect(city.code).toBe('360100');
    expect(city.name).toBe('南昌市');
    expect(city.center[0]).toBeGreaterThan(115.8);
    expect(city.center[0]).toBeLessThan(116.0);
    expect(city.center[1]).toBeGreaterThan(28.6);
    expect(city.center[1]).toBeLessThan(28.76);
  });
});

describe('demo city (small): region tree', () => {
  it('codes are unique, of the right length, and extend their parent code', () => {
    const codes = world.regions.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of world.regions) {
      expect(r.code, r.name).toHaveLength(REGION_CODE_LENGTH[r.level]);
      if (r.level === 'city') {
        expect(r.parentCode).toBeNull();
        continue;
      }
      const parent = regionByCode.get(r.parentCode!);
      expect(parent, r.code).toBeDefined();
      expect(REGION_LEVELS.indexOf(parent!.level)).toBe(REGION_LEVELS.indexOf(r.level) - 1);
      if (r.level === 'district') expect(r.code.slice(0, 4)).toBe('3601');
      else expect(r.code.startsWith(parent!.code)).toBe(true);
    }
  });

  it('uses real district codes and unique names within each parent', () => {
    const real = new Map([
      ['360102', '东湖区'],
      ['360103', '西湖区'],
      ['360104', '青云谱区'],
      ['360111', '青山湖区'],
      ['360112', '新建区'],
      ['360113', '红谷滩区'],
      ['360121', '南昌县'],
    ]);
    for (const d of byLevel('district')) expect(real.get(d.code)).toBe(d.name);
    for (const [, kids] of childrenOf) {
      const names = kids.map((k) => k.name);
      expect(new Set(names).size).toBe(names.length);
    }
    for (const s of byLevel('street')) expect(s.name).toMatch(/(街道|镇)$/);
    for (const c of byLevel('community')) expect(c.name).toMatch(/(社区|村)$/);
    for (const g of grids) expect(g.name).toMatch(/第\d+网格$/);
  });

  it('grids are convex counter-clockwise quadrilaterals with their centre inside', () => {
    for (const g of grids) {
      expect(g.boundary).toHaveLength(1);
      expect(g.boundary[0]).toHaveLength(1);
      const ring = g.boundary[0]![0]!;
      expect(ring).toHaveLength(5);
      expect(ring[4]).toEqual(ring[0]);
      expect(ringArea(ring)).toBeGreaterThan(0);
      expect(strictlyInsideConvex(g.center, ring), g.code).toBe(true);
    }
  });

  it('grids tile the city: every grid edge is shared with exactly one neighbour or lies on the city boundary', () => {
    const boundary = unionBoundary(grids);
    const cityEdges = edges(city.boundary);
    expect(new Set(cityEdges).size).toBe(cityEdges.length);
    expect(new Set(cityEdges)).toEqual(boundary);
    // And the areas agree: no overlap, no gap.
    const sum = grids.reduce((a, g) => a + mpArea(g.boundary), 0);
    expect(Math.abs(sum - mpArea(city.boundary)) / mpArea(city.boundary)).toBeLessThan(1e-9);
  });

  it('every upper region is exactly the union of its children (boundary edges and area)', () => {
    for (const r of world.regions) {
      if (r.level === 'grid') continue;
      const kids = childrenOf.get(r.code) ?? [];
      expect(kids.length, r.code).toBeGreaterThan(0);
      expect(new Set(edges(r.boundary)), r.code).toEqual(unionBoundary(kids));
      const sum = kids.reduce((a, k) => a + mpArea(k.boundary), 0);
      expect(Math.abs(sum - mpArea(r.boundary)) / mpArea(r.boundary), r.code).toBeLessThan(1e-9);
      expect(mpArea(r.boundary)).toBeGreaterThan(0);
      // Outer rings counter-clockwise, holes clockwise.
      for (const poly of r.boundary) {
        expect(ringArea(poly[0]!)).toBeGreaterThan(0);
        for (const h of poly.slice(1)) expect(ringArea(h)).toBeLessThan(0);
      }
      expect(inMulti(r.center, r.boundary), `${r.code} centre`).toBe(true);
    }
  });

  it('random points in the city fall in exactly one grid, and outside points in none', () => {
    const rnd = lcg(42);
    const ring = city.boundary[0]![0]!;
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const locator = createGridLocator(world.regions);
    let inside = 0;
    for (let i = 0; i < 3_000; i++) {
      const p: LonLat = [x0 + (x1 - x0) * rnd(), y0 + (y1 - y0) * rnd()];
      const hits = gridsContaining(p);
      if (inMulti(p, city.boundary)) {
        inside++;
        expect(hits, p.join(',')).toHaveLength(1);
        expect(locator.locate(p)).toBe(hits[0]);
      } else {
        expect(hits).toHaveLength(0);
        expect(locator.locate(p)).toBeNull();
      }
    }
    expect(inside).toBeGreaterThan(1_500);
  });
});

describe('demo city (small): objects', () => {
  it('every camera lies strictly inside exactly one grid, its gridCode', () => {
    for (const c of world.cameras) {
      expect(gridsContaining(c.position), c.id).toEqual([c.gridCode]);
      expect(strictlyInsideConvex(c.position, gridRing(c.gridCode)), c.id).toBe(true);
    }
  });

  it('cameras have GB/T 28181 ids, sane optics, mostly online', () => {
    for (const c of world.cameras) {
      expect(c.id).toMatch(/^\d{20}$/);
      expect(c.id.slice(0, 6), c.id).toBe(c.gridCode.slice(0, 6));
      expect(['131', '132']).toContain(c.id.slice(10, 13));
      expect(c.heading).toBeGreaterThanOrEqual(0);
      expect(c.heading).toBeLessThan(360);
      expect(c.fov).toBeGreaterThanOrEqual(40);
      expect(c.fov).toBeLessThanOrEqual(120);
      expect(c.rangeM).toBeGreaterThanOrEqual(30);
      expect(c.rangeM).toBeLessThanOrEqual(150);
      expect(c.status).not.toBe('alarming');
    }
    const online = world.cameras.filter((c) => c.status === 'online').length / world.cameras.length;
    expect(online).toBeGreaterThan(0.92);
    expect(online).toBeLessThan(0.98);
  });

  it('stream URLs: the served demo clips spread evenly, ~5 % of social cameras unconnected, a few broken', () => {
    // The files behind these URLs are committed under public/streams/demo/ (the hub serves them).
    expect(DEMO_STREAM_URLS).toEqual([
      '/streams/demo/cam-1/index.m3u8',
      '/streams/demo/cam-2/index.m3u8',
      '/streams/demo/cam-3/index.m3u8',
      '/streams/demo/cam-4/index.m3u8',
      '/streams/demo/cam-5.flv',
    ]);
    expect(DEMO_STREAM_URL).toBe(DEMO_STREAM_URLS[0]);
    expect(DEMO_BROKEN_STREAM_URL).toBe('/streams/demo/missing/index.m3u8');
    const served = new Set<string>(DEMO_STREAM_URLS);
    const perUrl = new Map<string, number>();
    let broken = 0;
    let unconnectedSocial = 0;
    const social = world.cameras.filter((c) => c.kind === 'social').length;
    for (const c of world.cameras) {
      if (c.streamUrl === null) {
        expect(c.kind, c.id).toBe('social'); // only shop/company cameras may be off the platform
        unconnectedSocial++;
      } else if (c.streamUrl === DEMO_BROKEN_STREAM_URL) {
        broken++;
      } else {
        expect(served.has(c.streamUrl), `${c.id} ${c.streamUrl}`).toBe(true);
        perUrl.set(c.streamUrl, (perUrl.get(c.streamUrl) ?? 0) + 1);
      }
    }
    const playable = world.cameras.length - broken - unconnectedSocial;
    for (const url of DEMO_STREAM_URLS) {
      const share = (perUrl.get(url) ?? 0) / playable;
      expect(share, url).toBeGreaterThan(0.15);
      expect(share, url).toBeLessThan(0.25);
    }
    expect(unconnectedSocial / social).toBeGreaterThan(0.03);
    expect(unconnectedSocial / social).toBeLessThan(0.08);
    expect(broken).toBeGreaterThanOrEqual(3);
    expect(broken / world.cameras.length).toBeLessThan(0.015);
    // Every kind gets video; HLS and FLV both appear among online cameras (the card's two players).
    for (const kind of ['city_hd', 'ai', 'social', 'community', 'railway'] as const) {
      expect(
        world.cameras.some((c) => c.kind === kind && c.streamUrl !== null && served.has(c.streamUrl)),
        kind,
      ).toBe(true);
    }
    const online = world.cameras.filter((c) => c.status === 'online');
    expect(online.some((c) => c.streamUrl?.endsWith('.m3u8') && c.streamUrl !== DEMO_BROKEN_STREAM_URL)).toBe(true);
    expect(online.some((c) => c.streamUrl?.endsWith('.flv'))).toBe(true);
  });

  it('stream URLs are derived from the camera, not drawn: another seed keeps the rule', () => {
    const other = generateDemoCity({ scale: 'small', seed: 2 });
    const byId = new Map(world.cameras.map((c) => [c.id, c]));
    let same = 0;
    for (const c of other.cameras) {
      const mine = byId.get(c.id);
      // Same id and kind → same URL, whichever city it is in.
      if (mine && mine.kind === c.kind) {
        expect(c.streamUrl, c.id).toBe(mine.streamUrl);
        same++;
      }
    }
    expect(same).toBeGreaterThan(0);
  });

  it('ids are unique: devices (cameras, speakers, gates) together, zones, units, compounds, facilities', () => {
    const devices = [
      ...world.cameras.map((c) => c.id),
      ...world.speakers.map((s) => s.id),
      ...world.smartCommunities.flatMap((s) => s.gates.map((g) => g.id)),
    ];
    expect(new Set(devices).size).toBe(devices.length);
    for (const ids of [
      world.zones.map((z) => z.id),
      world.units.map((u) => u.id),
      world.smartCommunities.map((s) => s.id),
      world.facilities.map((f) => f.id),
      world.railways.map((r) => r.id),
    ]) {
      expect(new Set(ids).size).toBe(ids.length);
    }
    for (const s of world.speakers) expect(s.id.slice(10, 13)).toBe('137');
    for (const g of world.smartCommunities.flatMap((s) => s.gates)) expect(g.id.slice(10, 13)).toBe('139');
  });

  it('facilities, speakers, zone centres and compounds lie in their grid', () => {
    for (const f of world.facilities) expect(gridsContaining(f.position), f.id).toEqual([f.gridCode]);
    for (const s of world.speakers) expect(gridsContaining(s.position), s.id).toEqual([s.gridCode]);
    for (const z of world.zones) {
      if (z.shape.type === 'circle') expect(gridsContaining(z.shape.center), z.id).toEqual([z.gridCode]);
    }
    for (const sc of world.smartCommunities) {
      const ring = gridRing(sc.gridCode);
      for (const p of sc.boundary[0]!) expect(strictlyInsideConvex(p, ring), sc.id).toBe(true);
      for (const g of sc.gates) expect(strictlyInsideConvex(g.position, ring), g.id).toBe(true);
      expect(strictlyInsideConvex(sc.center, sc.boundary[0]!)).toBe(true);
      expect(ringArea(sc.boundary[0]!)).toBeGreaterThan(0);
      expect(sc.gates.length).toBeGreaterThanOrEqual(1);
      expect(sc.gates.length).toBeLessThanOrEqual(4);
      expect(sc.households).toBeGreaterThan(0);
    }
    // Community cameras stand inside a compound of their grid.
    const compoundsByGrid = new Map(world.smartCommunities.map((s) => [s.gridCode, s]));
    for (const c of world.cameras.filter((x) => x.kind === 'community')) {
      const sc = compoundsByGrid.get(c.gridCode);
      expect(sc, c.id).toBeDefined();
      expect(strictlyInsideConvex(c.position, sc!.boundary[0]!), c.id).toBe(true);
    }
  });

  it('zones: radii by kind, a circle for every hospital and school', () => {
    const radius = { key_person: [100, 300], landmark: [200, 800], hospital: [100, 400], school: [80, 300] } as const;
    for (const z of world.zones) {
      if (z.kind === 'railway') {
        expect(z.shape.type).toBe('corridor');
        expect(z.railwayId).toBe(world.railways[0]!.id);
        continue;
      }
      if (z.kind === 'community') continue; // polygons: the next test
      expect(z.shape.type, z.id).toBe('circle');
      expect(z.railwayId).toBeNull();
      if (z.shape.type !== 'circle') continue;
      const [lo, hi] = radius[z.kind];
      expect(z.shape.radiusM, z.id).toBeGreaterThanOrEqual(lo);
      expect(z.shape.radiusM, z.id).toBeLessThanOrEqual(hi);
    }
    const facilityZones = world.zones.filter((z) => z.kind === 'hospital' || z.kind === 'school');
    for (const f of world.facilities.filter((x) => x.kind !== 'police_kiosk')) {
      const zz = facilityZones.filter(
        (z) => z.shape.type === 'circle' && z.shape.center[0] === f.position[0] && z.shape.center[1] === f.position[1],
      );
      expect(zz, f.id).toHaveLength(1);
      expect(zz[0]!.kind).toBe(f.kind);
    }
  });

  it('community zones: one per smart community, its compound exactly, in its grid', () => {
    const zones = world.zones.filter((z) => z.kind === 'community');
    expect(zones).toHaveLength(world.smartCommunities.length);
    const byId = new Map(zones.map((z) => [z.id, z]));
    for (const sc of world.smartCommunities) {
      const z = byId.get(`zone-${sc.id}`);
      expect(z, sc.id).toBeDefined();
      expect(z!.shape).toEqual({ type: 'polygon', polygon: sc.boundary });
      expect(z!.gridCode).toBe(sc.gridCode);
      expect(z!.railwayId).toBeNull();
      expect(z!.name).toContain(sc.name);
    }
  });

  it('railway: fences cover the line in 1–2 km sections, speakers about every kilometre', () => {
    const rail = world.railways[0]!;
    const length = lineLength(rail.line);
    expect(length).toBeGreaterThan(3_000);
    for (const p of rail.line) expect(gridsContaining(p), 'railway vertex in the city').toHaveLength(1);

    const fences = world.zones.filter((z) => z.railwayId === rail.id);
    let covered = 0;
    for (const f of fences) {
      if (f.shape.type !== 'corridor') throw new Error('fence must be a corridor');
      expect(f.shape.halfWidthM).toBeGreaterThanOrEqual(20);
      expect(f.shape.halfWidthM).toBeLessThanOrEqual(30);
      const l = lineLength(f.shape.line);
      expect(l, f.id).toBeGreaterThan(1_000);
      expect(l, f.id).toBeLessThan(2_000);
      covered += l;
      const mid = along(f.shape.line, l / 2);
      expect(distToLine(mid, rail.line)).toBeLessThan(1);
      expect(gridsContaining(mid), f.id).toEqual([f.gridCode]);
    }
    expect(Math.abs(covered - length)).toBeLessThan(5);

    const speakers = world.speakers.filter((s) => s.railwayId === rail.id).sort((a, b) => a.chainageM - b.chainageM);
    expect(speakers.length).toBeGreaterThanOrEqual(Math.floor(length / 1_000) - 1);
    expect(speakers[0]!.chainageM).toBeLessThan(1_200);
    for (let i = 1; i < speakers.length; i++) {
      const gap = speakers[i]!.chainageM - speakers[i - 1]!.chainageM;
      expect(gap).toBeGreaterThan(800);
      expect(gap).toBeLessThan(1_200);
    }
    for (const s of speakers) {
      expect(distM(s.position, along(rail.line, s.chainageM))).toBeLessThan(20);
    }
    for (const c of world.cameras.filter((x) => x.kind === 'railway'))
      expect(distToLine(c.position, rail.line)).toBeLessThan(40);
  });

  it('units stand inside their home region; grid workers belong to a grid', () => {
    const kinds = new Set(world.units.map((u) => u.kind));
    expect(kinds.size).toBe(6);
    for (const u of world.units) {
      const home = regionByCode.get(u.homeRegionCode);
      expect(home, u.id).toBeDefined();
      if (u.kind === 'grid_worker') expect(home!.level).toBe('grid');
      else expect(['street', 'district']).toContain(home!.level);
      const hits = gridsContaining(u.position);
      expect(hits, u.id).toHaveLength(1);
      expect(hits[0]!.startsWith(u.homeRegionCode), u.id).toBe(true);
    }
    const available = world.units.filter((u) => u.status === 'available').length;
    expect(available / world.units.length).toBeGreaterThan(0.5);
    // Busy means on an incident, which only dispatch makes (issue 15: seeded busy units never changed).
    expect(world.units.filter((u) => u.status === 'busy')).toEqual([]);
  });
});

describe('demo city (small): determinism', () => {
  it('same seed gives the same city', () => {
    expect(generateDemoCity({ scale: 'small', seed: 1 })).toEqual(world);
  });

  it('a different seed gives a different city', () => {
    const other = generateDemoCity({ scale: 'small', seed: 2 });
    expect(other.regions.find((r) => r.level === 'city')!.boundary).not.toEqual(city.boundary);
    expect(other.cameras.map((c) => c.position)).not.toEqual(world.cameras.map((c) => c.position));
  });

  it('the locator works from region boundaries alone and agrees with each gridCode', () => {
    const locator = createGridLocator(structuredClone(world.regions));
    expect(locator.size).toBe(grids.length);
    for (const c of world.cameras) expect(locator.locate(c.position)).toBe(c.gridCode);
    expect(locator.locate([0, 0])).toBeNull();
    expect(locator.locateAll([116.5, 29.5])).toEqual([]);
  });
});
