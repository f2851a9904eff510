/**
 * Incidents and units as the wire shows them (shared/incidents.ts): the row mappers, and views
 * with the SLA clocks as they stand now (the policy and the clock). Personal data leaves masked
 * (shared/personal-data.ts), for every screen and every push alike; the full value only through
 * the audited reveal (personal-data.service.ts).
 */
import type { Clock } from '@server/core/clock';
import type { IncidentRow } from '@server/repositories/incident.repository';
import type { UnitRow } from '@server/repositories/unit.repository';
import type { SlaPolicyService } from './sla-policy.service';
import { disputeView } from './stored-text';
import { clocksStopped, levelCode, timesOf } from '@shared/incident-facts';
import { slaClocks, stageMinutes, type SlaPolicy, type SlaStage } from '@shared/sla';
import type { RiskCategory } from '@shared/incident-categories';
import type { IncidentView, UnitLive } from '@shared/incidents';
import { maskTail } from '@shared/personal-data';

export function incidentView(r: IncidentRow, policy: SlaPolicy, now: number): IncidentView {
  const iso = (d: number | null) => (d === null ? null : new Date(d).toISOString());
  return {
    id: r.id,
    code: r.code,
    rev: r.rev,
    version: r.version,
    kind: r.kind,
    category: r.category as RiskCategory,
    priority: r.priority,
    title: r.title,
    description: r.description,
    status: r.status,
    source: r.source,
    externalId: r.externalId,
    reporter: r.reporter && {
      ...r.reporter,
      ...(r.reporter.phone !== undefined ? { phone: maskTail(r.reporter.phone) } : {}),
    },
    gridCode: r.gridCode,
    position: [r.lon, r.lat],
    address: r.address,
    department: r.department,
    assignments: r.assignments,
    escalations: r.escalations,
    maxEscalations: r.maxEscalations,
    levelCode: levelCode(r.gridCode, r.escalations),
    sla: slaClocks(timesOf(r), stageMinutes(policy, r.category, r.priority), now, clocksStopped(r.status)).map((c) => ({
      stage: c.stage,
      state: c.state,
      startedAt: iso(c.startedAt),
      dueAt: iso(c.dueAt),
      endedAt: iso(c.endedAt),
    })),
    flagged: r.flagged,
    breaches: r.breaches as SlaStage[],
    mergedInto: r.mergedInto,
    mergedFrom: r.mergedFrom,
    rating: r.rating ? { score: r.rating, comment: r.ratingComment ?? '' } : null,
    photoIds: r.photoIds,
    dispute: r.dispute && {
      ...disputeView(r.dispute),
      parties: r.dispute.parties.map((p) => ({ name: p.name, idKey: p.idKey === null ? null : maskTail(p.idKey) })),
    },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}

export function unitLiveView(u: UnitRow): UnitLive {
  return {
    id: u.id,
    callsign: u.callsign,
    kind: u.kind,
    status: u.status,
    position: [u.lon, u.lat],
    updatedAt: u.updatedAt.toISOString(),
    incidentId: u.incidentId,
  };
}

/** Views with the current SLA policy, at the clock's now. */
export class IncidentViews {
  constructor(
    private readonly sla: SlaPolicyService,
    private readonly clock: Clock,
  ) {}

  async view(row: IncidentRow): Promise<IncidentView> {
    return incidentView(row, await this.sla.get(), this.clock.now());
  }

  async views(rows: readonly IncidentRow[]): Promise<IncidentView[]> {
    const policy = await this.sla.get();
    const now = this.clock.now();
    return rows.map((r) => incidentView(r, policy, now));
  }
}
