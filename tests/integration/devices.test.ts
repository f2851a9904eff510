/**
 * Devices in their vendors' protocols, end to end on a real hub (issue 18), with real peers:
 * - the registry: admins register endpoints in their scope; channels name cameras inside it; a
 *   Dahua password is never sent back; changes are audited.
 * - Hikvision ISAPI: curl posts multipart (XML + JPEG) the way a camera does; the alarm is raised on
 *   the mapped camera with the picture as its photo; resends fold; an unknown MAC and broken XML are
 *   answered and dead-lettered, and a good device's alarm in between is not lost.
 * - GB/T 28181: sipp sends MESSAGEs in GBK over UDP and in UTF-8 over TCP: alarms on the channel's
 *   camera; a Keepalive sets the camera online; a message with no body is answered 400 and dead-lettered.
 * - Dahua: the hub attaches to a Dahua-like device (Digest, multipart/x-mixed-replace) and stores its
 *   events; a stray status line and malformed data do not stop it.
 * - The counters reach the registry (last seen, events in, folded, rejected, dead-lettered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '@server/db/connect';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '@server/app';
import { generateDemoCity } from '@server/demo';
import { alarmSyncReply, type AlarmView } from '@shared/alarms';
import { incidentDetail } from '@shared/incidents';
import { deviceEndpointList, deviceEndpointView, type DeviceEndpointView } from '@shared/devices';
import { deadLetterPage } from '@shared/dead-letters';
import { HEARTBEAT, startDahuaServer, type DahuaServer } from '../support/dahua-server';

const API = '/api/v1';
const FIXTURES = join(__dirname, '..', 'fixtures');
const SIPP = '/usr/bin/sipp';
const hasSipp = existsSync(SIPP);

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A real peer in a process of its own, awaited (the hub runs in this process: a synchronous spawn
 * would hold the event loop the hub needs to answer).
 */
