/**
 * Wall presets over HTTP (issue 17): the default and the major-event preset are seeded; a city-wide admin writes one (audited),
 * any screen role reads what its wall shows; a preset naming an unknown panel, a panel twice, a
 * dwell out of range, or a bad id is a 400 naming the field; the default cannot be deleted; a
 * district admin may not edit the city's presets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { backends, signIn, testConfig, TEST_PASSWORD } from './helpers';
import { createApp, type Hub } from '@server/app';
import { auditPage } from '@shared/auth';
import { DEFAULT_WALL_PRESET, DEFAULT_WALL_PRESET_ID, wallPreset, wallState } from '@shared/wall';

const API = '/api/v1';

describe.each(backends.slice(0, 1))('wall presets on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    hub = createApp(testConfig({ ...p.config }), { logger: pino({ level: 'silent' }) });
    url = `http://127.0.0.1:${(await hub.listen()).port}`;
    await hub.ready;
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  const put = async (id: string, body: unknown, who = 'admin') => {
    const s = await signIn(url, who, TEST_PASSWORD);
    return s.fetch(`${url}${API}/wall/presets/${encodeURIComponent(id)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };

  it('a wall shows the seeded default; an admin writes presets, audited', async () => {
    const wall = await signIn(url, 'wall', TEST_PASSWORD);
    const state = wallState.parse(await (await wall.fetch(`${url}${API}/wall`)).json());
    expect(state.because).toEqual({ kind: 'default' });
    expect(state.preset).toMatchObject({ id: DEFAULT_WALL_PRESET_ID, ...DEFAULT_WALL_PRESET });

    const res = await put('event-hall', { ...DEFAULT_WALL_PRESET, name: '活动大厅', fixed: ['coverage'], rotate: [] });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(wallPreset.parse(JSON.parse(text))).toMatchObject({ id: 'event-hall', fixed: ['coverage'] });
    const list = (await (await wall.fetch(`${url}${API}/wall/presets`)).json()) as { presets: { id: string }[] };
    expect(list.presets.map((p) => p.id)).toEqual(['default', 'event-hall', 'major-event']);
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    const audit = auditPage.parse(
      await (await admin.fetch(`${url}${API}/admin/audit?action=wall_preset.create`)).json(),
    );
    expect(audit.records.map((i) => i.target)).toContain('wall_preset:event-hall');
    const del = await admin.fetch(`${url}${API}/wall/presets/event-hall`, { method: 'DELETE' });
    expect(del.status).toBe(204);
  });

  it('bad presets are a 400 naming the field; the default cannot go', async () => {
    const cases: [string, unknown, string][] = [
      ['x', { ...DEFAULT_WALL_PRESET, fixed: ['weather'] }, 'body.fixed.0'],
      ['x', { ...DEFAULT_WALL_PRESET, fixed: ['kpis'], rotate: ['kpis'] }, 'body.rotate.0'],
      ['x', { ...DEFAULT_WALL_PRESET, dwellSeconds: 1 }, 'body.dwellSeconds'],
      ['x', { ...DEFAULT_WALL_PRESET, stageSeconds: 'long' }, 'body.stageSeconds'],
      ['x', { ...DEFAULT_WALL_PRESET, name: '' }, 'body.name'],
      ['x', { ...DEFAULT_WALL_PRESET, fixed: [], rotate: [] }, 'body.fixed'],
      ['x', { ...DEFAULT_WALL_PRESET, region: '36\u0000' }, 'body.region'],
      ['x', { ...DEFAULT_WALL_PRESET, extra: 1 }, 'body'],
      ['Bad Id', DEFAULT_WALL_PRESET, 'id'],
    ];
    for (const [id, body, field] of cases) {
      const res = await put(id, body);
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(text).toContain(field);
    }
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    const del = await admin.fetch(`${url}${API}/wall/presets/${DEFAULT_WALL_PRESET_ID}`, { method: 'DELETE' });
    expect(del.status).toBe(409);
    expect((await admin.fetch(`${url}${API}/wall/presets/none`, { method: 'DELETE' })).status).toBe(404);
  });
});
