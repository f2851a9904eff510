/**
 * The demo city's default rules (seeded into the database with the city; admins edit them there),
 * calibrated to the seeds (issue 15) with the simulator's event mix (server/simulator/event-mix.ts).
 * At the default 5 events/s a day of the full city averages about 5 priority-1 alarms an hour
 * (fence intrusions, smoke at a school or hospital, the rare one-key alarm; each an incident at
 * once), 20-25 of priority 2 and about 15 of priority 3 (tests/unit/demo-calibration.test.ts):
 * about one a minute for the whole city's desks, twice that at the evening peak.
 *
 * Fold windows (foldMinutes): a detector that keeps seeing the same thing repeats itself (radar
 * every few seconds while a person stands on the track, camera AI on every frame it recognises,
 * several citizens calling about one disturbance); repeats in the same zone (or from the same
 * button) within the window are one alarm with a count. Short for what is urgent and moves on
 * (a second intrusion 10 minutes later is a new one to send someone to), longer for slow scenes
 * (a crowd, a stranger loitering, a compound's lifts).
 *
 * Expiry (expireMinutes, priorities 2-3 of camera AI only): a detection nobody looked at within an
 * hour or two no longer describes the scene (the crowd has gone, the e-bike left the lift, the
 * smoke was steam or has been reported by 119 meanwhile); it leaves the queue saying so, and its
 * record stays. Reports by people, absence (a person who may be lying hurt) and priority 1 never
 * expire.
 *
 * A database seeded with the earlier defaults has them replaced where nobody edited them, and the
 * new ones added (AlarmService.ensureRules, `upgradeRules` below).
 */
import { COVERAGE_RULE_ID, type CoverageRule, type Rule } from '@shared/rules';

