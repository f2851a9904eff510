/**
 * Writing incidents, for every incident service: a new incident in the caller's transaction, and a
 * change to one under its row lock. A change reads the row FOR UPDATE, checks it against the caller
 * (`guard`) and the version it saw (a stale one is a 409 with the current state), computes what to
 * write (the machine and shared/incident-effects.ts), writes it with the next rev, the next
 * SLA deadline, its timeline, sources and units. After the commit `afterWrite` publishes (the
 * domain events, the alarms changed with it).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@server/core/clock';
import type { Db } from '@server/db/connect';
import type { DisputeJson } from '@server/db/schema';
import type { AlarmRow } from '@server/repositories/alarm.repository';
import type { IncidentRepository, IncidentRow } from '@server/repositories/incident.repository';
import type { IncidentSourceRepository } from '@server/repositories/incident-source.repository';
import type { IncidentTimelineRepository } from '@server/repositories/incident-timeline.repository';
import type { UnitRepository, UnitRow } from '@server/repositories/unit.repository';
import type { AlarmService } from '../alarm.service';
import type { UnitIndex } from '../unit-index';
import type { DisputeScoring } from './dispute-scoring';
import type { DomainEvents } from '../domain-events';
import type { SlaPolicyService } from './sla-policy.service';
import type { Transact } from './ports';
import { incidentView, unitLiveView, type IncidentViews } from './incident-view';
import { sourceRow, timelineRow } from './stored-text';
import { HttpError } from '@server/core/http-errors';
import { reportedEffects, stepEffects } from '@shared/incident-effects';
import { nextDeadline, type Change, type Reporter, type SourceEntry } from '@shared/incident-facts';
import { ErrorCode } from '@shared/errors';
import { CATEGORIES, DISPUTE_CATEGORIES, type RiskCategory } from '@shared/incident-categories';
import type { ActionInput, TransitionRecord } from '@shared/incident-machine';
import type { IncidentView } from '@shared/incidents';
import type { LonLat } from '@shared/world';

/** A new incident as its makers describe it (the form, a hotline, a field unit, a citizen, an alarm). */
export interface NewReport {
  category: RiskCategory;
  priority: number;
  title: string;
  description: string;
  source: IncidentRow['source'];
  externalId: string | null;
  trackingCode?: string;
  reporter: IncidentRow['reporter'];
  gridCode: string;
  position: LonLat;
  address: string;
  parties?: { name: string; idKey?: string }[];
  photoIds: string[];
  createdAt: Date;
}

/** A change to write, with the incident merged into (written already) and alarms changed with it. */
export type WriteChange = Change & { merged?: IncidentRow; alarms?: AlarmRow[] };

export interface WriteResult {
  before: IncidentRow;
  row: IncidentRow;
  merged?: IncidentRow;
  units: UnitRow[];
  alarms: AlarmRow[];
}

