import { describe, expect, it } from 'vitest';
import { compassPoint, normaliseDeg } from '@client/cameras/compass';

describe('compassPoint', () => {
  it.each([
    [0, 'n'],
    [22.4, 'n'],
    [22.5, 'ne'],
    [45, 'ne'],
    [90, 'e'],
    [135, 'se'],
    [180, 's'],
    [225, 'sw'],
    [270, 'w'],
    [315, 'nw'],
    [337.4, 'nw'],
    [337.5, 'n'],
    [359.9, 'n'],
    [360, 'n'],
    [-45, 'nw'],
    [405, 'ne'],
  ])('%d° → %s', (deg, point) => {
    expect(compassPoint(deg)).toBe(point);
  });

  it('normaliseDeg keeps [0, 360)', () => {
    expect(normaliseDeg(-90)).toBe(270);
    expect(normaliseDeg(720)).toBe(0);
    expect(normaliseDeg(359.5)).toBe(359.5);
  });
});
