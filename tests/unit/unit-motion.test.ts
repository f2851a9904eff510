/**
 * Units moving along roads (issue 6): the road graph (crossings, shared and nearby ends, snapping),
 * patrol speeds, dead ends, the home radius, trips by road (goTo), statuses, determinism, and the
 * runner's ticking and failure handling. Synthetic networks are laid out in metres around a point
 * of the demo city; the real demo city's roads check that units stay on them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { generateDemoCity } from '@server/demo';
import { offsetM, planarDistanceM } from '@server/demo/geo';
import { round6 } from '@shared/geo';
import { createRoadNetwork } from '@server/simulator/road-build';
import type { RoadInput } from '@server/simulator/road-network';
import { createUnitMotion, type UnitMotion } from '@server/simulator/unit-motion';
import { DRIVE_KMH, HOME_RADIUS_M, PATROL_KMH, type MotionUnit } from '@server/simulator/unit-state';
import { startUnitMotion, type UnitMotionRunner } from '@server/simulator/unit-runner';
import type { LonLat, UnitStatus } from '@shared/world';

const O: LonLat = [115.9, 28.68];
/** A point `east`, `north` metres from O. */
const at = (east: number, north: number): LonLat => offsetM(O, east, north);
const road = (pts: [number, number][], cls = 'secondary'): RoadInput => ({
  coordinates: pts.map(([e, n]) => at(e, n)),
  class: cls,
});
/** Metres east/north of O (inverse of `at`, to well under a centimetre here). */
const local = (p: LonLat): [number, number] => [
  Math.sign(p[0] - O[0]) * planarDistanceM(O, [p[0], O[1]]),
  Math.sign(p[1] - O[1]) * planarDistanceM(O, [O[0], p[1]]),
];

const unit = (id: string, kind: string, position: LonLat, status: UnitStatus = 'available'): MotionUnit => ({
  id,
  kind,
  status,
  position,
  homeRegionCode: '360000',
});

