import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { worldSummary, type WorldSummary } from '@shared/api';
import { loginAs } from './login';

/** The figure on screen as a plain integer, whatever digit grouping the locale uses. */
function digits(text: string | null): number {
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

async function fetchSummary(request: APIRequestContext): Promise<WorldSummary> {
  const res = await request.get('/api/v1/world/summary');
  expect(res.status()).toBe(200);
  return worldSummary.parse(await res.json());
}

// Every screen needs a session: a city-wide dispatcher's, put in the browser context's cookie jar.
test.beforeEach(async ({ page }) => {
  await loginAs(page, 'dispatcher');
});

/** Fails the test on any uncaught page error or console error (CSP violations, failed parses, ...). */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

test('the overview shows the city, goes live, and every figure matches the API', async ({ page }, testInfo) => {
  const errors = collectPageErrors(page);
  const summary = await fetchSummary(page.request);

  await page.goto('/overview');

  const title = page.getByTestId('app-title');
  await expect(title).toHaveText(`${summary.city.name} 社会治理指挥中心`);
  await expect(page).toHaveTitle(`${summary.city.name} 社会治理指挥中心`);

  const conn = page.getByTestId('connection-state');
  await expect(conn).toHaveAttribute('data-state', 'live');
  await expect(conn).toHaveText('实时');
  await expect(page.getByTestId('readiness-notice')).toHaveCount(0);
  await expect(page.getByTestId('world-error')).toHaveCount(0);

  const cameras = page.getByTestId('stat-cameras');
  expect(digits(await cameras.getByTestId('stat-value').textContent())).toBe(summary.counts.cameras);
  await expect(cameras.getByTestId('stat-sub')).toContainText(summary.counts.camerasOnline.toLocaleString('en-US'));

  const expected: [string, number][] = [
    ['grids', summary.counts.regions.grid],
    ['communities', summary.counts.regions.community],
    ['streets', summary.counts.regions.street],
    ['districts', summary.counts.regions.district],
    ['zones', summary.counts.zones],
    ['smartCommunities', summary.counts.smartCommunities],
    ['facilities', summary.counts.facilities],
    ['units', summary.counts.units],
    ['speakers', summary.counts.speakers],
  ];
  for (const [key, value] of expected) {
    expect(digits(await page.getByTestId(`stat-${key}`).getByTestId('stat-value').textContent()), key).toBe(value);
  }

  const rows = page.getByTestId('district-row');
  expect(summary.districts.length).toBeGreaterThan(0);
  await expect(rows).toHaveCount(summary.districts.length);
  for (const d of summary.districts) {
    const row = page.locator(`[data-testid="district-row"][data-code="${d.code}"]`);
    await expect(row).toContainText(d.name);
    await expect(row).toContainText(d.cameras.toLocaleString('en-US'));
  }

  await page.screenshot({ path: testInfo.outputPath('overview.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('when the network drops and comes back the indicator goes reconnecting → live', async ({ page, context }) => {
  const errors = collectPageErrors(page);
  await page.goto('/overview');
  const conn = page.getByTestId('connection-state');
  await expect(conn).toHaveAttribute('data-state', 'live');
  const cameras = page.getByTestId('stat-cameras').getByTestId('stat-value');
  const before = await cameras.textContent();

  // The browser reports the network gone; Socket.IO closes its transport and starts retrying.
  await context.setOffline(true);
  await expect(conn).toHaveAttribute('data-state', 'reconnecting');
  await expect(conn).toHaveText('重新连接中');
  // The last figures stay on screen while the link is down.
  await expect(cameras).toHaveText(before ?? '');

  await context.setOffline(false);
  await expect(conn).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect(conn).toHaveText('实时');
  await expect(cameras).toHaveText(before ?? '');
  // Chromium logs the refused WebSocket attempts while offline; those are the point of the test.
  expect(errors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
});

test('an unknown path lands on the desk, and the screen switches to English and back', async ({ page }, testInfo) => {
  const summary = await fetchSummary(page.request);
  await page.goto('/no/such/screen');
  await expect(page).toHaveURL(/\/desk$/);
  await page.getByTestId('nav-overview').click();
  await expect(page).toHaveURL(/\/overview$/);
  const title = page.getByTestId('app-title');
  await expect(title).toHaveText(`${summary.city.name} 社会治理指挥中心`);

  await page.getByTestId('locale-switch').click();
  await expect(title).toHaveText(`${summary.city.name} Social Governance Command Centre`);
  await expect(page.getByTestId('connection-state')).toHaveText('Live');
  await expect(page.getByTestId('stat-cameras')).toContainText('Cameras');
  const lines = summary.counts.railways;
  await expect(page.getByTestId('stat-speakers').getByTestId('stat-sub')).toHaveText(
    `${lines} railway line${lines === 1 ? '' : 's'}`,
  );
  await page.screenshot({ path: testInfo.outputPath('overview-en.png'), fullPage: true });

  // The choice survives a reload (a wall PC keeps its language).
  await page.reload();
  await expect(title).toHaveText(`${summary.city.name} Social Governance Command Centre`);
  await page.getByTestId('locale-switch').click();
  await expect(title).toHaveText(`${summary.city.name} 社会治理指挥中心`);
});
