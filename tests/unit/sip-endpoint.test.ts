/**
 * The GB/T 28181 SIP endpoint (server/devices/sip-server.ts, issue 18) against an in-memory sink:
 * the real `sipp` (Debian's sip-tester) plays a device over UDP and TCP with the scenarios in
 * tests/fixtures/sipp (a GBK body, a UTF-8 body, a keepalive, no body, broken XML), and plain
 * sockets check what sipp cannot: TCP framing (two messages in one write, one split across writes,
 * CRLF keepalives, `l:`, oversized, garbage, a stalled partial message), UDP retransmissions, rport,
 * the sink failing or not knowing the device, and the other methods. Sockets on 127.0.0.1, port 0.
 * The sipp cases are skipped, saying so, when /usr/bin/sipp is absent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { SipEndpoint } from '@server/devices/sip-server';
import type { DeliverResult, DeviceIdentity, DeviceNotice, DeviceSink, RawMessage } from '@server/devices/ports';

const SIPP = '/usr/bin/sipp';
const HAS_SIPP = existsSync(SIPP);
const FIXTURES = path.resolve(__dirname, '../fixtures/sipp');
const CAMERA = '34020000001320000001';
const UTF8_NVR = '34020000001320000002';
const HUB = '34020000002000000001';

class FakeSink implements DeviceSink {
  delivered: { from: DeviceIdentity; notices: readonly DeviceNotice[]; raw: RawMessage }[] = [];
  rejected: { from: DeviceIdentity; raw: RawMessage; error: string }[] = [];
  seenCalls: { from: DeviceIdentity; channels?: readonly string[] }[] = [];
  outcome: DeliverResult['outcome'] = 'stored';
  failing = false;
  delayMs = 0;

  async deliver(from: DeviceIdentity, notices: readonly DeviceNotice[], raw: RawMessage): Promise<DeliverResult> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failing) throw new Error('database away');
    this.delivered.push({ from, notices, raw });
    return { outcome: this.outcome, accepted: this.outcome === 'stored' ? notices.length : 0, folded: 0, rejected: 0 };
  }
  async reject(from: DeviceIdentity, raw: RawMessage, error: string): Promise<void> {
    if (this.failing) throw new Error('database away');
    this.rejected.push({ from, raw, error });
    return Promise.resolve();
  }
  async seen(from: DeviceIdentity, channels?: readonly string[]): Promise<void> {
    if (this.failing) throw new Error('database away');
    this.seenCalls.push({ from, channels });
    return Promise.resolve();
  }
}

let sink: FakeSink;
let endpoint: SipEndpoint;

async function start(extra: { idleTimeoutMs?: number } = {}): Promise<void> {
  sink = new FakeSink();
  endpoint = new SipEndpoint({
    sink,
    charsetOf: (id) => (id === UTF8_NVR ? 'utf-8' : 'gbk'),
    host: '127.0.0.1',
    port: 0,
    now: () => new Date('2024-05-09T02:37:45.123Z'),
    ...extra,
  });
  await endpoint.listen();
}

beforeEach(start);
afterEach(() => endpoint.close());

// ---------------------------------------------------------------- sipp

function sipp(scenario: string, transport: 'u1' | 't1'): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sipp-'));
  const port = transport === 'u1' ? endpoint.ports.udp : endpoint.ports.tcp;
  const args = [`127.0.0.1:${port}`, '-sf', path.join(FIXTURES, `${scenario}.xml`), '-m', '1', '-t', transport];
  args.push('-i', '127.0.0.1', '-timeout', '10s', '-timeout_error', '-trace_err', '-nostdin');
  return new Promise((resolve) => {
    // execFile, not execFileSync: the endpoint under test runs on this event loop.
    execFile(SIPP, args, { cwd: dir, timeout: 20_000 }, (error, stdout, stderr) => {
      const logs = readdirSync(dir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => readFileSync(path.join(dir, f), 'latin1'))
        .join('\n');
      rmSync(dir, { recursive: true, force: true });
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, output: `${stderr}\n${logs}\n${code === 0 ? '' : stdout.slice(-1500)}` });
    });
  });
}

describe.runIf(HAS_SIPP)('sipp plays a device', { timeout: 30_000 }, () => {
  it('the GBK scenario file really holds GBK bytes', () => {
    const bytes = readFileSync(path.join(FIXTURES, 'alarm-gbk.xml'));
    expect(bytes.includes(iconv.encode('区域入侵报警', 'gbk'))).toBe(true);
    expect(bytes.includes(Buffer.from('区域入侵报警', 'utf8'))).toBe(false);
  });

  describe.each(['u1', 't1'] as const)('over %s', (transport) => {
    it('an alarm with a GBK body: 200, delivered with its Chinese description', async () => {
      const run = await sipp('alarm-gbk', transport);
      expect(run.code, run.output).toBe(0);
      expect(sink.delivered).toHaveLength(1);
      const { from, notices, raw } = sink.delivered[0]!;
      expect(from).toEqual({ kind: 'gb28181', deviceId: CAMERA, address: '127.0.0.1' });
      expect(notices).toEqual([
        {
          code: '5/6',
          type: 'fence_intrusion',
          action: 'pulse',
          channel: '34020000001340000001',
          at: new Date('2024-05-09T10:37:45+08:00'),
          severity: 1,
          location: { lon: 114.3, lat: 30.5 },
          attributes: { method: 5, alarmType: 6, eventType: 1, description: '区域入侵报警', sn: 17 },
        },
      ]);
      expect(raw.channel).toBe('gb28181');
      expect(raw.topic).toBe(`gb28181/${CAMERA}`);
      expect(raw.payload.subarray(0, 8).toString('latin1')).toBe('MESSAGE ');
      expect(raw.payload.includes(iconv.encode('区域入侵报警', 'gbk'))).toBe(true);
    });

    it('an alarm with a UTF-8 body: 200, delivered with its Chinese description', async () => {
      const run = await sipp('alarm-utf8', transport);
      expect(run.code, run.output).toBe(0);
      expect(sink.delivered).toHaveLength(1);
      const notice = sink.delivered[0]!.notices[0]!;
      expect(sink.delivered[0]!.from.deviceId).toBe(UTF8_NVR);
      expect(notice.type).toBe('video_loss');
      expect(notice.severity).toBe(2);
      expect(notice.location).toBeUndefined();
      expect(notice.attributes.description).toBe('视频丢失 摄像机1号');
    });

    it('a keepalive: 200, the device and its channels seen', async () => {
      const run = await sipp('keepalive', transport);
      expect(run.code, run.output).toBe(0);
      expect(sink.seenCalls).toEqual([
        {
          from: { kind: 'gb28181', deviceId: CAMERA, address: '127.0.0.1' },
          channels: ['34020000001310000001', '34020000001310000002'],
        },
      ]);
    });

    it('a MESSAGE without a body: 400, a dead letter', async () => {
      const run = await sipp('no-body', transport);
      expect(run.code, run.output).toBe(0);
      expect(sink.delivered).toHaveLength(0);
      expect(sink.rejected).toHaveLength(1);
      expect(sink.rejected[0]!.error).toMatch(/^body: /);
    });

    it('broken XML: 400, a dead letter naming the XML', async () => {
      const run = await sipp('broken-xml', transport);
      expect(run.code, run.output).toBe(0);
      expect(sink.rejected).toHaveLength(1);
      expect(sink.rejected[0]!.error).toMatch(/^xml: is not well-formed/);
      expect(sink.rejected[0]!.raw.topic).toBe(`gb28181/${CAMERA}`);
    });
  });
});

if (!HAS_SIPP) {
  describe('sipp plays a device', () => {
    it.skip(`skipped: ${SIPP} is absent (Debian package sip-tester)`, () => {});
  });
}

// ---------------------------------------------------------------- plain sockets

let branchNo = 0;

interface MessageOptions {
  method?: string;
  from?: string;
  body?: Buffer | string;
  branch?: string;
  via?: string;
  headers?: string[];
  /** Overrides the Content-Length written. */
  contentLength?: string;
  compactLength?: boolean;
}

