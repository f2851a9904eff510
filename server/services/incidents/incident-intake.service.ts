/**
 * New incidents: the dispatcher's form, a hotline ticket, a field unit's report; one made from an
 * alarm (one click, or at once inside the ingest commit for priority-1 alarms). Each is one
 * transaction (incident-store.ts); after the commit, audit and publish. Acting on an incident once
 * it exists is incident-command.service.ts.
 */
import type { AuthContext, RequestMeta } from '@server/auth/context';
import type { Clock } from '@server/core/clock';
import type { Db } from '@server/db/connect';
import type { AlarmRepository, AlarmRow } from '@server/repositories/alarm.repository';
import type { IncidentRepository, IncidentRow } from '@server/repositories/incident.repository';
import type { AlarmService } from '../alarm.service';
import type { AuditService } from '../audit.service';
import type { AutoIncidents } from '../ingest.service';
import type { PhotoService } from '../photo.service';
import type { IncidentAccess } from './incident-access';
import type { IncidentReadService } from './incident-read.service';
import type { IncidentStore } from './incident-store';
import type { SlaPolicyService } from './sla-policy.service';
import type { Locator, Transact } from './ports';
import { actorOf } from '@server/auth/context';
import { authorize, authorizeObject } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { isId } from './ports';
import { alarmSource } from './stored-text';
import { ErrorCode } from '@shared/errors';
import { round6 } from '@shared/geo';
import { categoryOfEvent } from '@shared/incident-categories';
import { hubPhotoId } from '@shared/ingest';
import type { IncidentActor } from '@shared/incident-machine';
import type { CreateIncidentBody, IncidentDetail } from '@shared/incidents';
import type { LonLat } from '@shared/world';