function run(
  cmd: string,
  args: string[],
  more: string[] = [],
  cwd?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, [...args, ...more], { cwd, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** curl, as a camera posts (multipart with the XML part and a JPEG, or a raw body). */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const r = await run('curl', ['-s', '--max-time', '20', '-o', '-', '-w', '\n%{http_code}', ...args]);
  const lines = r.stdout.split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
}

describe.each(backends)('devices in their own protocols on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let admin: Signed;
  let dispatcher: Signed;
  let dahua: DahuaServer;
  let work: string;
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const cams = city.cameras.filter((c) => c.gridCode.startsWith('360102'));
  const [camIsapi, camGbk, camUtf8, camDahua] = cams;
  const farCam = city.cameras.find((c) => c.gridCode.startsWith('360103'))!;
  const GB_DEVICE = '34020000001320000001';
  const GB_CHANNEL = '34020000001340000001';
  const MAC = 'bc:ad:28:4f:1e:07';
  const endpoints: Record<string, DeviceEndpointView> = {};

  const post = (path: string, body: unknown, s: Signed = admin, method = 'POST') =>
    s.fetch(`${url}${API}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const register = async (body: unknown) => {
    const res = await post('/admin/devices', body);
    expect(res.status, await res.clone().text()).toBe(201);
    return deviceEndpointView.parse(await res.json());
  };
  const rows = <T>(q: SQL): Promise<T[]> => queryRows<T>(hub.services().database.db, q);
  const alarmsOn = async (camera: string): Promise<AlarmView[]> => {
    const d = alarmSyncReply.parse(await (await dispatcher.fetch(`${url}${API}/alarms`)).json());
    const events = await hub
      .services()
      .database.db.execute(sql`select source, id, device_id from events where device_id = ${camera}`);
    const ids = new Set((events as { rows: { source: string; id: string }[] }).rows.map((r) => `${r.source}/${r.id}`));
    return d.alarms.filter((a) => ids.has(`${a.event.source}/${a.event.id}`));
  };
  const deadLetters = async () =>
    deadLetterPage.parse(await (await admin.fetch(`${url}${API}/admin/dead-letters?limit=200`)).json()).items;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'devices-it-'));
    dahua = await startDahuaServer({
      username: 'admin',
      password: 'dahua-pass-1',
      heartbeatMs: 500,
      script: (n) =>
        n === 0
          ? [
              {
                part: `Code=CrossLineDetection;action=Start;index=0;data={\n  "Name" : "Rule1", "UTC" : ${Math.floor(Date.now() / 1000)} }`,
              },
              { raw: 'HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=myboundary\r\n\r\n' },
              { part: 'Code=VideoLoss;action=Start;index=0;data={ not json' },
              { part: HEARTBEAT },
              { part: 'Code=NewFile;action=Pulse;index=0' },
            ]
          : [],
    });
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub({ ...testConfig(p.config), sipPort: 0, dahuaAttach: true }));
    admin = await signIn(url, 'admin');
    dispatcher = await signIn(url, 'dispatcher');
  });
  afterAll(async () => {
    await hub?.close();
    await dahua?.close();
    await cleanup?.();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('registers endpoints in the scope, refuses bad ones by field, never sends a password back', async () => {
    endpoints.isapi = await register({
      kind: 'isapi',
      name: '东门枪机',
      scope: '360102',
      isapi: { address: '127.0.0.1', mac: MAC.toUpperCase(), channels: { '1': camIsapi!.id } },
    });
    expect(endpoints.isapi.isapi!.mac).toBe(MAC);
    endpoints.gb = await register({
      kind: 'gb28181',
      name: '西湖 NVR',
      scope: '360102',
      gb28181: { deviceId: GB_DEVICE, channels: { [GB_CHANNEL]: camGbk!.id } },
    });
    endpoints.dahua = await register({
      kind: 'dahua',
      name: '大华球机',
      scope: '360102',
      dahua: { url: dahua.url, username: 'admin', channels: { '1': camDahua!.id } },
      password: 'dahua-pass-1',
    });
    const refused = async (body: unknown, status: number, message: RegExp) => {
      const res = await post('/admin/devices', body);
      const text = await res.text();
      expect(res.status, text).toBe(status);
      expect((JSON.parse(text) as { error: { message: string } }).error.message).toMatch(message);
    };
    const gb = (over: object) => ({
      kind: 'gb28181',
      name: 'x',
      scope: '360102',
      gb28181: { deviceId: '34020000001320000002', ...over },
    });
    await refused(
      gb({ channels: { [GB_CHANNEL]: 'no-such-camera' } }),
      400,
      /^body\.gb28181\.channels\.34020000001340000001: no camera/,
    );
    await refused(gb({ channels: { [GB_CHANNEL]: farCam.id } }), 400, /outside the endpoint's scope 360102/);
    await refused(gb({ deviceId: '123' }), 400, /^body\.gb28181\.deviceId: must be a 20-digit/);
    await refused({ ...gb({}), gb28181: { deviceId: GB_DEVICE } }, 409, /another endpoint/);
    await refused(
      { kind: 'isapi', name: 'x', scope: '360102', isapi: { address: '999.1.1.1', channels: {} } },
      400,
      /^body\.isapi\.address/,
    );
    await refused({ kind: 'teapot', name: 'x', scope: '360102' }, 400, /^body\.kind/);

    const list = deviceEndpointList.parse(await (await admin.fetch(`${url}${API}/admin/devices`)).json());
    expect(list.items.map((e) => e.name).sort()).toEqual(['东门枪机', '大华球机', '西湖 NVR'].sort());
    const text = JSON.stringify(list);
    expect(text).not.toContain('dahua-pass-1');
    expect(list.items.find((e) => e.kind === 'dahua')!.dahua!.hasPassword).toBe(true);
    const [sealed] = await rows<{ secret: string }>(sql`select secret from device_endpoints where kind = 'dahua'`);
    expect(sealed!.secret).toMatch(/^v1:/);
    expect(sealed!.secret).not.toContain('dahua-pass-1');
    // A district's dispatcher is no admin; the audit log has the changes (not the password).
    expect((await dispatcher.fetch(`${url}${API}/admin/devices`)).status).toBe(403);
    const audit = await rows<{ action: string; details: unknown }>(
      sql`select action, details from audit_log where action like 'device.%'`,
    );
    expect(audit.map((a) => a.action)).toEqual(['device.create', 'device.create', 'device.create']);
    expect(JSON.stringify(audit)).not.toContain('dahua-pass-1');
    // A PUT without the password keeps it.
    const put = await post(
      `/admin/devices/${endpoints.dahua.id}`,
      {
        kind: 'dahua',
        name: '大华球机',
        scope: '360102',
        dahua: { url: dahua.url, username: 'admin', channels: { '1': camDahua!.id } },
      },
      admin,
      'PUT',
    );
    expect(put.status, await put.clone().text()).toBe(200);
    expect(deviceEndpointView.parse(await put.json()).dahua!.hasPassword).toBe(true);
  });

  it('takes a Hikvision ISAPI alarm posted by curl: an alarm on the camera, the JPEG its photo, resends folded', async () => {
    const xml = (await readFile(join(FIXTURES, 'isapi', 'linedetection-hikvision.xml'), 'utf8')).replace(
      /<dateTime>[^<]*<\/dateTime>/,
      `<dateTime>${new Date().toISOString().slice(0, 19)}+00:00</dateTime>`,
    );
    const file = join(work, 'alert.xml');
    await writeFile(file, xml);
    const jpeg = join(FIXTURES, 'isapi', 'tiny.jpg');
    const send = () =>
      curl([
        '-F',
        `linedetection=@${file};type=application/xml`,
        '-F',
        `linedetectionImage=@${jpeg};type=image/jpeg`,
        `${url}${API}/devices/isapi`,
      ]);
    const first = await send();
    expect(first.status, first.body).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ ok: true, accepted: 1, folded: 0 });
    // The camera resends about once a second while the line is crossed: folded, not stored.
    for (let i = 0; i < 3; i++) expect(JSON.parse((await send()).body)).toEqual({ ok: true, accepted: 0, folded: 1 });

    const alarm = await until('the ISAPI alarm', async () => (await alarmsOn(camIsapi!.id))[0]);
    expect(alarm.rule.id).toBe('camera-perimeter');
    expect(alarm.event.type).toBe('fence_intrusion');
    expect(alarm.gridCode).toBe(camIsapi!.gridCode);
    const [event] = await rows<{ media: { kind: string; url: string }[]; attributes: Record<string, unknown> }>(
      sql`select media, attributes from events where device_id = ${camIsapi!.id}`,
    );
    expect(event!.attributes).toMatchObject({ code: 'linedetection', channel: '1', channelName: '东门 北向' });
    const photo = event!.media[0]!;
    expect(photo.url).toMatch(/^\/api\/v1\/photos\/[0-9a-f-]{36}$/);
    const img = await dispatcher.fetch(`${url}${photo.url}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await img.arrayBuffer())).toEqual(await readFile(jpeg));
    // A district outside the camera's sees nothing of it.
    const other = await signIn(url, 'dispatcher-360103');
    expect((await other.fetch(`${url}${photo.url}`)).status).toBe(403);
    // The desk's alarm carries the picture, and the incident made of it starts with it.
    expect(alarm.media).toEqual([{ kind: 'image', url: photo.url }]);
    const made = await dispatcher.fetch(`${url}${API}/incidents/from-alarm/${alarm.id}`, { method: 'POST' });
    expect(made.status, await made.clone().text()).toBe(201);
    expect(incidentDetail.parse(await made.json()).incident.photoIds).toEqual([photo.url.split('/').pop()]);
  });

  it('answers and dead-letters what is not a known device or not ISAPI, and loses no good alarm in between', async () => {
    const xml = await readFile(join(FIXTURES, 'isapi', 'fielddetection-isapi.xml'), 'utf8');
    const withMac = (mac: string, ch: string) =>
      xml
        .replace(/<macAddress>[^<]*<\/macAddress>/, `<macAddress>${mac}</macAddress>`)
        .replace(/<channelID>[^<]*<\/channelID>/, `<channelID>${ch}</channelID>`)
        .replace(/<dateTime>[^<]*<\/dateTime>/, `<dateTime>${new Date().toISOString().slice(0, 19)}+00:00</dateTime>`);
    const raw = async (body: string | Buffer, type = 'application/xml') => {
      const f = join(work, `raw-${Math.random()}.bin`);
      await writeFile(f, body);
      return curl(['-H', `content-type: ${type}`, '--data-binary', `@${f}`, `${url}${API}/devices/isapi`]);
    };
    const before = (await deadLetters()).length;
    const unknown = await raw(withMac('00:11:22:33:44:55', '1'));
    expect(unknown.status, unknown.body).toBe(403);
    const broken = await raw('<EventNotificationAlert><eventType>VMD</eventType');
    expect(broken.status, broken.body).toBe(400);
    expect((JSON.parse(broken.body) as { error: { message: string } }).error.message).toMatch(/XML/i);
    const truncated = await raw(
      '--b\r\nContent-Disposition: form-data; name="x"; filename="a.xml"\r\nContent-Type: application/xml\r\n\r\n<EventNot',
      'multipart/form-data; boundary=b',
    );
    expect(truncated.status, truncated.body).toBe(400);
    // The good device's alarm on an unmapped channel: set aside, answered 200 (sending again would not help).
    const unmapped = await raw(withMac(MAC, '7'));
    expect(unmapped.status, unmapped.body).toBe(200);
    // And its mapped channel still raises its alarm (a new code, so nothing folds it).
    const good = await raw(withMac(MAC, '1'));
    expect(JSON.parse(good.body)).toMatchObject({ accepted: 1 });
    // Stored, and folded by the rule into the camera's open perimeter alarm (one alarm per camera for 10 minutes).
    await until(
      'the field-detection event',
      async () =>
        (
          await rows<{ id: string }>(
            sql`select id from events where device_id = ${camIsapi!.id} and id like '%fielddetection%'`,
          )
        ).length === 1,
    );
    const letters = (await deadLetters()).slice(0, (await deadLetters()).length - before);
    expect(letters.map((l) => l.channel)).toEqual(['isapi', 'isapi', 'isapi', 'isapi']);
    expect(letters.map((l) => l.error).join('\n')).toMatch(
      /no registered ISAPI device at 127\.0\.0\.1 with MAC 00:11:22:33:44:55/,
    );
    expect(letters.map((l) => l.error).join('\n')).toMatch(/channel 7: mapped to no camera/);
  });

  it.skipIf(!hasSipp)(
    'takes GB/T 28181 alarms from sipp in GBK over UDP and UTF-8 over TCP, and keepalives',
    async () => {
      const ports = await until('the SIP endpoint', () => {
        const p = hub.services().sip?.ports;
        return Promise.resolve(p && p.udp > 0 && p.tcp > 0 ? p : undefined);
      });
      // The fixtures name fixed ids and an old time: each run sends its own copy with the time now
      // (digits only are replaced: a GBK file's other bytes stay as they are).
      const now = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19);
      const scenario = async (name: string, edit: (s: Buffer) => Buffer = (s) => s) => {
        const f = join(work, name);
        await writeFile(f, edit(await readFile(join(FIXTURES, 'sipp', name))));
        return f;
      };
      const sipp = (file: string, transport: 'u1' | 't1', port: number) =>
        run(
          SIPP,
          [`127.0.0.1:${port}`, '-sf', file, '-m', '1', '-t', transport, '-i', '127.0.0.1'],
          ['-timeout', '10s', '-timeout_error', '-trace_err', '-nostdin'],
          work,
        );
      const atNow = (s: Buffer) => Buffer.from(s.toString('latin1').replace(/2024-05-09T10:37:45/g, now), 'latin1');

      const gbk = await sipp(await scenario('alarm-gbk.xml', atNow), 'u1', ports.udp);
      expect(gbk.status, gbk.stderr + gbk.stdout).toBe(0);
      const alarm = await until('the GB/T 28181 alarm', async () => (await alarmsOn(camGbk!.id))[0]);
      expect(alarm.event.type).toBe('fence_intrusion');
      const [event] = await rows<{ attributes: Record<string, unknown>; severity: number }>(
        sql`select attributes, severity from events where device_id = ${camGbk!.id}`,
      );
      expect(event!.attributes).toMatchObject({ description: '区域入侵报警' });
      expect(event!.severity).toBe(1);

      // UTF-8 over TCP: the same device set to UTF-8 in the registry would not matter here (the XML declares it).
      const utf8 = await sipp(
        await scenario('alarm-utf8.xml', (s) =>
          Buffer.from(
            s
              .toString('utf8')
              .replace(/2024-05-09T10:37:45/g, now)
              .replace(/<DeviceID>\d{20}<\/DeviceID>/, `<DeviceID>${camUtf8!.id}</DeviceID>`)
              .replace(/From: <sip:\d{20}@/, `From: <sip:${GB_DEVICE}@`),
            'utf8',
          ),
        ),
        't1',
        ports.tcp,
      );
      expect(utf8.status, utf8.stderr + utf8.stdout).toBe(0);
      await until(
        'the UTF-8 alarm (a channel that is itself one of our cameras)',
        async () => (await alarmsOn(camUtf8!.id))[0],
      );

      // A message with no body: answered (400 is what the scenario expects) and dead-lettered.
      const before = (await deadLetters()).length;
      const empty = await sipp(await scenario('no-body.xml'), 'u1', ports.udp);
      expect(empty.status, empty.stderr + empty.stdout).toBe(0);
      const letters = await deadLetters();
      expect(letters.length).toBeGreaterThan(before);
      expect(letters[0]!.channel).toBe('gb28181');

      // A keepalive from the device: its mapped camera is online.
      await rows(sql`update cameras set status = 'offline' where id = ${camGbk!.id}`);
      const keep = await sipp(await scenario('keepalive.xml'), 'u1', ports.udp);
      expect(keep.status, keep.stderr + keep.stdout).toBe(0);
      await until(
        'the camera online',
        async () =>
          (await rows<{ status: string }>(sql`select status from cameras where id = ${camGbk!.id}`))[0]?.status ===
          'online',
      );
    },
  );

  it('attaches to a Dahua device (Digest, mixed-replace) and stores its events through a sloppy stream', async () => {
    const alarm = await until('the Dahua alarm', async () =>
      (await alarmsOn(camDahua!.id)).find((a) => a.event.type === 'fence_intrusion'),
    );
    expect(alarm.rule.id).toBe('camera-perimeter');
    // The video loss after the stray status line, with malformed data, is still an alarm.
    await until('the video loss', async () =>
      (await alarmsOn(camDahua!.id)).find((a) => a.event.type === 'video_loss'),
    );
    expect(dahua.attaches).toBeGreaterThanOrEqual(1);
    expect(dahua.authorizations.every((h) => h.startsWith('Digest '))).toBe(true);
    const list = deviceEndpointList.parse(await (await admin.fetch(`${url}${API}/admin/devices`)).json());
    expect(list.items.find((e) => e.kind === 'dahua')!.attachment).toMatchObject({ connected: true });
  });

  it('adds what each endpoint did to the registry: last seen, events in, folded, rejected, dead-lettered', async () => {
    await hub.services().deviceIngest.flush();
    const list = deviceEndpointList.parse(await (await admin.fetch(`${url}${API}/admin/devices`)).json());
    const isapi = list.items.find((e) => e.kind === 'isapi')!;
    expect(isapi.stats).toMatchObject({ eventsIn: 2, folded: 3, rejected: 1, deadLettered: 1 });
    expect(isapi.stats.lastSeenAt).not.toBeNull();
    const dahuaStats = list.items.find((e) => e.kind === 'dahua')!.stats;
    expect(dahuaStats.eventsIn).toBeGreaterThanOrEqual(2);
    expect(list.unknownMessages).toBeGreaterThanOrEqual(1);
  });
});
