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
  for (const l of lines)
    for (const p of l) {
      position[k++] = p[0];
      position[k++] = p[1];
    }
  return [
    { name: 'position', kind: 'numeric', data: position, size: 2 },
    { name: 'pathStart', kind: 'numeric', data: pathStart },
  ];
}

export function packPolygons(features: readonly MultiPolygon[]): ColumnInput[] {
  let nPoly = 0,
    nRing = 0,
    nVert = 0;
  for (const mp of features)
    for (const poly of mp) {
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
  let v = 0,
    r = 0,
    p = 0;
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

// ---- one definition per property: its compact column and its GeoJSON property ----
type ColumnKind = 'utf8' | 'dict' | 'f32' | 'u16' | 'u32';
type Value = string | number | null;
/** A property of a layer: the compact column carries it as `kind` (null as ''), GeoJSON as is. */
type Prop<R> = [name: string, kind: ColumnKind, value: (r: R) => Value];

function column<R>(rows: readonly R[], [name, kind, value]: Prop<R>): ColumnInput {
  switch (kind) {
    case 'utf8':
    case 'dict':
      return { name, kind, data: rows.map((r) => String(value(r) ?? '')) };
    case 'f32':
      return { name, kind: 'numeric', data: Float32Array.from(rows, (r) => Number(value(r))) };
    case 'u16':
      return { name, kind: 'numeric', data: Uint16Array.from(rows, (r) => Number(value(r))) };
    case 'u32':
      return { name, kind: 'numeric', data: Uint32Array.from(rows, (r) => Number(value(r))) };
  }
}

interface Shape<R> {
  kind: GeometryKind;
  /** The geometry columns of the compact form. */
  pack: (rows: readonly R[]) => ColumnInput[];
  /** The same geometry as a GeoJSON one. */
  geometry: (r: R) => Geometry;
}

const point = <R>(at: (r: R) => readonly [number, number]): Shape<R> => ({
  kind: 'point',
  pack: (rows) => packPoints(rows.map(at)),
  geometry: (r) => ({ type: 'Point', coordinates: [...at(r)] }),
});
const line = <R>(course: (r: R) => LineString): Shape<R> => ({
  kind: 'line',
  pack: (rows) => packLines(rows.map(course)),
  geometry: (r) => ({ type: 'LineString', coordinates: course(r) }),
});
const polygon = <R>(area: (r: R) => MultiPolygon, geometry: (r: R) => Geometry): Shape<R> => ({
  kind: 'polygon',
  pack: (rows) => packPolygons(rows.map(area)),
  geometry,
});

/** A layer's rows in both forms from one list of properties (and optional extras after them). */
function rowSet<R>(
  rows: readonly R[],
  shape: Shape<R>,
  props: readonly Prop<R>[],
  extra: { columns?: (rows: readonly R[]) => ColumnInput[]; properties?: (r: R) => Props } = {},
): LayerRowSet {
  return {
    geometry: shape.kind,
    count: rows.length,
    columns: () => [...shape.pack(rows), ...props.map((p) => column(rows, p)), ...(extra.columns?.(rows) ?? [])],
    features: function* () {
      for (const r of rows) {
        const properties: Props = {};
        for (const [name, , value] of props) properties[name] = value(r);
        yield {
          type: 'Feature' as const,
          geometry: shape.geometry(r),
          properties: { ...properties, ...extra.properties?.(r) },
        };
      }
    },
  };
}

function regionLayer(level: RegionLevel): LayerLoader {
  return async (repo, keep) => {
    const rows = (await repo.regionsAt(level)).filter((r) => keep(r.code));
    return rowSet(
      rows,
      polygon(
        (r) => r.boundary,
        (r) => ({ type: 'MultiPolygon', coordinates: r.boundary }),
      ),
      [
        ['code', 'utf8', (r) => r.code],
        ['name', 'utf8', (r) => r.name],
        ['parentCode', 'dict', (r) => r.parentCode],
      ],
      {
        columns: (rs) => packPoints(rs.map((r) => [r.centerLon, r.centerLat])).map((c) => ({ ...c, name: 'center' })),
        properties: (r) => ({ centerLon: r.centerLon, centerLat: r.centerLat }),
      },
    );
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
    return rowSet(
      rows,
      point((r) => [r.lon, r.lat]),
      [
        ['id', 'utf8', (r) => r.id],
        ['name', 'utf8', (r) => r.name],
        ['kind', 'dict', (r) => r.kind],
        ['status', 'dict', (r) => r.status],
        ['heading', 'u16', (r) => Math.round(r.heading) % 360],
        ['fov', 'u16', (r) => Math.round(r.fov)],
        ['rangeM', 'u16', (r) => Math.round(r.rangeM)],
        ['streamUrl', 'dict', (r) => r.streamUrl],
        ['gridCode', 'dict', (r) => r.gridCode],
      ],
    );
  },

  'zone-circles': async (repo, keep) => {
    const rows = (await repo.zones())
      .filter((z) => keep(z.gridCode))
      .flatMap((z) => {
        const c = circleOf(z.shape);
        return c ? [{ ...z, ...c }] : [];
      });
    return rowSet(
      rows,
      point((r) => r.center),
      [
        ['id', 'utf8', (r) => r.id],
        ['name', 'utf8', (r) => r.name],
        ['kind', 'dict', (r) => r.kind],
        ['radiusM', 'f32', (r) => r.radiusM],
        ['gridCode', 'dict', (r) => r.gridCode],
      ],
    );
  },

  'zone-corridors': async (repo, keep) => {
    const rows = (await repo.zones())
      .filter((z) => keep(z.gridCode))
      .flatMap((z) =>
        z.shape.type === 'corridor' ? [{ ...z, line: z.shape.line, halfWidthM: z.shape.halfWidthM }] : [],
      );
    return rowSet(
      rows,
      line((r) => r.line),
      [
        ['id', 'utf8', (r) => r.id],
        ['name', 'utf8', (r) => r.name],
        ['halfWidthM', 'f32', (r) => r.halfWidthM],
        ['railwayId', 'dict', (r) => r.railwayId],
        ['gridCode', 'dict', (r) => r.gridCode],
      ],
    );
  },

  // Railway lines cross the whole city and carry nothing but their course: every scope sees them
  // (their fence corridors, speakers and cameras are scoped like everything else).
  railways: async (repo) =>
    rowSet(
      await repo.railways(),
      line((r) => r.line),
      [
        ['id', 'utf8', (r) => r.id],
        ['name', 'utf8', (r) => r.name],
      ],
    ),

  speakers: async (repo, keep) => {
    const rows = (await repo.speakers()).filter((r) => keep(r.gridCode));
    return rowSet(
      rows,
      point((r) => [r.lon, r.lat]),
      [
        ['id', 'utf8', (r) => r.id],
        ['name', 'utf8', (r) => r.name],
        ['railwayId', 'dict', (r) => r.railwayId],
        ['chainageM', 'f32', (r) => r.chainageM],
        ['gridCode', 'dict', (r) => r.gridCode],
      ],
    );
  },

  'smart-communities': async (repo, keep) => {
    const rows = (await repo.smartCommunities()).filter((r) => keep(r.gridCode));
    return rowSet(
      rows,
      polygon(
        (r) => [r.boundary],
        (r) => ({ type: 'Polygon', coordinates: r.boundary }),
      ),
      [
        ['id', 'utf8', (r) => r.id],
        ['name', 'utf8', (r) => r.name],
        ['households', 'u32', (r) => r.households],
        ['gridCode', 'dict', (r) => r.gridCode],
      ],
    );
  },

  gates: async (repo, keep) => {
    // A gate belongs to its smart community, which is located in a grid.
    const inScope =
      keep === KEEP_ALL
        ? null
        : new Set((await repo.smartCommunities()).filter((c) => keep(c.gridCode)).map((c) => c.id));
    const rows = (await repo.gates()).filter((g) => !inScope || inScope.has(g.communityId));
    return rowSet(
      rows,
      point((r) => [r.lon, r.lat]),
      [
        ['id', 'utf8', (r) => r.id],
        ['name', 'utf8', (r) => r.name],
        ['kind', 'dict', (r) => r.kind],
        ['communityId', 'utf8', (r) => r.communityId],
      ],
    );
  },

  facilities: async (repo, keep) => {
    const rows = (await repo.facilities()).filter((r) => keep(r.gridCode));
    return rowSet(
      rows,
      point((r) => [r.lon, r.lat]),
      [
        ['id', 'utf8', (r) => r.id],
        ['name', 'utf8', (r) => r.name],
        ['kind', 'dict', (r) => r.kind],
        ['gridCode', 'dict', (r) => r.gridCode],
      ],
    );
  },

  units: async (repo, keep) => {
    const rows = (await repo.units()).filter((r) => keep(r.homeRegionCode));
    return rowSet(
      rows,
      point((r) => [r.lon, r.lat]),
      [
        ['id', 'utf8', (r) => r.id],
        ['callsign', 'utf8', (r) => r.callsign],
        ['kind', 'dict', (r) => r.kind],
        ['status', 'dict', (r) => r.status],
        ['homeRegionCode', 'dict', (r) => r.homeRegionCode],
      ],
    );
  },
};
