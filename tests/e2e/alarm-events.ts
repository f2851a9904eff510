/**
 * Raising alarms for browser tests through the hub's public events API, and finding them again:
 * fence intrusions on the demo city's railway corridors (each corridor its own zone, so repeats at
 * one fold into its open alarm), and clearing every open alarm first so that a test's zones are
 * free of earlier tests' alarms (they would fold, flash, or pop up).
 */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { alarmSyncReply, type AlarmView } from '@shared/alarms';
import { CSRF_HEADER, sessionInfo } from '@shared/auth';

/** The e2e hub's ingest key (playwright.config.ts: INGEST_API_KEY). */
export const INGEST_KEY = 'e2e-ingest-key-0123456789';
const run = Date.now().toString(36);
let seq = 0;

/**
 * A point inside each railway fence corridor: the middle of its line (its ends are shared with the
 * next corridor, so an event there could fall in either zone).
 */
export async function fencePoints(page: Page): Promise<[number, number][]> {
  const fc = (await (await page.request.get('/api/v1/layers/zone-corridors.geojson')).json()) as {
    features: { geometry: { coordinates: [number, number][] } }[];
  };
  return fc.features.map(({ geometry: { coordinates: c } }) => {
    const i = Math.floor((c.length - 1) / 2);
    const [p, q] = [c[i]!, c[i + 1] ?? c[i]!];
    return [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
  });
}

/** Presses a hospital's or school's one-key alarm button (the event names the device); returns its event id. */
export async function pressOneKeyButton(page: Page, nth = 0): Promise<string> {
  const fc = (await (await page.request.get('/api/v1/layers/facilities.geojson')).json()) as {
    features: { properties: { id: string; kind: string } }[];
  };
  const buttons = fc.features.filter((f) => f.properties.kind === 'hospital' || f.properties.kind === 'school');
  expect(buttons.length, 'hospitals or schools in the demo city').toBeGreaterThan(nth);
  const id = `e2e-button-${run}-${++seq}`;
  const res = await page.request.post('/api/v1/events', {
    headers: { authorization: `Bearer ${INGEST_KEY}` },
    data: {
      id,
      source: 'alarm_button',
      type: 'one_key_alarm',
      at: new Date().toISOString(),
      deviceId: buttons[nth]!.properties.id,
    },
  });
  expect(res.status(), await res.text()).toBe(202);
  return id;
}

/** Posts a fence intrusion at `at` (now, unless `when` says otherwise); returns its event id. */
export async function postFenceIntrusion(page: Page, at: [number, number], when = new Date()): Promise<string> {
  const id = `e2e-fence-${run}-${++seq}`;
  const res = await page.request.post('/api/v1/events', {
    headers: { authorization: `Bearer ${INGEST_KEY}` },
    data: {
      id,
      source: 'fence',
      type: 'fence_intrusion',
      at: when.toISOString(),
      location: { lon: at[0], lat: at[1] },
    },
  });
  expect(res.status(), await res.text()).toBe(202);
  return id;
}

/** The open alarms the signed-in user sees. */
async function openAlarms(request: APIRequestContext): Promise<AlarmView[]> {
  return alarmSyncReply.parse(await (await request.get('/api/v1/alarms')).json()).alarms;
}

/** The alarm an event raised (its first event), as the hub lists it to this page's user. */
export async function alarmOf(page: Page, eventId: string): Promise<AlarmView> {
  let found: AlarmView | undefined;
  await expect
    .poll(async () => {
      found = (await openAlarms(page.request)).find((a) => a.event.id === eventId);
      return !!found;
    })
    .toBe(true);
  return found!;
}

/** Marks every open alarm false, as a signed-in user who may handle alarms. */
export async function closeOpenAlarms(request: APIRequestContext): Promise<void> {
  const csrf = sessionInfo.parse(await (await request.get('/api/v1/auth/session')).json()).csrfToken;
  for (const a of await openAlarms(request)) {
    if (a.status !== 'new' && a.status !== 'acknowledged') continue;
    const res = await request.post(`/api/v1/alarms/${encodeURIComponent(a.id)}/actions`, {
      headers: { [CSRF_HEADER]: csrf },
      data: { action: 'false_alarm' },
    });
    // 409: someone (the expiry sweep) closed it in between.
    expect([200, 409], await res.text()).toContain(res.status());
  }
}

/** Opens the desk and waits until it is drawn, live, with its queue. */
export async function openDesk(page: Page, path = '/desk'): Promise<void> {
  await page.goto(path);
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('alarm-queue')).toBeVisible();
}
