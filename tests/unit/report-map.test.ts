/**
 * The report's static map (shared/report-map.ts): bounds padded around what the map shows, a
 * projection that keeps the aspect (longitudes shortened by the cosine of the latitude), centres the
 * picture and puts north up, and the SVG paths of rings in it. Also the figures and the timeline of
 * a report (server/services/major-event-figures.ts), pure, from fixture rows.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  boundsOf,
  pointsOf,
  projection,
  reportMapBounds,
  ringPath,
  ringPoints,
  ringsPath,
  type Bounds,
} from '@shared/report-map';
import { nearestRank, reportParts } from '@server/services/major-event-figures';
import type {
  ReportAlarmRow,
  ReportIncidentRow,
  ReportStepRow,
} from '@server/repositories/major-event-report.repository';
import type { LonLat } from '@shared/world';

const square = (lon: number, lat: number, d: number): LonLat[] => [
  [lon - d, lat - d],
  [lon + d, lat - d],
  [lon + d, lat + d],
  [lon - d, lat + d],
  [lon - d, lat - d],
];

describe('boundsOf', () => {
  it('pads by a fraction of the larger span on every side and skips what is not finite', () => {
    const b = boundsOf(
      [
        [115, 28],
        [116, 28.5],
        [NaN, 0],
      ],
      0.1,
    )!;
    expect(b.west).toBeCloseTo(114.9);
    expect(b.east).toBeCloseTo(116.1);
    expect(b.south).toBeCloseTo(27.9);
    expect(b.north).toBeCloseTo(28.6);
  });
  it('is null with no point, and gives a single point a small box around it', () => {
    expect(boundsOf([])).toBeNull();
    const b = boundsOf([[115.9, 28.7]])!;
    expect(b.east).toBeGreaterThan(b.west);
    expect(b.north).toBeGreaterThan(b.south);
    expect((b.east + b.west) / 2).toBeCloseTo(115.9);
  });
  it('takes rings through pointsOf', () => {
    const b = boundsOf(pointsOf([square(115.9, 28.7, 0.01)], [square(116, 28.7, 0.01)]), 0)!;
    expect([b.west, b.south, b.east, b.north].map((v) => v.toFixed(6))).toEqual([
      '115.890000',
      '28.690000',
      '116.010000',
      '28.710000',
    ]);
  });
});

describe('projection', () => {
  const bounds: Bounds = { west: 115.8, south: 28.6, east: 116.0, north: 28.8 };

  it('keeps the aspect: a degree of longitude is cos(latitude) of a degree of latitude', () => {
    const p = projection(bounds, { width: 400, height: 400 });
    const [x0, y0] = p([115.9, 28.7]);
    const [x1] = p([115.91, 28.7]);
    const [, y1] = p([115.9, 28.71]);
    expect((x1 - x0) / (y0 - y1)).toBeCloseTo(Math.cos((28.7 * Math.PI) / 180), 6);
  });

  it('centres the picture, north up, and fits the taller side exactly', () => {
    const p = projection(bounds, { width: 600, height: 300, margin: 10 });
    const [cx, cy] = p([115.9, 28.7]);
    expect(cx).toBeCloseTo(300);
    expect(cy).toBeCloseTo(150);
    expect(p([115.9, 28.8])[1]).toBeCloseTo(10); // the north edge at the top margin
    expect(p([115.9, 28.6])[1]).toBeCloseTo(290);
    expect(p([115.9, 28.8])[1]).toBeLessThan(p([115.9, 28.6])[1]);
    expect(p.scale).toBeCloseTo(280 / 0.2);
  });

  it('puts every point of the bounds inside the box, whatever the box and bounds', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: -70, max: 70, noNaN: true }),
        fc.double({ min: 1e-5, max: 5, noNaN: true }),
        fc.double({ min: 1e-5, max: 5, noNaN: true }),
        fc.integer({ min: 20, max: 2000 }),
        fc.integer({ min: 20, max: 2000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (west, south, dx, dy, width, height, u, v) => {
          const b = { west, south, east: west + dx, north: south + dy };
          const p = projection(b, { width, height, margin: 5 });
          const [x, y] = p([west + u * dx, south + v * dy]);
          expect(x).toBeGreaterThanOrEqual(5 - 1e-6);
          expect(x).toBeLessThanOrEqual(width - 5 + 1e-6);
          expect(y).toBeGreaterThanOrEqual(5 - 1e-6);
          expect(y).toBeLessThanOrEqual(height - 5 + 1e-6);
        },
      ),
    );
  });
});

describe('ring paths', () => {
  const p = projection({ west: 0, south: 0, east: 1, north: 1 }, { width: 100, height: 100 });

  it('writes a closed ring once, with Z for its last edge', () => {
    expect(
      ringPath(
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
        p,
      ),
    ).toBe('M0 100 L100 100 L100 0 Z');
  });

  it('joins rings into one path, leaves out empty ones and points that are not finite', () => {
    const d = ringsPath(
      [
        [
          [0, 0],
          [0.5, 0.5],
          [Infinity, 0],
          [0, 1],
        ],
        [],
      ],
      p,
    );
    expect(d).toMatch(/^M\S+ \S+ L\S+ \S+ L\S+ \S+ Z$/);
    expect(ringPoints([[0.5, 0.5]], p)[0]![0]).toBeCloseTo(50, 0);
  });

  it('fits a report: perimeter, ring and every point, not the region', () => {
    const b = reportMapBounds(
      {
        event: { perimeter: [square(115.9, 28.7, 0.004)], bufferRing: [square(115.9, 28.7, 0.006)] },
        posts: [{ position: [115.9, 28.72] }],
        alarms: [],
        incidents: [],
      } as unknown as Parameters<typeof reportMapBounds>[0],
      0,
    )!;
    expect(b.north).toBeCloseTo(28.72);
    expect(b.south).toBeCloseTo(28.694);
  });
});

describe('the report figures (major-event-figures.ts)', () => {
  const t0 = Date.parse('2026-05-01T01:00:00Z');
  const at = (min: number) => new Date(t0 + min * 60_000);
  const alarm = (id: string, min: number, over: Partial<ReportAlarmRow> = {}): ReportAlarmRow => ({
    id,
    createdAt: at(min),
    priority: 2,
    ruleName: '高空抛物',
    eventType: 'high_throw',
    status: 'new',
    gridCode: '360102001001001',
    lon: 115.9,
    lat: 28.7,
    incidentId: null,
    raise: { eventId: 'e1', name: '马拉松', from: 3 },
    ...over,
  });
  const incident = (id: string, min: number, over: Partial<ReportIncidentRow> = {}): ReportIncidentRow => ({
    id,
    code: `E-${id}`,
    title: id,
    category: 'x',
    priority: 2,
    status: 'closed',
    gridCode: '360102001001001',
    lon: 115.9,
    lat: 28.7,
    createdAt: at(min),
    firstDispatchedAt: at(min + 1),
    arrivedAt: at(min + 5),
    resolvedAt: at(min + 200),
    closedAt: at(min + 300),
    escalations: 1,
    breaches: ['resolve'],
    ...over,
  });
  const step = (incidentId: string, min: number, action: string, to: string | null, from: string | null = null) =>
    ({
      incidentId,
      at: at(min),
      action,
      fromStatus: from,
      toStatus: to,
      stage: null,
      escalations: null,
    }) satisfies ReportStepRow;

  it('counts as at the end of the window and merges the timeline oldest first', () => {
    const to = at(60);
    const parts = reportParts({
      eventId: 'e1',
      to,
      alarms: [
        alarm('a1', 0),
        alarm('a2', 10, { status: 'false_alarm', priority: 4, raise: null }),
        alarm('a3', 20, { raise: { eventId: 'other', name: 'y', from: 3 } }),
      ],
      incidents: [incident('i1', 0)],
      steps: [
        step('i1', 0, 'report', 'reported'),
        step('i1', 1, 'dispatch', 'dispatched', 'reported'),
        step('i1', 3, 'escalate', 'dispatched', 'dispatched'),
        step('i1', 5, 'arrive', 'on_scene', 'dispatched'),
      ],
      posts: [
        {
          name: 'p',
          kind: 'post',
          position: [115.9, 28.7],
          staff: ['a', 'b'],
          units: [{ id: 'u1', name: 'u', kind: 'police', status: 'busy' }],
        },
      ],
    });
    expect(parts.figures).toMatchObject({
      alarms: 3,
      raised: 1,
      byPriority: [0, 2, 0, 1],
      falseAlarms: 1,
      incidents: 1,
      open: 1, // on scene at the window's end, closed only later
      closed: 0,
      escalated: 1,
      breached: 0, // the resolve clock broke after the window
      dispatchMedianS: 60,
      arriveMedianS: 300,
      resolveMedianS: null,
      posts: 1,
      unitsDeployed: 1,
      staff: 2,
    });
    expect(parts.incidents[0]).toMatchObject({ status: 'on_scene', resolvedAt: null, closedAt: null, breaches: [] });
    expect(parts.alarms.map((a) => a.raisedFrom)).toEqual([3, null, null]);
    expect(parts.timeline.map((e) => `${e.kind}:${e.action}:${e.toStatus}`)).toEqual([
      'alarm:raised:null',
      'incident:report:reported',
      'incident:dispatch:dispatched',
      'incident:escalate:null',
      'incident:arrive:on_scene',
      'alarm:raised:null',
      'alarm:raised:null',
    ]);
    expect(parts.escalations.map((i) => i.id)).toEqual(['i1']);
  });

  it('caps the timeline and counts the rest', () => {
    const parts = reportParts({
      eventId: 'e1',
      to: at(60),
      alarms: [alarm('a1', 3), alarm('a2', 1), alarm('a3', 2)],
      incidents: [],
      steps: [],
      posts: [],
      timelineMax: 2,
    });
    expect(parts.timeline.map((e) => e.id)).toEqual(['a2', 'a3']);
    expect(parts.timelineTruncated).toBe(1);
  });

  it('takes percentiles by nearest rank', () => {
    expect(nearestRank([], 0.5)).toBeNull();
    expect(nearestRank([5, 1, 3], 0.5)).toBe(3);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(nearestRank([7], 0.9)).toBe(7);
  });
});
