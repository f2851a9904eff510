/**
 * The desk's alarm popups in a real browser (issue 15): a folded repeat updates its popup ("×N")
 * instead of adding one; a popup the dispatcher closed does not come back for its repeats; a
 * handled alarm's popup goes; at most three show, newest first, the rest counted on the queue
 * (whose click shows the new alarms there); and popups wait while cards leave the map no room,
 * never covering a card or the map's zoom buttons.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { FOLD_MINUTES_DEFAULT } from '@shared/rules';
import { loginAs } from './login';
import { setFoldMinutes } from './rules';
import { alarmOf, closeOpenAlarms, fencePoints, openDesk, postFenceIntrusion, pressOneKeyButton } from './alarm-events';

const popupOf = (page: Page, id: string) => page.locator(`[data-testid="alarm-popup"][data-id="${id}"]`);
const rowOf = (page: Page, id: string) => page.locator(`[data-testid="alarm-row"][data-id="${id}"]`);
/** The ids of the popups on screen, top to bottom. */
const shownIds = (page: Page) =>
  page.getByTestId('alarm-popup').evaluateAll((els) =>
    els
      .filter((e) => getComputedStyle(e).visibility === 'visible')
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((e) => e.getAttribute('data-id')),
  );

async function box(l: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await l.boundingBox();
  expect(b).not.toBeNull();
  return b!;
}
const overlap = (a: Awaited<ReturnType<typeof box>>, b: Awaited<ReturnType<typeof box>>) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

// Flood control on, as by default, for the rules posted to here (other specs turn it off: tests/e2e/rules.ts).
// eslint-disable-next-line no-empty-pattern -- Playwright's form for a hook that needs only testInfo
test.beforeAll(async ({}, testInfo) =>
  setFoldMinutes(testInfo.project.use.baseURL!, ['fence-intrusion', 'one-key-alarm'], FOLD_MINUTES_DEFAULT),
);

test.beforeEach(async ({ page }) => {
  await loginAs(page, 'dispatcher');
  // Earlier tests' open alarms would fold these tests' repeats into themselves.
  await closeOpenAlarms(page.request);
});

test('a repeat updates its popup in place; closed, it stays closed; handled, it goes', async ({ page }, testInfo) => {
  await openDesk(page);
  const [p0, p1] = await fencePoints(page);
  const a = await alarmOf(page, await postFenceIntrusion(page, p0!));
  const popup = popupOf(page, a.id);
  await expect(popup).toBeVisible();
  await expect(popup).toHaveAttribute('data-count', '1');

  // The same rule in the same zone again: folded by the hub into the same alarm and popup.
  await postFenceIntrusion(page, p0!);
  await expect(popup).toHaveAttribute('data-count', '2');
  await expect(popup.getByTestId('alarm-popup-count')).toHaveText('×2');
  await expect(popup.getByTestId('alarm-popup-times')).toContainText('首次');
  await expect(page.getByTestId('alarm-popup')).toHaveCount(1);
  await expect(rowOf(page, a.id).getByTestId('alarm-row-count')).toHaveText('×2');
  await expect(rowOf(page, a.id).getByTestId('alarm-row-times')).toContainText('最近');
  await page.screenshot({ path: testInfo.outputPath('popup-folded.png') });

  // Closed by the dispatcher: the next repeat counts in the queue, and no popup comes back.
  await popup.getByTestId('alarm-popup-close').click();
  await expect(popup).toHaveCount(0);
  await postFenceIntrusion(page, p0!);
  await expect(rowOf(page, a.id).getByTestId('alarm-row-count')).toHaveText('×3');
  await expect(popup).toHaveCount(0);

  // Another alarm, acknowledged in the queue: its popup goes.
  const b = await alarmOf(page, await postFenceIntrusion(page, p1!));
  await expect(popupOf(page, b.id)).toBeVisible();
  await rowOf(page, b.id).getByTestId('alarm-ack').click();
  await expect(rowOf(page, b.id)).toHaveAttribute('data-status', 'acknowledged');
  await expect(popupOf(page, b.id)).toHaveCount(0);
});

