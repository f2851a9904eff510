/**
 * The Dahua attachment (server/devices/dahua-client.ts) against a Dahua-like server over TCP
 * (tests/support/dahua-server.ts) with an in-memory sink: the Digest handshake, events delivered in
 * order as notices, heartbeats, rejects, reconnects (dropped socket, idle stream, wrong password with
 * the slow retry), a sink that fails for a while (the same notice retried, nothing lost), and stop()
 * leaving no timer or socket. Backoffs and timeouts are tens of milliseconds.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DahuaAttachment,
  DahuaAttachments,
  type DahuaAttachmentOptions,
  type DahuaDeviceConfig,
} from '@server/devices/dahua-client';
import type { DeliverResult, DeviceIdentity, DeviceNotice, DeviceSink, RawMessage } from '@server/devices/ports';
import { startDahuaServer, type DahuaServer, type DahuaServerOptions } from '../support/dahua-server';

const PASSWORD = 'S3cret-pass!';

class MemorySink implements DeviceSink {
  delivered: { from: DeviceIdentity; notice: DeviceNotice; raw: RawMessage }[] = [];
  attempts: string[] = [];
  rejected: { error: string; raw: RawMessage }[] = [];
  seenCount = 0;
  /** Fail this many deliver calls (the database away), then take them. */
  failNext = 0;

  deliver(from: DeviceIdentity, notices: readonly DeviceNotice[], raw: RawMessage): Promise<DeliverResult> {
    this.attempts.push(notices.map((n) => `${n.code}/${n.action}`).join(','));
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('database away'));
    }
    for (const notice of notices) this.delivered.push({ from, notice, raw });
    return Promise.resolve({ outcome: 'stored', accepted: notices.length, folded: 0, rejected: 0 });
  }
  reject(_from: DeviceIdentity, raw: RawMessage, error: string): Promise<void> {
    this.rejected.push({ error, raw });
    return Promise.resolve();
  }
  seen(): Promise<void> {
    this.seenCount++;
    return Promise.resolve();
  }
  codes(): string[] {
    return this.delivered.map((d) => `${d.notice.code}/${d.notice.action}/${d.notice.channel}`);
  }
}

const logLines: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  }),
);

const FAST: DahuaAttachmentOptions = {
  initialBackoffMs: 20,
  maxBackoffMs: 100,
  resetAfterMs: 60_000,
  idleTimeoutMs: 1000,
  sinkRetryMs: 20,
  maxSinkRetryMs: 50,
  random: () => 0.5,
};

