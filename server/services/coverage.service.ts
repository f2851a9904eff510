/**
 * Coverage gaps (issue 17). The hub keeps a coverage map (server/rules/coverage.ts) of every grid's
 * nearest available unit per need, and updates it one changed unit at a time: each sweep (every
 * `coverageSweepMs`, and soon after this hub's own unit changes) diffs the units as dispatch holds
 * them (UnitIndex, which also reads other hubs' changes) against the map's copy.
 *
 * A grid that stays a gap for the coverage rule's `holdSeconds` opens a spell (coverage_gaps, at
 * most one open per grid and need, so hubs that all see it open it once). The spells of one
 * district and need share one alarm (a busy fire engine leaves dozens of grids out of reach: one
 * alarm for the district's supervisors, its count the grids, not dozens): the first raises it at
 * its worst grid, later ones add to its count; when the last of them closes (a unit back in
 * reach) the alarm, if no one made an incident of it, is `cleared`. The map draws every gap grid
 * (`GET /coverage/gaps`). One transaction per sweep, one sweep at a time across hubs (an advisory
 * lock); alarms published after.
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
import {
  COVERAGE_NEEDS,
  NEED_UNIT_KINDS,
  thresholdFor,
  type CoverageGapsReply,
  type CoverageNeed,
  type CoverageReply,
} from '@shared/coverage';
import { HUB_SOURCE, type EventSource } from '@shared/ingest';
import type { CoverageRule } from '@shared/rules';
import type { AlarmView } from '@shared/alarms';
import type { AlarmRow } from '../repositories/alarm.repository';
import type { TighterCoverage } from './major-event.service';
import { singleFlight } from '../core/single-flight';

const NO_TIGHTER: TighterCoverage = { version: 0, byEvent: () => new Map() };

/** A spell's alarm event id before spells shared their district's alarm (rows of migration 0018's backfill). */
export const gapEventId = (gapId: number): string => `coverage:${gapId}`;
/** The alarm event id of a district's spell of a need, started at `atMs`. */
export const areaEventId = (gridCode: string, need: CoverageNeed, atMs: number): string =>
  `coverage:${gridCode.slice(0, 6)}:${need}:${atMs}`;
/** The alarm a spell is reported by. */
const alarmEventOf = (r: CoverageGapRow): string => r.alarmEventId ?? gapEventId(r.id);
/** One alarm per district and need. */
const areaKey = (gridCode: string, need: CoverageNeed): string => `${gridCode.slice(0, 6)}/${need}`;
/** How far past its threshold a grid's best time is (minutes; no unit at all: the most). */
function overrun(map: CoverageMap, o: { grid: number; need: CoverageNeed }): number {
  const eta = map.best(o.grid, o.need).etaMin;
  return (Number.isFinite(eta) ? eta : 1e9) - (map.threshold(o.grid, o.need) ?? 0);
}
/** How many units a gap's alarm proposes: the nearest available of its need, however far. */
const PROPOSED = 3;
const key = (grid: number, need: CoverageNeed): string => `${grid}/${need}`;

type Transact = <T>(fn: (tx: Db) => Promise<T>) => Promise<T>;

export class CoverageService {
  private map: CoverageMap | null = null;
  private building: Promise<CoverageMap> | null = null;
  /** The rule (and tighter thresholds) the map's thresholds were set from, as JSON. */
  private thresholdsOf = '';
  /** Local gap state: key → since (epoch ms), from the map's flips. */
  private readonly since = new Map<string, number>();

  constructor(
    private readonly gaps: CoverageRepository,
    private readonly eventsRepo: EventRepository,
    private readonly alarmRows: Pick<AlarmRepository, 'clearForEvents' | 'growForEvent' | 'seedRules'>,
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
  readonly sweep = singleFlight(() => this.sweepOnce());

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
    return { at: new Date(this.clock.now()).toISOString(), grids, etaMin, gaps: await this.openGaps(map, prefix) };
  }

  /** The open gaps of the caller's scope alone (`GET /api/v1/coverage/gaps`: what the maps draw). */
  async gapsView(ctx: AuthContext): Promise<CoverageGapsReply> {
    authorize(ctx.principal, 'alarm:read');
    const map = await this.current();
    return {
      at: new Date(this.clock.now()).toISOString(),
      gaps: await this.openGaps(map, scopeFilter(ctx.principal.scope)),
    };
  }

