/**
 * Reading a Hikvision ISAPI push (server/devices/isapi-multipart.ts, issue 18) off a real socket:
 * a plain `http.createServer` on 127.0.0.1:0 calls readIsapiRequest, and real `curl` posts what
 * cameras and NVRs send (multipart with a JPEG, the literal `boundary`, a bare XML body); raw
 * sockets send what curl will not (a multipart cut short). Each answer says what was read, or the
 * error's kind and status; the server also records them for checks the client cannot see.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsapiRequestError, readIsapiRequest, type IsapiRequest } from '../../server/devices/isapi-multipart';
import { parseIsapiAlert } from '../../server/devices/isapi';

const run = promisify(execFile);
const fixtures = new URL('../fixtures/isapi/', import.meta.url);
const path = (name: string) => new URL(name, fixtures).pathname;
const LINE = readFileSync(path('linedetection-hikvision.xml'));
const JPEG = readFileSync(path('tiny.jpg'));

type Outcome = { ok: true; read: IsapiRequest } | { ok: false; error: IsapiRequestError };
const outcomes: Outcome[] = [];
let server: Server;
let base: string;
let port: number;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isapi-'));
  server = createServer((req, res) => {
    readIsapiRequest(req).then(
      (read) => {
        outcomes.push({ ok: true, read });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            xml: read.xml.toString('base64'),
            images: read.images.map((i) => i.toString('base64')),
            raw: read.raw.length,
          }),
        );
      },
      (error: unknown) => {
        if (!(error instanceof IsapiRequestError)) throw error;
        outcomes.push({ ok: false, error });
        res.writeHead(error.status, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ kind: error.kind, message: error.message, raw: error.raw.length }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: {
    xml?: string;
    images?: string[];
    raw: number;
    kind?: string;
    message?: string;
  };
}

/** curl with these arguments; the status and the JSON answer. */
async function curl(...args: string[]): Promise<Reply> {
  const { stdout } = await run('curl', ['-s', '-w', '\n%{http_code}', ...args, base], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: JSON.parse(stdout.slice(0, cut)) as Reply['body'] };
}

/** Raw bytes over a socket; `end` half-closes after them. Resolves with what came back (maybe nothing). */
function sendRaw(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    socket.on('data', (c: Buffer) => got.push(c));
    socket.on('error', () => resolve(Buffer.concat(got).toString('latin1')));
    socket.on('close', () => resolve(Buffer.concat(got).toString('latin1')));
    socket.end(bytes);
  });
}

/** An older NVR's body: literal boundary `boundary`, the XML part without a file name, a JPEG part. */
function nvrBody(opts: { closing?: boolean; xml?: Buffer } = {}): Buffer {
  const xml = opts.xml ?? LINE;
  return Buffer.concat([
    Buffer.from(
      '--boundary\r\n' +
        'Content-Disposition: form-data; name="linedetection"\r\n' +
        'Content-Type: application/xml; charset="UTF-8"\r\n' +
        `Content-Length: ${xml.length}\r\n\r\n`,
    ),
    xml,
    Buffer.from(
      '\r\n--boundary\r\n' +
        'Content-Disposition: form-data; name="linedetectionImage"; filename="linedetectionImage.jpg"\r\n' +
        'Content-Type: image/jpeg\r\n' +
        `Content-Length: ${JPEG.length}\r\n\r\n`,
    ),
    JPEG,
    Buffer.from(opts.closing === false ? '\r\n' : '\r\n--boundary--\r\n'),
  ]);
}