async function waitFor(cond: () => boolean, what: string, ms = 4000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let server: DahuaServer | null = null;
let attachment: DahuaAttachment | null = null;

afterEach(async () => {
  await attachment?.stop();
  await server?.close();
  attachment = null;
  server = null;
});

async function setup(
  script: DahuaServerOptions['script'],
  opts: { heartbeatMs?: number; password?: string; options?: DahuaAttachmentOptions } = {},
) {
  server = await startDahuaServer({
    username: 'admin',
    password: PASSWORD,
    script,
    heartbeatMs: opts.heartbeatMs ?? 50,
  });
  const sink = new MemorySink();
  const config: DahuaDeviceConfig = {
    endpointId: 'ep-1',
    url: server.url,
    username: 'admin',
    password: opts.password ?? PASSWORD,
  };
  attachment = new DahuaAttachment(config, sink, logger, { ...FAST, ...opts.options });
  attachment.start();
  return { sink, server, attachment };
}

const crossLine = `Code=CrossLineDetection;action=Start;index=1;data={
   "Direction" : "RightToLeft",
   "Name" : "Rule1",
   "Object" : { "ObjectType" : "Vehicle" }
}`;

describe('DahuaAttachment', () => {
  it('attaches with Digest and delivers events in order, heartbeats as seen, junk as rejects', async () => {
    const { sink, server } = await setup(() => [
      { part: 'Heartbeat' },
      { part: 'Code=VideoMotion;action=Start;index=0;data={\n "Id" : [ 0 ]\n}' },
      { raw: 'HTTP/1.1 200 OK\r\nServer: Webs\r\n\r\n' },
      { part: crossLine, contentLength: false },
      { part: 'Code=VideoMotionInfo;action=State;index=0' },
      { part: 'Code=NewFile;action=Pulse;index=0;data={ "File" : "/a.jpg" }' },
      { part: 'not an event at all' },
      { wait: 30 },
      {
        raw: `--myboundary\r\nContent-Type: text/plain\r\n\r\nCode=Junk;action=Start;index=0;data=${'x'.repeat(2 * 1024 * 1024)}`,
      },
      { part: 'Code=AlarmLocal;action=Pulse;index=0;data={ "Name": ' },
      { part: 'Code=VideoMotion;action=Stop;index=0\r\nCode=VideoLoss;action=Start;index=3' },
    ]);
    await waitFor(() => sink.delivered.length >= 5 && sink.seenCount >= 2, 'five notices');
    expect(sink.codes()).toEqual([
      'VideoMotion/start/1',
      'CrossLineDetection/start/2',
      'AlarmLocal/pulse/1',
      'VideoMotion/stop/1',
      'VideoLoss/start/4',
    ]);
    const line = sink.delivered[1]!;
    expect(line.from).toEqual({ kind: 'dahua', endpointId: 'ep-1' });
    expect(line.notice).toMatchObject({
      type: 'fence_intrusion',
      attributes: { code: 'CrossLineDetection', rule: 'Rule1', direction: 'RightToLeft', objectType: 'Vehicle' },
    });
    expect(line.raw.channel).toBe('dahua');
    expect(line.raw.topic).toBe('dahua/ep-1');
    expect(line.raw.payload.toString()).toBe(crossLine);
    expect(sink.delivered[2]!.notice.attributes.dataError).toBe('malformed data');
    expect(sink.rejected.map((r) => r.error)).toEqual(['not an event (no Code=)', 'part over 1048576 bytes: dropped']);
    expect(server.challenges).toBe(1);
    expect(server.attaches).toBe(1);
    expect(server.paths[0]).toBe('/cgi-bin/eventManager.cgi?action=attach&codes=[All]&heartbeat=5');
    expect(server.authorizations[0]).toMatch(/qop=auth/);
    expect(attachment!.state()).toMatchObject({ connected: true, reconnects: 0, unauthorized: false });
    const logs = logLines.join('');
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toMatch(/Digest|authorization/i);
  });

  it('reconnects after the device drops the connection and goes on', async () => {
    const { sink } = await setup((n) =>
      n === 0
        ? [{ part: 'Code=VideoMotion;action=Start;index=0' }, { wait: 20 }, { drop: true }]
        : n === 1
          ? [{ part: 'Code=VideoMotion;action=Stop;index=0' }, { end: true }]
          : [{ part: 'Code=VideoBlind;action=Start;index=1' }],
    );
    await waitFor(() => sink.delivered.length >= 3, 'three notices');
    expect(sink.codes()).toEqual(['VideoMotion/start/1', 'VideoMotion/stop/1', 'VideoBlind/start/2']);
    expect(server!.attaches).toBe(3);
    expect(attachment!.state()).toMatchObject({ connected: true, reconnects: 2 });
  });

  it('keeps retrying a wrong password at the longest backoff, says so, and attaches once it is right', async () => {
    const { sink, server } = await setup(() => [{ part: 'Code=VideoMotion;action=Start;index=0' }], {
      password: 'wrong',
    });
    await waitFor(() => server.refused >= 3, 'three refusals');
    const state = attachment!.state();
    expect(state).toMatchObject({ connected: false, unauthorized: true });
    expect(state.lastError).toMatch(/401/);
    expect(state.since).toBeInstanceOf(Date);
    // 3 refusals: at least 2 waits of the longest backoff (100 ms ± 20 %).
    const t0 = Date.now();
    const before = server.refused;
    await waitFor(() => server.refused >= before + 1, 'another refusal');
    await waitFor(() => server.refused >= before + 2, 'another refusal');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(80);
    server.setPassword('wrong');
    await waitFor(() => sink.delivered.length === 1, 'the notice');
    expect(attachment!.state()).toMatchObject({ connected: true, unauthorized: false });
    expect(logLines.join('')).not.toContain('wrong"');
  });

  it('reconnects when no byte comes for the idle timeout', async () => {
    const { sink } = await setup(
      (n) =>
        n === 0
          ? [{ part: 'Code=VideoMotion;action=Start;index=0' }, { silence: true }]
          : [{ part: 'Code=VideoMotion;action=Stop;index=0' }],
      { options: { idleTimeoutMs: 200 } },
    );
    await waitFor(() => sink.delivered.length >= 2, 'two notices');
    expect(sink.codes().slice(0, 2)).toEqual(['VideoMotion/start/1', 'VideoMotion/stop/1']);
    expect(logLines.join('')).toMatch(/no bytes in 200 ms/);
    expect(attachment!.state().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('holds the stream while the sink fails and retries the same notice: nothing lost, order kept', async () => {
    const { sink } = await setup(() => [
      { part: 'Code=VideoMotion;action=Start;index=0' },
      { part: 'Code=VideoMotion;action=Stop;index=0' },
      { part: 'Code=VideoLoss;action=Pulse;index=0' },
    ]);
    sink.failNext = 3;
    await waitFor(() => sink.delivered.length >= 3, 'three notices');
    expect(sink.codes()).toEqual(['VideoMotion/start/1', 'VideoMotion/stop/1', 'VideoLoss/pulse/1']);
    expect(sink.attempts).toEqual([
      'VideoMotion/start',
      'VideoMotion/start',
      'VideoMotion/start',
      'VideoMotion/start',
      'VideoMotion/stop',
      'VideoLoss/pulse',
    ]);
    expect(attachment!.state().reconnects).toBe(0);
  });

  it('stop() ends a connection, a retry and a backoff, and leaves no timer or socket', async () => {
    const count = () => {
      const info = process.getActiveResourcesInfo();
      return {
        timers: info.filter((r) => r === 'Timeout').length,
        sockets: info.filter((r) => r.startsWith('TCP')).length,
      };
    };
    const base = count();
    const { sink, server: device } = await setup(() => [{ part: 'Code=VideoMotion;action=Start;index=0' }]);
    sink.failNext = Infinity;
    await waitFor(() => sink.attempts.length >= 2, 'a retry');
    const t0 = Date.now();
    await attachment!.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(attachment!.state().connected).toBe(false);
    await device.close();
    server = null;
    await new Promise((r) => setTimeout(r, 20));
    const after = count();
    expect(after.timers).toBeLessThanOrEqual(base.timers);
    expect(after.sockets).toBeLessThanOrEqual(base.sockets);
  });
});

describe('DahuaAttachments', () => {
  it('attaches new devices, detaches removed ones and re-attaches changed ones', async () => {
    server = await startDahuaServer({ username: 'admin', password: PASSWORD, heartbeatMs: 50 });
    const sink = new MemorySink();
    const set = new DahuaAttachments(sink, logger, FAST);
    const a: DahuaDeviceConfig = { endpointId: 'a', url: server.url, username: 'admin', password: PASSWORD };
    const b: DahuaDeviceConfig = { ...a, endpointId: 'b' };
    await set.sync([a, b]);
    await waitFor(() => server!.attaches === 2 && [...set.states().values()].every((s) => s.connected), 'two');
    await set.sync([a, { ...b, codes: ['VideoMotion', 'CrossLineDetection'] }]);
    await waitFor(() => server!.attaches === 3, 'b again');
    expect(server.paths[2]).toBe(
      '/cgi-bin/eventManager.cgi?action=attach&codes=[VideoMotion,CrossLineDetection]&heartbeat=5',
    );
    await set.sync([a]);
    expect([...set.states().keys()]).toEqual(['a']);
    await set.sync([a, { ...b, codes: ['bad code!'] }]);
    expect([...set.states().keys()]).toEqual(['a']);
    await set.stop();
    expect(set.states().size).toBe(0);
  });
});