  private async openGaps(map: CoverageMap, prefix: string): Promise<CoverageReply['gaps']> {
    return (await this.gaps.open(prefix)).map((r) => {
      const g = map.indexOf(r.gridCode);
      const eta = g === undefined ? null : map.best(g, r.need).etaMin;
      return {
        gridCode: r.gridCode,
        need: r.need,
        etaMin: eta !== null && Number.isFinite(eta) ? eta : null,
        thresholdMin: g === undefined ? r.thresholdMin : map.threshold(g, r.need),
        since: r.since.toISOString(),
      };
    });
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
      await this.gaps.lockSweep(tx);
      const open = await this.gaps.open('', tx);
      const openKeys = new Set<string>();
      const toClose: CoverageGapRow[] = [];
      for (const r of open) {
        const g = map.indexOf(r.gridCode);
        if (g !== undefined) openKeys.add(key(g, r.need));
        if (g === undefined || !map.isGap(g, r.need)) toClose.push(r);
      }
      const closing = new Set(toClose.map((r) => r.id));
      // The alarm each district and need reports by now: that of its spells that stay open.
      const areaAlarm = new Map<string, string>();
      for (const r of open) if (!closing.has(r.id)) areaAlarm.set(areaKey(r.gridCode, r.need), alarmEventOf(r));
      const toOpen: { grid: number; need: CoverageNeed; since: number }[] = [];
      for (const [k, since] of this.since) {
        if (openKeys.has(k) || nowMs - since < holdMs) continue;
        const [grid, need] = k.split('/') as [string, CoverageNeed];
        toOpen.push({ grid: Number(grid), need, since });
      }
      // The worst grid first: a district's new alarm stands at the grid that waits longest.
      toOpen.sort((x, y) => overrun(map, y) - overrun(map, x));
      const fresh = new Map<string, string>();
      const opened = rule
        ? await this.gaps.openMany(
            toOpen.map((o) => {
              const eta = map.best(o.grid, o.need).etaMin;
              const gridCode = map.grids[o.grid]!.code;
              const area = areaKey(gridCode, o.need);
              let alarmEventId = areaAlarm.get(area) ?? fresh.get(area);
              if (alarmEventId === undefined) {
                alarmEventId = areaEventId(gridCode, o.need, nowMs);
                fresh.set(area, alarmEventId);
              }
              return {
                gridCode,
                need: o.need,
                since: new Date(o.since),
                openedAt: now,
                etaMin: Number.isFinite(eta) ? eta : null,
                thresholdMin: map.threshold(o.grid, o.need),
                alarmEventId,
              };
            }),
            tx,
          )
        : [];
      const closed = await this.gaps.close([...closing], now, tx);
      // An alarm clears when the last of its spells closes.
      const stillOpen = new Set<string>();
      for (const r of open) if (!closing.has(r.id)) stillOpen.add(alarmEventOf(r));
      for (const r of opened) stillOpen.add(alarmEventOf(r));
      const ended = [...new Set(closed.map(alarmEventOf))].filter((id) => !stillOpen.has(id));
      const cleared = await this.alarmRows.clearForEvents(HUB_SOURCE, ended, now, tx);
      if (!rule || opened.length === 0) return { raised: [], grown: [], cleared, opened, closed };
      // New grids of a district already in alarm: that alarm counts them.
      const freshIds = new Set(fresh.values());
      const joined = new Map<string, number>();
      for (const r of opened) {
        const id = alarmEventOf(r);
        if (!freshIds.has(id)) joined.set(id, (joined.get(id) ?? 0) + 1);
      }
      const grown: AlarmRow[] = [];
      for (const [id, n] of joined) grown.push(...(await this.alarmRows.growForEvent(HUB_SOURCE, id, n, now, tx)));
      // A district and need with no alarm yet: one, at its worst grid, counting every grid.
      const firsts = new Map<string, { row: CoverageGapRow; n: number }>();
      for (const r of opened) {
        const id = alarmEventOf(r);
        if (!freshIds.has(id)) continue;
        const f = firsts.get(id);
        if (f) f.n++;
        else firsts.set(id, { row: r, n: 1 });
      }
      const starts = [...firsts.values()];
      const events = starts.map(({ row, n }) => this.gapEvent(map, row, n));
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
            unitIds: rule.actions.includes('units') ? this.proposal(map, starts[i]!.row) : [],
            ...(rule.say ? { say: rule.say } : {}),
            count: starts[i]!.n,
          },
        })),
        tx,
        prepared,
      );
      return { raised, grown, cleared, opened, closed };
    });
    const views = this.alarms.published([...rows.raised, ...rows.grown, ...rows.cleared]);
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

  /**
   * The district's spell's synthetic event: at its worst grid's label point, when that grid became
   * a gap; `grids`: how many of the district's grids it starts with.
   */
  private gapEvent(map: CoverageMap, r: CoverageGapRow, grids: number): StoredEvent {
    const g = map.indexOf(r.gridCode)!;
    const grid = map.grids[g]!;
    const best = map.best(g, r.need);
    return {
      id: alarmEventOf(r),
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
        district: r.gridCode.slice(0, 6),
        grids,
      },
      gridCode: r.gridCode,
      lon: grid.lon,
      lat: grid.lat,
    };
  }
}
