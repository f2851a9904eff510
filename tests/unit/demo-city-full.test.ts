/**
 * The demo city at full scale, generated once: the counts from the source documents, the
 * tiling and nesting identities over all ~10,000 grids, every camera in its grid, and a sample
 * through the zod schemas. Brute-force checks use the grid-code index instead of scanning every
 * grid, and a sample is cross-checked by brute force.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGridLocator, generateDemoCity, type GridLocator } from '@server/demo';
import {
  camera,
  facility,
  railway,
  region,
  REGION_CODE_LENGTH,
  smartCommunity,
  speaker,
  unit,
  zone,
  type LonLat,
  type Region,
  type World,
} from '@shared/world';
import {
  mpArea,
  inMulti,
  strictlyInsideConvex,
  edges,
  unionBoundary,
  sameSet,
  lineLength,
  lcg,
} from './support/geometry';

const hashWorld = (w: World) => createHash('sha256').update(JSON.stringify(w)).digest('hex');

let world: World;
let generationMs = 0;
let grids: Region[];
let city: Region;
let byCode: Map<string, Region>;
let childrenOf: Map<string, Region[]>;
let locator: GridLocator;
const count = (level: Region['level']) => world.regions.filter((r) => r.level === level).length;

beforeAll(() => {
  const t0 = performance.now();
  world = generateDemoCity({ scale: 'full', seed: 1 });
  generationMs = performance.now() - t0;
  console.log(`full demo city generated in ${Math.round(generationMs)} ms`);
  grids = world.regions.filter((r) => r.level === 'grid');
  city = world.regions.find((r) => r.level === 'city')!;
  byCode = new Map(world.regions.map((r) => [r.code, r]));
  childrenOf = new Map();
  for (const r of world.regions) {
    if (!r.parentCode) continue;
    const list = childrenOf.get(r.parentCode);
    if (list) list.push(r);
    else childrenOf.set(r.parentCode, [r]);
  }
  locator = createGridLocator(world.regions);
}, 60_000);

describe('demo city (full)', () => {
  it('generates well inside the time budget', () => {
    expect(generationMs).toBeLessThan(10_000);
  });

  it('has the counts of the source documents', () => {
    expect(count('city')).toBe(1);
    expect(count('district')).toBeGreaterThanOrEqual(6);
    expect(count('district')).toBeLessThanOrEqual(9);
    expect(count('street')).toBeGreaterThanOrEqual(100);
    expect(count('street')).toBeLessThanOrEqual(150);
    expect(count('community')).toBeGreaterThanOrEqual(1_800);
    expect(count('community')).toBeLessThanOrEqual(2_200);
    expect(grids.length).toBeGreaterThanOrEqual(9_000);
    expect(grids.length).toBeLessThanOrEqual(10_000);

    const kinds = new Map<string, number>();
    for (const c of world.cameras) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    const cityBuilt = (kinds.get('city_hd') ?? 0) + (kinds.get('ai') ?? 0);
    expect(world.cameras.length).toBeGreaterThanOrEqual(125_000);
    expect(world.cameras.length).toBeLessThanOrEqual(140_000);
    expect(cityBuilt).toBeGreaterThanOrEqual(57_000);
    expect(cityBuilt).toBeLessThanOrEqual(63_000);
    expect(kinds.get('social')).toBeGreaterThanOrEqual(65_000);
    expect(kinds.get('social')).toBeLessThanOrEqual(72_000);
    expect(kinds.get('community')).toBeGreaterThan(2_000);
    expect(kinds.get('railway')).toBeGreaterThan(100);

    const zk = new Map<string, number>();
    for (const z of world.zones) zk.set(z.kind, (zk.get(z.kind) ?? 0) + 1);
    expect(zk.get('key_person')).toBe(1_383);
    expect(zk.get('landmark')).toBe(458);
    const fk = new Map<string, number>();
    for (const f of world.facilities) fk.set(f.kind, (fk.get(f.kind) ?? 0) + 1);
    expect(fk.get('hospital')).toBeGreaterThanOrEqual(50);
    expect(fk.get('hospital')).toBeLessThanOrEqual(70);
    expect(fk.get('school')).toBeGreaterThanOrEqual(350);
    expect(fk.get('school')).toBeLessThanOrEqual(450);
    expect(fk.get('police_kiosk')).toBeGreaterThanOrEqual(250);
    expect(fk.get('police_kiosk')).toBeLessThanOrEqual(350);
    expect(zk.get('hospital')).toBe(fk.get('hospital'));
    expect(zk.get('school')).toBe(fk.get('school'));

    expect(world.smartCommunities.length).toBeGreaterThanOrEqual(1_950);
    expect(world.smartCommunities.length).toBeLessThanOrEqual(2_150);
    expect(world.units.length).toBeGreaterThanOrEqual(550);
    expect(world.units.length).toBeLessThanOrEqual(650);
    expect(world.railways.length).toBeGreaterThanOrEqual(1);
  });

  it('a sample of every kind passes the shared zod schemas', () => {
    const every = <T>(items: T[], n: number) => items.filter((_, i) => i % n === 0);
    for (const r of world.regions.filter((x) => x.level !== 'grid')) region.parse(r);
    for (const g of every(grids, 20)) region.parse(g);
    for (const c of every(world.cameras, 100)) camera.parse(c);
    for (const z of every(world.zones, 5)) zone.parse(z);
    for (const z of world.zones.filter((x) => x.kind === 'railway')) zone.parse(z);
    for (const r of world.railways) railway.parse(r);
    for (const s of world.speakers) speaker.parse(s);
    for (const s of every(world.smartCommunities, 10)) smartCommunity.parse(s);
    for (const f of world.facilities) facility.parse(f);
    for (const u of world.units) unit.parse(u);
  });

  it('region codes: unique, right length, extending the parent code', () => {
    expect(new Set(world.regions.map((r) => r.code)).size).toBe(world.regions.length);
    for (const r of world.regions) {
      expect(r.code.length).toBe(REGION_CODE_LENGTH[r.level]);
      if (r.level === 'city' || r.level === 'district') continue;
      expect(r.code.startsWith(r.parentCode!)).toBe(true);
      expect(byCode.has(r.parentCode!)).toBe(true);
    }
    for (const d of world.regions.filter((r) => r.level === 'district')) expect(d.parentCode).toBe('360100');
  });

  it('grids tile the city exactly (shared edges, area identity)', () => {
    for (const g of grids) {
      const ring = g.boundary[0]![0]!;
      expect(ring.length).toBe(5);
      expect(strictlyInsideConvex(g.center, ring)).toBe(true);
    }
    expect(sameSet(unionBoundary(grids), edges(city.boundary))).toBe(true);
    const sum = grids.reduce((a, g) => a + mpArea(g.boundary), 0);
    expect(Math.abs(sum - mpArea(city.boundary)) / mpArea(city.boundary)).toBeLessThan(1e-9);
  });

  it('every district, street and community is exactly the union of its children', () => {
    let checked = 0;
    for (const r of world.regions) {
      if (r.level === 'grid') continue;
      const kids = childrenOf.get(r.code) ?? [];
      expect(kids.length).toBeGreaterThan(0);
      const sum = kids.reduce((a, k) => a + mpArea(k.boundary), 0);
      expect(Math.abs(sum - mpArea(r.boundary)) / mpArea(r.boundary), r.code).toBeLessThan(1e-9);
      expect(sameSet(unionBoundary(kids), edges(r.boundary)), r.code).toBe(true);
      checked++;
    }
    expect(checked).toBe(world.regions.length - grids.length);
  });

  it('random points: inside the city in exactly one grid, outside in none', () => {
    const rnd = lcg(7);
    const ring = city.boundary[0]![0]!;
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    let inside = 0;
    for (let i = 0; i < 20_000; i++) {
      const p: LonLat = [x0 + (x1 - x0) * rnd(), y0 + (y1 - y0) * rnd()];
      const hits = locator.locateAll(p);
      if (inMulti(p, city.boundary)) {
        inside++;
        expect(hits.length).toBe(1);
        expect(inMulti(p, byCode.get(hits[0]!)!.boundary)).toBe(true);
      } else expect(hits.length).toBe(0);
      if (i < 200) {
        // Brute force over every grid for a sample, so the locator is not trusted blindly.
        expect(grids.filter((g) => inMulti(p, g.boundary)).map((g) => g.code)).toEqual(hits);
      }
    }
    expect(inside).toBeGreaterThan(10_000);
  });

  it('every camera lies strictly inside exactly one grid, its gridCode', () => {
    let bad = 0;
    for (const c of world.cameras) {
      const ring = byCode.get(c.gridCode)?.boundary[0]?.[0];
      if (!ring || !strictlyInsideConvex(c.position, ring)) bad++;
      const hits = locator.locateAll(c.position);
      if (hits.length !== 1 || hits[0] !== c.gridCode) bad++;
    }
    expect(bad).toBe(0);
  });

  it('every other placed object lies in its grid', () => {
    const check = (p: LonLat, code: string) => locator.locateAll(p).length === 1 && locator.locate(p) === code;
    for (const f of world.facilities) expect(check(f.position, f.gridCode), f.id).toBe(true);
    for (const s of world.speakers) expect(check(s.position, s.gridCode), s.id).toBe(true);
    for (const z of world.zones)
      if (z.shape.type === 'circle') expect(check(z.shape.center, z.gridCode), z.id).toBe(true);
    for (const sc of world.smartCommunities) {
      const ring = byCode.get(sc.gridCode)!.boundary[0]![0]!;
      expect(
        sc.boundary[0]!.every((p) => strictlyInsideConvex(p, ring)),
        sc.id,
      ).toBe(true);
    }
    for (const u of world.units) {
      const g = locator.locate(u.position);
      expect(g?.startsWith(u.homeRegionCode), u.id).toBe(true);
    }
  });

  it('ids are unique', () => {
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
    ]) {
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('railways: 40–65 km lines, fenced in 1–2 km sections, a speaker about every km', () => {
    for (const rail of world.railways) {
      const length = lineLength(rail.line);
      expect(length, rail.id).toBeGreaterThan(40_000);
      expect(length, rail.id).toBeLessThan(65_000);
      const fences = world.zones.filter((z) => z.railwayId === rail.id);
      expect(fences.length).toBeGreaterThanOrEqual(Math.floor(length / 2_000));
      for (const f of fences) {
        if (f.shape.type !== 'corridor') throw new Error('fence must be a corridor');
        const l = lineLength(f.shape.line);
        expect(l).toBeGreaterThan(1_000);
        expect(l).toBeLessThan(2_000);
      }
      const chain = world.speakers
        .filter((s) => s.railwayId === rail.id)
        .map((s) => s.chainageM)
        .sort((a, b) => a - b);
      expect(chain.length).toBeGreaterThanOrEqual(Math.floor(length / 1_000) - 1);
      for (let i = 1; i < chain.length; i++) {
        expect(chain[i]! - chain[i - 1]!).toBeGreaterThan(800);
        expect(chain[i]! - chain[i - 1]!).toBeLessThan(1_200);
      }
    }
  });

  it('downtown is denser than the outskirts', () => {
    // Cameras per km² in the central tenth of grids by distance vs the outer half.
    const [cx, cy] = city.center;
    const dist = (p: LonLat) => Math.hypot(p[0] - cx, p[1] - cy);
    const sorted = [...grids].sort((a, b) => dist(a.center) - dist(b.center));
    const inner = new Set(sorted.slice(0, sorted.length / 10).map((g) => g.code));
    const outer = new Set(sorted.slice(sorted.length / 2).map((g) => g.code));
    const area = (set: Set<string>) => [...set].reduce((a, c) => a + mpArea(byCode.get(c)!.boundary), 0);
    const cams = (set: Set<string>) => world.cameras.filter((c) => set.has(c.gridCode)).length;
    expect(cams(inner) / area(inner)).toBeGreaterThan(10 * (cams(outer) / area(outer)));
  });

  it('is deterministic: same seed, same city; another seed, another city', () => {
    const again = generateDemoCity({ scale: 'full', seed: 1 });
    expect(hashWorld(again)).toBe(hashWorld(world));
    const other = generateDemoCity({ scale: 'full', seed: 2 });
    expect(other.cameras[0]!.position).not.toEqual(world.cameras[0]!.position);
    expect(hashWorld(other)).not.toBe(hashWorld(world));
  }, 60_000);
});
