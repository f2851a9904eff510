/**
 * A camera's picture on the desk (issue 18): a Hikvision camera registered by an admin posts a line
 * crossing with its JPEG the way it does (multipart to the ISAPI path, from its own address); the
 * dispatcher's popup and, once selected, the queue row show the picture, loaded from the hub, and
 * the incident made of the alarm starts with it as its photo. Screenshot of the popup.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { alarmSyncReply } from '@shared/alarms';
import { deviceEndpointView } from '@shared/devices';
import { apiLogin, loginAs } from './login';
import { alarmOf, closeOpenAlarms, openDesk } from './alarm-events';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'isapi');

/** A camera in the dispatcher's scope (the cameras layer holds what the signed-in user may see). */
async function aCameraId(page: Page): Promise<string> {
  const res = await page.request.get('/api/v1/layers/cameras.geojson');
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { features: { properties: { id: string } }[] };
  return body.features[Math.floor(body.features.length / 2)]!.properties.id;
}

test('a camera’s picture shows on its alarm’s popup and row, and becomes the incident’s photo', async ({
  page,
}, testInfo) => {
  await loginAs(page, 'dispatcher');
  await closeOpenAlarms(page.request);
  const camera = await aCameraId(page);
  const admin = await apiLogin(testInfo.project.use.baseURL!, 'admin');
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
    await openDesk(page);
    const at = `${new Date().toISOString().slice(0, 19)}+00:00`;
    const xml = (await readFile(join(FIXTURES, 'linedetection-hikvision.xml'), 'utf8')).replace(
      /<dateTime>[^<]*<\/dateTime>/,
      `<dateTime>${at}</dateTime>`,
    );
    const jpeg = await readFile(join(FIXTURES, 'tiny.jpg'));
    // The camera: no session, no cookie, only its address.
    const cameraHttp = await playwrightRequest.newContext({ baseURL: testInfo.project.use.baseURL! });
    const sent = await cameraHttp.post('/api/v1/devices/isapi', {
      multipart: {
        linedetection: { name: 'alert.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) },
        linedetectionImage: { name: 'picture.jpg', mimeType: 'image/jpeg', buffer: jpeg },
      },
    });
    expect(sent.status(), await sent.text()).toBe(200);
    await cameraHttp.dispose();

    // The hub's event id: the endpoint, the channel, the code and the device's second.
    const eventId = `isapi:${endpoint.id}:1:linedetection:${Math.floor(Date.parse(at) / 1000)}`;
    const alarm = await alarmOf(page, eventId);
    expect(alarm.media).toHaveLength(1);

    const popup = page.locator(`[data-testid="alarm-popup"][data-id="${alarm.id}"]`);
    await expect(popup).toBeVisible();
    const picture = popup.getByTestId('alarm-media-picture');
    await expect(picture).toBeVisible();
    // Loaded from the hub (same origin, the dispatcher's session), not a broken image.
    await expect
      .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
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
  } finally {
    const gone = await admin.api.delete(`/api/v1/admin/devices/${endpoint.id}`, { headers: admin.csrf });
    expect(gone.status()).toBe(204);
    await admin.api.dispose();
  }
});