export const DEFAULT_RULES: readonly Rule[] = [
  {
    id: 'fence-intrusion',
    kind: 'zone',
    name: '铁路围栏入侵',
    eventTypes: ['fence_intrusion', 'railway_safety'],
    zoneKinds: ['railway'],
    priority: 1,
    actions: ['broadcast', 'cameras', 'units'],
    say: '您已进入铁路防护区域，请立即离开，请勿滞留！',
    enabled: true,
    // The radar repeats while someone stays on the track: one alarm per fence section; a new
    // intrusion after 10 quiet minutes needs its own response.
    foldMinutes: 10,
  },
  {
    id: 'one-key-alarm',
    kind: 'facility',
    name: '医院/学校一键报警',
    eventTypes: ['one_key_alarm'],
    facilityKinds: ['hospital', 'school'],
    priority: 1,
    actions: ['cameras', 'units'],
    enabled: true,
    // Someone in trouble presses again and again: one alarm per button for 5 minutes.
    foldMinutes: 5,
  },
  {
    id: 'smoke-school-hospital',
    kind: 'zone',
    name: '学校/医院周边烟火',
    eventTypes: ['smoke'],
    zoneKinds: ['school', 'hospital'],
    priority: 1,
    actions: ['cameras', 'units'],
    enabled: true,
    // Smoke stays in view for a while: every camera frame is the same fire.
    foldMinutes: 15,
  },
  {
    id: 'key-person-stranger',
    kind: 'zone',
    name: '重点人员安全圈陌生人',
    eventTypes: ['stranger'],
    zoneKinds: ['key_person'],
    priority: 2,
    actions: ['cameras'],
    enabled: true,
    foldMinutes: 30,
    expireMinutes: 120,
  },
  {
    id: 'crowd-landmark',
    kind: 'zone',
    name: '地标人员聚集',
    eventTypes: ['crowd', 'crowd_gathering'],
    zoneKinds: ['landmark'],
    priority: 2,
    actions: ['cameras', 'units'],
    enabled: true,
    foldMinutes: 30,
    expireMinutes: 60,
  },
  {
    // Camera AI smoke is mostly steam, cooking, a barbecue: priority 2 to look at, unless at a
    // school or hospital (the rule above). A fire hazard report (消防隐患) is a case, not an alarm.
    id: 'smoke-anywhere-zone',
    kind: 'zone',
    name: '警戒区烟火',
    eventTypes: ['smoke'],
    zoneKinds: ['key_person', 'landmark', 'community', 'railway'],
    priority: 2,
    actions: ['cameras'],
    enabled: true,
    foldMinutes: 15,
    expireMinutes: 60,
  },
  {
    id: 'school-night-stranger',
    kind: 'zone',
    name: '夜间校园陌生人',
    eventTypes: ['stranger'],
    zoneKinds: ['school'],
    window: { from: '22:00', to: '06:00' },
    priority: 2,
    actions: ['cameras'],
    enabled: true,
    foldMinutes: 30,
    expireMinutes: 120,
  },
  {
    id: 'community-high-throw',
    kind: 'zone',
    name: '小区高空抛物',
    eventTypes: ['high_throw'],
    zoneKinds: ['community'],
    priority: 3,
    actions: ['cameras'],
    enabled: true,
    // The footage is the evidence; the property office follows up, so it may wait two hours.
    foldMinutes: 30,
    expireMinutes: 120,
  },
  {
    id: 'community-ebike',
    kind: 'zone',
    name: '电动车进电梯',
    eventTypes: ['ebike_in_lift', 'ebike_violation'],
    zoneKinds: ['community'],
    priority: 3,
    actions: [],
    enabled: true,
    // The lift's own controller stops and warns at once; the centre sees a compound's pattern.
    foldMinutes: 30,
    expireMinutes: 60,
  },
  {
    // Inside a compound by day, faces the gates do not know are visitors and couriers; at night an
    // unknown face in the compound is worth a look.
    id: 'community-night-stranger',
    kind: 'zone',
    name: '小区夜间陌生人',
    eventTypes: ['stranger'],
    zoneKinds: ['community'],
    window: { from: '22:00', to: '06:00' },
    priority: 3,
    actions: ['cameras'],
    enabled: true,
    foldMinutes: 60,
    expireMinutes: 120,
  },
  {
    id: 'hospital-disturbance',
    kind: 'zone',
    name: '涉医警情',
    eventTypes: ['public_order', 'hospital_safety'],
    zoneKinds: ['hospital'],
    priority: 2,
    actions: ['units'],
    enabled: true,
    // Several callers about one disturbance; people's reports never expire.
    foldMinutes: 15,
  },
  // Cameras' own alarms in their vendors' protocols (issue 18: Hikvision, Dahua, GB/T 28181), wherever
  // the camera stands. A perimeter rule (line crossing, region entry) seen by a camera is sent for;
  // an alarm input wired to a camera or NVR is someone's button. A camera gone blind or covered, and
  // any alarm the hub has no name for, are for the desk to look at. Motion alone raises nothing.
  {
    id: 'camera-perimeter',
    kind: 'camera',
    name: '视频周界入侵',
    eventTypes: ['fence_intrusion'],
    priority: 2,
    actions: ['cameras', 'units'],
    enabled: true,
    // The camera resends while someone stays in the area.
    foldMinutes: 10,
  },
  {
    id: 'camera-alarm-input',
    kind: 'camera',
    name: '视频设备报警输入',
    eventTypes: ['one_key_alarm'],
    priority: 2,
    actions: ['cameras', 'units'],
    enabled: true,
    foldMinutes: 5,
  },
  {
    id: 'camera-fault',
    kind: 'camera',
    name: '视频丢失/遮挡',
    eventTypes: ['video_loss', 'camera_tamper'],
    priority: 3,
    actions: [],
    enabled: true,
    // A blind camera stays blind: one alarm an hour per camera.
    foldMinutes: 60,
  },
  {
    id: 'camera-device-alarm',
    kind: 'camera',
    name: '视频设备其他报警',
    eventTypes: ['device_alarm'],
    priority: 3,
    actions: ['cameras'],
    enabled: true,
    foldMinutes: 30,
  },
  {
    id: 'resident-absence',
    kind: 'absence',
    name: '独居老人长时间无出入',
    eventTypes: ['resident_absence'],
    hours: 48,
    priority: 2,
    actions: ['grid_worker'],
    enabled: true,
    // One alarm per resident's absence spell already; two residents must never fold into one.
    foldMinutes: 0,
  },
  {
    id: COVERAGE_RULE_ID,
    kind: 'coverage',
    name: '力量覆盖盲区',
    eventTypes: ['coverage_gap'],
    // Minutes for the nearest available unit by the dispatch ETA model (shared/eta.ts), set a
    // little above the demo city's worst grid with every unit free (bench/coverage.ts prints the
    // spread): at rest nothing is a gap; a busy or offline unit that leaves its area uncovered is.
    // The old town's districts are priority areas with tighter times; grid workers are checked
    // only there (in the suburbs a grid worker walks a grid of several square kilometres).
    thresholds: { police: 22, fire: 36, medical: 32 },
    areas: [
      { regionCode: '360102', thresholds: { police: 9, fire: 12, medical: 10, grid_worker: 15 } },
      { regionCode: '360103', thresholds: { police: 9, fire: 12, medical: 10, grid_worker: 15 } },
      { regionCode: '360104', thresholds: { police: 11, fire: 14, medical: 20 } },
      { regionCode: '360113', thresholds: { police: 10, fire: 24, medical: 18 } },
    ],
    holdSeconds: 120,
    priority: 3,
    actions: ['units'],
    enabled: true,
    // One alarm per gap spell of a grid and need: two grids' gaps are two places to cover.
    foldMinutes: 0,
  },
];

