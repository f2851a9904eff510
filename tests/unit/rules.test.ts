import { describe, expect, it } from 'vitest';
import { contains, createZoneIndex, distanceToSegmentM } from '@server/rules/zone-index';
import { DEFAULT_RULES, evaluate, inWindow, type Rule, type RuleEvent, type RuleWorld } from '@server/rules/rules';
import { offsetM } from '@server/demo/geo';
import type { LonLat, Zone } from '@shared/world';
import { generateDemoCity } from '@server/demo';

const C: LonLat = [115.88, 28.68];
const at = (d: LonLat, east: number, north: number) => offsetM(d, east, north);
const zones: Zone[] = [
  {
    id: 'kp-1',
    name: 'Key person home',
    kind: 'key_person',
    shape: { type: 'circle', center: C, radiusM: 200 },
    gridCode: '360102001001001',
    railwayId: null,
  },
  {
    id: 'rail-1',
    name: 'Fence',
    kind: 'railway',
    shape: { type: 'corridor', line: [at(C, -2000, 1000), at(C, 2000, 1000)], halfWidthM: 30 },
    gridCode: '360102001001002',
    railwayId: 'rw-1',
  },
  {
    id: 'school-1',
    name: 'School',
    kind: 'school',
    shape: {
      type: 'polygon',
      polygon: [[at(C, 500, -500), at(C, 700, -500), at(C, 700, -300), at(C, 500, -300), at(C, 500, -500)]],
    },
    gridCode: '360102001001003',
    railwayId: null,
  },
  {
    id: 'mark-1',
    name: 'Square',
    kind: 'landmark',
    shape: { type: 'circle', center: at(C, -800, -800), radiusM: 300 },
    gridCode: '360102001001004',
    railwayId: null,
  },
  {
    id: 'zone-sc-1',
    name: 'Compound',
    kind: 'community',
    shape: {
      type: 'polygon',
      polygon: [[at(C, -700, 300), at(C, -500, 300), at(C, -500, 500), at(C, -700, 500), at(C, -700, 300)]],
    },
    gridCode: '360102001001005',
    railwayId: null,
  },
];
const world: RuleWorld = {
  zones: createZoneIndex(zones),
  facilityKind: (id) => (id === 'btn-hospital' ? 'hospital' : id === 'btn-kiosk' ? 'police_kiosk' : undefined),
};
const ev = (over: Partial<RuleEvent>): RuleEvent => ({
  type: 'stranger',
  at: '2026-11-22T12:00:00+08:00',
  position: C,
  gridCode: '360102001001001',
  ...over,
});

describe('zone index', () => {
  it.each([
    ['the centre of a circle', C, ['kp-1']],
    ['190 m from a circle centre', at(C, 190, 0), ['kp-1']],
    ['210 m from a circle centre', at(C, 210, 0), []],
    ['on the fence line', at(C, 0, 1000), ['rail-1']],
    ['25 m off the fence line', at(C, 1500, 1025), ['rail-1']],
    ['40 m off the fence line', at(C, 1500, 1040), []],
    ['past the end of the fence', at(C, 2100, 1000), []],
    ['inside the school polygon', at(C, 600, -400), ['school-1']],
    ['just outside the school polygon', at(C, 720, -400), []],
  ] as [string, LonLat, string[]][])('%s', (_what, p, ids) => {
    expect(world.zones.containing(p).map((z) => z.id)).toEqual(ids);
  });

  it('measures distance to a segment in metres', () => {
    expect(distanceToSegmentM(at(C, 0, 50), at(C, -100, 0), at(C, 100, 0))).toBeCloseTo(50, 0);
    expect(distanceToSegmentM(at(C, 130, 0), at(C, -100, 0), at(C, 100, 0))).toBeCloseTo(30, 0);
  });

  it('agrees with a plain scan over every zone of the demo city', () => {
    const city = generateDemoCity({ scale: 'small', seed: 7 });
    const index = createZoneIndex(city.zones);
    // Probe around each zone's anchor point; the index must find exactly what a scan finds.
    let hits = 0;
    for (const z of city.zones) {
      const anchor =
        z.shape.type === 'circle'
          ? z.shape.center
          : z.shape.type === 'corridor'
            ? z.shape.line[0]!
            : z.shape.polygon[0]![0]!;
      for (const [e, n] of [
        [0, 0],
        [120, 0],
        [0, -300],
        [45, 45],
      ] as const) {
        const p = at(anchor, e, n);
        const scan = city.zones.filter((cand) => contains(cand, p));
        expect(
          index
            .containing(p)
            .map((x) => x.id)
            .sort(),
        ).toEqual(scan.map((x) => x.id).sort());
        hits += scan.length;
      }
    }
    expect(hits).toBeGreaterThan(city.zones.length); // the probes do land in zones
  });
});

