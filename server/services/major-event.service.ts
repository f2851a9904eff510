/**
 * Major security events (重大活动安保, issue 17): commanders plan them within their scope (audited):
 * a perimeter inside the event's region, a buffer ring, a window, posts and checkpoints inside the
 * perimeter or its ring with units of the scope, key cameras, a wall preset, tighter coverage.
 *
 * While a window is open (`refresh`, every few seconds and after this hub's own changes):
 * - alarms raised inside the perimeter are raised one priority and say why (`raiseAt`, called by
 *   the alarm service in the raising transaction, from memory: compiled perimeters);
 * - the walls whose scope meets the event's region show its preset (WallService.setOverrides);
 * - the grids whose centre lies inside get its coverage times where they are tighter (the coverage
 *   service reads them, `byEvent`, at its next sweep).
 * Every hub refreshes from the database, so an event planned on one hub acts on all.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock';
import { HttpError } from '../core/http-errors';
import type { MajorEventRepository, MajorEventRow } from '../repositories/major-event.repository';
import type { WorldRepository } from '../repositories/world.repository';
import type { UnitRepository } from '../repositories/unit.repository';
import type { CoverageRepository } from '../repositories/coverage.repository';
import type { AuditService } from './audit.service';
import type { WallService } from './wall.service';
import { authorize, authorizeObject, scopeFilter, sees } from '../auth/policy';
import { actorOf, type AuthContext, type RequestMeta } from '../auth/context';
import { ErrorCode } from '@shared/errors';
import { compilePerimeter, perimeterInside, type CompiledPerimeter } from '@shared/event-area';
import { bufferRing } from '@shared/event-buffer';
import {
  majorEventStatus,
  type MajorEventBody,
  type MajorEventDefinition,
  type MajorEventView,
} from '@shared/major-events';
import type { CoverageNeed } from '@shared/coverage';
import { singleFlight } from '../core/single-flight';

/** Tighter coverage times per grid, per open event; `version` changes whenever they do. */
export interface TighterCoverage {
  readonly version: number;
  byEvent(): ReadonlyMap<string, ReadonlyMap<string, Partial<Record<CoverageNeed, number>>>>;
}

interface OpenEvent {
  id: string;
  name: string;
  regionCode: string;
  endsAt: number;
  perimeter: CompiledPerimeter;
}

const bad = (field: string, message: string) => new HttpError(400, ErrorCode.RequestInvalid, `${field}: ${message}`);

export class MajorEventService implements TighterCoverage {
  /** The events whose window is open, with their perimeters compiled (the alarm path reads this). */
  private open: OpenEvent[] = [];
  private gridCenters: Promise<{ code: string; lon: number; lat: number }[]> | null = null;
  /** The open events' coverage times by grid (the coverage service reads them at each sweep). */
  private coverageTimes = new Map<string, ReadonlyMap<string, Partial<Record<CoverageNeed, number>>>>();
  private coverageKey = '';
  version = 0;

