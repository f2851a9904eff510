/**
 * The SLA breach sweep: every stored deadline passed (`due_at <= now`, an index, so a restart loses
 * no breach) is judged again under the row lock; a breach flags the incident, raises an alarm for
 * the supervisors (超时督办, in the same transaction) and escalates it one region level up. Verified
 * citizen reports the citizen did not rate within RATING_WINDOW_MS close without a rating. The
 * hub's scheduler runs it every `slaSweepMs` (server/core/scheduler.ts); tests call sweep().
 */
import type { Logger } from 'pino';
import type { Clock } from '@server/core/clock';
import type { AlarmRepository } from '@server/repositories/alarm.repository';
import type { EventRepository } from '@server/repositories/event.repository';
import type { IncidentRepository } from '@server/repositories/incident.repository';
import type { AlarmService } from '../alarm.service';
import type { DisputeScoring } from './dispute-scoring';
import type { IncidentStore, WriteChange } from './incident-store';
import type { SlaPolicyService } from './sla-policy.service';
import { eventRow, type StoredEvent } from '../stored-event';
import { breachEffects } from '@shared/incident-effects';
import { freshBreaches } from '@shared/incident-facts';
import { HUB_SOURCE, type EventSource } from '@shared/ingest';

/** A verified citizen report waits this long for the rating, then closes without one. */
export const RATING_WINDOW_MS = 72 * 3_600_000;

export class SlaSweepService {
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly events: EventRepository,
    private readonly alarmsRepo: AlarmRepository,
    private readonly alarms: AlarmService,
    private readonly sla: SlaPolicyService,
    private readonly store: IncidentStore,
    private readonly scoring: DisputeScoring,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** One sweep (a call while one runs shares it): every deadline passed is a breach (flag, supervisor alarm, one level up); returns how many. */
  sweep(): Promise<number> {
    if (this.sweeping) return this.sweeping;
    const p = this.sweepOnce().finally(() => {
      this.sweeping = null;
    });
    this.sweeping = p;
    return p;
  }

  private async sweepOnce(): Promise<number> {
    const now = this.clock.now();
    const policy = await this.sla.get();
    const prepared = await this.alarms.prepare();
    let count = 0;
    for (const due of await this.incidents.due(new Date(now), 500)) {
      // Judged again under the row lock: another hub's sweep may have handled it meanwhile.
      const res = await this.store.write(due.id, undefined, null, async (row, tx) => {
        const at = new Date(now);
        const fresh = freshBreaches(row, policy, now);
        const change: WriteChange = breachEffects(row, fresh, at);
        if (fresh.length) {
          const events: StoredEvent[] = fresh.map((stage) => ({
            id: `sla:${row.id}:${stage}`,
            // The hub's own source: never accepted from outside (ingest only takes EVENT_SOURCES).
            source: HUB_SOURCE as EventSource,
            type: 'sla_breach',
            at: at.toISOString(),
            location: { lon: row.lon, lat: row.lat },
            attributes: { incidentId: row.id, code: row.code, stage, title: row.title },
            gridCode: row.gridCode,
            lon: row.lon,
            lat: row.lat,
          }));
          await this.events.insertNew(
            events.map((e) => eventRow(e, at, null)),
            tx,
          );
          const raised = await this.alarms.raiseDrafts(
            events.map((e) => ({
              event: e,
              draft: {
                ruleId: 'sla-breach',
                ruleName: `超时督办 ${row.code}`,
                priority: Math.min(row.priority, 2) as 1 | 2,
                actions: [],
              },
            })),
            tx,
            prepared,
          );
          change.alarms = await this.alarmsRepo.linkIncident(
            tx,
            raised.map((a) => a.id),
            row.id,
            null,
            at,
          );
          if (row.dispute) await this.scoring.rescore(row, { ...row.dispute }, change, at, tx);
        }
        return change;
      });
      count += res.row.breaches.length - res.before.breaches.length;
      await this.store.afterWrite(res);
    }
    // Verified citizen reports the citizen did not rate within the window close without a rating.
    for (const row of await this.incidents.list({ prefix: '', statuses: ['verified'], sort: 'newest', limit: 200 })) {
      if (now - row.updatedAt.getTime() < RATING_WINDOW_MS) continue;
      const res = await this.store.write(row.id, undefined, null, (r) => {
        const { change } = this.store.step(
          r,
          { action: 'close', actor: 'system', actorId: 'hub', at: new Date(now).toISOString() },
          '',
        );
        // The machine's entry for the close: the hub says why, as a key the screens translate.
        change.timeline[0]!.hubNote = {
          key: 'timeline.ratingTimeout',
          params: { hours: RATING_WINDOW_MS / 3_600_000 },
        };
        return Promise.resolve(change);
      });
      await this.store.afterWrite(res);
    }
    if (count) this.log.info({ breaches: count }, 'SLA sweep: deadlines passed, incidents flagged and escalated');
    return count;
  }
}
