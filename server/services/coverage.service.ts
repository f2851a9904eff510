/**
 * Coverage gaps (issue 17). The hub keeps a coverage map (server/rules/coverage.ts) of every grid's
 * nearest available unit per need, and updates it one changed unit at a time: each sweep (every
 * `coverageSweepMs`, and soon after this hub's own unit changes) diffs the units as dispatch holds
 * them (UnitIndex, which also reads other hubs' changes) against the map's copy.
 *
 * A grid that stays a gap for the coverage rule's `holdSeconds` opens a spell (coverage_gaps, at
 * most one open per grid and need, so hubs that all see it open it once) and raises one alarm for
 * it, in the grid's district; when a unit is back in reach the spell closes and its alarm, if no
 * one made an incident of it, is `cleared`. One transaction per sweep; alarms published after.
 *
 * Thresholds: the rule's, its priority areas' (the longest region code wins), and any tighter
 * ones of open major events for the grids inside their perimeters.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/connect';
import type { Clock } from '../core/clock';
import type { CoverageGapRow, CoverageRepository } from '../repositories/coverage.repository';
import type { EventRepository } from '../repositories/event.repository';
import type { AlarmRepository } from '../repositories/alarm.repository';
import type { AlarmService } from './alarm.service';
import type { UnitIndex } from './unit-index';
import { eventRow, type StoredEvent } from './stored-event';
import { CoverageMap } from '../rules/coverage';
import { DEFAULT_COVERAGE_RULE } from '../rules/default-rules';
import { authorize, scopeFilter } from '../auth/policy';
import type { AuthContext } from '../auth/context';
import { COVERAGE_NEEDS, NEED_UNIT_KINDS, thresholdFor, type CoverageNeed, type CoverageReply } from '@shared/coverage';
import { HUB_SOURCE, type EventSource } from '@shared/ingest';
import type { CoverageRule } from '@shared/rules';
import type { AlarmView } from '@shared/alarms';
import type { TighterCoverage } from './major-event.service';

const NO_TIGHTER: TighterCoverage = { version: 0, byEvent: () => new Map() };

/** The spell's alarm event id. */
export const gapEventId = (gapId: number): string => `coverage:${gapId}`;
/** How many units a gap's alarm proposes: the nearest available of its need, however far. */
const PROPOSED = 3;
const key = (grid: number, need: CoverageNeed): string => `${grid}/${need}`;

type Transact = <T>(fn: (tx: Db) => Promise<T>) => Promise<T>;

export class CoverageService {
  private map: CoverageMap | null = null;
  private building: Promise<CoverageMap> | null = null;
  private running: Promise<AlarmView[]> | null = null;
  /** The rule (and tighter thresholds) the map's thresholds were set from, as JSON. */
  private thresholdsOf = '';
  /** Local gap state: key → since (epoch ms), from the map's flips. */
  private readonly since = new Map<string, number>();

  constructor(
    private readonly gaps: CoverageRepository,
    private readonly eventsRepo: EventRepository,
    private readonly alarmRows: Pick<AlarmRepository, 'clearForEvents' | 'seedRules'>,
    private readonly alarms: AlarmService,
    private readonly units: UnitIndex,
    private readonly transact: Transact,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Tighter times per grid from open major events (their perimeters); none by default. */
    private readonly tighter: TighterCoverage = NO_TIGHTER,
  ) {}

  /** The default coverage rule, on a database whose rules were seeded before it existed. */
  async ensureRule(): Promise<void> {
    await this.alarmRows.seedRules([DEFAULT_COVERAGE_RULE]);
  }

  /** One sweep (a call while one runs gets that one): the alarms it raised or cleared. */
  sweep(): Promise<AlarmView[]> {
    if (this.running) return this.running;
    const p = this.sweepOnce().finally(() => {
      this.running = null;
    });
    this.running = p;
    return p;
  }

  /** The map, current with the units as dispatch holds them (another hub's within its refresh). */
  async current(): Promise<CoverageMap> {
    const map = await this.ensureMap();
    await this.units.fresh();
    for (const u of this.units.all())
      map.update({ id: u.id, kind: u.kind, lon: u.lon, lat: u.lat, available: u.status === 'available' });
    return map;
  }

  /** What a screen shows (`GET /api/v1/coverage`): the caller's scope's grids and open gaps. */
  async view(ctx: AuthContext): Promise<CoverageReply> {
    authorize(ctx.principal, 'alarm:read');
    const prefix = scopeFilter(ctx.principal.scope);
    const map = await this.current();
    const grids: string[] = [];
    const idx: number[] = [];
    map.grids.forEach((g, i) => {
      if (g.code.startsWith(prefix)) {
        grids.push(g.code);
        idx.push(i);
      }
    });
    const etaMin = Object.fromEntries(
      COVERAGE_NEEDS.map((n) => {
        const e = map.etas(n);
        return [n, idx.map((i) => (Number.isFinite(e[i]!) ? e[i]! : null))];
      }),
    ) as CoverageReply['etaMin'];
    const open = await this.gaps.open(prefix);
    return {
      at: new Date(this.clock.now()).toISOString(),
      grids,
      etaMin,
      gaps: open.map((r) => {
        const g = map.indexOf(r.gridCode);
        const eta = g === undefined ? null : map.best(g, r.need).etaMin;
        return {
          gridCode: r.gridCode,
          need: r.need,
          etaMin: eta !== null && Number.isFinite(eta) ? eta : null,
          thresholdMin: g === undefined ? r.thresholdMin : map.threshold(g, r.need),
          since: r.since.toISOString(),
        };
      }),
    };
  }

