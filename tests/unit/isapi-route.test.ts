/**
 * `POST /devices/isapi` (server/routes/isapi.ts, issue 18) behind the API's own body chain
 * (express.json and the storable-input check, as server/routes/index.ts runs them) and error
 * handler, with a fake device sink: what the sink is handed and what the device is answered.
 * Also shows that express.json leaves multipart and XML bodies unread.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiRoutes } from '../../server/http/auth';
import { errorHandler, storableInput } from '../../server/core/http-errors';
import { isapiRoutes, peerAddress } from '../../server/routes/isapi';
import type { DeliverResult, DeviceIdentity, DeviceNotice, DeviceSink, RawMessage } from '../../server/devices/ports';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/isapi/${name}`, import.meta.url));
const JPEG = fixture('tiny.jpg');

type Call =
  | { fn: 'deliver'; from: DeviceIdentity; notices: readonly DeviceNotice[]; raw: RawMessage }
  | { fn: 'reject'; from: DeviceIdentity; raw: RawMessage; error: string }
  | { fn: 'seen'; from: DeviceIdentity };
const calls: Call[] = [];
let outcome: DeliverResult | Error = { outcome: 'stored', accepted: 1, folded: 0, rejected: 0 };

const sink: DeviceSink = {
  deliver(from, notices, raw) {
    calls.push({ fn: 'deliver', from, notices, raw });
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
  },
  reject(from, raw, error) {
    calls.push({ fn: 'reject', from, raw, error });
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve();
  },
  seen(from) {
    calls.push({ fn: 'seen', from });
    return Promise.resolve();
  },
};

let server: Server;
let url: string;

beforeAll(async () => {
  const api = new ApiRoutes({ record: () => Promise.resolve() });
  isapiRoutes(api, { sink });
  const app = express();
  app.use('/api/v1', express.json({ limit: '256kb' }), storableInput({ maxDepth: 32 }), api.router);
  app.use(errorHandler(pino({ level: 'silent' })));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/devices/isapi`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  calls.length = 0;
  outcome = { outcome: 'stored', accepted: 1, folded: 0, rejected: 0 };
});

function multipart(xml: Buffer, ...images: Buffer[]): FormData {
  const form = new FormData();
  form.append('linedetection', new Blob([new Uint8Array(xml)], { type: 'application/xml' }), 'linedetection.xml');
  images.forEach((img, i) =>
    form.append(`image${i}`, new Blob([new Uint8Array(img)], { type: 'image/jpeg' }), `picture${i}.jpg`),
  );
  return form;
}

const post = (body: FormData | Buffer | string, type?: string) =>
  fetch(url, {
    method: 'POST',
    body: Buffer.isBuffer(body) ? new Uint8Array(body) : body,
    headers: type ? { 'content-type': type } : {},
  });

describe('POST /devices/isapi', () => {
  it('delivers an alert with its first picture and answers 200', async () => {
    outcome = { outcome: 'stored', accepted: 0, folded: 1, rejected: 0 };
    const res = await post(multipart(fixture('linedetection-hikvision.xml'), JPEG, Buffer.from('second')));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, accepted: 0, folded: 1 });
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    if (call.fn !== 'deliver') throw new Error(call.fn);
    expect(call.from).toEqual({ kind: 'isapi', address: '127.0.0.1', mac: 'bc:ad:28:4f:1e:07' });
    expect(call.notices).toHaveLength(1);
    expect(call.notices[0]).toMatchObject({ type: 'fence_intrusion', action: 'start', channel: '1' });
    expect(call.notices[0]!.image?.equals(JPEG)).toBe(true);
    expect(call.raw.channel).toBe('isapi');
    expect(call.raw.topic).toBe('isapi/127.0.0.1');
    expect(call.raw.payload.includes(fixture('linedetection-hikvision.xml'))).toBe(true);
  });

  it('takes a bare XML body (express.json leaves it unread)', async () => {
    const res = await post(fixture('videoloss-inactive.xml'), 'application/xml');
    expect(res.status).toBe(200);
    expect(calls[0]).toMatchObject({ fn: 'deliver', notices: [{ type: 'video_loss', action: 'stop' }] });
  });

  it('marks a heartbeat seen', async () => {
    const res = await post(fixture('heartbeat.xml'), 'text/xml');
    expect(await res.json()).toEqual({ ok: true, accepted: 0, folded: 0 });
    expect(calls).toEqual([{ fn: 'seen', from: { kind: 'isapi', address: '127.0.0.1', mac: 'bc:ad:28:4f:1e:07' } }]);
  });

  it('keeps a broken alert as a dead letter and answers 400 naming the field', async () => {
    const xml = Buffer.from(
      '<EventNotificationAlert xmlns="http://www.isapi.org/ver20/XMLSchema"><macAddress>44:19:b6:0a:7c:e2</macAddress><channelID>1</channelID></EventNotificationAlert>',
    );
    const res = await post(multipart(xml));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'request/invalid',
        message: 'body.eventType: missing',
        details: { issues: [{ path: 'body.eventType', message: 'missing' }] },
      },
    });
    expect(calls).toMatchObject([
      { fn: 'reject', from: { kind: 'isapi', mac: '44:19:b6:0a:7c:e2' }, error: 'eventType: missing' },
    ]);
  });

  it('answers 403 to a sender no endpoint matches', async () => {
    outcome = { outcome: 'unknown', accepted: 0, folded: 0, rejected: 1 };
    const res = await post(fixture('fielddetection-isapi.xml'), 'application/xml');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { code: 'auth/forbidden', message: 'no registered ISAPI device has this address and MAC' },
    });
  });

  it('answers 503 with Retry-After when the sink cannot store', async () => {
    outcome = new Error('connection refused');
    const res = await post(fixture('no-offset.xml'), 'application/xml');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ error: { code: 'service/unavailable' } });
  });

  it('answers 413 for an image over 5 MiB (dead-lettered) and 415 for JSON (not)', async () => {
    const big = await post(multipart(fixture('linedetection-hikvision.xml'), Buffer.alloc(6 * 1024 * 1024)));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'request/too-large', message: /image part "image0"/ } });
    expect(calls.map((c) => c.fn)).toEqual(['reject']);

    calls.length = 0;
    const json = await post('{"eventType":"VMD"}', 'application/json');
    expect(json.status).toBe(415);
    expect(calls).toEqual([]);
  });

  it('reads the peer address without the IPv4-mapped prefix', () => {
    expect(peerAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(peerAddress('::ffff:a01:203')).toBe('::ffff:a01:203');
    expect(peerAddress('fe80::1')).toBe('fe80::1');
    expect(peerAddress(undefined)).toBeUndefined();
  });
});
