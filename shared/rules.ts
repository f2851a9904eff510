/**
 * Event → alarm rules on the wire: the shapes an admin reads and writes (`PUT /api/v1/rules/:id`)
 * and the hub stores. Matching them against events is the hub's (server/rules/rules.ts).
 */
import { z } from 'zod';
import { ZONE_KINDS, type ZoneKind } from './world';
import { EVENT_TYPES, type EventType } from './ingest';

export type Priority = 1 | 2 | 3 | 4;
/**
 * broadcast: the nearest loudspeaker says the rule's text; cameras: attach the nearest cameras;
 * units: propose the nearest available responders; grid_worker: the grid workers of the alarm's grid.
 */
export const RULE_ACTIONS = ['broadcast', 'cameras', 'units', 'grid_worker'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

interface RuleBase {
  id: string;
  name: string;
  eventTypes: readonly EventType[];
  priority: Priority;
  actions: readonly RuleAction[];
  /** What a broadcast says (for 'broadcast'). */
  say?: string;
  enabled: boolean;
}

export interface ZoneRule extends RuleBase {
  kind: 'zone';
  zoneKinds?: readonly ZoneKind[];
  zoneIds?: readonly string[];
  /** 'HH:MM'-'HH:MM' Beijing time; absent: always. */
  window?: { from: string; to: string };
}

export interface FacilityRule extends RuleBase {
  kind: 'facility';
  facilityKinds: readonly ('hospital' | 'school' | 'police_kiosk')[];
}

export interface AbsenceRule extends RuleBase {
  kind: 'absence';
  /** Hours without an access event after which a resident living alone is reported (1–720). */
  hours: number;
}

export type Rule = ZoneRule | FacilityRule | AbsenceRule;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
const ruleBase = {
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  eventTypes: z.array(z.enum(EVENT_TYPES)).min(1),
  priority: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  actions: z.array(z.enum(RULE_ACTIONS)),
  say: z.string().max(200).optional(),
  enabled: z.boolean(),
};
/** A rule as stored (and, later, edited through the API). */
export const ruleSchema: z.ZodType<Rule> = z.discriminatedUnion('kind', [
  z.strictObject({
    ...ruleBase,
    kind: z.literal('zone'),
    zoneKinds: z.array(z.enum(ZONE_KINDS)).optional(),
    zoneIds: z.array(z.string()).optional(),
    window: z.strictObject({ from: hhmm, to: hhmm }).optional(),
  }),
  z.strictObject({
    ...ruleBase,
    kind: z.literal('facility'),
    facilityKinds: z.array(z.enum(['hospital', 'school', 'police_kiosk'])).min(1),
  }),
  z.strictObject({
    ...ruleBase,
    kind: z.literal('absence'),
    hours: z
      .number({ error: 'must be a number' })
      .int('must be a whole number of hours')
      .min(1, 'must be 1-720')
      .max(720, 'must be 1-720')
      .default(48),
  }),
]);
