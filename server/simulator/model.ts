/**
 * The demo city's live event model (issue 5): a pure, seeded generator of the events devices and
 * people would send, over simulated time. No I/O, no clock: the same world, seed and start give
 * the same events, in the same order, with the same ids.
 *
 * Three independent Poisson streams, merged by time (each draws from its own labelled random
 * stream, so changing one mix does not reshuffle the others):
 *
 * - **bulk** at `ratePerSec × dayCurve(t)` (day-curve.ts): access control (55 %: faces at
 *   pedestrian gates 65 %, plates at vehicle gates 35 %; a gate is drawn in proportion to its
 *   compound's residents per gate of that kind, and a 'resident' match names one of them,
 *   `attributes.residentId`), camera AI by the camera's device id (30 %: stranger, illegal
 *   parking, crowd, e-bike in lift, high throw, smoke) and reports of the 29 risk categories by grid
 *   workers, citizens and the 12345 hotline at a point inside a grid (15 %); the mix is in
 *   event-mix.ts, the places in places.ts. Time-varying rate by thinning (Lewis–Shedler): arrivals
 *   at the curve's peak rate, each kept with probability curve(t) / peak.
 * - **fence**: railway fence intrusions, `fencePerHour` (default 3) whatever the base rate, at a
 *   point within a few metres of a fence corridor's centre line (so inside the corridor).
 * - **one-key**: a hospital's or school's one-key alarm button, `oneKeyPerDay` (default 1.5).
 *
 * Resident picks draw from their own random stream: the events' other draws are as before.
 */
import { RISK_CATEGORIES, type EventInput, type EventSource, type EventType } from '@shared/ingest';
import { Rng } from '@server/demo/random';
import { beijingIso, CURVE_MAX, DAY_MS, dayCurve, HOUR_MS } from './day-curve';
import {
  BULK_KINDS,
  BULK_WEIGHTS,
  CAMERA_TYPES,
  CATEGORY_TABLE,
  CATEGORY_WEIGHTS,
  PLATE_SHARE,
  plate,
  REPORT_SOURCE_WEIGHTS,
  REPORT_SOURCES,
} from './event-mix';
import { buildPickers } from './places';
import type { SimWorld } from './world';

export interface SimOptions {
  seed: number;
  /** Average events per second over a day (the curve's mean is 1); fence and one-key streams come on top. */
  ratePerSec: number;
  /** Simulated start, epoch milliseconds. */
  startMs: number;
  /** Goes into every id (`sim-<runId>-<n>`): give each run its own, or the hub counts a rerun as duplicates. */
  runId?: string;
  /** Fence intrusions per hour (default 3: with the railway-safety reports at the fence, a few fence alarms an hour). */
  fencePerHour?: number;
  /** One-key alarms per day (default 1.5). */
  oneKeyPerDay?: number;
}

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
  if (!(opts.ratePerSec >= 0) || !Number.isFinite(opts.ratePerSec))
    throw new Error(`ratePerSec must be a finite number >= 0 (got ${opts.ratePerSec})`);
  const root = Rng.fromSeed(opts.seed).fork('simulator');
  const runId = opts.runId ?? String(opts.seed);
  const fencePerHour = opts.fencePerHour ?? 3;
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

  const base = (
    ms: number,
    source: EventSource,
    type: EventType,
    rest: Omit<EventInput, 'id' | 'source' | 'type' | 'at'>,
  ): EventInput => ({
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
        return base(ms, 'access', 'plate_access', {
          deviceId: gate.id,
          attributes: { sim: true, direction, plate: p, match, ...(match === 'resident' ? residentAt(gate.id) : {}) },
        });
      }
      const match = rng.chance(0.9) ? 'resident' : rng.chance(0.7) ? 'visitor' : 'unknown';
      return base(ms, 'access', 'face_access', {
        deviceId: gate.id,
        attributes: { sim: true, direction, match, ...(match === 'resident' ? residentAt(gate.id) : {}) },
      });
    }
    if (kind === 'camera') {
      const t = CAMERA_TYPES[rng.weightedIndex(CAMERA_TYPES.map((c) => c.weight))]!;
      const cam = rng.pick(pick.camerasFor(t.type));
      return base(ms, 'camera', t.type, {
        deviceId: cam.id,
        severity: t.severity,
        attributes: { sim: true, confidence: Math.round(rng.float(0.6, 0.99) * 100) / 100 },
      });
    }
    const source = REPORT_SOURCES[rng.weightedIndex(REPORT_SOURCE_WEIGHTS)]!;
    const category = RISK_CATEGORIES[rng.weightedIndex(CATEGORY_WEIGHTS)]!;
    const p = pick.reportPoint(category, rng);
    return base(ms, source, category, {
      location: { lon: p[0], lat: p[1] },
      severity: CATEGORY_TABLE[category].severity,
      attributes: { sim: true },
    });
  };

  const makeFence = (ms: number, rng: Rng): EventInput | null => {
    if (!pick.has.fence) return null;
    const f = pick.fencePoint(rng);
    return base(ms, 'fence', 'fence_intrusion', {
      location: { lon: f.p[0], lat: f.p[1] },
      severity: 3,
      attributes: {
        sim: true,
        zoneId: f.zoneId,
        ...(f.railwayId ? { railwayId: f.railwayId } : {}),
        offsetM: f.offsetM,
        target: rng.chance(0.8) ? 'person' : 'animal',
      },
    });
  };

  const makeOneKey = (ms: number, rng: Rng): EventInput | null => {
    if (world.facilities.length === 0) return null;
    const f = rng.pick(world.facilities);
    return base(ms, 'alarm_button', 'one_key_alarm', {
      deviceId: f.id,
      severity: 4,
      attributes: { sim: true, facilityKind: f.kind },
    });
  };

  const streams: Stream[] = [
    {
      rng: root.fork('bulk'),
      peakPerMs: (opts.ratePerSec * CURVE_MAX) / 1000,
      accept: (ms) => dayCurve(ms) / CURVE_MAX,
      make: makeBulk,
      next: 0,
    },
    { rng: root.fork('fence'), peakPerMs: fencePerHour / HOUR_MS, accept: () => 1, make: makeFence, next: 0 },
    { rng: root.fork('one-key'), peakPerMs: oneKeyPerDay / DAY_MS, accept: () => 1, make: makeOneKey, next: 0 },
  ];
  /** The next candidate arrival after `from` (before thinning). */
  const draw = (s: Stream, from: number) =>
    s.peakPerMs > 0 ? from - Math.log(1 - s.rng.next()) / s.peakPerMs : Infinity;
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
