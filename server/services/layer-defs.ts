/**
 * Each static layer, defined once: how to load its rows, which columns the compact form carries,
 * and the matching GeoJSON feature. Both forms carry the same properties, so the benchmark's
 * byte and time ratios compare like with like.
 */
import type { WorldRepository } from '../repositories/world.repository';
import type { ColumnInput, GeometryKind } from '@shared/packed';
import type { LayerName } from '@shared/layers';
import type { LineString, MultiPolygon, RegionLevel, ZoneShape } from '@shared/world';

type Props = Record<string, string | number | null>;
type Geometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'LineString'; coordinates: number[][] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

interface LayerRowSet {
  geometry: GeometryKind;
  count: number;
  /** Geometry columns followed by property columns. */
  columns(): ColumnInput[];
  /** GeoJSON features, in the same order as the compact rows. */
  features(): Iterable<{ type: 'Feature'; geometry: Geometry; properties: Props }>;
}

/** Whether a region code lies in the requesting principal's scope (always true city-wide). */
export type RegionFilter = (regionCode: string) => boolean;
export const KEEP_ALL: RegionFilter = () => true;

export type LayerLoader = (repo: WorldRepository, keep: RegionFilter) => Promise<LayerRowSet>;

// ---- geometry packing (deck.gl binary layout, see shared/packed.ts) ----

export function packPoints(points: readonly (readonly [number, number])[]): ColumnInput[] {
  const position = new Float32Array(points.length * 2);
  points.forEach((p, i) => {
    position[2 * i] = p[0];
    position[2 * i + 1] = p[1];
  });
  return [{ name: 'position', kind: 'numeric', data: position, size: 2 }];
}

export function packLines(lines: readonly LineString[]): ColumnInput[] {
  const pathStart = new Uint32Array(lines.length + 1);
  let n = 0;
  lines.forEach((l, i) => {
    pathStart[i] = n;
    n += l.length;
  });
  pathStart[lines.length] = n;
  const position = new Float32Array(n * 2);
  let k = 0;
  for (const l of lines) for (const p of l) {
    position[k++] = p[0];
    position[k++] = p[1];
  }
  return [
    { name: 'position', kind: 'numeric', data: position, size: 2 },
    { name: 'pathStart', kind: 'numeric', data: pathStart },
  ];
}

export function packPolygons(features: readonly MultiPolygon[]): ColumnInput[] {
  let nPoly = 0, nRing = 0, nVert = 0;
  for (const mp of features) for (const poly of mp) {
    nPoly++;
    for (const ring of poly) {
      nRing++;
      nVert += ring.length;
    }
  }
  const position = new Float32Array(nVert * 2);
  const ringStart = new Uint32Array(nRing + 1);
  const polygonStart = new Uint32Array(nPoly + 1);
  const featureStart = new Uint32Array(features.length + 1);
  let v = 0, r = 0, p = 0;
  features.forEach((mp, f) => {
    featureStart[f] = p;
    for (const poly of mp) {
      polygonStart[p++] = r;
      for (const ring of poly) {
        ringStart[r++] = v;
        for (const pt of ring) {
          position[2 * v] = pt[0];
          position[2 * v + 1] = pt[1];
          v++;
        }
      }
    }
  });
  featureStart[features.length] = p;
  polygonStart[nPoly] = r;
  ringStart[nRing] = v;
  return [
    { name: 'position', kind: 'numeric', data: position, size: 2 },
    { name: 'ringStart', kind: 'numeric', data: ringStart },
    { name: 'polygonStart', kind: 'numeric', data: polygonStart },
    { name: 'featureStart', kind: 'numeric', data: featureStart },
  ];
}

// ---- property column helpers ----
const utf8 = (name: string, data: string[]): ColumnInput => ({ name, kind: 'utf8', data });
const dict = (name: string, data: string[]): ColumnInput => ({ name, kind: 'dict', data });
const f32 = (name: string, data: number[]): ColumnInput => ({ name, kind: 'numeric', data: Float32Array.from(data) });
const u32 = (name: string, data: number[]): ColumnInput => ({ name, kind: 'numeric', data: Uint32Array.from(data) });

function* zip<R>(rows: R[], geometry: (r: R) => Geometry, props: (r: R) => Props) {
  for (const r of rows) yield { type: 'Feature' as const, geometry: geometry(r), properties: props(r) };
}

