/**
 * Planning a major event (issue 17) in a real browser: a commander opens /events, starts a new
 * event, draws its perimeter by clicking on the map (Terra Draw: the polygon closes on its first
 * point), names it, sets its end, saves, and finds it in the list as active; a viewer sees the
 * list without the commander's buttons; a bow-tie perimeter is refused by the hub, and its message
 * shows on the perimeter. Screenshots of each state are attached to the report.
 */
import { expect, test, type Page } from '@playwright/test';
import { loginAs } from './login';

test.use({ viewport: { width: 1600, height: 1000 } });

// Digits only: a run tag of letters alone reads as an English word to the zh-CN scan.
const run = String(Date.now() % 100_000_000);

/** Opens the editor of a new event with the map ready to draw, zoomed in around the city's centre. */
async function openNewEvent(page: Page): Promise<{ x: number; y: number }> {
  await page.goto('/events');
  await expect(page.getByTestId('events-page')).toBeVisible();
  await page.getByTestId('event-new').click();
  const map = page.getByTestId('plan-map');
  await expect(map).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  await expect(map).toHaveAttribute('data-mode', 'polygon');
  // Closer in, so that a perimeter of a few hundred pixels lies well inside one district.
  for (let i = 0; i < 4; i++) {
    await map.locator('.maplibregl-ctrl-zoom-in').click();
    await page.waitForTimeout(400);
  }
  await page.waitForTimeout(500);
  const box = (await map.boundingBox())!;
  // A little east of the centre: the river west of it is a district line.
  return { x: box.x + box.width / 2 + 80, y: box.y + box.height / 2 };
}

/** Clicks the points in order, then the first again (which closes Terra Draw's polygon). */
async function drawPolygon(page: Page, points: { x: number; y: number }[]): Promise<void> {
  for (const p of [...points, points[0]!]) {
    await page.mouse.move(p.x, p.y, { steps: 4 });
    await page.mouse.click(p.x, p.y);
    await page.waitForTimeout(250);
  }
}

