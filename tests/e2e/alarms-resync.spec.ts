/**
 * A desk that loses its link catches up on what it missed (ARCHITECTURE.md: every pushed change
 * carries a rev; a screen that reconnects asks for what it missed). The page goes offline for about
 * five seconds while alarms are raised; the indicator says it is reconnecting and the queue does not
 * have them; back online it goes resyncing → live and the queue holds each of them exactly once.
 *
 * `context.setOffline(true)` is enough to cut the open WebSocket: Chromium fires the window's
 * 'offline' event and Socket.IO's client closes its transport on it (for any host but "localhost",
 * which is why playwright.config.ts uses 127.0.0.1), and new connections fail until it is back.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { alarmSyncReply, type AlarmView } from '@shared/alarms';
import { apiLogin, loginAs } from './login';
import { setFoldMinutes } from './rules';

/** The e2e hub's ingest key (playwright.config.ts: INGEST_API_KEY). */
const INGEST_KEY = 'e2e-ingest-key-0123456789';
const OFFLINE_MS = 5_000;
const run = Date.now().toString(36);

type Feature<P> = { geometry: { coordinates: [number, number] | [number, number][] }; properties: P };

async function geojson<P>(page: Page, layer: string): Promise<Feature<P>[]> {
  const res = await page.request.get(`/api/v1/layers/${layer}.geojson`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { features: Feature<P>[] }).features;
}

/** Posts events through the ingest API (a device's key, not the page: it works while the page is offline). */
async function postEvents(request: APIRequestContext, events: object[]): Promise<void> {
  const res = await request.post('/api/v1/events', {
    headers: { authorization: `Bearer ${INGEST_KEY}` },
    data: { events },
  });
  expect(res.status(), await res.text()).toBe(202);
}

/** The open alarms the hub lists to `api`'s user that these events raised (waits for all of them). */
async function alarmsOf(api: APIRequestContext, eventIds: readonly string[]): Promise<AlarmView[]> {
  let found: AlarmView[] = [];
  await expect
    .poll(async () => {
      const reply = alarmSyncReply.parse(await (await api.get('/api/v1/alarms')).json());
      found = reply.alarms.filter((a) => eventIds.includes(a.event.id));
      return new Set(found.map((a) => a.event.id)).size;
    })
    .toBe(eventIds.length);
  return found;
}

/** Every connection state the indicator shows, in order, recorded in the page (a brief 'resyncing' included). */
async function recordConnectionStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="connection-state"]')!;
    const w = window as unknown as { connStates: string[] };
    w.connStates = [el.getAttribute('data-state') ?? ''];
    new MutationObserver(() => {
      const s = el.getAttribute('data-state') ?? '';
      if (w.connStates[w.connStates.length - 1] !== s) w.connStates.push(s);
    }).observe(el, { attributes: true, attributeFilter: ['data-state'] });
  });
}