export class IncidentStore {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly timeline: IncidentTimelineRepository,
    private readonly sources: IncidentSourceRepository,
    private readonly unitRows: UnitRepository,
    private readonly units: UnitIndex,
    private readonly sla: SlaPolicyService,
    private readonly views: IncidentViews,
    private readonly scoring: DisputeScoring,
    private readonly alarms: AlarmService,
    private readonly events: DomainEvents,
    private readonly transact: Transact,
    private readonly clock: Clock,
  ) {}

  /** Insert a reported incident in `tx`, with its first timeline entries and its sources (the SLA policy loaded beforehand). */
  async insert(d: NewReport, who: Reporter, sources: SourceEntry[], tx: Db): Promise<IncidentRow> {
    const id = randomUUID();
    const isDispute = DISPUTE_CATEGORIES.has(d.category);
    const policy = this.sla.loaded();
    let dispute: DisputeJson | null = null;
    if (isDispute) {
      const parties = (d.parties ?? []).map((p) => ({ name: p.name, idKey: p.idKey ?? null }));
      dispute = {
        parties,
        channel: null,
        mediations: [],
        outcome: 'ongoing',
        risk: { score: 0, level: 'low', factors: [] },
        supervised: false,
      };
      dispute.risk = await this.scoring.riskOf(
        id,
        d.category,
        parties,
        d.position,
        d.description,
        dispute,
        0,
        d.createdAt,
        tx,
      );
    }
    const opening = reportedEffects(
      { category: d.category, priority: d.priority, gridCode: d.gridCode, source: d.source, createdAt: d.createdAt },
      who,
      policy,
      dispute?.risk ?? null,
    );
    const row = await this.incidents.insert(
      {
        ...opening.set,
        id,
        kind: isDispute ? 'dispute' : 'general',
        category: d.category,
        priority: d.priority,
        title: d.title,
        description: d.description,
        source: d.source,
        externalId: d.externalId,
        trackingCode: d.trackingCode ?? null,
        reporter: d.reporter,
        gridCode: d.gridCode,
        lon: d.position[0],
        lat: d.position[1],
        address: d.address,
        department: CATEGORIES[d.category].department,
        createdAt: d.createdAt,
        updatedAt: d.createdAt,
        photoIds: d.photoIds,
        dispute: dispute && opening.supervised ? { ...dispute, supervised: true } : dispute,
      },
      tx,
    );
    await this.timeline.add(
      opening.timeline.map((t) => timelineRow(t, id)),
      tx,
    );
    await this.sources.add(
      sources.map((s) => sourceRow(s, id)),
      tx,
    );
    return row;
  }

  /** The machine's answer to one action and what follows from it (a 409 when refused); units from the live index. */
  step(row: IncidentRow, input: ActionInput, actorName: string): { change: Change; record: TransitionRecord } {
    const r = stepEffects(row, input, actorName, (id) => this.units.get(id)!);
    if (!r.ok) throw new HttpError(409, ErrorCode.IncidentIllegal, r.reason);
    return r;
  }

  /**
   * Read FOR UPDATE, check it against the caller (`guard`, before anything else: the stale 409 below
   * carries the incident, so it is reached only by whoever may see it), check the version, compute
   * the change, write it (with the next rev), the timeline, sources and units; the SLA deadline
   * follows the new stage times.
   */
  async write(
    id: string,
    version: number | undefined,
    guard: ((row: IncidentRow) => void) | null,
    compute: (row: IncidentRow, tx: Db) => Promise<WriteChange>,
  ): Promise<WriteResult> {
    const policy = await this.sla.get();
    return this.transact(async (tx) => {
      const before = await this.incidents.byId(id, tx, true);
      if (!before) throw new HttpError(404, ErrorCode.IncidentNotFound, `no incident with id ${JSON.stringify(id)}`);
      guard?.(before);
      if (version !== undefined && before.version !== version) {
        throw new HttpError(
          409,
          ErrorCode.IncidentStale,
          `incident ${before.code} was changed by someone else (version ${before.version}, you sent ${version}): here is its current state`,
          {
            incident: incidentView(before, policy, this.clock.now()),
          },
        );
      }
      const change = await compute(before, tx);
      change.set.dueAt = nextDeadline({ ...before, ...change.set }, policy);
      const row = await this.incidents.update(before.id, before.version, change.set, tx);
      if (!row) throw new Error('incident row vanished under its lock');
      await this.timeline.add(
        change.timeline.map((t) => timelineRow(t, row.id)),
        tx,
      );
      if (change.sources?.length)
        await this.sources.add(
          change.sources.map((s) => sourceRow(s, row.id)),
          tx,
        );
      const units: UnitRow[] = [];
      if (change.busy?.length)
        units.push(...(await this.unitRows.setStatus(change.busy, { status: 'busy', incidentId: row.id }, tx)));
      if (change.free?.length)
        units.push(...(await this.unitRows.setStatus(change.free, { status: 'available', incidentId: null }, tx)));
      return { before, row, merged: change.merged, units, alarms: change.alarms ?? [] };
    });
  }

  /** After the commit of a write: the unit index, units and incidents to the screens, alarms changed with it. */
  async afterWrite(res: WriteResult): Promise<void> {
    this.units.apply(res.units, true);
    this.events.emit(
      'units',
      res.units.map((u) => ({ regionCode: u.homeRegionCode, live: unitLiveView(u) })),
    );
    const sent = res.units.filter((u) => u.status === 'busy' && u.incidentId === res.row.id).map((u) => u.id);
    if (sent.length) this.events.emit('unitsSent', sent, [res.row.lon, res.row.lat]);
    if (res.alarms.length) this.alarms.published(res.alarms);
    await this.published(res.merged ? [res.row, res.merged] : [res.row]);
  }

  /** After commit: push to the screens of the incidents' regions. */
  async published(rows: readonly IncidentRow[]): Promise<IncidentView[]> {
    if (rows.length === 0) return [];
    const views = await this.views.views(rows);
    this.events.emit('incidents', views);
    return views;
  }
}
