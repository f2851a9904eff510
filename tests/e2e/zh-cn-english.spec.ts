/**
 * No English left on the zh-CN screens (issue 15). One browser context visits every page as each
 * role would (signed in once per role): sign-in, the citizen's report and status pages, the desk
 * with its alarm queue and a popup, an incident the hub made from a priority-1 alarm (its timeline
 * with the hub's notes, the dispatch proposal, nearby video), the camera card, a dispute with its
 * risk factors, the grid card, the incident list and the new-incident dialog, the overview, the
 * analysis page (figures, grid analysis, a grid's card), the QR sheet, TOTP setup, every admin tab
 * and the field phone with an assignment. On each, the visible text is scanned for Latin words that
 * are neither data nor an allowed term (english-scan.ts).
 */
import { writeFileSync } from 'node:fs';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { alarmSyncReply } from '@shared/alarms';
import { citizenReportReply, incidentDetail } from '@shared/incidents';
import { describeFindings, findEnglish, type VisibleText } from './english-scan';
import { apiLogin, loginAs } from './login';
import { visibleTexts } from './visible-text';
import { eventPlaces, planAround } from './major-events';

/** The e2e hub's ingest key (playwright.config.ts: INGEST_API_KEY). */
const INGEST_KEY = 'e2e-ingest-key-0123456789';
/** No other spec dispatches this officer. */
const OFFICER = 'unit-police-0002';
// Digits only: a run tag of letters alone reads as an English word to this very scan.
const run = String(Date.now() % 100_000_000);

interface Feature<P> {
  properties: P;
  geometry: { coordinates: unknown };
}
const features = async <P>(api: APIRequestContext, layer: string): Promise<Feature<P>[]> =>
  ((await (await api.get(`/api/v1/layers/${layer}.geojson`)).json()) as { features: Feature<P>[] }).features;