  constructor(
    private readonly repo: MajorEventRepository,
    private readonly world: WorldRepository,
    private readonly units: Pick<UnitRepository, 'byIds'>,
    private readonly grids: Pick<CoverageRepository, 'gridCenters'>,
    private readonly wall: Pick<WallService, 'setOverrides' | 'setInUse' | 'exists'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  /**
   * The open event whose perimeter holds this point, if any (the first by its end: the one that
   * closes soonest); the alarm service raises the alarm one priority for it.
   */
  raiseAt(lon: number, lat: number, now: number): { eventId: string; name: string } | null {
    for (const e of this.open)
      if (now < e.endsAt && e.perimeter.contains(lon, lat)) return { eventId: e.id, name: e.name };
    return null;
  }

  /** Reads the open events again and applies them (walls, coverage); a call while one runs shares it. */
  readonly refresh = singleFlight(() => this.refreshOnce());

  private async refreshOnce(): Promise<void> {
    const now = new Date(this.clock.now());
    const rows = (await this.repo.openAt(now)).sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime());
    this.open = rows.map((r) => ({
      id: r.id,
      name: r.name,
      regionCode: r.regionCode,
      endsAt: r.endsAt.getTime(),
      perimeter: compilePerimeter(r.definition.perimeter),
    }));
    this.wall.setOverrides(
      rows.flatMap((r) =>
        r.definition.presetId
          ? [{ presetId: r.definition.presetId, regionCode: r.regionCode, eventId: r.id, name: r.name }]
          : [],
      ),
    );
    this.wall.setInUse(await this.repo.presetsInUse(now));
    // Coverage: the open events' times for the grids whose centre lies inside their perimeters.
    const withTimes = rows.filter((r) => Object.keys(r.definition.coverage).length > 0);
    const key = JSON.stringify(withTimes.map((r) => [r.id, r.updatedAt.getTime()]));
    if (key === this.coverageKey) return;
    const times = new Map<string, ReadonlyMap<string, Partial<Record<CoverageNeed, number>>>>();
    if (withTimes.length) {
      this.gridCenters ??= this.grids.gridCenters();
      const centers = await this.gridCenters;
      for (const r of withTimes) {
        const inside = compilePerimeter(r.definition.perimeter);
        const byGrid = new Map<string, Partial<Record<CoverageNeed, number>>>();
        for (const g of centers) if (inside.contains(g.lon, g.lat)) byGrid.set(g.code, r.definition.coverage);
        times.set(r.id, byGrid);
      }
    }
    this.coverageTimes = times;
    this.coverageKey = key;
    this.version++;
  }

  byEvent(): ReadonlyMap<string, ReadonlyMap<string, Partial<Record<CoverageNeed, number>>>> {
    return this.coverageTimes;
  }

  async list(ctx: AuthContext): Promise<MajorEventView[]> {
    authorize(ctx.principal, 'event:read');
    const now = this.clock.now();
    return (await this.repo.list(scopeFilter(ctx.principal.scope))).map((r) => this.view(r, now));
  }

  async get(ctx: AuthContext, id: string): Promise<MajorEventView> {
    const row = await this.readable(ctx, id);
    return this.view(row, this.clock.now());
  }

  async create(ctx: AuthContext, body: MajorEventBody, meta: RequestMeta): Promise<MajorEventView> {
    authorize(ctx.principal, 'event:manage');
    const definition = await this.checked(ctx, body);
    const now = new Date(this.clock.now());
    const row = await this.repo.insert({
      id: randomUUID(),
      name: body.name,
      regionCode: body.regionCode,
      definition,
      startsAt: new Date(body.startsAt),
      endsAt: new Date(body.endsAt),
      closedAt: null,
      createdBy: actorOf(ctx),
      createdAt: now,
      updatedAt: now,
    });
    await this.record(ctx, 'major_event.create', row.id, meta, { name: body.name, regionCode: body.regionCode });
    await this.refresh();
    return this.view(row, now.getTime());
  }

  async update(ctx: AuthContext, id: string, body: MajorEventBody, meta: RequestMeta): Promise<MajorEventView> {
    const before = await this.managed(ctx, id);
    const now = this.clock.now();
    if (majorEventStatus(this.times(before), now) === 'closed')
      throw new HttpError(409, ErrorCode.MajorEventClosed, `major event ${id} is closed`);
    const definition = await this.checked(ctx, body);
    const row = (await this.repo.update(id, {
      name: body.name,
      regionCode: body.regionCode,
      definition,
      startsAt: new Date(body.startsAt),
      endsAt: new Date(body.endsAt),
      updatedAt: new Date(now),
    }))!;
    await this.record(ctx, 'major_event.update', id, meta, { name: body.name });
    await this.refresh();
    return this.view(row, now);
  }

  /** Closes the event now (before its end); a closed one stays closed (409). */
  async close(ctx: AuthContext, id: string, meta: RequestMeta): Promise<MajorEventView> {
    const before = await this.managed(ctx, id);
    const now = this.clock.now();
    if (majorEventStatus(this.times(before), now) === 'closed')
      throw new HttpError(409, ErrorCode.MajorEventClosed, `major event ${id} is closed`);
    const row = (await this.repo.update(id, { closedAt: new Date(now), updatedAt: new Date(now) }))!;
    await this.record(ctx, 'major_event.close', id, meta, { name: row.name });
    await this.refresh();
    return this.view(row, now);
  }