const httpRequest = (body: Buffer, type: string, length = body.length) =>
  Buffer.concat([
    Buffer.from(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`,
    ),
    body,
  ]);

describe('reading ISAPI pushes', () => {
  it('reads multipart with the alert as a file and a JPEG (curl -F)', async () => {
    const r = await curl(
      '-F',
      `EventNotificationAlert=@${path('linedetection-hikvision.xml')};type=application/xml`,
      '-F',
      `intrusionImage=@${path('tiny.jpg')};type=image/jpeg`,
    );
    expect(r.status).toBe(200);
    expect(Buffer.from(r.body.xml!, 'base64').equals(LINE)).toBe(true);
    expect(r.body.images!.map((i) => Buffer.from(i, 'base64').equals(JPEG))).toEqual([true]);
    expect(r.body.raw).toBeGreaterThan(LINE.length + JPEG.length);
  });

  it('reads the alert sent as a text part (no file name), its UTF-8 bytes unchanged', async () => {
    const r = await curl(
      '-F',
      `linedetection=<${path('linedetection-hikvision.xml')};type=application/xml`,
      '-F',
      `Picture=@${path('tiny.jpg')};filename=picture.jpg;type=application/octet-stream`,
    );
    expect(r.status).toBe(200);
    const xml = Buffer.from(r.body.xml!, 'base64');
    expect(xml.equals(LINE)).toBe(true);
    expect(parseIsapiAlert(xml).notice!.attributes.channelName).toBe('东门 北向');
    expect(r.body.images).toHaveLength(1);
  });

  it('reads an older NVR body with the literal boundary `boundary`, with or without the parameter', async () => {
    const body = join(dir, 'nvr.multipart');
    writeFileSync(body, nvrBody());
    for (const type of ['multipart/form-data; boundary=boundary', 'multipart/form-data']) {
      const r = await curl('-H', `Content-Type: ${type}`, '--data-binary', `@${body}`);
      expect(r.status, type).toBe(200);
      expect(Buffer.from(r.body.xml!, 'base64').equals(LINE)).toBe(true);
      expect(Buffer.from(r.body.images![0]!, 'base64').equals(JPEG)).toBe(true);
    }
  });

  it('reads a bare XML body (application/xml and text/xml)', async () => {
    for (const type of ['application/xml', 'text/xml; charset=UTF-8']) {
      const r = await curl('-H', `Content-Type: ${type}`, '--data-binary', `@${path('heartbeat.xml')}`);
      expect(r.status).toBe(200);
      expect(parseIsapiAlert(Buffer.from(r.body.xml!, 'base64')).heartbeat).toBe(true);
      expect(r.body.images).toEqual([]);
    }
  });

  it('refuses a 10 MB image part with 413 naming the part, and keeps the first 1 MiB', async () => {
    const big = join(dir, 'big.jpg');
    writeFileSync(big, Buffer.concat([JPEG.subarray(0, 2), Buffer.alloc(10 * 1000 * 1000, 0x55)]));
    const r = await curl(
      '-F',
      `EventNotificationAlert=@${path('linedetection-hikvision.xml')};type=application/xml`,
      '-F',
      `intrusionImage=@${big};type=image/jpeg`,
    );
    expect(r.status).toBe(413);
    expect(r.body.kind).toBe('too-large');
    expect(r.body.message).toBe('the image part "intrusionImage" is larger than 5 MiB');
    expect(r.body.raw).toBe(1024 * 1024);
  });

  it('refuses a body declared larger than 12 MiB before reading it', async () => {
    const r = await sendRaw(httpRequest(Buffer.alloc(0), 'multipart/form-data; boundary=x', 13 * 1024 * 1024));
    expect(r).toMatch(/^HTTP\/1\.1 413/);
    expect(r).toContain('the body is larger than 12 MiB');
  });

  it('refuses an XML part over 64 KiB and more than 4 images', async () => {
    const huge = join(dir, 'huge.xml');
    writeFileSync(huge, Buffer.concat([LINE, Buffer.alloc(65 * 1024, 0x20)]));
    const xmlTooBig = await curl('-F', `alert=@${huge};type=application/xml`);
    expect(xmlTooBig).toMatchObject({ status: 413, body: { kind: 'too-large' } });
    expect(xmlTooBig.body.message).toBe('the XML part "alert" is larger than 64 KiB');

    const five = Array.from({ length: 5 }, (_, i) => ['-F', `image${i}=@${path('tiny.jpg')};type=image/jpeg`]).flat();
    const tooMany = await curl('-F', `alert=@${path('linedetection-hikvision.xml')};type=application/xml`, ...five);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.message).toBe('more than 4 images (the image part "image4")');
  });

  it('refuses a multipart cut short before its closing boundary (400)', async () => {
    const cut = nvrBody({ closing: false });
    const r = await sendRaw(httpRequest(cut, 'multipart/form-data; boundary=boundary'));
    expect(r).toMatch(/^HTTP\/1\.1 400/);
    expect(r).toContain('"kind":"malformed"');
    expect(r).toContain('Unexpected end of form');
  });

  it('refuses a request whose sender stops before the declared length', async () => {
    const before = outcomes.length;
    const body = nvrBody();
    await sendRaw(httpRequest(body.subarray(0, 300), 'multipart/form-data; boundary=boundary', body.length));
    await expect.poll(() => outcomes.length).toBe(before + 1);
    const last = outcomes.at(-1)!;
    expect(last.ok).toBe(false);
    if (!last.ok) {
      expect(last.error.kind).toBe('malformed');
      expect(last.error.raw.length).toBe(300);
    }
  });

  it('refuses multipart without an XML part, and other content types', async () => {
    const noXml = await curl('-F', `image=@${path('tiny.jpg')};type=image/jpeg`, '-F', 'note=hello');
    expect(noXml).toMatchObject({ status: 400, body: { kind: 'malformed' } });
    expect(noXml.body.message).toMatch(/no XML part/);

    const json = await curl('-H', 'Content-Type: application/json', '--data-binary', '{"eventType":"VMD"}');
    expect(json).toMatchObject({ status: 415, body: { kind: 'unsupported' } });

    const noBoundary = await curl('-H', 'Content-Type: multipart/form-data', '--data-binary', 'hello world\r\n');
    expect(noBoundary).toMatchObject({ status: 400, body: { kind: 'malformed' } });

    const empty = await curl('-H', 'Content-Type: application/xml', '--data-binary', '');
    expect(empty).toMatchObject({ status: 400, body: { kind: 'malformed', message: 'the body is empty' } });
  });

  it('keeps the connection usable after a refusal (the next request on a fresh one works)', async () => {
    const r = await curl('-H', 'Content-Type: application/xml', '--data-binary', `@${path('videoloss-inactive.xml')}`);
    expect(r.status).toBe(200);
  });
});
