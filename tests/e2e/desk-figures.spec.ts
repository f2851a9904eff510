/**
 * The figures on the desk's map (issue 16). Incident heat over time: nothing is fetched until the
 * layer is switched on; then the points load, the layer draws (pixels change), the slider's
 * sub-window moves the GPU filter and plays. The grid fill by the hub's figures (open incidents):
 * fetched when chosen, drawn, with its legend in the screen's language.
 */
import { expect, test, type Page } from '@playwright/test';
import { apiLogin, loginAs } from './login';

/** Incidents of today around the city's centre (the small demo city may have none this week). */
async function seedIncidents(baseURL: string): Promise<void> {
  const { api, csrf } = await apiLogin(baseURL, 'dispatcher');
  const summary = (await (await api.get('/api/v1/world/summary')).json()) as { bbox: [number, number, number, number] };
  const [w, s, e, n] = summary.bbox;
  const cx = (w + e) / 2,
    cy = (s + n) / 2;
  for (let i = 0; i < 40; i++) {
    const res = await api.post('/api/v1/incidents', {
      headers: csrf,
      data: {
        category: 'noise',
        priority: 1 + (i % 4),
        title: `e2e heat #${i}`,
        location: { lon: cx + 0.004 * Math.cos(i), lat: cy + 0.003 * Math.sin(i * 1.7) },
      },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
  await api.dispose();
}

let seeded = false;
test.beforeEach(async ({ page, baseURL }) => {
  if (!seeded) await seedIncidents(baseURL!);
  seeded = true;
  await loginAs(page, 'dispatcher');
});

async function openDesk(page: Page): Promise<void> {
  await page.goto('/desk');
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  await page.waitForTimeout(800);
}

test('the heat layer loads when switched on, draws, and its slider moves and plays', async ({ page }, testInfo) => {
  const heatRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/stats/heat')) heatRequests.push(r.url());
  });
  await openDesk(page);
  expect(heatRequests, 'nothing loads before the layer is on').toEqual([]);
  const map = page.getByTestId('map');
  // The other layers would hide the heat: take them away to see it alone.
  for (const id of ['grids', 'cameras', 'zones', 'railway', 'smartCommunities', 'facilities', 'units'])
    await page.getByTestId(`toggle-${id}`).click();
  await page.waitForTimeout(800);
  const before = await map.screenshot();

  await page.getByTestId('toggle-heat').click();
  const layer = page.getByTestId('heat-layer');
  await expect(layer).toHaveAttribute('data-loaded', 'true', { timeout: 20_000 });
  await expect.poll(async () => Number(await layer.getAttribute('data-count'))).toBeGreaterThan(10);
  expect(heatRequests.length).toBe(1);
  expect(heatRequests[0]).toContain('period=7d');
  await page.waitForTimeout(1500);
  const whole = await map.screenshot({ path: testInfo.outputPath('heat-whole.png') });
  expect(whole.equals(before), 'the heat draws').toBe(false);

  // A sliding day: the filter range follows the slider.
  await page.getByTestId('heat-sliding').click();
  await expect(layer).toHaveAttribute('data-range', /^0,1439\.5$/);
  const slider = page.getByTestId('heat-slider');
  const box = (await slider.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
  await expect(layer).not.toHaveAttribute('data-range', /^0,/);
  const moved = (await layer.getAttribute('data-range'))!;
  await expect(page.getByTestId('heat-window')).toContainText('至');
  await page.waitForTimeout(1000);
  await map.screenshot({ path: testInfo.outputPath('heat-day.png') });

  // Play: the range steps on by itself.
  await page.getByTestId('heat-play').click();
  await expect.poll(() => layer.getAttribute('data-range'), { timeout: 5000 }).not.toBe(moved);
  await page.getByTestId('heat-play').click();

  // A longer window loads once more.
  await page.getByTestId('heat-period').click();
  await page.getByText('近 30 天').click();
  await expect.poll(() => heatRequests.length).toBe(2);
  expect(heatRequests[1]).toContain('period=30d');
});

test('the grid fill shows open incidents per grid, with its legend', async ({ page }, testInfo) => {
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/stats/grid-measure')) requests.push(r.url());
  });
  await openDesk(page);
  expect(requests, 'camera density needs no request').toEqual([]);
  const map = page.getByTestId('map');
  const density = await map.screenshot();
  await page.getByTestId('grid-measure').click();
  await page.getByText('未办结事件（件）').click();
  await expect.poll(() => requests.length).toBe(1);
  expect(requests[0]).toContain('measure=open');
  await expect(page.getByTestId('legend-grid-title')).toHaveText('未办结事件（件）');
  await expect(page.getByTestId('legend-grid-ramp').locator('span').first()).toHaveText('≥ 0');
  await page.waitForTimeout(1200);
  const open = await map.screenshot({ path: testInfo.outputPath('grid-open.png') });
  expect(open.equals(density), 'the fill changed').toBe(false);

  // A category this month asks for the month and the category.
  await page.getByTestId('grid-measure').click();
  await page.getByText('某类事件本月数量（件）').click();
  await expect.poll(() => requests.length).toBe(2);
  expect(requests[1]).toMatch(/measure=category&month=\d{4}-\d{2}&category=public_order/);
  await expect(page.getByTestId('grid-measure-category')).toBeVisible();

  // In English.
  await page.getByTestId('locale-switch').click();
  await expect(page.getByTestId('grid-measure')).toContainText('One category this month');
  await page.getByTestId('locale-switch').click();
});
