/**
 * Sign-in in a real browser: pages need a session, the sign-in form (errors, the way to the page
 * asked for), signing out, a session ended by an admin while the desk is open (the page goes to the
 * sign-in page by itself, saying why), a district dispatcher's narrower world, and no Content
 * Security Policy violation on the way; a second factor set up from the user menu, and the one-time
 * code the sign-in form then asks for.
 */
import { expect, test, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { worldSummary } from '@shared/api';
import { sessionInfo, userList } from '@shared/auth';
import { apiLogin, DEMO_PASSWORD, loginAs } from './login';

/** CSP violations, from the page's own event and from Chromium's console report. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.exposeFunction('__reportCsp', (v: string) => violations.push(v));
  // An init script is injected by the browser, not inline in the page: the CSP does not apply to it.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __reportCsp: (v: string) => Promise<void> }).__reportCsp(
        `${e.violatedDirective} ${e.blockedURI}`,
      );
    });
  });
  return violations;
}

/** The page is the sign-in page, with these query parameters (and no others). */
async function expectLoginPage(page: Page, query: Record<string, string>): Promise<void> {
  await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
  expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual(query);
  await expect(page.getByTestId('login-page')).toBeVisible();
}

async function signInWithForm(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.getByTestId('login-username').locator('input').fill(username);
  await page.getByTestId('login-password').locator('input').fill(password);
  await page.getByTestId('login-submit').click();
}

test('a page without a session lands on the sign-in page, and no socket is opened', async ({ page }, testInfo) => {
  const csp = await watchCsp(page);
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto('/desk?camera=x');
  await expectLoginPage(page, { next: '/desk?camera=x' });
  await expect(page.getByTestId('login-page')).toBeVisible();
  await expect(page.getByTestId('login-reason')).toHaveCount(0);
  await expect(page).toHaveTitle(/登录/);
  await page.waitForTimeout(500);
  await page.screenshot({ path: testInfo.outputPath('login.png') });
  expect(sockets).toEqual([]);

  // The wall tab, for a display's token.
  await page.getByText('大屏登录', { exact: true }).click();
  await expect(page.getByTestId('wall-token')).toBeVisible();
  await page.waitForTimeout(400); // the tab's slide
  await page.screenshot({ path: testInfo.outputPath('login-wall.png') });
  expect(csp).toEqual([]);
});

test('a wrong password says so, and the English page says it in English', async ({ page }, testInfo) => {
  const csp = await watchCsp(page);
  await page.goto('/login');
  // Not the dispatcher: five failures would lock the account the other tests sign in with.
  await signInWithForm(page, 'viewer', 'not-the-password');
  await expect(page.getByTestId('login-error')).toHaveText('用户名或密码错误。');
  await expect(page).toHaveURL(/\/login$/);
  await page.screenshot({ path: testInfo.outputPath('login-error.png') });

  await page.getByTestId('locale-switch').click();
  await signInWithForm(page, 'viewer', 'still-not-it');
  await expect(page.getByTestId('login-error')).toHaveText('Wrong username or password.');
  await page.getByTestId('locale-switch').click();
  expect(csp).toEqual([]);
});

test('sign in through the form → the desk with the map and the name in the header; sign out → sign-in page', async ({
  page,
}) => {
  const csp = await watchCsp(page);
  await page.goto('/desk');
  await expectLoginPage(page, { next: '/desk' });
  await signInWithForm(page, 'dispatcher');

  await expect(page).toHaveURL(/\/desk$/);
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  const me = sessionInfo.parse(await (await page.request.get('/api/v1/auth/session')).json());
  expect(me.user.username).toBe('dispatcher');
  await expect(page.getByTestId('user-name')).toHaveText(me.user.displayName);
  // On screen, not pushed off the header by the desk's search box (1280 px wide here).
  await expect(page.getByTestId('user-menu')).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('user-role-scope')).toHaveText(`调度员 · ${me.user.scopeName}`);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  // Not an admin: no admin link, and the admin page sends back to the desk.
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/desk$/);

  await page.getByTestId('user-menu').click();
  await page.getByTestId('user-menu-logout').click();
  await expectLoginPage(page, { reason: 'logout' });
  await expect(page.getByTestId('login-reason')).toHaveText('您已退出登录。');
  // The cookie is gone: the hub and the router both refuse the desk.
  expect((await page.request.get('/api/v1/auth/session')).status()).toBe(401);
  await page.goto('/desk');
  await expectLoginPage(page, { next: '/desk' });
  expect(csp).toEqual([]);
});

