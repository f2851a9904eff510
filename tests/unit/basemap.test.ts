/**
 * The built-in basemap: generated with the demo city (water, roads, green), deterministic,
 * valid per the shared schema, the water where it should be and nothing of the city in it, road
 * names from the streets, small enough to serve; and the style the hub serves for it.
 *
 * Geometry checks use tests/unit/support/geometry.ts, written independently of server/demo.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateStyleMin, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { generateDemoCity } from '@server/demo';
import { GAN_RIVER } from '@server/demo/config';
import { chainEdges, sharedEdges } from '@server/services/basemap-sources';
import { buildBasemapStyle } from '@server/services/basemap-style';
import { BASEMAP_SOURCES } from '@shared/map';
import { basemapFeature, type BasemapFeature, type LonLat, type MultiPolygon, type World } from '@shared/world';
import { distM, distToLine, inMulti, ringArea } from './support/geometry';

const small: World = generateDemoCity({ scale: 'small', seed: 1 });
let full: World;
beforeAll(() => {
  full = generateDemoCity({ scale: 'full', seed: 1 });
}, 60_000);

const waterAreas = (w: World): (BasemapFeature & { mp: MultiPolygon })[] =>
  w.basemap.flatMap((f) => {
    if (f.kind !== 'water') return [];
    if (f.geometry.type === 'Polygon') return [{ ...f, mp: [f.geometry.coordinates] }];
    if (f.geometry.type === 'MultiPolygon') return [{ ...f, mp: f.geometry.coordinates }];
    return [];
  });
const inWater = (w: World) => {
  const areas = waterAreas(w).map((a) => {
    const pts = a.mp.flat(2);
    const box = [
      Math.min(...pts.map((p) => p[0])),
      Math.min(...pts.map((p) => p[1])),
      Math.max(...pts.map((p) => p[0])),
      Math.max(...pts.map((p) => p[1])),
    ];
    return { ...a, box };
  });
  return (p: LonLat) =>
    areas.some(
      (a) => p[0] >= a.box[0]! && p[1] >= a.box[1]! && p[0] <= a.box[2]! && p[1] <= a.box[3]! && inMulti(p, a.mp),
    );
};
const share = (n: number, of: number) => n / Math.max(1, of);

/** Proper crossings between non-adjacent edges of a closed ring (none in a simple ring). */
function selfCrossings(ring: readonly LonLat[]): number {
  const cross = (a: LonLat, b: LonLat, c: LonLat) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  const n = ring.length - 1;
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      const [a, b, c, d] = [ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!];
      if (
        Math.sign(cross(a, b, c)) * Math.sign(cross(a, b, d)) < 0 &&
        Math.sign(cross(c, d, a)) * Math.sign(cross(c, d, b)) < 0
      )
        count++;
    }
  }
  return count;
}

