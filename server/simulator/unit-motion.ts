/**
 * Field units moving along the demo city's roads (issue 6): pure, seeded, no I/O and no clock.
 * The same roads, units, seed and calls give the same positions on every machine. The roads are a
 * graph (road-network.ts, built by road-build.ts); each unit keeps its own state and its own random
 * stream (unit-state.ts); a step moves each by the rules of unit-step.ts:
 * - *Patrol* (status available): police, patrol cars and grid workers walk or drive the roads at
 *   their patrol speed (PATROL_KMH): off the road they first go straight to the nearest road point;
 *   at a junction they pick a road at random (going straight is likelier, walkers shun
 *   motorways), at a dead end they turn back. Beyond `homeRadiusM` of the road point nearest
 *   where they started they take the shortest way back until they are well inside again. Fire, medical and department crews
 *   wait at their station (patrol speed 0).
 * - *Trip* (`goTo`): at the kind's driving speed (DRIVE_KMH, the dispatch ETAs' speeds in
 *   services/unit-index.ts) to the road, along the shortest way on the roads (A*; a greedy walk gets
 *   stuck behind lakes and the river, whose bridges are few) to the road point nearest the target,
 *   then straight to the target (at the same speed, not a jump: the dot on the map never leaps),
 *   where it *holds* until the next `goTo` or `setStatus('available')`. A target nearer than the
 *   road is reached straight.
 * - `setStatus('available')` ends a trip or a hold: patrol kinds patrol again from where they are;
 *   station kinds drive back to their station and wait there. 'busy' units move only on a trip;
 *   'offline' units never move.
 */
import type { LonLat, UnitStatus } from '@shared/world';
import { round6 } from '@shared/geo';
import { Rng } from '@server/demo/random';
import type { RoadNetwork } from './road-network';
import { createWalker, HOME_RADIUS_M, speedOf, type MotionMode, type MotionUnit, type Walker } from './unit-state';
import { walkRules } from './unit-step';

/** A station kind further than this from its station drives back when it becomes available. */
const AT_HOME_M = 5;

export interface UnitMove {
  id: string;
  /** [lon, lat], rounded to 1e-6 degree. */
  position: [number, number];
}

export interface UnitMotionOptions {
  seed: number;
  /** How far a patrol may stray from where it started, metres (default HOME_RADIUS_M). */
  homeRadiusM?: number;
}

export interface UnitMotion {
  /** Advance every moving unit by dtMs of simulated time; returns the units whose (rounded) position changed. */
  step(dtMs: number): UnitMove[];
  /** Change a unit's status (see the file comment); false for an unknown id. */
  setStatus(id: string, status: UnitStatus): boolean;
  /** Send a unit to a point (by road, at its driving speed); it holds there. False for an unknown id. */
  goTo(id: string, target: LonLat): boolean;
  /** A unit's current state, for tests and logs. */
  get(id: string): { position: [number, number]; status: UnitStatus; mode: MotionMode; onRoad: boolean } | undefined;
}

export function createUnitMotion(units: readonly MotionUnit[], net: RoadNetwork, opts: UnitMotionOptions): UnitMotion {
  const root = Rng.fromSeed(opts.seed).fork('unit-motion');
  const homeRadius = opts.homeRadiusM ?? HOME_RADIUS_M;
  const { frame } = net;
  const walkers: Walker[] = [];
  const byId = new Map<string, Walker>();
  for (const u of units) {
    const w = createWalker(u, net, root);
    walkers.push(w);
    byId.set(u.id, w);
  }
  const { advance } = walkRules(net, homeRadius);
  const fromHome = (w: Walker) => Math.hypot(w.x - w.homeX, w.y - w.homeY);

  return {
    step(dtMs) {
      const out: UnitMove[] = [];
      if (!(dtMs > 0)) return out;
      for (const w of walkers) {
        const speed = speedOf(w);
        if (speed <= 0) continue;
        advance(w, speed, (speed * dtMs) / 1000);
        const lon = round6(frame.lon(w.x));
        const lat = round6(frame.lat(w.y));
        if (lon === w.lon && lat === w.lat) continue;
        w.lon = lon;
        w.lat = lat;
        out.push({ id: w.id, position: [lon, lat] });
      }
      return out;
    },

    setStatus(id, status) {
      const w = byId.get(id);
      if (!w) return false;
      w.status = status;
      if (status === 'available' && (w.mode === 'trip' || w.mode === 'hold')) {
        if (w.leg?.then === 'arrive') w.leg = null;
        w.plan = null;
        w.target = null;
        w.mode = w.patrolMps === 0 && fromHome(w) > AT_HOME_M ? 'return' : 'patrol';
      }
      return true;
    },

    goTo(id, target) {
      const w = byId.get(id);
      if (!w) return false;
      w.mode = 'trip';
      w.target = [frame.x(target[0]), frame.y(target[1])];
      w.plan = null;
      if (w.leg?.then === 'arrive') w.leg = null;
      return true;
    },

    get(id) {
      const w = byId.get(id);
      if (!w) return undefined;
      return {
        position: [frame.lon(w.x), frame.lat(w.y)],
        status: w.status,
        mode: w.mode,
        onRoad: w.edge >= 0 && !w.leg,
      };
    },
  };
}
