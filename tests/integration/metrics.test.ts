/**
 * GET /metrics (issue 13, operability): Prometheus text from this hub's own registry, read with
 * the METRICS_TOKEN or by an admin's session; a dispatcher 403, nobody 401, a wrong token 401.
 * Posting events moves the counters; two registries in one process keep their own counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import { connected, openSocket } from './screen';
import type { Hub } from '@server/app';
import { generateDemoCity } from '@server/demo';
import { HubMetrics } from '@server/core/metrics';
import { metricsRoutes } from '@server/routes/metrics';
import { errorHandler } from '@server/core/http-errors';
import { createLogger } from '@server/core/logging';

const API = '/api/v1';
const TOKEN = 'metrics-token-for-the-test-0123456789';

/** The value of one sample (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(backends)('metrics on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let admin: Signed;
  let key: string;
  const grid = generateDemoCity({ scale: 'small', seed: 7 }).regions.find(
    (r) => r.level === 'grid' && r.code.startsWith('360103'),
  )!;
  const event = (id: string) => ({
    id,
    source: 'camera',
    type: 'stranger',
    at: new Date().toISOString(),
    location: { lon: grid.center[0], lat: grid.center[1] },
  });
  const scrape = (headers: Record<string, string> = {}) => fetch(`${url}/metrics`, { headers });

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(testConfig({ ...p.config, metricsToken: TOKEN })));
    admin = await signIn(url, 'admin');
    const res = await admin.fetch(`${url}${API}/admin/device-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'metrics sensor', scope: '360103' }),
    });
    key = ((await res.json()) as { secret: string }).secret;
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('counts events in and refused, group commits, queries and sockets, read with the token', async () => {
    const before = await (await scrape({ authorization: `Bearer ${TOKEN}` })).text();
    const inBefore = sample(before, 'events_in_total', '{channel="http"}') ?? 0;
    const post = (body: unknown) =>
      fetch(`${url}${API}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
    const run = Date.now().toString(36);
    expect(
      (await post({ events: [event(`${run}-1`), event(`${run}-2`), { ...event(`${run}-3`), type: 'alien_landing' }] }))
        .status,
    ).toBe(202);
    expect((await post(event(`${run}-4`))).status).toBe(202);
    expect((await post({ ...event(`${run}-5`), type: 'alien_landing' })).status).toBe(400);
    const socket = openSocket(url, admin.cookie);
    await connected(socket);
    await new Promise((resolve) => socket.emit('alarm:sync', { since: null }, resolve));

    const res = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    socket.disconnect();
    expect(sample(text, 'events_in_total', '{channel="http"}')).toBe(inBefore + 3);
    expect(sample(text, 'events_rejected_total', '{channel="http"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'group_commit_events_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'db_query_seconds_count')).toBeGreaterThan(0);
    expect(sample(text, 'sockets')).toBe(1);
    expect(sample(text, 'catchup_requests_total', '{kind="alarm:sync"}')).toBe(1);
    expect(text).toMatch(/^# TYPE event_loop_delay_seconds gauge$/m);
    expect(text).toMatch(/^# TYPE dead_letters_total counter$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('is for a city-wide admin or the token: a dispatcher 403, no credential 401, a wrong token 401', async () => {
    const asAdmin = await admin.fetch(`${url}/metrics`);
    expect(asAdmin.status).toBe(200);
    expect(await asAdmin.text()).toMatch(/^# HELP events_in_total /m);

    const dispatcher = await signIn(url, 'dispatcher');
    expect((await dispatcher.fetch(`${url}/metrics`)).status).toBe(403);
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong-token-wrong-token-wrong' })).status).toBe(401);
    expect((await scrape({ authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    // A device key is not the metrics token, and a token does not excuse a bad header.
    expect((await scrape({ authorization: `Bearer ${key}` })).status).toBe(401);
    expect((await scrape({ authorization: TOKEN })).status).toBe(401);
    // With the wrong token, a good session cookie does not help: the header decides.
    expect(
      (await admin.fetch(`${url}/metrics`, { headers: { authorization: 'Bearer nope-nope-nope-nope' } })).status,
    ).toBe(401);
  });
});

describe('metrics without a token', () => {
  it('refuses every bearer, and keeps each hub its own registry', async () => {
    // The route alone (no hub to start): without METRICS_TOKEN no bearer is good.
    const app = express();
    const metrics = new HubMetrics({ defaultMetrics: false });
    app.use(metricsRoutes({ metrics, token: undefined, session: [] }));
    app.use(errorHandler(createLogger({ logLevel: 'silent', logFormat: 'json' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const at = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      expect((await fetch(at, { headers: { authorization: 'Bearer anything-at-all-0123456789' } })).status).toBe(401);
      expect((await fetch(at, { headers: { authorization: 'Bearer ' } })).status).toBe(401);
      expect((await fetch(at)).status).toBe(401);
      // A second registry of the same names in the same process: no clash, separate counts.
      const other = new HubMetrics({ defaultMetrics: false });
      other.eventsIn('mqtt', 5);
      metrics.eventsIn('mqtt', 2);
      expect(sample(await other.text(), 'events_in_total', '{channel="mqtt"}')).toBe(5);
      expect(sample(await metrics.text(), 'events_in_total', '{channel="mqtt"}')).toBe(2);
      // The MQTT subscriber's own counts are added as they grow.
      const stats = { accepted: 4, rejected: 1, malformed: 2, deadLettered: 2 };
      other.followMqtt(() => stats);
      stats.accepted = 10;
      const text = await other.text();
      expect(sample(text, 'events_in_total', '{channel="mqtt"}')).toBe(15);
      expect(sample(text, 'events_rejected_total', '{channel="mqtt"}')).toBe(3);
      expect(sample(text, 'dead_letters_total')).toBe(2);
      stats.deadLettered = 3;
      expect(sample(await other.text(), 'dead_letters_total')).toBe(3);
      other.close();
      metrics.close();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
