/**
 * The device registry (issue 18): admins register the cameras, NVRs and platforms that speak their
 * vendors' protocols, inside their own scope, and read what the hub has counted of each. The
 * adapters' sink (device-ingest.service.ts) finds endpoints here, from a copy in memory that is
 * read again after every change made on this hub and every RELOAD_MS (changes made on other hubs).
 *
 * Decided here:
 * - An endpoint's channels may only name cameras inside the endpoint's scope (a 400 naming the
 *   channel): a device cannot place events where its registration does not reach.
 * - A Dahua password is sealed in the database (server/auth/secrets.ts) and never sent back: a
 *   view says only whether one is held; a PUT without one keeps it.
 * - Every change is audited (device.create, device.update, device.delete) without the password.
 */
import { randomUUID } from 'node:crypto';
import type { AuthContext, RequestMeta } from '@server/auth/context';
import { actorOf } from '@server/auth/context';
import { authorize, authorizeObject } from '@server/auth/policy';
import { openSecret, sealSecret } from '@server/auth/secrets';
import type { Clock } from '@server/core/clock';
import { HttpError } from '@server/core/http-errors';
import type { DeviceEndpointRepository, DeviceEndpointRow } from '@server/repositories/device-endpoint.repository';
import type { IdentityRepository } from '@server/repositories/identity.repository';
import type { AuditService } from '../audit.service';
import type { LocatorService } from '../locator.service';
import { ErrorCode } from '@shared/errors';
import { inScope } from '@shared/auth';
import { dbErrorKind, sqlState } from '@server/db/errors';
import type {
  DahuaConfig,
  DeviceEndpointBody,
  DeviceEndpointList,
  DeviceEndpointView,
  DeviceKind,
  Gb28181Config,
  IsapiConfig,
} from '@shared/devices';

/** Where Hikvision devices post (their "HTTP listening" URL's path). */
export const ISAPI_PATH = '/api/v1/devices/isapi';

/** How often a hub reads the registry again for changes made on other hubs. */
const RELOAD_MS = 15_000;

/** An endpoint as the sink uses it: its row, with the Dahua password opened. */
export interface DeviceEndpoint {
  id: string;
  kind: DeviceKind;
  name: string;
  scope: string;
  enabled: boolean;
  foldSeconds: number;
  isapi?: IsapiConfig;
  dahua?: DahuaConfig & { password: string | null };
  gb28181?: Gb28181Config;
}

/** A Dahua attachment's state on this hub, by endpoint id (from the attachments, when this hub holds them). */
export type AttachmentStates = (id: string) => DeviceEndpointView['attachment'];

export class DeviceRegistryService {
  private cache: { at: number; endpoints: DeviceEndpoint[] } | null = null;
  private loading: Promise<DeviceEndpoint[]> | null = null;
  private readonly listeners = new Set<(endpoints: readonly DeviceEndpoint[]) => void>();

  constructor(
    private readonly repo: DeviceEndpointRepository,
    private readonly identity: Pick<IdentityRepository, 'regionName' | 'regionNames'>,
    private readonly locator: Pick<LocatorService, 'index'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
    private readonly settings: {
      secretKey: string | undefined;
      sipPort: number | null;
      /** A Dahua attachment's state, when this hub holds it. */
      attachment?: AttachmentStates;
    },
  ) {}

  // ---------------------------------------------------------------- for the sink and the attachments

  /** Every endpoint, from memory (read again after RELOAD_MS). */
  async endpoints(): Promise<readonly DeviceEndpoint[]> {
    const now = this.clock.now();
    if (this.cache && now - this.cache.at < RELOAD_MS) return this.cache.endpoints;
    return this.reload();
  }

