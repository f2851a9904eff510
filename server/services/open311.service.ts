/**
 * Open311 GeoReport v2 (issue 18): the standard's view of citizens' reports, for another agency's
 * system holding an integration key. One job: translate. A request is filed through the same path
 * as the citizen's page (CitizenService.report: its grid, SLA, timeline, audit, publication); reads
 * go through the incident repository's one narrow query. Wire shapes and rules: shared/open311.ts.
 *
 * Decided:
 * - Access is checked here, not by the route's guard, because the key may arrive in the form
 *   (`api_key`), after the guard would have run: open311:read / open311:write by the policy, and
 *   the key's region scope per object (a request's location must lie in it; GET lists only the
 *   scope's requests, and GET one outside it is a 403 naming only what the caller sent).
 * - The reply's service_notice carries the citizen's tracking code, once, so the filing system can
 *   hand it to the citizen (status and rating on our citizen page); no GET ever shows it, nor the
 *   reporter's name or phone. e-mail, device_id, media_url and attributes are checked, not kept
 *   (the incident has no place for them); account_id is echoed back.
 * - A refused filing (outside the scope) is audited as denied, a filing as `open311.request` with
 *   the key as actor (beside the citizen report's own audit record).
 */
import type { AuthContext, RequestMeta } from '@server/auth/context';
import { actorOf } from '@server/auth/context';
import { authorize, authorizeObject, scopeFilter, sees } from '@server/auth/policy';
import type { Clock } from '@server/core/clock';
import { HttpError } from '@server/core/http-errors';
import type { IncidentRepository } from '@server/repositories/incident.repository';
import { ErrorCode } from '@shared/errors';
import { round6 } from '@shared/geo';
import { inScope } from '@shared/auth';
import {
  coordinateValue,
  isServiceCode,
  listItems,
  OPEN311_CLOSED,
  OPEN311_DEFAULT_DAYS,
  OPEN311_MAX_REQUESTS,
  OPEN311_OPEN,
  open311RequestOf,
  open311Services,
  reporterName,
  serviceOf,
  type Open311Created,
  type Open311Request,
  type Open311RequestInput,
  type Open311RequestsQuery,
  type Open311ServiceEntry,
  type Open311ServiceDefinition,
} from '@shared/open311';
import type { IncidentStatus } from '@shared/incident-machine';
import type { RiskCategory } from '@shared/incident-categories';
import type { LonLat } from '@shared/world';
import type { AuditService } from './audit.service';
import type { CitizenService } from './incidents/citizen.service';
import type { Locator } from './incidents/ports';

const DAY_MS = 86_400_000;

export class Open311Service {
  constructor(
    private readonly incidents: Pick<IncidentRepository, 'citizenReports'>,
    private readonly citizens: Pick<CitizenService, 'report'>,
    private readonly locator: Pick<Locator, 'locate'>,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly clock: Clock,
  ) {}

  services(ctx: AuthContext | undefined): Open311ServiceEntry[] {
    authorize(principalOf(ctx), 'open311:read');
    return open311Services();
  }

  definition(ctx: AuthContext | undefined, code: string): Open311ServiceDefinition {
    authorize(principalOf(ctx), 'open311:read');
    if (!isServiceCode(code))
      throw new HttpError(404, ErrorCode.RouteNotFound, `service_code: unknown service ${JSON.stringify(code)}`);
    return { service_code: serviceOf(code).service_code, attributes: [] };
  }

  /** File a citizen's request: located, checked against the key's scope, then reported as the citizen's page does. */
  /** A 401 without a key, a 403 for a key (or session) that may not file requests. */
  authorizeWrite(ctx: AuthContext | undefined): void {
    authorize(principalOf(ctx), 'open311:write');
  }

