/**
 * Signing in for browser tests. `loginAs(page, 'dispatcher')` posts to the hub's login endpoint
 * through the page's own request context, so the session cookie lands in the browser context and
 * the next `page.goto` is signed in. `apiLogin` signs a bare APIRequestContext in (a second actor,
 * e.g. an admin ending someone's sessions) and returns the session with its CSRF token.
 */
import {
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import { CSRF_HEADER, sessionInfo, type SessionInfo } from '@shared/auth';

/** The demo accounts' password: the e2e hubs are started with DEMO_PASSWORD set to it. */
export const DEMO_PASSWORD = 'demo-pass-2026';

async function postLogin(request: APIRequestContext, username: string, base = ''): Promise<SessionInfo> {
  const res = await request.post(`${base}/api/v1/auth/login`, { data: { username, password: DEMO_PASSWORD } });
  expect(res.status(), `sign-in of ${username}: ${await res.text()}`).toBe(200);
  return sessionInfo.parse(await res.json());
}

/** Signs the page's browser context in as a demo account; `base` for a hub other than the config's. */
export function loginAs(page: Page | BrowserContext, username: string, base = ''): Promise<SessionInfo> {
  return postLogin(page.request, username, base);
}

/** A separate request context signed in as `username` (dispose it after use). */
export async function apiLogin(
  baseURL: string,
  username: string,
): Promise<{ api: APIRequestContext; session: SessionInfo; csrf: Record<string, string> }> {
  const api = await playwrightRequest.newContext({ baseURL });
  const session = await postLogin(api, username);
  return { api, session, csrf: { [CSRF_HEADER]: session.csrfToken } };
}
