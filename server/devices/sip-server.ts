/**
 * GB/T 28181 over SIP (issue 18): a small SIP endpoint on UDP and TCP (one port) that takes the
 * MESSAGEs devices send (MANSCDP Alarm and Keepalive) and hands them to the DeviceSink.
 *
 * Decided:
 * - `sip` (kirm) parses and serializes; every message is handled as latin1 text, so the body keeps its
 *   exact bytes (GBK or UTF-8: decoded by manscdp.ts, with the charset the XML declares or the device's).
 * - Answers: Alarm → sink.deliver → 200 (403 when the sink knows no such device); Keepalive → sink.seen
 *   → 200; any other CmdType → 200, ignored; no body, a body that is not MANSCDP or a From that is not
 *   a 20-digit id → sink.reject (a dead letter) and 400; the sink throwing (database away) → 500 with
 *   Retry-After: 5, and the transaction is forgotten so the device's resend is handled afresh.
 * - REGISTER is answered 200 (Expires and Contact echoed, and GB/T 28181's Date for the device's
 *   clock) WITHOUT digest authentication for now: a device is trusted by its id and the sink's
 *   registry only. OPTIONS → 200; methods we know but do not take → 405; others → 501; ACK and
 *   responses → nothing.
 * - Every response goes to where the request came from (the source address and port, whether or not
 *   the Via has `rport`; with `rport` the Via also gets `rport=` and `received=`), over the same TCP
 *   connection for TCP.
 * - A minimal server transaction layer: a request seen again (UDP retransmission, same branch) within
 *   32 s is answered with the response already sent, or not at all while it is still being handled,
 *   so one alarm is delivered once.
 * - TCP framing by the header block and Content-Length (`l:` too; none means 0); CRLFs between
 *   messages are skipped; a message over 64 KiB is answered 413 when its headers parse, then the
 *   connection closed (headers over 16 KiB: closed, and over UDP ignored, since `sip`'s parsing of
 *   some headers is slower than linear); a partial message waits at most 10 s of silence. Messages of one connection
 *   are handled in order, and reading pauses while 32 are waiting.
 * - Garbage (not SIP, or a request without Via/From/To/Call-ID/CSeq, which cannot be answered) is
 *   ignored and counted; at most 256 UDP requests are handled at once, more are dropped (counted) and
 *   the device retransmits.
 */
// The declaration travels with this file, so programs that only import it (tests) see it too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module's declaration has no import path
/// <reference path="./sip.d.ts" />
import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import sip from 'sip';
import type { SipAor, SipMessage } from 'sip';
import type { DeviceIdentity, DeviceSink, RawMessage } from './ports';
import { decodeBody, isAlarm, isKeepalive, ManscdpError, parseManscdp, type DeviceCharset } from './manscdp';

export interface SipEndpointOptions {
  sink: DeviceSink;
  /** The charset a device is set to (used when its XML does not declare one). */
  charsetOf: (deviceId: string) => DeviceCharset;
  /** UDP and TCP port; 0 picks a free one (the same for both when it can). */
  port: number;
  /** Default '0.0.0.0'. */
  host?: string;
  /** Largest message taken (default 64 KiB). */
  maxMessageBytes?: number;
  /** How long a partial TCP message may wait for its next bytes (default 10 s). */
  idleTimeoutMs?: number;
  /** For REGISTER's Date header. */
  now?: () => Date;
  /** Told of sink failures and socket errors (for the log). */
  onError?: (error: unknown, context: string) => void;
}

export interface SipStats {
  udpDatagrams: number;
  tcpConnections: number;
  /** SIP requests read (retransmissions included). */
  requests: number;
  alarms: number;
  keepalives: number;
  otherCommands: number;
  registers: number;
  /** 400: sent to the sink as rejected. */
  badRequests: number;
  /** 403: the sink knows no such device. */
  unknownDevices: number;
  /** 500: the sink failed. */
  sinkErrors: number;
  /** 405 and 501. */
  refusedMethods: number;
  retransmissions: number;
  /** Not SIP, responses, requests that cannot be answered. */
  ignored: number;
  oversized: number;
  /** UDP requests dropped while 256 were being handled. */
  dropped: number;
  responses: number;
}

