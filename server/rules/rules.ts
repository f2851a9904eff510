/**
 * Event → alarm rules (issue 5), as pure data and one pure function. The hub keeps its rules in
 * the database (editable through the API) and runs every stored event through `evaluate`; this
 * module holds the rule shapes, the demo city's default set, and the matching. No I/O.
 *
 * Kinds:
 * - zone: an event of one of `eventTypes` inside a watch zone of one of `zoneKinds` (or given
 *   `zoneIds`), optionally only within a daily time window (Beijing time, which has no DST; a
 *   window may wrap midnight, 22:00-06:00) → an alarm of `priority` with `actions`.
 * - facility: an event from a facility's device (a hospital's or school's one-key alarm button)
 *   of `eventTypes` → an alarm; the facility's kind must be one of `facilityKinds`.
 * - camera: an event one of our cameras reported itself (a vendor protocol's alarm, issue 18) of
 *   `eventTypes`, of a camera of `cameraKinds` when given → an alarm wherever the camera stands.
 * - absence: a resident living alone (独居老人) with no access event for `hours` → an alarm for the
 *   grid workers of the resident's grid. Time-driven, not event-driven: `evaluate` skips it; the
 *   hub's absence sweep (server/services/absence.service.ts) asks `overdueResidents` every
 *   ABSENCE_SWEEP_MS (a minute by default).
 */
import { type CameraKind, type LonLat, type Zone } from '@shared/world';
import { type EventType } from '@shared/ingest';
import {
  foldWindowMs,
  RULE_ACTIONS,
  ruleSchema,
  type AbsenceRule,
  type CameraRule,
  type FacilityRule,
  type Priority,
  type Rule,
  type RuleAction,
  type ZoneRule,
} from '@shared/rules';
import type { ZoneIndex } from './zone-index';
import { DEFAULT_RULES } from './default-rules';

export { RULE_ACTIONS, ruleSchema };
/** The demo city's rules, calibrated (default-rules.ts). */
export { DEFAULT_RULES, PREVIOUS_DEFAULT_RULES, upgradeRules } from './default-rules';
export type { AbsenceRule, CameraRule, FacilityRule, Priority, Rule, RuleAction, ZoneRule };

/** What evaluate needs to know about one stored event. */
export interface RuleEvent {
  type: EventType;
  at: string;
  position: LonLat;
  gridCode: string;
  deviceId?: string | undefined;
  severity?: number | undefined;
}

/** What the hub needs to know about the world around an event. */
export interface RuleWorld {
  zones: ZoneIndex;
  /** The kind of the facility a device belongs to (its one-key button), if any. */
  facilityKind(deviceId: string): 'hospital' | 'school' | 'police_kiosk' | undefined;
  /** The kind of the camera a device id is, if it is one of ours (camera rules). */
  cameraKind?(deviceId: string): CameraKind | undefined;
}

export interface AlarmDraft {
  ruleId: string;
  ruleName: string;
  priority: Priority;
  actions: readonly RuleAction[];
  say?: string;
  /** The zone that matched (zone rules). */
  zone?: Pick<Zone, 'id' | 'name' | 'kind' | 'railwayId'>;
  /** Repeats within this many ms of the open alarm's last event fold into it (0 or absent: never). */
  foldMs?: number;
  /** Unhandled this many ms after its last repeat reached the hub, the alarm expires (absent: never). */
  expireMs?: number;
  /** Units the caller proposes itself (coverage: the nearest of the gap's need, however far), before any the actions add. */
  unitIds?: readonly string[];
  /** Raised one priority by a major event it lies in (issue 17): the event, and the rule's priority. */
  raise?: { eventId: string; name: string; from: number };
  /** How many things it reports at its raising (coverage: the grids of a district lacking a need); 1 by default. */
  count?: number;
}

const BEIJING_OFFSET_MIN = 8 * 60;

