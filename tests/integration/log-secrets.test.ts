/**
 * No secret in the log (issue 13): a hub whose logger writes every level (trace) into memory goes
 * through sign-in, a wrong password, a device key and its posts, a second factor, a password
 * change, a socket and a failed query; then every secret it handled is looked for in the whole log
 * and none is there, and no line carries a credential header at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { backends, signIn, testConfig, TEST_PASSWORD } from './helpers';
import { connected, openSocket } from './screen';
import { createApp, type Hub } from '@server/app';
import { createLogger } from '@server/core/logging';
import { generateDemoCity } from '@server/demo';
import { credentials, sessions } from '@server/db/schema';

const API = '/api/v1';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function memoryLog(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      parts.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => parts.join('') };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe.each(backends)('the log on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  const log = memoryLog();
  /** Every secret the hub handled, by what it is. */
  const secrets = new Map<string, string>();
  /** TOTP codes: six digits, looked for as a whole number only. */
  const codes: string[] = [];

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    hub = createApp(testConfig({ ...p.config, logLevel: 'trace' }), {
      logger: createLogger({ logLevel: 'trace', logFormat: 'json' }, { stream: log.stream }),
    });
    const addr = await hub.listen();
    await hub.ready;
    url = `http://127.0.0.1:${addr.port}`;
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('holds none of the secrets of sign-in, keys, device posts, a second factor, a password change and a failed query', async () => {
    secrets.set('demo password', TEST_PASSWORD);

    // Sign-in: the session cookie and its CSRF token.
    const admin = await signIn(url, 'admin');
    secrets.set('session cookie', admin.cookie.split('=')[1]!);
    secrets.set('csrf token', admin.csrf);
    // The same token in a query string (a careless client): the request line must not carry it.
    expect(
      (
        await admin.fetch(
          `${url}${API}/auth/session?token=${encodeURIComponent(admin.csrf)}&session=${admin.cookie.split('=')[1]!}`,
        )
      ).status,
    ).toBe(200);

    // A wrong password.
    const wrong = 'Wr0ng-passw0rd-for-the-log';
    secrets.set('wrong password', wrong);
    expect((await post(`${url}${API}/auth/login`, { username: 'viewer', password: wrong })).status).toBe(401);

    // A device key, its hash in the database, and posts with it (good, refused, a wrong key).
    const created = await admin.fetch(`${url}${API}/admin/device-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'log test sensor', scope: '360103' }),
    });
    expect(created.status).toBe(201);
    const { secret: key } = (await created.json()) as { secret: string };
    expect(key.startsWith('cdk_')).toBe(true);
    secrets.set('device key', key);
    const { database } = hub.services();
    const [stored] = await database.db
      .select({ hash: credentials.secretHash })
      .from(credentials)
      .where(eq(credentials.secretHash, sha256(key)));
    const keyHash = stored!.hash;
    secrets.set('device key hash', keyHash);
    const grid = generateDemoCity({ scale: 'small', seed: 7 }).regions.find(
      (r) => r.level === 'grid' && r.code.startsWith('360103'),
    )!;
    const event = {
      id: 'log-secrets-1',
      source: 'camera',
      type: 'stranger',
      at: new Date().toISOString(),
      location: { lon: grid.center[0], lat: grid.center[1] },
    };
    expect((await post(`${url}${API}/events`, event, { authorization: `Bearer ${key}` })).status).toBe(202);
    expect(
      (await post(`${url}${API}/events`, { ...event, type: 'alien_landing' }, { authorization: `Bearer ${key}` }))
        .status,
    ).toBe(400);
    const badKey = `cdk_${'x'.repeat(43)}`;
    secrets.set('wrong device key', badKey);
    expect((await post(`${url}${API}/events`, event, { authorization: `Bearer ${badKey}` })).status).toBe(401);

    // A second factor: its secret, the code that enables it, the code of the next sign-in.
    const setup = (await (await admin.fetch(`${url}${API}/auth/totp/setup`, { method: 'POST' })).json()) as {
      secret: string;
      uri: string;
    };
    secrets.set('totp secret', setup.secret);
    secrets.set('totp uri', setup.uri);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.secret) });
    const enableCode = totp.generate();
    codes.push(enableCode);
    expect(
      (
        await admin.fetch(`${url}${API}/auth/totp/enable`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: enableCode }),
        })
      ).status,
    ).toBe(200);
    const loginCode = totp.generate({ timestamp: Date.now() + 30_000 });
    codes.push(loginCode);
    const withOtp = await post(`${url}${API}/auth/login`, {
      username: 'admin',
      password: TEST_PASSWORD,
      otp: loginCode,
    });
    expect(withOtp.status).toBe(200);
    secrets.set('second session cookie', (withOtp.headers.get('set-cookie') ?? '').split(';')[0]!.split('=')[1]!);

    // A password change (and a sign-in with the new one).
    const dispatcher = await signIn(url, 'dispatcher');
    secrets.set('dispatcher cookie', dispatcher.cookie.split('=')[1]!);
    const next = 'N3w-passw0rd-for-the-log';
    secrets.set('new password', next);
    expect(
      (
        await dispatcher.fetch(`${url}${API}/auth/password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ current: TEST_PASSWORD, next }),
        })
      ).status,
    ).toBe(204);
    const again = await signIn(url, 'dispatcher', next);
    secrets.set('third session cookie', again.cookie.split('=')[1]!);

    // A socket with the session cookie.
    const socket = openSocket(url, again.cookie);
    await connected(socket);
    socket.disconnect();

    // A query that fails in the database with a secret as its parameter, logged as the hub logs
    // errors: Drizzle's message carries `params:`, PostgreSQL's quotes the value it refused.
    const failed = await database.db.execute(sql`select ${keyHash}::int`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(Error);
    hub.log.error({ err: failed }, 'a provoked query failure');
    // And a message text with credentials in a URL (as a driver's error might say it).
    hub.log.warn(`cannot reach postgres://hub:${next}@db.example:5432/city`);

    const rows = await database.db.select({ hash: sessions.tokenHash }).from(sessions);
    for (const [i, r] of rows.entries()) secrets.set(`session hash ${i}`, r.hash);

    await new Promise((r) => setTimeout(r, 100)); // the last request lines
    const text = log.text();
    // Not vacuous: the log holds the requests and the error, at every level.
    expect(text).toMatch(/"msg":"POST \/api\/v1\/auth\/login 200 \d+ms"/);
    expect(text).toMatch(/"msg":"POST \/api\/v1\/auth\/login 401 \d+ms"/);
    expect(text).toMatch(/"level":40,[^\n]*"msg":"POST \/api\/v1\/events 401/);
    expect(text).toMatch(/"msg":"POST \/api\/v1\/admin\/device-keys 201/);
    expect(text).toContain('params: [redacted]');
    expect(text).toContain('token=[redacted]');

    const found = [...secrets].filter(([, value]) => value.length >= 6 && text.includes(value)).map(([what]) => what);
    // On a failure, say where (the lines that hold them, cut short): test values, nothing real.
    const where = found.map((what) =>
      text
        .split('\n')
        .find((l) => l.includes(secrets.get(what)!))!
        .slice(0, 600),
    );
    expect(found, `secrets in the log:\n${where.join('\n')}`).toEqual([]);
    const foundCodes = codes.filter((c) => new RegExp(`(?<![0-9])${c}(?![0-9])`).test(text));
    expect(foundCodes, 'TOTP codes in the log').toEqual([]);
    // No credential header in any line, redacted or not.
    expect(text).not.toMatch(/"(authorization|cookie|set-cookie|x-csrf-token)":"(?!\[redacted\])/i);
    expect(text).not.toMatch(/"headers":/);
    expect(text).not.toMatch(/cd_session=(?!\[redacted\])/);
  });
});