describe('time windows (Beijing time)', () => {
  it.each([
    ['2026-11-22T23:30:00+08:00', { from: '22:00', to: '06:00' }, true],
    ['2026-11-22T05:59:00+08:00', { from: '22:00', to: '06:00' }, true],
    ['2026-11-22T06:00:00+08:00', { from: '22:00', to: '06:00' }, false],
    ['2026-11-22T14:30:00Z', { from: '22:00', to: '06:00' }, true], // 22:30 in Beijing
    ['2026-11-22T12:00:00+08:00', { from: '08:00', to: '18:00' }, true],
    ['2026-11-22T18:00:00+08:00', { from: '08:00', to: '18:00' }, false],
  ] as const)('%s in %o → %s', (t, w, expected) => {
    expect(inWindow(t, w)).toBe(expected);
  });
});

describe('evaluate (the default rules)', () => {
  const ids = (e: RuleEvent) =>
    evaluate(e, DEFAULT_RULES, world).map((a) => `${a.ruleId}:${a.priority}${a.zone ? `@${a.zone.id}` : ''}`);
  it.each([
    [
      'a fence intrusion on the fence',
      ev({ type: 'fence_intrusion', position: at(C, 0, 1000) }),
      ['fence-intrusion:1@rail-1'],
    ],
    ['a fence intrusion far from it', ev({ type: 'fence_intrusion', position: at(C, 0, 1200) }), []],
    ['a stranger by a key person', ev({ type: 'stranger' }), ['key-person-stranger:2@kp-1']],
    ['a stranger in a school by day', ev({ type: 'stranger', position: at(C, 600, -400) }), []],
    [
      'a stranger in a school at night',
      ev({ type: 'stranger', position: at(C, 600, -400), at: '2026-11-22T23:10:00+08:00' }),
      ['school-night-stranger:2@school-1'],
    ],
    ['a crowd on the square', ev({ type: 'crowd', position: at(C, -800, -800) }), ['crowd-landmark:2@mark-1']],
    // Issue 15: camera-AI smoke is priority 2 in a watch zone, priority 1 only at a school or hospital.
    ['smoke in a watch zone', ev({ type: 'smoke' }), ['smoke-anywhere-zone:2@kp-1']],
    ['smoke at a school', ev({ type: 'smoke', position: at(C, 600, -400) }), ['smoke-school-hospital:1@school-1']],
    ['smoke outside every zone', ev({ type: 'smoke', position: at(C, 3000, 3000) }), []],
    ['a fire hazard report in a zone is a case, not an alarm', ev({ type: 'fire_hazard' }), []],
    // Inside a smart community's compound (its zone).
    [
      'an e-bike in a compound lift',
      ev({ type: 'ebike_in_lift', position: at(C, -600, 400) }),
      ['community-ebike:3@zone-sc-1'],
    ],
    [
      'a high-altitude throw in a compound',
      ev({ type: 'high_throw', position: at(C, -600, 400) }),
      ['community-high-throw:3@zone-sc-1'],
    ],
    ['a stranger in a compound by day', ev({ type: 'stranger', position: at(C, -600, 400) }), []],
    [
      'a stranger in a compound at night',
      ev({ type: 'stranger', position: at(C, -600, 400), at: '2026-11-22T02:10:00+08:00' }),
      ['community-night-stranger:3@zone-sc-1'],
    ],
    ['an e-bike in a lift outside any compound', ev({ type: 'ebike_in_lift', position: at(C, 3000, 3000) }), []],
    [
      'a hospital one-key alarm',
      ev({ type: 'one_key_alarm', deviceId: 'btn-hospital', position: at(C, 3000, 3000) }),
      ['one-key-alarm:1'],
    ],
    ['a police kiosk button', ev({ type: 'one_key_alarm', deviceId: 'btn-kiosk' }), []],
    ['a noise report', ev({ type: 'noise' }), []],
  ] as [string, RuleEvent, string[]][])('%s', (_what, e, expected) => {
    expect(ids(e)).toEqual(expected);
  });

  it('skips disabled rules and orders by priority', () => {
    const rules: Rule[] = [
      { id: 'b', kind: 'zone', name: 'b', eventTypes: ['stranger'], priority: 3, actions: [], enabled: true },
      { id: 'a', kind: 'zone', name: 'a', eventTypes: ['stranger'], priority: 1, actions: ['cameras'], enabled: true },
      { id: 'c', kind: 'zone', name: 'c', eventTypes: ['stranger'], priority: 1, actions: [], enabled: false },
    ];
    expect(evaluate(ev({}), rules, world).map((a) => a.ruleId)).toEqual(['a', 'b']);
  });

  it('carries the broadcast text of the fence rule', () => {
    const [alarm] = evaluate(ev({ type: 'fence_intrusion', position: at(C, 0, 1000) }), DEFAULT_RULES, world);
    expect(alarm?.actions).toContain('broadcast');
    expect(alarm?.say).toMatch(/铁路/);
    expect(alarm?.zone?.railwayId).toBe('rw-1');
  });
});
