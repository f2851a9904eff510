/**
 * Events → alarms → screens (issue 5), on both backends: a fence intrusion raises a priority-1
 * alarm with its loudspeaker and nearest cameras, pushed to the screens of its region only (city
 * and district, not the other district); acknowledging it in scope reaches every screen with a
 * higher rev; a screen cut off while events flow catches up with exactly the server's set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, postEvents, signIn, startEventHub, unfoldRules, type Signed } from './helpers';
import type { Hub } from '@server/app';
import { generateDemoCity } from '@server/demo';
import { offsetM } from '@server/demo/geo';
import { alarmSyncReply, alarmView } from '@shared/alarms';
import type { EventInput } from '@shared/ingest';
import type { LonLat } from '@shared/world';
import { ScreenSocket, until } from './screen';

const API = '/api/v1';
const KEY = 'alarm-test-key-0123456789';

describe.each(backends)('alarms on $name', (backend) => {
  let stop: (() => Promise<void>) | undefined;
  let hub: Hub;
  let url: string;
  const screens: ScreenSocket[] = [];
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const fence = city.zones.find((z) => z.kind === 'railway' && z.shape.type === 'corridor')!;
  const fenceLine = (fence.shape as { line: LonLat[] }).line;
  const onFence = offsetM(fenceLine[0]!, 0, 0);
  const keyPerson = city.zones.find((z) => z.kind === 'key_person' && z.shape.type === 'circle')!;
  let n = 0;
  const event = (over: Partial<EventInput>): EventInput => ({
    id: `a-${++n}`,
    source: 'fence',
    type: 'fence_intrusion',
    at: new Date().toISOString(),
    location: { lon: onFence[0], lat: onFence[1] },
    ...over,
  });
  const post = (body: unknown) => postEvents(url, KEY, body);
  /** A screen holding the alarms in its scope (a snapshot, then what is pushed). */
  const screen = async (s: Signed) => {
    const sc = new ScreenSocket(url, s.cookie);
    screens.push(sc);
    await sc.ready();
    await sc.syncAlarms();
    return sc;
  };

  beforeAll(async () => {
    ({ hub, url, stop } = await startEventHub(backend, KEY));
  });
  afterAll(async () => {
    for (const s of screens) s.socket.disconnect();
    await stop?.();
  });

  it('raises a fence alarm with its loudspeaker and cameras, on the screens of its region only', async () => {
    const fenceDistrict = fence.gridCode.slice(0, 6);
    const other = ['360102', '360103', '360113'].find((d) => d !== fenceDistrict)!;
    const cityScreen = await screen(await signIn(url, 'dispatcher'));
    const mine = await screen(await signIn(url, `dispatcher-${fenceDistrict}`));
    const theirs = await screen(await signIn(url, `dispatcher-${other}`));

    // How fast is the realtime bench's business (BENCHMARKS.md); here: that it arrives at all.
    expect(await post(event({}))).toMatchObject({ accepted: 1 });
    await until(() => cityScreen.alarms.size === 1 && mine.alarms.size === 1, 10_000);
    const [alarm] = [...mine.alarms.values()];
    expect(alarm).toMatchObject({
      priority: 1,
      status: 'new',
      rule: { id: 'fence-intrusion' },
      zone: { id: fence.id },
    });
    expect(alarm!.cameraIds.length).toBe(3);
    expect(alarm!.broadcast?.say).toMatch(/铁路/);
    expect(city.speakers.find((s) => s.id === alarm!.broadcast?.speakerId)?.railwayId).toBe(fence.railwayId);
    await new Promise((r) => setTimeout(r, 200));
    expect(theirs.alarms.size).toBe(0);
    expect(theirs.alarmBatches).toBe(0);

    // The same event again raises nothing.
    expect(await post(event({ id: `a-${n}` }))).toMatchObject({ accepted: 0, duplicates: 1 });
    // A stranger by a key person's home is priority 2; a noise report raises nothing.
    const kp = (keyPerson.shape as { center: LonLat }).center;
    await post({
      events: [
        event({ source: 'camera', type: 'stranger', location: { lon: kp[0], lat: kp[1] } }),
        event({ source: 'citizen', type: 'noise', location: { lon: kp[0], lat: kp[1] } }),
      ],
    });
    await until(() => cityScreen.alarms.size === 2);
    expect([...cityScreen.alarms.values()].map((a) => a.priority).sort()).toEqual([1, 2]);
  });

  it('acknowledging in scope reaches every screen with a higher rev; outside scope is refused', async () => {
    const fenceDistrict = fence.gridCode.slice(0, 6);
    const other = ['360102', '360103', '360113'].find((d) => d !== fenceDistrict)!;
    const watcher = await screen(await signIn(url, 'commander'));
    const target = [...watcher.alarms.values()].find((a) => a.rule.id === 'fence-intrusion')!;
    const outsider = await signIn(url, `dispatcher-${other}`);
    const act = (s: Signed, action: string) =>
      s.fetch(`${url}${API}/alarms/${target.id}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action }),
      });
    expect((await act(outsider, 'acknowledge')).status).toBe(403);
    const insider = await signIn(url, `dispatcher-${fenceDistrict}`);
    const res = await act(insider, 'acknowledge');
    expect(res.status).toBe(200);
    const updated = alarmView.parse(await res.json());
    expect(updated.rev).toBeGreaterThan(target.rev);
    await until(() => watcher.alarms.get(target.id)?.status === 'acknowledged');
    expect(watcher.alarms.get(target.id)?.handledBy).toBe(`dispatcher-${fenceDistrict}`);
    expect((await act(insider, 'acknowledge')).status).toBe(409);
    expect((await act(insider, 'shrug')).status).toBe(400);
    // Viewers read alarms but do not handle them.
    expect((await act(await signIn(url, 'viewer'), 'false_alarm')).status).toBe(403);
  });

  it('admins edit the rules: a disabled rule raises nothing, a bad rule is refused by field', async () => {
    const admin = await signIn(url, 'admin');
    const rules = (await (await admin.fetch(`${url}${API}/rules`)).json()) as {
      rules: { id: string; enabled: boolean }[];
    };
    const rule = rules.rules.find((r) => r.id === 'key-person-stranger')!;
    const put = (body: unknown, id = rule.id) =>
      admin.fetch(`${url}${API}/rules/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await put({ ...rule, enabled: false })).status).toBe(200);
    const watcher = await screen(await signIn(url, 'dispatcher'));
    const before = watcher.alarms.size;
    const kp = (keyPerson.shape as { center: LonLat }).center;
    expect(
      await post(event({ source: 'camera', type: 'stranger', location: { lon: kp[0], lat: kp[1] } })),
    ).toMatchObject({ accepted: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.alarms.size).toBe(before);
    const bad = await put({ ...rule, priority: 7 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^body\.priority/);
    expect((await put({ ...rule, enabled: true }, 'other-id')).status).toBe(400);
    expect((await put({ ...rule, enabled: true })).status).toBe(200);
    const audit = (await (await admin.fetch(`${url}${API}/admin/audit?action=rule.`)).json()) as { records: unknown[] };
    expect(audit.records.length).toBe(2);
  });

  it('a screen cut off for a while catches up with exactly the server’s set: no gap, no duplicate', async () => {
    // Every event its own alarm here (no flood control): the fence rule folds nothing.
    await unfoldRules(url, ['fence-intrusion'], 'test-pass-2026');
    const s = await screen(await signIn(url, 'dispatcher'));
    const posting = (async () => {
      for (let i = 0; i < 20; i++) {
        await post({ events: [event({}), event({})] });
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await new Promise((r) => setTimeout(r, 150));
    s.socket.disconnect(); // cut off while events flow
    const heldWhenCut = s.alarms.size;
    await new Promise((r) => setTimeout(r, 500));
    s.socket.connect();
    await new Promise<void>((r) => s.socket.once('connect', () => r()));
    expect((await s.syncAlarms()).mode).toBe('delta'); // what it missed, not everything again
    expect(s.alarms.size).toBeGreaterThan(heldWhenCut);
    await posting;
    // The last batches are on their way (a busy machine may hold them a while): the screen ends
    // holding exactly the server's open set.
    const reader = await signIn(url, 'dispatcher');
    const serverSet = async () => alarmSyncReply.parse(await (await reader.fetch(`${url}${API}/alarms`)).json());
    const held = () =>
      [...s.alarms.values()]
        .filter((a) => a.status === 'new' || a.status === 'acknowledged')
        .map((a) => `${a.id}@${a.rev}`)
        .sort();
    let server = await serverSet();
    for (let t0 = Date.now(); Date.now() - t0 < 5_000; server = await serverSet()) {
      if (JSON.stringify(held()) === JSON.stringify(server.alarms.map((a) => `${a.id}@${a.rev}`).sort())) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(held()).toEqual(server.alarms.map((a) => `${a.id}@${a.rev}`).sort());
    expect(server.alarms.length).toBeGreaterThanOrEqual(40);
    // A new screen (nothing held) gets a snapshot of the open alarms.
    const fresh = new ScreenSocket(url, (await signIn(url, 'viewer')).cookie);
    screens.push(fresh);
    await fresh.ready();
    expect((await fresh.syncAlarms()).mode).toBe('snapshot');
    expect(fresh.alarms.size).toBe(server.alarms.length);

    // Far behind, the delta comes in pages, each complete up to its rev, never a capped snapshot:
    // paged from 0 it holds every change, the same as one delta of them all.
    const principal = { id: 'paging', role: 'dispatcher' as const, scope: '360100' };
    const whole = await hub.services().alarms.sync(principal, 0, 1_000_000);
    expect(whole.more).toBeUndefined();
    const paged = new Map<string, number>();
    let since = 0;
    let pages = 0;
    for (let more = true; more; pages++) {
      const page = await hub.services().alarms.sync(principal, since, 7);
      expect(page.mode).toBe('delta');
      expect(page.alarms.length).toBeLessThanOrEqual(7);
      for (const a of page.alarms) {
        expect(a.rev).toBeGreaterThan(since);
        expect(a.rev).toBeLessThanOrEqual(page.rev);
        paged.set(a.id, a.rev);
      }
      since = page.rev;
      more = page.more === true;
    }
    expect(pages).toBe(Math.max(1, Math.ceil(whole.alarms.length / 7)));
    expect(since).toBe(whole.rev);
    expect([...paged].map(([id, rev]) => `${id}@${rev}`).sort()).toEqual(
      whole.alarms.map((a) => `${a.id}@${a.rev}`).sort(),
    );
  });
});
