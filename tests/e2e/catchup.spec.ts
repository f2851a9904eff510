/**
 * A catch-up that never gives up (issue 13, point 5). The desk's socket goes through Playwright's
 * `page.routeWebSocket`, which forwards every frame but holds back the hub's answers to the first
 * `alarm:sync` and to the first two `incident:sync` requests until the desk has asked again (so a
 * desk that never retried would never see them). Thirty-odd open incidents and alarms exist before
 * the desk opens and more are raised while it waits: it says 'resyncing' (alarms and incidents
 * behind, then incidents only) and ends 'live' listing every open incident and alarm the API lists.
 *
 * Frames on the wire (Engine.IO message '4' + Socket.IO packet): the desk asks with
 * `42<id>["incident:sync",{"since":null}]`, the hub answers with `43<id>[{...}]`.
 */
import { expect, test, type APIRequestContext, type Page, type WebSocketRoute } from '@playwright/test';
import { alarmSyncReply } from '@shared/alarms';
import { incidentPage } from '@shared/incidents';
import { apiLogin, loginAs } from './login';
import { setFoldMinutes } from './rules';

/** The e2e hub's ingest key (playwright.config.ts: INGEST_API_KEY). */
const INGEST_KEY = 'e2e-ingest-key-0123456789';
/**
 * The desk's sync timeout, shortened through its diagnostics setting (client/src/realtime/socket.ts:
 * SYNC_TIMEOUT_KEY) from 8 s so the test waits seconds, not tens of them.
 */
const SYNC_TIMEOUT_KEY = 'cd.diag.syncTimeoutMs';
const SYNC_TIMEOUT_MS = 3_000;
/** How many of each request's first answers are held back. */
const HOLD: Record<string, number> = { 'alarm:sync': 1, 'incident:sync': 2 };
const SEED = 30;
const run = Date.now().toString(36);

type Feature = { geometry: { coordinates: [number, number][] } };

