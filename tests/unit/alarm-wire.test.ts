/** The alarm push as columns: encoding then decoding gives every view back exactly. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALARM_STATUSES, alarmView, type AlarmView } from '@shared/alarms';
import { alarmColumns, decodeAlarmColumns, encodeAlarmColumns } from '@shared/alarm-wire';
import { ALARM_EVENT_SOURCES, EVENT_TYPES } from '@shared/ingest';

const iso = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const smallId = fc.constantFrom('a', 'b', 'c', 'd');

const view: fc.Arbitrary<AlarmView> = fc.record({
  id: fc.uuid(),
  rev: fc.integer({ min: 1, max: 2 ** 40 }),
  createdAt: iso,
  updatedAt: iso,
  event: fc.record({
    source: fc.constantFrom(...ALARM_EVENT_SOURCES),
    id: fc.string({ minLength: 1 }),
    type: fc.constantFrom(...EVENT_TYPES),
    at: iso,
  }),
  // Few distinct rules and zones, so the dictionaries are shared between alarms of a batch.
  rule: smallId.map((id) => ({ id: `rule-${id}`, name: `规则 ${id}` })),
  priority: fc.integer({ min: 1, max: 4 }),
  status: fc.constantFrom(...ALARM_STATUSES),
  gridCode: fc.stringMatching(/^36\d{13}$/),
  position: fc.tuple(fc.double({ min: 115, max: 117, noNaN: true }), fc.double({ min: 28, max: 29, noNaN: true })),
  zone: fc.option(
    smallId.map((id) => ({ id: `zone-${id}`, name: `区域 ${id}` })),
    { nil: null },
  ),
  actions: fc.subarray(['broadcast', 'cameras', 'units', 'grid_worker']),
  cameraIds: fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
  unitIds: fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
  broadcast: fc.option(
    fc.record({ speakerId: fc.string({ minLength: 1 }), say: fc.constantFrom('请离开铁路', '危险') }),
    { nil: null },
  ),
  handledBy: fc.option(fc.string({ minLength: 1 }), { nil: null }),
  handledAt: fc.option(iso, { nil: null }),
  incidentId: fc.option(fc.uuid(), { nil: null }),
  count: fc.integer({ min: 1, max: 10_000 }),
  lastAt: iso,
  expiresAt: fc.option(iso, { nil: null }),
  raise: fc.option(
    fc.record({ eventId: fc.uuid(), name: fc.constantFrom('马拉松', '演唱会'), from: fc.integer({ min: 2, max: 4 }) }),
    { nil: null },
  ),
  media: fc.array(
    fc.record({
      kind: fc.constantFrom('image' as const, 'video' as const, 'audio' as const),
      url: fc.oneof(
        fc.uuid().map((u) => `/api/v1/photos/${u}`),
        fc.webUrl(),
      ),
    }),
    { maxLength: 3 },
  ),
});

describe('alarm columns', () => {
  it('round-trips any batch of views exactly, through JSON, and the columns validate', () => {
    fc.assert(
      fc.property(fc.array(view, { maxLength: 30 }), (views) => {
        const wire = JSON.parse(JSON.stringify(encodeAlarmColumns(views))) as unknown;
        const columns = alarmColumns.parse(wire);
        const back = decodeAlarmColumns(columns);
        expect(back).toEqual(views);
        for (const v of back) alarmView.parse(v);
      }),
      { numRuns: 200 },
    );
  });

  it('writes each repeated string and list once per batch', () => {
    const base = fc.sample(view, { numRuns: 1, seed: 7 })[0]!;
    const views = [1, 2, 3].map((rev) => ({
      ...base,
      id: `00000000-0000-4000-8000-00000000000${rev}`,
      rev,
      gridCode: '360102001001001',
      rule: { id: 'r', name: 'R' },
      zone: { id: 'z', name: 'Z' },
      cameraIds: ['cam-1', 'cam-2'],
      broadcast: { speakerId: `s${rev}`, say: '请离开' },
    }));
    const c = encodeAlarmColumns(views);
    for (const s of ['360102001001001', 'r', 'R', 'z', 'Z', '请离开', 'cam-1'])
      expect(c.strings.filter((x) => x === s)).toHaveLength(1);
    expect(new Set(c.cameraIds).size).toBe(1);
    expect(new Set(c.gridCode).size).toBe(1);
    expect(c.speakerId.map((i) => c.strings[i])).toEqual(['s1', 's2', 's3']);
  });

  it('refuses columns of unequal length or an index outside its dictionary, naming the column', () => {
    const c = encodeAlarmColumns(fc.sample(view, { numRuns: 2, seed: 3 }));
    const short = alarmColumns.safeParse({ ...c, rev: c.rev.slice(1) });
    expect(short.success).toBe(false);
    expect(short.error?.issues[0]?.path).toEqual(['rev']);
    const badRule = alarmColumns.safeParse({ ...c, ruleId: [c.strings.length, 0] });
    expect(badRule.error?.issues[0]?.path).toEqual(['ruleId', 0]);
    const badStatus = alarmColumns.safeParse({ ...c, status: [c.ruleId[0], c.status[1]] });
    expect(badStatus.error?.issues[0]?.path).toEqual(['status', 0]);
  });
});
