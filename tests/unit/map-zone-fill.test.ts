import { describe, expect, it } from 'vitest';
import { FLASH_MS, type AlarmStatus } from '@shared/alarms';
import { zoneFill } from '@client/map/layers/useZoneLayer';
import { flashingZones } from '@client/map/layers/useAlarmLayer';

describe('zone fill', () => {
  const red = [255, 77, 79, 255];
  it('is faint and steady when the zone is quiet', () => {
    expect(zoneFill(red, false, 0)).toEqual([255, 77, 79, 38]);
    expect(zoneFill(red, false, 0.25)).toEqual([255, 77, 79, 38]);
  });
  it('pulses between 60 and 210 alpha while the zone is alarming', () => {
    const alphas = [0, 0.25, 0.5, 0.75].map((p) => zoneFill(red, true, p)[3]);
    expect(alphas).toEqual([135, 210, 135, 60]);
  });
});

describe('which zones flash (issue 15: an idle map draws nothing)', () => {
  const now = Date.parse('2026-05-01T08:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  const a = (zone: string | null, status: AlarmStatus, lastAgo: number) => ({
    status,
    zone: zone ? { id: zone, name: zone } : null,
    lastAt: ago(lastAgo),
  });
  it.each([
    {
      name: 'a new alarm of a minute ago',
      alarms: [a('z1', 'new', 60_000)],
      ids: ['z1'],
      next: now + FLASH_MS - 60_000,
    },
    { name: 'a new alarm older than FLASH_MS', alarms: [a('z1', 'new', FLASH_MS)], ids: [], next: null },
    { name: 'an acknowledged one', alarms: [a('z1', 'acknowledged', 1_000)], ids: [], next: null },
    { name: 'an expired one', alarms: [a('z1', 'expired', 1_000)], ids: [], next: null },
    { name: 'one with no zone', alarms: [a(null, 'new', 1_000)], ids: [], next: null },
    {
      name: 'an old alarm whose repeat is recent (lastAt moved): flashes again',
      alarms: [a('z1', 'new', 10_000)],
      ids: ['z1'],
      next: now + FLASH_MS - 10_000,
    },
    {
      name: 'two zones: the timer is set for the first to end',
      alarms: [a('z1', 'new', 100_000), a('z2', 'new', 10_000), a('z3', 'new', FLASH_MS + 1)],
      ids: ['z1', 'z2'],
      next: now + FLASH_MS - 100_000,
    },
  ])('$name', ({ alarms, ids, next }) => {
    const r = flashingZones(alarms, now);
    expect([...r.ids].sort()).toEqual(ids);
    expect(r.next).toBe(next);
  });
});
