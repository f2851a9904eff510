/**
 * Coverage (issue 17): for every grid, how soon the nearest available unit of each needed kind
 * could be there (the dispatch ETA model, shared/eta.ts). A grid whose best time is over its
 * threshold is a gap: the hub raises one alarm per gap spell (a `coverage_gap` event) for the
 * grid's district and clears it when a unit is back in reach.
 */
import { z } from 'zod';
import { regionCode } from './world';

/** What a grid needs within reach, and the unit kinds that answer each need. */
export const COVERAGE_NEEDS = ['police', 'grid_worker', 'fire', 'medical'] as const;
export type CoverageNeed = (typeof COVERAGE_NEEDS)[number];
export const NEED_UNIT_KINDS: Readonly<Record<CoverageNeed, readonly string[]>> = {
  police: ['police', 'patrol_car'],
  grid_worker: ['grid_worker'],
  fire: ['fire'],
  medical: ['medical'],
};
/** The need a unit of this kind answers, or undefined (department crews answer none). */
export function needOfUnitKind(kind: string): CoverageNeed | undefined {
  for (const n of COVERAGE_NEEDS) if (NEED_UNIT_KINDS[n].includes(kind)) return n;
  return undefined;
}

export const COVERAGE_MINUTES_MAX = 120;
const minutes = z
  .number({ error: 'must be a number of minutes' })
  .min(1, `must be 1-${COVERAGE_MINUTES_MAX} minutes`)
  .max(COVERAGE_MINUTES_MAX, `must be 1-${COVERAGE_MINUTES_MAX} minutes`);
/** Minutes per need; a need that is absent is not checked (at that level). */
export const coverageThresholds = z.strictObject({
  police: minutes.optional(),
  grid_worker: minutes.optional(),
  fire: minutes.optional(),
  medical: minutes.optional(),
});
export type CoverageThresholds = z.infer<typeof coverageThresholds>;
/** A priority area: the grids under a region (district, street, community or grid) with their own thresholds. */
export const coverageArea = z.strictObject({ regionCode, thresholds: coverageThresholds });
export type CoverageArea = z.infer<typeof coverageArea>;
export const COVERAGE_AREAS_MAX = 500;
export const COVERAGE_HOLD_MAX_S = 3_600;

/**
 * The threshold of one need for one grid: the area with the longest region code that holds the
 * grid and names the need, else the rule's own; undefined: not checked.
 */
export function thresholdFor(
  gridCode: string,
  need: CoverageNeed,
  rule: { thresholds: CoverageThresholds; areas?: readonly CoverageArea[] },
): number | undefined {
  let best: CoverageArea | undefined;
  for (const a of rule.areas ?? [])
    if (a.thresholds[need] !== undefined && gridCode.startsWith(a.regionCode))
      if (!best || a.regionCode.length > best.regionCode.length) best = a;
  return best ? best.thresholds[need] : rule.thresholds[need];
}

/** An open gap as a screen reads it (`GET /api/v1/coverage`). */
export const coverageGapView = z.object({
  gridCode: z.string(),
  need: z.enum(COVERAGE_NEEDS),
  /** Minutes for the nearest available unit of that need, or null when none is available at all. */
  etaMin: z.number().nullable(),
  thresholdMin: z.number(),
  since: z.string(),
});
export type CoverageGapView = z.infer<typeof coverageGapView>;

/** `GET /api/v1/coverage`: the caller's scope's grids' best times (columns in `grids` order) and open gaps. */
export const coverageReply = z.object({
  at: z.string(),
  grids: z.array(z.string()),
  /** Per need, minutes per grid in `grids` order (null: no available unit of that need). */
  etaMin: z.record(z.enum(COVERAGE_NEEDS), z.array(z.number().nullable())),
  gaps: z.array(coverageGapView),
});
export type CoverageReply = z.infer<typeof coverageReply>;

/** `GET /api/v1/coverage/gaps`: the open gaps of the caller's scope alone (what the maps draw). */
export const coverageGapsReply = z.object({ at: z.string(), gaps: z.array(coverageGapView) });
export type CoverageGapsReply = z.infer<typeof coverageGapsReply>;
