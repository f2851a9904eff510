/**
 * Citizens' reports (no account): a report from the report page (a QR code's region or the phone's
 * position), its status by tracking code, and the citizen's 1-5 rating (群众评单) that closes the
 * loop. The tracking code is the citizen's only key: 60 random bits.
 */
import { randomBytes } from 'node:crypto';
import type { RequestMeta } from '@server/auth/context';
import type { Clock } from '@server/core/clock';
import type { IncidentRepository, IncidentRow } from '@server/repositories/incident.repository';
import type { IncidentTimelineRepository } from '@server/repositories/incident-timeline.repository';
import type { AuditService } from '../audit.service';
import type { PhotoService } from '../photo.service';
import type { IncidentStore } from './incident-store';
import type { SlaPolicyService } from './sla-policy.service';
import type { Locator, Transact } from './ports';
import { HttpError } from '@server/core/http-errors';
import { ratedEffects } from '@shared/incident-effects';
import { ErrorCode } from '@shared/errors';
import { round6 } from '@shared/geo';
import { CATEGORIES, type RiskCategory } from '@shared/incident-categories';
import type { CitizenReportBody, CitizenStatus, RatingBody } from '@shared/incidents';
import type { LonLat } from '@shared/world';

export class CitizenService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly timeline: IncidentTimelineRepository,
    private readonly photos: PhotoService,
    private readonly locator: Pick<Locator, 'locate' | 'regionCenter'>,
    private readonly sla: SlaPolicyService,
    private readonly store: IncidentStore,
    private readonly audit: AuditService,
    private readonly transact: Transact,
    private readonly clock: Clock,
  ) {}

  async report(body: CitizenReportBody, meta: RequestMeta): Promise<{ trackingCode: string; code: string }> {
    let position: LonLat;
    if (body.location) position = [round6(body.location.lon), round6(body.location.lat)];
    else {
      const center = await this.locator.regionCenter(body.regionCode!);
      if (!center)
        throw new HttpError(
          400,
          ErrorCode.RegionNotFound,
          `body.regionCode: no region ${JSON.stringify(body.regionCode)}`,
        );
      position = center;
    }
    const gridCode = await this.locator.locate(position);
    if (!gridCode)
      throw new HttpError(
        400,
        ErrorCode.RequestInvalid,
        `body.location: (${position[0]}, ${position[1]}) lies outside the city (no grid contains it)`,
      );
    const photoIds = await this.photos.checked(body.photoIds ?? []);
    const trackingCode = newTrackingCode();
    await this.sla.get();
    const now = new Date(this.clock.now());
    const info = CATEGORIES[body.category];
    const row = await this.transact((tx) =>
      this.store.insert(
        {
          category: body.category,
          priority: 3,
          title: `${info.zh}（群众上报）`,
          description: body.description,
          source: 'citizen',
          externalId: null,
          trackingCode,
          reporter: body.contact ?? null,
          gridCode,
          position,
          address: body.address,
          parties: body.parties,
          photoIds,
          createdAt: now,
        },
        {
          actor: 'citizen',
          actorId: trackingCode,
          actorName: body.contact?.name ?? '',
          note: null,
          ...(body.regionCode ? { hubNote: { key: 'timeline.qrReport', params: { region: body.regionCode } } } : {}),
        },
        [
          {
            kind: 'report',
            ref: trackingCode,
            at: now,
            summary: { key: 'source.citizen', params: { region: body.regionCode ?? null } },
          },
        ],
        tx,
      ),
    );
    await this.audit.record({
      actor: 'citizen',
      actorName: 'citizen',
      action: 'incident.citizen-report',
      target: `incident:${row.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { code: row.code, category: row.category, grid: row.gridCode },
    });
    await this.store.published([row]);
    return { trackingCode, code: row.code };
  }

  async status(trackingCode: string): Promise<CitizenStatus> {
    const row = await this.byTracking(trackingCode);
    const steps = await this.timeline.of([row.id]);
    return {
      trackingCode: row.trackingCode!,
      code: row.code,
      category: row.category as RiskCategory,
      description: row.description,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      steps: steps.map((s) => ({ at: s.at.toISOString(), action: s.action, to: s.toStatus })),
      canRate: row.status === 'verified',
      rating: row.rating ? { score: row.rating, comment: row.ratingComment ?? '' } : null,
    };
  }

  /** The citizen's 1-5 rating (群众评单): rated, then closed. */
  async rate(trackingCode: string, body: RatingBody, meta: RequestMeta): Promise<CitizenStatus> {
    const found = await this.byTracking(trackingCode);
    const at = new Date(this.clock.now());
    const res = await this.store.write(found.id, undefined, null, (row) => {
      const { change } = this.store.step(
        row,
        {
          action: 'rate',
          actor: 'citizen',
          actorId: trackingCode,
          at: at.toISOString(),
          rating: body.score,
          note: body.comment || undefined,
        },
        // A citizen has no name on the timeline: the screen says "citizen" in its language.
        '',
      );
      return Promise.resolve(ratedEffects(change, body.score, body.comment, at));
    });
    await this.audit.record({
      actor: 'citizen',
      actorName: 'citizen',
      action: 'incident.rate',
      target: `incident:${found.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { score: body.score },
    });
    await this.store.afterWrite(res);
    return this.status(trackingCode);
  }

  private async byTracking(code: string): Promise<IncidentRow> {
    const normal = code.trim().toUpperCase();
    const row = /^[0-9A-Z-]{1,20}$/.test(normal) ? await this.incidents.byTrackingCode(normal) : undefined;
    if (!row)
      throw new HttpError(404, ErrorCode.ReportNotFound, `no report with tracking code ${JSON.stringify(code)}`);
    return row;
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 12 random Crockford base32 characters (60 bits) in groups of four. */
export function newTrackingCode(): string {
  const b = randomBytes(12);
  let s = '';
  for (let i = 0; i < 12; i++) s += CROCKFORD[b[i]! & 31];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}
