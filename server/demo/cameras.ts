/**
 * Street cameras: city-built HD (雪亮工程), AI and social (shops, banks, companies) cameras,
 * spread over the grids. Community and railway cameras are made by communities.ts and railway.ts
 * with the same factory.
 *
 * Density: counts per grid follow a downtown profile times a per-grid "activity" factor (busy
 * streets have more shop cameras), on top of grids being smaller downtown.
 */
import type { Camera, CameraKind, LonLat } from '@shared/world';
import { downtownWeight, roadOf, type CityContext } from './context';
import { centreCode, DEVICE_TYPE, INDUSTRY, NETWORK } from './device-ids';
import { randomCellPoint } from './lattice';
import { allocate, type Rng } from './random';

/**
 * The demo streams the hub really serves (public/streams/demo/, made by
 * scripts/make-demo-streams.sh): four short HLS clips and one HTTP-FLV file, looped by the card.
 */
export const DEMO_STREAM_URLS = [
  '/streams/demo/cam-1/index.m3u8',
  '/streams/demo/cam-2/index.m3u8',
  '/streams/demo/cam-3/index.m3u8',
  '/streams/demo/cam-4/index.m3u8',
  '/streams/demo/cam-5.flv',
] as const;
/** The first clip; kept as the name other modules import. */
export const DEMO_STREAM_URL: string = DEMO_STREAM_URLS[0];
/** A URL with nothing behind it, so the card's error path is exercised by real data. */
export const DEMO_BROKEN_STREAM_URL = '/streams/demo/missing/index.m3u8';
/** Share of social cameras not connected to the video platform (streamUrl null). */
export const DEMO_UNCONNECTED_SOCIAL_SHARE = 0.05;
/** Share of all cameras whose stream URL is broken. */
export const DEMO_BROKEN_SHARE = 0.005;

/**
 * 32-bit FNV-1a of the device id, finished with murmur3's fmix32 so nearby serials spread evenly.
 * Stream URLs are derived from the id rather than drawn from the camera stream: adding them must
 * not shift any draw, so a seed keeps its city (positions, ids, statuses) apart from the URLs.
 */
function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The demo stream URL of a camera: a pure function of its kind and id. */
export function demoStreamUrl(kind: CameraKind, id: string): string | null {
  const h = idHash(id);
  const u = (h & 0xffff) / 0x10000; // low 16 bits: which case
  if (u < DEMO_BROKEN_SHARE) return DEMO_BROKEN_STREAM_URL;
  if (kind === 'social' && u < DEMO_BROKEN_SHARE + DEMO_UNCONNECTED_SOCIAL_SHARE) return null;
  return DEMO_STREAM_URLS[(h >>> 16) % DEMO_STREAM_URLS.length]!; // high 16 bits: which clip
}

/** Share of cameras online at seed time; the rest are offline (none alarming yet). */
const ONLINE_SHARE = 0.95;

interface KindProfile {
  fov: readonly [number, number];
  rangeM: readonly [number, number];
  suffix: string;
}
const PROFILES: Record<CameraKind, KindProfile> = {
  city_hd: { fov: [50, 90], rangeM: [60, 150], suffix: '高清监控' },
  ai: { fov: [40, 70], rangeM: [50, 120], suffix: 'AI智能监控' },
  social: { fov: [60, 120], rangeM: [30, 80], suffix: '社会面监控' },
  community: { fov: [70, 110], rangeM: [30, 60], suffix: '小区监控' },
  railway: { fov: [40, 60], rangeM: [100, 150], suffix: '铁路监控' },
};

/** Device id for a camera of `kind` in grid `gridCode` (see device-ids.ts for the codes). */
function cameraId(ctx: CityContext, kind: CameraKind, gridCode: string, rng: Rng): string {
  const centre = centreCode(gridCode);
  switch (kind) {
    case 'city_hd':
    case 'ai':
      return ctx.ids.next(centre, INDUSTRY.road, DEVICE_TYPE.ipCamera, NETWORK.videoPrivate);
    case 'social': {
      const industry = rng.pick([INDUSTRY.hospitality, INDUSTRY.finance, INDUSTRY.business]);
      const type = rng.chance(0.3) ? DEVICE_TYPE.camera : DEVICE_TYPE.ipCamera;
      return ctx.ids.next(centre, industry, type, NETWORK.socialResource);
    }
    case 'community':
      return ctx.ids.next(centre, INDUSTRY.community, DEVICE_TYPE.ipCamera, NETWORK.socialResource);
    case 'railway':
      return ctx.ids.next(centre, INDUSTRY.transportOther, DEVICE_TYPE.ipCamera, NETWORK.videoPrivate);
  }
}

export function makeCamera(
  ctx: CityContext,
  rng: Rng,
  kind: CameraKind,
  position: LonLat,
  gridCode: string,
  name: string,
  heading?: number,
): Camera {
  const prof = PROFILES[kind];
  const h = heading ?? rng.next() * 360;
  const id = cameraId(ctx, kind, gridCode, rng);
  return {
    id,
    name: name + prof.suffix,
    kind,
    status: rng.chance(ONLINE_SHARE) ? 'online' : 'offline',
    position,
    heading: (Math.round(h * 10) / 10) % 360,
    fov: rng.int(prof.fov[0], prof.fov[1]),
    rangeM: rng.int(prof.rangeM[0], prof.rangeM[1]),
    streamUrl: demoStreamUrl(kind, id),
    gridCode,
  };
}

/** City HD, AI and social cameras, each strictly inside its grid. */
export function streetCameras(ctx: CityContext, rng: Rng): Camera[] {
  const { lat, cfg, tree } = ctx;
  const activity = new Float64Array(lat.n);
  for (let c = 0; c < lat.n; c++) activity[c] = rng.float(0.4, 1.6);
  const weights: Record<'city_hd' | 'ai' | 'social', Float64Array> = {
    city_hd: new Float64Array(lat.n),
    ai: new Float64Array(lat.n),
    social: new Float64Array(lat.n),
  };
  for (let c = 0; c < lat.n; c++) {
    const a = activity[c]!;
    weights.city_hd[c] = downtownWeight(ctx, c, 1.2, 0.45) * (0.7 + 0.3 * a);
    weights.ai[c] = downtownWeight(ctx, c, 0.8, 0.15) * a;
    weights.social[c] = downtownWeight(ctx, c, 1, 0.2) * a * a;
  }
  const totals = { city_hd: cfg.cameras.cityHd, ai: cfg.cameras.ai, social: cfg.cameras.social };
  const out: Camera[] = [];
  for (const kind of ['city_hd', 'ai', 'social'] as const) {
    const counts = allocate(weights[kind], totals[kind], rng);
    for (let c = 0; c < lat.n; c++) {
      const gridCode = tree.gridCode[c]!;
      for (let t = counts[c]!; t > 0; t--) {
        const position = randomCellPoint(lat, c, rng);
        const name = `${roadOf(ctx, c, rng)}${rng.int(1, 399)}号`;
        out.push(makeCamera(ctx, rng, kind, position, gridCode, name));
      }
    }
  }
  return out;
}