const ALLOW = 'REGISTER, MESSAGE, OPTIONS';
const KNOWN_METHODS = new Set(['INVITE', 'BYE', 'CANCEL', 'SUBSCRIBE', 'NOTIFY', 'INFO', 'UPDATE', 'PRACK', 'REFER']);
const DEVICE_ID = /^[0-9]{20}$/;
const TRANSACTION_MS = 32_000;
const MAX_TRANSACTIONS = 10_000;
const MAX_UDP_INFLIGHT = 256;
const TCP_PAUSE_AT = 32;
const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');
/** The most header bytes read: GB/T 28181 headers are well under 2 KiB, and `sip`'s parsing of some headers grows faster than their length. */
const MAX_HEADER_BYTES = 16 * 1024;

interface Source {
  transport: 'UDP' | 'TCP';
  address: string;
  port: number;
  send: (bytes: Buffer) => void;
}

interface Transaction {
  at: number;
  /** Undefined while the request is being handled. */
  response?: Buffer;
}

interface Answer {
  status: number;
  reason: string;
  headers?: Record<string, unknown>;
}

/** GB/T 28181's Date header: Beijing time, `YYYY-MM-DDThh:mm:ss.SSS`. */
function gbDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 23);
}

/** A From/To header's value (the stack's own writes a stray space when there is no display name). */
function nameAddr(aor: SipAor, extra: Record<string, string> = {}): string {
  const params = Object.entries({ ...aor.params, ...extra })
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`))
    .join('');
  return `${aor.name ? `${aor.name} ` : ''}<${aor.uri}>${params}`;
}

function safeParse(text: string): SipMessage | undefined {
  try {
    return sip.parse(text);
  } catch {
    return undefined;
  }
}

/** A request we can answer: it has the headers a response copies. */
function answerable(m: SipMessage): boolean {
  const h = m.headers;
  return (
    typeof m.method === 'string' &&
    Array.isArray(h.via) &&
    h.via.length > 0 &&
    typeof h.via[0]?.host === 'string' &&
    h.from !== undefined &&
    h.to !== undefined &&
    typeof h['call-id'] === 'string' &&
    h.cseq !== undefined &&
    Number.isFinite(h.cseq.seq)
  );
}

type Frame =
  | { kind: 'need' }
  | { kind: 'skip'; length: number }
  | { kind: 'message'; length: number }
  | { kind: 'oversize'; head?: string }
  | { kind: 'invalid'; head: string };

const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*$/im;

/** The next message in a TCP stream's bytes: its length, or what else to do. */
function nextFrame(buf: Buffer, max: number): Frame {
  let i = 0;
  while (i < buf.length && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
  if (i > 0) return { kind: 'skip', length: i };
  const end = buf.indexOf(CRLF2);
  if (end < 0) return buf.length > Math.min(max, MAX_HEADER_BYTES) ? { kind: 'oversize' } : { kind: 'need' };
  if (end > MAX_HEADER_BYTES) return { kind: 'oversize' };
  const head = buf.subarray(0, end).toString('latin1');
  if (end + 4 > max) return { kind: 'oversize', head };
  const cl = CONTENT_LENGTH.exec(head);
  let length = 0;
  if (cl) {
    if (!/^[0-9]{1,9}$/.test(cl[1] ?? '')) return { kind: 'invalid', head };
    length = Number(cl[1]);
  }
  const total = end + 4 + length;
  if (total > max) return { kind: 'oversize', head };
  return buf.length < total ? { kind: 'need' } : { kind: 'message', length: total };
}

export class SipEndpoint {
  private readonly opts: Required<Omit<SipEndpointOptions, 'onError'>> & Pick<SipEndpointOptions, 'onError'>;
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly transactions = new Map<string, Transaction>();
  private udpInflight = 0;
  private closed = false;
  private bound = { udp: 0, tcp: 0 };
  private readonly counters: SipStats = {
    udpDatagrams: 0,
    tcpConnections: 0,
    requests: 0,
    alarms: 0,
    keepalives: 0,
    otherCommands: 0,
    registers: 0,
    badRequests: 0,
    unknownDevices: 0,
    sinkErrors: 0,
    refusedMethods: 0,
    retransmissions: 0,
    ignored: 0,
    oversized: 0,
    dropped: 0,
    responses: 0,
  };

  constructor(options: SipEndpointOptions) {
    this.opts = {
      host: '0.0.0.0',
      maxMessageBytes: 64 * 1024,
      idleTimeoutMs: 10_000,
      now: () => new Date(),
      ...options,
    };
  }

  /** The bound ports (after `listen()`). */
  get ports(): { udp: number; tcp: number } {
    return { ...this.bound };
  }

  stats(): SipStats {
    return { ...this.counters };
  }

  /** Binds TCP, then UDP on the same port (with port 0, a free one of its own if that one is taken). */
  async listen(): Promise<{ udp: number; tcp: number }> {
    const { host, port } = this.opts;
    const tcp = net.createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    tcp.on('error', (e) => this.opts.onError?.(e, 'tcp server'));
    this.tcp = tcp;
    this.bound.tcp = (tcp.address() as net.AddressInfo).port;

    const bindUdp = (p: number) =>
      new Promise<dgram.Socket>((resolve, reject) => {
        const udp = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
        udp.once('error', (e) => {
          udp.close();
          reject(e);
        });
        udp.bind(p, host, () => {
          udp.removeAllListeners('error');
          resolve(udp);
        });
      });
    let udp: dgram.Socket;
    try {
      udp = await bindUdp(port === 0 ? this.bound.tcp : port);
    } catch (e) {
      if (port !== 0) {
        await this.close();
        throw e;
      }
      udp = await bindUdp(0);
    }
    udp.on('error', (e) => this.opts.onError?.(e, 'udp socket'));
    udp.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    this.udp = udp;
    this.bound.udp = udp.address().port;
    return this.ports;
  }

  async close(): Promise<void> {
    this.closed = true;
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all([
      udp ? new Promise<void>((resolve) => udp.close(() => resolve())) : undefined,
      tcp ? new Promise<void>((resolve) => tcp.close(() => resolve())) : undefined,
    ]);
  }

  // -------------------------------------------------------------- transports

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.counters.udpDatagrams++;
    const headerEnd = msg.indexOf(CRLF2);
    if (msg.length > this.opts.maxMessageBytes || headerEnd > MAX_HEADER_BYTES) {
      this.counters.oversized++;
      return;
    }
    if (this.udpInflight >= MAX_UDP_INFLIGHT) {
      this.counters.dropped++;
      return;
    }
    const udp = this.udp;
    const source: Source = {
      transport: 'UDP',
      address: rinfo.address,
      port: rinfo.port,
      send: (bytes) => {
        if (!this.closed && udp) udp.send(bytes, rinfo.port, rinfo.address);
      },
    };
    this.udpInflight++;
    void this.handle(msg, source)
      .catch((e: unknown) => this.opts.onError?.(e, 'gb28181 udp'))
      .finally(() => this.udpInflight--);
  }

  private onConnection(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.counters.tcpConnections++;
    this.sockets.add(socket);
    const max = this.opts.maxMessageBytes;
    const source: Source = {
      transport: 'TCP',
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      send: (bytes) => {
        if (!socket.destroyed && socket.writable) socket.write(bytes);
      },
    };
    let buffered: Buffer = Buffer.alloc(0);
    let queue: Promise<void> = Promise.resolve();
    let waiting = 0;
    let closing = false;

    const enqueue = (job: () => Promise<void>) => {
      waiting++;
      if (waiting >= TCP_PAUSE_AT) socket.pause();
      queue = queue
        .then(job)
        .catch((e: unknown) => this.opts.onError?.(e, 'gb28181 tcp'))
        .finally(() => {
          waiting--;
          if (waiting < TCP_PAUSE_AT / 4 && !closing) socket.resume();
        });
    };
    /** Answers what can be answered of a message we will not read, then closes. */
    const refuse = (status: number, reason: string, head?: string) => {
      closing = true;
      buffered = Buffer.alloc(0);
      socket.pause();
      enqueue(async () => {
        const m = head !== undefined ? safeParse(`${head}\r\n\r\n`) : undefined;
        if (m && answerable(m) && m.method !== 'ACK') {
          source.send(this.response(m, source, { status, reason }, this.toTag()));
          this.counters.responses++;
        }
        socket.end();
        await Promise.resolve();
      });
    };

    socket.on('data', (chunk: Buffer) => {
      if (closing) return;
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      for (;;) {
        const frame = nextFrame(buffered, max);
        if (frame.kind === 'need') break;
        if (frame.kind === 'skip') {
          buffered = buffered.subarray(frame.length);
          continue;
        }
        if (frame.kind === 'message') {
          const message = Buffer.from(buffered.subarray(0, frame.length));
          buffered = buffered.subarray(frame.length);
          enqueue(() => this.handle(message, source));
          continue;
        }
        if (frame.kind === 'oversize') {
          this.counters.oversized++;
          refuse(413, 'Request Entity Too Large', frame.head);
        } else {
          this.counters.ignored++;
          refuse(400, 'Bad Request', frame.head);
        }
        break;
      }
      // Only a partial message (or a connection we are closing) is timed: a device may keep an idle
      // connection open between keepalives.
      socket.setTimeout(buffered.length > 0 || closing ? this.opts.idleTimeoutMs : 0);
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', (e) => this.opts.onError?.(e, 'tcp connection'));
    socket.on('close', () => this.sockets.delete(socket));
  }

  // -------------------------------------------------------------- requests

  private toTag(): string {
    return randomBytes(6).toString('hex');
  }

  private transactionKey(m: SipMessage): string {
    const via = m.headers.via?.[0];
    const cseq = m.headers.cseq;
    const branch = via?.params.branch;
    const method = m.method === 'ACK' ? 'INVITE' : (cseq?.method ?? '');
    if (via && branch && branch.startsWith('z9hG4bK')) return `${branch}|${via.host}:${via.port ?? ''}|${method}`;
    return `${m.headers['call-id']}|${cseq?.seq}|${method}|${m.headers.from?.params.tag ?? ''}`;
  }

  private remember(key: string, t: Transaction): void {
    const now = Date.now();
    for (const [k, v] of this.transactions) {
      if (now - v.at < TRANSACTION_MS && this.transactions.size < MAX_TRANSACTIONS) break;
      this.transactions.delete(k);
    }
    this.transactions.set(key, t);
  }

  private async handle(bytes: Buffer, source: Source): Promise<void> {
    const m = safeParse(bytes.toString('latin1'));
    if (!m || m.status !== undefined || !answerable(m)) {
      this.counters.ignored++;
      return;
    }
    this.counters.requests++;
    if (m.method === 'ACK') return;

    const key = this.transactionKey(m);
    const known = this.transactions.get(key);
    if (known) {
      this.counters.retransmissions++;
      if (known.response) source.send(known.response);
      return;
    }
    const transaction: Transaction = { at: Date.now() };
    this.remember(key, transaction);

    let answer: Answer;
    try {
      answer = await this.dispatch(m, bytes, source);
    } catch (e) {
      this.counters.sinkErrors++;
      this.opts.onError?.(e, `gb28181 ${m.method ?? ''}`);
      answer = { status: 500, reason: 'Server Internal Error', headers: { 'retry-after': '5' } };
    }
    const response = this.response(m, source, answer, this.toTag());
    if (answer.status >= 500) this.transactions.delete(key);
    else transaction.response = response;
    source.send(response);
    this.counters.responses++;
  }

  /** The response's bytes: Via with rport/received filled in, To with our tag. */
  private response(m: SipMessage, source: Source, answer: Answer, tag: string): Buffer {
    const vias = (m.headers.via ?? []).map((v) => ({ ...v, params: { ...v.params } }));
    const top = vias[0];
    if (top && 'rport' in top.params) {
      top.params.rport = String(source.port);
      top.params.received = source.address;
    } else if (top && top.host !== source.address) {
      top.params.received = source.address;
    }
    const headers: Record<string, unknown> = { via: vias };
    const { to, from } = m.headers;
    if (to) headers.to = nameAddr(to, to.params.tag ? {} : { tag });
    if (from) headers.from = nameAddr(from);
    const rs = sip.makeResponse(m, answer.status, answer.reason, { headers: { ...headers, ...answer.headers } });
    return Buffer.from(sip.stringify(rs), 'latin1');
  }

  private async dispatch(m: SipMessage, bytes: Buffer, source: Source): Promise<Answer> {
    switch (m.method ?? '') {
      case 'MESSAGE':
        return this.onMessage(m, bytes, source);
      case 'REGISTER': {
        this.counters.registers++;
        const headers: Record<string, unknown> = { date: gbDate(this.opts.now()) };
        const expires = m.headers.expires;
        if (typeof expires === 'string' && /^[0-9]{1,10}$/.test(expires.trim())) headers.expires = expires.trim();
        const contact = m.headers.contact;
        if (Array.isArray(contact) && contact.length > 0) headers.contact = contact;
        return { status: 200, reason: 'OK', headers };
      }
      case 'OPTIONS':
        return { status: 200, reason: 'OK', headers: { allow: ALLOW } };
      default:
        this.counters.refusedMethods++;
        return KNOWN_METHODS.has(m.method ?? '')
          ? { status: 405, reason: 'Method Not Allowed', headers: { allow: ALLOW } }
          : { status: 501, reason: 'Not Implemented', headers: { allow: ALLOW } };
    }
  }

  private async onMessage(m: SipMessage, bytes: Buffer, source: Source): Promise<Answer> {
    const user = m.headers.from ? sip.parseUri(m.headers.from.uri)?.user : undefined;
    const deviceId = user !== undefined && DEVICE_ID.test(user) ? user : undefined;
    const identity: DeviceIdentity = { kind: 'gb28181', address: source.address };
    if (deviceId) identity.deviceId = deviceId;
    const raw: RawMessage = {
      channel: 'gb28181',
      topic: `gb28181/${deviceId ?? source.address}`,
      payload: bytes,
    };
    const bad = async (error: string): Promise<Answer> => {
      this.counters.badRequests++;
      await this.opts.sink.reject(identity, raw, error);
      return { status: 400, reason: 'Bad Request' };
    };
    if (!deviceId) return bad('From: the user must be a 20-digit GB/T 28181 device id');

    const declared = m.headers['content-length'];
    let content = m.content ?? '';
    if (declared === 0) content = '';
    else if (typeof declared === 'number' && declared > content.length) {
      return bad(`body: ${content.length} bytes of the ${declared} that Content-Length says`);
    }
    if (content.trim() === '') return bad('body: a MESSAGE needs a MANSCDP body');

    let parsed;
    try {
      parsed = parseManscdp(decodeBody(Buffer.from(content, 'latin1'), this.opts.charsetOf(deviceId)));
    } catch (e) {
      if (e instanceof ManscdpError) return bad(e.message);
      throw e;
    }
    if (isAlarm(parsed)) {
      this.counters.alarms++;
      const result = await this.opts.sink.deliver(identity, [parsed.notice], raw);
      if (result.outcome === 'unknown') {
        this.counters.unknownDevices++;
        return { status: 403, reason: 'Forbidden' };
      }
      return { status: 200, reason: 'OK' };
    }
    if (isKeepalive(parsed)) {
      this.counters.keepalives++;
      await this.opts.sink.seen(identity, parsed.channels.length ? parsed.channels : [parsed.deviceId]);
      return { status: 200, reason: 'OK' };
    }
    this.counters.otherCommands++;
    return { status: 200, reason: 'OK' };
  }
}
