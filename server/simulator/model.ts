/**
 * The demo city's live event model (issue 5): a pure, seeded generator of the events devices and
 * people would send, over simulated time. No I/O, no clock: the same world, seed and start give
 * the same events, in the same order, with the same ids.
 *
 * Three independent Poisson streams, merged by time (each draws from its own labelled random
 * stream, so changing one mix does not reshuffle the others):
 *
 * - **bulk** at `ratePerSec × dayCurve(t)`: access control (55 %: faces at pedestrian gates 65 %,
 *   plates at vehicle gates 35 %; a gate is drawn in proportion to its compound's residents per
 *   gate of that kind, and a 'resident' match names one of them, `attributes.residentId`), camera AI by the camera's device id (30 %: stranger, illegal
 *   parking, crowd, e-bike in lift, high throw, smoke) and reports of the 29 risk categories by grid
 *   workers, citizens and the 12345 hotline at a point inside a grid (15 %). Time-varying rate by
 *   thinning (Lewis–Shedler): arrivals at the curve's peak rate, each kept with probability
 *   curve(t) / peak.
 * - **fence**: railway fence intrusions, `fencePerHour` (default 4) whatever the base rate, at a
 *   point within a few metres of a fence corridor's centre line (so inside the corridor).
 * - **one-key**: a hospital's or school's one-key alarm button, `oneKeyPerDay` (default 1.5).
 *
 * Residents living alone are watched by the absence rule (no access for 48 h → an alarm). Every
 * 7th of them in id order (`hiddenResidents`) is never named, so the demo city keeps raising
 * absence alarms as their last access (stored with the city) ages; the rest pass a gate every few
 * hours. Resident picks draw from their own random stream: the events' other draws are as before.
 *
 * The day/night curve (Beijing time, UTC+8, no DST) is piecewise linear between hourly values
 * (DAY_CURVE_RAW), scaled so that its mean over a day is exactly 1: `ratePerSec` is the average
 * rate over a day. Lowest 02:00-06:00 (about 0.13× the mean at 03:00-04:00), a morning peak at
 * 08:00 (about 1.6×), a plateau through the day (1.0-1.25×) and the evening peak at 18:00-19:00
 * (about 1.9×). At 5 events/s: ~0.65/s at 03:00, ~8/s at 08:00, ~9.5/s at 19:00.
 */
import type { CameraKind, LonLat, MultiPolygon } from '@shared/world';
import { RISK_CATEGORIES, type EventInput, type EventSource, type EventType } from '@shared/ingest';
import { Rng } from '../demo/random';
import { cumulativeLengths, offsetM, pointAlong, pointInMultiPolygon } from '../demo/geo';
import { round6 } from '@shared/geo';
import { createGridLocator, type GridLocator } from '../demo/locate';

type RiskCategory = (typeof RISK_CATEGORIES)[number];

/** What the model needs of the world: a narrow view, so tests can pass small fixtures. */
export interface SimWorld {
  /** Grids (level 'grid'): `center` lies inside; `boundary`, when given, lets report points scatter around it. */
  grids: readonly { code: string; center: LonLat; boundary?: MultiPolygon }[];
  /** Cameras by device id; `kind` steers which cameras report which detections (any camera when absent). */
  cameras: readonly { id: string; kind?: CameraKind }[];
  /** Railway fence corridors (zones of kind 'railway' with a corridor shape). */
  fences: readonly { id: string; railwayId?: string | null; line: readonly LonLat[]; halfWidthM: number }[];
  /** Facilities with a one-key alarm button (hospitals and schools), by device id; `position` places their safety reports. */
  facilities: readonly { id: string; kind: 'hospital' | 'school'; position?: LonLat }[];
  /** Community gates by device id, with their compound (for the residents who pass them). */
  gates: readonly { id: string; kind?: 'pedestrian' | 'vehicle'; communityId?: string }[];
  /** Registered residents by compound; absent: access events name nobody. */
  residents?: readonly { id: string; communityId: string; livingAlone: boolean }[];
}

