/**
 * The analysis page (issue 16): every number on it is one the hub computed. Incidents are made
 * through the public API first (so no figure is a trivial 0 = 0); then the page's charts, a KPI
 * tile, a breakdown table's CSV download, a drill-down and the monthly grid analysis with a grid's
 * card are read in the browser and compared with the API's answers for the same query, fetched
 * from the page with its own cookie.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { breakdownReply, gridAnalysisReply, gridCardReply, kpiReply } from '@shared/stats';
import { incidentDetail } from '@shared/incidents';
import { apiLogin, loginAs } from './login';

const run = Date.now().toString(36);

interface GridFeature {
  properties: { code: string; name: string };
  geometry: { type: string; coordinates: unknown };
}

/** A point inside a grid: the mean of its outer ring's corners (grids are small convex cells). */
function inside(g: GridFeature): [number, number] {
  let ring = g.geometry.coordinates as number[][][] | number[][][][];
  if (g.geometry.type === 'MultiPolygon') ring = (ring as number[][][][])[0]!;
  const pts = (ring as number[][][])[0]!.slice(0, -1);
  const lon = pts.reduce((s, p) => s + p[0]!, 0) / pts.length;
  const lat = pts.reduce((s, p) => s + p[1]!, 0) / pts.length;
  return [lon, lat];
}

/** The page's own fetch (its cookie, its origin) of a stats address, as JSON. */
async function apiFromPage(page: Page, url: string): Promise<unknown> {
  return page.evaluate(async (u) => {
    const res = await fetch(u, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`${u}: ${res.status}`);
    return (await res.json()) as unknown;
  }, url);
}

async function chartValues(
  page: Page,
  testid: string,
): Promise<{ url: string; keys: string[]; series: Record<string, number[]> }> {
  const chart = page.getByTestId(testid);
  await expect(chart).toHaveAttribute('data-values', /.+/);
  const url = (await chart.getAttribute('data-url'))!;
  const values = JSON.parse((await chart.getAttribute('data-values'))!) as {
    keys: string[];
    series: Record<string, number[]>;
  };
  return { url, ...values };
}

