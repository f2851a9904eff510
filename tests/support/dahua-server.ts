/**
 * A Dahua-like device for tests (issue 18): node:http on 127.0.0.1:0 answering
 * `/cgi-bin/eventManager.cgi?action=attach…` the way cameras do, so the real client runs over TCP.
 *
 * Decided: Digest is checked for real (MD5, qop=auth, a fresh nonce with every 401, the response
 * recomputed from the password); a request with the wrong credentials gets another 401. Each attached
 * connection plays a script (`script(n)`, n = 0 for the first attach): parts in Dahua's format,
 * raw bytes (stray status lines, junk), waits, a dropped socket, a clean end, or silence; after the
 * script it sends a heartbeat every `heartbeatMs` until the client goes (0: stays silent).
 * 401 answers carry `Connection: close`, as the devices' embedded servers do.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  /** A part: its body, with a correct Content-Length unless `contentLength: false` (or a number to lie). */
  | { part: string | Buffer; contentLength?: boolean | number }
  /** Bytes as they are. */
  | { raw: string | Buffer }
  | { wait: number }
  /** Destroy the socket mid-stream. */
  | { drop: true }
  /** End the response cleanly. */
  | { end: true }
  /** Send nothing more (no heartbeats either). */
  | { silence: true };

export interface DahuaServerOptions {
  username: string;
  password: string;
  realm?: string;
  script?: (attach: number) => Step[];
  /** Heartbeats after the script (ms; 0: none). */
  heartbeatMs?: number;
}

export interface DahuaServer {
  url: string;
  /** Requests answered 401 (challenges and refusals). */
  challenges: number;
  /** Requests with credentials that did not verify. */
  refused: number;
  /** Streams opened (attached with valid credentials). */
  attaches: number;
  /** Request URLs of the attached streams. */
  paths: string[];
  /** Authorization headers seen (to check the client's digest fields). */
  authorizations: string[];
  /** Change the password the device expects. */
  setPassword(p: string): void;
  close(): Promise<void>;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A part in the device's format: boundary, headers, blank line, body, blank line. */
export function dahuaPart(body: string | Buffer, contentLength: boolean | number = true): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const cl = contentLength === false ? '' : `Content-Length: ${contentLength === true ? b.length : contentLength}\r\n`;
  return Buffer.concat([
    Buffer.from(`--myboundary\r\nContent-Type: text/plain\r\n${cl}\r\n`),
    b,
    Buffer.from('\r\n\r\n'),
  ]);
}

export const HEARTBEAT = dahuaPart('Heartbeat');

function parseDigest(h: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of h.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return out;
}

export async function startDahuaServer(opts: DahuaServerOptions): Promise<DahuaServer> {
  const realm = opts.realm ?? 'Login to 4L01234PAZ5B6C7';
  const nonces = new Set<string>();
  let password = opts.password;
  const heartbeatMs = opts.heartbeatMs ?? 0;
  const timers = new Set<NodeJS.Timeout>();

  const state: DahuaServer = {
    url: '',
    challenges: 0,
    refused: 0,
    attaches: 0,
    paths: [],
    authorizations: [],
    setPassword: (p) => {
      password = p;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const challenge = (res: ServerResponse) => {
    const nonce = randomBytes(12).toString('hex');
    nonces.add(nonce);
    state.challenges++;
    res.writeHead(401, {
      'WWW-Authenticate': `Digest realm="${realm}", qop="auth", nonce="${nonce}", opaque="${randomBytes(8).toString('hex')}"`,
      'Content-Type': 'text/html',
      Connection: 'close',
    });
    res.end('<html><body>401 Unauthorized</body></html>');
  };

  const verified = (req: IncomingMessage): boolean => {
    const h = req.headers.authorization;
    if (!h || !/^Digest\s/i.test(h)) return false;
    state.authorizations.push(h);
    const d = parseDigest(h);
    if (d.username !== opts.username || d.realm !== realm || !d.nonce || !nonces.has(d.nonce)) return false;
    if (d.uri !== req.url || d.qop !== 'auth' || !/^[0-9a-f]{8}$/.test(d.nc ?? '') || !d.cnonce) return false;
    const ha1 = md5(`${opts.username}:${realm}:${password}`);
    const ha2 = md5(`${req.method}:${d.uri}`);
    return d.response === md5(`${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:auth:${ha2}`);
  };

  const play = async (res: ServerResponse, steps: Step[]) => {
    const alive = () => !res.destroyed && !res.writableEnded;
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, ms);
        timers.add(t);
      });
    for (const s of steps) {
      if (!alive()) return;
      if ('part' in s) res.write(dahuaPart(s.part, s.contentLength ?? true));
      else if ('raw' in s) res.write(s.raw);
      else if ('wait' in s) await wait(s.wait);
      else if ('drop' in s) {
        res.socket?.destroy();
        return;
      } else if ('end' in s) {
        res.end();
        return;
      } else if ('silence' in s) return;
    }
    while (heartbeatMs > 0 && alive()) {
      res.write(HEARTBEAT);
      await wait(heartbeatMs);
    }
  };

  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/cgi-bin/eventManager.cgi?action=attach')) {
      res.writeHead(404).end();
      return;
    }
    if (!req.headers.authorization) return challenge(res);
    if (!verified(req)) {
      state.refused++;
      return challenge(res);
    }
    state.attaches++;
    state.paths.push(req.url);
    const n = state.attaches - 1;
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=myboundary' });
    res.flushHeaders();
    void play(res, opts.script?.(n) ?? []);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