/** Holds the hub's first answers back, releasing them once the desk has asked again; counts what it saw. */
function holdFirstAnswers(ws: WebSocketRoute) {
  const server = ws.connectToServer();
  const asked = new Map<string, string[]>(); // event → its requests' ack ids, in order
  const heldIds = new Map<string, string>(); // ack id → event, while held
  const stored = new Map<string, string>(); // ack id → the answer frame, once the hub sent it
  const late: string[] = []; // events whose held answer went to the desk after its retry
  const send = (frame: string | Buffer) => {
    try {
      ws.send(frame);
    } catch {
      // The page is gone.
    }
  };
  ws.onMessage((frame) => {
    server.send(frame);
    if (typeof frame !== 'string') return;
    const m = /^42(\d+)\["((?:alarm|incident):sync)"/.exec(frame);
    if (!m) return;
    const [, id, event] = m as unknown as [string, string, string];
    const ids = asked.get(event) ?? [];
    ids.push(id);
    asked.set(event, ids);
    const hold = HOLD[event] ?? 0;
    if (ids.length <= hold) heldIds.set(id, event);
    else if (ids.length === hold + 1) {
      // The desk asked again: what it was not given may go now, late.
      for (const held of ids.slice(0, hold)) {
        heldIds.delete(held);
        const answer = stored.get(held);
        if (answer !== undefined) {
          late.push(event);
          send(answer);
        }
      }
    }
  });
  server.onMessage((frame) => {
    if (typeof frame === 'string') {
      const m = /^43(\d+)\[/.exec(frame);
      if (m && heldIds.has(m[1]!)) {
        stored.set(m[1]!, frame);
        return;
      }
    }
    send(frame);
  });
  return { asked, late };
}

async function postEvents(request: APIRequestContext, events: object[]): Promise<void> {
  const res = await request.post('/api/v1/events', {
    headers: { authorization: `Bearer ${INGEST_KEY}` },
    data: { events },
  });
  expect(res.status(), await res.text()).toBe(202);
}

/** What the API lists as open to this user: alarm ids and incident ids. */
async function openOnHub(api: APIRequestContext): Promise<{ alarms: string[]; incidents: string[] }> {
  const alarms = alarmSyncReply
    .parse(await (await api.get('/api/v1/alarms')).json())
    .alarms.filter((a) => a.status === 'new' || a.status === 'acknowledged');
  const incidents: string[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ status: 'open', limit: '500', ...(cursor ? { cursor } : {}) });
    const page = incidentPage.parse(await (await api.get(`/api/v1/incidents?${q.toString()}`)).json());
    incidents.push(...page.incidents.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  return { alarms: alarms.map((a) => a.id).sort(), incidents: incidents.sort() };
}

/**
 * Runs in the page before its scripts: records every (state, streams behind) the connection
 * indicator shows, as 'state:behind', so a brief one is not missed by polling.
 */
function recordConnectionStates(): void {
  const w = window as unknown as { connStates: string[] };
  w.connStates = [];
  const watch = (el: Element) => {
    const record = () => {
      const s = `${el.getAttribute('data-state') ?? ''}:${el.getAttribute('data-behind') ?? ''}`;
      if (w.connStates[w.connStates.length - 1] !== s) w.connStates.push(s);
    };
    record();
    new MutationObserver(record).observe(el, { attributes: true, attributeFilter: ['data-state', 'data-behind'] });
  };
  new MutationObserver((_, observer) => {
    const el = document.querySelector('[data-testid="connection-state"]');
    if (!el) return;
    observer.disconnect();
    watch(el);
  }).observe(document, { childList: true, subtree: true });
}

const alarmRowIds = (page: Page) =>
  page.getByTestId('alarm-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? '').sort());

/** Every row of the (virtualised) incident list: scrolled through top to bottom. */
function incidentRowIds(page: Page): Promise<string[]> {
  return page.getByTestId('incident-list').evaluate(async (list) => {
    const scroller = [list, ...list.querySelectorAll<HTMLElement>('*')].find(
      (e) => e.scrollHeight > e.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(e).overflowY),
    );
    const ids = new Set<string>();
    const grab = () =>
      list.querySelectorAll('[data-testid="incident-row"]').forEach((r) => ids.add(r.getAttribute('data-id') ?? ''));
    // The list draws the rows in view on its scroll event: two frames, and a little more on a slow machine.
    const settle = () =>
      new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))));
    if (scroller) {
      scroller.scrollTop = 0;
      await settle();
      grab();
      while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
        scroller.scrollTop += Math.max(1, scroller.clientHeight / 3);
        await settle();
        grab();
      }
      scroller.scrollTop = 0;
    } else grab();
    return [...ids].sort();
  });
}

// One alarm per event here: flood control off for the rules these tests post to (tests/e2e/rules.ts).
// eslint-disable-next-line no-empty-pattern -- Playwright's form for a hook that needs only testInfo
test.beforeAll(async ({}, testInfo) => setFoldMinutes(testInfo.project.use.baseURL!, ['fence-intrusion'], 0));

