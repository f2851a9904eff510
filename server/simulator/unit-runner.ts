/**
 * The units' motion in real time: every `tickMs` it advances the pure model (unit-motion.ts) by
 * the time that passed and hands the units that moved to `move` (the hub's unit store: write the
 * positions, push 'unit:batch'). It never throws: a failing `move` or `statusOf` is logged (at most
 * one warning of a kind every WARN_EVERY_MS) and the tick goes on; moves that were not stored are
 * offered again with the next tick's (newest position per unit), so a unit that stopped is not left
 * at a stale position. Ticks never overlap: the next one is scheduled when the last has finished.
 */
import type { Logger } from 'pino';
import type { LonLat, UnitStatus } from '@shared/world';
import { createRoadNetwork } from './road-build';
import type { RoadInput } from './road-network';
import { createUnitMotion, type UnitMove } from './unit-motion';
import type { MotionUnit } from './unit-state';

export interface UnitMotionRunnerOptions {
  /** The basemap's roads: LineString coordinates and class (motorway | primary | secondary). */
  roads: readonly RoadInput[];
  /** The units at their current positions and statuses. */
  units: readonly MotionUnit[];
  /** Store and publish the units that moved. May reject: logged, retried with the next tick. */
  move: (moves: UnitMove[]) => Promise<void>;
  /**
   * The units' statuses as the hub knows them (dispatch makes units busy and free), read before
   * every tick; a status that differs from the motion's is applied with setStatus. Optional.
   */
  statusOf?: () => Promise<ReadonlyMap<string, UnitStatus>> | ReadonlyMap<string, UnitStatus>;
  /** Tick, ms (default 5,000). */
  tickMs?: number;
  seed?: number;
  /** How far a patrol may stray from where it started, metres (default 2,500). */
  homeRadiusM?: number;
  log: Logger;
  /** Injectable for tests. */
  now?: () => number;
}

export interface UnitMotionRunner {
  /** Stop ticking; resolves once an in-flight tick has finished. */
  stop(): Promise<void>;
  /** Send a unit to a point (along the roads, at its driving speed); false for an unknown unit. */
  goTo(id: string, target: LonLat): boolean;
  setStatus(id: string, status: UnitStatus): boolean;
}

/** At most one warning of a kind per this many ms. */
const WARN_EVERY_MS = 60_000;
/** A tick late by more than this many ticks (a stalled event loop) moves units by this much only. */
const MAX_TICKS_CATCH_UP = 3;

export function startUnitMotion(opts: UnitMotionRunnerOptions): UnitMotionRunner {
  const log = opts.log.child({ component: 'unit-motion' });
  const now = opts.now ?? Date.now;
  const tickMs = Math.max(10, opts.tickMs ?? 5_000);
  const network = createRoadNetwork(opts.roads);
  const motion = createUnitMotion(opts.units, network, { seed: opts.seed ?? 1, homeRadiusM: opts.homeRadiusM });
  const known = new Map<string, UnitStatus>(opts.units.map((u) => [u.id, u.status]));
  /** Moves not stored yet (move failed), by unit. */
  let unsent = new Map<string, UnitMove>();
  let last = now();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | null = null;

  const lastWarn = new Map<string, number>();
  const warn = (kind: string, err: unknown, msg: string) => {
    const t = now();
    if (t - (lastWarn.get(kind) ?? -Infinity) < WARN_EVERY_MS) return;
    lastWarn.set(kind, t);
    log.warn({ err }, msg);
  };

  const setStatus = (id: string, status: UnitStatus): boolean => {
    if (!motion.setStatus(id, status)) return false;
    known.set(id, status);
    return true;
  };

  async function tick(): Promise<void> {
    try {
      if (opts.statusOf) {
        try {
          for (const [id, status] of await opts.statusOf())
            if (known.has(id) && known.get(id) !== status) setStatus(id, status);
        } catch (e) {
          warn('status', e, `unit motion: reading statuses failed: ${(e as Error).message}`);
        }
      }
      const t = now();
      const dt = Math.min(t - last, MAX_TICKS_CATCH_UP * tickMs);
      last = t;
      for (const m of motion.step(dt)) unsent.set(m.id, m);
      if (unsent.size === 0) return;
      const batch = [...unsent.values()];
      unsent = new Map();
      try {
        await opts.move(batch);
      } catch (e) {
        // Offer them again next tick, unless a newer position has come by then.
        for (const m of batch) if (!unsent.has(m.id)) unsent.set(m.id, m);
        warn('move', e, `unit motion: storing ${batch.length} moves failed: ${(e as Error).message}`);
      }
    } catch (e) {
      // Nothing above should throw; if it does, log and keep going rather than take the hub down.
      warn('tick', e, `unit motion: tick failed: ${(e as Error).message}`);
    }
  }

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      const started = now();
      current = tick().finally(() => {
        current = null;
        schedule(Math.max(0, tickMs - (now() - started)));
      });
    }, delay);
    timer.unref?.();
  };

  log.info(
    { units: opts.units.length, roads: opts.roads.length, nodes: network.nodeCount, edges: network.edgeCount, tickMs },
    'unit motion: started',
  );
  schedule(tickMs);

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (current) await current;
      log.info('unit motion: stopped');
    },
    goTo: (id, target) => motion.goTo(id, target),
    setStatus,
  };
}
