/**
 * `POST /api/v1/devices/isapi` (issue 18): the "HTTP listening" host Hikvision cameras and NVRs
 * push their alarms to. Thin: read the body (devices/isapi-multipart.ts), parse the alert
 * (devices/isapi.ts), hand it to the device sink (devices/ports.ts), answer.
 *
 * Decisions:
 * - Public: a camera sends no credential; the sink matches the peer address (`req.ip`, `::ffff:`
 *   dropped) and the alert's MAC to a registered endpoint, and an unknown sender is a 403 (after
 *   the sink has kept it as a dead letter). The XML's own ipAddress is not trusted for identity.
 * - A device only needs a 200: a resent active event folds into the stored one (`folded`).
 * - A heartbeat marks the device seen and is a 200 with nothing accepted.
 * - A body or alert that is not ISAPI (broken XML, a cut multipart, a part over its limit) is
 *   handed to the sink as a dead letter, then answered 400/413 naming the field or part; a wrong
 *   content type (415) or a body too slow (408) is answered without a dead letter (nothing in it
 *   claims to be ISAPI). Refusals with an unread body close the connection.
 * - Any failure of the sink is a 503 with Retry-After: by its contract it fails only when the
 *   database is away, and the device then sends again.
 */
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ErrorCode } from '@shared/errors';
import { DB_RETRY_AFTER_S, HttpError } from '../core/http-errors';
import { DEVICE_PUSH_PATH, type ApiRoutes, type RouteDoc } from '../http/auth';
import type { DeviceIdentity, DeviceSink, RawMessage } from '../devices/ports';
import { IsapiParseError, parseIsapiAlert } from '../devices/isapi';
import { IsapiRequestError, ISAPI_LIMITS, readIsapiRequest } from '../devices/isapi-multipart';

export const isapiReply = z.object({
  ok: z.literal(true),
  /** Events stored new. */
  accepted: z.number().int(),
  /** Repeats of an active event folded into the stored one, and ends taken. */
  folded: z.number().int(),
});
export type IsapiReply = z.infer<typeof isapiReply>;

const MIB = 1024 * 1024;

const doc: RouteDoc = {
  summary: 'Hikvision ISAPI alarms pushed by cameras and NVRs ("HTTP listening" host).',
  description: [
    'Set this URL as the device\'s HTTP listening host (Network → Advanced → HTTP Listening; "Alarm',
    'Host" on NVRs). No credential: the sender is matched by its address and the alert\'s MAC to a',
    'registered ISAPI endpoint.',
    '',
    'Accepted bodies:',
    `- \`multipart/form-data\`: an \`EventNotificationAlert\` XML part (\`application/xml\` or \`text/xml\`, or a name or file name ending in \`.xml\`; at most ${ISAPI_LIMITS.xmlBytes / 1024} KiB) and up to ${ISAPI_LIMITS.images} JPEG parts (\`image/*\` or \`*.jpg\`, at most ${ISAPI_LIMITS.imageBytes / MIB} MiB each; the first is kept as the event's photo). The literal boundary \`boundary\` of older NVRs is read, with or without the Content-Type parameter.`,
    `- \`application/xml\` or \`text/xml\`: the alert alone.`,
    '',
    `The whole body is at most ${ISAPI_LIMITS.bodyBytes / MIB} MiB. The XML's root is \`EventNotificationAlert\` in the namespace`,
    '`http://www.hikvision.com/ver20/XMLSchema`, `http://www.isapi.org/ver20/XMLSchema` or none; `eventType`,',
    '`dateTime` (ISO 8601; no offset is Beijing time) and `channelID` or `dynChannelID` (a positive whole number) are',
    'needed; `eventState` inactive ends an event. A `heartBeat` marks the device seen.',
  ].join('\n'),
  body: {
    mediaType: 'multipart/form-data',
    description:
      'An EventNotificationAlert XML part and optional JPEG parts (or the XML alone as application/xml or text/xml).',
  },
  reply: {
    status: 200,
    schema: isapiReply,
    description:
      'taken: events stored new (accepted) and repeats folded into an active one (folded); 0 and 0 for a heartbeat',
  },
  errors: {
    400: 'the alert is not ISAPI (the message names the field: `eventType: missing`), or the multipart is cut short or has no XML part; kept as a dead letter',
    403: 'no registered ISAPI device has this address and MAC (kept as a dead letter)',
    408: `the body did not arrive within ${ISAPI_LIMITS.timeoutMs / 1000} s`,
    413: 'a part or the body is over its limit (the message names the part)',
    415: 'neither multipart/form-data nor application/xml / text/xml',
    503: 'the database is unavailable for a moment: nothing was stored; the device sends again (Retry-After)',
  },
  tags: ['devices'],
};

