/** The basemap's retries (issue 15): 1 s, 2 s, 4 s … doubling, then every 30 s for as long as the page is open. */
import { describe, expect, it } from 'vitest';
import { RETRY_FIRST_MS, RETRY_MAX_MS, retryDelay } from '@client/stores/basemap';

describe('basemap retry delay', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [5, 16_000],
    [6, 30_000],
    [50, 30_000],
    [10_000, 30_000],
  ])('after %i failures: %i ms', (failures, ms) => {
    expect(retryDelay(failures)).toBe(ms);
  });
  it('never waits less than the first delay nor more than the cap', () => {
    for (let f = 0; f < 100; f++) {
      expect(retryDelay(f)).toBeGreaterThanOrEqual(RETRY_FIRST_MS);
      expect(retryDelay(f)).toBeLessThanOrEqual(RETRY_MAX_MS);
    }
  });
});
