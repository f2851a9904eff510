/**
 * The camera card in a real browser, through the desk's deep link /desk?camera=<id> on the small
 * demo city: real HLS and HTTP-FLV streams served by the hub play (the video's clock advances), a
 * broken stream URL and a camera with no stream say so plainly without hanging the page, and a
 * click on a nearby camera switches the card.
 */
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { loginAs } from './login';

interface CameraProps {
  id: string;
  name: string;
  kind: string;
  status: string;
  streamUrl: string | null;
}

const BROKEN_URL = '/streams/demo/missing/index.m3u8';
const PLAYABLE_HLS = /^\/streams\/demo\/cam-\d\/index\.m3u8$/;
const PLAYABLE_FLV = /^\/streams\/demo\/cam-\d\.flv$/;

async function fetchCameras(request: APIRequestContext): Promise<CameraProps[]> {
  const res = await request.get('/api/v1/layers/cameras.geojson');
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { features: { properties: CameraProps }[] };
  return body.features.map((f) => f.properties);
}

function pick(cameras: CameraProps[], what: string, pred: (c: CameraProps) => boolean): CameraProps {
  const c = cameras.find(pred);
  if (!c) throw new Error(`the small demo city has no ${what}`);
  return c;
}

/** Uncaught page errors only: a broken stream may legitimately log a failed request. */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

// Every screen needs a session: a city-wide dispatcher's, put in the browser context's cookie jar.
test.beforeEach(async ({ page }) => {
  await loginAs(page, 'dispatcher');
});

async function openCard(page: Page, id: string): Promise<Locator> {
  await page.goto(`/desk?camera=${id}`);
  const card = page.getByTestId('camera-card');
  // The desk loads the city's layers first (software WebGL here): allow for it once.
  await expect(card).toBeVisible({ timeout: 45_000 });
  await expect(card).toHaveAttribute('data-camera-id', id);
  return card;
}

const videoTime = (card: Locator) => card.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.currentTime);

test('an online HLS camera: the card shows its facts and the live video plays', async ({ page }, testInfo) => {
  const errors = collectPageErrors(page);
  const cam = pick(
    await fetchCameras(page.request),
    'online HLS camera',
    (c) => c.status === 'online' && PLAYABLE_HLS.test(c.streamUrl ?? ''),
  );
  const card = await openCard(page, cam.id);

  await expect(card.getByTestId('camera-id')).toHaveText(cam.id);
  await expect(card.getByTestId('camera-name')).toHaveText(cam.name);
  await expect(card.getByTestId('camera-status')).toHaveAttribute('data-status', 'online');
  await expect(card.getByTestId('camera-status')).toHaveText('在线');
  await expect(card.getByTestId('camera-kind')).toHaveAttribute('data-kind', cam.kind);
  // district › street › community › grid
  await expect(card.getByTestId('camera-region')).toContainText('›');
  await expect(card.getByTestId('camera-heading')).toContainText('°');
  await expect(card.getByTestId('camera-position')).toContainText('经度');

  // Really playing: the media clock moves past one second (not just a spinner or a poster).
  await expect.poll(() => videoTime(card), { timeout: 20_000 }).toBeGreaterThan(1);
  await expect(card.getByTestId('camera-video-box')).toHaveAttribute('data-state', 'playing');
  await expect(card.getByTestId('camera-video-message')).toHaveCount(0);
  await card.screenshot({ path: testInfo.outputPath('camera-card-hls.png') });
  expect(errors).toEqual([]);
});

test('an HTTP-FLV camera plays through mpegts.js', async ({ page }) => {
  const errors = collectPageErrors(page);
  const cam = pick(
    await fetchCameras(page.request),
    'online FLV camera',
    (c) => c.status === 'online' && PLAYABLE_FLV.test(c.streamUrl ?? ''),
  );
  const card = await openCard(page, cam.id);
  await expect.poll(() => videoTime(card), { timeout: 20_000 }).toBeGreaterThan(1);
  await expect(card.getByTestId('camera-video-box')).toHaveAttribute('data-state', 'playing');
  expect(errors).toEqual([]);
});