function sipMessage(o: MessageOptions = {}): Buffer {
  const method = o.method ?? 'MESSAGE';
  const body = typeof o.body === 'string' ? Buffer.from(o.body, 'utf8') : (o.body ?? Buffer.alloc(0));
  const branch = o.branch ?? `z9hG4bK-test-${++branchNo}`;
  const lines = [
    `${method} sip:${HUB}@3402000000 SIP/2.0`,
    o.via ?? `Via: SIP/2.0/UDP 127.0.0.1:5060;rport;branch=${branch}`,
    `From: <sip:${o.from ?? CAMERA}@3402000000>;tag=abc${branchNo}`,
    `To: <sip:${HUB}@3402000000>`,
    `Call-ID: call-${branchNo}@127.0.0.1`,
    `CSeq: ${branchNo} ${method}`,
    'Max-Forwards: 70',
    ...(o.headers ?? []),
    ...(body.length ? ['Content-Type: Application/MANSCDP+xml'] : []),
    `${o.compactLength ? 'l' : 'Content-Length'}: ${o.contentLength ?? body.length}`,
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

function alarmBody(description = '区域入侵报警', declaration = '<?xml version="1.0" encoding="GB2312"?>\r\n'): Buffer {
  const xml =
    `${declaration}<Notify><CmdType>Alarm</CmdType><SN>3</SN><DeviceID>34020000001340000001</DeviceID>` +
    `<AlarmPriority>2</AlarmPriority><AlarmMethod>5</AlarmMethod><AlarmTime>2024-05-09T10:37:45</AlarmTime>` +
    `<AlarmDescription>${description}</AlarmDescription><Info><AlarmType>2</AlarmType></Info></Notify>`;
  return iconv.encode(xml, 'gbk');
}

const statusOf = (response: string) => Number(/^SIP\/2\.0 (\d{3})/.exec(response)?.[1]);

/** Sends a datagram and waits for up to `count` replies (fewer when `waitMs` passes first). */
async function udpExchange(datagrams: Buffer[], count = 1, waitMs = 1500): Promise<string[]> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const replies: string[] = [];
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    socket.on('message', (m) => {
      replies.push(m.toString('latin1'));
      if (replies.length >= count) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  for (const d of datagrams) {
    socket.send(d, endpoint.ports.udp, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 30));
  }
  await done;
  socket.close();
  return replies;
}

interface TcpResult {
  responses: string[];
  closed: boolean;
}

/** Writes chunks (with a pause between) and collects the responses (they have no bodies). */
async function tcpExchange(chunks: Buffer[], count: number, waitMs = 2000, pauseMs = 20): Promise<TcpResult> {
  const socket = net.connect(endpoint.ports.tcp, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', r));
  let text = '';
  let closed = false;
  const responses = () => text.split('\r\n\r\n').filter((s) => s.startsWith('SIP/2.0'));
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (responses().length >= count) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => {});
  });
  for (const c of chunks) {
    if (socket.destroyed) break;
    socket.write(c);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  await done;
  // A moment for a close that follows the last response.
  if (!closed) await new Promise((r) => setTimeout(r, 100));
  socket.destroy();
  return { responses: responses(), closed };
}

describe('TCP framing', () => {
  it('two messages in one write: two answers, in order', async () => {
    const both = Buffer.concat([sipMessage({ body: alarmBody('一') }), sipMessage({ body: alarmBody('二') })]);
    const { responses } = await tcpExchange([both], 2);
    expect(responses.map(statusOf)).toEqual([200, 200]);
    expect(sink.delivered.map((d) => d.notices[0]!.attributes.description)).toEqual(['一', '二']);
    expect(sink.delivered[0]!.notices[0]!.type).toBe('motion');
  });

  it('one message split across writes (inside a GBK character too)', async () => {
    const whole = sipMessage({ body: alarmBody() });
    const gbk = whole.indexOf(iconv.encode('区域', 'gbk'));
    const cuts = [5, 40, gbk + 1, gbk + 3, whole.length - 1];
    const chunks = cuts.map((c, i) => whole.subarray(i === 0 ? 0 : cuts[i - 1], c));
    chunks.push(whole.subarray(whole.length - 1));
    const { responses } = await tcpExchange(chunks, 1);
    expect(responses.map(statusOf)).toEqual([200]);
    expect(sink.delivered[0]!.notices[0]!.attributes.description).toBe('区域入侵报警');
  });

  it('CRLF keepalives between messages and the compact l: header', async () => {
    const chunks = [
      Buffer.from('\r\n\r\n'),
      sipMessage({ body: alarmBody('甲'), compactLength: true }),
      Buffer.from('\r\n\r\n\r\n'),
      sipMessage({ body: alarmBody('乙') }),
    ];
    const { responses, closed } = await tcpExchange(chunks, 2);
    expect(responses.map(statusOf)).toEqual([200, 200]);
    expect(closed).toBe(false);
    expect(sink.delivered.map((d) => d.notices[0]!.attributes.description)).toEqual(['甲', '乙']);
  });

  it('three messages cut anywhere into writes: three answers, three alarms, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(3000), { maxLength: 6 }), async (cuts) => {
        sink.delivered = [];
        const stream = Buffer.concat(['甲', '乙', '丙'].map((d) => sipMessage({ body: alarmBody(d) })));
        const at = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
        const chunks = [0, ...at]
          .map((from, i) => stream.subarray(from, at[i] ?? stream.length))
          .filter((c) => c.length);
        const { responses } = await tcpExchange(chunks, 3, 2000, 5);
        expect(responses.map(statusOf)).toEqual([200, 200, 200]);
        expect(sink.delivered.map((d) => d.notices[0]!.attributes.description)).toEqual(['甲', '乙', '丙']);
      }),
      { numRuns: 8 },
    );
  });

  it('a message over 64 KiB: 413, then the connection closed, nothing delivered', async () => {
    const big = sipMessage({ body: alarmBody('大'.repeat(40_000)) });
    expect(big.length).toBeGreaterThan(64 * 1024);
    const { responses, closed } = await tcpExchange([big], 1);
    expect(responses.map(statusOf)).toEqual([413]);
    expect(closed).toBe(true);
    expect(sink.delivered).toHaveLength(0);
    expect(endpoint.stats().oversized).toBe(1);
  });

  it('64 KiB with no end of headers, or headers over 16 KiB: closed without an answer', async () => {
    for (const bytes of [Buffer.alloc(70_000, 'A'), sipMessage({ headers: [`X-Padding: ${'p'.repeat(17_000)}`] })]) {
      const { responses, closed } = await tcpExchange([bytes], 1);
      expect(responses).toEqual([]);
      expect(closed).toBe(true);
    }
  });

  it('garbage is ignored and the connection still works', async () => {
    const chunks = [Buffer.from('hello there\r\n\r\n'), sipMessage({ body: alarmBody() })];
    const { responses, closed } = await tcpExchange(chunks, 1);
    expect(responses.map(statusOf)).toEqual([200]);
    expect(closed).toBe(false);
    expect(endpoint.stats().ignored).toBe(1);
    expect(sink.delivered).toHaveLength(1);
  });

  it('a bad Content-Length: 400, then closed', async () => {
    const { responses, closed } = await tcpExchange([sipMessage({ body: alarmBody(), contentLength: 'many' })], 1);
    expect(responses.map(statusOf)).toEqual([400]);
    expect(closed).toBe(true);
  });

  it('a body shorter than Content-Length waits, then the idle connection is closed', async () => {
    await endpoint.close();
    await start({ idleTimeoutMs: 300 });
    const whole = sipMessage({ body: alarmBody() });
    const { responses, closed } = await tcpExchange([whole.subarray(0, whole.length - 10)], 1, 3000);
    expect(responses).toEqual([]);
    expect(closed).toBe(true);
    expect(sink.delivered).toHaveLength(0);
  });
});