function regionLayer(level: RegionLevel): LayerLoader {
  return async (repo, keep) => {
    const rows = (await repo.regionsAt(level)).filter((r) => keep(r.code));
    return {
      geometry: 'polygon',
      count: rows.length,
      columns: () => [
        ...packPolygons(rows.map((r) => r.boundary)),
        utf8('code', rows.map((r) => r.code)),
        utf8('name', rows.map((r) => r.name)),
        dict('parentCode', rows.map((r) => r.parentCode ?? '')),
        ...packPoints(rows.map((r) => [r.centerLon, r.centerLat])).map((c) => ({ ...c, name: 'center' })),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'MultiPolygon', coordinates: r.boundary }), (r) => ({
          code: r.code,
          name: r.name,
          parentCode: r.parentCode,
          centerLon: r.centerLon,
          centerLat: r.centerLat,
        })),
    };
  };
}

function circleOf(shape: ZoneShape): { center: [number, number]; radiusM: number } | null {
  return shape.type === 'circle' ? { center: shape.center, radiusM: shape.radiusM } : null;
}

export const LAYERS: Record<LayerName, LayerLoader> = {
  districts: regionLayer('district'),
  streets: regionLayer('street'),
  communities: regionLayer('community'),
  grids: regionLayer('grid'),

  cameras: async (repo, keep) => {
    const rows = (await repo.cameras()).filter((r) => keep(r.gridCode));
    return {
      geometry: 'point',
      count: rows.length,
      columns: () => [
        ...packPoints(rows.map((r) => [r.lon, r.lat])),
        utf8('id', rows.map((r) => r.id)),
        utf8('name', rows.map((r) => r.name)),
        dict('kind', rows.map((r) => r.kind)),
        dict('status', rows.map((r) => r.status)),
        { name: 'heading', kind: 'numeric', data: Uint16Array.from(rows, (r) => Math.round(r.heading) % 360) },
        { name: 'fov', kind: 'numeric', data: Uint16Array.from(rows, (r) => Math.round(r.fov)) },
        { name: 'rangeM', kind: 'numeric', data: Uint16Array.from(rows, (r) => Math.round(r.rangeM)) },
        dict('streamUrl', rows.map((r) => r.streamUrl ?? '')),
        dict('gridCode', rows.map((r) => r.gridCode)),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'Point', coordinates: [r.lon, r.lat] }), (r) => ({
          id: r.id,
          name: r.name,
          kind: r.kind,
          status: r.status,
          heading: Math.round(r.heading) % 360,
          fov: Math.round(r.fov),
          rangeM: Math.round(r.rangeM),
          streamUrl: r.streamUrl,
          gridCode: r.gridCode,
        })),
    };
  },

  'zone-circles': async (repo, keep) => {
    const rows = (await repo.zones()).filter((z) => keep(z.gridCode)).flatMap((z) => {
      const c = circleOf(z.shape);
      return c ? [{ ...z, ...c }] : [];
    });
    return {
      geometry: 'point',
      count: rows.length,
      columns: () => [
        ...packPoints(rows.map((r) => r.center)),
        utf8('id', rows.map((r) => r.id)),
        utf8('name', rows.map((r) => r.name)),
        dict('kind', rows.map((r) => r.kind)),
        f32('radiusM', rows.map((r) => r.radiusM)),
        dict('gridCode', rows.map((r) => r.gridCode)),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'Point', coordinates: r.center }), (r) => ({
          id: r.id,
          name: r.name,
          kind: r.kind,
          radiusM: r.radiusM,
          gridCode: r.gridCode,
        })),
    };
  },

  'zone-corridors': async (repo, keep) => {
    const rows = (await repo.zones()).filter((z) => keep(z.gridCode)).flatMap((z) => (z.shape.type === 'corridor' ? [{ ...z, line: z.shape.line, halfWidthM: z.shape.halfWidthM }] : []));
    return {
      geometry: 'line',
      count: rows.length,
      columns: () => [
        ...packLines(rows.map((r) => r.line)),
        utf8('id', rows.map((r) => r.id)),
        utf8('name', rows.map((r) => r.name)),
        f32('halfWidthM', rows.map((r) => r.halfWidthM)),
        dict('railwayId', rows.map((r) => r.railwayId ?? '')),
        dict('gridCode', rows.map((r) => r.gridCode)),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'LineString', coordinates: r.line }), (r) => ({
          id: r.id,
          name: r.name,
          halfWidthM: r.halfWidthM,
          railwayId: r.railwayId,
          gridCode: r.gridCode,
        })),
    };
  },

  // Railway lines cross the whole city and carry nothing but their course: every scope sees them
  // (their fence corridors, speakers and cameras are scoped like everything else).
  railways: async (repo) => {
    const rows = await repo.railways();
    return {
      geometry: 'line',
      count: rows.length,
      columns: () => [...packLines(rows.map((r) => r.line)), utf8('id', rows.map((r) => r.id)), utf8('name', rows.map((r) => r.name))],
      features: () => zip(rows, (r) => ({ type: 'LineString', coordinates: r.line }), (r) => ({ id: r.id, name: r.name })),
    };
  },

  speakers: async (repo, keep) => {
    const rows = (await repo.speakers()).filter((r) => keep(r.gridCode));
    return {
      geometry: 'point',
      count: rows.length,
      columns: () => [
        ...packPoints(rows.map((r) => [r.lon, r.lat])),
        utf8('id', rows.map((r) => r.id)),
        utf8('name', rows.map((r) => r.name)),
        dict('railwayId', rows.map((r) => r.railwayId)),
        f32('chainageM', rows.map((r) => r.chainageM)),
        dict('gridCode', rows.map((r) => r.gridCode)),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'Point', coordinates: [r.lon, r.lat] }), (r) => ({
          id: r.id,
          name: r.name,
          railwayId: r.railwayId,
          chainageM: r.chainageM,
          gridCode: r.gridCode,
        })),
    };
  },

  'smart-communities': async (repo, keep) => {
    const rows = (await repo.smartCommunities()).filter((r) => keep(r.gridCode));
    const boundaries: MultiPolygon[] = rows.map((r) => [r.boundary]);
    return {
      geometry: 'polygon',
      count: rows.length,
      columns: () => [
        ...packPolygons(boundaries),
        utf8('id', rows.map((r) => r.id)),
        utf8('name', rows.map((r) => r.name)),
        u32('households', rows.map((r) => r.households)),
        dict('gridCode', rows.map((r) => r.gridCode)),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'Polygon', coordinates: r.boundary }), (r) => ({
          id: r.id,
          name: r.name,
          households: r.households,
          gridCode: r.gridCode,
        })),
    };
  },

  gates: async (repo, keep) => {
    // A gate belongs to its smart community, which is located in a grid.
    const inScope = keep === KEEP_ALL ? null : new Set((await repo.smartCommunities()).filter((c) => keep(c.gridCode)).map((c) => c.id));
    const rows = (await repo.gates()).filter((g) => !inScope || inScope.has(g.communityId));
    return {
      geometry: 'point',
      count: rows.length,
      columns: () => [
        ...packPoints(rows.map((r) => [r.lon, r.lat])),
        utf8('id', rows.map((r) => r.id)),
        utf8('name', rows.map((r) => r.name)),
        dict('kind', rows.map((r) => r.kind)),
        utf8('communityId', rows.map((r) => r.communityId)),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'Point', coordinates: [r.lon, r.lat] }), (r) => ({
          id: r.id,
          name: r.name,
          kind: r.kind,
          communityId: r.communityId,
        })),
    };
  },

  facilities: async (repo, keep) => {
    const rows = (await repo.facilities()).filter((r) => keep(r.gridCode));
    return {
      geometry: 'point',
      count: rows.length,
      columns: () => [
        ...packPoints(rows.map((r) => [r.lon, r.lat])),
        utf8('id', rows.map((r) => r.id)),
        utf8('name', rows.map((r) => r.name)),
        dict('kind', rows.map((r) => r.kind)),
        dict('gridCode', rows.map((r) => r.gridCode)),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'Point', coordinates: [r.lon, r.lat] }), (r) => ({
          id: r.id,
          name: r.name,
          kind: r.kind,
          gridCode: r.gridCode,
        })),
    };
  },

  units: async (repo, keep) => {
    const rows = (await repo.units()).filter((r) => keep(r.homeRegionCode));
    return {
      geometry: 'point',
      count: rows.length,
      columns: () => [
        ...packPoints(rows.map((r) => [r.lon, r.lat])),
        utf8('id', rows.map((r) => r.id)),
        utf8('callsign', rows.map((r) => r.callsign)),
        dict('kind', rows.map((r) => r.kind)),
        dict('status', rows.map((r) => r.status)),
        dict('homeRegionCode', rows.map((r) => r.homeRegionCode)),
      ],
      features: () =>
        zip(rows, (r) => ({ type: 'Point', coordinates: [r.lon, r.lat] }), (r) => ({
          id: r.id,
          callsign: r.callsign,
          kind: r.kind,
          status: r.status,
          homeRegionCode: r.homeRegionCode,
        })),
    };
  },
};
