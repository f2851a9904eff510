/**
 * Field phones in real browsers (issue 15): an admin makes a field account for a unit through the
 * user dialog's unit picker; its member signs in on /field and sees that unit; the unit declines an
 * assignment on the phone, is dispatched again, and accepts, arrives and resolves on the same page.
 * Then personal data: the desk shows a reporter's phone and a party's ID number masked, a dispatcher
 * reveals the phone (and gets no button for the ID number), a commander the ID number.
 */
import { expect, request, test, type Browser, type Page } from '@playwright/test';
import { adminUnitList } from '@shared/auth';
import { incidentDetail, type IncidentView } from '@shared/incidents';
import { apiLogin, loginAs } from './login';

const PASSWORD = 'e2e-officer-2026';

async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  return context.newPage();
}

test('an admin makes a field account for a unit; its phone declines, is sent again, and finishes', async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(150_000);
  // A unit that is on duty and has no account yet (the picker marks the others).
  const { api: desk, csrf } = await apiLogin(baseURL!, 'dispatcher');
  const live = (await (await desk.get('/api/v1/units')).json()) as { units: { id: string; status: string }[] };
  const free = new Set(live.units.filter((u) => u.status === 'available').map((u) => u.id));
  await loginAs(page, 'admin');
  const linkable = adminUnitList.parse(await (await page.request.get('/api/v1/admin/units')).json()).units;
  const unit = linkable.find((u) => !u.linked && free.has(u.id) && u.kind === 'police')!;
  expect(unit, 'an available police unit without an account').toBeDefined();

  await page.goto('/admin');
  await page.getByText('用户', { exact: true }).click();
  await page.getByTestId('user-create').click();
  await page.getByTestId('user-username').locator('input').fill('e2e-officer');
  await page.getByTestId('user-display-name').locator('input').fill('E2E 民警');
  await page.getByTestId('user-role').click();
  await page.locator('.n-base-select-option', { hasText: '处置人员' }).click();
  await page.getByTestId('user-unit').click();
  await page.keyboard.type(unit.callsign);
  await page.locator('.n-base-select-option', { hasText: unit.callsign }).first().click();
  // The scope follows the unit to its district.
  await expect(page.getByTestId('scope-select')).toContainText(unit.homeRegionCode.slice(0, 6));
  await page.getByTestId('user-password').locator('input').fill(PASSWORD);
  await page.screenshot({ path: testInfo.outputPath('admin-field-user.png') });
  await page.getByTestId('user-save').click();
  const row = page.locator('[data-testid="user-row"][data-username="e2e-officer"]');
  await expect(row).toContainText(`处置人员 · ${unit.callsign}`);

  // Its member signs in on a phone and sees the unit.
  const officer = await phonePage(browser);
  const signed = await officer.request.post('/api/v1/auth/login', {
    data: { username: 'e2e-officer', password: PASSWORD },
  });
  expect(signed.status()).toBe(200);
  await officer.goto('/field');
  await expect(officer.getByTestId('field-unit-callsign')).toHaveText(unit.callsign);

  // An incident next to the unit, dispatched to it.
  const act = async (i: IncidentView, body: Record<string, unknown>) => {
    const res = await desk.post(`/api/v1/incidents/${i.id}/actions`, {
      headers: csrf,
      data: { version: i.version, ...body },
    });
    expect(res.status(), await res.text()).toBe(200);
    return incidentDetail.parse(await res.json()).incident;
  };
  const here = (await (await officer.request.get('/api/v1/field/home')).json()) as { unit: { position: number[] } };
  const made = await desk.post('/api/v1/incidents', {
    headers: csrf,
    data: {
      category: 'noise',
      priority: 2,
      title: 'E2E 再派',
      location: { lon: here.unit.position[0], lat: here.unit.position[1] },
    },
  });
  expect(made.status(), await made.text()).toBe(201);
  let inc = incidentDetail.parse(await made.json()).incident;
  inc = await act(inc, { action: 'accept' });
  inc = await act(inc, { action: 'dispatch', unitIds: [unit.id] });

  const task = officer.locator(`[data-testid="field-assignment"][data-incident="${inc.id}"]`);
  await officer.reload();
  await expect(task.getByTestId('field-assignment-mine')).toContainText('待接单');
  await task.getByTestId('field-action-unit_decline').click();
  await officer.getByTestId('field-note-input').locator('textarea').fill('车辆故障');
  await officer.getByTestId('field-note-submit').click();
  await expect(task).toHaveCount(0);

  // Sent again: the phone offers accept again (not "declined, nothing to do").
  inc = incidentDetail.parse(await (await desk.get(`/api/v1/incidents/${inc.id}`)).json()).incident;
  inc = await act(inc, { action: 'dispatch', unitIds: [unit.id] });
  await officer.reload();
  await expect(task.getByTestId('field-assignment-mine')).toContainText('待接单');
  await expect(task.getByTestId('field-action-unit_accept')).toBeVisible();
  await officer.screenshot({ path: testInfo.outputPath('field-redispatched.png') });
  for (const [action, mine] of [
    ['unit_accept', '已接单'],
    ['arrive', '已到场'],
  ] as const) {
    await task.getByTestId(`field-action-${action}`).click();
    await expect(task.getByTestId('field-assignment-mine')).toContainText(mine);
  }
  await task.getByTestId('field-action-resolve').click();
  await officer.getByTestId('field-note-input').locator('textarea').fill('已处理');
  await officer.getByTestId('field-note-submit').click();
  await expect
    .poll(
      async () => incidentDetail.parse(await (await desk.get(`/api/v1/incidents/${inc.id}`)).json()).incident.status,
    )
    .toBe('resolved');
  await desk.dispose();
  await officer.context().close();
});