describe('over UDP', () => {
  it('answers to the source port, filling in rport and received', async () => {
    const [reply] = await udpExchange([sipMessage({ body: alarmBody() })]);
    expect(statusOf(reply!)).toBe(200);
    expect(reply).toMatch(
      /^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:5060;rport=\d+;branch=z9hG4bK-test-\d+;received=127\.0\.0\.1\r$/m,
    );
    expect(reply).toMatch(/^To: <sip:34020000002000000001@3402000000>;tag=[0-9a-f]+\r$/m);
    expect(reply).toMatch(/^Content-Length: 0\r$/m);
  });

  it('garbage datagrams are ignored and counted', async () => {
    const replies = await udpExchange(
      [Buffer.from('\x00\xff nonsense'), Buffer.from('SIP/2.0 200 OK\r\n\r\n')],
      1,
      400,
    );
    expect(replies).toEqual([]);
    expect(endpoint.stats()).toMatchObject({ udpDatagrams: 2, ignored: 2, requests: 0 });
  });

  it('a retransmission is delivered once and answered with the same response', async () => {
    sink.delayMs = 150;
    const m = sipMessage({ body: alarmBody() });
    // Two resends while the first is being handled: not answered (the first answer is on its way).
    const during = await udpExchange([m, m, m], 1);
    // One after: the same answer again.
    const after = await udpExchange([m], 1);
    expect(sink.delivered).toHaveLength(1);
    expect(during).toHaveLength(1);
    expect(statusOf(during[0]!)).toBe(200);
    expect(after).toEqual(during);
    expect(endpoint.stats().retransmissions).toBe(3);
  });

  it('the sink failing: 500 with Retry-After: 5, and the resend is handled afresh', async () => {
    sink.failing = true;
    const m = sipMessage({ body: alarmBody() });
    const [first] = await udpExchange([m]);
    expect(statusOf(first!)).toBe(500);
    expect(first).toMatch(/^Retry-After: 5\r$/m);
    sink.failing = false;
    const [second] = await udpExchange([m]);
    expect(statusOf(second!)).toBe(200);
    expect(sink.delivered).toHaveLength(1);
    expect(endpoint.stats().sinkErrors).toBe(1);
  });

  it('a device the sink does not know: 403', async () => {
    sink.outcome = 'unknown';
    const [reply] = await udpExchange([sipMessage({ body: alarmBody() })]);
    expect(statusOf(reply!)).toBe(403);
  });

  it('a From that is not a 20-digit id: 400, a dead letter', async () => {
    const [reply] = await udpExchange([sipMessage({ from: 'camera1', body: alarmBody() })]);
    expect(statusOf(reply!)).toBe(400);
    expect(sink.rejected[0]!.from).toEqual({ kind: 'gb28181', address: '127.0.0.1' });
    expect(sink.rejected[0]!.error).toMatch(/^From: /);
  });

  it('a datagram cut short of its Content-Length: 400', async () => {
    const [reply] = await udpExchange([sipMessage({ body: alarmBody(), contentLength: '9999' })]);
    expect(statusOf(reply!)).toBe(400);
    expect(sink.rejected[0]!.error).toMatch(/^body: /);
  });

  it('a body without a declaration is decoded in the charset the device is set to', async () => {
    const gbk = alarmBody('报警', '');
    const utf8 = Buffer.from(iconv.decode(gbk, 'gbk'), 'utf8');
    const replies = await udpExchange([sipMessage({ body: gbk }), sipMessage({ from: UTF8_NVR, body: utf8 })], 2);
    expect(replies.map(statusOf)).toEqual([200, 200]);
    expect(sink.delivered.map((d) => d.notices[0]!.attributes.description)).toEqual(['报警', '报警']);
  });

  it('other CmdTypes: 200 and nothing delivered', async () => {
    const body = `<?xml version="1.0"?><Notify><CmdType>MediaStatus</CmdType><SN>1</SN><DeviceID>${CAMERA}</DeviceID></Notify>`;
    const [reply] = await udpExchange([sipMessage({ body })]);
    expect(statusOf(reply!)).toBe(200);
    expect(sink.delivered).toHaveLength(0);
    expect(sink.rejected).toHaveLength(0);
  });

  it('REGISTER 200 (Expires echoed, Date), OPTIONS 200, INVITE 405, unknown 501, ACK nothing', async () => {
    const replies = await udpExchange(
      [
        sipMessage({ method: 'REGISTER', headers: ['Expires: 3600', `Contact: <sip:${CAMERA}@127.0.0.1:5060>`] }),
        sipMessage({ method: 'OPTIONS' }),
        sipMessage({ method: 'INVITE' }),
        sipMessage({ method: 'FROBNICATE' }),
        sipMessage({ method: 'ACK' }),
      ],
      5,
      800,
    );
    expect(replies.map(statusOf)).toEqual([200, 200, 405, 501]);
    expect(replies[0]).toMatch(/^Expires: 3600\r$/m);
    expect(replies[0]).toMatch(/^Date: 2024-05-09T10:37:45\.123\r$/m);
    expect(replies[0]).toMatch(/^CSeq: \d+ REGISTER\r$/m);
    expect(replies[2]).toMatch(/^Allow: REGISTER, MESSAGE, OPTIONS\r$/m);
    expect(endpoint.stats()).toMatchObject({ registers: 1, refusedMethods: 2 });
  });
});