describe.each([
  ['small', () => small],
  ['full', () => full],
] as const)('basemap (%s)', (_scale, world) => {
  it('every feature passes the shared schema, with unique ids', () => {
    const w = world();
    expect(() => z.array(basemapFeature).parse(w.basemap)).not.toThrow();
    expect(new Set(w.basemap.map((f) => f.id)).size).toBe(w.basemap.length);
  });

  it('has the Gan, its tributary, lakes, a road hierarchy and parks', () => {
    const w = world();
    const classes = (kind: string) => new Set(w.basemap.filter((f) => f.kind === kind).map((f) => f.class));
    expect([...classes('water')].sort()).toEqual(['lake', 'river', 'waterway']);
    expect([...classes('road')].sort()).toEqual(['motorway', 'primary', 'secondary']);
    expect([...classes('green')]).toEqual(['park']);
    const names = new Set(w.basemap.filter((f) => f.kind === 'water').map((f) => f.name));
    expect(names.has('赣江')).toBe(true);
    expect(names.has('抚河')).toBe(true);
    expect(w.basemap.filter((f) => f.kind === 'road' && f.class === 'secondary').length).toBeGreaterThan(
      w.basemap.filter((f) => f.kind === 'road' && f.class === 'primary').length,
    );
  });

  it('water areas are closed, counter-clockwise, simple rings', () => {
    for (const a of waterAreas(world())) {
      for (const poly of a.mp) {
        const ring = poly[0]!;
        expect(ring[0], a.id).toEqual(ring[ring.length - 1]);
        expect(ringArea(ring), a.id).toBeGreaterThan(0);
        expect(selfCrossings(ring), a.id).toBe(0);
      }
    }
  });

  it('the Gan follows the line that splits the banks, 400–900 m wide', () => {
    const w = world();
    const centre = w.basemap.find((f) => f.name === '赣江' && f.class === 'waterway')!;
    expect(centre.geometry.type).toBe('LineString');
    const gan = GAN_RIVER.map((p) => [p[0], p[1]] as LonLat);
    for (const p of centre.geometry.coordinates as LonLat[]) expect(distToLine(p, gan)).toBeLessThan(120);
    // Width: across the river at points along the line, the water reaches 200–450 m either side.
    const river = waterAreas(w).find((a) => a.name === '赣江' && a.class === 'river')!;
    const line = centre.geometry.coordinates as LonLat[];
    const M_LAT = 110_574;
    const mLon = 111_320 * Math.cos((28.68 * Math.PI) / 180);
    for (let i = 1; i + 1 < line.length; i += 3) {
      const [a, b] = [line[i - 1]!, line[i + 1]!];
      const dx = (b[0] - a[0]) * mLon;
      const dy = (b[1] - a[1]) * M_LAT;
      const len = Math.hypot(dx, dy);
      const at = (m: number): LonLat => [
        line[i]![0] + ((-dy / len) * m) / mLon,
        line[i]![1] + ((dx / len) * m) / M_LAT,
      ];
      expect(inMulti(at(190), river.mp) && inMulti(at(-190), river.mp), `${i}`).toBe(true);
      expect(inMulti(at(460), river.mp) || inMulti(at(-460), river.mp), `${i}`).toBe(false);
    }
  });

  it('lakes keep clear of the rivers', () => {
    const areas = waterAreas(world());
    const rivers = areas.filter((a) => a.class === 'river');
    for (const lake of areas.filter((a) => a.class === 'lake')) {
      for (const p of lake.mp[0]![0]!) for (const r of rivers) expect(inMulti(p, r.mp), `${lake.name}`).toBe(false);
      for (const r of rivers) for (const p of r.mp[0]![0]!) expect(inMulti(p, lake.mp), `${lake.name}`).toBe(false);
    }
  });

  it('the water covers (almost) none of the cameras, compounds or facilities', () => {
    const w = world();
    const wet = inWater(w);
    const cameras = w.cameras.filter((c) => wet(c.position));
    // Only railway cameras may stand over water: on the bridges.
    const nonRail = cameras.filter((c) => c.kind !== 'railway');
    expect(share(cameras.length, w.cameras.length)).toBeLessThan(0.02);
    expect(share(nonRail.length, w.cameras.length)).toBeLessThan(0.001);
    expect(
      share(w.smartCommunities.filter((s) => s.boundary[0]!.some(wet)).length, w.smartCommunities.length),
    ).toBeLessThan(0.01);
    expect(share(w.facilities.filter((f) => wet(f.position)).length, w.facilities.length)).toBeLessThan(0.01);
  }, 60_000);

  it('roads have names, taken from the streets camera names are made from', () => {
    const w = world();
    const roads = w.basemap.filter((f) => f.kind === 'road');
    for (const r of roads) expect(r.name, r.id).toMatch(/\S/);
    const cameraRoad = (name: string) => /^(.+?)\d+号/.exec(name)?.[1];
    const streetCams = w.cameras.filter((c) => c.kind === 'city_hd' || c.kind === 'ai' || c.kind === 'social');
    const fromCameras = new Set(streetCams.map((c) => cameraRoad(c.name)));
    const local = roads.filter((r) => r.class !== 'motorway' && !r.name!.endsWith('大桥'));
    for (const r of local) expect(fromCameras.has(r.name!), `${r.id} ${r.name}`).toBe(true);
    const drawn = new Set(roads.map((r) => r.name));
    expect(
      share(streetCams.filter((c) => drawn.has(cameraRoad(c.name) ?? null)).length, streetCams.length),
    ).toBeGreaterThan(0.6);
  });

  it('some primary roads cross the Gan on named bridges', () => {
    const bridges = world().basemap.filter((f) => f.kind === 'road' && f.name!.endsWith('大桥'));
    expect(bridges.length).toBeGreaterThanOrEqual(2);
  });

  it('is small enough to serve as GeoJSON', () => {
    const bytes = JSON.stringify(world().basemap).length;
    expect(bytes).toBeLessThan(1_500_000);
  });
});

describe('basemap: determinism and placement', () => {
  it('same seed, same basemap; another seed, another one', () => {
    expect(generateDemoCity({ scale: 'small', seed: 1 }).basemap).toEqual(small.basemap);
    expect(generateDemoCity({ scale: 'small', seed: 2 }).basemap).not.toEqual(small.basemap);
  });

  it('lakes are near their real places (full scale)', () => {
    const lakes = waterAreas(full).filter((a) => a.class === 'lake');
    const real: Record<string, LonLat> = {
      青山湖: [115.937, 28.69],
      艾溪湖: [115.978, 28.69],
      象湖: [115.886, 28.622],
    };
    for (const [name, at] of Object.entries(real)) {
      const lake = lakes.find((l) => l.name === name);
      expect(lake, name).toBeDefined();
      const ring = lake!.mp[0]![0]!;
      const c: LonLat = [
        ring.reduce((s, p) => s + p[0], 0) / ring.length,
        ring.reduce((s, p) => s + p[1], 0) / ring.length,
      ];
      expect(distM(c, at), name).toBeLessThan(1_500);
    }
  });
});

