/**
 * A dispute's risk score (shared/dispute-risk.ts) with what only the database knows: earlier
 * disputes of the same parties and at the same address within a year. Scored when a dispute is
 * reported and again after every mediation, escalation or breach; a dispute turning high is
 * escalated, flagged and supervised (民转刑 early warning), once.
 */
import type { Db } from '@server/db/connect';
import type { DisputeJson } from '@server/db/schema';
import type { IncidentRepository, IncidentRow } from '@server/repositories/incident.repository';
import { highRiskEntry } from '@shared/incident-effects';
import type { Change } from '@shared/incident-facts';
import { disputeRisk } from '@shared/dispute-risk';
import type { DisputeRisk } from '@shared/incidents';
import type { LonLat } from '@shared/world';

export class DisputeScoring {
  constructor(private readonly incidents: IncidentRepository) {}

  async riskOf(
    id: string,
    category: string,
    parties: DisputeJson['parties'],
    p: LonLat,
    description: string,
    d: DisputeJson,
    escalations: number,
    at: Date,
    tx: Db,
  ): Promise<DisputeRisk> {
    const year = new Date(at.getTime() - 365 * 86_400_000);
    const rec = await this.incidents.disputeRecurrence(
      id,
      parties,
      p[0],
      p[1],
      100 / 111_320 / Math.cos((p[1] * Math.PI) / 180),
      100 / 110_540,
      year,
      tx,
    );
    return disputeRisk({
      category,
      sameParties: rec.sameParties,
      sameAddress: rec.sameAddress,
      failedMediations: d.mediations.filter((m) => m.outcome === 'failed').length,
      escalations,
      text: [description, ...d.mediations.map((m) => m.note)].join('\n'),
    });
  }

  /** Score a dispute again into `change`; a newly high one is escalated and supervised. */
  async rescore(row: IncidentRow, d: DisputeJson, change: Change, at: Date, tx: Db): Promise<void> {
    const escalations = change.set.escalations ?? row.escalations;
    const risk = await this.riskOf(
      row.id,
      row.category,
      d.parties,
      [row.lon, row.lat],
      row.description,
      d,
      escalations,
      at,
      tx,
    );
    d.risk = risk;
    if (risk.level === 'high' && !d.supervised) {
      d.supervised = true;
      change.set.flagged = true;
      if (escalations < row.maxEscalations) change.set.escalations = escalations + 1;
      change.timeline.push(highRiskEntry(at, risk.score));
    }
    change.set.dispute = { ...d, risk };
  }
}
