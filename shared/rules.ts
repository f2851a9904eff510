/**
 * Event → alarm rules on the wire: the shapes an admin reads and writes (`PUT /api/v1/rules/:id`)
 * and the hub stores. Matching them against events is the hub's (server/rules/rules.ts).
 */
import { z } from 'zod';
import { CAMERA_KINDS, ZONE_KINDS, type CameraKind, type ZoneKind } from './world';
import { EVENT_TYPES, type EventType } from './ingest';
import {
  COVERAGE_AREAS_MAX,
  COVERAGE_HOLD_MAX_S,
  coverageArea,
  coverageThresholds,
  type CoverageArea,
  type CoverageThresholds,
} from './coverage';

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
  /**
   * Flood control (issue 15): a repeat of this rule in the same zone (zone rules) or from the same
   * device (facility rules) within this many minutes of the open alarm's last event folds into it
   * (its count, its last time) instead of raising a new alarm. 0: never fold. Absent: FOLD_MINUTES_DEFAULT.
   */
  foldMinutes?: number;
  /**
   * An alarm of this rule still unhandled (`new`) this many minutes after its last event expires,
   * and says so (status `expired`). Absent: it never expires. Not for priority 1.
   */
  expireMinutes?: number;
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

/**
 * Camera (issue 18): an event one of our cameras reported itself (its deviceId is the camera:
 * Hikvision, Dahua, GB/T 28181 alarms) of `eventTypes`, wherever it stands; its kind must be one of
 * `cameraKinds` when given. Repeats fold per camera.
 */
export interface CameraRule extends RuleBase {
  kind: 'camera';
  cameraKinds?: readonly CameraKind[];
}

export interface AbsenceRule extends RuleBase {
  kind: 'absence';
  /** Hours without an access event after which a resident living alone is reported (1–720). */
  hours: number;
}

/**
 * Coverage gaps (issue 17): a grid whose nearest available unit of a need is further away (in
 * minutes) than its threshold for `holdSeconds` raises an alarm; one rule per hub (`coverage-gap`).
 */
export interface CoverageRule extends RuleBase {
  kind: 'coverage';
  thresholds: CoverageThresholds;
  /** Priority areas: tighter (or looser) thresholds under a region; the longest code wins. */
  areas: readonly CoverageArea[];
  /** Seconds a grid must stay a gap before it raises (a unit busy for a moment raises nothing). */
  holdSeconds: number;
}
/** The one coverage rule's id. */
export const COVERAGE_RULE_ID = 'coverage-gap';

export type Rule = ZoneRule | FacilityRule | CameraRule | AbsenceRule | CoverageRule;

/** A rule without `foldMinutes` folds repeats within this many minutes. */
export const FOLD_MINUTES_DEFAULT = 10;
export const FOLD_MINUTES_MAX = 1440;
export const EXPIRE_MINUTES_MIN = 5;
export const EXPIRE_MINUTES_MAX = 10_080;

/** The fold window of a rule, in milliseconds (0: it does not fold). */
export const foldWindowMs = (rule: Pick<RuleBase, 'foldMinutes'>): number =>
  (rule.foldMinutes ?? FOLD_MINUTES_DEFAULT) * 60_000;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
const ruleBase = {
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  eventTypes: z.array(z.enum(EVENT_TYPES)).min(1),
  priority: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  actions: z.array(z.enum(RULE_ACTIONS)),
  say: z.string().max(200).optional(),
  enabled: z.boolean(),
  foldMinutes: z
    .number({ error: 'must be a number' })
    .int('must be a whole number of minutes')
    .min(0, `must be 0-${FOLD_MINUTES_MAX}`)
    .max(FOLD_MINUTES_MAX, `must be 0-${FOLD_MINUTES_MAX}`)
    .optional(),
  expireMinutes: z
    .number({ error: 'must be a number' })
    .int('must be a whole number of minutes')
    .min(EXPIRE_MINUTES_MIN, `must be ${EXPIRE_MINUTES_MIN}-${EXPIRE_MINUTES_MAX}`)
    .max(EXPIRE_MINUTES_MAX, `must be ${EXPIRE_MINUTES_MIN}-${EXPIRE_MINUTES_MAX}`)
    .optional(),
};
/** A rule as stored and as edited through the API (`PUT /api/v1/rules/:id`, the admin's rule editor). */
export const ruleSchema: z.ZodType<Rule> = z
  .discriminatedUnion('kind', [
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
    z.strictObject({
      ...ruleBase,
      kind: z.literal('camera'),
      cameraKinds: z.array(z.enum(CAMERA_KINDS)).min(1).optional(),
    }),
    z.strictObject({
      ...ruleBase,
      kind: z.literal('coverage'),
      thresholds: coverageThresholds,
      areas: z.array(coverageArea).max(COVERAGE_AREAS_MAX, `at most ${COVERAGE_AREAS_MAX} areas`).default([]),
      holdSeconds: z
        .number({ error: 'must be a number' })
        .int('must be a whole number of seconds')
        .min(0, `must be 0-${COVERAGE_HOLD_MAX_S}`)
        .max(COVERAGE_HOLD_MAX_S, `must be 0-${COVERAGE_HOLD_MAX_S}`)
        .default(60),
    }),
  ])
  .superRefine((r, ctx) => {
    if (r.kind === 'coverage') {
      if (r.id !== COVERAGE_RULE_ID)
        ctx.addIssue({ code: 'custom', path: ['id'], message: `the coverage rule's id is ${COVERAGE_RULE_ID}` });
      if (r.eventTypes.some((t) => t !== 'coverage_gap'))
        ctx.addIssue({ code: 'custom', path: ['eventTypes'], message: 'a coverage rule raises coverage_gap only' });
      const seen = new Set<string>();
      r.areas.forEach((a, i) => {
        if (seen.has(a.regionCode))
          ctx.addIssue({ code: 'custom', path: ['areas', i, 'regionCode'], message: 'named twice' });
        seen.add(a.regionCode);
      });
    } else {
      if (r.eventTypes.includes('coverage_gap'))
        ctx.addIssue({
          code: 'custom',
          path: ['eventTypes'],
          message: 'coverage_gap is raised by the coverage rule only',
        });
      if (r.id === COVERAGE_RULE_ID)
        ctx.addIssue({ code: 'custom', path: ['kind'], message: `${COVERAGE_RULE_ID} is the coverage rule` });
    }
    if (r.priority === 1 && r.expireMinutes !== undefined)
      ctx.addIssue({ code: 'custom', path: ['expireMinutes'], message: 'priority-1 alarms never expire' });
    if (r.kind === 'zone' && r.window && r.window.from === r.window.to)
      ctx.addIssue({ code: 'custom', path: ['window', 'to'], message: 'must differ from window.from' });
    if (r.actions.includes('broadcast') && !r.say?.trim())
      ctx.addIssue({ code: 'custom', path: ['say'], message: 'a broadcast needs the text to say' });
  });
