/**
 * The desk's live map in a real browser (small demo city): every layer draws and goes when
 * toggled off, search flies to a grid and opens its card, a click on a camera opens its card,
 * the language switch, the basemap fallback, and no request leaving the machine.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { loginAs } from './login';

const HUB = new URL(process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8091');

/** Every request the page makes must stay on the hub (data:/blob: URLs are local by nature). */
function watchForeignRequests(page: Page): string[] {
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.host !== HUB.host) foreign.push(r.url());
  });
  return foreign;
}

// Every screen needs a session: a city-wide dispatcher's, put in the browser context's cookie jar.
test.beforeEach(async ({ page }) => {
  await loginAs(page, 'dispatcher');
});

async function openDesk(page: Page, path = '/desk'): Promise<void> {
  await page.goto(path);
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  // Let MapLibre and deck.gl settle after the first full frame.
  await page.waitForTimeout(800);
}

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
      for (let i = 0; i < p.length; i += 4) {
        if (Math.abs(p[i]! - q[i]!) + Math.abs(p[i + 1]! - q[i + 1]!) + Math.abs(p[i + 2]! - q[i + 2]!) > 30) n++;
      }
      return n;
    },
    [a.toString('base64'), b.toString('base64')] as const,
  );
}

async function toggle(page: Page, id: string): Promise<void> {
  await page.getByTestId(`toggle-${id}`).click();
  await page.waitForTimeout(600);
}

async function shot(map: Locator): Promise<Buffer> {
  return map.screenshot();
}

test("every layer draws, and a toggled-off layer's pixels go", async ({ page }, testInfo) => {
  const foreign = watchForeignRequests(page);
  await openDesk(page);
  const map = page.getByTestId('map');
  const all = await shot(map);
  await page.screenshot({ path: testInfo.outputPath('desk.png') });

  for (const id of ['cameras', 'grids', 'regions', 'zones', 'railway', 'smartCommunities', 'facilities', 'units']) {
    await toggle(page, id);
    const without = await shot(map);
    const gone = await differingPixels(page, all, without);
    expect(gone, `pixels of layer ${id}`).toBeGreaterThan(150);
    await toggle(page, id);
  }
  // Back to everything: the same picture as before.
  expect(await differingPixels(page, all, await shot(map))).toBeLessThan(2_000);
  expect(foreign).toEqual([]);
});

test('search flies to a grid and opens its card; an unknown term finds nothing', async ({ page }, testInfo) => {
  const foreign = watchForeignRequests(page);
  const grids = (await (await page.request.get('/api/v1/layers/grids.geojson')).json()) as {
    features: { properties: { code: string; name: string } }[];
  };
  const target = grids.features[Math.floor(grids.features.length / 2)]!.properties;
  await openDesk(page);

  const input = page.getByTestId('search-input').locator('input');
  await input.fill(target.code);
  await expect(page.getByTestId('search-hit').first()).toContainText(target.name);
  await page.getByTestId('search-hit').first().click();
  const card = page.getByTestId('grid-card');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('grid-card-code')).toHaveText(target.code);
  await expect(page.getByTestId('grid-card-path')).toContainText('›');
  await expect(page).toHaveURL(new RegExp(`grid=${target.code}`));
  await page.waitForTimeout(1_500);
  await page.screenshot({ path: testInfo.outputPath('grid-card.png') });

  await input.fill('没有这个地方 xyz');
  await expect(page.getByTestId('search-nothing')).toBeVisible();
  expect(foreign).toEqual([]);
});