  private ensureMap(): Promise<CoverageMap> {
    if (this.map) return Promise.resolve(this.map);
    this.building ??= this.gaps.gridCenters().then((grids) => {
      this.map = new CoverageMap(grids);
      return this.map;
    });
    return this.building;
  }

  private applyThresholds(map: CoverageMap, rule: CoverageRule | undefined): void {
    const sig = JSON.stringify([rule ?? null, this.tighter.version]);
    if (sig === this.thresholdsOf) return;
    this.thresholdsOf = sig;
    for (const need of COVERAGE_NEEDS)
      map.setThresholds(need, (g) => {
        if (!rule) return undefined;
        const code = map.grids[g]!.code;
        let t = thresholdFor(code, need, rule);
        for (const byGrid of this.tighter.byEvent().values()) {
          const m = byGrid.get(code)?.[need];
          if (m !== undefined) t = t === undefined ? m : Math.min(t, m);
        }
        return t;
      });
  }

  private async sweepOnce(): Promise<AlarmView[]> {
    const prepared = await this.alarms.prepare();
    const rule = prepared.rules.find((r): r is CoverageRule => r.kind === 'coverage' && r.enabled);
    const map = await this.current();
    this.applyThresholds(map, rule);
    const nowMs = this.clock.now();
    for (const f of map.drainFlips()) {
      if (f.gap) this.since.set(key(f.grid, f.need), nowMs);
      else this.since.delete(key(f.grid, f.need));
    }
    const holdMs = (rule?.holdSeconds ?? 0) * 1000;
    const now = new Date(nowMs);
    const rows = await this.transact(async (tx) => {
      const open = await this.gaps.open('', tx);
      const openKeys = new Set<string>();
      const toClose: CoverageGapRow[] = [];
      for (const r of open) {
        const g = map.indexOf(r.gridCode);
        if (g !== undefined) openKeys.add(key(g, r.need));
        if (g === undefined || !map.isGap(g, r.need)) toClose.push(r);
      }
      const toOpen: { grid: number; need: CoverageNeed; since: number }[] = [];
      for (const [k, since] of this.since) {
        if (openKeys.has(k) || nowMs - since < holdMs) continue;
        const [grid, need] = k.split('/') as [string, CoverageNeed];
        toOpen.push({ grid: Number(grid), need, since });
      }
      const opened = rule
        ? await this.gaps.openMany(
            toOpen.map((o) => {
              const eta = map.best(o.grid, o.need).etaMin;
              return {
                gridCode: map.grids[o.grid]!.code,
                need: o.need,
                since: new Date(o.since),
                openedAt: now,
                etaMin: Number.isFinite(eta) ? eta : null,
                thresholdMin: map.threshold(o.grid, o.need),
              };
            }),
            tx,
          )
        : [];
      const closed = await this.gaps.close(
        toClose.map((r) => r.id),
        now,
        tx,
      );
      const cleared = await this.alarmRows.clearForEvents(
        HUB_SOURCE,
        closed.map((r) => gapEventId(r.id)),
        now,
        tx,
      );
      if (!rule || opened.length === 0) return { raised: [], cleared, opened, closed };
      const events = opened.map((r) => this.gapEvent(map, r));
      await this.eventsRepo.insertNew(
        events.map((e) => eventRow(e, now, null)),
        tx,
      );
      const raised = await this.alarms.raiseDrafts(
        events.map((event, i) => ({
          event,
          draft: {
            ruleId: rule.id,
            ruleName: rule.name,
            priority: rule.priority,
            // 'units' proposes the nearest responders of any kind; a gap proposes its own need's.
            actions: rule.actions.filter((a) => a !== 'units'),
            unitIds: rule.actions.includes('units') ? this.proposal(map, opened[i]!) : [],
            ...(rule.say ? { say: rule.say } : {}),
          },
        })),
        tx,
        prepared,
      );
      return { raised, cleared, opened, closed };
    });
    const views = this.alarms.published([...rows.raised, ...rows.cleared]);
    if (rows.opened.length || rows.closed.length)
      this.log.info(
        { opened: rows.opened.length, closed: rows.closed.length, open: this.since.size },
        'coverage: gap spells opened and closed',
      );
    return views;
  }

  private proposal(map: CoverageMap, r: CoverageGapRow): string[] {
    const g = map.grids[map.indexOf(r.gridCode)!]!;
    return this.units
      .nearest(g.lon, g.lat, { kinds: NEED_UNIT_KINDS[r.need], count: PROPOSED, maxM: Infinity })
      .map((p) => p.unitId);
  }

  /** The spell's synthetic event: at the grid's label point, when the grid became a gap. */
  private gapEvent(map: CoverageMap, r: CoverageGapRow): StoredEvent {
    const g = map.indexOf(r.gridCode)!;
    const grid = map.grids[g]!;
    const best = map.best(g, r.need);
    return {
      id: gapEventId(r.id),
      // The hub's own source: never accepted from outside (ingest only takes EVENT_SOURCES).
      source: HUB_SOURCE as EventSource,
      type: 'coverage_gap',
      at: r.since.toISOString(),
      location: { lon: grid.lon, lat: grid.lat },
      attributes: {
        need: r.need,
        etaMin: r.etaMin,
        thresholdMin: r.thresholdMin,
        nearestUnitId: best.unitId,
      },
      gridCode: r.gridCode,
      lon: grid.lon,
      lat: grid.lat,
    };
  }
}
