import { describe, expect, it } from 'vitest';
import { zoneFill } from '@client/map/layers/useZoneLayer';

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
