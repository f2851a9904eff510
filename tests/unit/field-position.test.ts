import { describe, expect, it } from 'vitest';
import { positionBody } from '@shared/incidents';
import { POSITION_INTERVAL_MS, positionBodyOf, shouldSend } from '@client/field/position';
import { fixOf, formatLonLat, geoProblem, type Fix } from '@client/report/geo';

const fix: Fix = { lon: 116.397428, lat: 39.90923, accuracy: 12.4, at: Date.UTC(2026, 0, 1, 8) };

describe('shouldSend', () => {
  const t0 = 1_000_000;
  it.each([
    ['no fix yet', null, null, t0, false],
    ['never sent', fix, null, t0, true],
    ['sent 3 s ago', fix, t0 - 3_000, t0, false],
    ['sent just under the interval ago', fix, t0 - POSITION_INTERVAL_MS + 1, t0, false],
    ['sent an interval ago', fix, t0 - POSITION_INTERVAL_MS, t0, true],
    ['sent a minute ago', fix, t0 - 60_000, t0, true],
  ] as const)('%s → %s', (_what, f, last, now, yes) => {
    expect(shouldSend(f, last, now)).toBe(yes);
  });
});

describe('positionBodyOf', () => {
  it('is a body the hub takes', () => {
    const body = positionBodyOf(fix);
    expect(positionBody.parse(body)).toEqual(body);
    expect(body).toEqual({ lon: fix.lon, lat: fix.lat, accuracy: 12, at: '2026-01-01T08:00:00.000Z' });
  });

  it("caps a wild accuracy at the contract's limit", () => {
    expect(positionBody.safeParse(positionBodyOf({ ...fix, accuracy: 1e9 })).success).toBe(true);
  });
});

describe('fixOf', () => {
  const coords = { longitude: 116.4, latitude: 39.9, accuracy: 8 };
  it('reads a position', () => {
    expect(fixOf(coords, 5)).toEqual({ lon: 116.4, lat: 39.9, accuracy: 8, at: 5 });
  });

  it('is null before the first reading (VueUse starts at Infinity) or for nonsense', () => {
    expect(fixOf({ longitude: Infinity, latitude: Infinity, accuracy: 0 }, null)).toBeNull();
    expect(fixOf(coords, null)).toBeNull();
    expect(fixOf({ ...coords, latitude: 91 }, 5)).toBeNull();
  });

  it('takes an unknown accuracy as 0', () => {
    expect(fixOf({ ...coords, accuracy: NaN }, 5)?.accuracy).toBe(0);
  });
});

describe('geoProblem', () => {
  it.each([
    [{ secure: false, supported: true, errorCode: null }, 'insecure'],
    [{ secure: true, supported: false, errorCode: null }, 'unsupported'],
    [{ secure: true, supported: true, errorCode: null }, null],
    [{ secure: true, supported: true, errorCode: 1 }, 'denied'],
    [{ secure: true, supported: true, errorCode: 2 }, 'unavailable'],
    [{ secure: true, supported: true, errorCode: 3 }, 'timeout'],
  ] as const)('%j → %s', (opts, problem) => {
    expect(geoProblem(opts)).toBe(problem);
  });
});

describe('formatLonLat', () => {
  it('prints six decimals', () => {
    expect(formatLonLat(116.3974281, 39.9)).toEqual({ lon: '116.397428', lat: '39.900000' });
  });
});
