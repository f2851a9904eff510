/**
 * Start-up helpers of the demo city (issue 13): the city streamed from its worker thread is the
 * city generateDemoCity makes, and the grid locator built in slices answers as the one built at once.
 */
import { describe, expect, it } from 'vitest';
import { createGridLocator, createGridLocatorAsync, generateDemoCity } from '@server/demo';
import { streamDemoCity, type DemoParts } from '@server/demo/thread';
import { REGION_LEVELS, type World } from '@shared/world';

const opts = { scale: 'small' as const, seed: 7 };
const city = generateDemoCity(opts);

describe('streamDemoCity', () => {
  it('hands over every part of the same city, in slices, regions city first then by level', async () => {
    const got: Partial<Record<keyof DemoParts, unknown[]>> = {};
    let slices = 0;
    const parts = Object.keys(city) as (keyof World)[];
    await streamDemoCity(opts, { parts, seedMs: Date.UTC(2026, 0, 1) }, async (part, items) => {
      slices++;
      ((got as Record<string, unknown[]>)[part] ??= []).push(...(items as unknown[]));
      await Promise.resolve();
    });
    for (const part of parts)
      expect(got[part], part).toEqual(
        part === 'regions'
          ? [...city.regions].sort((a, b) => REGION_LEVELS.indexOf(a.level) - REGION_LEVELS.indexOf(b.level))
          : city[part],
      );
    expect((got.regions as World['regions'])[0]!.level).toBe('city');
    expect(got.seedAccess!.length).toBeGreaterThan(0);
    expect(slices).toBeGreaterThan(parts.length);
  }, 60_000);

  it('stops when its signal aborts, and when the handler fails', async () => {
    const ac = new AbortController();
    await expect(
      streamDemoCity(
        opts,
        { parts: ['cameras'], signal: ac.signal },
        () => (ac.abort(new Error('closing')), Promise.resolve()),
      ),
    ).rejects.toThrow('closing');
    await expect(
      streamDemoCity(opts, { parts: ['cameras'] }, () => Promise.reject(new Error('insert failed'))),
    ).rejects.toThrow('insert failed');
  }, 60_000);
});

describe('createGridLocatorAsync', () => {
  it('answers as createGridLocator does', async () => {
    const once = createGridLocator(city.regions);
    const sliced = await createGridLocatorAsync(city.regions, 0);
    expect(sliced.size).toBe(once.size);
    for (const c of city.cameras) expect(sliced.locate(c.position)).toBe(once.locate(c.position));
    expect(sliced.locate([0, 0])).toBeNull();
  });
});
