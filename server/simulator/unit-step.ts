/**
 * How a unit moves along the roads in one step (unit-motion.ts has the rules in words): off the
 * road straight to the nearest road point; on a patrol a random road at each junction (going
 * straight is likelier, walkers shun motorways) and back towards its anchor when it strays beyond
 * the home radius; on a trip or a return the shortest way (A*) to the road point nearest the
 * target, then straight to the target.
 */
import { MOTORWAY, type RoadNetwork } from './road-network';
import { speedOf, type Walker } from './unit-state';

/** Kinds on foot: they keep off motorways where there is another way. */
const WALKERS = new Set(['police', 'grid_worker']);
/** A unit heading home resumes its patrol once this share of the radius from home. */
const BACK_INSIDE = 0.7;
/** Patrols move in steps of at most this, so the home radius is checked along long straight roads. */
const PATROL_CHUNK_M = 50;
/** Safety bound on the moves one unit makes in one step (edges are metres long, not millimetres). */
const MAX_MOVES_PER_STEP = 10_000;
const EPS = 1e-9;

type XY = [number, number];

export interface WalkRules {
  /** Move a unit `budget` metres along its way, while its speed stays (an arrival ends the step). */
  advance: (w: Walker, speed: number, budget: number) => void;
}

/** The rules of motion on one network, for units that may stray `homeRadius` metres from their anchor. */
export function walkRules(net: RoadNetwork, homeRadius: number): WalkRules {
  const fromAnchor = (w: Walker) => Math.hypot(w.x - w.anchorX, w.y - w.anchorY);
  const onEdge = (w: Walker) => {
    [w.x, w.y] = net.pointAt(w.edge, w.off);
  };
  const enter = (w: Walker, edge: number, from: number) => {
    w.edge = edge;
    w.fwd = net.edgeU[edge] === from;
    w.off = w.fwd ? 0 : net.edgeLen[edge]!;
  };
  /** Where a trip or a return goes: the target; a station kind's station; a patrol's anchor. */
  const targetOf = (w: Walker): XY =>
    w.mode === 'trip' && w.target ? w.target : w.patrolMps > 0 ? [w.anchorX, w.anchorY] : [w.homeX, w.homeY];

  const arrive = (w: Walker) => {
    w.leg = null;
    w.plan = null;
    w.mode = w.mode === 'trip' ? 'hold' : 'patrol';
  };

  /** Off the road and on the move: straight to the nearest road point (or to the target, if nearer). */
  const leaveOffRoad = (w: Walker): boolean => {
    const entry = net.snapXY(w.x, w.y, net.main);
    const going = w.mode === 'trip' || w.mode === 'return';
    if (going) {
      const [tx, ty] = targetOf(w);
      if (!entry || Math.hypot(tx - w.x, ty - w.y) <= entry.d) {
        w.leg = { x: tx, y: ty, then: 'arrive', entry: null };
        return true;
      }
    }
    if (!entry) return false;
    w.leg = { x: entry.x, y: entry.y, then: 'road', entry };
    return true;
  };

  /** On the road, on a trip or heading home: plan the way (A*) to the road point nearest the target. */
  const planRoute = (w: Walker) => {
    const [tx, ty] = targetOf(w);
    const dest = net.snapXY(tx, ty, net.component[net.edgeU[w.edge]!])!;
    if (dest.edge === w.edge) {
      w.plan = { edges: [], next: 0, lastEdge: dest.edge, lastOff: dest.off };
      w.fwd = dest.off >= w.off;
      return;
    }
    const route = net.route(w.edge, w.off, dest.edge, dest.off);
    if (!route) {
      // Not connected (cannot happen: the destination is in the unit's component). Go straight.
      w.edge = -1;
      w.leg = { x: tx, y: ty, then: 'arrive', entry: null };
      return;
    }
    w.plan = { edges: route.edges, next: 0, lastEdge: dest.edge, lastOff: dest.off };
    w.fwd = route.first === net.edgeV[w.edge];
  };

  /** At the road point nearest the target. */
  const finishRoute = (w: Walker) => {
    w.plan = null;
    if (w.mode === 'return' && w.patrolMps > 0) {
      w.mode = 'patrol';
      return;
    }
    const [tx, ty] = targetOf(w);
    if (Math.hypot(tx - w.x, ty - w.y) > 1e-3) {
      w.edge = -1;
      w.leg = { x: tx, y: ty, then: 'arrive', entry: null };
    } else arrive(w);
  };

  /** Which road to take from a node while patrolling. */
  const patrolChoice = (w: Walker, node: number, via: number): number => {
    const options: number[] = [];
    for (let a = net.adjStart[node]!; a < net.adjStart[node + 1]!; a++)
      if (net.adjEdge[a] !== via) options.push(net.adjEdge[a]!);
    if (options.length === 0) return via; // a dead end: back the way it came
    if (options.length === 1) return options[0]!;
    const from = net.other(via, node);
    const inX = net.nodeX[node]! - net.nodeX[from]!;
    const inY = net.nodeY[node]! - net.nodeY[from]!;
    const inLen = Math.hypot(inX, inY) || 1;
    const weights = options.map((e) => {
      const to = net.other(e, node);
      const ox = net.nodeX[to]! - net.nodeX[node]!;
      const oy = net.nodeY[to]! - net.nodeY[node]!;
      const cos = (inX * ox + inY * oy) / (inLen * (Math.hypot(ox, oy) || 1));
      const walkerOnMotorway = WALKERS.has(w.kind) && net.edgeClass[e] === MOTORWAY;
      return (1 + 1.5 * Math.max(0, cos)) * (walkerOnMotorway ? 0.05 : 1);
    });
    return options[w.rng.weightedIndex(weights)]!;
  };

  const atNode = (w: Walker) => {
    const node = w.fwd ? net.edgeV[w.edge]! : net.edgeU[w.edge]!;
    const plan = w.plan;
    if (plan) {
      const next = plan.next < plan.edges.length ? plan.edges[plan.next++]! : plan.lastEdge;
      enter(w, next, node);
      if (plan.next >= plan.edges.length && next === plan.lastEdge) w.fwd = plan.lastOff >= w.off;
      return;
    }
    enter(w, patrolChoice(w, node, w.edge), node);
  };

  const advance = (w: Walker, speed: number, budget: number) => {
    for (let moves = 0; budget > EPS && moves < MAX_MOVES_PER_STEP; moves++) {
      if (speedOf(w) !== speed) return;
      const leg = w.leg;
      if (leg) {
        const d = Math.hypot(leg.x - w.x, leg.y - w.y);
        if (d > budget) {
          w.x += ((leg.x - w.x) * budget) / d;
          w.y += ((leg.y - w.y) * budget) / d;
          return;
        }
        budget -= d;
        w.x = leg.x;
        w.y = leg.y;
        w.leg = null;
        if (leg.then === 'arrive' || !leg.entry) {
          arrive(w);
          continue;
        }
        w.edge = leg.entry.edge;
        w.off = leg.entry.off;
        w.fwd = w.mode === 'patrol' ? w.rng.chance(0.5) : true;
        continue;
      }
      if (w.edge < 0) {
        if (!leaveOffRoad(w)) return;
        continue;
      }
      if (w.mode === 'patrol' && fromAnchor(w) > homeRadius) {
        w.mode = 'return';
        w.plan = null;
      }
      if (w.mode === 'return' && w.patrolMps > 0 && fromAnchor(w) <= BACK_INSIDE * homeRadius) {
        w.mode = 'patrol';
        w.plan = null;
      }
      if ((w.mode === 'trip' || w.mode === 'return') && !w.plan) {
        planRoute(w);
        continue;
      }
      const plan = w.plan;
      const last = plan !== null && plan.next >= plan.edges.length && w.edge === plan.lastEdge;
      const stopAt = last ? plan.lastOff : w.fwd ? net.edgeLen[w.edge]! : 0;
      const room = Math.abs(stopAt - w.off);
      const chunk = w.mode === 'patrol' ? Math.min(budget, PATROL_CHUNK_M) : budget;
      if (room > chunk) {
        w.off += stopAt > w.off ? chunk : -chunk;
        budget -= chunk;
        onEdge(w);
        continue;
      }
      budget -= room;
      w.off = stopAt;
      onEdge(w);
      if (last) finishRoute(w);
      else atNode(w);
    }
  };

  return { advance };
}