/**
 * The defaults as seeded before issue 15 (unchanged since issue 5; the absence rule since its own
 * issue): a stored rule equal to one of these was never edited, so the calibrated one replaces it.
 */
export const PREVIOUS_DEFAULT_RULES: readonly Rule[] = [
  {
    id: 'fence-intrusion',
    kind: 'zone',
    name: '铁路围栏入侵',
    eventTypes: ['fence_intrusion', 'railway_safety'],
    zoneKinds: ['railway'],
    priority: 1,
    actions: ['broadcast', 'cameras', 'units'],
    say: '您已进入铁路防护区域，请立即离开，请勿滞留！',
    enabled: true,
  },
  {
    id: 'one-key-alarm',
    kind: 'facility',
    name: '医院/学校一键报警',
    eventTypes: ['one_key_alarm'],
    facilityKinds: ['hospital', 'school'],
    priority: 1,
    actions: ['cameras', 'units'],
    enabled: true,
  },
  {
    id: 'key-person-stranger',
    kind: 'zone',
    name: '重点人员安全圈陌生人',
    eventTypes: ['stranger'],
    zoneKinds: ['key_person'],
    priority: 2,
    actions: ['cameras'],
    enabled: true,
  },
  {
    id: 'crowd-landmark',
    kind: 'zone',
    name: '地标人员聚集',
    eventTypes: ['crowd', 'crowd_gathering'],
    zoneKinds: ['landmark'],
    priority: 2,
    actions: ['cameras', 'units'],
    enabled: true,
  },
  {
    id: 'smoke-anywhere-zone',
    kind: 'zone',
    name: '警戒区烟火',
    eventTypes: ['smoke', 'fire_hazard'],
    priority: 1,
    actions: ['cameras', 'units'],
    enabled: true,
  },
  {
    id: 'school-night-stranger',
    kind: 'zone',
    name: '夜间校园陌生人',
    eventTypes: ['stranger'],
    zoneKinds: ['school'],
    window: { from: '22:00', to: '06:00' },
    priority: 2,
    actions: ['cameras'],
    enabled: true,
  },
  {
    id: 'community-high-throw',
    kind: 'zone',
    name: '小区高空抛物',
    eventTypes: ['high_throw'],
    zoneKinds: ['community'],
    priority: 3,
    actions: ['cameras'],
    enabled: true,
  },
  {
    id: 'community-ebike',
    kind: 'zone',
    name: '电动车进电梯',
    eventTypes: ['ebike_in_lift', 'ebike_violation'],
    zoneKinds: ['community'],
    priority: 3,
    actions: [],
    enabled: true,
  },
  {
    id: 'hospital-disturbance',
    kind: 'zone',
    name: '涉医警情',
    eventTypes: ['public_order', 'hospital_safety'],
    zoneKinds: ['hospital'],
    priority: 2,
    actions: ['units'],
    enabled: true,
  },
  {
    id: 'resident-absence',
    kind: 'absence',
    name: '独居老人长时间无出入',
    eventTypes: ['resident_absence'],
    hours: 48,
    priority: 2,
    actions: ['grid_worker'],
    enabled: true,
  },
];

/** JSON equality whatever the key order (a database's jsonb keeps its own). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Which defaults a database's rules need: every default whose id it lacks, and every default whose
 * stored rule is still exactly an earlier default of that id (nobody edited it). A rule an admin
 * changed, or one of their own, is left as it is.
 */
export function upgradeRules(
  stored: readonly { id: string; definition: unknown }[],
  defaults: readonly Rule[] = DEFAULT_RULES,
  previous: readonly Rule[] = PREVIOUS_DEFAULT_RULES,
): Rule[] {
  const have = new Map(stored.map((r) => [r.id, r.definition]));
  return defaults.filter((d) => {
    if (!have.has(d.id)) return true;
    const now = have.get(d.id);
    const old = previous.find((p) => p.id === d.id);
    return !!old && sameJson(now, old) && !sameJson(now, d);
  });
}

/** The coverage rule a database seeded before coverage existed gets (CoverageService.ensureRule). */
export const DEFAULT_COVERAGE_RULE = DEFAULT_RULES.find((r): r is CoverageRule => r.kind === 'coverage')!;
