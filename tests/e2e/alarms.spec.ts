/**
 * Alarms on the desk in a real browser: a fence intrusion posted through the events API shows in
 * the queue (priority 1) and as a popup within a second, and is drawn on the map; a second screen
 * (the commander) sees the dispatcher's acknowledgement without reloading; a viewer sees the queue
 * but no buttons to handle alarms; a one-key alarm names the units it proposes by callsign.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { loginAs } from './login';
import { setFoldMinutes } from './rules';
import { alarmOf, fencePoints, openDesk, postFenceIntrusion, pressOneKeyButton } from './alarm-events';

async function deskAs(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, user);
  await openDesk(page);
  return page;
}

// One alarm per event here: flood control off for the rules these tests post to (tests/e2e/rules.ts).
// eslint-disable-next-line no-empty-pattern -- Playwright's form for a hook that needs only testInfo
test.beforeAll(async ({}, testInfo) =>
  setFoldMinutes(testInfo.project.use.baseURL!, ['fence-intrusion', 'one-key-alarm'], 0),
);

test('a fence intrusion reaches the queue, a popup and the map within a second', async ({ page }, testInfo) => {
  await loginAs(page, 'dispatcher');
  await openDesk(page);
  const [at] = await fencePoints(page);
  const layer = page.getByTestId('alarm-layer');
  const before = Number(await layer.getAttribute('data-count'));

  // Timed in the page: when the first new row appears (no polling delay of the test runner).
  await page.evaluate(() => {
    const w = window as unknown as { alarmRowAt?: number };
    const seen = new Set(
      [...document.querySelectorAll('[data-testid="alarm-row"]')].map((e) => e.getAttribute('data-id')),
    );
    new MutationObserver((_, obs) => {
      const fresh = [...document.querySelectorAll('[data-testid="alarm-row"]')].some(
        (e) => !seen.has(e.getAttribute('data-id')),
      );
      if (fresh) {
        w.alarmRowAt = Date.now();
        obs.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  const t0 = Date.now();
  const eventId = await postFenceIntrusion(page, at!);
  const alarm = await alarmOf(page, eventId);

  const row = page.locator(`[data-testid="alarm-row"][data-id="${alarm.id}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-priority', '1');
  await expect(row).toHaveAttribute('data-status', 'new');
  const ms = (await page.evaluate(() => (window as unknown as { alarmRowAt?: number }).alarmRowAt ?? NaN)) - t0;
  expect(ms, 'POST → row on screen (ms)').toBeLessThan(1_000);
  testInfo.annotations.push({ type: 'latency', description: `POST → queue row: ${ms} ms` });

  const popup = page.locator(`[data-testid="alarm-popup"][data-id="${alarm.id}"]`);
  await expect(popup).toBeVisible();
  await expect(layer).toHaveAttribute('data-count', String(before + 1));
  await expect(page.getByTestId('alarm-count-1')).not.toHaveText('0');

  await page.waitForTimeout(600);
  await page.screenshot({ path: testInfo.outputPath('desk-alarm.png') });

  // A click on the row selects it and opens its first camera's card.
  await row.click();
  await expect(row).toHaveClass(/row--selected/);
  await expect(page.getByTestId('camera-card')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`camera=${alarm.cameraIds[0]}`));
  await page.waitForTimeout(2_500);
  await page.screenshot({ path: testInfo.outputPath('desk-alarm-selected.png') });
});

test('an acknowledgement on one desk shows on another without a reload', async ({ browser }) => {
  const dispatcher = await deskAs(browser, 'dispatcher');
  const commander = await deskAs(browser, 'commander');
  const eventId = await postFenceIntrusion(dispatcher, (await fencePoints(dispatcher))[0]!);
  const alarm = await alarmOf(dispatcher, eventId);
  const rowOf = (p: Page) => p.locator(`[data-testid="alarm-row"][data-id="${alarm.id}"]`);
  await expect(rowOf(dispatcher)).toHaveAttribute('data-status', 'new');
  await expect(rowOf(commander)).toHaveAttribute('data-status', 'new');
  await expect(commander.locator(`[data-testid="alarm-popup"][data-id="${alarm.id}"]`)).toBeVisible();

  await rowOf(dispatcher).getByTestId('alarm-ack').click();
  await expect(rowOf(dispatcher)).toHaveAttribute('data-status', 'acknowledged');
  await expect(rowOf(commander)).toHaveAttribute('data-status', 'acknowledged');
  // Acknowledged: it can still be marked false, no longer acknowledged again.
  await expect(rowOf(commander).getByTestId('alarm-ack')).toHaveCount(0);
  await expect(rowOf(commander).getByTestId('alarm-false')).toBeVisible();
  await dispatcher.context().close();
  await commander.context().close();
});

test('a viewer sees the queue but cannot handle alarms', async ({ browser }) => {
  const viewer = await deskAs(browser, 'viewer');
  const eventId = await postFenceIntrusion(viewer, (await fencePoints(viewer))[0]!);
  const alarm = await alarmOf(viewer, eventId);
  const row = viewer.locator(`[data-testid="alarm-row"][data-id="${alarm.id}"]`);
  await expect(row).toBeVisible();
  await expect(viewer.getByTestId('alarm-row').first()).toBeVisible();
  await expect(viewer.getByTestId('alarm-ack')).toHaveCount(0);
  await expect(viewer.getByTestId('alarm-false')).toHaveCount(0);
  await viewer.context().close();
});

test('a one-key alarm from a hospital or school names its proposed units in the popup and the queue', async ({
  page,
}, testInfo) => {
  await loginAs(page, 'dispatcher');
  await openDesk(page);
  const alarm = await alarmOf(page, await pressOneKeyButton(page));
  expect(alarm.rule.id).toBe('one-key-alarm');
  expect(alarm.unitIds.length).toBeGreaterThan(0);
  const units = (await (await page.request.get('/api/v1/layers/units.geojson')).json()) as {
    features: { properties: { id: string; callsign: string } }[];
  };
  const callsigns = alarm.unitIds.map((id) => units.features.find((f) => f.properties.id === id)?.properties.callsign);
  expect(callsigns.every(Boolean), 'the desk knows every proposed unit').toBe(true);

  const popupUnits = page
    .locator(`[data-testid="alarm-popup"][data-id="${alarm.id}"]`)
    .getByTestId('alarm-popup-units');
  const rowUnits = page.locator(`[data-testid="alarm-row"][data-id="${alarm.id}"]`).getByTestId('alarm-units');
  for (const shown of [popupUnits, rowUnits]) {
    await expect(shown).toHaveAttribute('data-count', String(alarm.unitIds.length));
    for (const c of callsigns) await expect(shown).toContainText(c!);
  }
  // The popup slides in from the right edge: on screen, not just in the DOM.
  await expect(popupUnits).toBeInViewport({ ratio: 1 });
  await page.screenshot({ path: testInfo.outputPath('desk-one-key-units.png') });
});