  /** The event, if the caller may read it: 404 when there is none, 403 outside the scope. */
  async readable(ctx: AuthContext, id: string): Promise<MajorEventRow> {
    authorize(ctx.principal, 'event:read');
    const row = await this.repo.byId(id);
    if (!row) throw new HttpError(404, ErrorCode.MajorEventNotFound, `no major event ${JSON.stringify(id)}`);
    authorizeObject(ctx.principal, 'event:read', `major event ${id}`, row.regionCode);
    return row;
  }

  private async managed(ctx: AuthContext, id: string): Promise<MajorEventRow> {
    authorize(ctx.principal, 'event:manage');
    const row = await this.readable(ctx, id);
    authorizeObject(ctx.principal, 'event:manage', `major event ${id}`, row.regionCode);
    return row;
  }

  /** Every object the plan names is checked: its region in scope, the shapes, each unit, camera, the preset. */
  private async checked(ctx: AuthContext, body: MajorEventBody): Promise<MajorEventDefinition> {
    authorizeObject(ctx.principal, 'event:manage', `region ${body.regionCode}`, body.regionCode);
    const boundary = await this.world.regionBoundary(body.regionCode);
    if (!boundary) throw bad('body.regionCode', `no region ${body.regionCode}`);
    if (!perimeterInside(body.perimeter, boundary))
      throw bad('body.perimeter', `must lie inside region ${body.regionCode}`);
    const ring = bufferRing(body.perimeter, body.bufferM);
    const inPerimeter = compilePerimeter(body.perimeter);
    const inRing = compilePerimeter(ring);
    body.posts.forEach((p, i) => {
      if (!inPerimeter.contains(p.position[0], p.position[1]) && !inRing.contains(p.position[0], p.position[1]))
        throw bad(`body.posts.${i}.position`, 'lies outside the perimeter and its buffer ring');
    });
    const unitIds = [...new Set(body.posts.flatMap((p) => p.unitIds))];
    const found = new Map((await this.units.byIds(unitIds)).map((u) => [u.id, u]));
    body.posts.forEach((p, i) =>
      p.unitIds.forEach((u, j) => {
        const unit = found.get(u);
        if (!unit) throw bad(`body.posts.${i}.unitIds.${j}`, `no unit ${JSON.stringify(u)}`);
        if (!sees(ctx.principal, unit.homeRegionCode))
          throw new HttpError(403, ErrorCode.AuthForbidden, `unit ${u} lies outside scope ${ctx.principal.scope}`);
      }),
    );
    const cams = await this.world.cameraIdsIn(body.cameraIds);
    const missing = body.cameraIds.findIndex((c) => !cams.has(c));
    if (missing >= 0) throw bad(`body.cameraIds.${missing}`, `no camera ${JSON.stringify(body.cameraIds[missing])}`);
    if (body.presetId !== null && !(await this.wall.exists(body.presetId)))
      throw bad('body.presetId', `no wall preset ${JSON.stringify(body.presetId)}`);
    return {
      perimeter: body.perimeter,
      bufferM: body.bufferM,
      bufferRing: ring,
      posts: body.posts,
      cameraIds: body.cameraIds,
      presetId: body.presetId,
      coverage: body.coverage,
    };
  }

  private times(r: MajorEventRow) {
    return {
      startsAt: r.startsAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      closedAt: r.closedAt?.toISOString() ?? null,
    };
  }

  private view(r: MajorEventRow, now: number): MajorEventView {
    const t = this.times(r);
    return {
      id: r.id,
      name: r.name,
      regionCode: r.regionCode,
      perimeter: r.definition.perimeter,
      bufferRing: r.definition.bufferRing,
      bufferM: r.definition.bufferM,
      ...t,
      status: majorEventStatus(t, now),
      posts: r.definition.posts,
      cameraIds: r.definition.cameraIds,
      presetId: r.definition.presetId,
      coverage: r.definition.coverage,
      createdBy: r.createdBy,
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  private record(
    ctx: AuthContext,
    action: string,
    id: string,
    meta: RequestMeta,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action,
      target: `major_event:${id}`,
      address: meta.address,
      outcome: 'ok',
      details,
    });
  }
}
