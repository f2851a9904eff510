/**
 * Wall presets (issue 17): admins keep them (city-wide, like rules: a preset is a layout, not
 * data of a region); a wall reads the one it shows now (`state`): the default, or the preset of
 * the security event whose window is open (`override`, set by the event service).
 */
import type { Clock } from '../core/clock';
import { HttpError } from '../core/http-errors';
import type { WallPresetRow, WallRepository } from '../repositories/wall.repository';
import type { AuditService } from './audit.service';
import { authorize, scopeFilter } from '../auth/policy';
import { actorOf, type AuthContext, type RequestMeta } from '../auth/context';
import { ErrorCode } from '@shared/errors';
import {
  DEFAULT_WALL_PRESET,
  EVENT_WALL_PRESET,
  EVENT_WALL_PRESET_ID,
  DEFAULT_WALL_PRESET_ID,
  WALL_PRESET_ID,
  type WallPreset,
  type WallPresetBody,
  type WallState,
} from '@shared/wall';

/** What makes a wall show another preset than the default (an open event window), per scope. */
export interface WallOverride {
  presetId: string;
  /** The event's region: walls whose scope lies in it or holds it follow it. */
  regionCode: string;
  eventId: string;
  name: string;
}

const view = (r: WallPresetRow): WallPreset => ({ ...r.definition, id: r.id, updatedAt: r.updatedAt.toISOString() });

export class WallService {
  /** The open events' presets (the event service keeps this current). */
  private overrides: readonly WallOverride[] = [];

  constructor(
    private readonly repo: WallRepository,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  async ensureDefault(): Promise<void> {
    await this.repo.seed(DEFAULT_WALL_PRESET_ID, DEFAULT_WALL_PRESET, new Date(this.clock.now()));
    await this.repo.seed(EVENT_WALL_PRESET_ID, EVENT_WALL_PRESET, new Date(this.clock.now()));
  }

  setOverrides(list: readonly WallOverride[]): void {
    this.overrides = list;
  }

  /** Preset ids in use by something other than a wall (the default; the events that name one). */
  private inUse = new Set<string>([DEFAULT_WALL_PRESET_ID]);
  setInUse(ids: Iterable<string>): void {
    this.inUse = new Set([DEFAULT_WALL_PRESET_ID, ...ids]);
  }

  async list(ctx: AuthContext): Promise<WallPreset[]> {
    authorize(ctx.principal, 'world:read');
    return (await this.repo.all()).map(view);
  }

  /** What this wall shows now: an open event's preset where the event lies in its scope (or around it), else the default. */
  async state(ctx: AuthContext): Promise<WallState> {
    authorize(ctx.principal, 'world:read');
    const scope = scopeFilter(ctx.principal.scope);
    const o = this.overrides.find((x) => x.regionCode.startsWith(scope) || scope.startsWith(x.regionCode));
    if (o) {
      const row = await this.repo.byId(o.presetId);
      if (row) return { preset: view(row), because: { kind: 'event', eventId: o.eventId, name: o.name } };
    }
    let row = await this.repo.byId(DEFAULT_WALL_PRESET_ID);
    if (!row) {
      await this.ensureDefault();
      row = (await this.repo.byId(DEFAULT_WALL_PRESET_ID))!;
    }
    return { preset: view(row), because: { kind: 'default' } };
  }

  async exists(id: string): Promise<boolean> {
    return (await this.repo.byId(id)) !== undefined;
  }

  async put(ctx: AuthContext, id: string, body: WallPresetBody, meta: RequestMeta): Promise<WallPreset> {
    this.mayEdit(ctx);
    if (!WALL_PRESET_ID.test(id))
      throw new HttpError(400, ErrorCode.RequestInvalid, 'id: 1-40 lowercase letters, digits and dashes');
    const before = (await this.repo.byId(id))?.definition ?? null;
    const row = await this.repo.put(id, body, new Date(this.clock.now()));
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: before ? 'wall_preset.update' : 'wall_preset.create',
      target: `wall_preset:${id}`,
      address: meta.address,
      outcome: 'ok',
      details: { before, after: body },
    });
    return view(row);
  }

  async remove(ctx: AuthContext, id: string, meta: RequestMeta): Promise<void> {
    this.mayEdit(ctx);
    if (this.inUse.has(id))
      throw new HttpError(
        409,
        ErrorCode.WallPresetInUse,
        id === DEFAULT_WALL_PRESET_ID ? 'the default preset cannot be deleted' : 'a security event names this preset',
      );
    if (!(await this.repo.delete(id)))
      throw new HttpError(404, ErrorCode.WallPresetNotFound, `no wall preset ${JSON.stringify(id)}`);
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'wall_preset.delete',
      target: `wall_preset:${id}`,
      address: meta.address,
      outcome: 'ok',
    });
  }

  private mayEdit(ctx: AuthContext): void {
    authorize(ctx.principal, 'admin:manage');
    if (scopeFilter(ctx.principal.scope))
      throw new HttpError(
        403,
        ErrorCode.AuthForbidden,
        `wall presets serve the whole city; scope ${ctx.principal.scope} is narrower`,
      );
  }
}