function minutes(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Whether the instant `at` falls in the daily window (Beijing time); from > to wraps midnight. */
export function inWindow(at: string, window: { from: string; to: string }): boolean {
  const t = new Date(at).getTime();
  const local = (((Math.floor(t / 60_000) + BEIJING_OFFSET_MIN) % 1440) + 1440) % 1440;
  const from = minutes(window.from);
  const to = minutes(window.to);
  return from <= to ? local >= from && local < to : local >= from || local < to;
}

/**
 * The alarms an event raises: at most one per rule (a zone rule matching several zones at once
 * takes the first, by index order), ordered by priority then rule id.
 */
export function evaluate(event: RuleEvent, rules: readonly Rule[], world: RuleWorld): AlarmDraft[] {
  const out: AlarmDraft[] = [];
  let zones: Zone[] | null = null;
  for (const rule of rules) {
    // Absence rules are time-driven (the absence sweep), whatever event comes in.
    if (!rule.enabled || rule.kind === 'absence' || !rule.eventTypes.includes(event.type)) continue;
    const base = {
      ruleId: rule.id,
      ruleName: rule.name,
      priority: rule.priority,
      actions: rule.actions,
      ...(rule.say ? { say: rule.say } : {}),
      foldMs: foldWindowMs(rule),
      ...(rule.expireMinutes ? { expireMs: rule.expireMinutes * 60_000 } : {}),
    };
    if (rule.kind === 'zone') {
      if (rule.window && !inWindow(event.at, rule.window)) continue;
      zones ??= world.zones.containing(event.position);
      const zone = zones.find(
        (z) => (!rule.zoneKinds || rule.zoneKinds.includes(z.kind)) && (!rule.zoneIds || rule.zoneIds.includes(z.id)),
      );
      if (zone)
        out.push({ ...base, zone: { id: zone.id, name: zone.name, kind: zone.kind, railwayId: zone.railwayId } });
    } else if (rule.kind === 'facility') {
      const kind = event.deviceId ? world.facilityKind(event.deviceId) : undefined;
      if (kind && rule.facilityKinds.includes(kind)) out.push(base);
    } else if (rule.kind === 'camera') {
      const kind = event.deviceId ? world.cameraKind?.(event.deviceId) : undefined;
      if (kind && (!rule.cameraKinds || rule.cameraKinds.includes(kind))) out.push(base);
    }
  }
  return out.sort((a, b) => a.priority - b.priority || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

/** The default rule a database seeded before absence rules existed gets (AbsenceService.ensureRule). */
export const DEFAULT_ABSENCE_RULE = DEFAULT_RULES.find((r): r is AbsenceRule => r.kind === 'absence')!;

// ---- absence ---------------------------------------------------------------------------------

const HOUR_MS = 3_600_000;

/** What the absence decision needs to know about one resident living alone. */
export interface AbsenceCandidate {
  residentId: string;
  /** Epoch ms of the resident's last access event; null when there is none. */
  lastAccessMs: number | null;
  /** Epoch ms the hub registered the resident (the seed time for the demo city). */
  registeredMs: number;
}

export interface OverdueResident {
  residentId: string;
  /** `absence:<resident id>:<last access, ISO 8601 UTC | 'never'>`: one per absence spell. */
  eventId: string;
  /** Where the count started: the last access, or the registration when there was none. */
  sinceMs: number;
  /** When the spell crossed `hours`: sinceMs + hours. */
  dueMs: number;
}

/**
 * The synthetic event of one absence spell. It depends on the spell only (not on the rule, the
 * sweep or the hub), so however many sweeps or hubs see the spell, it is stored once.
 */
export function absenceEventId(residentId: string, lastAccessMs: number | null): string {
  return `absence:${residentId}:${lastAccessMs === null ? 'never' : new Date(lastAccessMs).toISOString()}`;
}

/**
 * Which residents living alone are overdue at `nowMs` under a rule of `hours`: those whose last
 * access (or, with none, their registration: a resident the hub never saw pass a gate is counted
 * from when it learned of them, not reported at once) lies `hours` or more before now. A last
 * access in the future (a device's clock ahead) is not overdue. In the order given.
 */
export function overdueResidents(
  candidates: readonly AbsenceCandidate[],
  hours: number,
  nowMs: number,
): OverdueResident[] {
  const out: OverdueResident[] = [];
  const span = hours * HOUR_MS;
  for (const c of candidates) {
    const sinceMs = c.lastAccessMs ?? c.registeredMs;
    const dueMs = sinceMs + span;
    if (nowMs >= dueMs)
      out.push({ residentId: c.residentId, eventId: absenceEventId(c.residentId, c.lastAccessMs), sinceMs, dueMs });
  }
  return out;
}
