import { describe, expect, it } from 'vitest';
import { TRACKING_CODE } from '@shared/incidents';
import { normalizeTrackingCode, trackingPath } from '@client/report/tracking';

describe('normalizeTrackingCode', () => {
  it.each([
    ['7K3M-9QPR-2D4X', '7K3M-9QPR-2D4X'],
    ['7k3m-9qpr-2d4x', '7K3M-9QPR-2D4X'],
    ['7K3M9QPR2D4X', '7K3M-9QPR-2D4X'],
    ['  7K3M 9QPR 2D4X ', '7K3M-9QPR-2D4X'],
    ['7K3M–9QPR—2D4X', '7K3M-9QPR-2D4X'],
    // Crockford: I and L read as 1, O as 0.
    ['IL0O-0000-0000', '1100-0000-0000'],
    ['abcd-efgh-jkmn', 'ABCD-EFGH-JKMN'],
  ])('%j → %s', (typed, code) => {
    expect(normalizeTrackingCode(typed)).toBe(code);
    expect(TRACKING_CODE.test(code)).toBe(true);
  });

  it.each([
    '',
    '7K3M-9QPR-2D4',
    '7K3M-9QPR-2D4XY',
    // U is not in Crockford base32.
    '7K3M-9QPR-2D4U',
    '7K3M-9QPR-2D4!',
    '报告-9QPR-2D4X',
  ])('%j is no tracking code', (typed) => {
    expect(normalizeTrackingCode(typed)).toBeNull();
  });

  it('links to the status page', () => {
    expect(trackingPath('7K3M-9QPR-2D4X')).toBe('/report/7K3M-9QPR-2D4X');
  });
});