  async create(ctx: AuthContext | undefined, input: Open311RequestInput, meta: RequestMeta): Promise<Open311Created> {
    const who = principalOf(ctx);
    authorize(who, 'open311:write');
    const position: LonLat = [round6(coordinateValue(input.long!)), round6(coordinateValue(input.lat!))];
    const grid = await this.locator.locate(position);
    if (!grid)
      throw new HttpError(
        400,
        ErrorCode.RequestInvalid,
        `lat, long: (${position[1]}, ${position[0]}) lies outside the city (no grid contains it)`,
      );
    if (!inScope(who.scope, grid)) {
      await this.audit.record({
        actor: actorOf(ctx!),
        actorName: ctx!.name,
        action: 'open311.request',
        target: `grid:${grid}`,
        address: meta.address,
        outcome: 'denied',
        details: { reason: 'outside the scope', scope: who.scope },
      });
      throw new HttpError(
        403,
        ErrorCode.AuthForbidden,
        `lat, long: (${position[1]}, ${position[0]}) lies outside this key's scope ${who.scope}`,
      );
    }
    const name = reporterName(input.first_name, input.last_name);
    const phone = input.phone || undefined;
    const { code, trackingCode } = await this.citizens.report(
      {
        category: input.service_code as RiskCategory,
        description: input.description,
        location: { lon: position[0], lat: position[1] },
        address: input.address_string ?? '',
        ...(name || phone ? { contact: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } } : {}),
      },
      meta,
    );
    await this.audit.record({
      actor: actorOf(ctx!),
      actorName: ctx!.name,
      action: 'open311.request',
      target: `incident:${code}`,
      address: meta.address,
      outcome: 'ok',
      details: { code, category: input.service_code, grid },
    });
    return {
      service_request_id: code,
      service_notice: `已受理，编号 ${code}。市民查询码 ${trackingCode}（仅此一次返回）：凭此码可在市民上报页面查询进度并评价。`,
      account_id: input.account_id ?? null,
    };
  }

  /** GET requests: by ids (other filters ignored, as the spec says), else the window, services and statuses; the scope's only. */
  async list(ctx: AuthContext | undefined, q: Open311RequestsQuery): Promise<Open311Request[]> {
    const who = principalOf(ctx);
    authorize(who, 'open311:read');
    const prefix = scopeFilter(who.scope);
    const codes = listItems(q.service_request_id);
    let rows;
    if (codes) rows = await this.incidents.citizenReports({ prefix, codes, limit: codes.length });
    else {
      // The spec's window: at most 90 days, the 90 days after start_date or before end_date (or now).
      const span = OPEN311_DEFAULT_DAYS * DAY_MS;
      const end = q.end_date ? Date.parse(q.end_date) : undefined;
      const start = q.start_date ? Date.parse(q.start_date) : undefined;
      const to = new Date(end ?? (start !== undefined ? start + span : this.clock.now()));
      const from = new Date(start ?? to.getTime() - span);
      if (from.getTime() > to.getTime())
        throw new HttpError(400, ErrorCode.RequestInvalid, 'start_date: must not be after end_date');
      if (to.getTime() - from.getTime() > span)
        throw new HttpError(
          400,
          ErrorCode.RequestInvalid,
          `end_date: the window may span at most ${OPEN311_DEFAULT_DAYS} days from start_date`,
        );
      const wanted = listItems(q.status);
      const statuses: IncidentStatus[] | undefined =
        wanted && wanted.length === 1 ? [...(wanted[0] === 'open' ? OPEN311_OPEN : OPEN311_CLOSED)] : undefined;
      rows = await this.incidents.citizenReports({
        prefix,
        categories: listItems(q.service_code),
        statuses,
        from,
        to,
        limit: OPEN311_MAX_REQUESTS,
      });
    }
    // The query already keeps to the scope's prefix; a city-wide key's prefix is '' (one city).
    return rows.filter((r) => sees(who, r.gridCode)).map(open311RequestOf);
  }

  /** GET one request: 404 for no citizen report with that id, 403 outside the key's scope. */
  async one(ctx: AuthContext | undefined, id: string): Promise<Open311Request> {
    const who = principalOf(ctx);
    authorize(who, 'open311:read');
    const row = /^[0-9A-Za-z-]{1,32}$/.test(id)
      ? (await this.incidents.citizenReports({ prefix: '', codes: [id], limit: 1 }))[0]
      : undefined;
    if (!row)
      throw new HttpError(404, ErrorCode.IncidentNotFound, `service_request_id: no request ${JSON.stringify(id)}`);
    authorizeObject(who, 'open311:read', `service_request_id ${JSON.stringify(id)}`, row.gridCode);
    return open311RequestOf(row);
  }
}

/** The caller's principal; without a key, a 403 as the spec answers an invalid api_key. */
function principalOf(ctx: AuthContext | undefined): AuthContext['principal'] {
  // No credential at all is a 401, as anywhere in the API; a key that is not valid, a 403 (the spec's).
  if (!ctx)
    throw new HttpError(
      401,
      ErrorCode.AuthRequired,
      'api_key: an integration key is needed (api_key=cik_… or Authorization: Bearer cik_…)',
    );
  return ctx.principal;
}
