/**
 * The event model's mix (model.ts): the bulk stream's shares of access, camera and report events,
 * plate reads against faces, the camera AI detections and which cameras see them, who reports, how
 * often each of the 29 risk categories is reported and how severe it is, and Nanchang plates.
 */
import type { CameraKind } from '@shared/world';
import { RISK_CATEGORIES, type EventSource } from '@shared/ingest';
import type { Rng } from '@server/demo/random';

export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export const BULK_KINDS = ['access', 'camera', 'report'] as const;
export const BULK_WEIGHTS = [0.55, 0.3, 0.15];

/** Share of access events that are plate reads (at vehicle gates); the rest are faces at pedestrian gates. */
export const PLATE_SHARE = 0.35;

export type CameraType = 'stranger' | 'illegal_parking' | 'crowd' | 'ebike_in_lift' | 'high_throw' | 'smoke';
/**
 * Camera AI detections: weight, severity, and the camera kinds that see them (any camera if none of
 * those exist). Calibrated (issue 15) so that the detections the default rules turn into alarms
 * come at rates a centre handles: at the default 5 events/s the camera stream is ~5,400 an hour,
 * almost all of it illegal parking (no rule: counted per grid, never an alarm); then about
 * 35 strangers (~8 of them inside a key person's security circle → priority 2), 16 crowds (~5 at a
 * landmark → priority 2), 8 e-bikes in a lift and under 2 high-altitude throws, almost all inside a
 * compound (→ priority 3; the seeds: one district's 183 smart communities confirmed 10 throws in a
 * year, detections run well above confirmations), and 10 smoke detections (about half inside a
 * watch zone → priority 2, under one an hour at a school or hospital → priority 1).
 */
export const CAMERA_TYPES: readonly {
  type: CameraType;
  weight: number;
  severity: number;
  kinds: readonly CameraKind[];
}[] = [
  { type: 'stranger', weight: 0.0065, severity: 2, kinds: ['community', 'ai'] },
  { type: 'illegal_parking', weight: 0.9868, severity: 1, kinds: ['city_hd', 'ai'] },
  { type: 'crowd', weight: 0.003, severity: 2, kinds: ['ai', 'city_hd', 'social'] },
  { type: 'ebike_in_lift', weight: 0.0015, severity: 2, kinds: ['community'] },
  { type: 'high_throw', weight: 0.0003, severity: 3, kinds: ['community'] },
  { type: 'smoke', weight: 0.0019, severity: 3, kinds: ['ai', 'city_hd', 'social', 'community'] },
];

export const REPORT_SOURCES: readonly EventSource[] = ['grid_worker', 'citizen', 'hotline'];
export const REPORT_SOURCE_WEIGHTS = [0.5, 0.35, 0.15];

/**
 * How often each of the 29 categories is reported (relative), and its severity. Those a default
 * rule turns into an alarm where they are reported are kept to what a centre sees (issue 15; at
 * the default 5 events/s reports are ~2,700 an hour): railway safety (行人、牲畜上道, ~7 an hour, a
 * few at the fence itself, places.ts), hospital safety (涉医, at a hospital: a dozen a day), and
 * crowd gathering, high-altitude throw and e-bike violations (a few to a few dozen an hour, of
 * which those at a landmark or inside a compound raise priority 2-3 alarms).
 */
export const CATEGORY_TABLE: Record<RiskCategory, { weight: number; severity: number }> = {
  public_order: { weight: 6, severity: 2 },
  criminal_case: { weight: 1, severity: 3 },
  theft: { weight: 4, severity: 2 },
  fraud: { weight: 3, severity: 2 },
  dispute_neighbour: { weight: 6, severity: 2 },
  dispute_family: { weight: 3, severity: 2 },
  dispute_property: { weight: 4, severity: 2 },
  dispute_labour: { weight: 2, severity: 2 },
  dispute_land: { weight: 1, severity: 2 },
  dispute_traffic: { weight: 3, severity: 2 },
  dispute_consumer: { weight: 2, severity: 1 },
  petition: { weight: 1, severity: 2 },
  fire_hazard: { weight: 4, severity: 3 },
  ebike_violation: { weight: 2, severity: 2 },
  high_throw: { weight: 0.3, severity: 3 },
  gas_hazard: { weight: 2, severity: 3 },
  building_hazard: { weight: 2, severity: 2 },
  road_facility: { weight: 5, severity: 1 },
  illegal_parking: { weight: 8, severity: 1 },
  street_vending: { weight: 7, severity: 1 },
  noise: { weight: 7, severity: 1 },
  sanitation: { weight: 9, severity: 1 },
  illegal_building: { weight: 3, severity: 1 },
  railway_safety: { weight: 0.25, severity: 3 },
  school_safety: { weight: 1, severity: 2 },
  hospital_safety: { weight: 0.03, severity: 2 },
  key_person: { weight: 2, severity: 2 },
  vulnerable_care: { weight: 3, severity: 1 },
  crowd_gathering: { weight: 0.3, severity: 2 },
};
export const CATEGORY_WEIGHTS = RISK_CATEGORIES.map((c) => CATEGORY_TABLE[c].weight);

/** A Nanchang plate: 赣A, then five letters (no I or O) or digits. */
const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
export function plate(rng: Rng): string {
  let s = '赣A';
  for (let i = 0; i < 5; i++) s += PLATE_CHARS[rng.int(0, PLATE_CHARS.length - 1)]!;
  return s;
}