/** Metres from p to the nearest segment of the roads as given (brute force: the reference). */
function distanceToRoads(roads: readonly RoadInput[], p: LonLat): number {
  const kx = planarDistanceM([p[0], p[1]], [p[0] + 1, p[1]]);
  const ky = planarDistanceM([p[0], p[1]], [p[0], p[1] + 1]);
  let best = Infinity;
  for (const r of roads) {
    for (let i = 1; i < r.coordinates.length; i++) {
      const a = r.coordinates[i - 1]!,
        b = r.coordinates[i]!;
      const ax = (a[0] - p[0]) * kx,
        ay = (a[1] - p[1]) * ky,
        bx = (b[0] - p[0]) * kx,
        by = (b[1] - p[1]) * ky;
      const dx = bx - ax,
        dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return best;
}

/** A square grid: n east-west and n north-south roads `spacing` apart, each one straight line (no shared vertices). */
function grid(n: number, spacing: number): RoadInput[] {
  const size = (n - 1) * spacing;
  const out: RoadInput[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      road(
        [
          [0, i * spacing],
          [size, i * spacing],
        ],
        i % 2 ? 'secondary' : 'primary',
      ),
    );
    out.push(
      road([
        [i * spacing, 0],
        [i * spacing, size],
      ]),
    );
  }
  return out;
}

/** Step until `done` (at most maxMs); returns the simulated ms it took. */
function stepUntil(m: UnitMotion, dtMs: number, maxMs: number, done: () => boolean): number {
  let t = 0;
  while (!done() && t < maxMs) {
    m.step(dtMs);
    t += dtMs;
  }
  return t;
}

describe('createRoadNetwork', () => {
  it('splits roads where they cross between their vertices: a crossing is a junction', () => {
    const net = createRoadNetwork([
      road([
        [-500, 0],
        [500, 0],
      ]),
      road([
        [0, -500],
        [0, 500],
      ]),
    ]);
    expect(net.nodeCount).toBe(5);
    expect(net.edgeCount).toBe(4);
    const centre = [...Array(net.nodeCount).keys()].find((k) => net.degree(k) === 4)!;
    expect(Math.hypot(net.nodeX[centre]! - net.frame.x(O[0]), net.nodeY[centre]! - net.frame.y(O[1]))).toBeLessThan(
      0.01,
    );
    expect(new Set(net.component).size).toBe(1);
  });

  it('joins roads that share an end, or whose end stops a few metres short of another road; not roads 20 m apart', () => {
    const shared = createRoadNetwork([
      road([
        [0, 0],
        [100, 0],
      ]),
      road([
        [100, 0],
        [200, 50],
      ]),
    ]);
    expect(shared.nodeCount).toBe(3);
    expect(new Set(shared.component).size).toBe(1);

    // A side road ending 3 m short of the main road: a T-junction on the main road.
    const tee = createRoadNetwork([
      road([
        [0, 0],
        [400, 0],
      ]),
      road([
        [150, 3],
        [150, 300],
      ]),
    ]);
    expect(new Set(tee.component).size).toBe(1);
    const t = [...Array(tee.nodeCount).keys()].find((k) => tee.degree(k) === 3)!;
    expect(tee.nodeY[t]! - tee.frame.y(O[1])).toBeCloseTo(0, 1);

    const apart = createRoadNetwork([
      road([
        [0, 0],
        [400, 0],
      ]),
      road([
        [150, 20],
        [150, 300],
      ]),
    ]);
    expect(new Set(apart.component).size).toBe(2);
  });

  it('snaps a point to the nearest road point, and answers null without roads', () => {
    const net = createRoadNetwork([
      road([
        [0, 0],
        [1_000, 0],
      ]),
      road([
        [0, 200],
        [1_000, 200],
      ]),
    ]);
    const s = net.snap(at(300, 30))!;
    expect(s.distanceM).toBeCloseTo(30, 0);
    expect(planarDistanceM(s.position, at(300, 0))).toBeLessThan(0.05);
    const beyond = net.snap(at(1_100, 170))!;
    expect(planarDistanceM(beyond.position, at(1_000, 200))).toBeLessThan(0.05);
    expect(beyond.distanceM).toBeCloseTo(Math.hypot(100, 30), 0);
    // Far outside the network's box (the search grows until it finds a road).
    expect(net.snap(at(-30_000, 100))!.distanceM).toBeCloseTo(30_000, -2);
    expect(createRoadNetwork([]).snap(O)).toBeNull();
    expect(createRoadNetwork([road([[5, 5]])]).edgeCount).toBe(0);
  });
});

describe('createUnitMotion: patrols', () => {
  const straight = [
    road([
      [-5_000, 0],
      [5_000, 0],
    ]),
  ];

  it('moves each kind at its patrol speed (60 s on a straight road, within 10 %); station kinds wait', () => {
    const net = createRoadNetwork(straight);
    const kinds = Object.keys(PATROL_KMH);
    const m = createUnitMotion(
      kinds.map((k) => unit(k, k, at(0, 0))),
      net,
      { seed: 3 },
    );
    for (let i = 0; i < 12; i++) m.step(5_000);
    for (const k of kinds) {
      const moved = planarDistanceM(at(0, 0), m.get(k)!.position);
      const expected = (PATROL_KMH[k]! / 3.6) * 60;
      if (expected === 0) expect(moved, k).toBeLessThan(1e-6);
      else expect(Math.abs(moved - expected) / expected, k).toBeLessThan(0.1);
    }
  });

  it('moves each kind at its driving speed on a trip (goTo)', () => {
    const net = createRoadNetwork(straight);
    const kinds = Object.keys(DRIVE_KMH);
    const m = createUnitMotion(
      kinds.map((k) => unit(k, k, at(-4_000, 0))),
      net,
      { seed: 3 },
    );
    for (const k of kinds) m.goTo(k, at(4_000, 0));
    for (let i = 0; i < 12; i++) m.step(5_000);
    for (const k of kinds) {
      const moved = planarDistanceM(at(-4_000, 0), m.get(k)!.position);
      const expected = (DRIVE_KMH[k]! / 3.6) * 60;
      expect(Math.abs(moved - expected) / expected, k).toBeLessThan(0.1);
      expect(m.get(k)!.mode).toBe('trip');
    }
  });

  it('turns back at a dead end, and never leaves the road', () => {
    const roads = [
      road([
        [0, 0],
        [300, 0],
      ]),
    ];
    const m = createUnitMotion([unit('car', 'patrol_car', at(150, 0))], createRoadNetwork(roads), { seed: 1 });
    const xs: number[] = [];
    for (let i = 0; i < 180; i++) {
      m.step(1_000);
      const p = m.get('car')!.position;
      expect(distanceToRoads(roads, p)).toBeLessThan(0.2);
      xs.push(local(p)[0]);
    }
    // 8.3 m/s for 3 minutes = 1.5 km on a 300 m road: it went from end to end and back.
    expect(Math.min(...xs)).toBeLessThan(5);
    expect(Math.max(...xs)).toBeGreaterThan(295);
    let reversals = 0;
    for (let i = 2; i < xs.length; i++)
      if (Math.sign(xs[i]! - xs[i - 1]!) !== Math.sign(xs[i - 1]! - xs[i - 2]!)) reversals++;
    expect(reversals).toBeGreaterThanOrEqual(4);
  });

  it('turns back near the home radius', () => {
    const roads = [
      road([
        [-20_000, 0],
        [20_000, 0],
      ]),
    ];
    const m = createUnitMotion([unit('car', 'patrol_car', at(0, 0))], createRoadNetwork(roads), { seed: 5 });
    let far = 0;
    let turnedBack = false;
    for (let i = 0; i < 3 * 720; i++) {
      m.step(5_000);
      const d = planarDistanceM(at(0, 0), m.get('car')!.position);
      if (far > HOME_RADIUS_M - 100 && d < far - 500) turnedBack = true;
      far = Math.max(far, d);
    }
    expect(far).toBeGreaterThan(HOME_RADIUS_M - 100);
    expect(far).toBeLessThan(HOME_RADIUS_M + 60);
    expect(turnedBack).toBe(true);
  });

  it('keeps every patrol within the radius on a grid (a smaller radius)', () => {
    const net = createRoadNetwork(grid(11, 300));
    const units = Array.from({ length: 8 }, (_, i) => unit(`u${i}`, 'patrol_car', at(300 * (i + 1), 1_500)));
    const m = createUnitMotion(units, net, { seed: 2, homeRadiusM: 800 });
    let worst = 0;
    for (let i = 0; i < 1_440; i++) {
      m.step(5_000);
      for (const u of units) worst = Math.max(worst, planarDistanceM(u.position, m.get(u.id)!.position));
    }
    expect(worst).toBeLessThan(800 + 60);
    expect(worst).toBeGreaterThan(700);
  });

  it('walks onto the road first, then stays on the roads (the demo city)', () => {
    const city = generateDemoCity({ scale: 'small', seed: 7 });
    const roads: RoadInput[] = city.basemap
      .filter((f) => f.kind === 'road' && f.geometry.type === 'LineString')
      .map((f) => ({ coordinates: f.geometry.coordinates as LonLat[], class: f.class }));
    const net = createRoadNetwork(roads);
    const units = city.units.map((u) => ({ ...u, status: 'available' as const }));
    const m = createUnitMotion(units, net, { seed: 7 });
    const patrols = units.filter((u) => PATROL_KMH[u.kind]! > 0);
    for (let minute = 1; minute <= 60; minute++) {
      for (let i = 0; i < 12; i++) m.step(5_000);
      if (minute % 10) continue;
      for (const u of patrols) {
        const s = m.get(u.id)!;
        if (s.onRoad) expect(distanceToRoads(roads, s.position), u.id).toBeLessThan(1);
      }
    }
    // After an hour every patrol has long reached the road; station kinds are still at their stations.
    for (const u of patrols) expect(m.get(u.id)!.onRoad, u.id).toBe(true);
    for (const u of units.filter((x) => PATROL_KMH[x.kind] === 0))
      expect(planarDistanceM(m.get(u.id)!.position, u.position)).toBeLessThan(1e-6);
  });

  it('is deterministic: the same seed gives the same moves; another seed other moves', () => {
    const net = createRoadNetwork(grid(9, 250));
    const units = [
      unit('a', 'patrol_car', at(10, 510)),
      unit('b', 'police', at(740, 260)),
      unit('c', 'grid_worker', at(1_990, 1_010)),
    ];
    const run = (seed: number) => {
      const m = createUnitMotion(units, net, { seed });
      const log: string[] = [];
      for (let i = 0; i < 400; i++) log.push(JSON.stringify(m.step(5_000)));
      return log;
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it('reports only the units that moved, rounded to 1e-6 degree', () => {
    const net = createRoadNetwork(grid(5, 300));
    const m = createUnitMotion(
      [
        unit('car', 'patrol_car', at(0, 0)),
        unit('fire', 'fire', at(600, 600)),
        unit('off', 'police', at(300, 0), 'offline'),
        unit('busy', 'patrol_car', at(0, 300), 'busy'),
      ],
      net,
      { seed: 1 },
    );
    for (let i = 0; i < 100; i++) {
      const moves = m.step(5_000);
      expect(moves.map((x) => x.id)).toEqual(['car']);
      for (const v of moves[0]!.position) expect(round6(v)).toBe(v);
    }
    expect(planarDistanceM(m.get('off')!.position, at(300, 0))).toBeLessThan(1e-6);
    expect(planarDistanceM(m.get('busy')!.position, at(0, 300))).toBeLessThan(1e-6);
    expect(m.step(0)).toEqual([]);
  });
});

describe('createUnitMotion: trips (goTo) and statuses', () => {
  it('drives to a target by road on a grid in the expected time, then holds there', () => {
    const net = createRoadNetwork(grid(5, 400));
    const station = at(-20, 0); // 20 m off the grid's corner
    const target = at(1_600, 1_630); // 30 m beyond the far corner
    const m = createUnitMotion([unit('fire', 'fire', station)], net, { seed: 1 });
    expect(m.goTo('fire', target)).toBe(true);
    const took = stepUntil(m, 1_000, 3_600_000, () => m.get('fire')!.mode === 'hold');
    const expected = ((20 + 3_200 + 30) / (DRIVE_KMH.fire! / 3.6)) * 1_000;
    expect(took).toBeGreaterThanOrEqual(expected - 1_000);
    expect(took).toBeLessThanOrEqual(expected * 1.02 + 1_000);
    expect(m.get('fire')!.position[0]).toBeCloseTo(target[0], 6);
    expect(m.get('fire')!.position[1]).toBeCloseTo(target[1], 6);
    // It holds: no more moves, whatever its status, until told otherwise.
    expect(m.step(60_000)).toEqual([]);
    m.setStatus('fire', 'busy');
    expect(m.step(60_000)).toEqual([]);
    // Free again: a station kind drives back to its station and waits there.
    m.setStatus('fire', 'available');
    stepUntil(m, 1_000, 3_600_000, () => m.get('fire')!.mode === 'patrol');
    expect(planarDistanceM(m.get('fire')!.position, station)).toBeLessThan(0.01);
    expect(m.step(60_000)).toEqual([]);
  });

  it('finds the way round: the only bridge is 2 km away (a greedy walk would stall at the water)', () => {
    const roads = [
      road([
        [0, 0],
        [2_000, 0],
      ]),
      road([
        [0, 300],
        [2_000, 300],
      ]),
      road(
        [
          [2_000, 0],
          [2_000, 300],
        ],
        'primary',
      ),
    ];
    const m = createUnitMotion([unit('amb', 'medical', at(0, 0))], createRoadNetwork(roads), { seed: 1 });
    m.goTo('amb', at(0, 310));
    const took = stepUntil(m, 1_000, 3_600_000, () => m.get('amb')!.mode === 'hold');
    const expected = ((2_000 + 300 + 2_000 + 10) / (DRIVE_KMH.medical! / 3.6)) * 1_000;
    expect(Math.abs(took - expected)).toBeLessThan(2_000);
    expect(planarDistanceM(m.get('amb')!.position, at(0, 310))).toBeLessThan(0.2);
  });

  it('a patrol sent somewhere stops patrolling, holds at the target, and patrols again when available', () => {
    const net = createRoadNetwork(grid(5, 400));
    const m = createUnitMotion([unit('car', 'patrol_car', at(800, 800))], net, { seed: 4 });
    for (let i = 0; i < 20; i++) m.step(5_000);
    m.setStatus('car', 'busy');
    expect(m.step(5_000)).toEqual([]); // busy and not on a trip: stays
    m.goTo('car', at(0, 1_600));
    stepUntil(m, 5_000, 3_600_000, () => m.get('car')!.mode === 'hold');
    expect(planarDistanceM(m.get('car')!.position, at(0, 1_600))).toBeLessThan(0.2);
    expect(m.step(5_000)).toEqual([]);
    m.setStatus('car', 'available');
    expect(m.step(5_000).map((x) => x.id)).toEqual(['car']);
    expect(m.get('car')!.mode).toBe('patrol');
  });

  it('never moves offline units, even with a target; answers false for unknown ids', () => {
    const net = createRoadNetwork(grid(3, 400));
    const m = createUnitMotion([unit('p', 'police', at(0, 0), 'offline')], net, { seed: 1 });
    m.goTo('p', at(800, 800));
    for (let i = 0; i < 100; i++) expect(m.step(5_000)).toEqual([]);
    expect(planarDistanceM(m.get('p')!.position, at(0, 0))).toBeLessThan(1e-6);
    m.setStatus('p', 'busy'); // back on duty: the trip goes on
    stepUntil(m, 5_000, 3_600_000, () => m.get('p')!.mode === 'hold');
    expect(planarDistanceM(m.get('p')!.position, at(800, 800))).toBeLessThan(0.2);
    expect(m.goTo('nobody', O)).toBe(false);
    expect(m.setStatus('nobody', 'busy')).toBe(false);
    expect(m.get('nobody')).toBeUndefined();
  });
});

describe('startUnitMotion', () => {
  let runner: UnitMotionRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });
  const log = pino({ level: 'silent' });
  const until = async (cond: () => boolean, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  };

  it('hands each tick’s moves to move(); a failing move is logged, retried with the next tick, and never throws', async () => {
    let t = 0;
    const calls: { id: string; position: [number, number] }[][] = [];
    let fail = 2;
    runner = startUnitMotion({
      roads: grid(3, 400),
      units: [unit('car', 'patrol_car', at(0, 0)), unit('fire', 'fire', at(400, 400))],
      move: (moves) => {
        calls.push(moves);
        return fail-- > 0 ? Promise.reject(new Error('db down')) : Promise.resolve();
      },
      tickMs: 10,
      log,
      now: () => (t += 10),
    });
    await until(() => calls.length >= 5);
    expect(calls.length).toBeGreaterThanOrEqual(5);
    for (const c of calls) expect(c.map((x) => x.id)).toEqual(['car']);
    await runner.stop();
    const n = calls.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.length).toBe(n);
  });

  it('picks up statuses from statusOf, and sends units with goTo', async () => {
    let t = 0;
    const statuses = new Map<string, UnitStatus>([['car', 'offline']]);
    const moved = new Set<string>();
    runner = startUnitMotion({
      roads: grid(3, 400),
      units: [unit('car', 'patrol_car', at(0, 0)), unit('amb', 'medical', at(400, 400))],
      move: (moves) => {
        for (const x of moves) moved.add(x.id);
        return Promise.resolve();
      },
      statusOf: () => statuses,
      tickMs: 10,
      log,
      now: () => (t += 1_000),
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(moved.size).toBe(0); // the car is offline, the ambulance waits at its station
    statuses.set('car', 'available');
    expect(runner.goTo('amb', at(800, 800))).toBe(true);
    await until(() => moved.size === 2);
    expect([...moved].sort()).toEqual(['amb', 'car']);
  });
});