const rowIds = (page: Page) =>
  page.getByTestId('alarm-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));

// One alarm per event here: flood control off for the rules these tests post to (tests/e2e/rules.ts).
// eslint-disable-next-line no-empty-pattern -- Playwright's form for a hook that needs only testInfo
test.beforeAll(async ({}, testInfo) =>
  setFoldMinutes(testInfo.project.use.baseURL!, ['fence-intrusion', 'one-key-alarm'], 0),
);

test('a desk offline for a few seconds catches up on the alarms it missed, each once, and goes live again', async ({
  page,
  context,
  request,
  baseURL,
}, testInfo) => {
  const { api } = await apiLogin(baseURL!, 'dispatcher');
  await loginAs(page, 'dispatcher');
  await page.goto('/desk');
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  const conn = page.getByTestId('connection-state');
  await expect(conn).toHaveAttribute('data-state', 'live');
  await expect(conn).toHaveText('实时');
  await expect(page.getByTestId('alarm-queue')).toBeVisible();

  // Where alarms can be raised: railway fence corridors, and a hospital's or school's alarm button.
  const fences = (await geojson<object>(page, 'zone-corridors')).map(
    (f) => (f.geometry.coordinates as [number, number][])[0]!,
  );
  const button = (await geojson<{ id: string; kind: string }>(page, 'facilities')).find(
    (f) => f.properties.kind === 'hospital' || f.properties.kind === 'school',
  );
  expect(fences.length).toBeGreaterThan(0);
  expect(button, 'a hospital or school in the demo city').toBeDefined();

  const before = new Set(await rowIds(page));
  const layer = page.getByTestId('alarm-layer');
  const layerBefore = Number(await layer.getAttribute('data-count'));
  await recordConnectionStates(page);

  // Offline: the socket drops and the indicator says so.
  await context.setOffline(true);
  const offlineAt = Date.now();
  await expect(conn).toHaveAttribute('data-state', 'reconnecting', { timeout: 5_000 });
  await expect(conn).toHaveText('重新连接中');

  // Alarms raised while the desk is away: three fence intrusions (in two posts) and a one-key alarm.
  const now = () => new Date().toISOString();
  const fence = (n: number) => {
    const at = fences[n % fences.length]!;
    return {
      id: `e2e-resync-${run}-fence-${n}`,
      source: 'fence',
      type: 'fence_intrusion',
      at: now(),
      location: { lon: at[0], lat: at[1] },
    };
  };
  const oneKey = {
    id: `e2e-resync-${run}-button`,
    source: 'alarm_button',
    type: 'one_key_alarm',
    at: now(),
    deviceId: button!.properties.id,
  };
  await postEvents(request, [fence(1), fence(2)]);
  await page.waitForTimeout(1_000);
  await postEvents(request, [oneKey, fence(3)]);
  const eventIds = [fence(1).id, fence(2).id, oneKey.id, fence(3).id];
  const missed = await alarmsOf(api, eventIds);
  const missedIds = missed.map((a) => a.id);
  expect(missed.length).toBeGreaterThanOrEqual(eventIds.length);

  // Still away: the hub has them, this screen does not.
  await page.waitForTimeout(Math.max(0, OFFLINE_MS - (Date.now() - offlineAt)));
  await expect(conn).toHaveAttribute('data-state', 'reconnecting');
  for (const id of missedIds) await expect(page.locator(`[data-testid="alarm-row"][data-id="${id}"]`)).toHaveCount(0);

  // Back online: reconnect, resync, live.
  await context.setOffline(false);
  await expect(conn).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect(conn).toHaveText('实时');
  const states = await page.evaluate(() => (window as unknown as { connStates: string[] }).connStates);
  expect(states.slice(states.indexOf('reconnecting')), `states seen: ${states.join(' → ')}`).toEqual([
    'reconnecting',
    'resyncing',
    'live',
  ]);

  // Exactly what was missed, once each: no gap, no duplicate, nothing else.
  await expect.poll(() => rowIds(page)).toHaveLength(before.size + missedIds.length);
  const after = await rowIds(page);
  expect(new Set(after).size, 'no alarm listed twice').toBe(after.length);
  expect([...after].sort()).toEqual([...before, ...missedIds].sort());
  for (const id of missedIds) await expect(page.locator(`[data-testid="alarm-row"][data-id="${id}"]`)).toHaveCount(1);
  await expect(layer).toHaveAttribute('data-count', String(layerBefore + missedIds.length));

  // The one-key alarm proposes units, and its row names them.
  const buttonAlarm = missed.find((a) => a.event.id === oneKey.id)!;
  expect(buttonAlarm.unitIds.length).toBeGreaterThan(0);
  await expect(
    page.locator(`[data-testid="alarm-row"][data-id="${buttonAlarm.id}"]`).getByTestId('alarm-units'),
  ).toHaveAttribute('data-count', String(buttonAlarm.unitIds.length));

  // Still live a moment later (no reconnect loop), and nothing arrived twice meanwhile.
  await page.waitForTimeout(1_000);
  await expect(conn).toHaveAttribute('data-state', 'live');
  expect((await rowIds(page)).length).toBe(after.length);
  await page.screenshot({ path: testInfo.outputPath('desk-after-resync.png') });
  await api.dispose();
});
