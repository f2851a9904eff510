/**
 * Identity end to end on a real hub: lockout and timeouts on a hand-moved clock, sessions that end
 * closing their sockets (recovery included), district isolation over REST and Socket.IO, the audit
 * chain catching an edited record, production rules (no demo accounts; admins need a second
 * factor), and the hardening around it (CSRF, Origin, body size).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as OTPAuth from 'otpauth';
import { pino } from 'pino';
import { apiFetch, backends, signIn, startHub, testConfig, TEST_PASSWORD, type Signed } from './helpers';
import { createApp, type Hub } from '@server/app';
import { ManualClock } from '@server/core/clock';
import { decodePacked } from '@shared/packed';
import { worldSummary } from '@shared/api';
import { connected, openSocket, type ClientSocket } from './screen';

const API = '/api/v1';
const MIN = 60_000;

function refused(s: ClientSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => reject(new Error('connected, but should have been refused')));
    s.once('connect_error', (e) => resolve(e.message));
  });
}

function post(origin: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe.each(backends)('identity on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  const clock = new ManualClock(Date.now());
  const sockets: ClientSocket[] = [];
  const track = (s: ClientSocket) => (sockets.push(s), s);

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    hub = createApp(testConfig(p.config), { logger: pino({ level: 'silent' }), clock });
    const addr = await hub.listen();
    await hub.ready;
    url = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await hub?.close();
    await cleanup?.();
  });

  it('locks a username after five failures for ten minutes, a known one and an unknown one alike', async () => {
    for (const name of ['viewer', 'nobody-here']) {
      const answers: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await post(url, `${API}/auth/login`, { username: name, password: 'wrong password' });
        answers.push(`${res.status} ${(await errorOf(res)).code}`);
      }
      expect(answers, name).toEqual([...Array<string>(4).fill('401 auth/invalid-credentials'), '429 auth/locked']);
      // Locked: even the right password is refused, with Retry-After.
      const locked = await post(url, `${API}/auth/login`, { username: name, password: TEST_PASSWORD });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(500);
    }
    clock.advance(10 * MIN + 1000);
    expect((await post(url, `${API}/auth/login`, { username: 'viewer', password: TEST_PASSWORD })).status).toBe(200);
    // A wrong password and an unknown user look the same from outside.
    const wrong = await post(url, `${API}/auth/login`, { username: 'viewer', password: 'nope nope' });
    const unknown = await post(url, `${API}/auth/login`, { username: 'nobody-else', password: 'nope nope' });
    expect([wrong.status, await errorOf(wrong)]).toEqual([unknown.status, await errorOf(unknown)]);
  });

  it('ends a session after 30 idle minutes and 12 hours in all; a wall display has neither', async () => {
    const s = await signIn(url, 'dispatcher');
    const session = () => s.fetch(`${url}${API}/auth/session`);
    clock.advance(29 * MIN);
    expect((await session()).status).toBe(200); // and that request resets the idle timer
    clock.advance(29 * MIN);
    expect((await session()).status).toBe(200);
    clock.advance(31 * MIN);
    const idle = await session();
    expect(idle.status).toBe(401);
    expect((await errorOf(idle)).code).toBe('auth/required');

    const busy = await signIn(url, 'commander');
    for (let t = 0; t < 12 * 60; t += 20) {
      clock.advance(20 * MIN);
      const res = await busy.fetch(`${url}${API}/auth/session`);
      expect(res.status, `after ${t + 20} min`).toBe(t + 20 < 12 * 60 ? 200 : 401);
    }

    const wall = await signIn(url, 'wall');
    expect(wall.info.idleTimeoutSec).toBeNull();
    clock.advance(3 * 60 * MIN);
    expect((await wall.fetch(`${url}${API}/auth/session`)).status).toBe(200);
  });

  it('closes the sockets of a session that timed out without a request (the sweep)', async () => {
    const s = await signIn(url, 'viewer');
    const sock = track(openSocket(url, s.cookie));
    await connected(sock);
    const ended = new Promise<string>((r) => sock.once('auth:ended', (e) => r(e.reason)));
    const gone = new Promise<void>((r) => sock.once('disconnect', () => r()));
    clock.advance(31 * MIN);
    expect(await hub.services().auth.sweep()).toBeGreaterThanOrEqual(1);
    expect(await ended).toBe('expired');
    await gone;
    expect(await refused(track(openSocket(url, s.cookie)))).toBe('auth/required');
  });

  it('refuses a socket without a session, and one whose session was revoked, recovery included', async () => {
    expect(await refused(track(openSocket(url, undefined)))).toBe('auth/required');
    expect(await refused(track(openSocket(url, 'cd_session=not-a-real-token-at-all-xxxxxxxx')))).toBe('auth/required');

    // Control: an abrupt drop with a live session is recovered (state restored).
    const a = await signIn(url, 'dispatcher');
    const s1 = track(openSocket(url, a.cookie));
    await connected(s1);
    // Recovery resumes from the last room broadcast the client saw.
    const seen = new Promise((r) => s1.onAny(r));
    (hub.gateway.toRegion('360100') as unknown as { emit(e: string, p: unknown): void }).emit('test:located', {
      at: '360100',
    });
    await seen;
    const dropped = new Promise((r) => s1.once('disconnect', r));
    s1.io.engine.close(); // emits 'disconnect' synchronously
    await dropped;
    s1.connect();
    await connected(s1);
    expect(s1.recovered).toBe(true);

    // The same drop, but the session is revoked while the screen is away: recovery is refused.
    const droppedAgain = new Promise((r) => s1.once('disconnect', r));
    s1.io.engine.close();
    await droppedAgain;
    const me = (await (await a.fetch(`${url}${API}/auth/whoami`)).json()) as { id: string };
    await hub.services().auth.endSessionsOf({ userId: me.id }, 'revoked');
    s1.connect();
    expect(await refused(s1)).toBe('auth/required');
    expect(s1.connected).toBe(false);
  });

  it('logout ends the session and its sockets; an admin ending a user’s sessions does too', async () => {
    const a = await signIn(url, 'dispatcher-360102');
    const sock = track(openSocket(url, a.cookie));
    await connected(sock);
    const reason = new Promise<string>((r) => sock.once('auth:ended', (e) => r(e.reason)));
    expect((await a.fetch(`${url}${API}/auth/logout`, { method: 'POST' })).status).toBe(204);
    expect(await reason).toBe('logout');
    expect((await a.fetch(`${url}${API}/auth/session`)).status).toBe(401);

    const b = await signIn(url, 'dispatcher-360102');
    const sock2 = track(openSocket(url, b.cookie));
    await connected(sock2);
    const reason2 = new Promise<string>((r) => sock2.once('auth:ended', (e) => r(e.reason)));
    const admin = await signIn(url, 'admin');
    const users = (await (await admin.fetch(`${url}${API}/admin/users`)).json()) as {
      users: { id: string; username: string }[];
    };
    const id = users.users.find((u) => u.username === 'dispatcher-360102')!.id;
    expect((await admin.fetch(`${url}${API}/admin/users/${id}/sessions`, { method: 'DELETE' })).status).toBe(204);
    expect(await reason2).toBe('revoked');
    expect(await refused(track(openSocket(url, b.cookie)))).toBe('auth/required');
  });

  it('keeps district A’s dispatcher out of district B, over REST and sockets', async () => {
    const a = await signIn(url, 'dispatcher-360102');
    const b = await signIn(url, 'dispatcher-360103');
    const city = await signIn(url, 'dispatcher');
    // REST: the layers and the summary hold only the dispatcher's district.
    for (const [s, code] of [
      [a, '360102'],
      [b, '360103'],
    ] as [Signed, string][]) {
      const cams = decodePacked(new Uint8Array(await (await s.fetch(`${url}${API}/layers/cameras`)).arrayBuffer()));
      const grids = cams.strings('gridCode');
      expect(grids.length).toBeGreaterThan(0);
      expect(grids.filter((g) => !g.startsWith(code))).toEqual([]);
      const summary = worldSummary.parse(await (await s.fetch(`${url}${API}/world/summary`)).json());
      expect(summary.districts.map((d) => d.code)).toEqual([code]);
      expect(summary.counts.cameras).toBe(grids.length);
      // The district's screen frames the district: its box lies inside the city's and is smaller.
      const cityBox = worldSummary.parse(await (await city.fetch(`${url}${API}/world/summary`)).json()).bbox;
      const [x0, y0, x1, y1] = summary.bbox;
      expect(x0 >= cityBox[0] && y0 >= cityBox[1] && x1 <= cityBox[2] && y1 <= cityBox[3]).toBe(true);
      expect((x1 - x0) * (y1 - y0)).toBeLessThan((cityBox[2] - cityBox[0]) * (cityBox[3] - cityBox[1]));
    }
    const all = decodePacked(
      new Uint8Array(await (await city.fetch(`${url}${API}/layers/cameras`)).arrayBuffer()),
    ).strings('id').length;
    const aCount = decodePacked(
      new Uint8Array(await (await a.fetch(`${url}${API}/layers/cameras`)).arrayBuffer()),
    ).strings('id').length;
    expect(all).toBeGreaterThan(aCount);

    // Sockets: things located in A and B flow; each district's screen gets its own, the city's both.
    const got: Record<string, string[]> = { a: [], b: [], city: [] };
    for (const [name, s] of [
      ['a', a],
      ['b', b],
      ['city', city],
    ] as const) {
      const sock = track(openSocket(url, s.cookie));
      await connected(sock);
      sock.onAny((event: string, payload: { at: string }) => {
        if (event === 'test:located') got[name]!.push(payload.at);
      });
    }
    const gateway = hub.services() && hub.gateway;
    const emitTo = (code: string) =>
      (gateway.toRegion(code) as unknown as { emit(e: string, p: unknown): void }).emit('test:located', { at: code });
    for (let i = 0; i < 10; i++) {
      emitTo(`360102001001${String(i).padStart(3, '0')}`);
      emitTo(`360103001001${String(i).padStart(3, '0')}`);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(got.a!.length).toBe(10);
    expect(got.a!.every((c) => c.startsWith('360102'))).toBe(true);
    expect(got.b!.length).toBe(10);
    expect(got.b!.every((c) => c.startsWith('360103'))).toBe(true);
    expect(got.city!.length).toBe(20);
  });

  it('records sign-ins, failures and changes on a hash chain that names the first edited record', async () => {
    await post(url, `${API}/auth/login`, { username: 'nobody-here', password: 'wrong password' });
    const leaving = await signIn(url, 'viewer');
    await leaving.fetch(`${url}${API}/auth/logout`, { method: 'POST' });
    const admin = await signIn(url, 'admin');
    const users = (await (await admin.fetch(`${url}${API}/admin/users`)).json()) as {
      users: { id: string; username: string }[];
    };
    await admin.fetch(`${url}${API}/admin/users/${users.users.find((u) => u.username === 'viewer')!.id}/sessions`, {
      method: 'DELETE',
    });
    const page = (q: string) =>
      admin.fetch(`${url}${API}/admin/audit?${q}`).then(
        (r) =>
          r.json() as Promise<{
            records: {
              seq: number;
              action: string;
              outcome: string;
              actorName: string | null;
              address: string | null;
            }[];
            nextBefore: number | null;
          }>,
      );
    const logins = await page('action=auth.login&limit=200');
    expect(logins.records.some((r) => r.outcome === 'failed' && r.actorName === 'nobody-here')).toBe(true);
    expect(logins.records.some((r) => r.outcome === 'ok' && r.actorName === 'admin' && r.address)).toBe(true);
    expect((await page('action=auth.')).records.some((r) => r.action === 'auth.logout')).toBe(true);
    expect((await page('action=user.sessions-end')).records.length).toBeGreaterThanOrEqual(1);
    const two = await page('limit=2');
    expect(two.records.length).toBe(2);
    const older = await page(`limit=2&before=${two.nextBefore}`);
    expect(older.records[0]!.seq).toBe(two.records[1]!.seq - 1);
    const bad = await admin.fetch(`${url}${API}/admin/audit?outcome=maybe&limit=0`);
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/^query\.outcome: /);

    const verify = () =>
      admin
        .fetch(`${url}${API}/admin/audit/verify`)
        .then((r) => r.json() as Promise<{ ok: boolean; seq?: number; count?: number }>);
    const ok = await verify();
    expect(ok.ok).toBe(true);
    expect(ok.count).toBeGreaterThan(5);

    const { database } = hub.services();
    const edited = Math.ceil(ok.count! / 2); // a record in the middle of the chain, whatever ran before
    // The database refuses to change the log...
    const refusal = (q: string) =>
      database.db.execute(q).then(
        () => 'changed',
        (e: Error & { cause?: Error }) => e.cause?.message ?? e.message,
      );
    expect(await refusal(`update audit_log set outcome = 'ok' where seq = ${edited}`)).toMatch(/append-only/);
    expect(await refusal(`delete from audit_log where seq = ${edited}`)).toMatch(/append-only/);
    // ...and when someone with the power to switch that off edits a record anyway, the chain names it.
    await database.db.execute(`alter table audit_log disable trigger audit_log_no_update`);
    await database.db.execute(`update audit_log set actor_name = 'someone else' where seq = ${edited}`);
    await database.db.execute(`alter table audit_log enable trigger audit_log_no_update`);
    expect(await verify()).toMatchObject({ ok: false, seq: edited });
  });

  it('refuses a state change without the CSRF token, from another origin, or with an oversize body', async () => {
    const admin = await signIn(url, 'admin');
    const body = JSON.stringify({ name: 'k', scope: '360100' });
    const noToken = await fetch(`${url}${API}/admin/device-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: admin.cookie },
      body,
    });
    expect(noToken.status).toBe(403);
    expect((await errorOf(noToken)).code).toBe('auth/csrf');
    const foreign = await admin.fetch(`${url}${API}/admin/device-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    expect((await errorOf(foreign)).code).toBe('auth/csrf');
    const loginFromElsewhere = await post(
      url,
      `${API}/auth/login`,
      { username: 'admin', password: TEST_PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(loginFromElsewhere.status).toBe(403);
    const huge = await post(url, `${API}/auth/login`, { username: 'admin', password: 'x'.repeat(300_000) });
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).code).toBe('request/too-large');
    // A socket from a page of another site is refused at the handshake.
    const evil = track(
      openSocket(url, admin.cookie, { extraHeaders: { cookie: admin.cookie, origin: 'https://evil.example' } }),
    );
    expect(await refused(evil)).toMatch(/origin not allowed|websocket error|xhr poll error/i);
    // The page's policy: scripts from the hub only, no inline script, no eval.
    const csp = (await fetch(`${url}/healthz`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
  });

  it('gives a device key its region scope, and a revoked key nothing', async () => {
    const admin = await signIn(url, 'admin');
    const res = await admin.fetch(`${url}${API}/admin/device-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'fence sensor 7', scope: '360103' }),
    });
    expect(res.status).toBe(201);
    const { item, secret } = (await res.json()) as { item: { id: string; prefix: string }; secret: string };
    expect(secret.startsWith(item.prefix)).toBe(true);
    const list = await (await admin.fetch(`${url}${API}/admin/device-keys`)).text();
    expect(list).not.toContain(secret); // shown once, never again
    const who = await fetch(`${url}${API}/auth/whoami`, { headers: { authorization: `Bearer ${secret}` } });
    expect(await who.json()).toEqual({ kind: 'device', id: item.id, role: 'device', scope: '360103' });
    expect(
      (await fetch(`${url}${API}/layers/cameras`, { headers: { authorization: `Bearer ${secret}` } })).status,
    ).toBe(403);
    expect((await admin.fetch(`${url}${API}/admin/device-keys/${item.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${url}${API}/auth/whoami`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(
      401,
    );
  });
});

describe('production', () => {
  it('refuses to start while demo accounts exist, and names them', async () => {
    const p = await backends[0]!.provision({ seeded: true });
    try {
      const { hub } = await startHub(testConfig(p.config));
      await hub.close();
      const prod = createApp(testConfig({ ...p.config, auth: { production: true } }), {
        logger: pino({ level: 'silent' }),
      });
      await prod.listen();
      await expect(prod.ready).rejects.toThrow(/production.*demo accounts \(admin, commander/);
      await prod.close();
      // The operator removes them with the CLI, and the hub starts.
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/accounts.ts', 'remove-demo'], {
        env: { PATH: process.env.PATH, DATA_DIR: p.config.dataDir },
        encoding: 'utf8',
      });
      expect(r.stdout).toMatch(/removed demo accounts: admin, commander/);
      const audit = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/audit-verify.ts'], {
        env: { PATH: process.env.PATH, DATA_DIR: p.config.dataDir },
        encoding: 'utf8',
      });
      expect(audit.status).toBe(0);
      expect(audit.stdout).toMatch(/audit log intact: \d+ records/);
      const again = createApp(testConfig({ ...p.config, auth: { production: true } }), {
        logger: pino({ level: 'silent' }),
      });
      await again.listen();
      await again.ready;
      await again.close();
    } finally {
      await p.cleanup();
    }
  });

  it('makes an admin set up a second factor before anything else, then asks for it at sign-in', async () => {
    const p = await backends[0]!.provision({ seeded: true });
    const { hub, url } = await startHub(
      testConfig({ ...p.config, auth: { demoPassword: TEST_PASSWORD, requireAdminTotp: true } }),
    );
    try {
      const a = await signIn(url, 'admin');
      expect(a.info.mfaPending).toBe(true);
      const blocked = await a.fetch(`${url}${API}/world/summary`);
      expect(blocked.status).toBe(403);
      expect((await errorOf(blocked)).code).toBe('auth/totp-setup-required');
      expect(await refused(openSocket(url, a.cookie))).toBe('auth/required');
      const setup = (await (await a.fetch(`${url}${API}/auth/totp/setup`, { method: 'POST' })).json()) as {
        secret: string;
        uri: string;
      };
      expect(setup.uri).toMatch(/^otpauth:\/\/totp\//);
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.secret) });
      const wrong = await a.fetch(`${url}${API}/auth/totp/enable`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: totp.generate() === '000000' ? '111111' : '000000' }),
      });
      expect(wrong.status).toBe(400);
      const enableCode = totp.generate();
      const enabled = await a.fetch(`${url}${API}/auth/totp/enable`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: enableCode }),
      });
      expect(enabled.status).toBe(200);
      expect((await a.fetch(`${url}${API}/world/summary`)).status).toBe(200);
      // Next sign-in: the password alone is not enough.
      const noOtp = await post(url, `${API}/auth/login`, { username: 'admin', password: TEST_PASSWORD });
      expect(noOtp.status).toBe(401);
      expect((await errorOf(noOtp)).code).toBe('auth/otp-required');
      // A code is good once: the one that enabled the factor cannot be replayed.
      const replay = await post(url, `${API}/auth/login`, {
        username: 'admin',
        password: TEST_PASSWORD,
        otp: enableCode,
      });
      expect(replay.status).toBe(401);
      expect((await errorOf(replay)).code).toBe('auth/otp-invalid');
      // The next step's code (the one that enabled the factor is spent), sent twice: good once.
      // Generated once: generated again after a step boundary it would be another, unused code.
      const next = totp.generate({ timestamp: Date.now() + 30_000 });
      const withOtp = await post(url, `${API}/auth/login`, { username: 'admin', password: TEST_PASSWORD, otp: next });
      expect(withOtp.status).toBe(200);
      const again = await post(url, `${API}/auth/login`, { username: 'admin', password: TEST_PASSWORD, otp: next });
      expect(again.status).toBe(401);
    } finally {
      await hub.close();
      await p.cleanup();
    }
  });
});

describe('rate limits', () => {
  it('limits sign-in attempts per address and requests per account, with a coded 429', async () => {
    const p = await backends[0]!.provision({ seeded: true });
    const { hub, url } = await startHub(
      testConfig({
        ...p.config,
        auth: { demoPassword: TEST_PASSWORD, rateLimits: { loginPer15Min: 4, userPerMin: 10, addressPerMin: 100_000 } },
      }),
    );
    try {
      // startHub signed in once already: three more sign-ins pass, the fifth is limited.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await post(url, `${API}/auth/login`, { username: 'viewer', password: TEST_PASSWORD })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const s = await fetch(`${url}${API}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(s.status).toBe(429);
      expect((await errorOf(s)).code).toBe('rate/limited');
      expect(s.headers.get('retry-after')).toBeTruthy();
      // The session startHub opened: ten requests a minute, the eleventh is limited.
      const perUser: number[] = [];
      for (let i = 0; i < 11; i++) perUser.push((await apiFetch(`${url}${API}/auth/session`)).status);
      expect(perUser.slice(0, 10).every((st) => st === 200)).toBe(true);
      expect(perUser[10]).toBe(429);
    } finally {
      await hub.close();
      await p.cleanup();
    }
  });
});