/** RFC 4180 enough for the hub's CSV: quoted fields, doubled quotes, CRLF; the BOM dropped. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

test('the analysis page shows the hub’s figures: charts, a KPI tile, the CSV, a drill-down, the grids', async ({
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));

  // Incidents in a few grids of one street, of several categories, one of them closed the same day.
  const { api, csrf } = await apiLogin(baseURL!, 'dispatcher');
  const grids = ((await (await api.get('/api/v1/layers/grids.geojson')).json()) as { features: GridFeature[] })
    .features;
  expect(grids.length).toBeGreaterThan(3);
  const street = grids[0]!.properties.code.slice(0, 9);
  const mine = grids.filter((g) => g.properties.code.startsWith(street)).slice(0, 3);
  const categories = ['noise', 'theft', 'dispute_neighbour', 'noise', 'fire_hazard', 'noise'];
  for (const [n, category] of categories.entries()) {
    const g = mine[n % mine.length]!;
    const [lon, lat] = inside(g);
    const res = await api.post('/api/v1/incidents', {
      headers: csrf,
      data: { category, priority: 2 + (n % 3), title: `E2E 分析 ${run} #${n}`, location: { lon, lat } },
    });
    expect(res.status(), await res.text()).toBe(201);
    if (n === 0) {
      // One is accepted, so the first time figure has a sample.
      const inc = incidentDetail.parse(await res.json()).incident;
      const act = await api.post(`/api/v1/incidents/${inc.id}/actions`, {
        headers: csrf,
        data: { version: inc.version, action: 'accept' },
      });
      expect(act.status(), await act.text()).toBe(200);
    }
  }
  await api.dispose();

  await loginAs(page, 'dispatcher');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('/analysis?period=7d');
  await expect(page.getByTestId('analysis-page')).toBeVisible();
  await expect(page.getByTestId('nav-analysis')).toHaveClass(/active/);

  // The trend chart: its numbers are the breakdown's by day, for the same filter.
  const trend = await chartValues(page, 'chart-trend');
  expect(trend.url).toContain('by=day');
  expect(trend.url).toContain('period=7d');
  const byDay = breakdownReply.parse(await apiFromPage(page, trend.url));
  expect(trend.keys).toEqual(byDay.rows.map((r) => r.key));
  expect(trend.series.reported).toEqual(byDay.rows.map((r) => r.counts.reported));
  expect(trend.series.closed).toEqual(byDay.rows.map((r) => r.counts.closed));
  expect(trend.series.reported!.reduce((s, v) => s + v, 0)).toBeGreaterThanOrEqual(categories.length);

  // The category chart: the API's categories by count.
  const cats = await chartValues(page, 'chart-category');
  const byCategory = breakdownReply.parse(await apiFromPage(page, cats.url));
  for (const [i, key] of cats.keys.entries())
    expect(cats.series.reported![i], key).toBe(byCategory.rows.find((r) => r.key === key)!.counts.reported);
  expect(cats.keys).toContain('noise');

  // A KPI tile: the value it holds and the figure it prints are the API's.
  const kpiUrl = (await page.getByTestId('analysis-figures').getAttribute('data-url'))!;
  const kpis = kpiReply.parse(await apiFromPage(page, kpiUrl));
  const reported = page.getByTestId('kpi-reported');
  await expect(reported).toHaveAttribute('data-value', String(kpis.now.counts.reported));
  expect(Number((await reported.getByTestId('kpi-value').textContent())!.replace(/[^\d]/g, ''))).toBe(
    kpis.now.counts.reported,
  );
  expect(kpis.now.counts.reported).toBeGreaterThanOrEqual(categories.length);
  await expect(page.getByTestId('kpi-open')).toHaveAttribute('data-value', String(kpis.open));
  const priorities = await chartValues(page, 'chart-alarm-priority');
  expect(priorities.series.raised).toEqual(priorities.keys.map((k) => kpis.alarms.now.byPriority[k]));
  await page.screenshot({ path: testInfo.outputPath('analysis-figures.png'), fullPage: true });

  // The breakdown table (by sub-region) and its CSV download: the file is the API's CSV, whose
  // rows are the JSON's rows.
  const table = page.getByTestId('breakdown');
  await expect(table.getByTestId('breakdown-row').first()).toBeVisible();
  const tableUrl = (await table.getAttribute('data-url'))!;
  const byRegion = breakdownReply.parse(await apiFromPage(page, tableUrl));
  await expect(table.getByTestId('breakdown-row')).toHaveCount(byRegion.rows.length);
  const download = page.waitForEvent('download');
  await table.getByTestId('breakdown-csv').click();
  const file = readFileSync(await (await download).path(), 'utf8');
  const csvUrl = (await table.getByTestId('breakdown-csv').getAttribute('href'))!;
  expect(csvUrl).toBe(`${tableUrl}&format=csv`);
  const direct = await page.request.get(csvUrl);
  expect(direct.headers()['content-type']).toContain('text/csv');
  expect(file).toBe(await direct.text());
  const [header, ...rows] = parseCsv(file);
  expect(header!.slice(0, 3)).toEqual(['key', 'label', 'reported']);
  expect(rows.map((r) => [r[0], r[1], Number(r[2])])).toEqual(
    byRegion.rows.map((r) => [r.key, r.label, r.counts.reported]),
  );

  // Drilling down into the district with the most: the page's region follows, the figures too.
  const district = [...byRegion.rows].sort((a, b) => (b.counts.reported ?? 0) - (a.counts.reported ?? 0))[0]!;
  await table.locator(`[data-testid="breakdown-row"][data-key="${district.key}"]`).click();
  await expect(page).toHaveURL(new RegExp(`region=${district.key}`));
  await expect(page.getByTestId('analysis-figures')).toHaveAttribute('data-url', new RegExp(`region=${district.key}`));
  const drilled = kpiReply.parse(
    await apiFromPage(page, (await page.getByTestId('analysis-figures').getAttribute('data-url'))!),
  );
  expect(drilled.region.code).toBe(district.key);
  await expect(page.getByTestId('kpi-reported')).toHaveAttribute('data-value', String(drilled.now.counts.reported));
  expect(drilled.now.counts.reported).toBe(district.counts.reported);

  // The monthly grid analysis of the street that has the new incidents.
  await page.goto(`/analysis?tab=grids&region=${street}`);
  const change = await chartValues(page, 'chart-grid-change');
  const analysis = gridAnalysisReply.parse(await apiFromPage(page, change.url));
  expect(change.series.now).toEqual(change.keys.map((c) => analysis.change[c]!.now));
  expect(change.series.before).toEqual(change.keys.map((c) => analysis.change[c]!.before));
  expect(change.series.now!.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
  await expect(page.getByTestId('grid-row')).toHaveCount(analysis.rows.length);
  const busiest = [...analysis.rows].sort((a, b) => b.total - a.total || a.grid.localeCompare(b.grid))[0]!;
  const row = page.locator(`[data-testid="grid-row"][data-grid="${busiest.grid}"]`);
  await expect(row).toHaveAttribute('data-total', String(busiest.total));
  await page.screenshot({ path: testInfo.outputPath('analysis-grids.png'), fullPage: true });

  // A grid's card: each category's 12 months are the API's.
  await row.click();
  const card = page.getByTestId('analysis-grid-card');
  await expect(card).toHaveAttribute('data-url', /.+/);
  const cardReply = gridCardReply.parse(await apiFromPage(page, (await card.getAttribute('data-url'))!));
  const lines = card.getByTestId('grid-sparkline');
  await expect(lines.first()).toBeVisible();
  for (const line of await lines.all()) {
    const category = (await line.getAttribute('data-category'))!;
    expect(JSON.parse((await line.getAttribute('data-values'))!), category).toEqual(cardReply.series[category]);
  }
  await expect(card.getByTestId('grid-card-open')).toHaveText(String(cardReply.open));
  await expect(page).toHaveURL(new RegExp(`grid=${busiest.grid}`));
  await page.waitForTimeout(600); // the drawer's entrance
  await page.screenshot({ path: testInfo.outputPath('analysis-grid-card.png') });

  // In English: the labels change, the numbers do not.
  await page.keyboard.press('Escape');
  await page.evaluate(() => localStorage.setItem('locale', 'en'));
  await page.goto('/analysis?period=7d');
  await expect(page.getByTestId('kpi-reported')).toContainText('Reported');
  await expect(page.getByTestId('kpi-reported')).toHaveAttribute('data-value', String(kpis.now.counts.reported));
  await expect(page.getByTestId('chart-trend')).toHaveAttribute('data-values', /.+/);
  await page.waitForTimeout(500);
  await page.screenshot({ path: testInfo.outputPath('analysis-en.png'), fullPage: true });

  expect(errors).toEqual([]);
});

test('the desk loads no ECharts; the analysis page loads it when it charts', async ({ page }) => {
  test.setTimeout(90_000);
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  await loginAs(page, 'dispatcher');
  await page.goto('/desk');
  await expect(page.locator('.desk')).toHaveAttribute('data-drawn', 'true', { timeout: 45_000 });
  await page.waitForTimeout(500);
  expect(scripts.some((s) => s.includes('/assets/DeskPage-'))).toBe(true);
  expect(scripts.filter((s) => /echarts|AnalysisPage/.test(s))).toEqual([]);

  await page.getByTestId('nav-analysis').click();
  await expect(page.getByTestId('chart-trend')).toHaveAttribute('data-values', /.+/);
  await expect.poll(() => scripts.some((s) => /\/assets\/echarts-[\w-]+\.js$/.test(s))).toBe(true);
});