test('every zh-CN page shows Chinese, not English, outside data values', async ({ page, baseURL }, testInfo) => {
  test.setTimeout(240_000);
  const seen: VisibleText[] = [];
  const scan = async (label: string): Promise<void> => {
    // Let notifications, dialogs and lazy panels finish their entrance before reading.
    await page.waitForTimeout(400);
    seen.push(...(await visibleTexts(page, label)));
    await page.screenshot({ path: testInfo.outputPath(`${label}.png`) });
    // What was found so far, for a run that stops at a later page.
    writeFileSync(testInfo.outputPath('english-found.txt'), describeFindings(findEnglish(seen)));
  };

  // Signed out: sign-in, the citizen's report page.
  await page.goto('/login');
  await expect(page.getByTestId('login-form')).toBeVisible();
  await scan('login');
  await page.goto('/report');
  await expect(page.getByTestId('report-form')).toBeVisible();
  await scan('report');

  // What the screens will show, made through the public API: a priority-1 one-key alarm (the
  // hub makes its incident at once, with its own note), a citizen's dispute by QR code (risk
  // factors), and the officer dispatched to the alarm's incident (the phone has an assignment).
  const { api: desk, csrf } = await apiLogin(baseURL!, 'dispatcher');
  // A hospital's or school's one-key alarm button, from the end of the list: other specs press the
  // first ones, and a repeat from the same button within the fold window would fold into theirs.
  const buttons = (await features<{ id: string; kind: string }>(desk, 'facilities')).filter(
    (f) => f.properties.kind === 'hospital' || f.properties.kind === 'school',
  );
  expect(buttons.length).toBeGreaterThan(2);
  const press = async (n: number, id: string, at: string): Promise<void> => {
    const res = await page.request.post('/api/v1/events', {
      headers: { authorization: `Bearer ${INGEST_KEY}` },
      data: { id, source: 'alarm_button', type: 'one_key_alarm', at, deviceId: buttons.at(-n)!.properties.id },
    });
    expect(res.status(), await res.text()).toBe(202);
  };
  const at = new Date().toISOString();
  await press(1, `e2e-words-${run}`, at);
  let incidentId = '';
  await expect
    .poll(async () => {
      const alarms = alarmSyncReply.parse(await (await desk.get('/api/v1/alarms')).json()).alarms;
      // Its own alarm, or (a rerun within the fold window) the open one it folded into.
      const mine = alarms.find(
        (a) => a.event.id === `e2e-words-${run}` || (a.count > 1 && Date.parse(a.lastAt) === Date.parse(at)),
      );
      incidentId = mine?.incidentId ?? '';
      return incidentId;
    })
    .not.toBe('');
  const grid = (await features<{ code: string; name: string }>(desk, 'grids'))[0]!.properties;
  const report = await page.request.post('/api/v1/public/reports', {
    data: {
      category: 'dispute_neighbour',
      description: '楼上漏水多次协商不成，对方扬言报复',
      regionCode: grid.code,
      parties: [{ name: '张某', idKey: '360102198001011234' }, { name: '李某' }],
    },
  });
  expect(report.status(), await report.text()).toBe(201);
  const { trackingCode } = citizenReportReply.parse(await report.json());
  expect((await features<{ id: string }>(desk, 'units')).some((u) => u.properties.id === OFFICER)).toBe(true);
  // Accepted and the officer dispatched (a rerun finds it so already).
  const now = incidentDetail.parse(await (await desk.get(`/api/v1/incidents/${incidentId}`)).json()).incident;
  let version = now.version;
  const steps = [
    ...(now.status === 'reported' ? [{ action: 'accept' }] : []),
    ...(now.assignments.some((a) => a.unitId === OFFICER) ? [] : [{ action: 'dispatch', unitIds: [OFFICER] }]),
  ];
  for (const body of steps) {
    const res = await desk.post(`/api/v1/incidents/${incidentId}/actions`, {
      headers: csrf,
      data: { ...body, version },
    });
    expect(res.status(), await res.text()).toBe(200);
    version = incidentDetail.parse(await res.json()).incident.version;
  }
  await desk.dispose();

  await page.goto(`/report/${trackingCode}`);
  await expect(page.getByTestId('report-status')).toBeVisible();
  await scan('report-status');

  // The dispatcher's desk.
  await loginAs(page, 'dispatcher');
  await page.goto('/desk');
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  const alarm = page.locator('[data-testid="alarm-row"]').first();
  await expect(alarm).toBeVisible();
  // A new alarm arriving live pops up.
  await press(2, `e2e-words-${run}-live`, new Date().toISOString());
  await expect(page.getByTestId('alarm-popup').first()).toBeVisible();
  await scan('desk-alarms');

  // The alarm's incident: the hub's note on its timeline, the proposal, nearby video.
  await page.getByTestId('desk-tab-incidents').click();
  // Newest first: the list draws only the rows in view, and earlier specs leave many incidents.
  await page.getByTestId('incident-sort').click();
  await page.locator('.n-base-select-option', { hasText: '最新优先' }).click();
  await page.getByTestId('incident-filter-source').click();
  await page.locator('.n-base-select-option', { hasText: '告警' }).first().click();
  await page.locator(`[data-testid="incident-row"][data-id="${incidentId}"]`).click();
  const detail = page.getByTestId('incident-detail');
  await expect(detail).toHaveAttribute('data-id', incidentId);
  await expect(detail.getByTestId('incident-timeline-hub-note').first()).toHaveAttribute(
    'data-key',
    'timeline.alarmIncident',
  );
  await expect(detail.getByTestId('incident-proposal')).toBeVisible();
  await scan('desk-incident');
  // Its nearest camera's card.
  const camera = detail.getByTestId('incident-camera').first();
  if (await camera.count()) {
    await camera.click();
    await detail.getByTestId('incident-camera-card').click();
    await expect(page.getByTestId('camera-card')).toBeVisible();
    await scan('desk-camera-card');
  }

  // The citizen's dispute: risk factors and the QR note.
  await page.getByTestId('incident-filter-source').click();
  await page.locator('.n-base-select-option', { hasText: '群众上报' }).click();
  await page.locator('[data-testid="incident-row"]').filter({ hasText: '邻里纠纷' }).first().click();
  await expect(detail.getByTestId('dispute-factor').first()).toBeVisible();
  await scan('desk-dispute');

  // A grid's card, through the search box; the new-incident dialog.
  await page.getByTestId('search-input').locator('input').fill(grid.code);
  await page.getByTestId('search-hit').first().click();
  await expect(page.getByTestId('grid-card')).toBeVisible();
  await scan('desk-grid-card');
  await page.getByTestId('incident-new').click();
  await expect(page.locator('.n-modal, .n-dialog, .n-card').filter({ hasText: '新建事件' }).first()).toBeVisible();
  await scan('desk-new-incident');
  await page.keyboard.press('Escape');

  await page.goto('/overview');
  await expect(page.getByTestId('world-stats')).toBeVisible();
  await scan('overview');
  // The analysis page: the figures (tiles, charts, the breakdown table), the month's grid analysis
  // of the grid's street, and a grid's card.
  await page.goto('/analysis');
  await expect(page.getByTestId('kpi-reported')).toBeVisible();
  await expect(page.getByTestId('breakdown-row').first()).toBeVisible();
  await scan('analysis');
  await page.goto(`/analysis?tab=grids&region=${grid.code.slice(0, 9)}`);
  await expect(page.getByTestId('chart-grid-change')).toHaveAttribute('data-values', /.+/);
  await scan('analysis-grids');
  if ((await page.getByTestId('grid-row').count()) > 0) {
    await page.getByTestId('grid-row').first().click();
    await expect(page.getByTestId('grid-sparkline').first()).toBeVisible();
    await scan('analysis-grid-card');
  }
  await page.goto(`/qr?community=${grid.code.slice(0, 12)}`);
  await expect(page.getByTestId('qr-sheet')).toBeVisible();
  await scan('qr');
  await page.goto('/account/totp');
  await expect(page.getByTestId('totp-page')).toBeVisible();
  await scan('totp');

  // The admin view, every tab.
  await page.context().clearCookies();
  await loginAs(page, 'admin');
  await page.goto('/admin');
  await expect(page.getByTestId('admin-page')).toBeVisible();
  const tabs = page.locator('.n-tabs-tab');
  const count = await tabs.count();
  expect(count).toBeGreaterThan(3);
  for (let i = 0; i < count; i++) {
    await tabs.nth(i).click();
    await page.waitForLoadState('networkidle');
    await scan(`admin-${i}`);
  }
  // The rule editor, open on a rule.
  await page.goto('/admin?tab=rules');
  await page.getByTestId('rule-edit').first().click();
  await expect(page.getByTestId('rule-dialog')).toBeVisible();
  await scan('admin-rule-dialog');
  await page.keyboard.press('Escape');

  // Major events as a commander plans and leads one: the list, the editor, the leader view, the report.
  await page.context().clearCookies();
  await loginAs(page, 'commander');
  const commander = await apiLogin(baseURL!, 'commander');
  const { region, centre } = await eventPlaces(commander.api);
  const planned = await commander.api.post('/api/v1/major-events', {
    headers: commander.csrf,
    data: planAround(`中文检查活动 ${run}`, region, centre),
  });
  expect(planned.status(), await planned.text()).toBe(201);
  const eventId = ((await planned.json()) as { id: string }).id;
  try {
    await page.goto('/events');
    await expect(page.getByTestId('events-page')).toBeVisible();
    await scan('events');
    await page.locator(`[data-testid="event-row"][data-id="${eventId}"]`).getByTestId('event-edit').click();
    await expect(page.getByTestId('event-editor')).toBeVisible();
    await scan('event-editor');
    await page.keyboard.press('Escape');
    await page.goto(`/events/${eventId}`);
    await expect(page.getByTestId('lead-figures')).toBeVisible();
    await scan('event-lead');
    await page.goto(`/events/${eventId}/report`);
    await expect(page.getByTestId('report-figures')).toBeVisible();
    await scan('event-report');
  } finally {
    await commander.api.post(`/api/v1/major-events/${eventId}/close`, { headers: commander.csrf });
    await commander.api.dispose();
  }

  // The officer's phone, with the assignment.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.context().clearCookies();
  await loginAs(page, 'police-0002');
  await page.goto('/field');
  await expect(page.getByTestId('field-assignment').first()).toBeVisible();
  await scan('field');

  const found = findEnglish(seen);
  expect(found, describeFindings(found)).toEqual([]);
});
