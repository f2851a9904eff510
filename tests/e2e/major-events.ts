/**
 * Major events for browser tests (issue 17): where to plan one in the small demo city, and a plan
 * around it.
 */
import type { APIRequestContext } from '@playwright/test';
import { perimeterInside } from '@shared/event-area';
import type { MajorEventBody } from '@shared/major-events';
import type { MultiPolygon, Polygon } from '@shared/world';

type District = { geometry: { coordinates: MultiPolygon }; properties: { code: string } };
type Compound = { geometry: { coordinates: Polygon }; properties: { gridCode: string } };

export const square = (c: readonly [number, number], d: number): Polygon => [
  [
    [c[0] - d, c[1] - d],
    [c[0] + d, c[1] - d],
    [c[0] + d, c[1] + d],
    [c[0] - d, c[1] + d],
    [c[0] - d, c[1] - d],
  ],
];

/**
 * A smart community (a `community` watch zone: the high-throw rule's) whose centre's 200 m square
 * lies inside its district, and another compound 3 km or more away.
 */
export async function eventPlaces(api: APIRequestContext) {
  const layer = async <F>(name: string) =>
    ((await (await api.get(`/api/v1/layers/${name}.geojson`)).json()) as { features: F[] }).features;
  const boundary = new Map(
    (await layer<District>('districts')).map((f) => [f.properties.code, f.geometry.coordinates]),
  );
  const centre = (f: Compound): [number, number] => {
    const ring = f.geometry.coordinates[0]!.slice(0, -1);
    return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
  };
  const compounds = await layer<Compound>('smart-communities');
  const inner = compounds.find((f) => {
    const b = boundary.get(f.properties.gridCode.slice(0, 6));
    return b !== undefined && perimeterInside(square(centre(f), 0.001), b);
  })!;
  const c = centre(inner);
  const far = compounds.map(centre).find((p) => Math.abs(p[0] - c[0]) + Math.abs(p[1] - c[1]) > 0.04)!;
  // Key cameras: the compound's grid's (the leader view plays them in a grid).
  const cameras = (await layer<{ properties: { id: string; gridCode: string } }>('cameras'))
    .filter((f) => f.properties.gridCode === inner.properties.gridCode)
    .slice(0, 4)
    .map((f) => f.properties.id);
  return { region: inner.properties.gridCode.slice(0, 6), centre: c, far, cameras };
}

/** A plan around `centre`: a 200 m square, a 300 m ring, open from a minute ago for an hour, two posts. */
export function planAround(
  name: string,
  region: string,
  centre: [number, number],
  over: Partial<MajorEventBody> = {},
): MajorEventBody {
  return {
    name,
    regionCode: region,
    perimeter: square(centre, 0.001),
    bufferM: 300,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    posts: [
      { name: '北门岗', kind: 'post', position: [centre[0], centre[1] + 0.0007], unitIds: [], staff: ['张三', '李四'] },
      { name: '南侧卡口', kind: 'checkpoint', position: [centre[0], centre[1] - 0.0007], unitIds: [], staff: [] },
    ],
    cameraIds: [],
    presetId: null,
    coverage: {},
    ...over,
  };
}
