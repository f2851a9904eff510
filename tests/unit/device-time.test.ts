/**
 * A device's own date-time (server/devices/device-time.ts), the one reading behind ISAPI's
 * `dateTime`, GB/T 28181's `AlarmTime` and Dahua's `LocaleTime`: no zone is Beijing time, a zone
 * is kept, and only real calendar times within years 1–9999 come out. Each protocol's syntax stays
 * in its own parser's tests.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BEIJING_OFFSET_MINUTES, parseDeviceTime } from '@server/devices/device-time';

/** Groups: Y M D h m s, fraction, zone — the widest syntax any protocol accepts. */
const ANY = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;
const parse = (s: string) => parseDeviceTime(s, ANY)?.toISOString() ?? null;

describe('parseDeviceTime', () => {
  it.each([
    ['no zone: Beijing time', '2024-05-09T10:37:45', '2024-05-09T02:37:45.000Z'],
    ['no zone across midnight and a year', '2024-01-01 00:00:00', '2023-12-31T16:00:00.000Z'],
    ['Z', '2024-05-09T10:37:45Z', '2024-05-09T10:37:45.000Z'],
    ['z', '2024-05-09t10:37:45z', '2024-05-09T10:37:45.000Z'],
    ['+hh:mm', '2024-05-09T10:37:45+09:00', '2024-05-09T01:37:45.000Z'],
    ['+hhmm', '2024-05-09T10:37:45+0800', '2024-05-09T02:37:45.000Z'],
    ['-hh:mm with minutes', '2024-05-09T10:37:45-03:30', '2024-05-09T14:07:45.000Z'],
    ['the widest offset', '2024-05-09T10:37:45+14:00', '2024-05-08T20:37:45.000Z'],
    ['a fraction, cut to ms', '2024-05-09T10:37:45.2509Z', '2024-05-09T10:37:45.250Z'],
    ['a comma fraction', '2024-05-09T10:37:45,5', '2024-05-09T02:37:45.500Z'],
    ['Feb 29 of a leap year', '2024-02-29T12:00:00', '2024-02-29T04:00:00.000Z'],
    ['Feb 29 of 2000', '2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['a year below 100 kept as written', '0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
    ['the last second', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('%s', (_, text, iso) => {
    expect(parse(text)).toBe(iso);
  });

  it.each([
    ['Feb 29 of a common year', '2023-02-29T12:00:00'],
    ['Feb 29 of 1900', '1900-02-29T12:00:00Z'],
    ['Feb 30', '2024-02-30T00:00:00'],
    ['Apr 31', '2024-04-31T00:00:00'],
    ['month 13', '2024-13-01T00:00:00'],
    ['month 0', '2024-00-01T00:00:00'],
    ['day 0', '2024-01-00T00:00:00'],
    ['24:00', '2024-05-09T24:00:00'],
    ['minute 60', '2024-05-09T10:60:00'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['an offset over 14 h', '2024-05-09T10:37:45+15:00'],
    ['offset minutes over 59', '2024-05-09T10:37:45+08:60'],
    ['year 0', '0000-01-01T00:00:00Z'],
    ['before year 1 after Beijing', '0001-01-01T00:00:00'],
    ['after 9999 after the offset', '9999-12-31T23:59:59-08:00'],
    ['not matching the pattern', '2024-05-09'],
    ['empty', ''],
  ])('%s is null', (_, text) => {
    expect(parse(text)).toBeNull();
  });

  it("uses only the pattern's syntax", () => {
    const plain = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
    expect(parseDeviceTime('2024-05-01 20:00:10', plain)).toEqual(new Date('2024-05-01T12:00:10Z'));
    expect(parseDeviceTime('2024-05-01T20:00:10Z', plain)).toBeNull();
  });

  it('reads any real time written without a zone as Beijing time', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0002-01-01T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z') }), (d) => {
        if (Number.isNaN(d.getTime())) return;
        const local = new Date(d.getTime() + BEIJING_OFFSET_MINUTES * 60_000).toISOString(); // Z form of the wall clock
        expect(parseDeviceTime(local.slice(0, 23), ANY)).toEqual(d);
        expect(parseDeviceTime(d.toISOString(), ANY)).toEqual(d);
      }),
    );
  });
});
