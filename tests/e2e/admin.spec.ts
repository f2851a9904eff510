/**
 * The admin view in a real browser: a device key's secret is shown once and never again, a wall
 * token's sign-in link signs a second browser in (it reaches the wall), and the audit log shows the
 * sign-ins, searches by action and verifies its hash chain; a user created, edited and disabled
 * through the dialogs; a wall preset created, refused a bad dwell, and deleted.
 */
import { expect, request, test, type Page } from '@playwright/test';
import { credentialList, sessionInfo } from '@shared/auth';
import { loginAs } from './login';

test.beforeEach(async ({ page }) => {
  await loginAs(page, 'admin');
});

async function openTab(page: Page, tab: string, label: string): Promise<void> {
  await page.goto('/admin');
  await expect(page.getByTestId('admin-page')).toBeVisible();
  await page.getByText(label, { exact: true }).click();
  await expect(page.getByTestId(`admin-${tab}`)).toBeVisible();
}

/** Creates a device key or wall token through the dialog; returns the secret dialog's secret (and link). */
async function createCredential(page: Page, name: string): Promise<{ secret: string; link: string | null }> {
  await page.getByTestId('credential-create').click();
  await page.getByTestId('credential-name').locator('input').fill(name);
  // The scope defaults to the city.
  await expect(page.getByTestId('scope-select')).toContainText('南昌市');
  await page.getByTestId('credential-save').click();
  const dialog = page.getByTestId('secret-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('secret-warning')).toContainText('只显示这一次');
  const secret = (await page.getByTestId('secret-value').textContent())!.trim();
  expect(secret.length).toBeGreaterThan(20);
  const link = (await page.getByTestId('secret-link').count())
    ? (await page.getByTestId('secret-link').textContent())!.trim()
    : null;
  return { secret, link };
}

/** Closes the secret's dialog once the form's dialog has faded, so the click lands on the button. */
async function closeSecret(page: Page): Promise<void> {
  await expect(page.getByTestId('credential-dialog')).toHaveCount(0);
  await expect(async () => {
    await page.getByTestId('secret-close').click({ timeout: 2_000 });
    await expect(page.getByTestId('secret-dialog')).toHaveCount(0, { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
}

test('a new device key: its secret is shown once, and is nowhere afterwards; revoking asks first', async ({
  page,
}, testInfo) => {
  await openTab(page, 'device-keys', '设备密钥');
  const { secret, link } = await createCredential(page, 'e2e gateway');
  expect(link).toBeNull();
  await expect(page.getByTestId('credential-dialog')).toHaveCount(0);
  await page.waitForTimeout(400); // the dialogs' fade
  await page.screenshot({ path: testInfo.outputPath('admin-secret.png') });
  await closeSecret(page);

  const row = page.locator('[data-testid="credential-row"][data-name="e2e gateway"]');
  await expect(row).toHaveAttribute('data-revoked', 'false');
  const items = credentialList.parse(await (await page.request.get('/api/v1/admin/device-keys')).json()).items;
  const key = items.find((k) => k.name === 'e2e gateway')!;
  // The list shows the prefix only: the secret is neither on the page nor in the API.
  expect(secret.startsWith(key.prefix)).toBe(true);
  await expect(row).toContainText(key.prefix);
  expect(await page.content()).not.toContain(secret);
  expect(JSON.stringify(items)).not.toContain(secret);
  await page.reload();
  await page.getByText('设备密钥', { exact: true }).click();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  await row.getByTestId('credential-revoke').click();
  await page.locator('.n-popconfirm').getByRole('button', { name: '确认' }).click();
  await expect(row).toHaveAttribute('data-revoked', 'true');
});

test('a wall token signs a second browser in through its link, and it reaches the wall', async ({
  page,
  browser,
  baseURL,
}) => {
  await openTab(page, 'wall-tokens', '大屏令牌');
  const { link } = await createCredential(page, 'e2e hall wall');
  expect(link).toMatch(new RegExp(`^${baseURL}/login#wall-token=`));
  await closeSecret(page);

  const wall = await browser.newContext({ baseURL: baseURL!, locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  try {
    const screen = await wall.newPage();
    await screen.goto(link!);
    // A display starts on the wall (issue 17), signed in as the token.
    await expect(screen).toHaveURL(`${baseURL}/wall`);
    await expect(screen.getByTestId('wall')).toHaveAttribute('data-connection', 'live');
    await expect(screen.getByTestId('wall')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
    const who = sessionInfo.parse(await (await screen.request.get('/api/v1/auth/session')).json());
    expect(who.user).toMatchObject({ displayName: 'e2e hall wall', role: 'wall' });
  } finally {
    await wall.close();
  }
  // The admin's list says it was used.
  await page.getByTestId('admin-wall-tokens').getByRole('button', { name: '刷新' }).click();
  await expect(page.locator('[data-testid="credential-row"][data-name="e2e hall wall"]')).not.toContainText('从未');
});

test('a wall preset is made through the dialog, a bad dwell is named, and it is deleted', async ({
  page,
}, testInfo) => {
  await openTab(page, 'wall-presets', '大屏预案');
  await expect(page.locator('[data-testid="preset-row"][data-id="default"]')).toBeVisible();
  await page.getByTestId('preset-create').click();
  await page.getByTestId('preset-id').locator('input').fill('e2e-hall');
  await page.getByTestId('preset-name').locator('input').fill('e2e 活动大厅');
  await page.getByTestId('preset-dwell').locator('input').fill('2');
  await page.getByTestId('preset-save').click();
  await expect(page.getByTestId('preset-field-dwellSeconds')).toContainText('5-600');
  await page.getByTestId('preset-dwell').locator('input').fill('30');
  await page.getByTestId('preset-save').click();
  await expect(page.getByTestId('preset-dialog')).toHaveCount(0);
  const row = page.locator('[data-testid="preset-row"][data-id="e2e-hall"]');
  await expect(row).toContainText('e2e 活动大厅');
  await expect(row).toContainText('30');
  await page.screenshot({ path: testInfo.outputPath('wall-presets.png') });
  await row.getByTestId('preset-delete').click();
  await page.getByRole('button', { name: '确认' }).click();
  await expect(row).toHaveCount(0);
});

test('the audit log shows the sign-ins, finds by action, and its chain verifies', async ({ page }, testInfo) => {
  await openTab(page, 'audit', '审计日志');
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toBeVisible();
  // This test's own sign-in is the newest sign-in of all.
  await expect(
    page.locator('[data-testid="audit-row"][data-action="auth.login"][data-outcome="ok"]').first(),
  ).toContainText('admin');

  await page.getByTestId('audit-action').locator('input').fill('auth.wall-login');
  await page.getByTestId('audit-search').click();
  await expect(rows.first()).toHaveAttribute('data-action', 'auth.wall-login');
  for (const action of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action'))))
    expect(action).toBe('auth.wall-login');

  // A prefix finds a family of actions; an outcome narrows it.
  await page.getByTestId('audit-action').locator('input').fill('auth.');
  await page.getByTestId('audit-search').click();
  await expect(rows.first()).toHaveAttribute('data-action', /^auth\./);
  await page.getByTestId('audit-action').locator('input').fill('no.such-action');
  await page.getByTestId('audit-search').click();
  await expect(rows).toHaveCount(0);
  await expect(page.getByTestId('admin-audit')).toContainText('没有符合条件的记录');
  await page.getByRole('button', { name: '重置' }).click();
  await expect(rows.first()).toBeVisible();

  await page.getByTestId('audit-verify').click();
  const verdict = page.getByTestId('audit-verify-result');
  await expect(verdict).toHaveAttribute('data-ok', 'true');
  await expect(verdict).toContainText('审计链完整');
  await page.screenshot({ path: testInfo.outputPath('admin-audit.png') });

  await page.getByText('用户', { exact: true }).click();
  await expect(page.locator('[data-testid="user-row"][data-username="dispatcher"]')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('admin-users.png') });
});

test('a user created through the dialog can sign in; edited, then disabled, it cannot', async ({ page, baseURL }) => {
  const password = 'e2e-new-pass-2026';
  const signIn = async (pw = password): Promise<number> => {
    const api = await request.newContext({ baseURL: baseURL! });
    try {
      return (await api.post('/api/v1/auth/login', { data: { username: 'e2e-new', password: pw } })).status();
    } finally {
      await api.dispose();
    }
  };
  await openTab(page, 'users', '用户');
  await page.getByTestId('user-create').click();
  await page.getByTestId('user-username').locator('input').fill('e2e-new');
  await page.getByTestId('user-display-name').locator('input').fill('E2E 新用户');
  await expect(page.getByTestId('scope-select')).toContainText('南昌市');
  await page.getByTestId('user-password').locator('input').fill(password);
  await page.getByTestId('user-save').click();
  const row = page.locator('[data-testid="user-row"][data-username="e2e-new"]');
  await expect(row).toContainText('E2E 新用户');
  await expect(row).toContainText('调度员');
  expect(await signIn()).toBe(200);

  await row.getByTestId('user-edit').click();
  await page.getByTestId('user-display-name').locator('input').fill('E2E 改名');
  await page.getByTestId('user-save').click();
  await expect(row).toContainText('E2E 改名');

  // A new password set by the admin (through its dialog) replaces the old one.
  const newPassword = 'e2e-reset-pass-2026';
  await row.getByTestId('user-reset-password').click();
  await page.getByTestId('user-new-password').locator('input').fill(newPassword);
  await page.getByTestId('user-password-save').click();
  await expect(page.getByTestId('user-password-dialog')).toHaveCount(0);
  // The dialog may close a moment before the reset is visible to a fresh sign-in on a busy hub.
  await expect.poll(() => signIn(newPassword), { timeout: 15_000 }).toBe(200);
  expect(await signIn()).toBe(401);

  await row.getByTestId('user-disable').click();
  await page.locator('.n-popconfirm').getByRole('button', { name: '确认' }).click();
  await expect(row).toContainText('已停用');
  expect(await signIn(newPassword)).toBe(401);
});
