/**
 * The wall (issue 17): a display nobody touches, laid out by a preset an admin edits (the model:
 * Milestone Smart Wall presets). The map always fills the left; the preset says which panels stand
 * on the right, which take turns beneath them (each `dwellSeconds`), how many alarms the ticker
 * keeps, and how long a priority-1 alarm holds the stage. A security event switches the hall's
 * walls to its own preset while it runs.
 */
import { z } from 'zod';
import { regionCode } from './world';

/**
 * kpis: headline figures of today; trend: incidents per hour, today; categories: today's incidents
 * by category; incidents: in progress with their SLA clocks; units: by kind and status; coverage:
 * open coverage gaps.
 */
/** `event`: the major events open in the wall's scope (issue 17), their figures since the start and posts. */
export const WALL_PANELS = ['kpis', 'trend', 'categories', 'incidents', 'units', 'coverage', 'event'] as const;
export type WallPanel = (typeof WALL_PANELS)[number];

export const WALL_PRESET_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** The preset every wall shows unless an event's preset applies; it cannot be deleted. */
export const DEFAULT_WALL_PRESET_ID = 'default';

const panelList = (max: number) =>
  z
    .array(
      z.enum(WALL_PANELS, {
        error: (i) => `unknown panel ${JSON.stringify(i.input)}: one of ${WALL_PANELS.join(', ')}`,
      }),
    )
    .max(max, `at most ${max} panels`);

const presetFields = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(60, 'at most 60 characters'),
  /** Where the map looks when nothing is on stage: a region in the wall's scope; absent: the whole scope. */
  region: regionCode.optional(),
  /** Panels always shown on the right, top to bottom. */
  fixed: panelList(3),
  /** Panels that take turns below the fixed ones. */
  rotate: panelList(6),
  dwellSeconds: z.number().int('must be a whole number').min(5, 'must be 5-600').max(600, 'must be 5-600'),
  /** Alarms the ticker keeps, newest first. */
  tickerSize: z.number().int('must be a whole number').min(3, 'must be 3-40').max(40, 'must be 3-40'),
  /** Seconds a priority-1 alarm holds the stage before the next (or the overview). */
  stageSeconds: z.number().int('must be a whole number').min(5, 'must be 5-300').max(300, 'must be 5-300'),
});
export const wallPresetBody = presetFields.superRefine((p, ctx) => {
  const seen = new Set<string>();
  for (const [field, list] of [
    ['fixed', p.fixed],
    ['rotate', p.rotate],
  ] as const)
    list.forEach((panel, i) => {
      if (seen.has(panel)) ctx.addIssue({ code: 'custom', path: [field, i], message: `${panel} is shown already` });
      seen.add(panel);
    });
  if (p.fixed.length + p.rotate.length === 0)
    ctx.addIssue({ code: 'custom', path: ['fixed'], message: 'a preset shows at least one panel' });
});
export type WallPresetBody = z.infer<typeof wallPresetBody>;

export const wallPreset = z.object({ ...presetFields.shape, id: z.string(), updatedAt: z.string() });
export type WallPreset = z.infer<typeof wallPreset>;

export const DEFAULT_WALL_PRESET: WallPresetBody = {
  name: '日常值守',
  fixed: ['kpis'],
  rotate: ['trend', 'incidents', 'units', 'categories', 'coverage'],
  dwellSeconds: 20,
  tickerSize: 12,
  stageSeconds: 30,
};

/** `GET /wall`: what a wall shows now. */
export const wallState = z.object({
  preset: wallPreset,
  /** Why this preset: the default, or the security event whose window is open. */
  because: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('default') }),
    z.object({ kind: z.literal('event'), eventId: z.string(), name: z.string() }),
  ]),
});
export type WallState = z.infer<typeof wallState>;

/** The preset a major event's plan offers first (issue 17): the events' own panel and what happens in the scope. */
export const EVENT_WALL_PRESET_ID = 'major-event';
export const EVENT_WALL_PRESET: WallPresetBody = {
  name: '重大活动安保',
  fixed: ['event', 'incidents'],
  rotate: ['kpis', 'units', 'coverage'],
  dwellSeconds: 20,
  tickerSize: 10,
  stageSeconds: 30,
};