const ERROR_CODES: Record<number, ErrorCode> = { 413: ErrorCode.RequestTooLarge };

/** The peer's address as the registry stores it (IPv4-mapped IPv6 as plain IPv4). */
export function peerAddress(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  return ip.toLowerCase().startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** The sink failed: by its contract the database is away, so the device should send again. */
async function viaSink<T>(res: Response, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    res.set('Retry-After', String(DB_RETRY_AFTER_S));
    throw new HttpError(
      503,
      ErrorCode.ServiceUnavailable,
      'the database is unavailable for a moment: nothing was stored; send it again',
    );
  }
}

export function isapiRoutes(api: ApiRoutes, deps: { sink: DeviceSink; limit?: RequestHandler }): void {
  const limit: RequestHandler = deps.limit ?? ((_req, _res, next) => next());
  api.add('post', DEVICE_PUSH_PATH, 'public', doc, limit, async (req, res) => {
    const address = peerAddress(req.ip);
    const raw = (payload: Buffer): RawMessage => ({
      channel: 'isapi',
      topic: `isapi/${address ?? 'unknown'}`,
      payload,
    });
    const from = (id: { mac?: string; serial?: string } = {}): DeviceIdentity => ({
      kind: 'isapi',
      ...(address ? { address } : {}),
      ...(id.mac ? { mac: id.mac } : {}),
      ...(id.serial ? { serial: id.serial } : {}),
    });

    let body;
    try {
      body = await readIsapiRequest(req);
    } catch (err) {
      if (!(err instanceof IsapiRequestError)) throw err;
      res.set('Connection', 'close'); // the rest of the body may still be arriving
      if (err.kind === 'malformed' || err.kind === 'too-large')
        await viaSink(res, () => deps.sink.reject(from(), raw(err.raw), err.message));
      // The field at fault is the body (its type, a part, its framing).
      throw new HttpError(err.status, ERROR_CODES[err.status] ?? ErrorCode.RequestInvalid, `body: ${err.message}`);
    }

    let alert;
    try {
      alert = parseIsapiAlert(body.xml);
    } catch (err) {
      if (!(err instanceof IsapiParseError)) throw err;
      await viaSink(res, () => deps.sink.reject(from(err.identity), raw(body.raw), err.message));
      // The alert's element at fault, inside the body: `body.eventType: missing`.
      throw new HttpError(400, ErrorCode.RequestInvalid, `body.${err.field}: ${err.reason}`, {
        issues: [{ path: `body.${err.field}`, message: err.reason }],
      });
    }

    const sender = from(alert.identity);
    if (alert.heartbeat || !alert.notice) {
      await viaSink(res, () => deps.sink.seen(sender));
      res.json({ ok: true, accepted: 0, folded: 0 } satisfies IsapiReply);
      return;
    }
    const image = body.images[0];
    const notice = image ? { ...alert.notice, image } : alert.notice;
    const result = await viaSink(res, () => deps.sink.deliver(sender, [notice], raw(body.raw)));
    if (result.outcome === 'unknown')
      throw new HttpError(403, ErrorCode.AuthForbidden, 'no registered ISAPI device has this address and MAC');
    res.json({ ok: true, accepted: result.accepted, folded: result.folded } satisfies IsapiReply);
  });
}
