/**
 * The wall heals itself (issue 17), at 3840×2160, with nobody touching it: its hub is killed
 * (SIGKILL, a crash) and started again on the same database, and the wall says discreetly that
 * its data may be stale, then is live again by itself and shows what the new boot raises; a
 * network cut of the screen does the same. This test runs its own hub so it can kill it.
 */
import { expect, test } from '@playwright/test';
import { loginAs } from './login';
import { freePort, HUB_START_MS, startHub, stopHub, waitUntilReady, type HubProcess } from './hub-process';

test.use({ viewport: { width: 3840, height: 2160 } });

const KEY = 'e2e-wall-restart-key-0123456789';
const DATA = '.e2e-data/wall-restart';
let hub: HubProcess | undefined;
test.afterEach(async () => {
  if (hub) await stopHub(hub);
});

test('a killed and restarted hub, and a cut network: the wall is live again with no touch', async ({
  page,
}, testInfo) => {
  test.setTimeout(HUB_START_MS * 2 + 120_000);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { INGEST_API_KEY: KEY, SIMULATOR: 'off', COVERAGE_SWEEP_MS: '0' };
  hub = startHub(port, DATA, 3, env);
  await waitUntilReady(base, hub);

  await loginAs(page, 'wall', base);
  await page.goto(`${base}/wall`);
  const wall = page.getByTestId('wall');
  await expect(wall).toHaveAttribute('data-connection', 'live');
  await expect(wall).toHaveAttribute('data-drawn', 'true', { timeout: 60_000 });
  await expect(page.getByTestId('wall-stale')).toHaveCount(0);

  // The hub crashes: the wall keeps its picture and says, discreetly, it may be stale.
  await stopHub(hub, 'SIGKILL');
  await expect(page.getByTestId('wall-stale')).toBeVisible({ timeout: 15_000 });
  await expect(wall).not.toHaveAttribute('data-connection', 'live');
  // Its panels stay, and the wall stays the screen's size (the ticker full of the year's alarms
  // must not widen it).
  await expect(page.locator('[data-panel="kpis"]')).toBeVisible();
  expect((await wall.boundingBox())?.width).toBe(3840);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(3840);
  await page.screenshot({ path: testInfo.outputPath('wall-hub-down.png') });

  // The same hub comes back on the same database: live again, and correct (what it raises shows).
  hub = startHub(port, DATA, 3, env);
  await waitUntilReady(base, hub);
  await expect(wall).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });
  await expect(page.getByTestId('wall-stale')).toHaveCount(0);
  await expect(page).toHaveURL(`${base}/wall`);
  const fc = (await (await page.request.get(`${base}/api/v1/layers/zone-corridors.geojson`)).json()) as {
    features: { geometry: { coordinates: [number, number][] } }[];
  };
  const [p, q] = fc.features[0]!.geometry.coordinates;
  const id = `wall-restart-${Date.now()}`;
  const res = await page.request.post(`${base}/api/v1/events`, {
    headers: { authorization: `Bearer ${KEY}` },
    data: {
      id,
      source: 'fence',
      type: 'fence_intrusion',
      at: new Date().toISOString(),
      location: { lon: (p![0] + q![0]) / 2, lat: (p![1] + q![1]) / 2 },
    },
  });
  expect(res.status(), await res.text()).toBe(202);
  await expect(wall).not.toHaveAttribute('data-stage', '', { timeout: 15_000 });
  await expect(page.getByTestId('wall-ticker-item').first()).toBeVisible();

  // The screen's network is cut for a while, then back: stale, then live again by itself.
  await page.context().setOffline(true);
  await expect(page.getByTestId('wall-stale')).toBeVisible({ timeout: 15_000 });
  await page.waitForTimeout(10_000);
  await page.context().setOffline(false);
  await expect(wall).toHaveAttribute('data-connection', 'live', { timeout: 30_000 });
  await expect(page.getByTestId('wall-stale')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('wall-back-live.png') });
});
