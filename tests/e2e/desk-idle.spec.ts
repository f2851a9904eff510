/**
 * An idle desk draws nothing (issue 15). A new alarm in a watch circle animates the map twice, each
 * bounded: its dot pulses for PULSE_MS (10 s) after it arrives, and its zone flashes while its last
 * event is younger than FLASH_MS. The event here happened FLASH_MS − 20 s ago, so the flash outlasts
 * the pulse and then stops by itself; after both, the map draws no frame at all (MapLibre's frames,
 * counted on the map element as `data-frames`).
 */
import { expect, test, type Page } from '@playwright/test';
import { FLASH_MS } from '@shared/alarms';
import { loginAs } from './login';
import { INGEST_KEY, alarmOf, closeOpenAlarms, openDesk } from './alarm-events';

/** useAlarmLayer.ts's PULSE_MS (not imported: that would load deck.gl into the test runner). */
const PULSE_MS = 10_000;
/** How long the flash outlasts the pulse (from the event's time, so from the post). */
const FLASH_LEFT_MS = 20_000;

const frames = async (page: Page): Promise<number> => Number(await page.getByTestId('map').getAttribute('data-frames'));

/** Waits until `ms` after `t0` (Date.now()). */
const until = (page: Page, t0: number, ms: number) => page.waitForTimeout(Math.max(0, t0 + ms - Date.now()));

test('after the pulse and the flash end, an idle desk draws no frames', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await loginAs(page, 'dispatcher');
  // No earlier test's recent alarm may keep a zone flashing.
  await closeOpenAlarms(page.request);
  const circles = (await (await page.request.get('/api/v1/layers/zone-circles.geojson')).json()) as {
    features: { geometry: { type: string; coordinates: [number, number] }; properties: { kind: string } }[];
  };
  const keyPerson = circles.features.find((f) => f.properties.kind === 'key_person' && f.geometry.type === 'Point');
  expect(keyPerson, "a key person's watch circle in the demo city").toBeDefined();
  await openDesk(page);
  await expect.poll(() => frames(page)).toBeGreaterThan(0);

  const t0 = Date.now();
  const id = `e2e-idle-${t0.toString(36)}`;
  const res = await page.request.post('/api/v1/events', {
    headers: { authorization: `Bearer ${INGEST_KEY}` },
    data: {
      id,
      source: 'camera',
      type: 'stranger',
      at: new Date(t0 - FLASH_MS + FLASH_LEFT_MS).toISOString(),
      location: { lon: keyPerson!.geometry.coordinates[0], lat: keyPerson!.geometry.coordinates[1] },
    },
  });
  expect(res.status(), await res.text()).toBe(202);
  const alarm = await alarmOf(page, id);
  expect(alarm.zone, 'the alarm names its zone').not.toBeNull();
  await expect(page.locator(`[data-testid="alarm-row"][data-id="${alarm.id}"]`)).toBeVisible();

  // The pulse is over; the zone still flashes: frames keep coming.
  await until(page, t0, PULSE_MS + 2_000);
  const during = await frames(page);
  await expect.poll(() => frames(page), { timeout: FLASH_LEFT_MS - PULSE_MS - 4_000 }).toBeGreaterThan(during + 2);

  // The flash is over too: the desk settles and then draws not one frame for 5 s. A single late
  // frame (a tile or glyph arriving) may come first; a desk that keeps animating never settles.
  await until(page, t0, FLASH_LEFT_MS + 1_500);
  const windows: number[] = [];
  for (let i = 0; i < 4 && windows.at(-1) !== 0; i++) {
    const idle = await frames(page);
    await page.waitForTimeout(5_000);
    windows.push((await frames(page)) - idle);
  }
  expect(windows.at(-1), `frames drawn by an idle desk in each 5 s window: ${windows.join(', ')}`).toBe(0);
  await page.screenshot({ path: testInfo.outputPath('desk-idle.png') });
});
