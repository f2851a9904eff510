/**
 * The wall at 3840×2160 (issue 17): nobody touches it. Its panels rotate on the preset's dwell; a
 * priority-1 alarm takes the stage by itself (the map flies there, the alarm's cameras and proposed
 * units show) and after the preset's time it returns to the overview; a wall token revoked by an
 * admin signs the display out to a plain screen that says so. The hub-restart case is in
 * wall-restart.spec.ts (its own hub). Screenshots of each state are attached to the report.
 */
import { expect, test, type Page } from '@playwright/test';
import { createdCredential } from '@shared/auth';
import { DEFAULT_WALL_PRESET, DEFAULT_WALL_PRESET_ID, type WallPresetBody } from '@shared/wall';
import { apiLogin, loginAs } from './login';
import { closeOpenAlarms, fencePoints, postFenceIntrusion, alarmOf } from './alarm-events';

test.use({ viewport: { width: 3840, height: 2160 } });

const FAST: WallPresetBody = {
  ...DEFAULT_WALL_PRESET,
  fixed: ['kpis', 'units'],
  rotate: ['incidents', 'trend', 'coverage'],
  dwellSeconds: 5,
  stageSeconds: 8,
};

async function putPreset(baseURL: string, body: WallPresetBody): Promise<void> {
  const { api, csrf } = await apiLogin(baseURL, 'admin');
  try {
    const res = await api.put(`/api/v1/wall/presets/${DEFAULT_WALL_PRESET_ID}`, { headers: csrf, data: body });
    expect(res.status(), await res.text()).toBe(200);
  } finally {
    await api.dispose();
  }
}

async function openWall(page: Page): Promise<void> {
  await page.goto('/wall');
  const wall = page.getByTestId('wall');
  await expect(wall).toHaveAttribute('data-connection', 'live');
  await expect(wall).toHaveAttribute('data-drawn', 'true', { timeout: 60_000 });
}

test.describe('the wall', () => {
  test.afterAll(async ({ baseURL }) => {
    await putPreset(baseURL!, DEFAULT_WALL_PRESET);
  });

  test('panels rotate, and a priority-1 alarm takes the stage and returns', async ({ page, baseURL }, testInfo) => {
    test.setTimeout(120_000);
    await putPreset(baseURL!, FAST);
    const { api } = await apiLogin(baseURL!, 'dispatcher');
    await closeOpenAlarms(api);
    await loginAs(page, 'wall');
    await openWall(page);
    const wall = page.getByTestId('wall');
    await expect(wall).toHaveAttribute('data-preset', DEFAULT_WALL_PRESET_ID);
    await expect(page.getByTestId('wall-panel-kpis')).toBeVisible();
    await expect(page.getByTestId('wall-panel-units')).toBeVisible();
    // The rotating slot goes through its panels on the dwell.
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await wall.getAttribute('data-rotating')) ?? '');
          return seen.size;
        },
        { timeout: 20_000, intervals: [500] },
      )
      .toBeGreaterThanOrEqual(3);
    expect([...seen].sort()).toEqual(['coverage', 'incidents', 'trend']);
    await page.screenshot({ path: testInfo.outputPath('wall-overview.png') });

    // A fence intrusion (priority 1) takes the stage by itself.
    const points = await fencePoints(page);
    const eventId = await postFenceIntrusion(page, points[0]!);
    const alarm = await alarmOf(page, eventId);
    expect(alarm.priority).toBe(1);
    await expect(wall).toHaveAttribute('data-stage', alarm.id, { timeout: 10_000 });
    const stage = page.getByTestId('wall-stage');
    await expect(stage).toBeVisible();
    await expect(stage).toContainText(alarm.rule.name);
    await expect(page.getByTestId('wall-stage-camera')).toHaveCount(Math.min(4, alarm.cameraIds.length));
    if (alarm.unitIds.length)
      await expect(page.getByTestId('wall-stage-units').locator('li')).toHaveCount(alarm.unitIds.length);
    // The ticker has it first.
    await expect(page.getByTestId('wall-ticker-item').first()).toHaveAttribute('data-id', alarm.id);
    await page.waitForTimeout(2_500); // the fly-to settles
    await page.screenshot({ path: testInfo.outputPath('wall-stage.png') });
    // After the preset's stage time, back to the overview (nobody touched anything).
    await expect(wall).toHaveAttribute('data-stage', '', { timeout: 15_000 });
    await expect(stage).toHaveCount(0);
    await page.waitForTimeout(2_000);
    await page.screenshot({ path: testInfo.outputPath('wall-after-stage.png') });

    // Two at once: one on stage, the other waits its turn (and both are in the ticker).
    const second = await postFenceIntrusion(page, points[1 % points.length]!);
    const third = await postFenceIntrusion(page, points[2 % points.length]!);
    const a2 = await alarmOf(page, second);
    const a3 = await alarmOf(page, third);
    const ids = [a2.id, a3.id];
    await expect.poll(async () => ids.includes((await wall.getAttribute('data-stage')) ?? '')).toBe(true);
    if (a2.id !== a3.id) {
      await expect(page.getByTestId('wall-stage-waiting')).toBeVisible();
      const first = await wall.getAttribute('data-stage');
      await expect(wall).toHaveAttribute(
        'data-stage',
        ids.find((id) => id !== first)!,
        { timeout: 15_000 },
      );
    }
    await closeOpenAlarms(api);
    await api.dispose();
  });

  test('a revoked wall token signs the display out to a plain screen', async ({ browser, baseURL }, testInfo) => {
    const { api, csrf } = await apiLogin(baseURL!, 'admin');
    const created = createdCredential.parse(
      await (
        await api.post('/api/v1/admin/wall-tokens', {
          headers: csrf,
          data: { name: 'e2e wall revoked', scope: '360100' },
        })
      ).json(),
    );
    const ctx = await browser.newContext({
      baseURL: baseURL!,
      locale: 'zh-CN',
      viewport: { width: 1920, height: 1080 },
    });
    try {
      const page = await ctx.newPage();
      await page.goto(`/login#wall-token=${created.secret}`);
      await expect(page).toHaveURL(/\/wall$/);
      await expect(page.getByTestId('wall')).toHaveAttribute('data-connection', 'live');
      const res = await api.delete(`/api/v1/admin/wall-tokens/${created.item.id}`, { headers: csrf });
      expect(res.status()).toBe(204);
      const ended = page.getByTestId('wall-ended');
      await expect(ended).toBeVisible();
      await expect(ended).toHaveAttribute('data-reason', 'revoked');
      await expect(page.getByTestId('login-form')).toHaveCount(0);
      await page.screenshot({ path: testInfo.outputPath('wall-revoked.png') });
    } finally {
      await ctx.close();
      await api.dispose();
    }
  });
});
