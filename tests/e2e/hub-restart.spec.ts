/**
 * A screen left open must survive a hub restart on its own: the indicator goes reconnecting → live,
 * the session (kept in the hub's database) still holds, and the world is reloaded from the new hub
 * (a new bootId), not kept from the old one. A hub on another database does not know the session:
 * the screen goes to the sign-in page by itself, and after signing in shows that hub's city.
 * This test runs its own hub process so it can stop and start it.
 */
import { expect, test } from '@playwright/test';
import { worldSummary, type WorldSummary } from '@shared/api';
import { DEMO_PASSWORD, loginAs } from './login';
import { freePort, HUB_START_MS, startHub, stopHub, waitUntilReady, type HubProcess } from './hub-process';

async function waitReady(base: string, hub: HubProcess): Promise<WorldSummary> {
  await waitUntilReady(base, hub);
  return summaryOf(base);
}

/** The city as a city-wide account sees it (the summary needs a session). */
async function summaryOf(base: string): Promise<WorldSummary> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'viewer', password: DEMO_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`sign-in at ${base}: HTTP ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return worldSummary.parse(await (await fetch(`${base}/api/v1/world/summary`, { headers: { cookie } })).json());
}

let hub: HubProcess | undefined;
test.afterEach(async () => {
  if (hub) await stopHub(hub);
});

test('after a hub restart the screen reconnects and reloads the world; a hub that lost the session sends it to sign in', async ({
  page,
}) => {
  test.setTimeout(HUB_START_MS * 3 + 60_000);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  hub = startHub(port, '.e2e-data/restart-1', 1);
  const first = await waitReady(base, hub);

  const summaryLoads: string[] = [];
  page.on('requestfinished', (r) => {
    if (r.url().endsWith('/api/v1/world/summary')) summaryLoads.push(r.url());
  });
  await loginAs(page, 'dispatcher', base);
  await page.goto(`${base}/overview`);
  const conn = page.getByTestId('connection-state');
  const cameras = page.getByTestId('stat-cameras').getByTestId('stat-value');
  await expect(conn).toHaveAttribute('data-state', 'live');
  await expect(cameras).toHaveText(first.counts.cameras.toLocaleString('en-US'));
  const loadsBefore = summaryLoads.length;

  // Stop the hub: the screen keeps its figures and says it is reconnecting.
  await stopHub(hub);
  await expect(conn).toHaveAttribute('data-state', 'reconnecting');
  await expect(cameras).toHaveText(first.counts.cameras.toLocaleString('en-US'));

  // The same hub comes back (same database): the session holds, the screen goes live by itself
  // and reloads the world from the new boot.
  hub = startHub(port, '.e2e-data/restart-1', 1);
  await waitReady(base, hub);
  await expect(conn).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect.poll(() => summaryLoads.length, { timeout: 20_000 }).toBeGreaterThan(loadsBefore);
  await expect(page).toHaveURL(`${base}/overview`);
  await expect(cameras).toHaveText(first.counts.cameras.toLocaleString('en-US'));

  // A new hub on the same address with another database and another demo city: it does not know
  // the session, so the screen goes to the sign-in page by itself, and signing in shows the new city.
  await stopHub(hub);
  await expect(conn).toHaveAttribute('data-state', 'reconnecting');
  hub = startHub(port, '.e2e-data/restart-2', 2);
  const second = await waitReady(base, hub);
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 20_000 }).toBe('/login');
  expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ reason: 'expired', next: '/overview' });
  await page.getByTestId('login-username').locator('input').fill('dispatcher');
  await page.getByTestId('login-password').locator('input').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(`${base}/overview`);
  await expect(conn).toHaveAttribute('data-state', 'live');
  await expect(cameras).toHaveText(second.counts.cameras.toLocaleString('en-US'));
  await expect(page.getByTestId('district-row')).toHaveCount(second.districts.length);
});