test('a session ended by an admin takes the open desk to the sign-in page by itself, saying why', async ({
  page,
  baseURL,
}) => {
  const csp = await watchCsp(page);
  const me = await loginAs(page, 'dispatcher');
  await page.goto('/desk');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('user-name')).toHaveText(me.user.displayName);

  const admin = await apiLogin(baseURL!, 'admin');
  try {
    const users = userList.parse(await (await admin.api.get('/api/v1/admin/users')).json()).users;
    const dispatcher = users.find((u) => u.username === 'dispatcher')!;
    expect(dispatcher.sessions).toBeGreaterThan(0);
    const res = await admin.api.delete(`/api/v1/admin/users/${dispatcher.id}/sessions`, { headers: admin.csrf });
    expect(res.status(), await res.text()).toBe(204);
  } finally {
    await admin.api.dispose();
  }

  // No reload by the user: the hub's 'auth:ended' moves the page.
  await expectLoginPage(page, { reason: 'revoked', next: '/desk' });
  await expect(page.getByTestId('login-reason')).toHaveText('会话已被管理员结束，请重新登录。');
  expect((await page.request.get('/api/v1/auth/session')).status()).toBe(401);

  // Signing in again goes back to the desk (a fresh page: nothing of the old session is kept).
  await signInWithForm(page, 'dispatcher');
  await expect(page).toHaveURL(/\/desk$/);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  expect(csp).toEqual([]);
});

test('a district dispatcher sees only their district', async ({ page, baseURL }) => {
  const csp = await watchCsp(page);
  const admin = await apiLogin(baseURL!, 'admin');
  const city = worldSummary.parse(await (await admin.api.get('/api/v1/world/summary')).json());
  await admin.api.dispose();
  expect(city.districts.length).toBeGreaterThan(1);
  const mine = city.districts[0]!;

  const me = await loginAs(page, `dispatcher-${mine.code}`);
  expect(me.user.scope).toBe(mine.code);
  const summary = worldSummary.parse(await (await page.request.get('/api/v1/world/summary')).json());
  expect(summary.districts.map((d) => d.code)).toEqual([mine.code]);

  await page.goto('/desk');
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  await expect(page.getByTestId('user-role-scope')).toContainText(mine.name);
  const tree = page.getByTestId('region-tree');
  await expect(tree.locator('.n-tree-node').first()).toContainText(mine.name);
  // Only this district's branch: no other district's name anywhere in the tree.
  for (const other of city.districts.slice(1)) await expect(tree).not.toContainText(other.name);

  await page.getByTestId('nav-overview').click();
  await expect(page.getByTestId('district-row')).toHaveCount(1);
  await expect(page.getByTestId('district-row')).toHaveAttribute('data-code', mine.code);
  expect(csp).toEqual([]);
});

test('a second factor: set up from the user menu, then the sign-in form asks for the code', async ({
  page,
  baseURL,
}, testInfo) => {
  const csp = await watchCsp(page);
  const password = 'e2e-otp-pass-2026';
  const admin = await apiLogin(baseURL!, 'admin');
  try {
    const city = worldSummary.parse(await (await admin.api.get('/api/v1/world/summary')).json()).city;
    const res = await admin.api.post('/api/v1/admin/users', {
      headers: admin.csrf,
      data: { username: 'e2e-otp', displayName: 'E2E 双因素', role: 'viewer', scope: city.code, password },
    });
    expect(res.status(), await res.text()).toBe(201);
  } finally {
    await admin.api.dispose();
  }

  await page.goto('/login');
  await signInWithForm(page, 'e2e-otp', password);
  await expect(page).toHaveURL(/\/desk$/);
  await page.getByTestId('user-menu').click();
  await page.getByTestId('user-menu-totp').click();
  await expect(page).toHaveURL(/\/account\/totp$/);
  await expect(page.getByTestId('totp-qr')).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await expect(page.getByTestId('totp-uri')).toContainText('otpauth://totp/');
  await page.waitForTimeout(300);
  await page.screenshot({ path: testInfo.outputPath('totp.png') });
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  await page.getByTestId('totp-code').locator('input').fill(totp.generate());
  await page.getByTestId('totp-enable').click();
  await expect(page.getByTestId('totp-enabled')).toBeVisible();

  // Signed out and in again: the password first, then the code (a wrong one is said so).
  await page.request.post('/api/v1/auth/logout', {
    headers: {
      'X-CSRF-Token': sessionInfo.parse(await (await page.request.get('/api/v1/auth/session')).json()).csrfToken,
    },
  });
  await page.goto('/login');
  await signInWithForm(page, 'e2e-otp', password);
  await expect(page.getByTestId('login-otp')).toBeVisible();
  const wrong = totp.generate() === '000000' ? '111111' : '000000';
  await page.getByTestId('login-otp').locator('input').fill(wrong);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText('验证码错误或已过期，请重新输入。');
  // The code just used to enable it is spent (no replay): the next 30-second step's code is good.
  await page
    .getByTestId('login-otp')
    .locator('input')
    .fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/desk$/);
  await expect(page.getByTestId('user-name')).toHaveText('E2E 双因素');
  expect(csp).toEqual([]);
});