describe('borders: each shared edge once, chained', () => {
  // Two squares side by side, and a third on top of both: three regions, two internal borders
  // meeting at a T junction.
  const sq = (x0: number, y0: number, x1: number, y1: number): MultiPolygon => [
    [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  ];
  const a = sq(0, 0, 1, 1);
  const b = sq(1, 0, 2, 1);
  const top: MultiPolygon = [
    [
      [
        [0, 1],
        [1, 1],
        [2, 1],
        [2, 2],
        [0, 2],
        [0, 1],
      ],
    ],
  ];

  it('keeps only the edges two regions share', () => {
    const edges = sharedEdges([a, b, top]);
    expect(edges.size).toBe(3); // a|b, a|top, b|top
  });

  it('chains them into lines between junctions', () => {
    const lines = chainEdges(sharedEdges([a, b, top]));
    expect(lines).toHaveLength(3);
    const length = lines.reduce((n, l) => n + l.length - 1, 0);
    expect(length).toBe(3);
  });

  it('gives a closed line for a region inside another', () => {
    const outer: MultiPolygon = [
      [
        [
          [0, 0],
          [3, 0],
          [3, 3],
          [0, 3],
          [0, 0],
        ],
        [
          [1, 1],
          [1, 2],
          [2, 2],
          [2, 1],
          [1, 1],
        ],
      ],
    ];
    const inner = sq(1, 1, 2, 2);
    const lines = chainEdges(sharedEdges([outer, inner]));
    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toEqual(lines[0]![lines[0]!.length - 1]);
    expect(lines[0]).toHaveLength(5);
  });
});

describe('the built-in style', () => {
  const origin = 'http://hub.example:8080';
  const style: StyleSpecification = buildBasemapStyle(origin, { name: '南昌市', center: [115.9, 28.68] });

  it('is a valid MapLibre style (version 8)', () => {
    expect(style.version).toBe(8);
    expect(validateStyleMin(style)).toEqual([]);
  });

  it('needs nothing from outside the hub: no glyphs, no sprite, every source on its origin', () => {
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    for (const [id, src] of Object.entries(style.sources)) {
      expect(src.type, id).toBe('geojson');
      const data = (src as { data: unknown }).data;
      expect(typeof data, id).toBe('string');
      expect(new URL(data as string).origin, id).toBe(origin);
    }
    for (const name of BASEMAP_SOURCES)
      expect((style.sources[name] as { data: string }).data).toBe(`${origin}/api/v1/basemap/${name}.geojson`);
    expect((style.sources.railways as { data: string }).data).toBe(`${origin}/api/v1/layers/railways.geojson`);
  });

  it('draws the dark basemap: land, water, green, roads by class, railways, borders and labels', () => {
    const ids = style.layers.map((l) => l.id);
    expect(ids[0]).toBe('background');
    for (const id of [
      'land',
      'water',
      'green',
      'road-motorway',
      'road-primary',
      'road-secondary',
      'railway',
      'railway-hatch',
      'boundary-district',
      'boundary-street',
      'label-district',
      'label-street',
      'label-road-major',
      'label-water-river',
    ]) {
      expect(ids, id).toContain(id);
    }
    // Land under water under roads under labels.
    expect(ids.indexOf('land')).toBeLessThan(ids.indexOf('water'));
    expect(ids.indexOf('water')).toBeLessThan(ids.indexOf('road-primary'));
    expect(ids.indexOf('road-primary')).toBeLessThan(ids.indexOf('label-road-major'));
    const layer = (id: string) =>
      style.layers.find((l) => l.id === id) as {
        minzoom?: number;
        paint?: Record<string, unknown>;
        layout?: Record<string, unknown>;
      };
    expect(layer('label-street').minzoom).toBeGreaterThanOrEqual(12);
    expect(layer('label-road-major').layout?.['symbol-placement']).toBe('line');
    expect(layer('boundary-district').paint?.['line-dasharray']).toBeDefined();
    expect(layer('boundary-street').minzoom).toBeGreaterThan(10);
    expect(layer('railway-hatch').paint?.['line-dasharray']).toBeDefined();
    // Dark: the background is darker than the land.
    const lum = (hex: unknown) =>
      parseInt(String(hex).slice(1, 3), 16) +
      parseInt(String(hex).slice(3, 5), 16) +
      parseInt(String(hex).slice(5, 7), 16);
    expect(lum(layer('background').paint?.['background-color'])).toBeLessThan(lum(layer('land').paint?.['fill-color']));
    expect(lum(layer('land').paint?.['fill-color'])).toBeLessThan(120);
  });
});
