/**
 * Disputes (矛盾纠纷): a mediation record (channel, mediator, note, outcome) on an open dispute; the
 * risk is scored again, and a dispute turning high is escalated and supervised (dispute-scoring.ts).
 */
import type { AuthContext, RequestMeta } from '@server/auth/context';
import type { Clock } from '@server/core/clock';
import type { DisputeJson } from '@server/db/schema';
import type { IncidentRow } from '@server/repositories/incident.repository';
import type { AuditService } from '../audit.service';
import type { DisputeScoring } from './dispute-scoring';
import type { IncidentReadService } from './incident-read.service';
import type { IncidentStore } from './incident-store';
import type { Change } from '@shared/incident-facts';
import { actorOf } from '@server/auth/context';
import { authorize, authorizeObject } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { ErrorCode } from '@shared/errors';
import { OPEN_STATUSES } from '@shared/incident-machine';
import type { IncidentDetail, MediationBody } from '@shared/incidents';

export class DisputeService {
  constructor(
    private readonly store: IncidentStore,
    private readonly reader: IncidentReadService,
    private readonly scoring: DisputeScoring,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** A mediation record of a dispute; the risk is scored again (high: escalated and supervised). */
  async mediate(ctx: AuthContext, id: string, body: MediationBody, meta: RequestMeta): Promise<IncidentDetail> {
    authorize(ctx.principal, 'incident:dispatch');
    const guard = (row: IncidentRow) =>
      authorizeObject(ctx.principal, 'incident:dispatch', `incident ${id}`, row.gridCode);
    await this.reader.found(id, guard);
    const at = new Date(this.clock.now());
    const res = await this.store.write(id, body.version, guard, async (row, tx) => {
      if (!row.dispute)
        throw new HttpError(409, ErrorCode.IncidentIllegal, `mediation: incident ${row.code} is not a dispute`);
      if (!OPEN_STATUSES.has(row.status))
        throw new HttpError(409, ErrorCode.IncidentIllegal, `mediation: the incident is ${row.status}`);
      const d: DisputeJson = {
        ...row.dispute,
        channel: body.channel,
        outcome: body.outcome,
        mediations: [
          ...row.dispute.mediations,
          {
            at: at.toISOString(),
            channel: body.channel,
            mediator: body.mediator,
            note: body.note,
            outcome: body.outcome,
            by: ctx.displayName || ctx.name,
          },
        ],
      };
      const change: Change = {
        set: { updatedAt: at },
        timeline: [
          {
            at,
            action: 'mediation',
            fromStatus: row.status,
            toStatus: row.status,
            actor: 'centre',
            actorId: ctx.principal.id,
            actorName: ctx.displayName || ctx.name,
            note: body.note || null,
            details: { channel: body.channel, outcome: body.outcome, mediator: body.mediator },
          },
        ],
      };
      await this.scoring.rescore(row, d, change, at, tx);
      return change;
    });
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'incident.mediation',
      target: `incident:${id}`,
      address: meta.address,
      outcome: 'ok',
      details: { channel: body.channel, outcome: body.outcome, risk: res.row.dispute?.risk.level },
    });
    await this.store.afterWrite(res);
    return this.reader.detailOf(ctx, res.row);
  }
}
