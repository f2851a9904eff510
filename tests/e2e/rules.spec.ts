/**
 * The admin's rule editor in a real browser (issue 15): an admin changes a rule's fold window and
 * priority and it persists (the table, the API and a reload say so, and the audit log has it); a
 * value out of range shows its problem on the field and nothing is sent; a new zone rule made with
 * the zone picker is created, and a refusal of the hub shows on the field it names.
 */
import { expect, test, type Page } from '@playwright/test';
import { auditPage } from '@shared/auth';
import { ruleSchema } from '@shared/rules';
import { z } from 'zod';
import { apiLogin, loginAs } from './login';

test.beforeEach(async ({ page }) => {
  await loginAs(page, 'admin');
});

const rulesOf = async (page: Page) =>
  z.object({ rules: z.array(ruleSchema) }).parse(await (await page.request.get('/api/v1/rules')).json()).rules;

async function openRules(page: Page): Promise<void> {
  await page.goto('/admin?tab=rules');
  await expect(page.getByTestId('admin-rules')).toBeVisible();
  await expect(page.getByTestId('rule-row').first()).toBeVisible();
}

async function pick(page: Page, option: string): Promise<void> {
  await page.locator('.n-base-select-option', { hasText: option }).first().click();
}

test("an admin edits a rule's fold window and priority, and it persists", async ({ page, baseURL }, testInfo) => {
  await openRules(page);
  const original = (await rulesOf(page)).find((r) => r.id === 'community-ebike')!;
  const row = page.locator('[data-testid="rule-row"][data-id="community-ebike"]');
  // The calibrated default (issue 15: server/rules/default-rules.ts) folds a compound's lifts for 30 minutes.
  await expect(row.getByTestId('rule-fold')).toHaveText('30 分钟');
  await expect(row.getByTestId('rule-priority')).toHaveText('三级');
  await page.screenshot({ path: testInfo.outputPath('rules.png') });

  await row.getByTestId('rule-edit').click();
  const dialog = page.getByTestId('rule-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('rule-name').locator('input')).toHaveValue('电动车进电梯');
  await dialog.getByTestId('rule-fold').locator('input').fill('45');
  await dialog.getByTestId('rule-priority-select').click();
  await pick(page, '二级');
  await page.screenshot({ path: testInfo.outputPath('rule-dialog.png') });
  await dialog.getByTestId('rule-save').click();
  await expect(dialog).toHaveCount(0);

  await expect(row.getByTestId('rule-fold')).toHaveText('45 分钟');
  await expect(row.getByTestId('rule-priority')).toHaveText('二级');
  expect((await rulesOf(page)).find((r) => r.id === 'community-ebike')).toMatchObject({
    foldMinutes: 45,
    priority: 2,
    eventTypes: ['ebike_in_lift', 'ebike_violation'],
    zoneKinds: ['community'],
  });
  await page.reload();
  await expect(page.locator('[data-testid="rule-row"][data-id="community-ebike"]').getByTestId('rule-fold')).toHaveText(
    '45 分钟',
  );
  const audit = auditPage.parse(
    await (await page.request.get('/api/v1/admin/audit?action=rule.update&q=community-ebike')).json(),
  );
  expect(audit.records.map((a) => a.target)).toContain('rule:community-ebike');

  // As it was, for the specs after this one on the same hub.
  const admin = await apiLogin(baseURL!, 'admin');
  expect((await admin.api.put('/api/v1/rules/community-ebike', { headers: admin.csrf, data: original })).status()).toBe(
    200,
  );
  await admin.api.dispose();
});

test('a value out of range shows its problem on the field, and nothing is sent', async ({ page }, testInfo) => {
  await openRules(page);
  const before = (await rulesOf(page)).find((r) => r.id === 'crowd-landmark');
  const puts: string[] = [];
  page.on('request', (r) => r.method() === 'PUT' && puts.push(r.url()));
  await page.locator('[data-testid="rule-row"][data-id="crowd-landmark"]').getByTestId('rule-edit').click();
  const dialog = page.getByTestId('rule-dialog');
  await dialog.getByTestId('rule-fold').locator('input').fill('2000');
  await dialog.getByTestId('rule-expire').locator('input').fill('3');
  await dialog.getByTestId('rule-save').click();

  await expect(dialog.getByTestId('rule-field-foldMinutes')).toContainText('折叠窗口须为 0–1440 的整数分钟');
  await expect(dialog.getByTestId('rule-field-expireMinutes')).toContainText('超时时间须为 5–10080 的整数分钟');
  await page.screenshot({ path: testInfo.outputPath('rule-bad-value.png') });
  // Fixed, the problem goes; still open, nothing was sent.
  await dialog.getByTestId('rule-fold').locator('input').fill('15');
  await expect(dialog.getByTestId('rule-field-foldMinutes')).not.toContainText('折叠窗口须为');
  await expect(dialog).toBeVisible();
  expect(puts).toEqual([]);
  expect((await rulesOf(page)).find((r) => r.id === 'crowd-landmark')).toEqual(before);
});

test("a new zone rule made with the zone picker; the hub's refusal shows on the field it names", async ({
  page,
}, testInfo) => {
  await openRules(page);
  await page.getByTestId('rule-create').click();
  const dialog = page.getByTestId('rule-dialog');
  await dialog.getByTestId('rule-id').locator('input').fill('e2e-night-crowd');
  await dialog.getByTestId('rule-name').locator('input').fill('夜间安全圈人员聚集');
  await dialog.getByTestId('rule-event-types').click();
  await page.keyboard.type('人员聚集');
  await pick(page, '人员聚集');
  await page.keyboard.press('Escape');
  // The picker searches the whole city as the admin types.
  await dialog.getByTestId('rule-zone-picker').click();
  await page.keyboard.type('视频安全圈');
  // (The event types' menu, closed, may still be in the page: the zones' options are asked by text.)
  const option = page.locator('.n-base-select-option', { hasText: '视频安全圈' }).first();
  await expect(option).toBeVisible();
  const zone = (await option.innerText()).trim();
  await option.click();
  await page.keyboard.press('Escape');
  const zoneId = zone.split(' · ').at(-1)!;
  expect(zoneId).toMatch(/^zone-/);
  // Off for now (no spec after this one meets it), at night only: the window offered wraps midnight.
  await dialog.getByTestId('rule-enabled').click();
  await dialog.getByTestId('rule-window-on').click();
  await expect(dialog.getByTestId('rule-window-from').locator('input')).toHaveValue('22:00');
  await expect(dialog.getByTestId('rule-window-to').locator('input')).toHaveValue('06:00');

  // The hub refuses once (as it does a zone deleted meanwhile): its message shows on the zones' field.
  await page.route(
    '**/api/v1/rules/e2e-night-crowd',
    (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'request/invalid',
            message: `body.zoneIds.0: no zone with id "${zoneId}"`,
          },
        }),
      }),
    { times: 1 },
  );
  await dialog.getByTestId('rule-save').click();
  await expect(dialog.getByTestId('rule-field-zoneIds')).toContainText('指定的区域不存在');
  await expect(dialog.getByTestId('rule-field-zoneIds')).toContainText(`no zone with id "${zoneId}"`);
  await expect(dialog.getByTestId('rule-field-zoneIds').getByText('指定的区域不存在')).toBeVisible();
  await page.waitForTimeout(400); // the feedback's fade
  await page.screenshot({ path: testInfo.outputPath('rule-refused.png') });

  // Saved for real the second time.
  await dialog.getByTestId('rule-save').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('[data-testid="rule-row"][data-id="e2e-night-crowd"]')).toContainText('夜间安全圈人员聚集');
  expect((await rulesOf(page)).find((r) => r.id === 'e2e-night-crowd')).toMatchObject({
    kind: 'zone',
    eventTypes: ['crowd'],
    zoneIds: [zoneId],
    window: { from: '22:00', to: '06:00' },
    priority: 3,
    enabled: false,
  });
});
