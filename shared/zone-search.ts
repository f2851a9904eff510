/**
 * Finding zones by name or id (`GET /api/v1/zones`, issue 15): the rule editor's zone picker. Rules
 * apply to the whole city and only a city-wide admin edits them, so the search spans every zone
 * of the city, whatever district it lies in; `ids` reads back the zones a rule names.
 */
import { z } from 'zod';
import { text } from './text';
import { ZONE_KINDS } from './world';

export const ZONE_SEARCH_LIMIT = 50;
/** At most this many ids in one `ids` (a rule names a handful). */
export const ZONE_IDS_MAX = 200;

export const zoneSearchQuery = z.strictObject({
  /** Part of a zone's name or id (case-insensitive). */
  q: text(100, { trim: true }).optional(),
  kind: z.enum(ZONE_KINDS).optional(),
  /** Comma-separated zone ids: exactly those (the others' filters still apply). */
  ids: text(ZONE_IDS_MAX * 70)
    .transform((s) => s.split(',').filter((id) => id !== ''))
    .refine((ids) => ids.length <= ZONE_IDS_MAX, `must name at most ${ZONE_IDS_MAX} zones`)
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, `must be 1-${ZONE_SEARCH_LIMIT}`)
    .max(ZONE_SEARCH_LIMIT, `must be 1-${ZONE_SEARCH_LIMIT}`)
    .optional(),
});
export type ZoneSearchQuery = z.infer<typeof zoneSearchQuery>;

export const zoneSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ZONE_KINDS),
  /** The grid it lies in (its district is the code's first 6 digits). */
  gridCode: z.string(),
});
export type ZoneSummary = z.infer<typeof zoneSummary>;

export const zoneSearchReply = z.object({ zones: z.array(zoneSummary) });
export type ZoneSearchReply = z.infer<typeof zoneSearchReply>;