test('a desk whose first catch-up answers come too late asks again and ends with every open incident and alarm', async ({
  page,
  request,
  baseURL,
}, testInfo) => {
  test.setTimeout(240_000);
  const { api, csrf } = await apiLogin(baseURL!, 'dispatcher');
  const fences = (
    (await (await api.get('/api/v1/layers/zone-corridors.geojson')).json()) as { features: Feature[] }
  ).features.map((f) => f.geometry.coordinates[0]!);
  expect(fences.length).toBeGreaterThan(0);
  const at = (n: number) => fences[n % fences.length]!;
  const fence = (n: number) => ({
    id: `e2e-catchup-${run}-fence-${n}`,
    source: 'fence',
    type: 'fence_intrusion',
    at: new Date().toISOString(),
    location: { lon: at(n)[0], lat: at(n)[1] },
  });
  const createIncident = async (n: number) => {
    const res = await api.post('/api/v1/incidents', {
      headers: csrf,
      data: {
        category: 'noise',
        priority: 1 + (n % 4),
        title: `e2e catch-up ${run} #${n}`,
        location: { lon: at(n)[0] + 0.001, lat: at(n)[1] + 0.001 },
      },
    });
    expect(res.status(), await res.text()).toBe(201);
  };

  // Open work before the desk opens: alarms (fence intrusions, which also open priority-1 incidents) and incidents.
  await postEvents(
    request,
    Array.from({ length: SEED }, (_, n) => fence(n)),
  );
  for (let n = 0; n < SEED; n++) await createIncident(n);
  const seeded = await openOnHub(api);
  expect(seeded.alarms.length).toBeGreaterThanOrEqual(SEED);
  expect(seeded.incidents.length).toBeGreaterThanOrEqual(SEED);

  await page.addInitScript(([key, ms]) => localStorage.setItem(key, ms), [
    SYNC_TIMEOUT_KEY,
    String(SYNC_TIMEOUT_MS),
  ] as const);
  await page.addInitScript(recordConnectionStates);
  let wire: ReturnType<typeof holdFirstAnswers> | null = null;
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    // The first connection only; a reconnect, should one happen, goes through untouched.
    if (wire === null) wire = holdFirstAnswers(ws);
    else ws.connectToServer();
  });
  await loginAs(page, 'dispatcher');
  await page.goto('/desk');
  const conn = page.getByTestId('connection-state');

  // Greeted, both answers held back: resyncing. (The page's timers and rendering crawl on a loaded
  // machine: the waits here are generous; the order of states is checked from the page's record.)
  await expect(conn).toHaveAttribute('data-state', 'resyncing', { timeout: 60_000 });
  // More work while the desk waits: its pushes arrive before the (older) answers and must survive them.
  await postEvents(request, [fence(SEED), fence(SEED + 1), fence(SEED + 2)]);
  for (let n = SEED; n < SEED + 3; n++) await createIncident(n);
  await page.screenshot({ path: testInfo.outputPath('catchup-resyncing.png'), timeout: 60_000 });

  // Live only once both streams hold the hub's set: alarms first (their answer was held once), then
  // incidents (held twice).
  await expect(conn).toHaveAttribute('data-state', 'live', { timeout: 120_000 });
  await expect(conn).toHaveText('实时');
  const states = await page.evaluate(() => (window as unknown as { connStates: string[] }).connStates);
  const seen = `states seen: ${states.join(' → ')}`;
  const both = states.indexOf('resyncing:alarms incidents');
  const incidentsOnly = states.indexOf('resyncing:incidents');
  expect(both, seen).toBeGreaterThanOrEqual(0);
  expect(incidentsOnly, seen).toBeGreaterThan(both);
  expect(states.indexOf('live:'), seen).toBeGreaterThan(incidentsOnly);

  const w = wire as ReturnType<typeof holdFirstAnswers> | null;
  expect(w, 'the socket went through the route').not.toBeNull();
  expect(w!.asked.get('alarm:sync')?.length ?? 0, 'the desk asked alarm:sync again').toBeGreaterThanOrEqual(2);
  expect(w!.asked.get('incident:sync')?.length ?? 0, 'the desk asked incident:sync twice more').toBeGreaterThanOrEqual(
    3,
  );
  expect(w!.late.sort(), 'the held answers went to the desk after its retries').toEqual([
    'alarm:sync',
    'incident:sync',
    'incident:sync',
  ]);

  // Every open incident and alarm the hub lists, each once, and nothing else.
  const onHub = await openOnHub(api);
  expect(onHub.incidents.length).toBeGreaterThanOrEqual(seeded.incidents.length + 3);
  await page.getByTestId('desk-tab-incidents').click({ timeout: 60_000 });
  await expect(page.getByTestId('desk-tab-incident-count')).toHaveText(String(onHub.incidents.length), {
    timeout: 30_000,
  });
  await expect.poll(() => incidentRowIds(page), { timeout: 30_000 }).toEqual(onHub.incidents);
  await page.screenshot({ path: testInfo.outputPath('catchup-incidents-live.png') });
  await page.getByTestId('desk-tab-alarms').click();
  await expect.poll(() => alarmRowIds(page), { timeout: 30_000 }).toEqual(onHub.alarms);
  await expect(conn).toHaveAttribute('data-state', 'live');
  await page.screenshot({ path: testInfo.outputPath('catchup-alarms-live.png') });
  await api.dispose();
});
