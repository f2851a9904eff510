/**
 * The state of each moving unit (unit-motion.ts): its speeds by kind, where it started and the
 * road point nearest there (the centre of its patrol), its mode, where it is (on an edge, or going
 * straight off the road), its planned way, and its own random stream (forked by its id, so adding
 * a unit does not change the others' walks).
 */
import type { LonLat, UnitStatus } from '@shared/world';
import { round6 } from '@shared/geo';
import type { Rng } from '@server/demo/random';
import type { Foot, RoadNetwork } from './road-network';

/** Patrol speed while available (km/h); 0: waits where it is (at its station). */
export const PATROL_KMH: Readonly<Record<string, number>> = {
  patrol_car: 30,
  police: 5,
  grid_worker: 4,
  fire: 0,
  medical: 0,
  department: 0,
};
/** Speed on the way to a target (km/h): the dispatch ETAs' speeds (services/unit-index.ts UNIT_TRAVEL). */
export const DRIVE_KMH: Readonly<Record<string, number>> = {
  fire: 35,
  medical: 35,
  patrol_car: 30,
  police: 15,
  grid_worker: 12,
  department: 25,
};
const DEFAULT_DRIVE_KMH = 15;
/** Default patrol radius around a unit's start (metres). */
export const HOME_RADIUS_M = 2_500;

export interface MotionUnit {
  id: string;
  kind: string;
  status: UnitStatus;
  position: LonLat;
  /** Not used for motion (a unit keeps near where it started); accepted so units pass as they are. */
  homeRegionCode?: string;
}

/** patrol: roams (or waits, for station kinds); trip: on its way to a goTo target; return: heading home; hold: stays put. */
export type MotionMode = 'patrol' | 'trip' | 'return' | 'hold';

type XY = [number, number];

export interface Plan {
  /** Edges to follow whole, after leaving the current edge. */
  edges: number[];
  next: number;
  /** The road point nearest the target: edge and offset. */
  lastEdge: number;
  lastOff: number;
}

export interface Walker {
  readonly id: string;
  readonly kind: string;
  readonly rng: Rng;
  readonly patrolMps: number;
  readonly driveMps: number;
  /** Where it started (a station kind's station). */
  readonly homeX: number;
  readonly homeY: number;
  /** The road point nearest home: the centre of its patrol, where it heads when it strays. */
  readonly anchorX: number;
  readonly anchorY: number;
  status: UnitStatus;
  mode: MotionMode;
  x: number;
  y: number;
  /** On the road: the edge (-1: off the road), metres along it from its first node, and the direction. */
  edge: number;
  off: number;
  fwd: boolean;
  /** Going straight off the road: to this point, then onto the road at `entry`, or arrived. */
  leg: { x: number; y: number; then: 'road' | 'arrive'; entry: Foot | null } | null;
  /** Where a trip goes (a return goes home). */
  target: XY | null;
  plan: Plan | null;
  /** Last reported position, rounded. */
  lon: number;
  lat: number;
}

/** A unit as it starts: at its position, patrolling, off the road until its first step. */
export function createWalker(u: MotionUnit, net: RoadNetwork, root: Rng): Walker {
  const { frame } = net;
  const x = frame.x(u.position[0]);
  const y = frame.y(u.position[1]);
  const anchor = net.snapXY(x, y, net.main);
  return {
    id: u.id,
    kind: u.kind,
    rng: root.fork(u.id),
    patrolMps: (PATROL_KMH[u.kind] ?? 0) / 3.6,
    driveMps: (DRIVE_KMH[u.kind] ?? DEFAULT_DRIVE_KMH) / 3.6,
    homeX: x,
    homeY: y,
    anchorX: anchor ? anchor.x : x,
    anchorY: anchor ? anchor.y : y,
    status: u.status,
    mode: 'patrol',
    x,
    y,
    edge: -1,
    off: 0,
    fwd: true,
    leg: null,
    target: null,
    plan: null,
    lon: round6(u.position[0]),
    lat: round6(u.position[1]),
  };
}

/** Metres a unit moves per second now: by its status and mode (0: it stays). */
export function speedOf(w: Walker): number {
  if (w.status === 'offline') return 0;
  switch (w.mode) {
    case 'trip':
      return w.driveMps;
    case 'hold':
      return 0;
    case 'return':
      return w.status === 'busy' ? 0 : w.patrolMps > 0 ? w.patrolMps : w.driveMps;
    case 'patrol':
      return w.status === 'busy' ? 0 : w.patrolMps;
  }
}
