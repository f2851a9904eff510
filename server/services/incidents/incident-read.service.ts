/**
 * Reading incidents: the desk's list (filters, keyset pages), one incident's detail (timeline,
 * sources, what the caller may do), the rev feed's source and a screen's catch-up (sync), a photo
 * where its incidents lie, where an incident is. Every object is checked against the caller's
 * scope before anything else reads it.
 */
import type { AuthContext } from '@server/auth/context';
import type { IncidentRepository, IncidentRow } from '@server/repositories/incident.repository';
import type { IncidentSourceRepository } from '@server/repositories/incident-source.repository';
import type { IncidentTimelineRepository } from '@server/repositories/incident-timeline.repository';
import type { FeedSource } from '../sync-page';
import type { PhotoService } from '../photo.service';
import type { UnitIndex } from '../unit-index';
import type { IncidentAccess } from './incident-access';
import type { IncidentViews } from './incident-view';
import { authorize, scopeFilter, type Principal } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { syncPage } from '../sync-page';
import { isId } from './ports';
import { sourceView, timelineView } from './stored-text';
import { ErrorCode } from '@shared/errors';
import { inScope, scopePrefix } from '@shared/auth';
import {
  INCIDENT_DELTA_MAX_BEHIND,
  INCIDENT_DELTA_PAGE,
  INCIDENT_SNAPSHOT_LIMIT,
  type IncidentDetail,
  type IncidentListQuery,
  type IncidentPage,
  type IncidentSyncReply,
  type IncidentView,
} from '@shared/incidents';
import type { LonLat } from '@shared/world';

