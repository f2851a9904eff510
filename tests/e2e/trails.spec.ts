/**
 * Unit trails in a real browser (issue 15): a patrol car's phone reports a few positions while the
 * desk is open, and its trail draws on the map under the unit (pushed, not reloaded); toggled off
 * in the layer panel, the trail's pixels go. A reload draws the same trail from GET /units/trails.
 */
import { expect, test, type Page } from '@playwright/test';
import { unitLive } from '@shared/incidents';
import { z } from 'zod';
import { apiLogin, loginAs } from './login';

const UNIT = 'unit-patrol_car-0002';

test.beforeEach(async ({ page }) => {
  await loginAs(page, 'dispatcher');
});

/** Pixels that differ between two PNG screenshots, counted in the page (Chromium decodes them). */
async function differingPixels(page: Page, a: Buffer, b: Buffer): Promise<number> {
  return page.evaluate(
    async ([x, y]) => {
      const load = async (b64: string) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, c.width, c.height).data;
      };
      const [p, q] = await Promise.all([load(x), load(y)]);
      let n = 0;
      for (let i = 0; i < p.length; i += 4)
        if (Math.abs(p[i]! - q[i]!) + Math.abs(p[i + 1]! - q[i + 1]!) + Math.abs(p[i + 2]! - q[i + 2]!) > 30) n++;
      return n;
    },
    [a.toString('base64'), b.toString('base64')] as const,
  );
}

test('a unit that moves draws its trail; the layer switch hides it; a reload draws it again', async ({
  page,
  baseURL,
}, testInfo) => {
  const units = z.object({ units: z.array(unitLive) }).parse(await (await page.request.get('/api/v1/units')).json());
  const unit = units.units.find((u) => u.id === UNIT)!;
  // The grid nearest the unit: the desk opens on it (a deep link flies there, close in).
  const grids = (await (await page.request.get('/api/v1/layers/grids.geojson')).json()) as {
    features: { properties: { code: string }; geometry: { coordinates: unknown } }[];
  };
  const points = (c: unknown): number[][] =>
    Array.isArray(c) && typeof c[0] === 'number' ? [c as number[]] : (c as unknown[]).flatMap(points);
  const centre = (f: (typeof grids.features)[number]) => {
    const ps = points(f.geometry.coordinates);
    return [ps.reduce((s, p) => s + p[0]!, 0) / ps.length, ps.reduce((s, p) => s + p[1]!, 0) / ps.length];
  };
  const dist = (p: number[]) => Math.hypot(p[0]! - unit.position[0], p[1]! - unit.position[1]);
  const grid = grids.features.reduce((a, b) => (dist(centre(a)) <= dist(centre(b)) ? a : b));
  const start = centre(grid);

  await page.goto(`/desk?grid=${grid.properties.code}`);
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  await expect(page.getByTestId('grid-card')).toBeVisible();
  await expect(page.getByTestId('trail-layer')).toHaveAttribute('data-points', '0');
  // The flight to the grid ends.
  await page.waitForTimeout(1_500);
  const map = page.getByTestId('map');
  const before = await map.screenshot();

  // The car's phone reports a drive of about 200 m across the grid, east then north.
  const car = await apiLogin(baseURL!, UNIT.replace(/^unit-/, ''));
  const drive: [number, number][] = [
    [start[0]! - 0.0012, start[1]! - 0.0006],
    [start[0]!, start[1]! - 0.0006],
    [start[0]! + 0.0008, start[1]! + 0.0008],
  ];
  for (const [lon, lat] of drive) {
    const res = await car.api.post('/api/v1/field/position', { headers: car.csrf, data: { lon, lat } });
    expect(res.status(), await res.text()).toBe(204);
    // Pushes carry each unit's newest state per tick: a moment apart, each report is its own push.
    await page.waitForTimeout(300);
  }
  await car.api.dispose();
  // Pushed: the trail runs from the first report to the newest (the middle one was within a step).
  await expect(page.getByTestId('trail-layer')).toHaveAttribute('data-points', '2');
  await page.waitForTimeout(800);
  const withTrail = await map.screenshot();
  await page.screenshot({ path: testInfo.outputPath('trail.png') });
  expect(await differingPixels(page, before, withTrail), 'pixels of the trail and the moved unit').toBeGreaterThan(150);

  await page.getByTestId('toggle-trails').click();
  await expect(page.getByTestId('trail-layer')).toHaveAttribute('data-points', '0');
  await page.waitForTimeout(800);
  const hidden = await map.screenshot();
  expect(await differingPixels(page, withTrail, hidden), 'pixels of the trail').toBeGreaterThan(100);
  await page.getByTestId('toggle-trails').click();

  await page.reload();
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  await expect(page.getByTestId('trail-layer')).toHaveAttribute('data-points', '2');
});
