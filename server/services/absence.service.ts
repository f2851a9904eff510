/**
 * The absence sweep (issue 5): a resident living alone (独居老人) with no access event for an
 * absence rule's `hours` raises an alarm for the grid workers of their grid. Time-driven, so it is
 * not `evaluate` that finds it (no event arrives) but this sweep, every `absenceSweepMs` (the hub's
 * scheduler runs it: server/core/scheduler.ts).
 *
 * One sweep: the rules (before the transaction: PGlite has one connection), then in ONE
 * transaction the overdue residents, the alarms their spells already have, the synthetic
 * `resident_absence` events and their alarms; after the commit the alarms are published.
 *
 * One absence spell raises one alarm per absence rule, however many sweeps or hubs see it: the
 * event's id is the spell's (`absence:<resident>:<last access ISO | never>`, see overdueResidents),
 * the event is stored once per (source, id) and an alarm once per (event, rule), both by unique
 * keys that also hold between hubs. A new access starts a new spell (a new id).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/connect';
import type { Clock } from '../core/clock';
import type { AbsenceCandidateRow, ResidentRepository } from '../repositories/resident.repository';
import type { EventRepository } from '../repositories/event.repository';
import type { AlarmRepository } from '../repositories/alarm.repository';
import type { AlarmService } from './alarm.service';
import { eventRow, type StoredEvent } from './stored-event';
import {
  DEFAULT_ABSENCE_RULE,
  overdueResidents,
  type AbsenceRule,
  type AlarmDraft,
  type OverdueResident,
} from '../rules/rules';
import type { AlarmView } from '@shared/alarms';
import { singleFlight } from '../core/single-flight';

const HOUR_MS = 3_600_000;

export class AbsenceService {
  constructor(
    private readonly residents: ResidentRepository,
    private readonly events: EventRepository,
    private readonly rules: Pick<AlarmRepository, 'seedRules'>,
    private readonly alarms: AlarmService,
    private readonly transact: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * The default absence rule, on a database whose rules were seeded before it existed (a rule of
   * that id already there, edited or not, is kept as it is).
   */
  async ensureRule(): Promise<void> {
    await this.rules.seedRules([DEFAULT_ABSENCE_RULE]);
  }

  /** One sweep (a call while one runs gets that one): the alarms it raised. */
  readonly sweep = singleFlight(() => this.sweepOnce());

  private async sweepOnce(): Promise<AlarmView[]> {
    const prepared = await this.alarms.prepare();
    // The rule with the fewest hours first: its spell event is the one stored (the first to fire).
    const rules = prepared.rules
      .filter((r): r is AbsenceRule => r.kind === 'absence' && r.enabled)
      .sort((a, b) => a.hours - b.hours || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (rules.length === 0) return [];
    const nowMs = this.clock.now();
    const cutoff = new Date(nowMs - rules[0]!.hours * HOUR_MS);
    const raised = await this.transact(async (tx) => {
      const rows = await this.residents.livingAloneIdleSince(cutoff, tx);
      if (rows.length === 0) return [];
      const byId = new Map(rows.map((r) => [r.id, r]));
      const candidates = rows.map((r) => ({
        residentId: r.id,
        lastAccessMs: r.lastAccessMs,
        registeredMs: r.registeredMs,
      }));
      const spells = new Map<string, { event: StoredEvent; rules: AbsenceRule[] }>();
      for (const rule of rules) {
        for (const o of overdueResidents(candidates, rule.hours, nowMs)) {
          let spell = spells.get(o.residentId);
          if (!spell) {
            spell = { event: absenceEvent(byId.get(o.residentId)!, o, rule.hours), rules: [] };
            spells.set(o.residentId, spell);
          }
          spell.rules.push(rule);
        }
      }
      const done = new Set(
        (
          await this.residents.alarmedEvents(
            [...spells.values()].map((s) => s.event.id),
            tx,
          )
        ).map((a) => `${a.eventId}\u0000${a.ruleId}`),
      );
      const items: { event: StoredEvent; draft: AlarmDraft }[] = [];
      const fresh: StoredEvent[] = [];
      for (const { event, rules: overdue } of spells.values()) {
        const todo = overdue.filter((r) => !done.has(`${event.id}\u0000${r.id}`));
        if (todo.length === 0) continue;
        fresh.push(event);
        for (const r of todo)
          items.push({
            event,
            draft: {
              ruleId: r.id,
              ruleName: r.name,
              priority: r.priority,
              actions: r.actions,
              ...(r.say ? { say: r.say } : {}),
            },
          });
      }
      if (items.length === 0) return [];
      // Stored once per spell (a second absence rule's alarm finds the event there already).
      await this.events.insertNew(
        fresh.map((e) => eventRow(e, new Date(nowMs), null)),
        tx,
      );
      return this.alarms.raiseDrafts(items, tx, prepared);
    });
    const views = this.alarms.published(raised);
    if (views.length)
      this.log.info({ alarms: views.length }, 'absence sweep: residents living alone with no access raised alarms');
    return views;
  }
}

/** The synthetic event of one spell: at the resident's home, when the spell crossed the rule's hours. */
function absenceEvent(r: AbsenceCandidateRow, o: OverdueResident, hours: number): StoredEvent {
  return {
    id: o.eventId,
    source: 'access',
    type: 'resident_absence',
    at: new Date(o.dueMs).toISOString(),
    location: { lon: r.lon, lat: r.lat },
    attributes: {
      residentId: r.id,
      residentName: r.name,
      communityId: r.communityId,
      lastAccessAt: r.lastAccessMs === null ? null : new Date(r.lastAccessMs).toISOString(),
      hours,
    },
    gridCode: r.gridCode,
    lon: r.lon,
    lat: r.lat,
  };
}