test.describe.serial('major event planning', () => {
  const name = `演唱会安保 ${run}`;

  test('a commander draws a perimeter, saves, and sees the event active', async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    await loginAs(page, 'commander');
    const c = await openNewEvent(page);
    const d = 50;
    await drawPolygon(page, [
      { x: c.x - d, y: c.y - d },
      { x: c.x + d, y: c.y - d },
      { x: c.x + d, y: c.y + d },
      { x: c.x - d, y: c.y + d },
    ]);
    await expect(page.getByTestId('perimeter-state')).toHaveAttribute('data-vertices', '4');
    await expect(page.getByTestId('plan-map')).toHaveAttribute('data-mode', 'select');
    // A post: place it in the middle of the perimeter.
    await page.getByTestId('draw-point').click();
    await page.mouse.click(c.x, c.y);
    await expect(page.getByTestId('plan-post')).toHaveCount(1);
    await page.getByTestId('plan-post-name').locator('input').fill('北门岗');

    await page.getByTestId('plan-name').locator('input').fill(name);
    // The district under the first vertex is picked by itself.
    await expect(page.getByTestId('plan-region')).not.toContainText('选择区县或街道');
    // Ends in three hours: typed into the picker as it shows a time.
    const ends = page.getByTestId('plan-ends').locator('input');
    // The browser's clock is Asia/Shanghai's (playwright.config.ts): UTC+8, no summer time.
    const end = new Date(Date.now() + 3 * 3_600_000);
    const typed = `${new Date(end.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')}:00`;
    await ends.fill(typed);
    await ends.press('Enter');
    await page.getByTestId('plan-name').locator('input').click();
    await page.screenshot({ path: testInfo.outputPath('editor-drawn.png') });

    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/major-events') && r.request().method() === 'POST',
    );
    await page.getByTestId('plan-save').click();
    const res = await saved;
    expect(res.status(), await res.text()).toBe(201);
    const body = (await res.json()) as { endsAt: string; perimeter: number[][][]; posts: unknown[] };
    // The typed end, to the minute, sent with the browser's offset.
    expect(Date.parse(body.endsAt)).toBe(Math.floor(end.getTime() / 60_000) * 60_000);
    // Sent with the browser's offset (the hub answers in UTC).
    expect((res.request().postDataJSON() as { endsAt: string }).endsAt).toMatch(/\+08:00$/);
    expect(body.perimeter[0]).toHaveLength(5);
    expect(body.posts).toHaveLength(1);

    await expect(page.getByTestId('event-editor')).toBeHidden();
    const row = page.getByTestId('event-row').filter({ hasText: name });
    await expect(row).toHaveAttribute('data-status', 'active');
    await expect(row.getByTestId('event-status')).toHaveText('进行中');
    await expect(row.getByTestId('event-edit')).toBeVisible();
    await expect(row.getByTestId('event-close')).toBeVisible();
    await expect(row.getByTestId('event-lead-link')).toHaveAttribute('href', /\/events\/[^/]+$/);
    await expect(row.getByTestId('event-report-link')).toHaveAttribute('href', /\/events\/[^/]+\/report$/);
    await page.screenshot({ path: testInfo.outputPath('list-commander.png') });
  });

  test('an event opens again in the editor as saved, takes a change, and closes early', async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    await loginAs(page, 'commander');
    await page.goto('/events');
    const row = page.getByTestId('event-row').filter({ hasText: name });
    await row.getByTestId('event-edit').click();
    await expect(page.getByTestId('event-editor')).toBeVisible();
    // Drawn back from the plan: its perimeter (four corners) and its post, by name.
    await expect(page.getByTestId('perimeter-state')).toHaveAttribute('data-vertices', '4');
    await expect(page.getByTestId('plan-post')).toHaveCount(1);
    await expect(page.getByTestId('plan-post-name').locator('input')).toHaveValue('北门岗');
    await page.waitForTimeout(800);
    await page.screenshot({ path: testInfo.outputPath('editor-reopened.png') });
    await page.getByTestId('plan-post-name').locator('input').fill('北门一号岗');
    const put = page.waitForResponse(
      (r) => /\/api\/v1\/major-events\/[^/]+$/.test(r.url()) && r.request().method() === 'PUT',
    );
    await page.getByTestId('plan-save').click();
    const res = await put;
    expect(res.status(), await res.text()).toBe(200);
    const body = (await res.json()) as { perimeter: number[][][]; posts: { name: string }[] };
    expect(body.perimeter[0]).toHaveLength(5);
    expect(body.posts.map((p) => p.name)).toEqual(['北门一号岗']);
    await expect(page.getByTestId('event-editor')).toBeHidden();

    // Closed early, after a confirmation: the row says so and offers neither Edit nor Close.
    await row.getByTestId('event-close').click();
    await page.locator('.n-popconfirm, .n-dialog').getByRole('button').last().click();
    await expect(row).toHaveAttribute('data-status', 'closed');
    await expect(row.getByTestId('event-edit')).toHaveCount(0);
    await expect(row.getByTestId('event-close')).toHaveCount(0);
  });

  test('a viewer sees the list without New, Edit or Close', async ({ page }, testInfo) => {
    await loginAs(page, 'viewer');
    await page.goto('/events');
    await expect(page.getByTestId('event-row').filter({ hasText: name })).toBeVisible();
    await expect(page.getByTestId('event-new')).toHaveCount(0);
    await expect(page.getByTestId('event-edit')).toHaveCount(0);
    await expect(page.getByTestId('event-close')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('list-viewer.png') });
  });

  test("a bow-tie perimeter shows the hub's refusal on the perimeter", async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    await loginAs(page, 'commander');
    const c = await openNewEvent(page);
    const d = 50;
    // Top left, bottom right, top right, bottom left: the edges cross in the middle.
    await drawPolygon(page, [
      { x: c.x - d, y: c.y - d },
      { x: c.x + d, y: c.y + d },
      { x: c.x + d, y: c.y - d },
      { x: c.x - d, y: c.y + d },
    ]);
    await expect(page.getByTestId('perimeter-state')).toHaveAttribute('data-vertices', '4');
    await page.getByTestId('plan-name').locator('input').fill(`交叉边界 ${run}`);
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/major-events') && r.request().method() === 'POST',
    );
    await page.getByTestId('plan-save').click();
    expect((await refused).status()).toBe(400);
    const error = page.getByTestId('plan-error-perimeter');
    await expect(error).toContainText('边界无效');
    await expect(error).toContainText('crosses itself');
    await expect(page.getByTestId('event-editor')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('bow-tie-refused.png') });
  });
});