  /** Read the registry now; tells the listeners (the Dahua attachments) when it changed. */
  async reload(): Promise<DeviceEndpoint[]> {
    this.loading ??= (async () => {
      try {
        const rows = await this.repo.all();
        const endpoints = rows.map((r) => this.endpointOf(r));
        const changed = JSON.stringify(endpoints) !== JSON.stringify(this.cache?.endpoints ?? null);
        this.cache = { at: this.clock.now(), endpoints };
        if (changed) for (const l of this.listeners) l(endpoints);
        return endpoints;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** The charset a GB/T 28181 device is set to, from memory (GBK when it is not registered or not read yet). */
  charsetOf(deviceId: string): 'gbk' | 'utf-8' {
    return this.cache?.endpoints.find((e) => e.gb28181?.deviceId === deviceId)?.gb28181?.charset ?? 'gbk';
  }

  /** Called with the whole registry whenever it changes (on this hub, or as read from another's change). */
  onChange(listener: (endpoints: readonly DeviceEndpoint[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- admins

  /** The endpoints inside the caller's scope, and where devices send (the SIP port as configured). */
  async list(ctx: AuthContext): Promise<Omit<DeviceEndpointList, 'unknownMessages'>> {
    authorize(ctx.principal, 'admin:manage');
    const rows = (await this.repo.all()).filter((r) => inScope(ctx.principal.scope, r.scope));
    const names = await this.identity.regionNames(rows.map((r) => r.scope));
    return {
      items: rows.map((r) => this.view(r, names.get(r.scope) ?? r.scope)),
      listening: { isapiPath: ISAPI_PATH, sipPort: this.settings.sipPort },
    };
  }

  async get(ctx: AuthContext, id: string): Promise<DeviceEndpointView> {
    const row = await this.owned(ctx, id);
    return this.view(row, (await this.identity.regionName(row.scope)) ?? row.scope);
  }

  async create(ctx: AuthContext, body: DeviceEndpointBody, meta: RequestMeta): Promise<DeviceEndpointView> {
    authorize(ctx.principal, 'admin:manage', body.scope);
    const scopeName = await this.requireRegion(body.scope);
    await this.checkChannels(body);
    const now = new Date(this.clock.now());
    const row = await this.write(() =>
      this.repo.insert({
        id: randomUUID(),
        ...this.columns(body, null),
        createdBy: actorOf(ctx),
        createdAt: now,
        updatedAt: now,
      }),
    );
    await this.record(ctx, meta, 'device.create', row);
    await this.reload();
    return this.view(row, scopeName);
  }

  async replace(
    ctx: AuthContext,
    id: string,
    body: DeviceEndpointBody,
    meta: RequestMeta,
  ): Promise<DeviceEndpointView> {
    const before = await this.owned(ctx, id);
    authorize(ctx.principal, 'admin:manage', body.scope);
    if (body.kind !== before.kind)
      throw new HttpError(
        400,
        ErrorCode.RequestInvalid,
        `body.kind: an endpoint's kind cannot change (it is ${before.kind})`,
      );
    const scopeName = await this.requireRegion(body.scope);
    await this.checkChannels(body);
    const row = await this.write(() =>
      this.repo.update(id, { ...this.columns(body, before.secret), updatedAt: new Date(this.clock.now()) }),
    );
    if (!row) throw notFound(id);
    await this.record(ctx, meta, 'device.update', row);
    await this.reload();
    return this.view(row, scopeName);
  }

  async remove(ctx: AuthContext, id: string, meta: RequestMeta): Promise<void> {
    const row = await this.owned(ctx, id);
    if (!(await this.repo.remove(id))) throw notFound(id);
    await this.record(ctx, meta, 'device.delete', row);
    await this.reload();
  }

  // ---------------------------------------------------------------- inside

  /** An endpoint inside the caller's scope: one outside it is refused as the policy refuses, saying nothing of it. */
  private async owned(ctx: AuthContext, id: string): Promise<DeviceEndpointRow> {
    authorize(ctx.principal, 'admin:manage');
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.byId(id.toLowerCase()) : undefined;
    if (!row) throw notFound(id);
    authorizeObject(ctx.principal, 'admin:manage', `device endpoint ${row.id}`, row.scope);
    return row;
  }

  private async requireRegion(code: string): Promise<string> {
    const name = await this.identity.regionName(code);
    if (!name) throw new HttpError(400, ErrorCode.RegionNotFound, `body.scope: no region ${JSON.stringify(code)}`);
    return name;
  }

  /** Every camera a channel names exists and lies inside the endpoint's scope. */
  private async checkChannels(body: DeviceEndpointBody): Promise<void> {
    const config = body.kind === 'isapi' ? body.isapi : body.kind === 'dahua' ? body.dahua : body.gb28181;
    const places = await this.locator.index();
    for (const [channel, camera] of Object.entries(config.channels)) {
      const path = `body.${body.kind}.channels.${channel}`;
      const device = places.devices.get(camera);
      if (!device) throw new HttpError(400, ErrorCode.RequestInvalid, `${path}: no camera ${JSON.stringify(camera)}`);
      if (!inScope(body.scope, device.gridCode))
        throw new HttpError(
          400,
          ErrorCode.RequestInvalid,
          `${path}: camera ${camera} lies in grid ${device.gridCode}, outside the endpoint's scope ${body.scope}`,
        );
    }
  }

  private columns(body: DeviceEndpointBody, keptSecret: string | null) {
    const common = {
      kind: body.kind,
      name: body.name,
      scope: body.scope,
      enabled: body.enabled,
      foldSeconds: body.foldSeconds,
    };
    switch (body.kind) {
      case 'isapi':
        return {
          ...common,
          config: body.isapi,
          matchKey: `${body.isapi.address}|${body.isapi.mac ?? ''}`,
          secret: null,
        };
      case 'dahua':
        return {
          ...common,
          config: body.dahua,
          matchKey: body.dahua.url.replace(/\/$/, '').toLowerCase(),
          secret: body.password !== undefined ? sealSecret(body.password, this.settings.secretKey) : keptSecret,
        };
      case 'gb28181':
        return { ...common, config: body.gb28181, matchKey: body.gb28181.deviceId, secret: null };
    }
  }

  /** A unique-key clash is a 409 naming what clashed. */
  private async write<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (dbErrorKind(e) === 'data' && sqlState(e) === '23505')
        throw new HttpError(
          409,
          ErrorCode.DeviceExists,
          'body: another endpoint of this kind has this address and MAC, device id or URL already',
        );
      throw e;
    }
  }

  private record(ctx: AuthContext, meta: RequestMeta, action: string, row: DeviceEndpointRow): Promise<unknown> {
    return this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action,
      target: `device:${row.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { kind: row.kind, name: row.name, scope: row.scope, enabled: row.enabled },
    });
  }

  private endpointOf(r: DeviceEndpointRow): DeviceEndpoint {
    const base = {
      id: r.id,
      kind: r.kind,
      name: r.name,
      scope: r.scope,
      enabled: r.enabled,
      foldSeconds: r.foldSeconds,
    };
    switch (r.kind) {
      case 'isapi':
        return { ...base, isapi: r.config as IsapiConfig };
      case 'dahua':
        return {
          ...base,
          dahua: {
            ...(r.config as DahuaConfig),
            password: r.secret ? openSecret(r.secret, this.settings.secretKey) : null,
          },
        };
      case 'gb28181':
        return { ...base, gb28181: r.config as Gb28181Config };
    }
  }

  private view(r: DeviceEndpointRow, scopeName: string): DeviceEndpointView {
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      scope: r.scope,
      scopeName,
      enabled: r.enabled,
      foldSeconds: r.foldSeconds,
      ...(r.kind === 'isapi' ? { isapi: r.config as IsapiConfig } : {}),
      ...(r.kind === 'dahua' ? { dahua: { ...(r.config as DahuaConfig), hasPassword: r.secret !== null } } : {}),
      ...(r.kind === 'gb28181' ? { gb28181: r.config as Gb28181Config } : {}),
      stats: {
        lastSeenAt: r.lastSeenAt?.toISOString() ?? null,
        eventsIn: Number(r.eventsIn),
        folded: Number(r.folded),
        rejected: Number(r.rejected),
        deadLettered: Number(r.deadLettered),
      },
      attachment: r.kind === 'dahua' ? (this.settings.attachment?.(r.id) ?? null) : null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}

function notFound(id: string): HttpError {
  return new HttpError(404, ErrorCode.DeviceNotFound, `no device endpoint with id ${JSON.stringify(id)}`);
}
