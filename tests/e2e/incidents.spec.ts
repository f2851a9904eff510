/**
 * The closed loop in real browsers (issue 6): a citizen reports on /report (GPS) → a dispatcher
 * sees it live on the desk → accepts and dispatches the nearest police officer from the proposal →
 * the officer's phone (/field) accepts, arrives, resolves → the grid worker's phone verifies → the
 * citizen rates on the status page → closed. A second screen (the commander's desk) sees every step
 * arrive without a reload.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiLogin, loginAs } from './login';

const WORKER = 'unit-grid_worker-0001';
const OFFICER = 'unit-police-0001';

async function openDesk(page: Page): Promise<void> {
  await page.goto('/desk');
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await page.getByTestId('desk-tab-incidents').click();
}

async function deskAs(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await loginAs(page, user);
  await openDesk(page);
  // Citizens' reports only: earlier specs leave dozens of urgent incidents above a level-3 report,
  // and the list draws only the rows in view.
  await page.getByTestId('incident-filter-source').click();
  await page.locator('.n-base-select-option', { hasText: '群众上报' }).click();
  return page;
}

/** A phone-sized context; with a GPS position when given. */
async function phone(browser: Browser, at?: [number, number]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    ...(at ? { geolocation: { longitude: at[0], latitude: at[1], accuracy: 10 }, permissions: ['geolocation'] } : {}),
  });
  return { context, page: await context.newPage() };
}

test('a citizen report goes round the whole loop, live on a second desk', async ({ browser, baseURL }, testInfo) => {
  test.setTimeout(180_000);
  // Where: next to grid worker 0001 (inside their grid, so they verify it).
  const { api: admin } = await apiLogin(baseURL!, 'dispatcher');
  const units = (await (await admin.get('/api/v1/layers/units.geojson')).json()) as {
    features: { properties: { id: string }; geometry: { coordinates: [number, number] } }[];
  };
  const worker = units.features.find((f) => f.properties.id === WORKER)!;
  expect(worker).toBeDefined();
  const spot: [number, number] = [worker.geometry.coordinates[0] + 0.0002, worker.geometry.coordinates[1] + 0.0002];
  await admin.dispose();
  // The officer's phone reports a position 40 m away, so they are among the nearest units.
  const officerApi = await apiLogin(baseURL!, 'police-0001');
  expect(
    (
      await officerApi.api.post('/api/v1/field/position', {
        headers: officerApi.csrf,
        data: { lon: spot[0] + 0.0004, lat: spot[1] },
      })
    ).status(),
  ).toBe(204);

  const deskA = await deskAs(browser, 'dispatcher');
  const deskB = await deskAs(browser, 'commander');

  // 1. The citizen reports (no account), with the phone's GPS position.
  const citizen = await phone(browser, spot);
  await citizen.page.goto('/report');
  await citizen.page.getByTestId('category-select').click();
  await citizen.page.keyboard.type('噪音');
  await citizen.page.locator('.n-base-select-option', { hasText: '噪音扰民' }).click();
  await citizen.page.getByTestId('report-description').locator('textarea').fill('楼下商铺音响深夜外放，已持续两小时');
  await citizen.page.getByTestId('location-gps').click();
  await expect(citizen.page.getByTestId('location-value')).not.toBeEmpty();
  await citizen.page.getByTestId('report-submit').click();
  const trackingCode = (await citizen.page.getByTestId('tracking-code').innerText()).trim();
  expect(trackingCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await citizen.page.screenshot({ path: testInfo.outputPath('citizen-reported.png') });

  // 2. Both desks see it at once.
  const rowA = deskA
    .locator('[data-testid="incident-row"][data-status="reported"]')
    .filter({ hasText: '噪音' })
    .first();
  await expect(rowA).toBeVisible({ timeout: 10_000 });
  const id = (await rowA.getAttribute('data-id'))!;
  const rowB = deskB.locator(`[data-testid="incident-row"][data-id="${id}"]`);
  await expect(rowB).toHaveAttribute('data-status', 'reported');

  // 3. The dispatcher accepts it and dispatches the officer from the proposal.
  await rowA.click();
  const detail = deskA.getByTestId('incident-detail');
  await expect(detail).toBeVisible();
  await detail.locator('[data-testid="incident-action"][data-action="accept"]').click();
  await expect(rowB).toHaveAttribute('data-status', 'accepted');
  const officerRow = detail.locator(`[data-testid="proposal-unit"][data-unit="${OFFICER}"]`);
  await expect(officerRow).toBeVisible();
  await officerRow.locator('.n-checkbox').click();
  await detail.locator('[data-testid="incident-action"][data-action="dispatch"]').click();
  await expect(rowB).toHaveAttribute('data-status', 'dispatched');
  await deskA.screenshot({ path: testInfo.outputPath('desk-dispatched.png') });

  // 4. The officer's phone: accept, arrive, resolve.
  const officer = await phone(browser);
  await loginAs(officer.page, 'police-0001');
  await officer.page.goto('/field');
  const task = officer.page.getByTestId('field-assignment').first();
  await expect(task).toBeVisible();
  for (const [action, status] of [
    ['unit_accept', 'unit_accepted'],
    ['arrive', 'on_scene'],
    ['resolve', 'resolved'],
  ] as const) {
    await task.getByTestId(`field-action-${action}`).click();
    if (action === 'resolve') {
      await officer.page.getByTestId('field-note-input').locator('textarea').fill('已劝导商铺关闭音响');
      await officer.page.getByTestId('field-note-submit').click();
    }
    await expect(rowB).toHaveAttribute('data-status', status, { timeout: 10_000 });
  }
  await officer.page.screenshot({ path: testInfo.outputPath('field-resolved.png') });

  // 5. The grid worker's phone verifies (网格验收).
  const gw = await phone(browser);
  await loginAs(gw.page, 'grid_worker-0001');
  await gw.page.goto('/field');
  const check = gw.page
    .getByTestId('field-assignment')
    .filter({ has: gw.page.getByTestId('field-action-verify') })
    .first();
  await check.getByTestId('field-action-verify').click();
  await expect(rowB).toHaveAttribute('data-status', 'verified', { timeout: 10_000 });

  // 6. The citizen rates on the status page; the loop closes and leaves the open lists.
  await citizen.page.goto(`/report/${trackingCode}`);
  await citizen.page.getByTestId('rating-stars').locator('.n-rate__item').nth(4).click();
  await citizen.page.getByTestId('rating-comment').locator('textarea').fill('处理及时，谢谢');
  await citizen.page.getByTestId('rating-submit').click();
  await expect(citizen.page.getByTestId('rating-given')).toBeVisible();
  await citizen.page.screenshot({ path: testInfo.outputPath('citizen-rated.png') });
  await expect(rowB).toHaveCount(0, { timeout: 10_000 });

  // The whole timeline, as the dispatcher's detail shows it.
  const { api } = await apiLogin(baseURL!, 'dispatcher');
  const d = (await (await api.get(`/api/v1/incidents/${id}`)).json()) as {
    incident: { status: string; rating: { score: number } };
    timeline: { action: string }[];
  };
  expect(d.incident.status).toBe('closed');
  expect(d.incident.rating.score).toBe(5);
  expect(d.timeline.map((t) => t.action)).toEqual([
    'report',
    'accept',
    'dispatch',
    'unit_accept',
    'arrive',
    'resolve',
    'verify',
    'rate',
    'close',
  ]);
  await deskB.screenshot({ path: testInfo.outputPath('desk-b-after.png') });
  await api.dispose();
  await officerApi.api.dispose();
});
