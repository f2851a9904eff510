/**
 * A camera's picture on the screens (issue 18): a Hikvision camera registered by an admin posts a
 * line crossing with its JPEG the way it does (multipart to the ISAPI path, from its own address,
 * with no session). On the desk the dispatcher's popup and, once selected, the queue row show the
 * picture, loaded from the hub, and the incident made of the alarm starts with it as its photo. On
 * the wall, a priority-1 camera alarm takes the stage with the picture as its first tile.
 * Screenshots of the popup and the stage.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, request as playwrightRequest, test, type Locator, type Page } from '@playwright/test';
import { alarmSyncReply } from '@shared/alarms';
import { deviceEndpointView, type DeviceEndpointView } from '@shared/devices';
import { apiLogin, loginAs } from './login';
import { alarmOf, closeOpenAlarms, openDesk } from './alarm-events';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'isapi');
const RULE = 'camera-perimeter';

/** A camera in the signed-in user's scope (the cameras layer holds what they may see). */
async function aCameraId(page: Page): Promise<string> {
  const res = await page.request.get('/api/v1/layers/cameras.geojson');
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { features: { properties: { id: string } }[] };
  return body.features[Math.floor(body.features.length / 2)]!.properties.id;
}

/**
 * Registers this machine's address as an ISAPI camera on `camera` (channel 1) as the admin, runs
 * `body` with it, and removes it again; `rule` changes the camera rule for the while (restored).
 */
async function withCamera(
  baseURL: string,
  camera: string,
  rule: { priority?: number; foldMinutes?: number },
  body: (endpoint: DeviceEndpointView) => Promise<void>,
): Promise<void> {
  const admin = await apiLogin(baseURL, 'admin');
  const { rules } = (await (await admin.api.get('/api/v1/rules')).json()) as { rules: { id: string }[] };
  const before = rules.find((r) => r.id === RULE)!;
  const putRule = async (r: object) => {
    const res = await admin.api.put(`/api/v1/rules/${RULE}`, { headers: admin.csrf, data: r });
    expect(res.status(), await res.text()).toBe(200);
  };
  const created = await admin.api.post('/api/v1/admin/devices', {
    headers: admin.csrf,
    data: {
      kind: 'isapi',
      name: 'e2e 东门枪机',
      scope: admin.session.user.scope,
      isapi: { address: '127.0.0.1', channels: { '1': camera } },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const endpoint = deviceEndpointView.parse(await created.json());
  try {
    if (Object.keys(rule).length) await putRule({ ...before, ...rule });
    await body(endpoint);
  } finally {
    if (Object.keys(rule).length) await putRule(before);
    const gone = await admin.api.delete(`/api/v1/admin/devices/${endpoint.id}`, { headers: admin.csrf });
    expect(gone.status()).toBe(204);
    await admin.api.dispose();
  }
}

/** The camera posts a line crossing with its picture, now; returns the hub's event id for it. */
async function postLineCrossing(baseURL: string, endpoint: DeviceEndpointView): Promise<string> {
  const at = `${new Date().toISOString().slice(0, 19)}+00:00`;
  const xml = (await readFile(join(FIXTURES, 'linedetection-hikvision.xml'), 'utf8')).replace(
    /<dateTime>[^<]*<\/dateTime>/,
    `<dateTime>${at}</dateTime>`,
  );
  const jpeg = await readFile(join(FIXTURES, 'tiny.jpg'));
  // The camera: no session, no cookie, only its address.
  const cameraHttp = await playwrightRequest.newContext({ baseURL });
  try {
    const sent = await cameraHttp.post('/api/v1/devices/isapi', {
      multipart: {
        linedetection: { name: 'alert.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) },
        linedetectionImage: { name: 'picture.jpg', mimeType: 'image/jpeg', buffer: jpeg },
      },
    });
    expect(sent.status(), await sent.text()).toBe(200);
  } finally {
    await cameraHttp.dispose();
  }
  // The hub's event id: the endpoint, the channel, the code and the device's second.
  return `isapi:${endpoint.id}:1:linedetection:${Math.floor(Date.parse(at) / 1000)}`;
}

/** Loaded from the hub (same origin, the signed-in session), not a broken image. */
async function expectLoaded(img: Locator): Promise<void> {
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
}

test('a camera’s picture shows on its alarm’s popup and row, and becomes the incident’s photo', async ({
  page,
}, testInfo) => {
  await loginAs(page, 'dispatcher');
  await closeOpenAlarms(page.request);
  const baseURL = testInfo.project.use.baseURL!;
  await withCamera(baseURL, await aCameraId(page), {}, async (endpoint) => {
    await openDesk(page);
    const eventId = await postLineCrossing(baseURL, endpoint);
    const alarm = await alarmOf(page, eventId);
    expect(alarm.media).toHaveLength(1);

    const popup = page.locator(`[data-testid="alarm-popup"][data-id="${alarm.id}"]`);
    await expect(popup).toBeVisible();
    await expectLoaded(popup.getByTestId('alarm-media-picture'));
    await popup.screenshot({ path: testInfo.outputPath('alarm-popup-picture.png') });

    const row = page.locator(`[data-testid="alarm-row"][data-id="${alarm.id}"]`);
    await expect(row.getByTestId('alarm-media-picture')).toHaveCount(0);
    await row.click();
    await expect(row.getByTestId('alarm-media-picture')).toBeVisible();

    await popup.getByTestId('alarm-popup-make-incident').click();
    let incidentId: string | null = null;
    await expect
      .poll(async () => {
        // Made an incident, it leaves the open alarms: what changed since it was raised has it.
        const res = await page.request.get(`/api/v1/alarms?since=${alarm.rev}`);
        const changed = alarmSyncReply.parse(await res.json()).alarms.find((a) => a.id === alarm.id);
        incidentId = changed?.incidentId ?? null;
        return incidentId;
      })
      .not.toBeNull();
    const detail = (await (await page.request.get(`/api/v1/incidents/${incidentId}`)).json()) as {
      incident: { photoIds: string[] };
    };
    expect(detail.incident.photoIds).toEqual([alarm.media[0]!.url.split('/').pop()]);
  });
});

test('a priority-1 camera alarm takes the wall’s stage with its picture first', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const baseURL = testInfo.project.use.baseURL!;
  const { api } = await apiLogin(baseURL, 'dispatcher');
  await closeOpenAlarms(api);
  await api.dispose();
  await loginAs(page, 'wall');
  const camera = await aCameraId(page);
  await withCamera(baseURL, camera, { priority: 1, foldMinutes: 0 }, async (endpoint) => {
    await page.goto('/wall');
    const wall = page.getByTestId('wall');
    await expect(wall).toHaveAttribute('data-connection', 'live');
    await expect(wall).toHaveAttribute('data-drawn', 'true', { timeout: 60_000 });
    const alarm = await alarmOf(page, await postLineCrossing(baseURL, endpoint));
    expect(alarm.priority).toBe(1);
    await expect(wall).toHaveAttribute('data-stage', alarm.id, { timeout: 10_000 });
    const tile = page.getByTestId('wall-stage-picture');
    await expectLoaded(tile.locator('img'));
    // The picture is the first tile; the cameras near it fill the rest (four in all).
    const tiles = page.getByTestId('wall-stage').locator('.stage__tiles > *');
    await expect(tiles.first()).toHaveAttribute('data-testid', 'wall-stage-picture');
    expect(await tiles.count()).toBe(1 + Math.min(3, alarm.cameraIds.length));
    await page.getByTestId('wall-stage').screenshot({ path: testInfo.outputPath('wall-stage-picture.png') });
  });
});