export class IncidentIntakeService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly alarmsRepo: AlarmRepository,
    private readonly alarms: AlarmService,
    private readonly audit: AuditService,
    private readonly photos: PhotoService,
    private readonly locator: Pick<Locator, 'locate'>,
    private readonly sla: SlaPolicyService,
    private readonly access: IncidentAccess,
    private readonly reader: IncidentReadService,
    private readonly store: IncidentStore,
    private readonly transact: Transact,
    private readonly clock: Clock,
  ) {}

  /** The dispatcher's form, a hotline ticket (device key or typed in), or a field unit's report. */
  async create(
    ctx: AuthContext,
    body: CreateIncidentBody,
    meta: RequestMeta,
  ): Promise<{ detail: IncidentDetail; created: boolean }> {
    authorize(ctx.principal, 'incident:create');
    const source =
      ctx.kind === 'device' ? 'hotline' : ctx.principal.role === 'field' ? 'field' : (body.source ?? 'dispatcher');
    if (body.externalId) {
      const existing = await this.incidents.byExternalId(source, body.externalId);
      // The same ticket again answers its incident, to whoever may see it: an external id is no key
      // to another district's incident.
      if (existing) {
        this.access.check(
          ctx,
          existing,
          'incident:create',
          `the incident of body.externalId ${JSON.stringify(body.externalId)}`,
        );
        return { detail: await this.reader.detailOf(ctx, existing), created: false };
      }
    }
    const position: LonLat = [round6(body.location.lon), round6(body.location.lat)];
    const gridCode = await this.locator.locate(position);
    if (!gridCode)
      throw new HttpError(
        400,
        ErrorCode.RequestInvalid,
        `body.location: (${body.location.lon}, ${body.location.lat}) lies outside the city (no grid contains it)`,
      );
    if (ctx.principal.role !== 'field') authorizeObject(ctx.principal, 'incident:create', 'body.location', gridCode);
    const photoIds = await this.photos.checked(body.photoIds ?? []);
    await this.sla.get();
    const now = new Date(this.clock.now());
    const row = await this.transact((tx) =>
      this.store.insert(
        {
          category: body.category,
          priority: body.priority,
          title: body.title,
          description: body.description,
          source,
          externalId: body.externalId ?? null,
          reporter: body.reporter ?? null,
          gridCode,
          position,
          address: body.address,
          parties: body.parties,
          photoIds,
          createdAt: now,
        },
        {
          actor: ctx.kind === 'device' ? 'system' : ctx.principal.role === 'field' ? 'unit' : 'centre',
          actorId: ctx.principal.id,
          actorName: ctx.displayName || ctx.name,
          note: null,
        },
        [
          {
            kind: 'report',
            ref: body.externalId ?? `${source}:${ctx.principal.id}`,
            at: now,
            summary: { key: 'source.report', params: { source, title: body.title } },
          },
        ],
        tx,
      ),
    );
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'incident.create',
      target: `incident:${row.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { code: row.code, source, category: row.category, grid: row.gridCode },
    });
    await this.store.published([row]);
    return { detail: await this.reader.detailOf(ctx, row), created: true };
  }

  /** An incident from an alarm (one click); the alarm that has one already gives that one. */
  async fromAlarm(
    ctx: AuthContext,
    alarmId: string,
    meta: RequestMeta,
  ): Promise<{ detail: IncidentDetail; created: boolean }> {
    authorize(ctx.principal, 'incident:dispatch');
    const alarm = isId(alarmId) ? await this.alarmsRepo.byId(alarmId) : undefined;
    if (!alarm) throw new HttpError(404, ErrorCode.AlarmNotFound, `no alarm with id ${JSON.stringify(alarmId)}`);
    authorizeObject(ctx.principal, 'incident:dispatch', `alarm ${alarmId}`, alarm.gridCode);
    // The alarm's incident already (one the city-wide desk attached it to may lie in another district).
    const theirs = `the incident of alarm ${alarmId}`;
    const linked = alarm.incidentId ? await this.incidents.byId(alarm.incidentId) : undefined;
    if (linked) {
      this.access.check(ctx, linked, 'incident:dispatch', theirs);
      await this.handledBy(ctx, alarm, linked.id);
      return { detail: await this.reader.detailOf(ctx, linked), created: false };
    }
    const existing = await this.incidents.byAlarm(alarm.id);
    if (existing) {
      this.access.check(ctx, existing, 'incident:dispatch', theirs);
      return { detail: await this.reader.detailOf(ctx, existing), created: false };
    }
    const prepared = await this.alarms.prepare();
    await this.sla.get();
    const result = await this.transact(async (tx) => {
      const again = await this.incidents.byAlarm(alarm.id, tx);
      if (again) {
        this.access.check(ctx, again, 'incident:dispatch', theirs);
        return { row: again, alarms: [] as AlarmRow[], created: false };
      }
      const made = await this.fromAlarmsIn([alarm], tx, (f) => prepared.surroundings.world.facilityKind(f), {
        actor: 'centre',
        actorId: ctx.principal.id,
        actorName: ctx.displayName || ctx.name,
      });
      return { row: made.incidents[0]!, alarms: made.alarms, created: true };
    });
    if (result.created) {
      await this.audit.record({
        actor: actorOf(ctx),
        actorName: ctx.name,
        action: 'incident.from-alarm',
        target: `incident:${result.row.id}`,
        address: meta.address,
        outcome: 'ok',
        details: { alarm: alarm.id, code: result.row.code },
      });
      this.alarms.published(result.alarms);
      await this.store.published([result.row]);
    }
    return { detail: await this.reader.detailOf(ctx, result.row), created: result.created };
  }

  /**
   * An alarm that has its incident already (made at once for priority 1, or an SLA breach reporting
   * on it) and is still open: asking for its incident says its work is the incident's, so it leaves
   * the open queue as `incident` (issue 15: seen breach alarms waited there for ever).
   */
  private async handledBy(ctx: AuthContext, alarm: AlarmRow, incidentId: string): Promise<void> {
    if (alarm.status !== 'new' && alarm.status !== 'acknowledged') return;
    const at = new Date(this.clock.now());
    const changed = await this.transact((tx) =>
      this.alarmsRepo.linkIncident(tx, [alarm.id], incidentId, { by: ctx.name, at }, at),
    );
    this.alarms.published(changed);
  }

  /**
   * Incidents for alarms, inside the caller's transaction (the ingest transaction makes priority-1
   * alarms incidents automatically; the one-click path comes here too). The alarms become 'incident'.
   */
  async fromAlarmsIn(
    alarms: readonly AlarmRow[],
    tx: Db,
    facilityKind: (id: string) => string | undefined,
    who: { actor: IncidentActor; actorId: string; actorName: string } = {
      actor: 'system',
      actorId: 'hub',
      actorName: '',
    },
    deviceOf: ReadonlyMap<string, string | undefined> = new Map(),
  ): Promise<{ incidents: IncidentRow[]; alarms: AlarmRow[] }> {
    const out: IncidentRow[] = [];
    const linked: AlarmRow[] = [];
    const now = new Date(this.clock.now());
    for (const a of alarms) {
      const device = deviceOf.get(a.id);
      const category = categoryOfEvent(
        a.eventType as never,
        device ? facilityKind(device) : a.zoneName?.includes('学') ? 'school' : null,
        a.eventSource,
      );
      const row = await this.store.insert(
        {
          category,
          priority: a.priority,
          title: a.zoneName ? `${a.ruleName} · ${a.zoneName}` : a.ruleName,
          description: '',
          source: 'alarm',
          externalId: null,
          reporter: null,
          gridCode: a.gridCode,
          position: [a.lon, a.lat],
          address: a.zoneName ?? '',
          // The pictures the alarm came with (a camera's snapshot) are the incident's first photos.
          photoIds: (a.media ?? []).flatMap((m) => {
            const id = m.kind === 'image' ? hubPhotoId(m.url) : null;
            return id ? [id] : [];
          }),
          createdAt: now,
        },
        {
          ...who,
          note: null,
          ...(who.actor === 'system'
            ? { hubNote: { key: 'timeline.alarmIncident', params: { priority: a.priority } } as const }
            : {}),
        },
        [alarmSource(a)],
        tx,
      );
      out.push(row);
      // Made by hand: the alarm is handled (status incident). Made at once by the hub: the alarm
      // stays new, so it still pops up and sounds on every desk, and points at its incident.
      linked.push(
        ...(await this.alarmsRepo.linkIncident(
          tx,
          [a.id],
          row.id,
          who.actor === 'system' ? null : { by: who.actorName, at: now },
          now,
        )),
      );
    }
    return { incidents: out, alarms: linked };
  }

  /**
   * What the ingest commit asks of incidents (ingest.service.ts `AutoIncidents`): its priority-1
   * alarms (≤ autoPriority) become incidents in the same transaction, announced after the commit.
   */
  autoIncidents(autoPriority: number): AutoIncidents {
    return {
      fromAlarms: async (raised, events, tx, prepared) => {
        const urgent = raised.filter((a) => a.priority <= autoPriority);
        if (urgent.length === 0) return { incidents: [], alarms: [] };
        const deviceOf = new Map<string, string | undefined>();
        const byEvent = new Map(events.map((e) => [`${e.source}\u0000${e.id}`, e.deviceId]));
        for (const a of urgent) deviceOf.set(a.id, byEvent.get(`${a.eventSource}\u0000${a.eventId}`));
        return this.fromAlarmsIn(urgent, tx, (f) => prepared.surroundings.world.facilityKind(f), undefined, deviceOf);
      },
      published: (rows) => this.store.published(rows),
    };
  }
}