test('a click on a camera opens its card', async ({ page }) => {
  const cams = (await (await page.request.get('/api/v1/layers/cameras.geojson')).json()) as {
    features: { properties: { id: string; status: string } }[];
  };
  const cam = cams.features.find((f) => f.properties.status === 'online')!.properties;
  // The deep link centres the map on the camera at street zoom; close its card, then click the
  // camera where it is drawn: the map's centre.
  await openDesk(page, `/desk?camera=${cam.id}`);
  const card = page.getByTestId('camera-card');
  await expect(card).toBeVisible();
  await page.waitForTimeout(1_000); // let the map settle after the jump
  await page.getByTestId('camera-card-close').click();
  await expect(card).toHaveCount(0);
  await expect(page).not.toHaveURL(/camera=/);
  const box = (await page.getByTestId('map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(card).toBeVisible();
  // The camera drawn at that pixel: the linked one, or a neighbour drawn over it (a run's click
  // found another district's camera on the same spot). The link names the card's camera.
  const opened = await card.getAttribute('data-camera-id');
  expect(opened).toMatch(/^\d{20}$/);
  await expect(page).toHaveURL(new RegExp(`camera=${opened}`));
});

test('a deep link holds while the map is up before the linked layer has arrived', async ({ page }) => {
  const cams = (await (await page.request.get('/api/v1/layers/cameras.geojson')).json()) as {
    features: { properties: { id: string } }[];
  };
  const id = cams.features[0]!.properties.id;
  // Hold the cameras back (the layer worker's request included) so the map is drawn first.
  await page.context().route(/\/api\/v1\/layers\/cameras$/, async (route) => {
    await new Promise((r) => setTimeout(r, 2_500));
    await route.continue();
  });
  await page.goto(`/desk?camera=${id}`);
  await expect(page.getByTestId('camera-card')).toBeVisible({ timeout: 45_000 });
  await expect(page).toHaveURL(new RegExp(`camera=${id}`));
});

test('the desk speaks English when asked', async ({ page }) => {
  await openDesk(page);
  await expect(page.getByTestId('layer-panel')).toContainText('图层');
  await page.getByTestId('locale-switch').click();
  await expect(page.getByTestId('layer-panel')).toContainText('Layers');
  await expect(page.getByTestId('search-input').locator('input')).toHaveAttribute('placeholder', /Search camera/);
  await page.getByTestId('locale-switch').click();
});

test('a map style that fails falls back to the built-in basemap with a notice', async ({ page }) => {
  const foreign = watchForeignRequests(page);
  await page.route('**/api/v1/map/config', async (route) => {
    const res = await route.fetch();
    const cfg = (await res.json()) as Record<string, unknown>;
    await route.fulfill({ response: res, json: { ...cfg, styleUrl: '/no-such-style.json' } });
  });
  await openDesk(page);
  await expect(page.getByTestId('map-notice')).toBeVisible();
  await expect(page.getByTestId('map-notice')).toContainText('内置离线底图');
  expect(foreign).toEqual([]);
});

test('a basemap that fails to load is tried again with backoff, and comes back without a reload', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  let failing = true;
  let tries = 0;
  await page.route('**/api/v1/basemap/style.json', async (route) => {
    tries++;
    if (failing) await route.fulfill({ status: 503, body: 'busy' });
    else await route.continue();
  });
  await openDesk(page);
  const map = page.getByTestId('map');
  const notice = page.getByTestId('map-notice');
  await expect(notice).toContainText('底图加载失败');
  await expect(map).toHaveAttribute('data-basemap', 'none');
  // Tried again, without the page asking: the first try and at least two more.
  await expect.poll(() => tries, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  await page.evaluate(() => ((window as unknown as { sameDocument?: boolean }).sameDocument = true));
  const before = await shot(map);

  failing = false;
  // The next try (at most 30 s away) loads it: the basemap is drawn and the notice goes.
  await expect(map).toHaveAttribute('data-basemap', 'built-in', { timeout: 40_000 });
  await expect(notice).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await page.waitForTimeout(1_500);
  const after = await shot(map);
  expect(await differingPixels(page, before, after), 'pixels the basemap changed').toBeGreaterThan(5_000);
  await page.screenshot({ path: testInfo.outputPath('basemap-back.png') });
  // Our layers are still drawn, over the new basemap, not under it: the grids' fill covers most of the map.
  await toggle(page, 'grids');
  expect(await differingPixels(page, after, await shot(map)), 'pixels of the grid layer').toBeGreaterThan(50_000);
});