test('the desk shows phones and ID numbers masked; the roles allowed reveal them', async ({
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(120_000);
  const open = async (user: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    await loginAs(page, user);
    return page;
  };
  const dispatcher = await open('dispatcher');
  // A citizen (no account) reports a dispute where a unit stands (inside the city).
  const live = (await (await dispatcher.request.get('/api/v1/units')).json()) as {
    units: { position: [number, number] }[];
  };
  const at = live.units[0]!.position;
  const citizen = await request.newContext({ baseURL: baseURL! });
  const made = await citizen.post('/api/v1/public/reports', {
    data: {
      category: 'dispute_neighbour',
      description: '邻居因噪音争吵，E2E 隐私',
      location: { lon: at[0], lat: at[1] },
      contact: { name: '周先生', phone: '13987654321' },
      parties: [{ name: '王五', idKey: '36010219800101123X' }, { name: '赵六' }],
    },
  });
  expect(made.status(), await made.text()).toBe(201);
  const { code } = (await made.json()) as { code: string };
  await citizen.dispose();

  const detailOf = async (page: Page) => {
    await page.goto('/desk');
    await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
    await page.getByTestId('desk-tab-incidents').click();
    await page.getByTestId('incident-filter-source').click();
    await page.locator('.n-base-select-option', { hasText: '群众上报' }).click();
    await page.locator(`[data-testid="incident-row"][data-code="${code}"]`).click();
    const detail = page.getByTestId('incident-detail');
    await expect(detail).toBeVisible();
    return detail;
  };
  const detail = await detailOf(dispatcher);
  const phone = detail.locator('[data-testid="masked-value"][data-field="reporterPhone"]');
  const id = detail.locator('[data-testid="masked-value"][data-field="partyId"]');
  await expect(phone).toContainText('*******4321');
  await expect(id).toContainText('**************123X');
  expect(await dispatcher.content()).not.toContain('13987654321');
  // A dispatcher calls the reporter back: the phone, yes; the party's ID number, no button.
  await expect(id.getByTestId('reveal-button')).toHaveCount(0);
  await phone.getByTestId('reveal-button').click();
  await expect(phone).toContainText('13987654321');
  await expect(phone).toHaveAttribute('data-revealed', 'true');
  await dispatcher.screenshot({ path: testInfo.outputPath('desk-revealed-phone.png') });

  const commander = await open('commander');
  const cDetail = await detailOf(commander);
  const cId = cDetail.locator('[data-testid="masked-value"][data-field="partyId"]');
  await cId.getByTestId('reveal-button').click();
  await expect(cId).toContainText('36010219800101123X');
  await commander.screenshot({ path: testInfo.outputPath('desk-revealed-id.png') });
  await dispatcher.context().close();
  await commander.context().close();
});