/** Every this-many-th resident living alone (in id order, from the first) is never named by the simulator. */
export const HIDDEN_EVERY = 7;

/** The residents living alone the simulator never names (see the file comment). */
export function hiddenResidents(residents: readonly { id: string; livingAlone: boolean }[]): Set<string> {
  const alone = residents.filter((r) => r.livingAlone).map((r) => r.id).sort();
  return new Set(alone.filter((_, i) => i % HIDDEN_EVERY === 0));
}

export interface SimOptions {
  seed: number;
  /** Average events per second over a day (the curve's mean is 1); fence and one-key streams come on top. */
  ratePerSec: number;
  /** Simulated start, epoch milliseconds. */
  startMs: number;
  /** Goes into every id (`sim-<runId>-<n>`): give each run its own, or the hub counts a rerun as duplicates. */
  runId?: string;
  /** Fence intrusions per hour (default 4). */
  fencePerHour?: number;
  /** One-key alarms per day (default 1.5). */
  oneKeyPerDay?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BEIJING_OFFSET_MS = 8 * HOUR_MS;

/** Relative activity at each hour 00:00 … 23:00 Beijing time (linear in between, 24:00 = 00:00). */
export const DAY_CURVE_RAW: readonly number[] = [
  0.45, 0.3, 0.15, 0.12, 0.12, 0.15, 0.35, 0.9, // 00-07: night low 02-06, waking up
  1.5, 1.4, 1.1, 1.05, 1.0, 0.95, 1.0, 1.05, // 08-15: morning peak at 08, day plateau
  1.15, 1.45, 1.7, 1.75, 1.5, 1.2, 0.9, 0.65, // 16-23: evening peak 18-19, winding down
];
/** Mean of the piecewise-linear raw curve over a day (periodic trapezoids = mean of the hourly values). */
const RAW_MEAN = DAY_CURVE_RAW.reduce((a, b) => a + b, 0) / DAY_CURVE_RAW.length;
/** The curve's hourly values, scaled to a daily mean of 1. */
export const DAY_CURVE: readonly number[] = DAY_CURVE_RAW.map((v) => v / RAW_MEAN);
const CURVE_MAX = Math.max(...DAY_CURVE);

/** Hour of day in Beijing time, [0, 24). */
export function beijingHour(ms: number): number {
  return ((((ms + BEIJING_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/** Rate factor at an instant (mean 1 over a day). */
export function dayCurve(ms: number): number {
  const h = beijingHour(ms);
  const i = Math.floor(h);
  const a = DAY_CURVE[i % 24]!;
  const b = DAY_CURVE[(i + 1) % 24]!;
  return a + (b - a) * (h - i);
}

/** ISO 8601 in Beijing time: 2026-11-22T20:00:00.000+08:00. */
export function beijingIso(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().replace('Z', '+08:00');
}

// ---- the mix -------------------------------------------------------------------------------

const BULK_KINDS = ['access', 'camera', 'report'] as const;
const BULK_WEIGHTS = [0.55, 0.3, 0.15];

/** Share of access events that are plate reads (at vehicle gates); the rest are faces at pedestrian gates. */
const PLATE_SHARE = 0.35;

type CameraType = 'stranger' | 'illegal_parking' | 'crowd' | 'ebike_in_lift' | 'high_throw' | 'smoke';
/** Camera AI detections: weight, severity, and the camera kinds that see them (any camera if none of those exist). */
const CAMERA_TYPES: readonly { type: CameraType; weight: number; severity: number; kinds: readonly CameraKind[] }[] = [
  { type: 'stranger', weight: 0.35, severity: 2, kinds: ['community', 'ai'] },
  { type: 'illegal_parking', weight: 0.25, severity: 1, kinds: ['city_hd', 'ai'] },
  { type: 'crowd', weight: 0.12, severity: 2, kinds: ['ai', 'city_hd', 'social'] },
  { type: 'ebike_in_lift', weight: 0.12, severity: 2, kinds: ['community'] },
  { type: 'high_throw', weight: 0.08, severity: 3, kinds: ['community'] },
  { type: 'smoke', weight: 0.08, severity: 3, kinds: ['ai', 'city_hd', 'social', 'community'] },
];

const REPORT_SOURCES: readonly EventSource[] = ['grid_worker', 'citizen', 'hotline'];
const REPORT_SOURCE_WEIGHTS = [0.5, 0.35, 0.15];

/** How often each of the 29 categories is reported (relative), and its severity. */
const CATEGORY_TABLE: Record<RiskCategory, { weight: number; severity: number }> = {
  public_order: { weight: 6, severity: 2 },
  criminal_case: { weight: 1, severity: 3 },
  theft: { weight: 4, severity: 2 },
  fraud: { weight: 3, severity: 2 },
  dispute_neighbour: { weight: 6, severity: 2 },
  dispute_family: { weight: 3, severity: 2 },
  dispute_property: { weight: 4, severity: 2 },
  dispute_labour: { weight: 2, severity: 2 },
  dispute_land: { weight: 1, severity: 2 },
  dispute_traffic: { weight: 3, severity: 2 },
  dispute_consumer: { weight: 2, severity: 1 },
  petition: { weight: 1, severity: 2 },
  fire_hazard: { weight: 4, severity: 3 },
  ebike_violation: { weight: 6, severity: 2 },
  high_throw: { weight: 2, severity: 3 },
  gas_hazard: { weight: 2, severity: 3 },
  building_hazard: { weight: 2, severity: 2 },
  road_facility: { weight: 5, severity: 1 },
  illegal_parking: { weight: 8, severity: 1 },
  street_vending: { weight: 7, severity: 1 },
  noise: { weight: 7, severity: 1 },
  sanitation: { weight: 9, severity: 1 },
  illegal_building: { weight: 3, severity: 1 },
  railway_safety: { weight: 1, severity: 3 },
  school_safety: { weight: 1, severity: 2 },
  hospital_safety: { weight: 1, severity: 2 },
  key_person: { weight: 2, severity: 2 },
  vulnerable_care: { weight: 3, severity: 1 },
  crowd_gathering: { weight: 2, severity: 2 },
};
const CATEGORY_WEIGHTS = RISK_CATEGORIES.map((c) => CATEGORY_TABLE[c].weight);

/** Report points scatter up to this far from a grid's centre (kept only inside the grid). */
const REPORT_JITTER_M = 150;
/** Fence intrusions lie at most this far from the centre line (and never beyond 60 % of the half-width). */
const FENCE_OFFSET_M = 12;

// ---- the generator -------------------------------------------------------------------------

interface Stream {
  rng: Rng;
  /** Arrival rate at its peak, per ms. */
  peakPerMs: number;
  /** Fraction of peak at an instant (1 for a constant rate). */
  accept: (ms: number) => number;
  make: (ms: number, rng: Rng) => EventInput | null;
  next: number;
}

export interface EventModel {
  /** Every event due at or before `ms`, in time order (advances the model). */
  until(ms: number): EventInput[];
  /** Forget the arrivals before `ms` (after a pause: no flood of stale events). Poisson streams are memoryless. */
  skipTo(ms: number): void;
  /** How many events have been produced. */
  readonly produced: number;
}

export function createEventModel(world: SimWorld, opts: SimOptions): EventModel {
  if (!(opts.ratePerSec >= 0) || !Number.isFinite(opts.ratePerSec)) throw new Error(`ratePerSec must be a finite number >= 0 (got ${opts.ratePerSec})`);
  const root = Rng.fromSeed(opts.seed).fork('simulator');
  const runId = opts.runId ?? String(opts.seed);
  const fencePerHour = opts.fencePerHour ?? 4;
  const oneKeyPerDay = opts.oneKeyPerDay ?? 1.5;
  let n = 0;
  const nextId = () => `sim-${runId}-${++n}`;

  const pick = buildPickers(world);
  const residentRng = root.fork('residents');
  /** A resident of the gate's compound for a 'resident' match, when the world has them. */
  const residentAt = (gateId: string): { residentId: string } | Record<string, never> => {
    const list = pick.residentsAt(gateId);
    return list && list.length ? { residentId: residentRng.pick(list) } : {};
  };

  const base = (ms: number, source: EventSource, type: EventType, rest: Omit<EventInput, 'id' | 'source' | 'type' | 'at'>): EventInput => ({
    id: nextId(),
    source,
    type,
    at: beijingIso(ms),
    ...rest,
  });

  const makeBulk = (ms: number, rng: Rng): EventInput | null => {
    const weights = BULK_WEIGHTS.map((w, i) => (pick.has[BULK_KINDS[i]!] ? w : 0));
    if (!weights.some((w) => w > 0)) return null;
    const kind = BULK_KINDS[rng.weightedIndex(weights)]!;
    if (kind === 'access') {
      const vehicle = rng.chance(PLATE_SHARE);
      const gate = vehicle ? pick.vehicleGate(rng) : pick.pedestrianGate(rng);
      const direction = rng.chance(0.5) ? 'in' : 'out';
      if (vehicle) {
        const p = plate(rng);
        const match = rng.chance(0.85) ? 'resident' : 'visitor';
        return base(ms, 'access', 'plate_access', { deviceId: gate.id, attributes: { sim: true, direction, plate: p, match, ...(match === 'resident' ? residentAt(gate.id) : {}) } });
      }
      const match = rng.chance(0.9) ? 'resident' : rng.chance(0.7) ? 'visitor' : 'unknown';
      return base(ms, 'access', 'face_access', { deviceId: gate.id, attributes: { sim: true, direction, match, ...(match === 'resident' ? residentAt(gate.id) : {}) } });
    }
    if (kind === 'camera') {
      const t = CAMERA_TYPES[rng.weightedIndex(CAMERA_TYPES.map((c) => c.weight))]!;
      const cam = rng.pick(pick.camerasFor(t.type));
      return base(ms, 'camera', t.type, { deviceId: cam.id, severity: t.severity, attributes: { sim: true, confidence: Math.round(rng.float(0.6, 0.99) * 100) / 100 } });
    }
    const source = REPORT_SOURCES[rng.weightedIndex(REPORT_SOURCE_WEIGHTS)]!;
    const category = RISK_CATEGORIES[rng.weightedIndex(CATEGORY_WEIGHTS)]!;
    const p = pick.reportPoint(category, rng);
    return base(ms, source, category, { location: { lon: p[0], lat: p[1] }, severity: CATEGORY_TABLE[category].severity, attributes: { sim: true } });
  };

  const makeFence = (ms: number, rng: Rng): EventInput | null => {
    if (!pick.has.fence) return null;
    const f = pick.fencePoint(rng);
    return base(ms, 'fence', 'fence_intrusion', {
      location: { lon: f.p[0], lat: f.p[1] },
      severity: 3,
      attributes: { sim: true, zoneId: f.zoneId, ...(f.railwayId ? { railwayId: f.railwayId } : {}), offsetM: f.offsetM, target: rng.chance(0.8) ? 'person' : 'animal' },
    });
  };

  const makeOneKey = (ms: number, rng: Rng): EventInput | null => {
    if (world.facilities.length === 0) return null;
    const f = rng.pick(world.facilities);
    return base(ms, 'alarm_button', 'one_key_alarm', { deviceId: f.id, severity: 4, attributes: { sim: true, facilityKind: f.kind } });
  };

  const streams: Stream[] = [
    { rng: root.fork('bulk'), peakPerMs: (opts.ratePerSec * CURVE_MAX) / 1000, accept: (ms) => dayCurve(ms) / CURVE_MAX, make: makeBulk, next: 0 },
    { rng: root.fork('fence'), peakPerMs: fencePerHour / HOUR_MS, accept: () => 1, make: makeFence, next: 0 },
    { rng: root.fork('one-key'), peakPerMs: oneKeyPerDay / DAY_MS, accept: () => 1, make: makeOneKey, next: 0 },
  ];
  /** The next candidate arrival after `from` (before thinning). */
  const draw = (s: Stream, from: number) => (s.peakPerMs > 0 ? from - Math.log(1 - s.rng.next()) / s.peakPerMs : Infinity);
  for (const s of streams) s.next = draw(s, opts.startMs);

  return {
    until(ms) {
      const out: EventInput[] = [];
      for (;;) {
        let s: Stream | undefined;
        for (const c of streams) if (c.next <= ms && (!s || c.next < s.next)) s = c;
        if (!s) return out;
        const t = s.next;
        s.next = draw(s, t);
        if (s.rng.next() >= s.accept(t)) continue;
        const e = s.make(Math.floor(t), s.rng);
        if (e) out.push(e);
      }
    },
    skipTo(ms) {
      for (const s of streams) if (s.next < ms) s.next = draw(s, ms);
    },
    get produced() {
      return n;
    },
  };
}

/** All events from `opts.startMs` to `endMs` (tests, and replaying a day). */
export function generateEvents(world: SimWorld, opts: SimOptions, endMs: number): EventInput[] {
  return createEventModel(world, opts).until(endMs);
}

// ---- places --------------------------------------------------------------------------------

function buildPickers(world: SimWorld) {
  const allCameras = world.cameras;
  const byType = new Map<CameraType, readonly { id: string }[]>();
  for (const t of CAMERA_TYPES) {
    const fit = allCameras.filter((c) => c.kind !== undefined && t.kinds.includes(c.kind));
    byType.set(t.type, fit.length ? fit : allCameras);
  }
  const schools = world.facilities.filter((f) => f.kind === 'school' && f.position);
  const hospitals = world.facilities.filter((f) => f.kind === 'hospital' && f.position);

  // Fences weighted by length; a point along one, then sideways by a few metres.
  const fences = world.fences
    .filter((f) => f.line.length >= 2)
    .map((f) => {
      const cum = cumulativeLengths(f.line);
      return { f, cum, length: cum[cum.length - 1]! };
    })
    .filter((x) => x.length > 0);
  const fenceWeights = fences.map((x) => x.length);
  // With boundaries, a fence point near the city's edge is checked to lie in some grid.
  const withBoundary = world.grids.filter((g) => g.boundary);
  const locator: GridLocator | null = withBoundary.length
    ? createGridLocator(withBoundary.map((g) => ({ code: g.code, parentCode: null, level: 'grid', name: g.code, boundary: g.boundary!, center: g.center })))
    : null;

  const fencePoint = (rng: Rng): { p: LonLat; zoneId: string; railwayId: string | null; offsetM: number } => {
    const x = fences[rng.weightedIndex(fenceWeights)]!;
    const along = pointAlong(x.f.line, x.cum, rng.float(0, x.length));
    const max = Math.min(FENCE_OFFSET_M, 0.6 * x.f.halfWidthM);
    let p = along.p;
    let off = 0;
    for (let tries = 0; tries < 4; tries++) {
      const o = rng.float(-max, max);
      const b = (along.bearing * Math.PI) / 180;
      // Perpendicular to the bearing (east, north) = (sin b, cos b): (cos b, -sin b).
      const q = offsetM(along.p, o * Math.cos(b), -o * Math.sin(b));
      if (!locator || locator.locate(q) !== null) {
        p = q;
        off = o;
        break;
      }
    }
    return { p: [round6(p[0]), round6(p[1])], zoneId: x.f.id, railwayId: x.f.railwayId ?? null, offsetM: Math.round(Math.abs(off) * 10) / 10 };
  };

  const gridPoint = (rng: Rng): LonLat => {
    const g = rng.pick(world.grids);
    if (g.boundary) {
      for (let tries = 0; tries < 3; tries++) {
        const q = offsetM(g.center, rng.float(-REPORT_JITTER_M, REPORT_JITTER_M), rng.float(-REPORT_JITTER_M, REPORT_JITTER_M));
        const r: LonLat = [round6(q[0]), round6(q[1])];
        if (pointInMultiPolygon(r[0], r[1], g.boundary)) return r;
      }
    }
    return g.center;
  };

  const reportPoint = (category: RiskCategory, rng: Rng): LonLat => {
    if (category === 'railway_safety' && fences.length && rng.chance(0.8)) return fencePoint(rng).p;
    if (category === 'school_safety' && schools.length) return rng.pick(schools).position!;
    if (category === 'hospital_safety' && hospitals.length) return rng.pick(hospitals).position!;
    return gridPoint(rng);
  };

  // Residents the simulator names, by compound; gates weighted by their compound's residents per
  // gate of the kind, so every resident passes a gate about as often wherever they live.
  const hidden = hiddenResidents(world.residents ?? []);
  const shown = new Map<string, string[]>();
  const population = new Map<string, number>();
  for (const r of world.residents ?? []) {
    population.set(r.communityId, (population.get(r.communityId) ?? 0) + 1);
    if (hidden.has(r.id)) continue;
    const list = shown.get(r.communityId);
    if (list) list.push(r.id);
    else shown.set(r.communityId, [r.id]);
  }
  const communityOfGate = new Map(world.gates.map((g) => [g.id, g.communityId]));
  const gatesOf = (kind: 'pedestrian' | 'vehicle') => {
    const fit = world.gates.filter((g) => g.kind === kind || g.kind === undefined);
    const list = fit.length ? fit : world.gates;
    const perCommunity = new Map<string | undefined, number>();
    for (const g of list) perCommunity.set(g.communityId, (perCommunity.get(g.communityId) ?? 0) + 1);
    // Without residents every gate weighs 1 (the same draw as rng.pick).
    const weights = list.map((g) => (population.size && g.communityId !== undefined ? Math.max(1, population.get(g.communityId) ?? 0) / perCommunity.get(g.communityId)! : 1));
    return { list, draw: weightedDraw(weights) };
  };
  const pedestrian = gatesOf('pedestrian');
  const vehicle = gatesOf('vehicle');

  return {
    pedestrianGate: (rng: Rng) => pedestrian.list[pedestrian.draw(rng)]!,
    vehicleGate: (rng: Rng) => vehicle.list[vehicle.draw(rng)]!,
    residentsAt: (gateId: string): readonly string[] | undefined => {
      const c = communityOfGate.get(gateId);
      return c === undefined ? undefined : shown.get(c);
    },
    has: { access: world.gates.length > 0, camera: allCameras.length > 0, report: world.grids.length > 0, fence: fences.length > 0 },
    camerasFor: (t: CameraType) => byType.get(t)!,
    fencePoint,
    reportPoint,
  };
}

/**
 * An index drawn with probability proportional to its weight, by binary search over the running
 * sums: one random number per draw, like rng.pick (so equal weights give rng.pick's draw).
 */
function weightedDraw(weights: readonly number[]): (rng: Rng) => number {
  const cum = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => (cum[i] = total += w));
  return (rng) => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** A Nanchang plate: 赣A, then five letters (no I or O) or digits. */
const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
function plate(rng: Rng): string {
  let s = '赣A';
  for (let i = 0; i < 5; i++) s += PLATE_CHARS[rng.int(0, PLATE_CHARS.length - 1)]!;
  return s;
}
