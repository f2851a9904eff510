/**
 * Property-based fuzzing (fast-check) of every JSON endpoint: whatever body or query arrives,
 * the hub answers below 500, and every 4xx carries a coded error whose message, for a bad input,
 * names the field (`body.username: …`). The endpoints come from the route registry, so a new
 * one is fuzzed without a line here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '../../server/app';

const FIELDS = ['kind', 'eventTypes', 'zoneKinds', 'priority', 'actions', 'enabled', 'window', 'action', 'id', 'source', 'type', 'at', 'location', 'deviceId', 'severity', 'attributes', 'media', 'username', 'password', 'otp', 'token', 'current', 'next', 'code', 'displayName', 'role', 'scope', 'disabled', 'resetTotp', 'name', 'events'];

/** Bodies: any JSON, objects with our field names and wild values, and text that is not JSON at all. */
const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom('admin', '360100', '360102', 'dispatcher', '123456', '', 'x'.repeat(300)))).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '[', '"', 'null', '{"username":', '\u0000', '{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{"x":1}}}'),
);

const QUERY_KEYS = ['actor', 'action', 'outcome', 'from', 'to', 'q', 'before', 'limit', 'x'];
const query = fc.dictionary(fc.constantFrom(...QUERY_KEYS), fc.oneof(fc.string({ maxLength: 50 }), fc.integer().map(String), fc.constantFrom('2026-11-22T10:00:00+08:00', 'ok', '-1', '1e9', 'NaN', '%', '[]')));

describe.each(backends.slice(0, 1))('fuzzing JSON endpoints on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let admin: Signed;
  let targetId: string;
  let deviceKey: string;

  beforeAll(async () => {
    const p = await backend.provision();
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(testConfig(p.config)));
    admin = await signIn(url, 'admin');
    const res = await admin.fetch(`${url}/api/v1/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fuzz-target', displayName: 'Fuzz target', role: 'viewer', scope: '360102', password: 'fuzz-target-pass' }),
    });
    targetId = ((await res.json()) as { id: string }).id;
    const key = await admin.fetch(`${url}/api/v1/admin/device-keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'fuzz', scope: '360100' }) });
    deviceKey = ((await key.json()) as { secret: string }).secret;
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  async function expectCleanAnswer(res: Response, what: string): Promise<void> {
    const text = await res.text();
    expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
    if (res.status >= 400) {
      const body = JSON.parse(text) as { error: { code: string; message: string } };
      expect(typeof body.error.code, what).toBe('string');
      expect(body.error.message.length, what).toBeGreaterThan(0);
      if (body.error.code === 'request/invalid') expect(body.error.message, what).toMatch(/^(body|query|params)(\.[\w.-]+)?: /);
      // Never a stack trace or SQL in an answer.
      expect(text, what).not.toMatch(/\bat .+\.(ts|js):\d+|select .+ from|insert into|Failed query/i);
    }
  }

  it('answers every body sent to every POST/PATCH/PUT endpoint below 500, naming the bad field', async () => {
    const endpoints = hub.routes.filter((r) => (r.method === 'post' || r.method === 'patch' || r.method === 'put') && r.path !== '/auth/logout');
    expect(endpoints.length).toBeGreaterThanOrEqual(8);
    for (const ep of endpoints) {
      const path = `/api/v1${ep.path.replace(':id', ep.path.startsWith('/rules') ? 'fuzz-rule' : targetId)}`;
      await fc.assert(
        fc.asyncProperty(jsonBody, fc.boolean(), async (body, asJson) => {
          const headers = { 'content-type': asJson ? 'application/json' : 'text/plain' };
          // Ingestion takes device keys; everything else the admin's session.
          const res =
            typeof ep.access === 'object' && ep.access.action === 'ingest:write'
              ? await fetch(`${url}${path}`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${deviceKey}` }, body })
              : await admin.fetch(`${url}${path}`, { method: ep.method.toUpperCase(), headers, body });
          await expectCleanAnswer(res, `${ep.method.toUpperCase()} ${ep.path} ${body.slice(0, 80)}`);
        }),
        { numRuns: ep.path === '/auth/login' || ep.path === '/auth/wall' ? 40 : 60 },
      );
    }
  });

  it('answers every query of the audit search below 500, naming the bad parameter', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const res = await admin.fetch(`${url}/api/v1/admin/audit?${new URLSearchParams(q).toString()}`);
        await expectCleanAnswer(res, `GET /admin/audit?${new URLSearchParams(q).toString()}`);
      }),
      { numRuns: 150 },
    );
  });

  it('answers odd ids in paths with 404, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), async (id) => {
        const enc = encodeURIComponent(id);
        for (const [method, path] of [['PATCH', `/admin/users/${enc}`], ['DELETE', `/admin/users/${enc}/sessions`], ['DELETE', `/admin/device-keys/${enc}`], ['GET', `/layers/${enc}`]] as const) {
          const init: RequestInit = method === 'PATCH' ? { method, headers: { 'content-type': 'application/json' }, body: '{"displayName":"x"}' } : { method };
          const res = await admin.fetch(`${url}/api/v1${path}`, init);
          await expectCleanAnswer(res, `${method} ${path}`);
        }
      }),
      { numRuns: 60 },
    );
  });
});