test('a broken stream URL is named within 15 s and the page stays responsive', async ({ page }, testInfo) => {
  const errors = collectPageErrors(page);
  const cam = pick(
    await fetchCameras(page.request),
    'camera with the broken URL',
    (c) => c.status === 'online' && c.streamUrl === BROKEN_URL,
  );
  const card = await openCard(page, cam.id);

  const message = card.getByTestId('camera-video-message');
  await expect(message).toBeVisible({ timeout: 15_000 });
  await expect(message).toContainText(BROKEN_URL);
  await expect(card.getByTestId('camera-video-box')).toHaveAttribute('data-state', 'error');
  await expect(card.getByTestId('camera-video-retry')).toBeVisible();
  await expect(card.getByTestId('camera-video-loading')).toHaveCount(0);
  await card.screenshot({ path: testInfo.outputPath('camera-card-broken.png') });

  // Responsive: the main thread answers at once, and the card still switches to another camera.
  const t0 = Date.now();
  await page.evaluate(() => document.title);
  expect(Date.now() - t0).toBeLessThan(1_000);
  const next = card.getByTestId('nearby-camera').first();
  const nextId = await next.getAttribute('data-id');
  await next.click();
  await expect(card).toHaveAttribute('data-camera-id', nextId ?? '');
  expect(errors).toEqual([]);
});

test('a camera not connected to the video platform says so and loads nothing', async ({ page }) => {
  const errors = collectPageErrors(page);
  const cam = pick(await fetchCameras(page.request), 'camera without a stream', (c) => c.streamUrl === null);
  const streamRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/streams/')) streamRequests.push(r.url());
  });
  const card = await openCard(page, cam.id);
  await expect(card.getByTestId('camera-video-message')).toHaveText('该摄像机未接入视频平台');
  await expect(card.getByTestId('camera-video-box')).toHaveAttribute('data-state', 'no-stream');
  expect(await card.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.currentSrc)).toBe('');
  expect(streamRequests).toEqual([]);
  expect(errors).toEqual([]);
});

test('an offline camera says so instead of waiting for a stream', async ({ page }) => {
  const cam = pick(
    await fetchCameras(page.request),
    'offline camera with a stream',
    (c) => c.status === 'offline' && c.streamUrl !== null,
  );
  const card = await openCard(page, cam.id);
  await expect(card.getByTestId('camera-status')).toHaveAttribute('data-status', 'offline');
  await expect(card.getByTestId('camera-video-message')).toHaveText('摄像机离线，暂无实时画面');
  await expect(card.getByTestId('camera-video-box')).toHaveAttribute('data-state', 'offline');
});

test('clicking a nearby camera switches the card to it, and its video plays', async ({ page }) => {
  const errors = collectPageErrors(page);
  const cameras = await fetchCameras(page.request);
  const byId = new Map(cameras.map((c) => [c.id, c]));
  const cam = pick(cameras, 'online HLS camera', (c) => c.status === 'online' && PLAYABLE_HLS.test(c.streamUrl ?? ''));
  const card = await openCard(page, cam.id);

  const items = card.getByTestId('nearby-camera');
  await expect(items.first()).toBeVisible();
  expect(await items.count()).toBeGreaterThan(1);
  // Nearest first: distances (in metres) never decrease down the list.
  const distances = (await items.allTextContents()).map(
    (t) => Number(/([\d.]+)\s*(米|公里)/.exec(t)?.[1] ?? NaN) * (t.includes('公里') ? 1000 : 1),
  );
  expect(distances.every((d, i) => Number.isFinite(d) && (i === 0 || d >= distances[i - 1]!))).toBe(true);

  // Click the nearest neighbour that plays, so the switch is also a switch of players.
  const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  const target =
    ids.find(
      (id) => byId.get(id)?.status === 'online' && /^\/streams\/demo\/cam-/.test(byId.get(id)?.streamUrl ?? ''),
    ) ?? ids[0]!;
  await card.locator(`[data-testid="nearby-camera"][data-id="${target}"]`).click();
  await expect(card).toHaveAttribute('data-camera-id', target);
  await expect(card.getByTestId('camera-id')).toHaveText(target);
  await expect(card.getByTestId('camera-name')).toHaveText(byId.get(target)!.name);
  if (byId.get(target)?.status === 'online') {
    await expect.poll(() => videoTime(card), { timeout: 20_000 }).toBeGreaterThan(1);
  }
  expect(errors).toEqual([]);
});
