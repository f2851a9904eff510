/**
 * Railway lines with their fences (铁路虚拟电子围栏), loudspeakers and cameras.
 *
 * A line is a straight course through a given point with two superposed gentle sine curves
 * (curvature radius stays above ~5 km, as on a main line), sampled every 50 m and cut to the
 * longest stretch inside the city, so every fence, speaker and camera along it has a grid.
 * Fences are consecutive ~1.5 km corridor sections; a loudspeaker stands about every 1 km.
 */
import type { Camera, LonLat, Railway, Speaker, Zone } from '@shared/world';
import type { RailwaySpec } from './config';
import { placePoint, type CityContext } from './context';
import { centreCode, DEVICE_TYPE, INDUSTRY, NETWORK } from './device-ids';
import { cumulativeLengths, offsetM, pointAlong } from './geo';
import { round6 } from '@shared/geo';
import { makeCamera } from './cameras';
import type { Rng } from './random';

const SAMPLE_M = 50;
/** Output vertex spacing: every 4th sample. */
const VERTEX_EVERY = 4;
const FENCE_SECTION_M = 1_500;
export const FENCE_HALF_WIDTH_M = 25;
const SPEAKER_SPACING_M = 1_000;

/** Railway mileage notation, to the metre: 12,345.4 m → "K12+345". */
export function chainageLabel(m: number): string {
  const r = Math.round(m);
  return `K${Math.floor(r / 1000)}+${String(r % 1000).padStart(3, '0')}`;
}

function traceLine(ctx: CityContext, spec: RailwaySpec, rng: Rng): LonLat[] {
  const { frame } = ctx.lat;
  const x0 = frame.x(spec.through[0]);
  const y0 = frame.y(spec.through[1]);
  const b = (spec.bearingDeg * Math.PI) / 180;
  const dir = [Math.sin(b), Math.cos(b)] as const;
  const perp = [Math.cos(b), -Math.sin(b)] as const;
  const ph1 = rng.float(0, 2 * Math.PI);
  const ph2 = rng.float(0, 2 * Math.PI);
  const lam2 = spec.curveWavelengthM * 0.45;
  const samples: LonLat[] = [];
  const inside: boolean[] = [];
  for (let t = -spec.lengthM / 2; t <= spec.lengthM / 2; t += SAMPLE_M) {
    const off =
      spec.curveAmpM *
      (0.75 * Math.sin((2 * Math.PI * t) / spec.curveWavelengthM + ph1) +
        0.25 * Math.sin((2 * Math.PI * t) / lam2 + ph2));
    const x = x0 + dir[0] * t + perp[0] * off;
    const y = y0 + dir[1] * t + perp[1] * off;
    const p: LonLat = [frame.lon(x), frame.lat(y)];
    samples.push(p);
    inside.push(ctx.locator.locate(p) !== null);
  }
  // Longest run of consecutive samples inside the city.
  let best = [0, -1];
  for (let i = 0; i < samples.length;) {
    if (!inside[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < samples.length && inside[j + 1]) j++;
    if (j - i > best[1]! - best[0]!) best = [i, j];
    i = j + 1;
  }
  const [i0, i1] = best as [number, number];
  if (i1 - i0 < 4) throw new Error(`railway ${spec.id} does not cross the city`);
  const line: LonLat[] = [];
  for (let i = i0; i <= i1; i++) {
    if ((i - i0) % VERTEX_EVERY === 0 || i === i1) line.push([round6(samples[i]![0]), round6(samples[i]![1])]);
  }
  return line;
}

/** Sub-line between chainages s0 < s1: interpolated ends plus the vertices in between. */
function subLine(line: readonly LonLat[], cum: readonly number[], s0: number, s1: number): LonLat[] {
  const out: LonLat[] = [];
  const a = pointAlong(line, cum, s0).p;
  out.push([round6(a[0]), round6(a[1])]);
  for (let i = 0; i < line.length; i++) if (cum[i]! > s0 + 1 && cum[i]! < s1 - 1) out.push(line[i]!);
  const b = pointAlong(line, cum, s1).p;
  out.push([round6(b[0]), round6(b[1])]);
  return out;
}

export interface RailwayObjects {
  railways: Railway[];
  zones: Zone[];
  speakers: Speaker[];
  cameras: Camera[];
}

export function buildRailways(ctx: CityContext, rng: Rng): RailwayObjects {
  const result: RailwayObjects = { railways: [], zones: [], speakers: [], cameras: [] };
  for (const spec of ctx.cfg.railways) {
    const r = rng.fork(spec.id);
    const line = traceLine(ctx, spec, r);
    const cum = cumulativeLengths(line);
    const length = cum[cum.length - 1]!;
    result.railways.push({ id: spec.id, name: spec.name, line });

    const sections = Math.max(1, Math.round(length / FENCE_SECTION_M));
    for (let k = 0; k < sections; k++) {
      const s0 = (length * k) / sections;
      const s1 = (length * (k + 1)) / sections;
      const mid = placePoint(ctx, pointAlong(line, cum, (s0 + s1) / 2).p);
      if (!mid) continue;
      result.zones.push({
        id: `${spec.id}-fence-${String(k + 1).padStart(3, '0')}`,
        name: `${spec.name}${chainageLabel(s0)}至${chainageLabel(s1)}电子围栏`,
        kind: 'railway',
        shape: { type: 'corridor', line: subLine(line, cum, s0, s1), halfWidthM: FENCE_HALF_WIDTH_M },
        gridCode: mid.gridCode,
        railwayId: spec.id,
      });
    }

    // Loudspeakers on poles 8 m beside the track, alternating sides, about every kilometre.
    let side = 1;
    for (
      let s = SPEAKER_SPACING_M / 2 + r.float(-80, 80);
      s <= length - 100;
      s += SPEAKER_SPACING_M + r.float(-80, 80)
    ) {
      const at = pointAlong(line, cum, s);
      const b = (at.bearing * Math.PI) / 180;
      const placed = placePoint(ctx, offsetM(at.p, side * 8 * Math.cos(b), -side * 8 * Math.sin(b)));
      side = -side;
      if (!placed) continue;
      const chainageM = Math.round(s * 10) / 10;
      result.speakers.push({
        id: ctx.ids.next(
          centreCode(placed.gridCode),
          INDUSTRY.transportOther,
          DEVICE_TYPE.speaker,
          NETWORK.videoPrivate,
        ),
        name: `${spec.name}${chainageLabel(chainageM)}广播`,
        railwayId: spec.id,
        position: placed.position,
        chainageM,
        gridCode: placed.gridCode,
      });
    }

    // Cameras 20–35 m off the track, looking along it.
    for (let s = ctx.cfg.cameras.railwaySpacingM / 2; s <= length; s += ctx.cfg.cameras.railwaySpacingM) {
      const at = pointAlong(line, cum, s);
      const b = (at.bearing * Math.PI) / 180;
      const off = (r.chance(0.5) ? 1 : -1) * r.float(20, 35);
      const placed = placePoint(ctx, offsetM(at.p, off * Math.cos(b), -off * Math.sin(b)));
      if (!placed) continue;
      const heading = (at.bearing + (r.chance(0.5) ? 0 : 180)) % 360;
      result.cameras.push(
        makeCamera(ctx, r, 'railway', placed.position, placed.gridCode, `${spec.name}${chainageLabel(s)}`, heading),
      );
    }
  }
  return result;
}
