/**
 * Acting on incidents: through the state machine (dispatch, accept, resolve, merge, …), and
 * attaching an alarm. Each change is one transaction (incident-store.ts); after the commit, audit
 * and publish. New incidents come in through incident-intake.service.ts.
 */
import type { AuthContext, RequestMeta } from '@server/auth/context';
import type { Clock } from '@server/core/clock';
import type { Db } from '@server/db/connect';
import type { AlarmRepository } from '@server/repositories/alarm.repository';
import type { IncidentRepository, IncidentRow } from '@server/repositories/incident.repository';
import type { AuditService } from '../audit.service';
import type { UnitIndex } from '../unit-index';
import type { DispatchService } from './dispatch.service';
import type { DisputeScoring } from './dispute-scoring';
import type { IncidentAccess } from './incident-access';
import type { IncidentReadService } from './incident-read.service';
import type { IncidentStore, WriteChange } from './incident-store';
import type { MergeService } from './merge.service';
import { actorOf } from '@server/auth/context';
import { authorize, authorizeObject } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { isId } from './ports';
import { alarmSource } from './stored-text';
import { ErrorCode } from '@shared/errors';
import { OPEN_STATUSES, type ActionInput } from '@shared/incident-machine';
import type { IncidentActionBody, IncidentDetail } from '@shared/incidents';

export class IncidentCommandService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly alarmsRepo: AlarmRepository,
    private readonly audit: AuditService,
    private readonly units: UnitIndex,
    private readonly access: IncidentAccess,
    private readonly reader: IncidentReadService,
    private readonly store: IncidentStore,
    private readonly dispatch: DispatchService,
    private readonly merging: MergeService,
    private readonly scoring: DisputeScoring,
    private readonly clock: Clock,
  ) {}

  /** One action of the machine by a dispatcher or a field unit; a stale version is a 409 with the current state. */
  async act(ctx: AuthContext, id: string, body: IncidentActionBody, meta: RequestMeta): Promise<IncidentDetail> {
    authorize(ctx.principal, 'incident:act');
    await this.units.fresh();
    // Every object the action names is checked against the scope first, the incident first: before
    // the version (a stale 409 shows the current incident), the machine, or any other answer.
    const guard = (row: IncidentRow) => {
      this.access.check(ctx, row, 'incident:act', `incident ${id}`);
      this.access.actorFor(ctx, row);
    };
    await this.reader.found(id, guard);
    if (body.action === 'merge' && body.intoId !== undefined) {
      const into = isId(body.intoId) ? await this.incidents.byId(body.intoId) : undefined;
      if (into) authorizeObject(ctx.principal, 'incident:dispatch', `incident ${body.intoId}`, into.gridCode);
    }
    if (body.action === 'dispatch' && body.unitIds) await this.dispatch.checkUnitsInScope(ctx.principal, body.unitIds);
    if (body.action === 'rate')
      throw new HttpError(
        409,
        ErrorCode.IncidentIllegal,
        'rate: only the citizen rates, on the report page (POST /api/v1/public/reports/:code/rating)',
      );
    const at = new Date(this.clock.now());
    const who = { actorId: ctx.principal.id, actorName: ctx.displayName || ctx.name };
    const res = await this.store.write(id, body.version, guard, async (row, tx) => {
      const actor = this.access.actorFor(ctx, row);
      const unitId = actor === 'unit' || actor === 'grid_worker' ? (ctx.user?.unitId ?? undefined) : undefined;
      if (body.action === 'dispatch' && body.unitIds)
        await this.dispatch.checkDispatchable(ctx.principal, body.unitIds, row.id, tx);
      return this.step(
        row,
        {
          action: body.action,
          actor,
          actorId: who.actorId,
          at: at.toISOString(),
          note: body.note,
          unitIds: body.unitIds,
          unitId,
          intoId: body.intoId,
        },
        who.actorName,
        tx,
      );
    });
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: `incident.${body.action}`,
      target: `incident:${id}`,
      address: meta.address,
      outcome: 'ok',
      details: {
        from: res.before.status,
        to: res.row.status,
        version: res.row.version,
        units: body.unitIds,
        into: body.intoId,
      },
    });
    await this.store.afterWrite(res);
    return this.reader.detailOf(ctx, res.row);
  }

  /** The machine's step with what needs the database: the incident merged into, a dispute's new risk after an escalation. */
  private async step(row: IncidentRow, input: ActionInput, actorName: string, tx: Db): Promise<WriteChange> {
    const { change, record } = this.store.step(row, input, actorName);
    const out: WriteChange = change;
    if (input.action === 'merge') out.merged = await this.merging.mergeInto(row, input.intoId!, record, actorName, tx);
    if (row.dispute && input.action === 'escalate')
      await this.scoring.rescore(row, { ...row.dispute }, out, new Date(input.at), tx);
    return out;
  }

  /** Attach an alarm (a merge candidate) to an incident: one more source on its timeline. */
  async attachAlarm(
    ctx: AuthContext,
    id: string,
    alarmId: string,
    version: number,
    meta: RequestMeta,
  ): Promise<IncidentDetail> {
    authorize(ctx.principal, 'incident:dispatch');
    // The incident, then the alarm, in scope before anything else (the version included).
    const guard = (row: IncidentRow) =>
      authorizeObject(ctx.principal, 'incident:dispatch', `incident ${id}`, row.gridCode);
    await this.reader.found(id, guard);
    const alarm = isId(alarmId) ? await this.alarmsRepo.byId(alarmId) : undefined;
    if (!alarm) throw new HttpError(404, ErrorCode.AlarmNotFound, `no alarm with id ${JSON.stringify(alarmId)}`);
    authorizeObject(ctx.principal, 'incident:dispatch', `alarm ${alarmId}`, alarm.gridCode);
    const at = new Date(this.clock.now());
    const res = await this.store.write(id, version, guard, async (row, tx) => {
      if (!OPEN_STATUSES.has(row.status))
        throw new HttpError(409, ErrorCode.IncidentIllegal, `attach: the incident is ${row.status}`);
      const other = await this.incidents.byAlarm(alarm.id, tx);
      if (other)
        throw new HttpError(
          409,
          ErrorCode.IncidentIllegal,
          `attach: the alarm belongs to ${this.access.canSee(ctx, other) ? `incident ${other.code}` : 'another incident'} already`,
        );
      const changed = await this.alarmsRepo.linkIncident(tx, [alarm.id], row.id, { by: ctx.name, at }, at);
      return {
        set: { updatedAt: at },
        timeline: [
          {
            at,
            action: 'attach_alarm',
            fromStatus: row.status,
            toStatus: row.status,
            actor: 'centre',
            actorId: ctx.principal.id,
            actorName: ctx.displayName || ctx.name,
            note: null,
            details: { alarm: alarm.id },
          },
        ],
        sources: [alarmSource(alarm)],
        alarms: changed,
      };
    });
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'incident.attach-alarm',
      target: `incident:${id}`,
      address: meta.address,
      outcome: 'ok',
      details: { alarm: alarm.id },
    });
    await this.store.afterWrite(res);
    return this.reader.detailOf(ctx, res.row);
  }
}