export class IncidentReadService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly timeline: IncidentTimelineRepository,
    private readonly sources: IncidentSourceRepository,
    private readonly photos: PhotoService,
    private readonly units: UnitIndex,
    private readonly access: IncidentAccess,
    private readonly views: IncidentViews,
  ) {}

  async list(ctx: AuthContext, q: IncidentListQuery): Promise<IncidentPage> {
    authorize(ctx.principal, 'incident:read');
    let prefix = scopeFilter(ctx.principal.scope);
    if (q.region) {
      const p = scopePrefix(q.region);
      if (!p.startsWith(prefix) && !prefix.startsWith(p))
        throw new HttpError(
          403,
          ErrorCode.AuthForbidden,
          `region ${q.region} lies outside scope ${ctx.principal.scope}`,
        );
      if (p.length > prefix.length) prefix = p;
    }
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const statuses = q.status === 'open' || q.status === 'closed' || q.status === 'all' ? q.status : [q.status];
    const rows = await this.incidents.list({
      prefix,
      statuses,
      category: q.category,
      priority: q.priority,
      source: q.source,
      kind: q.kind,
      flagged: q.flagged === undefined ? undefined : q.flagged === 'true',
      unitId: q.unit,
      sort: q.sort,
      limit: q.limit + 1,
      after,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      incidents: await this.views.views(page),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
    };
  }

  async detail(ctx: AuthContext, id: string): Promise<IncidentDetail> {
    const row = await this.readable(ctx, id);
    return this.detailOf(ctx, row);
  }

  /** An incident the caller may see (checked already), with its timeline, sources and what the caller may do. */
  async detailOf(ctx: AuthContext, row: IncidentRow): Promise<IncidentDetail> {
    const [timeline, sources] = await Promise.all([
      this.timeline.of([row.id, ...row.mergedFrom]),
      this.sources.of(row.id),
    ]);
    await this.units.fresh();
    const actions = this.access.actionsOf(ctx, row);
    return {
      incident: await this.views.view(row),
      timeline: timeline.map(timelineView),
      sources: sources.map(sourceView),
      actions,
    };
  }

  /** Every region's committed changes in rev order, for the hub's rev feed (server/realtime/rev-feed.ts). */
  feedSource(): FeedSource<IncidentView> {
    return {
      read: async (after, limit) => this.views.views(await this.incidents.changedSince('', after, limit)),
      maxRev: () => this.incidents.maxRev(),
      rev: (v) => v.rev,
    };
  }

  /** As AlarmService.sync: in pages, or a snapshot of the open incidents (sync-page.ts). */
  async sync(principal: Principal, since: number | null, page = INCIDENT_DELTA_PAGE): Promise<IncidentSyncReply> {
    authorize(principal, 'incident:read');
    const prefix = scopeFilter(principal.scope);
    const { rows, ...reply } = await syncPage(
      {
        maxRev: () => this.incidents.maxRev(),
        changedSince: (after, limit) => this.incidents.changedSince(prefix, after, limit),
        open: () => this.incidents.open(prefix, INCIDENT_SNAPSHOT_LIMIT),
      },
      since,
      page,
      INCIDENT_DELTA_MAX_BEHIND,
    );
    return { ...reply, incidents: await this.views.views(rows) };
  }

  /** The incident by id if the caller may read it (404 when there is none, 403 outside the scope). */
  async readable(ctx: AuthContext, id: string): Promise<IncidentRow> {
    authorize(ctx.principal, 'incident:read');
    return this.found(id, (row) => this.access.check(ctx, row, 'incident:read', `incident ${id}`));
  }

  /** The incident by id (404 when there is none), checked by `guard` before anything else reads it. */
  async found(id: string, guard: (row: IncidentRow) => void): Promise<IncidentRow> {
    const row = isId(id) ? await this.incidents.byId(id) : undefined;
    if (!row) throw new HttpError(404, ErrorCode.IncidentNotFound, `no incident with id ${JSON.stringify(id)}`);
    guard(row);
    return row;
  }

  /** A photo's bytes, for whoever may see where it lies (checkPhoto, before its bytes are read). */
  async photo(ctx: AuthContext, id: string): Promise<{ type: string; data: Buffer }> {
    await this.checkPhoto(ctx, id);
    return this.photos.get(id);
  }

  /**
   * A photo lies where the incidents that show it lie: readable when one of them is; a photo no
   * incident holds yet, by its uploader alone. Checked before the photo's bytes are read (an id
   * with no photo is left to the photo service's 404).
   */
  async checkPhoto(ctx: AuthContext, id: string): Promise<void> {
    authorize(ctx.principal, 'incident:read');
    if (!isId(id)) return;
    const photo = id.toLowerCase();
    const holders = await this.incidents.incidentsWithPhoto(photo);
    if (holders.some((r) => this.access.canSee(ctx, r))) return;
    const origin = await this.photos.origin(photo);
    if (origin === undefined || (holders.length === 0 && origin.by === ctx.principal.id)) return;
    // A device's picture (issue 18) is seen where it was taken, like the alarm it came with.
    if (origin.gridCode !== null && inScope(ctx.principal.scope, origin.gridCode)) return;
    throw new HttpError(403, ErrorCode.AuthForbidden, `photo ${id} lies outside scope ${ctx.principal.scope}`);
  }

  /** Where an incident is (for the demo's units on their way). */
  async incidentPosition(id: string): Promise<LonLat | null> {
    const row = isId(id) ? await this.incidents.byId(id) : undefined;
    return row ? [row.lon, row.lat] : null;
  }
}

function encodeCursor(r: IncidentRow): string {
  return Buffer.from(
    JSON.stringify({ p: r.priority, d: r.dueAt?.toISOString() ?? null, c: r.createdAt.toISOString(), i: r.id }),
  ).toString('base64url');
}

function decodeCursor(s: string): { priority: number; dueAt: string | null; createdAt: string; id: string } {
  try {
    const o = JSON.parse(Buffer.from(s, 'base64url').toString()) as { p: unknown; d: unknown; c: unknown; i: unknown };
    if (
      typeof o.p === 'number' &&
      (o.d === null || (typeof o.d === 'string' && !Number.isNaN(Date.parse(o.d)))) &&
      typeof o.c === 'string' &&
      !Number.isNaN(Date.parse(o.c)) &&
      typeof o.i === 'string'
    ) {
      return { priority: o.p, dueAt: o.d, createdAt: o.c, id: o.i };
    }
  } catch {
    // fall through
  }
  throw new HttpError(
    400,
    ErrorCode.RequestInvalid,
    'query.cursor: not a cursor this hub gave (pass nextCursor as it came)',
  );
}