test('at most three popups, newest first; the rest are counted on the queue', async ({ page }, testInfo) => {
  await openDesk(page);
  // Four alarms in four places: the three fence corridors, and a one-key alarm button.
  const raise = [
    ...(await fencePoints(page)).slice(0, 3).map((p) => () => postFenceIntrusion(page, p)),
    () => pressOneKeyButton(page),
  ];
  expect(raise.length).toBe(4);
  const ids: string[] = [];
  for (const post of raise) {
    const a = await alarmOf(page, await post());
    ids.push(a.id);
    await expect(rowOf(page, a.id)).toBeVisible();
  }
  expect(new Set(ids).size, 'four alarms, none folded into another').toBe(4);
  await expect.poll(() => shownIds(page)).toEqual([ids[3], ids[2], ids[1]]);
  const more = page.getByTestId('alarm-popup-more');
  await expect(more).toHaveAttribute('data-count', '1');
  await page.screenshot({ path: testInfo.outputPath('popups-three.png') });

  // The count opens the queue on the new alarms; the waiting one no longer pops up.
  await page.getByTestId('desk-tab-incidents').click();
  await more.click();
  await expect(page.getByTestId('alarm-queue')).toBeVisible();
  await expect(more).toHaveCount(0);
  const statuses = await page.getByTestId('alarm-row').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  expect(statuses.length).toBeGreaterThanOrEqual(4);
  expect(new Set(statuses)).toEqual(new Set(['new']));
  await popupOf(page, ids[3]!).getByTestId('alarm-popup-close').click();
  await expect.poll(() => shownIds(page)).toEqual([ids[2], ids[1]]);
});

test('popups wait while cards leave the map no room, and never cover a card or the zoom buttons', async ({
  page,
}, testInfo) => {
  const cams = (await (await page.request.get('/api/v1/layers/cameras.geojson')).json()) as {
    features: { properties: { id: string } }[];
  };
  // A camera's card open on the right (1280 px wide: the map keeps 600 px).
  await openDesk(page, `/desk?camera=${cams.features[0]!.properties.id}`);
  await expect(page.getByTestId('camera-card')).toBeVisible();
  const points = await fencePoints(page);
  const a = await alarmOf(page, await postFenceIntrusion(page, points[0]!));
  const popup = popupOf(page, a.id);
  await expect(popup).toBeVisible();
  const card = page.locator('.desk__card');
  expect(overlap(await box(popup), await box(card)), 'popup over the camera card').toBe(false);

  // Its incident's panel opens left of the map too: no room for a popup is left.
  await popup.getByTestId('alarm-popup-make-incident').click();
  await expect(page.getByTestId('incident-detail')).toBeVisible();
  const b = await alarmOf(page, await postFenceIntrusion(page, points[1]!));
  await expect(rowOf(page, b.id)).toHaveCount(0); // the incidents tab is showing
  await expect(page.getByTestId('alarm-popup-more')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('alarm-popups')).toHaveAttribute('data-shown', '0');
  await expect(popupOf(page, b.id)).toBeHidden();
  await page.screenshot({ path: testInfo.outputPath('popups-held.png') });

  // The panel and the card close: the waiting popup shows, clear of the zoom buttons.
  await page.getByTestId('incident-detail-close').click();
  await page.getByTestId('camera-card-close').click();
  await expect(popupOf(page, b.id)).toBeVisible();
  await expect(page.getByTestId('alarm-popup-more')).toHaveCount(0);
  const zoomIn = page.locator('.maplibregl-ctrl-zoom-in');
  expect(overlap(await box(popupOf(page, b.id)), await box(zoomIn))).toBe(false);
  // Clickable: Playwright checks that nothing covers it.
  await zoomIn.click({ trial: true });
  await page.screenshot({ path: testInfo.outputPath('popups-back.png') });
});
